//! 联办: co-handling departments' shares of tasks.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::task_share;

pub(super) struct M0019TaskShares;

impl MigrationName for M0019TaskShares {
    fn name(&self) -> &str {
        "m0019_task_shares"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0019TaskShares {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(task_share::Entity)
            .apply(manager.get_connection())
            .await
    }
}
