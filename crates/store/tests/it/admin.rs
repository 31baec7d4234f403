//! A region's administration and its audit log: every change stays inside
//! the administrator's regions, and the hash chain finds tampering done
//! straight in the database.
use domain::{
    AuditAction, AuditWhat, ChainBreak, DomainError, Grant, RegionLevel, Role, RoomCode, Scope,
    TopicBody, TopicTitle,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{
    AuditFilter, Authority, NewRoom, Origin, Store, StoreError, TopicAction, Who,
    both_backends as both,
};

pub(crate) async fn setup(backend: Backend) -> (Store, World, DatabaseConnection) {
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(&store, "hash").await.unwrap();
    let raw = sea_orm::Database::connect(&url).await.unwrap();
    (store, world, raw)
}

async fn sql(db: &DatabaseConnection, text: &str) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_string(db.get_database_backend(), text))
        .await
        .map(|_| ())
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::Domain(DomainError::Forbidden))),
        "{r:?}"
    );
}

/// An administrator of subdistrict A shapes A and only A; the command
/// line may do anything; each change is in the audit log with who and where.
async fn administrators_stay_inside_their_region(backend: Backend) {
    let (store, world, _) = setup(backend).await;
    let admin = store.actor(world.user("admin")).await.unwrap();
    let by = Authority::Administrator(&admin);
    let origin = Origin {
        user: Some(world.user("admin")),
        name: "管理员甲".into(),
        address: "10.1.2.3".into(),
    };
    origin
        .scope(async {
            let village = store
                .admin_add_region(by, world.subdistrict_a, "三里村", RegionLevel::Village)
                .await
                .unwrap();
            forbidden(
                store
                    .admin_add_region(by, world.subdistrict_b, "外村", RegionLevel::Village)
                    .await,
            );
            let code = RoomCode::parse("sanli").unwrap();
            let room = store
                .admin_add_room(
                    by,
                    NewRoom {
                        region: village,
                        code: &code,
                        name: "三里村议事室",
                        place: "村部",
                        description: "",
                        allow_anonymous: false,
                    },
                )
                .await
                .unwrap();
            let again = NewRoom {
                region: village,
                code: &code,
                name: "重复",
                place: "",
                description: "",
                allow_anonymous: false,
            };
            assert!(matches!(
                store.admin_add_room(by, again).await,
                Err(StoreError::Conflict(m)) if m.contains("sanli")
            ));
            // Something still works below: the village is not retired yet.
            assert!(matches!(
                store.admin_retire_region(by, village).await,
                Err(StoreError::Domain(DomainError::Precondition(m))) if m.contains("议事室1个")
            ));
            store.admin_retire_room(by, room, true).await.unwrap();
            store.admin_retire_region(by, village).await.unwrap();
            assert!(store.region(village).await.unwrap().retired);
            // Its own region is not its to rename.
            forbidden(
                store
                    .admin_rename_region(by, world.subdistrict_a, "改名")
                    .await,
            );

            // Grants: inside only, once each; revoking ends the role.
            let staff = world.user("staff-a");
            let convene_a = Grant::new(Role::Convener, Scope::Room(world.room_a)).unwrap();
            let convene_b = Grant::new(Role::Convener, Scope::Room(world.room_b)).unwrap();
            store.admin_grant(by, staff, &convene_a).await.unwrap();
            assert!(
                store
                    .actor(staff)
                    .await
                    .unwrap()
                    .is_convener_of(world.room_a)
            );
            assert!(matches!(
                store.admin_grant(by, staff, &convene_a).await,
                Err(StoreError::Conflict(_))
            ));
            forbidden(store.admin_grant(by, staff, &convene_b).await);
            store.admin_revoke(by, staff, &convene_a).await.unwrap();
            assert!(
                !store
                    .actor(staff)
                    .await
                    .unwrap()
                    .is_convener_of(world.room_a)
            );
            assert!(matches!(
                store.admin_revoke(by, staff, &convene_a).await,
                Err(StoreError::NotFound(_))
            ));

            // People: those with a place in A, and only they, are looked after.
            let path_a = store.region_path(world.subdistrict_a).await.unwrap();
            let people = store.admin_people(&[path_a]).await.unwrap();
            let names: Vec<&str> = people
                .iter()
                .map(|p| p.user.display_name.as_str())
                .collect();
            for inside in ["convener-a", "staff-a", "leader-a", "head-a"] {
                assert!(names.contains(&inside), "{inside} in {names:?}");
            }
            for outside in ["convener-b", "leader-b", "leader-county", "resident"] {
                assert!(!names.contains(&outside), "{outside} in {names:?}");
            }
            let convener = world.user("convener-a");
            store
                .create_session("s1".into(), convener, chrono::Duration::hours(1))
                .await
                .unwrap();
            store
                .admin_reset_password(by, convener, "new-hash".into())
                .await
                .unwrap();
            assert!(store.user(convener).await.unwrap().must_change_password);
            assert_eq!(store.session_user("s1").await.unwrap(), None, "signed out");
            forbidden(
                store
                    .admin_reset_password(by, world.user("leader-county"), "x".into())
                    .await,
            );
            store.admin_set_disabled(by, convener, true).await.unwrap();
            assert!(store.user(convener).await.unwrap().disabled);
        })
        .await;

    // The command line is held to nothing, and is named as such.
    Origin::command_line()
        .scope(async {
            store
                .admin_rename_region(
                    Authority::CommandLine,
                    world.subdistrict_a,
                    "陈师街道办事处",
                )
                .await
                .unwrap();
        })
        .await;

    // Administrator A reads what happened in A, with who and from where.
    let path_a = store.region_path(world.subdistrict_a).await.unwrap();
    let filter = AuditFilter {
        regions: vec![path_a],
        ..Default::default()
    };
    let entries = store.audit_entries(&filter, 100).await.unwrap();
    let kinds: Vec<AuditWhat> = entries.iter().map(|e| e.what).collect();
    for a in [
        AuditAction::RegionCreated,
        AuditAction::RoomCreated,
        AuditAction::RoomRetired,
        AuditAction::RegionRetired,
        AuditAction::GrantAdded,
        AuditAction::GrantRevoked,
        AuditAction::RegionRenamed,
    ] {
        assert!(kinds.contains(&AuditWhat::Other(a)), "{a:?} in {kinds:?}");
    }
    let created = entries
        .iter()
        .find(|e| e.what == AuditWhat::Other(AuditAction::RoomCreated))
        .unwrap();
    assert_eq!(
        (created.actor_name.as_str(), created.address.as_str()),
        ("管理员甲", "10.1.2.3")
    );
    let renamed = entries
        .iter()
        .find(|e| e.what == AuditWhat::Other(AuditAction::RegionRenamed))
        .unwrap();
    assert_eq!(renamed.actor_name, "命令行");
    // Subdistrict B's entries are not A's.
    let path_b = store.region_path(world.subdistrict_b).await.unwrap();
    let b_only = AuditFilter {
        regions: vec![path_b],
        ..Default::default()
    };
    assert!(store.audit_entries(&b_only, 100).await.unwrap().is_empty());
    assert_eq!(store.verify_audit(vec![]).await.unwrap().breaks, vec![]);
}
both!(administrators_stay_inside_their_region);

/// Moving a village to another subdistrict moves its topics with it: the
/// other subdistrict's leaders now see them, the old ones no longer do.
async fn a_moved_region_takes_its_topics(backend: Backend) {
    let (store, world, _) = setup(backend).await;
    let title = TopicTitle::parse("村口路灯不亮").unwrap();
    let body = TopicBody::parse("晚上出行不便").unwrap();
    let who = Who {
        actor: domain::Actor::anonymous(Some("dddd".into())),
        name: "群众".into(),
    };
    let topic = store
        .submit_topic(plain_submission(world.room_a, &title, &body), &who)
        .await
        .unwrap();
    let village = store.room(world.room_a).await.unwrap().region;
    store
        .admin_move_region(Authority::CommandLine, village, world.subdistrict_b)
        .await
        .unwrap();
    let moved = store.topic(topic.id).await.unwrap();
    let leader_b = store.actor(world.user("leader-b")).await.unwrap();
    let leader_a = store.actor(world.user("leader-a")).await.unwrap();
    assert!(leader_b.leads(&moved.region));
    assert!(!leader_a.leads(&moved.region));
    assert_eq!(
        store.region_path(village).await.unwrap(),
        moved.region,
        "the region and its topics agree"
    );
    // A township cannot go under a village, nor under itself.
    assert!(
        store
            .admin_move_region(Authority::CommandLine, world.subdistrict_a, village)
            .await
            .is_err()
    );
}
both!(a_moved_region_takes_its_topics);

/// Moves on the chain and sign-ins are in the log; the log refuses to be
/// rewritten, and once its guard is dropped every kind of tampering —
/// a row changed, deleted, inserted or two swapped — is found.
async fn the_audit_chain_finds_tampering(backend: Backend) {
    let (store, world, raw) = setup(backend).await;
    let title = TopicTitle::parse("小区停车秩序混乱").unwrap();
    let body = TopicBody::parse("晚上车辆乱停").unwrap();
    let resident = Who {
        actor: domain::Actor::anonymous(Some("eeee".into())),
        name: "群众".into(),
    };
    let topic = store
        .submit_topic(plain_submission(world.room_a, &title, &body), &resident)
        .await
        .unwrap();
    let convener = Who {
        actor: store.actor(world.user("convener-a")).await.unwrap(),
        name: "陈召集".into(),
    };
    store
        .apply_topic(topic.id, &convener, TopicAction::Accept)
        .await
        .unwrap();
    store
        .record_login_success(world.user("leader-a"))
        .await
        .unwrap();
    store
        .record_login_failure(None, "nobody", "用户名或密码不正确")
        .await
        .unwrap();
    let all = store
        .audit_entries(&AuditFilter::default(), 100)
        .await
        .unwrap();
    let kinds: Vec<AuditWhat> = all.iter().map(|e| e.what).collect();
    assert_eq!(
        kinds[..4],
        [
            AuditWhat::Other(AuditAction::SignInFailed),
            AuditWhat::Other(AuditAction::SignIn),
            AuditWhat::Topic(domain::EventKind::Accepted),
            AuditWhat::Topic(domain::EventKind::Submitted),
        ]
    );
    assert_eq!(all[2].target, topic.tracking_no);
    assert_eq!(all[2].actor_name, "陈召集");

    let head = store.audit_head().await.unwrap();
    let verdict = store.verify_audit(vec![head.clone()]).await.unwrap();
    assert_eq!(verdict.breaks, vec![]);
    assert_eq!(verdict.head, head);
    let n = head.seq;
    assert!(n >= 4);

    // The database itself refuses to change an entry.
    assert!(
        sql(
            &raw,
            "UPDATE audit_entries SET actor_name = 'x' WHERE seq = 2"
        )
        .await
        .is_err()
    );
    assert!(
        sql(&raw, "DELETE FROM audit_entries WHERE seq = 2")
            .await
            .is_err()
    );
    // Someone with the keys drops the guard.
    match backend {
        Backend::Postgres => sql(&raw, "DROP TRIGGER audit_append_only ON audit_entries").await,
        Backend::Sqlite => {
            sql(&raw, "DROP TRIGGER audit_no_update").await.unwrap();
            sql(&raw, "DROP TRIGGER audit_no_delete").await
        }
    }
    .unwrap();
    let breaks = || async { store.verify_audit(vec![head.clone()]).await.unwrap().breaks };

    // Changed.
    sql(
        &raw,
        "UPDATE audit_entries SET actor_name = '别人' WHERE seq = 2",
    )
    .await
    .unwrap();
    assert_eq!(breaks().await, vec![ChainBreak::Altered { seq: 2 }]);
    sql(
        &raw,
        "UPDATE audit_entries SET actor_name = '陈召集' WHERE seq = 2",
    )
    .await
    .unwrap();
    assert_eq!(breaks().await, vec![]);

    // Deleted (kept aside and put back).
    sql(
        &raw,
        "CREATE TABLE kept AS SELECT * FROM audit_entries WHERE seq = 3",
    )
    .await
    .unwrap();
    sql(&raw, "DELETE FROM audit_entries WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(
        breaks().await,
        vec![ChainBreak::Gap {
            expected: 3,
            found: 4
        }]
    );
    sql(&raw, "INSERT INTO audit_entries SELECT * FROM kept")
        .await
        .unwrap();
    assert_eq!(breaks().await, vec![]);

    // Inserted at the end, as if it had happened.
    let forged = format!(
        "INSERT INTO audit_entries (seq, at, user_id, actor_name, address, action, target, \
         region_path, detail, prev_hash, hash) SELECT {}, at, user_id, actor_name, address, \
         'grant_added', target, region_path, detail, hash, '{}' FROM audit_entries WHERE seq = {n}",
        n + 1,
        "f".repeat(64)
    );
    sql(&raw, &forged).await.unwrap();
    assert_eq!(breaks().await, vec![ChainBreak::Altered { seq: n + 1 }]);
    sql(
        &raw,
        &format!("DELETE FROM audit_entries WHERE seq = {}", n + 1),
    )
    .await
    .unwrap();

    // Two swapped.
    for step in [
        "UPDATE audit_entries SET seq = -1 WHERE seq = 1",
        "UPDATE audit_entries SET seq = 1 WHERE seq = 2",
        "UPDATE audit_entries SET seq = 2 WHERE seq = -1",
    ] {
        sql(&raw, step).await.unwrap();
    }
    let found = breaks().await;
    assert!(
        found.contains(&ChainBreak::Unlinked { seq: 1 })
            || found.contains(&ChainBreak::Altered { seq: 1 }),
        "{found:?}"
    );
    assert!(!found.is_empty());
    for step in [
        "UPDATE audit_entries SET seq = -1 WHERE seq = 1",
        "UPDATE audit_entries SET seq = 1 WHERE seq = 2",
        "UPDATE audit_entries SET seq = 2 WHERE seq = -1",
    ] {
        sql(&raw, step).await.unwrap();
    }
    assert_eq!(breaks().await, vec![]);

    // The end cut off: only the checkpoint printed earlier knows.
    sql(&raw, &format!("DELETE FROM audit_entries WHERE seq = {n}"))
        .await
        .unwrap();
    assert_eq!(store.verify_audit(vec![]).await.unwrap().breaks, vec![]);
    assert_eq!(
        breaks().await,
        vec![ChainBreak::CheckpointMissing { seq: n }]
    );
}
both!(the_audit_chain_finds_tampering);

/// Concurrent writers on PostgreSQL take their turns in the chain: no two
/// entries share a place and the chain verifies.
async fn concurrent_writes_chain_in_turn(backend: Backend) {
    let (store, world, _) = setup(backend).await;
    let mut writes = tokio::task::JoinSet::new();
    for i in 0..24 {
        let store = store.clone();
        let who = world.user(if i % 2 == 0 { "leader-a" } else { "staff-a" });
        writes.spawn(async move {
            if i % 3 == 0 {
                store
                    .record_login_failure(Some(who), "", "密码不正确")
                    .await
            } else {
                store.record_login_success(who).await
            }
        });
    }
    while let Some(done) = writes.join_next().await {
        done.unwrap().unwrap();
    }
    let verdict = store.verify_audit(vec![]).await.unwrap();
    assert_eq!(verdict.breaks, vec![]);
    assert_eq!(verdict.checked, 24);
}
both!(concurrent_writes_chain_in_turn);
