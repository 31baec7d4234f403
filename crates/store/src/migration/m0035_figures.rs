//! 工作指标: the kept counters a region's figures are summed from. A
//! database that already has a timeline is marked `figures_pending`, and
//! `Store::migrate` fills them from it once; from then on each entry adds
//! to them as it is written.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::figure_count;

pub(super) struct M0035Figures;

impl MigrationName for M0035Figures {
    fn name(&self) -> &str {
        "m0035_figures"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0035Figures {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_table("figure_counts").await? {
            Schema::new(manager.get_database_backend())
                .builder()
                .register(figure_count::Entity)
                .apply(manager.get_connection())
                .await?;
            manager
                .get_connection()
                .execute_unprepared(
                    "INSERT INTO settings (key, value) SELECT 'figures_pending', '1' \
                     WHERE EXISTS (SELECT 1 FROM topic_events)",
                )
                .await?;
        }
        Ok(())
    }
}
