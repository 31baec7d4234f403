//! Completion evidence and 跟踪问效: photos may belong to a department's
//! completion report or to a follow-up check, and follow-up checks are kept.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{follow_up, photo};

pub(super) struct M0017FollowUps;

impl MigrationName for M0017FollowUps {
    fn name(&self) -> &str {
        "m0017_follow_ups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017FollowUps {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(follow_up::Entity)
            .apply(manager.get_connection())
            .await?;
        for column in [photo::Column::TaskId, photo::Column::FollowUpId] {
            let def = ColumnDef::new(column).big_integer().null().to_owned();
            add_column(manager, photo::Entity, "photos", def).await?;
        }
        Ok(())
    }
}
