//! 导出: large 工作台账 made in the background, with their progress and
//! the made file (`exports`).
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::export;

pub(super) struct M0039Exports;

impl MigrationName for M0039Exports {
    fn name(&self) -> &str {
        "m0039_exports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0039Exports {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_table("exports").await? {
            Schema::new(manager.get_database_backend())
                .builder()
                .register(export::Entity)
                .apply(manager.get_connection())
                .await?;
        }
        Ok(())
    }
}
