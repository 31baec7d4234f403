//! Deadline classes a region's administrator sets for the region.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::deadline_setting;

pub(super) struct M0021DeadlineSettings;

impl MigrationName for M0021DeadlineSettings {
    fn name(&self) -> &str {
        "m0021_deadline_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0021DeadlineSettings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(deadline_setting::Entity)
            .apply(manager.get_connection())
            .await
    }
}
