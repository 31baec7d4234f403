//! Every look a convener takes at a submitter's full phone number.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::phone_reveal;

pub(super) struct M0018PhoneReveals;

impl MigrationName for M0018PhoneReveals {
    fn name(&self) -> &str {
        "m0018_phone_reveals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0018PhoneReveals {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(phone_reveal::Entity)
            .apply(manager.get_connection())
            .await
    }
}
