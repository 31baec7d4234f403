//! The meeting day: invitation lists with answers and sign-in, the wanted
//! mix of categories, and inbox lines that lead somewhere other than a
//! topic (an invitation's answer page).
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{meeting_invitation, meeting_mix_rule, notification};

pub(super) struct M0025MeetingDay;

impl MigrationName for M0025MeetingDay {
    fn name(&self) -> &str {
        "m0025_meeting_day"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0025MeetingDay {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(meeting_invitation::Entity)
            .register(meeting_mix_rule::Entity)
            .apply(manager.get_connection())
            .await?;
        let link = ColumnDef::new(notification::Column::Link)
            .string()
            .null()
            .to_owned();
        add_column(manager, notification::Entity, "notifications", link).await
    }
}
