//! Backup and restore of every table the application owns, in a form that
//! does not depend on the database: one JSON line per row, the row as its
//! typed model has it. A backup reads one snapshot (a read-only repeatable
//! read on PostgreSQL; a read transaction in WAL mode on SQLite) while the
//! server goes on writing; a restore writes everything in one transaction
//! into an empty database, of either kind, so a county that outgrows
//! SQLite moves to PostgreSQL this way. Each table's content hash (SHA-256
//! over its rows in primary-key order) says whether two databases hold the
//! same.
use std::collections::BTreeMap;

use sea_orm::{
    AccessMode, ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityName,
    EntityTrait, IntoActiveModel, IsolationLevel, Iterable, PaginatorTrait, PrimaryKeyToColumn,
    PrimaryKeyTrait, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::entity::*;
use crate::{Result, Store, StoreError, WriteTx};

/// Each table's content hash: SHA-256 over its rows as [`Store::dump`]
/// gives them (JSON lines in primary-key order), equal for equal content on
/// either database; an empty table hashes as nothing.
#[derive(Default)]
pub struct ContentHashes(BTreeMap<&'static str, Sha256>);

impl ContentHashes {
    /// Adds the next row of `table`.
    pub fn add(&mut self, table: &'static str, line: &str) {
        let h = self.0.entry(table).or_default();
        h.update(line.as_bytes());
        h.update(b"\n");
    }

    /// The hash of every table, those without rows included.
    pub fn finish(self) -> BTreeMap<&'static str, String> {
        let mut out: BTreeMap<&'static str, String> = table_names()
            .into_iter()
            .map(|t| (t, hex::encode(Sha256::new().finalize())))
            .collect();
        for (t, h) in self.0 {
            out.insert(t, hex::encode(h.finalize()));
        }
        out
    }
}

/// Rows read or written per round trip.
const CHUNK: u64 = 2_000;

/// Calls `$run!(entity)` for every table, parents before children.
macro_rules! every_table {
    ($run:ident) => {
        $run!(
            region,
            room,
            department,
            user,
            grant,
            session,
            otp_code,
            topic,
            topic_event,
            research_record,
            meeting,
            agenda_item,
            opinion,
            task,
            rating,
            topic_like,
            deliberation,
            statement,
            opinion_vote,
            deliberation_result,
            support,
            follower,
            notification,
            photo,
            submission_key,
            analysis_state,
            setting,
            deliberation_participant,
            calendar_year,
            calendar_day,
            task_notice,
            review_session,
            supervision_order,
            follow_up,
            phone_reveal,
            task_share,
            deadline_setting,
            region_rule,
            research_plan,
            research_analysis,
            research_participant,
            room_person,
            meeting_invitation,
            meeting_mix_rule,
            meeting_speaker,
            meeting_vote,
            meeting_ballot,
            meeting_minutes,
            campaign,
            campaign_room,
            audit_entry,
            audit_head,
            second_factor,
            recovery_code,
            webhook,
            outbox,
            api_key,
            figure_count
        )
    };
}

/// Every table's name, parents before children.
pub fn table_names() -> Vec<&'static str> {
    macro_rules! names {
        ($($t:ident),*) => { vec![$($t::Entity.table_name()),*] };
    }
    every_table!(names)
}

/// Rows of one table in primary-key order, `CHUNK` at a time, each as JSON.
async fn rows_of<E>(
    tx: &DatabaseTransaction,
    mut each: impl FnMut(String) -> Result<()>,
) -> Result<u64>
where
    E: EntityTrait,
    E::Model: Serialize + Sync,
{
    let mut q = E::find();
    for key in E::PrimaryKey::iter() {
        q = q.order_by_asc(key.into_column());
    }
    let mut pages = q.paginate(tx, CHUNK);
    let mut n = 0;
    while let Some(rows) = pages.fetch_and_next().await? {
        for row in rows {
            let line = serde_json::to_string(&row)
                .map_err(|e| StoreError::Corrupt(format!("{}: {e}", E::default().table_name())))?;
            each(line)?;
            n += 1;
        }
    }
    Ok(n)
}

impl Store {
    /// A read-only transaction that sees one moment of the database.
    async fn snapshot(&self) -> Result<DatabaseTransaction> {
        Ok(match self.backend() {
            DbBackend::Postgres => {
                self.conn()
                    .begin_with_config(
                        Some(IsolationLevel::RepeatableRead),
                        Some(AccessMode::ReadOnly),
                    )
                    .await?
            }
            _ => self.conn().begin().await?,
        })
    }

    /// Hands every row of every table to `each(table, json)`, from one
    /// snapshot, parents before children; returns the rows per table.
    pub async fn dump(
        &self,
        mut each: impl FnMut(&'static str, String) -> Result<()>,
    ) -> Result<Vec<(&'static str, u64)>> {
        let tx = self.snapshot().await?;
        let mut counts = Vec::new();
        macro_rules! dump {
            ($($t:ident),*) => {
                $(
                    let name = $t::Entity.table_name();
                    let n = rows_of::<$t::Entity>(&tx, |line| each(name, line)).await?;
                    counts.push((name, n));
                )*
            };
        }
        every_table!(dump);
        tx.commit().await?;
        Ok(counts)
    }

    /// Each table's content hash (see [`ContentHashes`]).
    pub async fn table_hashes(&self) -> Result<BTreeMap<&'static str, String>> {
        let mut hashes = ContentHashes::default();
        self.dump(|table, line| {
            hashes.add(table, &line);
            Ok(())
        })
        .await?;
        Ok(hashes.finish())
    }

    /// Starts a restore into this database, which must hold no data yet
    /// (what migrations seed is replaced by the backup's).
    pub async fn begin_restore(&self) -> Result<Restore> {
        let w = self.write().await?;
        for (table, count) in [
            ("regions", count::<region::Entity>(&w).await?),
            ("users", count::<user::Entity>(&w).await?),
            ("topics", count::<topic::Entity>(&w).await?),
            ("audit_entries", count::<audit_entry::Entity>(&w).await?),
        ] {
            if count > 0 {
                return Err(StoreError::Conflict(format!(
                    "目标数据库不是空的（{table} 已有 {count} 行），只能恢复到新建的空数据库"
                )));
            }
        }
        // Seeded by migrations (the holiday calendar, the audit head):
        // replaced by what the backup holds. Children first.
        let mut names = table_names();
        names.reverse();
        for name in names {
            if name != "audit_entries" {
                w.tx.execute_unprepared(&format!("DELETE FROM {name}"))
                    .await?;
            }
        }
        Ok(Restore { w })
    }
}

/// Rows in a table, read inside a write.
async fn count<E: EntityTrait>(w: &WriteTx) -> Result<u64>
where
    E::Model: Sync,
{
    Ok(E::find().count(&w.tx).await?)
}

/// A restore in progress: rows go in table by table, parents first, all
/// in one transaction, committed by [`Restore::finish`] (or nothing).
pub struct Restore {
    w: WriteTx,
}

async fn insert_rows<E>(tx: &DatabaseTransaction, lines: &[String]) -> Result<()>
where
    E: EntityTrait,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let name = E::default().table_name();
    let mut models = Vec::with_capacity(lines.len());
    for line in lines {
        let model: E::Model =
            serde_json::from_str(line).map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))?;
        models.push(model.into_active_model().reset_all());
    }
    for chunk in models.chunks(200) {
        E::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

impl Restore {
    /// Adds rows (JSON lines as [`Store::dump`] gave them) to `table`.
    pub async fn rows(&self, table: &str, lines: &[String]) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        macro_rules! insert {
            ($($t:ident),*) => {
                $(
                    if table == $t::Entity.table_name() {
                        return insert_rows::<$t::Entity>(&self.w.tx, lines).await;
                    }
                )*
            };
        }
        every_table!(insert);
        Err(StoreError::Corrupt(format!(
            "unknown table in backup: {table}"
        )))
    }

    /// Commits the restore. On PostgreSQL each table's id sequence moves
    /// past the restored ids first, so the next row gets a fresh one.
    pub async fn finish(self) -> Result<()> {
        if self.w.tx.get_database_backend() == DbBackend::Postgres {
            macro_rules! sequences {
                ($($t:ident),*) => {
                    $(
                        if <$t::PrimaryKey as PrimaryKeyTrait>::auto_increment()
                            && <$t::PrimaryKey as Iterable>::iter()
                                .any(|k| sea_orm::IdenStatic::as_str(&k.into_column()) == "id")
                        {
                            let name = $t::Entity.table_name();
                            self.w
                                .tx
                                .execute_unprepared(&format!(
                                    "SELECT setval(pg_get_serial_sequence('{name}', 'id'), \
                                     COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
                                ))
                                .await?;
                        }
                    )*
                };
            }
            every_table!(sequences);
        }
        self.w.commit().await
    }
}
