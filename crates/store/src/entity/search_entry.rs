//! 搜索: one public text the search finds — a topic, an opinion, a research
//! visit's findings or published minutes — with the terms it is indexed
//! under (`text::index_terms`, space-separated). SQLite keeps the terms in
//! the FTS5 table `search_fts` (rowid = this id); PostgreSQL in a GIN index
//! over them (`m0036`). Derived data: rebuilt from the texts, not backed up.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "search_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `domain::SearchKind` code.
    #[sea_orm(unique_key = "entry")]
    pub kind: String,
    /// The topic's, opinion's, research record's or meeting's id.
    #[sea_orm(unique_key = "entry")]
    pub ref_id: i64,
    /// The topic it is about; none for minutes.
    #[sea_orm(indexed)]
    pub topic_id: Option<i64>,
    #[sea_orm(indexed)]
    pub room_id: i64,
    /// When the text was written.
    pub at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub terms: String,
}

impl ActiveModelBehavior for ActiveModel {}
