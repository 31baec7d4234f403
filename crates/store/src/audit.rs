//! The audit log (操作日志): every write worth answering for — moves on the
//! chain, administration, grants, sign-ins, looks at personal data — appended
//! in the same transaction as the write itself, chained by hashes
//! (`domain::AuditRecord`), and never updated or deleted.
//!
//! Who made a write and from where is a property of the request, like its
//! tracing span, so the web layer sets it once per request with
//! [`Origin::scope`] rather than threading an address through every store
//! call; a write captures it when it begins. The command line and the
//! worker set their own.
use std::future::Future;

use chrono::{DateTime, SubsecRound, Utc};
use domain::{AuditRecord, AuditWhat, Checkpoint, RegionPath, UserId, Verdict, Verifier};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::entity::{audit_entry, audit_head};
use crate::{Result, Store, StoreError, WriteTx};

tokio::task_local! {
    static ORIGIN: Origin;
}

/// Who is writing and from where, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The signed-in account, if any.
    pub user: Option<UserId>,
    /// The name to record (a person's name, 命令行, 后台任务).
    pub name: String,
    /// The network address the request came from, or where else it came from.
    pub address: String,
}

impl Origin {
    /// Writes made by someone at the server's command line.
    pub fn command_line() -> Origin {
        Origin {
            user: None,
            name: "命令行".into(),
            address: "本机".into(),
        }
    }

    /// Writes made by the background worker (reminders, escalations …).
    pub fn worker() -> Origin {
        Origin {
            user: None,
            name: "后台任务".into(),
            address: "本机".into(),
        }
    }

    /// Runs `work` with every write it makes recorded as coming from here.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        ORIGIN.scope(self, work).await
    }

    /// The origin of the work running now; the system when none was set.
    pub(crate) fn current() -> Origin {
        ORIGIN.try_with(Clone::clone).unwrap_or_else(|_| Origin {
            user: None,
            name: "系统".into(),
            address: String::new(),
        })
    }
}

/// An entry a write will append when it commits.
pub(crate) struct PendingEntry {
    pub what: AuditWhat,
    pub target: String,
    pub region: Option<RegionPath>,
    pub detail: serde_json::Value,
    /// Who, when the write knows better than the request (a named actor).
    pub actor: Option<(Option<UserId>, String)>,
}

/// One entry of the audit log as pages read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place in the chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The account that made the write, if any.
    pub user: Option<UserId>,
    /// The name recorded for whoever made it.
    pub actor_name: String,
    /// Where from.
    pub address: String,
    /// What was done.
    pub what: AuditWhat,
    /// What it was done to.
    pub target: String,
    /// The facts of the write, as JSON.
    pub detail: String,
}

/// Which entries an administrator reads.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Entries about these regions (prefixes) …
    pub regions: Vec<RegionPath>,
    /// … or made by these people. Both empty: every entry (the command line).
    pub people: Vec<UserId>,
    /// Only this kind of write.
    pub what: Option<AuditWhat>,
    /// Only writes by someone whose recorded name contains this.
    pub actor: Option<String>,
    /// Only writes whose target contains this (a 查询码, `room:`…).
    pub target: Option<String>,
    /// From this moment on.
    pub since: Option<DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<DateTime<Utc>>,
    /// Only entries older than this one (the next page).
    pub before: Option<i64>,
}

impl WriteTx {
    /// Records this write in the audit log when it commits.
    pub(crate) fn audit(
        &self,
        what: AuditWhat,
        target: impl Into<String>,
        region: Option<&RegionPath>,
        detail: serde_json::Value,
    ) {
        self.push_audit(PendingEntry {
            what,
            target: target.into(),
            region: region.cloned(),
            detail,
            actor: None,
        });
    }

    pub(crate) fn push_audit(&self, entry: PendingEntry) {
        self.audit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(entry);
    }

    pub(crate) fn take_audit(&self) -> Vec<PendingEntry> {
        std::mem::take(
            &mut *self
                .audit
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// Appends entries to the chain inside the write's transaction, taking the
/// head's row lock so that concurrent writers on PostgreSQL queue for their
/// place (SQLite's writers already take turns).
pub(crate) async fn append(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    origin: &Origin,
    entries: Vec<PendingEntry>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let head = audit_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or_else(|| StoreError::Corrupt("audit_head has no row".into()))?;
    // Stored to the microsecond on both databases, so hashed that way too.
    let at = now.trunc_subsecs(6);
    let (mut seq, mut prev) = (head.seq, head.hash);
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let (user, name) = e
            .actor
            .unwrap_or_else(|| (origin.user, origin.name.clone()));
        let record = AuditRecord {
            seq,
            at,
            user: user.map(|u| u.0),
            actor_name: name,
            address: origin.address.clone(),
            action: e.what.code(),
            target: e.target,
            region: e.region.map(|r| r.encode()).unwrap_or_default(),
            detail: e.detail.to_string(),
        };
        let hash = record.hash(&prev);
        rows.push(audit_entry::ActiveModel {
            seq: Set(seq),
            at: Set(at),
            user_id: Set(record.user),
            actor_name: Set(record.actor_name),
            address: Set(record.address),
            action: Set(record.action),
            target: Set(record.target),
            region_path: Set((!record.region.is_empty()).then_some(record.region)),
            detail: Set(record.detail),
            prev_hash: Set(prev),
            hash: Set(hash.clone()),
        });
        prev = hash;
    }
    audit_entry::Entity::insert_many(rows).exec(tx).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(prev))
        .filter(audit_head::Column::Id.eq(1))
        .exec(tx)
        .await?;
    Ok(())
}

fn record_of(row: &audit_entry::Model) -> AuditRecord {
    AuditRecord {
        seq: row.seq,
        at: row.at,
        user: row.user_id,
        actor_name: row.actor_name.clone(),
        address: row.address.clone(),
        action: row.action.clone(),
        target: row.target.clone(),
        region: row.region_path.clone().unwrap_or_default(),
        detail: row.detail.clone(),
    }
}

impl TryFrom<audit_entry::Model> for AuditEntry {
    type Error = StoreError;

    fn try_from(row: audit_entry::Model) -> Result<Self> {
        Ok(AuditEntry {
            what: crate::model::parsed(&row.action, AuditWhat::parse, "audit_entries.action")?,
            seq: row.seq,
            at: row.at,
            user: row.user_id.map(UserId),
            actor_name: row.actor_name,
            address: row.address,
            target: row.target,
            detail: row.detail,
        })
    }
}

/// Entries read per round trip while verifying.
const VERIFY_PAGE: u64 = 5_000;

impl Store {
    /// Walks the whole chain in order and says what is wrong with it, if
    /// anything; `checkpoints` are heads printed to the log earlier.
    pub async fn verify_audit(&self, checkpoints: Vec<Checkpoint>) -> Result<Verdict> {
        let mut verifier = Verifier::new(checkpoints);
        let mut after = i64::MIN;
        loop {
            let rows = audit_entry::Entity::find()
                .filter(audit_entry::Column::Seq.gt(after))
                .order_by_asc(audit_entry::Column::Seq)
                .limit(VERIFY_PAGE)
                .all(self.conn())
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.seq;
            for row in &rows {
                verifier.push(&record_of(row), &row.prev_hash, &row.hash);
            }
        }
        Ok(verifier.finish())
    }

    /// The chain's last entry as stored, to print as a checkpoint.
    pub async fn audit_head(&self) -> Result<Checkpoint> {
        let last = audit_entry::Entity::find()
            .order_by_desc(audit_entry::Column::Seq)
            .one(self.conn())
            .await?;
        Ok(match last {
            Some(row) => Checkpoint {
                seq: row.seq,
                hash: row.hash,
            },
            None => Checkpoint {
                seq: 0,
                hash: domain::GENESIS.to_owned(),
            },
        })
    }

    /// Entries matching `filter`, newest first, at most `limit`.
    pub async fn audit_entries(&self, filter: &AuditFilter, limit: u64) -> Result<Vec<AuditEntry>> {
        let mut q = audit_entry::Entity::find();
        if !filter.regions.is_empty() || !filter.people.is_empty() {
            let mut whose = Condition::any();
            for r in &filter.regions {
                whose = whose.add(audit_entry::Column::RegionPath.starts_with(r.encode()));
            }
            if !filter.people.is_empty() {
                whose =
                    whose.add(audit_entry::Column::UserId.is_in(filter.people.iter().map(|u| u.0)));
            }
            q = q.filter(whose);
        }
        if let Some(what) = filter.what {
            q = q.filter(audit_entry::Column::Action.eq(what.code()));
        }
        if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
            q = q.filter(audit_entry::Column::ActorName.contains(actor));
        }
        if let Some(target) = filter.target.as_deref().filter(|t| !t.is_empty()) {
            q = q.filter(audit_entry::Column::Target.contains(target));
        }
        if let Some(since) = filter.since {
            q = q.filter(audit_entry::Column::At.gte(since));
        }
        if let Some(until) = filter.until {
            q = q.filter(audit_entry::Column::At.lt(until));
        }
        if let Some(before) = filter.before {
            q = q.filter(audit_entry::Column::Seq.lt(before));
        }
        let rows = q
            .order_by_desc(audit_entry::Column::Seq)
            .limit(limit)
            .all(self.conn())
            .await?;
        rows.into_iter().map(AuditEntry::try_from).collect()
    }

    /// Records something read rather than written — a submitter's phone
    /// looked up, personal data exported — in a write of its own.
    pub async fn audit_read(
        &self,
        what: AuditWhat,
        target: &str,
        region: Option<&RegionPath>,
        detail: serde_json::Value,
    ) -> Result<()> {
        let w = self.write().await?;
        w.audit(what, target, region, detail);
        w.commit().await
    }
}
