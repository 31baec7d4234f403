//! A region's own list of topic categories (empty: the list from above).
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::region_rule;

pub(super) struct M0031RegionCategories;

impl MigrationName for M0031RegionCategories {
    fn name(&self) -> &str {
        "m0031_region_categories"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0031RegionCategories {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let categories = ColumnDef::new(region_rule::Column::Categories)
            .text()
            .not_null()
            .default("")
            .to_owned();
        add_column(manager, region_rule::Entity, "region_rules", categories).await
    }
}
