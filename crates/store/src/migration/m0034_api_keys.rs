//! Systems that post topics: the keys they post with, the outside number a
//! topic keeps (a 12345 work order's), and where each room is on the map
//! (an Open311 request with only a point goes to the nearest room).
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{api_key, room, topic};

pub(super) struct M0034ApiKeys;

impl MigrationName for M0034ApiKeys {
    fn name(&self) -> &str {
        "m0034_api_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0034ApiKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_table("api_keys").await? {
            Schema::new(manager.get_database_backend())
                .builder()
                .register(api_key::Entity)
                .apply(manager.get_connection())
                .await?;
        }
        let external = ColumnDef::new(topic::Column::ExternalRef)
            .string()
            .null()
            .to_owned();
        add_column(manager, topic::Entity, "topics", external).await?;
        for column in [room::Column::LatE6, room::Column::LngE6] {
            let def = ColumnDef::new(column).big_integer().null().to_owned();
            add_column(manager, room::Entity, "rooms", def).await?;
        }
        Ok(())
    }
}
