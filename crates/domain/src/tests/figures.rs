//! Every figure's definition on a small fixture counted by hand.
use chrono::NaiveDate;

use super::*;
use crate::{Card, Kpi, Notice, Satisfaction};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// One entry raised on the 1st of November, happening on `on`.
fn entry(kind: EventKind, detail: EventDetail, channel: Channel, on: u32) -> Vec<(Key, i64)> {
    counts_for(&EventFacts {
        kind,
        detail: &detail,
        channel,
        raised_on: day(1),
        on: day(on),
        researched: false,
        task: None,
    })
}

fn tally(entries: Vec<Vec<(Key, i64)>>) -> Tally {
    let mut t = Tally::default();
    for (k, n) in entries.into_iter().flatten() {
        t.add(k, n);
    }
    t
}

fn reviewed(decision: Decision) -> EventDetail {
    EventDetail::Reviewed {
        decision,
        instructions: String::new(),
        opinion: None,
        part: None,
        reason: None,
        session: None,
    }
}

fn rated(satisfaction: Satisfaction) -> EventDetail {
    EventDetail::Rated {
        satisfaction,
        comment: String::new(),
    }
}

fn carded(card: Card) -> EventDetail {
    EventDetail::Supervision {
        notice: Notice::Card {
            card,
            unsigned: false,
        },
        task: "修缮井盖".into(),
        due: day(20),
    }
}

fn task(kind: EventKind, timing: TaskTiming, on: u32) -> Vec<(Key, i64)> {
    counts_for(&EventFacts {
        kind,
        detail: &EventDetail::None,
        channel: Channel::Resident,
        raised_on: day(1),
        on: day(on),
        researched: false,
        task: Some(timing),
    })
}

/// The fixture: five topics of one room in November 2026.
/// - three raised by residents, one by leadership, one by a member;
/// - triage after 0, 2 and 5 days (residents) and 3 days (member); the
///   leadership topic accepted on creation does not count: median 2.5;
/// - two scheduled, one of them after research: 50 %;
/// - three opinions, two adopted (one partly), one not;
/// - four tasks signed: three on the day (0 working days), one after 2;
///   two verified: one done before its due date, one after it;
/// - a yellow and a red card, one extension;
/// - two completed; ratings: satisfied, basic, and unsatisfied, which is
///   the entry that reopens its topic;
/// - two follow-ups, one failed.
fn november() -> Tally {
    use EventKind as E;
    let none = || EventDetail::None;
    let r = Channel::Resident;
    let timing = |signed_after, done_on| TaskTiming {
        signed_after,
        due: day(20),
        done_on,
    };
    let mut entries = vec![
        entry(E::Submitted, none(), r, 1),
        entry(E::Submitted, none(), r, 1),
        entry(E::Submitted, none(), r, 1),
        entry(E::Submitted, none(), Channel::Leadership, 1),
        entry(E::Submitted, none(), Channel::Committee, 1),
        entry(E::Accepted, none(), r, 1),
        entry(E::Accepted, none(), r, 3),
        entry(E::Rejected, none(), r, 6),
        entry(E::Accepted, none(), Channel::Leadership, 1),
        entry(E::Merged, none(), Channel::Committee, 4),
        entry(E::OpinionRecorded, none(), r, 10),
        entry(E::OpinionRecorded, none(), r, 10),
        entry(E::OpinionRecorded, none(), r, 10),
        entry(E::Reviewed, reviewed(Decision::Adopt), r, 12),
        entry(E::Reviewed, reviewed(Decision::PartlyAdopt), r, 12),
        entry(E::Reviewed, reviewed(Decision::NotAdopt), r, 12),
        entry(E::Carded, carded(Card::Yellow), r, 21),
        entry(E::Carded, carded(Card::Red), r, 27),
        entry(E::ExtensionGranted, none(), r, 15),
        entry(E::Completed, none(), r, 25),
        entry(E::Completed, none(), r, 26),
        entry(E::Rated, rated(Satisfaction::Satisfied), r, 26),
        entry(E::Rated, rated(Satisfaction::Basic), r, 27),
        entry(E::Reopened, rated(Satisfaction::Unsatisfied), r, 27),
        entry(E::FollowedUp, none(), r, 28),
        entry(E::FollowUpFailed, none(), r, 29),
        task(E::TaskSigned, timing(Some(0), None), 11),
        task(E::TaskSigned, timing(Some(0), None), 11),
        task(E::TaskSigned, timing(Some(0), None), 12),
        task(E::TaskSigned, timing(Some(2), None), 14),
        task(E::TaskVerified, timing(Some(0), Some(day(19))), 22),
        task(E::TaskVerified, timing(Some(0), Some(day(21))), 22),
    ];
    for researched in [true, false] {
        entries.push(counts_for(&EventFacts {
            kind: E::Scheduled,
            detail: &none(),
            channel: r,
            raised_on: day(1),
            on: day(8),
            researched,
            task: None,
        }));
    }
    tally(entries)
}

#[test]
fn counts_what_was_counted_by_hand() {
    let t = november();
    let read = |k: Kpi| k.reading(&t).text_zh();
    assert_eq!(read(Kpi::Raised), "5");
    assert_eq!(read(Kpi::ByResidents), "3");
    assert_eq!(read(Kpi::ByLeadership), "1");
    assert_eq!(read(Kpi::ByMembers), "1");
    assert_eq!(read(Kpi::Accepted), "3");
    assert_eq!(read(Kpi::Rejected), "1");
    assert_eq!(read(Kpi::Merged), "1");
    assert_eq!(read(Kpi::TriageDays), "2.5 天");
    assert_eq!(read(Kpi::ResearchedFirst), "50%");
    assert_eq!(read(Kpi::Opinions), "3");
    assert_eq!(read(Kpi::OpinionsAdopted), "2");
    assert_eq!(read(Kpi::SignedOnTime), "75%");
    assert_eq!(read(Kpi::DoneOnTime), "50%");
    assert_eq!(read(Kpi::YellowCards), "1");
    assert_eq!(read(Kpi::RedCards), "1");
    assert_eq!(read(Kpi::Extensions), "1");
    assert_eq!(read(Kpi::Completed), "2");
    assert_eq!(read(Kpi::Satisfaction), "66.7%");
    assert_eq!(read(Kpi::ReopenRate), "50%");
    assert_eq!(read(Kpi::FollowUpsFailed), "1");
    assert_eq!(read(Kpi::Likes), "0");
}

#[test]
fn nothing_to_divide_reads_as_a_dash() {
    let t = Tally::default();
    assert_eq!(Kpi::Satisfaction.reading(&t).text_zh(), "—");
    assert_eq!(Kpi::TriageDays.reading(&t).text_zh(), "—");
    assert_eq!(Kpi::Raised.reading(&t).text_zh(), "0");
}

#[test]
fn the_median_adds_up_across_rooms() {
    // Room A: 1 and 9 days; room B: 3 days. Together: 1, 3, 9 → 3.
    let mut t = Tally::default();
    for d in [1, 9, 3] {
        t.add(Key::TriageDays(d), 1);
    }
    assert_eq!(t.median_triage_days(), Some(3.0));
    // Waits past the cap count at the cap.
    let e = entry(EventKind::Accepted, EventDetail::None, Channel::Resident, 1);
    assert_eq!(e[1], (Key::TriageDays(0), 1));
    let late = counts_for(&EventFacts {
        kind: EventKind::Accepted,
        detail: &EventDetail::None,
        channel: Channel::Resident,
        raised_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        on: day(1),
        researched: false,
        task: None,
    });
    assert_eq!(late[1], (Key::TriageDays(TRIAGE_DAYS_CAP), 1));
}

#[test]
fn keys_read_back_from_their_codes() {
    for c in Counter::ALL {
        assert_eq!(Key::parse(&Key::Count(c).code()), Some(Key::Count(c)));
    }
    assert_eq!(Key::parse("triage_days:7"), Some(Key::TriageDays(7)));
    assert_eq!(Key::parse("triage_days:99"), None);
    assert_eq!(Key::parse("nonsense"), None);
}

#[test]
fn every_figure_says_how_it_is_counted() {
    for k in Kpi::ALL {
        assert!(k.how_counted().chars().count() > 8, "{k:?}");
    }
    assert!(!Kpi::OverdueNow.higher_is_better());
    assert!(Kpi::Satisfaction.higher_is_better());
}
