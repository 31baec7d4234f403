use chrono::Duration;
use domain::{Actor, Reason, RoomId, TopicBody, TopicTitle, UserId};
use store::both_backends as both;
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{NewTopic, Store, StoreError, TopicAction, TopicFilter, Who};

pub(crate) async fn setup(backend: Backend) -> (Store, World) {
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    // Migrating twice is harmless.
    store.migrate().await.unwrap();
    let world = World::build(&store, "hash").await.unwrap();
    (store, world)
}

async fn who(store: &Store, world: &World, login: &str) -> Who {
    Who {
        actor: store.actor(world.user(login)).await.unwrap(),
        name: login.to_owned(),
    }
}

fn anonymous(device: &str) -> Who {
    Who {
        actor: Actor::anonymous(Some(device.to_owned())),
        name: "匿名群众".into(),
    }
}

/// A sign-in code's text, as the sign-in page queues it.
fn code_text() -> domain::SmsText {
    domain::SmsText::new(domain::SmsTemplate::LoginCode, &["123456", "5"])
}

async fn submit(store: &Store, room: RoomId, who: &Who, title: &str) -> store::Topic {
    let title = TopicTitle::parse(title).unwrap();
    let body = TopicBody::parse("具体情况说明").unwrap();
    store
        .submit_topic(plain_submission(room, &title, &body), who)
        .await
        .unwrap()
}

async fn submission_and_first_event(backend: Backend) {
    let (store, world) = setup(backend).await;
    let t = submit(&store, world.room_a, &anonymous("aaaa"), "农路改造工程").await;
    assert_eq!(t.tracking_no.len(), 10);
    assert!(t.tracking_no.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(t.state, domain::TopicState::Submitted);
    assert_eq!(t.channel, domain::Channel::Resident);
    let tl = store.timeline(t.id).await.unwrap();
    assert_eq!(tl.len(), 1);
    assert_eq!(
        (tl[0].kind, tl[0].actor_role),
        (domain::EventKind::Submitted, domain::Role::Resident)
    );
    assert_eq!(
        store.topic_by_tracking(&t.tracking_no).await.unwrap().id,
        t.id
    );
}
both!(submission_and_first_event);

async fn refused_moves_write_nothing(backend: Backend) {
    let (store, world) = setup(backend).await;
    let t = submit(&store, world.room_a, &anonymous("bbbb"), "停车秩序整治").await;
    let wrong = who(&store, &world, "convener-b").await;
    let err = store
        .apply_topic(t.id, &wrong, TopicAction::Accept)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Domain(domain::DomainError::Forbidden)),
        "{err:?}"
    );
    let right = who(&store, &world, "convener-a").await;
    let err = store
        .apply_topic(
            t.id,
            &right,
            TopicAction::Schedule {
                meeting: domain::MeetingId(1),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Domain(_)), "{err:?}");
    let after = store.topic(t.id).await.unwrap();
    assert_eq!(after.state, domain::TopicState::Submitted);
    assert_eq!(store.timeline(t.id).await.unwrap().len(), 1);

    let reason = Reason::parse("重复反映").unwrap();
    let t2 = store
        .apply_topic(t.id, &right, TopicAction::Reject { reason })
        .await
        .unwrap();
    assert_eq!(t2.state, domain::TopicState::Rejected);
    let tl = store.timeline(t.id).await.unwrap();
    assert_eq!(tl.len(), 2);
    assert!(tl[1].detail.text_zh().contains("重复反映"));
}
both!(refused_moves_write_nothing);

async fn likes_count_once_even_when_concurrent(backend: Backend) {
    let (store, world) = setup(backend).await;
    let t = submit(&store, world.room_a, &anonymous("cccc"), "破损井盖修缮").await;
    let id = t.id;
    let no = t.tracking_no.clone();
    let likes = store.like_queue();
    let err = likes.like(no.clone(), "d:early".into()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Domain(_)),
        "likes only on results"
    );
    let convener = who(&store, &world, "convener-a").await;
    store
        .apply_topic(
            id,
            &convener,
            TopicAction::Refer {
                department: world.dept_a,
                due: chrono::Utc::now().date_naive() + Duration::days(3),
            },
        )
        .await
        .unwrap();
    let task = store.tasks_of_topic(id).await.unwrap()[0].id;
    let staff = who(&store, &world, "staff-a").await;
    store
        .apply_task(task, &staff, store::TaskAction::Sign)
        .await
        .unwrap();
    store
        .apply_task(
            task,
            &staff,
            store::TaskAction::Complete {
                note: domain::Note::parse("井盖已更换").unwrap(),
                photos: Vec::new(),
            },
        )
        .await
        .unwrap();
    store
        .apply_task(task, &convener, store::TaskAction::Verify)
        .await
        .unwrap();
    assert_eq!(
        store.topic(id).await.unwrap().state,
        domain::TopicState::Completed
    );

    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (q, no) = (likes.clone(), no.clone());
        // Ten devices, each pressing twice at the same moment.
        set.spawn(async move { q.like(no, format!("d:dev{}", i % 10)).await.unwrap().new });
    }
    let fresh = set.join_all().await.into_iter().filter(|n| *n).count();
    assert_eq!(fresh, 10);
    assert_eq!(store.topic(id).await.unwrap().like_count, 10);
    // A batch whose every like is already there writes nothing and says so.
    let again = likes.like(no.clone(), "d:dev3".into()).await.unwrap();
    assert!(!again.new);
    assert_eq!(again.count, 10);
    let fresh = likes.like(no.clone(), "d:late".into()).await.unwrap();
    let unknown = likes.like("0000000000".into(), "d:late".into()).await;
    assert!(matches!(unknown, Err(StoreError::NotFound(_))));
    assert!(fresh.new);
    assert_eq!(fresh.count, 11);
    assert_eq!(store.count_likes(id).await.unwrap(), 11);
    let keys = |k: &str| vec![k.to_owned()];
    let marks = store
        .visitor_marks(id, "d:dev3", &keys("d:dev3"))
        .await
        .unwrap();
    assert!(marks.liked && !marks.supported);
    let marks = store
        .visitor_marks(id, "d:nobody", &keys("d:nobody"))
        .await
        .unwrap();
    assert_eq!(marks, store::VisitorMarks::default());
}
both!(likes_count_once_even_when_concurrent);

async fn regions_see_only_below(backend: Backend) {
    let (store, world) = setup(backend).await;
    submit(&store, world.room_a, &anonymous("dddd"), "陈师村路灯维修").await;
    submit(&store, world.room_b, &anonymous("eeee"), "城北社区垃圾分类").await;
    let path = |r| {
        let s = store.clone();
        async move { s.region_path(r).await.unwrap() }
    };
    let a = store
        .topics(&TopicFilter {
            region: Some(path(world.subdistrict_a).await),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        a.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
        ["陈师村路灯维修"]
    );
    let b = store
        .topics(&TopicFilter {
            region: Some(path(world.subdistrict_b).await),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        b.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(),
        ["城北社区垃圾分类"]
    );
    let county = store
        .count_topics(&TopicFilter {
            region: Some(path(world.county).await),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(county, 2);
}
both!(regions_see_only_below);

async fn sessions_and_codes(backend: Backend) {
    let (store, world) = setup(backend).await;
    let u: UserId = world.user("leader-a");
    store
        .create_session("live".into(), u, Duration::hours(1))
        .await
        .unwrap();
    store
        .create_session("dead".into(), u, Duration::seconds(-1))
        .await
        .unwrap();
    assert_eq!(store.session_user("live").await.unwrap(), Some(u));
    assert_eq!(store.session_user("dead").await.unwrap(), None);
    assert!(store.purge_expired().await.unwrap() >= 1);
    store.delete_session("live").await.unwrap();
    assert_eq!(store.session_user("live").await.unwrap(), None);

    let phone = domain::PhoneNumber::parse("13912345678").unwrap();
    store
        .store_otp(&phone, "right".into(), Duration::minutes(5), &code_text())
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            store.check_otp(&phone, "wrong").await.unwrap(),
            store::OtpCheck::Wrong
        ));
    }
    // Five wrong guesses void the code, even for the right answer.
    assert!(matches!(
        store.check_otp(&phone, "right").await.unwrap(),
        store::OtpCheck::Expired
    ));
    store
        .store_otp(&phone, "again".into(), Duration::minutes(5), &code_text())
        .await
        .unwrap();
    assert!(matches!(
        store.check_otp(&phone, "again").await.unwrap(),
        store::OtpCheck::Valid
    ));
    assert!(matches!(
        store.check_otp(&phone, "again").await.unwrap(),
        store::OtpCheck::Expired
    ));
    let resident = store.resident_by_phone(&phone).await.unwrap();
    assert_eq!(store.resident_by_phone(&phone).await.unwrap(), resident);
}
both!(sessions_and_codes);

/// A list over several states (read one state at a time and merged) is the
/// same newest-first list, page by page, as reading them all at once would be.
async fn lists_over_several_states(backend: Backend) {
    let (store, world) = setup(backend).await;
    let convener = who(&store, &world, "convener-a").await;
    let mut accepted = Vec::new();
    for i in 0..7 {
        let rooms = [world.room_a, world.room_b];
        let t = submit(
            &store,
            rooms[i % 2],
            &anonymous("dddd"),
            &format!("路灯维修第{i}处"),
        )
        .await;
        if i % 3 == 0 && rooms[i % 2] == world.room_a {
            store
                .apply_topic(t.id, &convener, TopicAction::Accept)
                .await
                .unwrap();
            accepted.push(t.id);
        }
    }
    let states = vec![domain::TopicState::Submitted, domain::TopicState::Accepted];
    let all = store
        .topics(&TopicFilter {
            states: states.clone(),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    let mut expected = all.clone();
    expected.sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.id)));
    assert_eq!(all, expected, "newest first across both states");
    assert!(accepted.iter().all(|id| all.iter().any(|t| t.id == *id)));
    let page = store
        .topics(&TopicFilter {
            states,
            limit: 3,
            offset: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        page,
        all[2..5].to_vec(),
        "a page is a slice of the whole list"
    );
}
both!(lists_over_several_states);

/// A map is stale while votes are missing from it or changed after they
/// were read for it: what a starting process recomputes.
async fn stale_opinion_maps(backend: Backend) {
    let (store, world) = setup(backend).await;
    let t = submit(&store, world.room_a, &anonymous("aaaa"), "广场舞噪音扰民").await;
    let convener = who(&store, &world, "convener-a").await;
    let seeds = ["音量晚上八点后调低".to_owned(), "换个场地跳".to_owned()];
    let d = store
        .open_deliberation(t.id, &convener, &seeds)
        .await
        .unwrap();
    let ids: Vec<domain::StatementId> = store
        .statements(d.id)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    let stale = || async { store.stale_deliberations(3).await.unwrap() };
    let vote = |statement: domain::StatementId, voter: &'static str, v: opinion::matrix::Vote| {
        let store = store.clone();
        async move {
            store
                .vote_statement(d.id, statement, voter, v, None)
                .await
                .unwrap()
        }
    };
    let save = |input: store::AnalysisInput| {
        let store = store.clone();
        async move {
            let n = input.votes.len() as i64;
            store
                .save_deliberation_result(d.id, "{}".into(), n, "{}".into(), input.read_at)
                .await
                .unwrap();
        }
    };
    use opinion::matrix::Vote::{Agree, Disagree, Pass};
    assert!(stale().await.is_empty(), "no votes, nothing to map");
    vote(ids[0], "d:phone-1", Agree).await;
    vote(ids[0], "d:phone-2", Agree).await;
    assert!(stale().await.is_empty(), "too few voters for a map");
    vote(ids[0], "d:phone-3", Agree).await;
    assert_eq!(stale().await, vec![d.id], "votes, no map");
    save(store.analysis_input(d.id).await.unwrap()).await;
    assert!(stale().await.is_empty(), "a map of every vote");
    // A vote changed while a map was being computed keeps the count, but
    // came after the votes were read.
    let input = store.analysis_input(d.id).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    vote(ids[0], "d:phone-2", Disagree).await;
    save(input).await;
    assert_eq!(stale().await, vec![d.id], "a vote changed meanwhile");
    save(store.analysis_input(d.id).await.unwrap()).await;
    assert!(stale().await.is_empty());
    vote(ids[1], "d:phone-1", Pass).await;
    assert_eq!(stale().await, vec![d.id], "a new vote");
    save(store.analysis_input(d.id).await.unwrap()).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store
        .moderate_statement(d.id, ids[1], &convener.actor, domain::Moderation::Reject)
        .await
        .unwrap();
    assert_eq!(stale().await, vec![d.id], "a statement moderated");
    save(store.analysis_input(d.id).await.unwrap()).await;
    assert!(stale().await.is_empty(), "a map read after the moderation");
}
both!(stale_opinion_maps);

/// Polls `f` until it has waited `polls` times (or finished), then drops it.
async fn poll_then_drop<F: std::future::Future>(f: F, polls: usize) {
    let mut f = std::pin::pin!(f);
    let mut waited = 0;
    std::future::poll_fn(|cx| match f.as_mut().poll(cx) {
        std::task::Poll::Ready(_) => std::task::Poll::Ready(()),
        std::task::Poll::Pending => {
            waited += 1;
            if waited >= polls {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        }
    })
    .await;
}

/// A request dropped while its write opens a transaction (the visitor left,
/// the time limit struck) leaves no connection inside a transaction: on
/// PostgreSQL such a connection would run the next borrower's statements in
/// a transaction nobody commits.
async fn cancelled_writes_leave_no_open_transaction(backend: Backend) {
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(&store, "hash").await.unwrap();
    let title = TopicTitle::parse("井盖破损").unwrap();
    let body = TopicBody::parse("具体情况说明").unwrap();
    let who = anonymous("cccc");
    let watcher = match backend {
        Backend::Postgres => Some(sea_orm::Database::connect(&url).await.unwrap()),
        Backend::Sqlite => None,
    };
    let counted_before = store.changes();
    for polls in 1..=40 {
        // Dropped at its n-th wait: cancelled at every step of the write in
        // turn, the BEGIN round trip included.
        let write = store.submit_topic(plain_submission(world.room_a, &title, &body), &who);
        poll_then_drop(write, polls).await;
        if let Some(db) = &watcher {
            use sea_orm::{ConnectionTrait, Statement};
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT count(*) AS n FROM pg_stat_activity \
                     WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
                ))
                .await
                .unwrap()
                .unwrap();
            let open: i64 = row.try_get("", "n").unwrap();
            assert_eq!(
                open, 0,
                "dropped at wait {polls}: a connection left inside a transaction"
            );
        }
    }
    // Whatever committed is counted, even when its request was gone by then
    // (the page caches rely on the count).
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let stored = store
        .topics(&TopicFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .len() as u64;
    assert!(
        stored > 0 && stored < 40,
        "some writes were cut short: {stored}"
    );
    assert_eq!(store.changes() - counted_before, stored);
    // Every connection still works, and a write goes through and is kept.
    let t = submit(&store, world.room_a, &who, "井盖破损修缮").await;
    for _ in 0..16 {
        assert_eq!(store.topic(t.id).await.unwrap().id, t.id);
    }
}
both!(cancelled_writes_leave_no_open_transaction);

/// A resident who submitted anonymously stays 匿名群众 on the public
/// timeline when rating the result, even when signed in under a name.
async fn anonymous_submitter_stays_anonymous(backend: Backend) {
    let (store, world) = setup(backend).await;
    let resident = Who {
        actor: store.actor(world.user("resident")).await.unwrap(),
        name: "张桂兰".into(),
    };
    let title = TopicTitle::parse("楼道堆物清理").unwrap();
    let body = TopicBody::parse("具体情况说明").unwrap();
    let t = store
        .submit_topic(
            NewTopic {
                anonymous: true,
                ..plain_submission(world.room_a, &title, &body)
            },
            &resident,
        )
        .await
        .unwrap();
    let convener = who(&store, &world, "convener-a").await;
    let staff = who(&store, &world, "staff-a").await;
    store
        .apply_topic(
            t.id,
            &convener,
            TopicAction::Refer {
                department: world.dept_a,
                due: chrono::Utc::now().date_naive() + Duration::days(3),
            },
        )
        .await
        .unwrap();
    let task = store.tasks_of_topic(t.id).await.unwrap()[0].id;
    store
        .apply_task(task, &staff, store::TaskAction::Sign)
        .await
        .unwrap();
    let note = domain::Note::parse("堆物已清理").unwrap();
    store
        .apply_task(
            task,
            &staff,
            store::TaskAction::Complete {
                note,
                photos: Vec::new(),
            },
        )
        .await
        .unwrap();
    store
        .apply_task(task, &convener, store::TaskAction::Verify)
        .await
        .unwrap();
    store
        .apply_topic(
            t.id,
            &resident,
            TopicAction::Rate {
                satisfaction: domain::Satisfaction::Satisfied,
                comment: domain::RatingComment::parse("很满意").unwrap(),
            },
        )
        .await
        .unwrap();
    let tl = store.timeline(t.id).await.unwrap();
    for e in tl
        .iter()
        .filter(|e| e.actor_user == Some(world.user("resident")))
    {
        assert_eq!(
            e.actor_name,
            domain::ANONYMOUS,
            "{:?} names the submitter",
            e.kind
        );
    }
    assert_eq!(tl.last().map(|e| e.kind), Some(domain::EventKind::Rated));
}
both!(anonymous_submitter_stays_anonymous);
