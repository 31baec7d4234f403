//! Structured research (调研有深度): a plan and an analysis per topic, each
//! record's day, place and method, its participants by category, and
//! photos as evidence of a visit; and the people linked to each room
//! (挂钩代表), whom research and meetings pick from.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{
    photo, research_analysis, research_participant, research_plan, research_record, room_person,
};

pub(super) struct M0024Research;

impl MigrationName for M0024Research {
    fn name(&self) -> &str {
        "m0024_research"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0024Research {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(research_plan::Entity)
            .register(research_analysis::Entity)
            .register(research_participant::Entity)
            .register(room_person::Entity)
            .apply(manager.get_connection())
            .await?;
        let visited = ColumnDef::new(research_record::Column::VisitedOn)
            .date()
            .null()
            .to_owned();
        add_column(
            manager,
            research_record::Entity,
            "research_records",
            visited,
        )
        .await?;
        for column in [
            research_record::Column::Place,
            research_record::Column::Method,
        ] {
            let def = ColumnDef::new(column)
                .string()
                .not_null()
                .default("")
                .to_owned();
            add_column(manager, research_record::Entity, "research_records", def).await?;
        }
        let def = ColumnDef::new(photo::Column::ResearchRecordId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, photo::Entity, "photos", def).await
    }
}
