//! 专题活动: campaigns with their rooms; topics and meetings may count in one.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{campaign, campaign_room, meeting, topic};

pub(super) struct M0027Campaigns;

impl MigrationName for M0027Campaigns {
    fn name(&self) -> &str {
        "m0027_campaigns"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0027Campaigns {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(campaign::Entity)
            .register(campaign_room::Entity)
            .apply(manager.get_connection())
            .await?;
        let on_topic = ColumnDef::new(topic::Column::CampaignId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, topic::Entity, "topics", on_topic).await?;
        let on_meeting = ColumnDef::new(meeting::Column::CampaignId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, meeting::Entity, "meetings", on_meeting).await
    }
}
