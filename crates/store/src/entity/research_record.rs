//! 商前调研记录: a site visit or study made before deliberation.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "research_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub participants: String,
    pub created_by: i64,
    /// The day of the visit (`m0024`; older records have none).
    pub visited_on: Option<Date>,
    /// Where (`m0024`).
    #[sea_orm(default_value = "")]
    pub place: String,
    /// A `ResearchMethod` code (`m0024`; empty on older records).
    #[sea_orm(default_value = "")]
    pub method: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
