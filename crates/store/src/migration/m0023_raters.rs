//! Supporters rate a result too: each rating names who gave it.
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::rating;

pub(super) struct M0023Raters;

impl MigrationName for M0023Raters {
    fn name(&self) -> &str {
        "m0023_raters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0023Raters {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(rating::Column::Rater)
            .string()
            .null()
            .to_owned();
        add_column(manager, rating::Entity, "ratings", column).await
    }
}
