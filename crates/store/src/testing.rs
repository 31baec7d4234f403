//! Fresh databases for tests, on either backend, and a small world to test in.
//!
//! Every test gets its own database: a new SQLite file, or a new PostgreSQL
//! database created on the server named by `SHANGLIANG_TEST_POSTGRES_URL`.
use std::sync::atomic::{AtomicU32, Ordering};

use domain::{
    DepartmentId, Grant, ParticipantCategory, PhoneNumber, RegionId, RegionLevel, Role, RoomCode,
    RoomId, Scope, UserId, Username,
};
use sea_orm::{ConnectionTrait, Database};

use crate::{NewDepartment, NewRegion, NewRoom, NewUser, Result, Store};

/// Runs an async test body `fn(Backend)` once per backend, as `name::sqlite`
/// and `name::postgres`. The PostgreSQL variant is `#[ignore]`d, so a run
/// without a server reports it as ignored, never as passed; `scripts/test`
/// adds `--include-ignored` when [`POSTGRES_ENV`] is set.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::testing::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs SHANGLIANG_TEST_POSTGRES_URL"]
            async fn postgres() {
                super::$name($crate::testing::Backend::Postgres).await
            }
        }
    };
}

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "SHANGLIANG_TEST_POSTGRES_URL";

/// The database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file in the temp directory.
    Sqlite,
    /// A fresh database on the server named by [`POSTGRES_ENV`].
    Postgres,
}

/// A resident's plain submission to `room`, for tests that need a topic.
pub fn plain_submission<'a>(
    room: RoomId,
    title: &'a domain::TopicTitle,
    body: &'a domain::TopicBody,
) -> crate::NewTopic<'a> {
    crate::NewTopic {
        room,
        channel: domain::Channel::Resident,
        title,
        body,
        category: "其他",
        place: "",
        phone: None,
        anonymous: false,
        point: None,
        client_key: None,
        photos: &[],
        reason: None,
        external_ref: None,
    }
}

/// A database URL unique to this call. On PostgreSQL the server must be
/// named by [`POSTGRES_ENV`]: a PostgreSQL test run without it fails.
pub async fn fresh_database(backend: Backend) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "sl_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    );
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("shangliang-tests");
            std::fs::create_dir_all(&dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.db")).display()
            )
        }
        Backend::Postgres => {
            let base = std::env::var(POSTGRES_ENV)
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| panic!("set {POSTGRES_ENV} to run the PostgreSQL tests"));
            let admin = Database::connect(&base)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={base}: cannot connect: {e}"));
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
            let _ = admin.close().await;
            let (prefix, _) = base.rsplit_once('/').unwrap_or((&base, ""));
            format!("{prefix}/{name}")
        }
    }
}

/// A small but real hierarchy: one county with two subdistricts (A and B),
/// a village and a room in each, two departments, and one person per role.
#[derive(Clone)]
pub struct World {
    /// The county above both subdistricts (涟水县).
    pub county: RegionId,
    /// Subdistrict A (陈师街道), led by `leader-a`.
    pub subdistrict_a: RegionId,
    /// Subdistrict B (涟城街道), led by `leader-b`.
    pub subdistrict_b: RegionId,
    /// The room of subdistrict A's village, convened by `convener-a`.
    pub room_a: RoomId,
    /// The room of subdistrict B's community, convened by `convener-b`.
    pub room_b: RoomId,
    /// 交通运输局 under subdistrict A, where `staff-a` works.
    pub dept_a: DepartmentId,
    /// 住建局, also under subdistrict A, where `staff-b` works.
    pub dept_b: DepartmentId,
    /// A department of subdistrict B: no work of room A may go to it.
    pub dept_elsewhere: DepartmentId,
    /// Login name → user id, for every person below.
    pub users: Vec<(&'static str, UserId)>,
}

/// Password of every world user.
pub const WORLD_PASSWORD: &str = "test-password-1";

impl World {
    /// `password_hash` is the hash of [`WORLD_PASSWORD`] (hashing is the web layer's).
    pub async fn build(store: &Store, password_hash: &str) -> Result<World> {
        let region = |parent, name: &'static str, level| {
            store.create_region(NewRegion {
                parent,
                name,
                level,
            })
        };
        let province = region(None, "江苏省", RegionLevel::Province).await?;
        let city = region(Some(province), "淮安市", RegionLevel::City).await?;
        let county = region(Some(city), "涟水县", RegionLevel::County).await?;
        let subdistrict_a = region(Some(county), "陈师街道", RegionLevel::Township).await?;
        let subdistrict_b = region(Some(county), "涟城街道", RegionLevel::Township).await?;
        let village_a = region(Some(subdistrict_a), "陈师村", RegionLevel::Village).await?;
        let village_b = region(Some(subdistrict_b), "城北社区", RegionLevel::Village).await?;
        let room = |region, code: &'static str, name: &'static str| async move {
            let code = RoomCode::parse(code)?;
            store
                .create_room(NewRoom {
                    region,
                    code: &code,
                    name,
                    place: "党群服务中心议事厅",
                    description: "测试议事室",
                    allow_anonymous: true,
                })
                .await
        };
        let room_a = room(village_a, "room-a", "陈师村议事室").await?;
        let room_b = room(village_b, "room-b", "城北社区议事室").await?;
        let dept_a = store
            .create_department(NewDepartment {
                region: subdistrict_a,
                code: "jiaotong",
                name: "交通运输局",
                short_name: "交通",
            })
            .await?;
        let dept_b = store
            .create_department(NewDepartment {
                region: subdistrict_a,
                code: "zhujian",
                name: "住建局",
                short_name: "住建",
            })
            .await?;
        let dept_elsewhere = store
            .create_department(NewDepartment {
                region: subdistrict_b,
                code: "liancheng-chengguan",
                name: "涟城街道城管办",
                short_name: "城管",
            })
            .await?;

        let path_a = store.region_path(subdistrict_a).await?;
        let path_b = store.region_path(subdistrict_b).await?;
        let path_county = store.region_path(county).await?;
        let people: Vec<(&'static str, Grant)> = vec![
            (
                "convener-a",
                Grant::new(Role::Convener, Scope::Room(room_a))?,
            ),
            (
                "convener-b",
                Grant::new(Role::Convener, Scope::Room(room_b))?,
            ),
            (
                "staff-a",
                Grant::new(Role::DepartmentStaff, Scope::Department(dept_a))?,
            ),
            (
                "staff-b",
                Grant::new(Role::DepartmentStaff, Scope::Department(dept_b))?,
            ),
            (
                "leader-a",
                Grant::new(Role::Leader, Scope::Region(path_a.clone()))?,
            ),
            ("leader-b", Grant::new(Role::Leader, Scope::Region(path_b))?),
            (
                "leader-county",
                Grant::new(Role::Leader, Scope::Region(path_county.clone()))?,
            ),
            (
                "member",
                Grant::new(Role::CommitteeMember, Scope::Region(path_county))?,
            ),
            (
                "admin",
                Grant::new(Role::Administrator, Scope::Region(path_a))?,
            ),
            ("resident", Grant::new(Role::Resident, Scope::Global)?),
            (
                "head-a",
                Grant::new(Role::DepartmentHead, Scope::Department(dept_a))?,
            ),
        ];
        let mut users = Vec::new();
        for (i, (login, grant)) in people.into_iter().enumerate() {
            let username = Username::parse(login)?;
            let phone = PhoneNumber::parse(&format!("1390000{:04}", 100 + i))?;
            let id = store
                .create_user(NewUser {
                    username: Some(&username),
                    phone: Some(&phone),
                    display_name: login,
                    title: "",
                    categories: &[ParticipantCategory::Public],
                    password_hash: Some(password_hash.to_owned()),
                })
                .await?;
            store.grant(id, &grant).await?;
            users.push((login, id));
        }
        Ok(World {
            county,
            subdistrict_a,
            subdistrict_b,
            room_a,
            room_b,
            dept_a,
            dept_b,
            dept_elsewhere,
            users,
        })
    }

    /// The id of the world user with this login name; panics for an unknown one.
    pub fn user(&self, login: &str) -> UserId {
        self.users
            .iter()
            .find(|(l, _)| *l == login)
            .map(|(_, id)| *id)
            .unwrap_or_else(|| panic!("no test user {login}"))
    }
}
