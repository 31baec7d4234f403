//! 操作日志: one row per audited write, chained to the one before by its
//! hash (`domain::AuditRecord::hash`). Append-only: the migration adds
//! triggers that refuse UPDATE and DELETE, and the application never issues them.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    /// The entry's place in the chain, from 1 with no gaps (assigned, not generated).
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(indexed)]
    pub at: DateTimeUtc,
    #[sea_orm(indexed)]
    pub user_id: Option<i64>,
    pub actor_name: String,
    pub address: String,
    #[sea_orm(indexed)]
    pub action: String,
    pub target: String,
    /// The encoded path of the region the write concerns, when it concerns one.
    #[sea_orm(indexed)]
    pub region_path: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
