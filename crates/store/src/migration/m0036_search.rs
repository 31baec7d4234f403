//! 搜索: the search entries and their index — an FTS5 table on SQLite, a
//! GIN index over the terms on PostgreSQL. Terms are segmented by jieba
//! before they reach the database (neither database segments Chinese), so
//! PostgreSQL reads them as ready lexemes (`array_to_tsvector`) rather than
//! through a text-search parser. A database that already has topics is
//! marked `search_pending`, and `Store::migrate` indexes them once.
use sea_orm::{DbBackend, Schema};
use sea_orm_migration::prelude::*;

use crate::entity::search_entry;

pub(super) struct M0036Search;

impl MigrationName for M0036Search {
    fn name(&self) -> &str {
        "m0036_search"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0036Search {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_table("search_entries").await? {
            return Ok(());
        }
        let backend = manager.get_database_backend();
        Schema::new(backend)
            .builder()
            .register(search_entry::Entity)
            .apply(manager.get_connection())
            .await?;
        let conn = manager.get_connection();
        match backend {
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE INDEX search_entries_terms ON search_entries \
                     USING GIN (array_to_tsvector(string_to_array(terms, ' ')))",
                )
                .await?;
            }
            _ => {
                conn.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize = 'unicode61')",
                )
                .await?;
            }
        }
        conn.execute_unprepared(
            "INSERT INTO settings (key, value) SELECT 'search_pending', '1' \
             WHERE EXISTS (SELECT 1 FROM topics)",
        )
        .await?;
        Ok(())
    }
}
