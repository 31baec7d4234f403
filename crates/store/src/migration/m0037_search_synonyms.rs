//! 搜索 by a thing's other names: texts indexed before the synonym table
//! lack its terms (`同义12`), so a database with topics is marked
//! `search_pending` and `Store::migrate` indexes everything again once.
use sea_orm_migration::prelude::*;

pub(super) struct M0037SearchSynonyms;

impl MigrationName for M0037SearchSynonyms {
    fn name(&self) -> &str {
        "m0037_search_synonyms"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0037SearchSynonyms {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO settings (key, value) SELECT 'search_pending', '1' \
                 WHERE EXISTS (SELECT 1 FROM topics) \
                 AND NOT EXISTS (SELECT 1 FROM settings WHERE key = 'search_pending')",
            )
            .await?;
        Ok(())
    }
}
