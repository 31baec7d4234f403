//! Officials' second factor: their authenticator keys and recovery codes,
//! a region's rule requiring it, and sessions that wait for the code.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{recovery_code, region_rule, second_factor, session};

pub(super) struct M0030SecondFactor;

impl MigrationName for M0030SecondFactor {
    fn name(&self) -> &str {
        "m0030_second_factor"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0030SecondFactor {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_table("second_factors").await? {
            Schema::new(manager.get_database_backend())
                .builder()
                .register(second_factor::Entity)
                .register(recovery_code::Entity)
                .apply(manager.get_connection())
                .await?;
        }
        let required = ColumnDef::new(region_rule::Column::SecondFactor)
            .boolean()
            .not_null()
            .default(false)
            .to_owned();
        add_column(manager, region_rule::Entity, "region_rules", required).await?;
        let awaiting = ColumnDef::new(session::Column::Awaiting)
            .string()
            .not_null()
            .default("")
            .to_owned();
        add_column(manager, session::Entity, "sessions", awaiting).await
    }
}
