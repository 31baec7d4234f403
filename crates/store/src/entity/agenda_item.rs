//! A topic on a meeting's agenda.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed, unique_key = "agenda")]
    pub meeting_id: i64,
    #[sea_orm(indexed, unique_key = "agenda")]
    pub topic_id: i64,
    pub position: i32,
    /// The minutes' account of how this item was discussed (`m0026`).
    #[sea_orm(column_type = "Text", default_value = "")]
    pub discussion: String,
}

impl ActiveModelBehavior for ActiveModel {}
