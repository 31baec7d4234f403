//! Persistence of the consultation chain on SQLite (default) and PostgreSQL.
//!
//! One set of sea-orm entities and migrations serves both backends; the only
//! backend difference kept here is SQLite's durability pragmas and its single
//! writer (see [`Store`]). Every state change and its timeline event are
//! written in one transaction, after the domain crate has decided the move.
#![warn(missing_docs)]

pub mod entity;
mod error;
mod migration;
mod model;
mod nodes;

mod action;
mod admin;
mod api_keys;
mod audit;
mod auth;
mod backup;
mod calendar;
mod directory;
mod exports;
mod figures;
mod in_place;
mod kpi;
mod like_queue;
mod likes;
mod outbox;
mod rules;
mod search;
mod second_factor;
mod seed;
mod stage;
pub mod testing;
mod topics;
mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use action::TopicAction;
pub use admin::{
    Authority, Change, GRANTABLE, ImportMode, ImportPlan, Person, PersonEdit, PlannedRow, RoomEdit,
    scope_code,
};
pub use api_keys::{ApiKey, ApiKeyId};
pub use audit::{AuditEntry, AuditFilter, Origin};
pub use auth::{MAX_FAILED_LOGINS, MAX_OTP_ATTEMPTS, MAX_PAUSE_SECONDS, OtpCheck, SessionInfo};
pub use backup::{ContentHashes, Restore, table_names};
pub use directory::{NewDepartment, NewRegion, NewRoom, NewUser};
pub use error::StoreError;
pub use exports::Export;
pub use figures::{FigureTopic, LedgerRow, Ranked};
pub use like_queue::LikeQueue;
pub use likes::{LikeOutcome, VisitorMarks};
pub use model::{
    Deliberation, DeliberationResult, Department, Meeting, Notification, Opinion, Photo, Rating,
    Region, ReviewSession, Room, Statement, Task, Topic, TopicEvent, User,
};
pub use outbox::{OutState, OutboxId, OutboxItem};
pub use search::{SearchFilter, SearchHit};
pub use second_factor::{FactorUse, SecondFactor, SessionStage};
pub use stage::campaign::{Campaign, RoomProgress};
pub use stage::deliberation::{Ballot, OpenDeliberation, STATEMENT_MAX, parse_statement};
pub use stage::duty::{DutyMeeting, DutyRecord, DutyTopic};
pub use stage::follow_up::FollowUp;
pub use stage::intake::{NewPhoto, SupportOutcome, device_key, key_of, person_key, user_key};
pub use stage::live::{Live, Speaker, Vote};
pub use stage::meeting::NewMeeting;
pub use stage::meeting_day::{Arrival, Invitation, Invitee};
pub use stage::mine::MyTopics;
pub use stage::minutes::{Minutes, MinutesText};
pub use stage::opinion_map::AnalysisInput;
pub use stage::order::SupervisionOrder;
pub use stage::research::{Research, ResearchRecord, names_with_categories, sections};
pub use stage::review::NewReviewSession;
pub use stage::share::TaskShare;
pub use stage::submit::NewTopic;
pub use stage::task::TaskAction;
pub(crate) use stage::{deliberation, intake};
pub use topics::{TopicFilter, Who};
pub use webhooks::{WEBHOOK_SCHEMA, Webhook, WebhookEvent, WebhookId, WebhookTopic};

/// Days after completion a follow-up check falls due unless configured.
pub const DEFAULT_FOLLOW_UP_DAYS: i64 = 30;

/// A topic's row, as the store's own code reads and writes it.
pub(crate) type TopicRow = entity::topic::Model;

/// The store's result; the error is a [`StoreError`] unless said otherwise.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database handle shared by every request.
///
/// SQLite allows one writer at a time; rather than let concurrent write
/// transactions fail with `SQLITE_BUSY` when a deferred transaction upgrades
/// its lock, writes on SQLite queue on `write_gate`. Reads never wait for it.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
    /// The SQLite database's file (`None` on PostgreSQL or in memory): the
    /// like writer opens a connection of its own to it.
    sqlite_file: Option<Arc<std::path::Path>>,
    /// Read-only connections to that file for a visitor's own marks (see [`in_place`]).
    readers: Option<Arc<in_place::Readers>>,
    /// Write transactions this process has committed (see [`Store::changes`]).
    changes: Arc<AtomicU64>,
    /// Whether every commit, another process's too, moves `changes` now
    /// (see [`Store::hears_every_write`]).
    hearing: Arc<std::sync::atomic::AtomicBool>,
    /// This store's name among the nodes sharing a PostgreSQL database,
    /// which its commits announce (see [`nodes`]); `None` on SQLite.
    node: Option<Arc<str>>,
    clock: Clock,
    /// Days after completion a follow-up check (跟踪问效) falls due.
    follow_up_days: i64,
}

/// Where the store reads the time. Every rule and job takes its time from
/// here, never from the system clock directly: production runs on the
/// system clock, while tests and the demo set the time by hand, so a month
/// of deadlines runs in a second.
#[derive(Clone, Default)]
pub struct Clock {
    /// `None`: the system clock.
    set: Option<Arc<std::sync::Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stands at `t` until it is moved.
    pub fn at(t: DateTime<Utc>) -> Clock {
        Clock {
            set: Some(Arc::new(std::sync::Mutex::new(t))),
        }
    }

    /// The current time: the system's, or wherever a hand-set clock stands.
    /// To the microsecond, which both databases store exactly, so a row
    /// reads back (and moves between databases) as it was written.
    pub fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        match &self.set {
            None => Utc::now(),
            Some(t) => *t.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
        }
        .trunc_subsecs(6)
    }

    /// Moves a hand-set clock to `t` (the system clock cannot be moved).
    pub fn set(&self, t: DateTime<Utc>) {
        if let Some(cell) = &self.set {
            *cell
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = t;
        }
    }

    /// Moves a hand-set clock on by `d`.
    pub fn advance(&self, d: chrono::TimeDelta) {
        self.set(self.now() + d);
    }

    /// Today's date in Beijing.
    pub fn today(&self) -> chrono::NaiveDate {
        domain::beijing_date(self.now())
    }
}

/// A write transaction; on SQLite it also holds the writer's turn.
pub(crate) struct WriteTx {
    pub tx: DatabaseTransaction,
    /// The time of this write: every row it stamps gets the same instant.
    pub now: DateTime<Utc>,
    _turn: Option<OwnedMutexGuard<()>>,
    changes: Arc<AtomicU64>,
    /// The node to announce on commit (PostgreSQL only).
    node: Option<Arc<str>>,
    /// Who is writing and from where, as the audit log records it.
    pub origin: audit::Origin,
    /// Audit entries appended when (and only if) the write commits.
    audit: std::sync::Mutex<Vec<audit::PendingEntry>>,
    /// Additions to the kept figures, written just before `COMMIT`.
    figures: std::sync::Mutex<figures::Cells>,
}

impl Store {
    /// Opens (and on SQLite creates) the database named by `url`.
    ///
    /// SQLite runs in WAL mode with `synchronous=FULL`, so a commit that has
    /// returned has reached the disk: an acknowledged write survives power loss.
    pub async fn connect(url: &str) -> Result<Store> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10));
        let sqlite = url.starts_with("sqlite:");
        if sqlite {
            opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
            });
        } else {
            opts.max_connections(16);
        }
        let db = Database::connect(opts).await?;
        let file = sqlite.then(|| sqlite_file(url)).flatten();
        Ok(Store {
            db,
            write_gate: sqlite.then(|| Arc::new(Mutex::new(()))),
            readers: file.clone().map(|f| Arc::new(in_place::Readers::new(f))),
            sqlite_file: file,
            changes: Arc::default(),
            hearing: Arc::default(),
            node: (!sqlite).then(|| Arc::from(nodes::node_name())),
            clock: Clock::system(),
            follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
        })
    }

    /// The same store reading its time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Follow-up checks fall due this many days after completion (default 30).
    pub fn with_follow_up_days(mut self, days: i64) -> Store {
        self.follow_up_days = days;
        self
    }

    /// The clock the store reads its time from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<()> {
        migration::Migrator::up(&self.db, None).await?;
        self.fill_figures_once().await?;
        self.fill_search_once().await
    }

    /// True when the schema has never been created (used to decide whether demo data may be loaded).
    pub async fn is_empty(&self) -> Result<bool> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(entity::region::Entity::find().count(&self.db).await? == 0)
    }

    /// Round-trips a trivial query; used by /readyz.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Which database this store runs on (SQLite or PostgreSQL).
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub(crate) async fn write(&self) -> Result<WriteTx> {
        let turn = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        // A `BEGIN` dropped halfway through its round trip (the visitor left,
        // the request timed out) leaves a pooled PostgreSQL connection inside
        // a transaction that nothing rolls back (sqlx 0.9.0, issue #4393): the
        // next borrower's statements then run in it. Begun in a task of its
        // own, the `BEGIN` always completes; if the request is gone by then,
        // the transaction is dropped whole, which rolls it back.
        let db = self.db.clone();
        let tx = tokio::spawn(async move { db.begin().await })
            .await
            .map_err(|e| DbErr::Custom(format!("BEGIN did not finish: {e}")))??;
        Ok(WriteTx {
            tx,
            now: self.clock.now(),
            _turn: turn,
            changes: self.changes.clone(),
            node: self.node.clone(),
            origin: audit::Origin::current(),
            audit: std::sync::Mutex::default(),
            figures: std::sync::Mutex::default(),
        })
    }

    /// How many write transactions this process has committed so far, and,
    /// while [`Store::follow_other_writers`] runs, those other nodes (or
    /// processes) have. Anything read before the count moved may be stale;
    /// caches of rendered pages compare it (and bound by time what they may
    /// miss while [`Store::hears_every_write`] is false).
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }

    /// Whether every write committed to the database moves
    /// [`Store::changes`] at the time, those of other processes included
    /// ([`Store::follow_other_writers`] is running and has missed nothing).
    /// Caches then need no time bound for what other processes write.
    pub fn hears_every_write(&self) -> bool {
        self.hearing.load(Ordering::Acquire)
    }

    /// The SQLite database's file, if the store has one.
    pub(crate) fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        self.sqlite_file
            .as_deref()
            .map(std::path::Path::to_path_buf)
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Where a visitor's own marks are read in place, on a SQLite file.
    pub(crate) fn readers(&self) -> Option<&in_place::Readers> {
        self.readers.as_deref()
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}

impl WriteTx {
    /// Commits. Like `BEGIN`, the `COMMIT` runs in a task of its own, holding
    /// the writer's turn until it is done: a request dropped meanwhile (the
    /// visitor gone) neither interrupts the driver halfway (it would then
    /// roll back a transaction already committed) nor leaves a committed
    /// write out of [`Store::changes`], which the page caches read.
    pub async fn commit(self) -> Result<()> {
        let entries = self.take_audit();
        let cells = self.take_figures();
        tokio::spawn(async move {
            cells.write(&self.tx).await?;
            audit::append(&self.tx, self.now, &self.origin, entries).await?;
            if let Some(node) = &self.node {
                nodes::announce(&self.tx, node).await?;
            }
            self.tx.commit().await?;
            self.changes.fetch_add(1, Ordering::Release);
            Ok::<(), StoreError>(())
        })
        .await
        .map_err(|e| DbErr::Custom(format!("COMMIT did not finish: {e}")))?
    }
}

impl WriteTx {
    /// Rolls back now, rather than when dropped, so the writer's turn is
    /// handed on only once the database has let go (a dry run).
    pub(crate) async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// How long a SQLite connection waits for another's lock before failing;
/// the pool's connections and the like writer's alike.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The file a `sqlite:` URL names, as the pool's driver reads it; `None`
/// for a database in memory, which no second connection can reach.
fn sqlite_file(url: &str) -> Option<Arc<std::path::Path>> {
    use sea_orm::sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    let file = SqliteConnectOptions::from_str(url)
        .ok()?
        .get_filename()
        .to_owned();
    let in_memory = file.as_os_str() == ":memory:" || url.contains("mode=memory");
    (!in_memory).then(|| Arc::from(file))
}

/// A count for a timeline entry or a rule's context, saturating at `u32::MAX`.
pub(crate) fn count<N: TryInto<u32>>(n: N) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}
