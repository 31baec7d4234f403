//! What a deliberation's next opinion-map run continues from
//! (`opinion::Analysis::continuation`, as JSON), so that a restarted server
//! still starts warm. Kept apart from the result, which pages read.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "analysis_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub deliberation_id: i64,
    #[sea_orm(column_type = "Text")]
    pub json: String,
}

impl ActiveModelBehavior for ActiveModel {}
