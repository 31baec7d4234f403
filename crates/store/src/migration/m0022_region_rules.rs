//! A region's rules for its departments' work: head approval of completions.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::region_rule;

pub(super) struct M0022RegionRules;

impl MigrationName for M0022RegionRules {
    fn name(&self) -> &str {
        "m0022_region_rules"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0022RegionRules {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(region_rule::Entity)
            .apply(manager.get_connection())
            .await
    }
}
