//! Where each session was started from, for its owner's list of sessions.
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::session;

pub(super) struct M0029SessionAddress;

impl MigrationName for M0029SessionAddress {
    fn name(&self) -> &str {
        "m0029_session_address"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0029SessionAddress {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let address = ColumnDef::new(session::Column::Address)
            .string()
            .not_null()
            .default("")
            .to_owned();
        add_column(manager, session::Entity, "sessions", address).await
    }
}
