//! 督办单: formal supervision orders on tasks and their answers.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::supervision_order;

pub(super) struct M0016Orders;

impl MigrationName for M0016Orders {
    fn name(&self) -> &str {
        "m0016_orders"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016Orders {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(supervision_order::Entity)
            .apply(manager.get_connection())
            .await
    }
}
