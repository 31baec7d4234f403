//! The meeting in session and its minutes: the item under discussion, the
//! speakers' queue, votes and phone ballots (one per attendee), the
//! minutes, and each agenda item's discussion.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{
    agenda_item, meeting, meeting_ballot, meeting_minutes, meeting_speaker, meeting_vote,
};

pub(super) struct M0026Live;

impl MigrationName for M0026Live {
    fn name(&self) -> &str {
        "m0026_live"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0026Live {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(meeting_speaker::Entity)
            .register(meeting_vote::Entity)
            .register(meeting_ballot::Entity)
            .register(meeting_minutes::Entity)
            .apply(manager.get_connection())
            .await?;
        let current = ColumnDef::new(meeting::Column::CurrentTopicId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, meeting::Entity, "meetings", current).await?;
        let discussion = ColumnDef::new(agenda_item::Column::Discussion)
            .text()
            .not_null()
            .default("")
            .to_owned();
        add_column(manager, agenda_item::Entity, "agenda_items", discussion).await
    }
}
