//! An official's e-mail address and whether notices go by text or e-mail.
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::user;

pub(super) struct M0033NoticeEmail;

impl MigrationName for M0033NoticeEmail {
    fn name(&self) -> &str {
        "m0033_notice_email"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0033NoticeEmail {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let email = ColumnDef::new(user::Column::Email)
            .string()
            .null()
            .to_owned();
        add_column(manager, user::Entity, "users", email).await?;
        let by = ColumnDef::new(user::Column::NoticeBy)
            .string()
            .not_null()
            .default("sms")
            .to_owned();
        add_column(manager, user::Entity, "users", by).await
    }
}
