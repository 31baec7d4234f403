//! The latest opinion map of a deliberation, computed in the background.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "deliberation_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub deliberation_id: i64,
    /// `opinion::report` of the analysis, as JSON.
    #[sea_orm(column_type = "Text")]
    pub json: String,
    pub votes_counted: i64,
    pub computed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
