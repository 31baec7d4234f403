//! The demo tells one consistent story: `shangliang demo` walks every topic
//! through the real store calls at times its clock sets, and each timeline
//! then reads in the chain's order, agrees with its tasks and meetings,
//! keeps officials to weekday office hours and ends before the demo was made.
use chrono::{Datelike, Timelike, Utc, Weekday};
use domain::{BEIJING, EventDetail, EventKind, Role};
use store::testing::{Backend, fresh_database};

/// Where a kind of entry falls in a topic's life; entries of one topic
/// must never go backwards. Kinds that can come at any time are left out.
fn rank(kind: EventKind) -> Option<u8> {
    use EventKind as K;
    Some(match kind {
        K::Submitted => 0,
        K::Accepted | K::Rejected | K::Merged | K::Referred => 1,
        K::ResearchAdded => 2,
        K::Scheduled => 3,
        K::MeetingNotified => 4,
        K::MeetingStarted => 5,
        K::OpinionRecorded => 6,
        K::MeetingClosed => 7,
        K::Reviewed => 8,
        K::TaskDispatched => 9,
        K::TaskSigned => 10,
        K::ProgressPosted => 11,
        K::TaskDone => 12,
        K::TaskVerified => 13,
        K::Completed => 14,
        K::Rated | K::Reopened => 15,
        _ => return None,
    })
}

/// Loaded now, on a Saturday morning before office hours, and late on a
/// Monday evening: the story holds whatever the moment of loading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_timelines_tell_one_story() {
    demo_loaded_at(None).await;
    demo_loaded_at(Some("2026-12-05T07:00:00+08:00")).await;
    demo_loaded_at(Some("2027-03-01T23:30:00+08:00")).await;
}

async fn demo_loaded_at(at: Option<&str>) {
    let url = fresh_database(Backend::Sqlite).await;
    let mut args = vec!["--database-url", &url, "demo"];
    args.extend(at.map(|a| ["--at", a]).into_iter().flatten());
    let before = at.map_or_else(Utc::now, |a| {
        chrono::DateTime::parse_from_rfc3339(a).unwrap().to_utc()
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shangliang"))
        .args(&args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded = at.map_or_else(Utc::now, |_| before);
    let store = store::Store::connect(&url).await.unwrap();
    let topics = store
        .topics(&store::TopicFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(topics.len(), 200);
    let mut meetings_checked = 0;
    let (mut answered, mut open, mut parts, mut failed) = (0, 0, 0, 0);
    for t in &topics {
        for o in store.orders_of_topic(t.id).await.unwrap() {
            if o.answer.is_some() {
                answered += 1;
            } else {
                open += 1;
            }
        }
        failed += store
            .follow_ups(t.id)
            .await
            .unwrap()
            .iter()
            .filter(|f| f.outcome == Some(domain::FollowUpOutcome::Ineffective))
            .count();
        for o in store.opinions(t.id).await.unwrap() {
            parts += usize::from(o.part.is_some());
            assert!(
                o.decision.is_none() || o.session.is_some(),
                "ruled at a meeting"
            );
        }
        let id = t.id;
        let tl = store.timeline(id).await.unwrap();
        let case = format!("{} {}", t.tracking_no, t.title);
        assert_eq!(
            tl.first().map(|e| e.kind),
            Some(EventKind::Submitted),
            "{case}"
        );
        let mut last_rank = 0;
        for e in &tl {
            assert!(e.at <= loaded, "{case}: {:?} after loading", e.kind);
            if let Some(r) = rank(e.kind) {
                assert!(r >= last_rank, "{case}: {:?} out of order", e.kind);
                last_rank = r;
            }
            let local = e.at.with_timezone(&BEIJING);
            let hour = local.hour();
            if e.actor_role == Role::Resident {
                assert!((7..22).contains(&hour), "{case}: a resident at {local}");
            } else {
                let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
                assert!(
                    !weekend && (9..18).contains(&hour),
                    "{case}: {:?} by an official at {local}",
                    e.kind
                );
            }
        }
        assert!(t.created_at <= before, "{case}: raised in the past");
        assert_eq!(
            t.created_at, tl[0].at,
            "{case}: raised when its first entry says"
        );

        // Meetings: scheduled for the meeting's own time; held at it.
        let meetings = store.meetings_of_topic(t.id).await.unwrap();
        for e in &tl {
            if let EventDetail::Scheduled { starts_at, meeting } = &e.detail {
                let m = meetings.iter().find(|m| &m.title == meeting);
                let m = m.unwrap_or_else(|| panic!("{case}: no meeting {meeting}"));
                assert_eq!(&m.starts_at, starts_at, "{case}");
                assert!(e.at < m.starts_at, "{case}: scheduled after the meeting");
            }
            if e.kind == EventKind::MeetingStarted {
                let EventDetail::Meeting { starts_at, .. } = &e.detail else {
                    panic!("{case}: meeting entry without its meeting");
                };
                assert_eq!(&e.at, starts_at, "{case}: started at its time");
                meetings_checked += 1;
            }
        }

        // Tasks: due when the dispatch said, never before it was given.
        let tasks = store.tasks_of_topic(id).await.unwrap();
        let given: Vec<(chrono::NaiveDate, chrono::DateTime<Utc>)> = tl
            .iter()
            .filter_map(|e| match &e.detail {
                EventDetail::Dispatched { due, .. } | EventDetail::Referred { due, .. } => {
                    Some((*due, e.at))
                }
                _ => None,
            })
            .collect();
        assert_eq!(given.len(), tasks.len(), "{case}");
        for (k, (due, at)) in tasks.iter().zip(&given) {
            assert_eq!(k.due_date, *due, "{case}: the task's due date");
            assert!(
                *due > domain::beijing_date(*at),
                "{case}: due before it was given"
            );
        }
    }
    assert!(
        meetings_checked > 20,
        "held meetings checked: {meetings_checked}"
    );
    assert!(
        answered > 0 && open > 0,
        "督办单: {answered} answered, {open} open"
    );
    assert!(parts > 0, "a partly adopted opinion says which part");
    assert!(
        failed > 0,
        "a follow-up check that found the fix did not hold"
    );
}
