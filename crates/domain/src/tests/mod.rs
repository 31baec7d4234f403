//! Exhaustive tests of the topic state machine (the task machine's are in
//! `task.rs`): every allowed (state, command, actor) succeeds with the
//! right result, every other one is refused.
use chrono::NaiveDate;

use crate::testkit::{DEPT, ROOM, SUBMITTER, SUBMITTER_DEVICE, Who, actor_for, everyone, village};
use crate::*;

mod research;
mod task;

pub(super) fn reason() -> Reason {
    Reason::parse("理由充分").unwrap()
}

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn target(room: RoomId, state: TopicState) -> MergeTarget {
    MergeTarget {
        id: TopicId(9),
        room,
        state,
    }
}

fn meeting(room: RoomId, state: MeetingState) -> MeetingRef {
    MeetingRef {
        id: MeetingId(1),
        room,
        state,
    }
}

/// A department of the room's village.
fn dept() -> DepartmentRef {
    DepartmentRef {
        id: DEPT,
        region: village(),
    }
}

/// A ruling on an opinion not yet ruled on, at a session of the village held today.
fn review(decision: Decision, others: Vec<Option<Decision>>) -> TopicCommand {
    let reason = Some(reason());
    let part = Some(AdoptedPart::parse("其中一部分").unwrap());
    TopicCommand::Review {
        session: ReviewSessionRef {
            region: village(),
            held_on: today(),
        },
        opinion: OpinionRef { decision: None },
        ruling: Ruling::new(decision, part, reason, Instructions::parse("").unwrap()).unwrap(),
        others,
    }
}

fn topic_commands() -> Vec<TopicCommand> {
    [
        TopicCommand::Accept,
        TopicCommand::Reject { reason: reason() },
        TopicCommand::Merge {
            into: target(ROOM, TopicState::Accepted),
        },
        TopicCommand::Refer {
            department: dept(),
            due: today(),
        },
        TopicCommand::PlanResearch,
        TopicCommand::AddResearch { on: today() },
        TopicCommand::WriteAnalysis,
        TopicCommand::Schedule {
            meeting: meeting(ROOM, MeetingState::Planned),
        },
        TopicCommand::RecordOpinion,
        review(Decision::Adopt, vec![]),
        TopicCommand::DispatchTask {
            department: dept(),
            due: today(),
            opinion: None,
            co: Vec::new(),
        },
        TopicCommand::Complete,
    ]
    .into_iter()
    .chain(Satisfaction::ALL.map(|satisfaction| TopicCommand::Rate { satisfaction }))
    .chain([
        TopicCommand::Resume,
        TopicCommand::Uphold { reason: reason() },
    ])
    .chain(FollowUpOutcome::ALL.map(|outcome| TopicCommand::FollowUp { outcome }))
    .collect()
}

/// The whole allowed table: (state, command) → new state, and who may do it.
fn topic_allowed(state: TopicState, cmd: &TopicCommand) -> Option<(TopicState, EventKind)> {
    use TopicCommand as C;
    use TopicState::*;
    Some(match (cmd, state) {
        (C::Accept, Submitted) => (Accepted, EventKind::Accepted),
        (C::Reject { .. }, Submitted) => (Rejected, EventKind::Rejected),
        (C::Merge { .. }, Submitted) => (Merged, EventKind::Merged),
        (C::Refer { .. }, Submitted) => (Referred, EventKind::Referred),
        (C::PlanResearch, Accepted | Researching) => (Researching, EventKind::ResearchPlanned),
        (C::AddResearch { .. }, Accepted | Researching) => (Researching, EventKind::ResearchAdded),
        (C::WriteAnalysis, Accepted | Researching) => (Researching, EventKind::AnalysisWritten),
        (C::Schedule { .. }, Researching) => (Scheduled, EventKind::Scheduled),
        (C::RecordOpinion, Scheduled | Deliberated) => (Deliberated, EventKind::OpinionRecorded),
        (C::Review { .. }, Deliberated) => (Reviewed, EventKind::Reviewed),
        (C::DispatchTask { .. }, Reviewed | Implementing | Reopened) => {
            (Implementing, EventKind::TaskDispatched)
        }
        (C::Complete, Implementing | Referred) => (Completed, EventKind::Completed),
        (C::Rate { satisfaction }, Completed) if satisfaction.is_satisfied() => {
            (Evaluated, EventKind::Rated)
        }
        (C::Rate { .. }, Completed) => (Reopened, EventKind::Reopened),
        (C::Resume, Reopened) => (Implementing, EventKind::Resumed),
        (C::Uphold { .. }, Reopened) => (Evaluated, EventKind::Upheld),
        (
            C::FollowUp {
                outcome: FollowUpOutcome::Ineffective,
            },
            Completed | Evaluated,
        ) => (Reopened, EventKind::FollowUpFailed),
        (C::FollowUp { .. }, Completed | Evaluated) => (state, EventKind::FollowedUp),
        _ => return None,
    })
}

fn topic_permitted(cmd: &TopicCommand, who: Who, submitter: &Submitter) -> bool {
    match cmd {
        TopicCommand::Review { .. }
        | TopicCommand::DispatchTask { .. }
        | TopicCommand::Uphold { .. } => {
            matches!(who, Who::Leader | Who::ParentLeader)
        }
        TopicCommand::FollowUp { .. } => matches!(who, Who::Convener | Who::Member),
        TopicCommand::Rate { .. } => matches!(
            (submitter, who),
            (Submitter::User(_), Who::SubmitterUser)
                | (Submitter::Device(_), Who::SubmitterDevice)
                | (
                    Submitter::Claimed { .. },
                    Who::SubmitterUser | Who::SubmitterDevice
                )
        ),
        _ => who == Who::Convener,
    }
}

pub(super) fn ctx(state: TopicState, submitter: Submitter) -> TopicCtx {
    TopicCtx {
        state,
        channel: Channel::Resident,
        room: ROOM,
        region: village(),
        submitter,
        decision: Some(Decision::Adopt),
        open_tasks: 0,
        meeting: Some(MeetingState::InSession),
        research: ResearchProgress {
            records: 1,
            missing: Vec::new(),
        },
        today: today(),
    }
}

#[test]
fn topic_machine_is_exactly_the_table() {
    let mut allowed = 0;
    for submitter in [
        Submitter::User(SUBMITTER),
        Submitter::Device(SUBMITTER_DEVICE.into()),
        Submitter::Claimed {
            user: SUBMITTER,
            device: SUBMITTER_DEVICE.into(),
        },
        Submitter::Nobody,
    ] {
        for state in TopicState::ALL {
            for cmd in topic_commands() {
                for who in everyone() {
                    let got = decide(&ctx(state, submitter.clone()), &actor_for(who), &cmd);
                    let case = format!("{state:?} {cmd:?} {who:?} {submitter:?}");
                    match (
                        topic_permitted(&cmd, who, &submitter),
                        topic_allowed(state, &cmd),
                    ) {
                        (false, _) => assert_eq!(got, Err(DomainError::Forbidden), "{case}"),
                        // The one refusal by precondition on this ctx: no research, no proposal.
                        (true, None)
                            if state == TopicState::Accepted
                                && matches!(cmd, TopicCommand::Schedule { .. }) =>
                        {
                            assert!(matches!(got, Err(DomainError::Precondition(_))), "{case}")
                        }
                        (true, None) => assert!(
                            matches!(got, Err(DomainError::WrongState { .. })),
                            "{case}: {got:?}"
                        ),
                        (true, Some((to, event))) => {
                            assert_eq!(got, Ok(TopicTransition { to, event }), "{case}");
                            allowed += 1;
                        }
                    }
                    // What a page offers is exactly what would succeed.
                    let offered = crate::allowed(&ctx(state, submitter.clone()), &actor_for(who));
                    assert_eq!(
                        offered.contains(&cmd.kind()),
                        got.is_ok(),
                        "offered: {case}"
                    );
                }
            }
        }
    }
    // Convener and leader moves count once per kind of submitter (4); review,
    // dispatch and uphold by two leaders; the three ratings only by a user or
    // device submitter, and by either for a claimed topic.
    let convener_moves = 4 + 6 + 1 + 2 + 2 + 1; // triage, plan/record/analysis x2, schedule, opinion x2, complete x2, resume
    let leader_moves = 2 * (1 + 3 + 1); // review, dispatch x3, uphold
    // 跟踪问效: three outcomes, after completion or rating, by the convener or a member.
    let follow_ups = 3 * 2 * 2;
    assert_eq!(
        allowed,
        4 * (convener_moves + leader_moves + follow_ups) + (1 + 1 + 2) * 3
    );
}

#[test]
fn a_county_leader_reviews_below_but_a_sibling_subdistrict_leader_cannot() {
    let c = ctx(TopicState::Deliberated, Submitter::Nobody);
    let review = review(Decision::PartlyAdopt, vec![]);
    let got = decide(&c, &actor_for(Who::ParentLeader), &review);
    assert_eq!(got.map(|t| t.to), Ok(TopicState::Reviewed));
    let got = decide(&c, &actor_for(Who::SiblingLeader), &review);
    assert_eq!(got, Err(DomainError::Forbidden));
}

#[test]
fn no_research_no_proposal() {
    let got = decide(
        &ctx(TopicState::Accepted, Submitter::Nobody),
        &actor_for(Who::Convener),
        &TopicCommand::Schedule {
            meeting: meeting(ROOM, MeetingState::Planned),
        },
    );
    assert!(matches!(got, Err(DomainError::Precondition(m)) if m.contains("商前调研")));
    // Researching but not yet complete: the refusal says what is missing.
    let mut c = ctx(TopicState::Researching, Submitter::Nobody);
    c.research = ResearchProgress::none();
    let got = decide(
        &c,
        &actor_for(Who::Convener),
        &TopicCommand::Schedule {
            meeting: meeting(ROOM, MeetingState::Planned),
        },
    );
    assert!(matches!(got, Err(DomainError::Precondition(m)) if m.contains("可行性")));
}

#[test]
fn only_this_rooms_meetings_that_have_not_begun_take_a_topic() {
    let c = ctx(TopicState::Researching, Submitter::Nobody);
    for (room, state, ok) in [
        (ROOM, MeetingState::Planned, true),
        (ROOM, MeetingState::Notified, true),
        (ROOM, MeetingState::InSession, false),
        (ROOM, MeetingState::Closed, false),
        (RoomId(2), MeetingState::Planned, false),
    ] {
        let got = decide(
            &c,
            &actor_for(Who::Convener),
            &TopicCommand::Schedule {
                meeting: meeting(room, state),
            },
        );
        assert_eq!(got.is_ok(), ok, "{room:?} {state:?}");
    }
}

#[test]
fn merges_go_into_a_live_topic_of_the_same_room() {
    let c = ctx(TopicState::Submitted, Submitter::Nobody);
    for state in TopicState::ALL {
        for room in [ROOM, RoomId(2)] {
            let got = decide(
                &c,
                &actor_for(Who::Convener),
                &TopicCommand::Merge {
                    into: target(room, state),
                },
            );
            let ok = room == ROOM
                && !matches!(
                    state,
                    TopicState::Submitted | TopicState::Rejected | TopicState::Merged
                );
            assert_eq!(got.is_ok(), ok, "{room:?} {state:?}");
            assert_eq!(takes_merges(state) && room == ROOM, ok);
        }
    }
}

#[test]
fn due_dates_start_today_in_beijing() {
    let c = ctx(TopicState::Submitted, Submitter::Nobody);
    let refer = |due| TopicCommand::Refer {
        department: dept(),
        due,
    };
    let convener = actor_for(Who::Convener);
    assert!(decide(&c, &convener, &refer(today())).is_ok());
    let yesterday = today().pred_opt().unwrap();
    assert!(matches!(
        decide(&c, &convener, &refer(yesterday)),
        Err(DomainError::Invalid { field: "due", .. })
    ));
}

#[test]
fn opinions_need_a_meeting_that_has_begun() {
    for (ms, ok) in [
        (None, false),
        (Some(MeetingState::Planned), false),
        (Some(MeetingState::Notified), false),
        (Some(MeetingState::InSession), true),
        (Some(MeetingState::Closed), true),
    ] {
        let mut c = ctx(TopicState::Scheduled, Submitter::Nobody);
        c.meeting = ms;
        let convener = actor_for(Who::Convener);
        let got = decide(&c, &convener, &TopicCommand::RecordOpinion);
        assert_eq!(got.is_ok(), ok, "{ms:?}");
        // The form is offered only when it would be accepted.
        assert_eq!(allowed(&c, &convener).contains(&TopicMove::Opinion), ok);
    }
}

#[test]
fn only_adopted_opinions_become_tasks() {
    for (decision, ok) in [
        (Some(Decision::Adopt), true),
        (Some(Decision::PartlyAdopt), true),
        (Some(Decision::NotAdopt), false),
        (None, false),
    ] {
        let mut c = ctx(TopicState::Reviewed, Submitter::Nobody);
        c.decision = decision;
        let got = decide(
            &c,
            &actor_for(Who::Leader),
            &TopicCommand::DispatchTask {
                department: dept(),
                due: today(),
                opinion: None,
                co: Vec::new(),
            },
        );
        assert_eq!(got.is_ok(), ok, "{decision:?}");
        // A task that names an opinion carries out only an adopted one.
        let mut c = ctx(TopicState::Implementing, Submitter::Nobody);
        c.decision = Some(Decision::PartlyAdopt);
        let got = decide(
            &c,
            &actor_for(Who::Leader),
            &TopicCommand::DispatchTask {
                department: dept(),
                due: today(),
                opinion: Some(OpinionRef { decision }),
                co: Vec::new(),
            },
        );
        assert_eq!(got.is_ok(), ok, "named {decision:?}");
    }
}

#[test]
fn each_opinion_is_ruled_on_by_itself() {
    let c = ctx(TopicState::Deliberated, Submitter::Nobody);
    let leader = actor_for(Who::Leader);
    // Another opinion still open: the topic waits, the ruling is on the timeline.
    let got = decide(&c, &leader, &review(Decision::Adopt, vec![None])).unwrap();
    assert_eq!(
        (got.to, got.event),
        (TopicState::Deliberated, EventKind::Reviewed)
    );
    // The last ruling reviews the topic, whatever it decides.
    let got = decide(
        &c,
        &leader,
        &review(Decision::NotAdopt, vec![Some(Decision::Adopt)]),
    );
    assert_eq!(got.map(|t| t.to), Ok(TopicState::Reviewed));
    // An opinion is ruled on once.
    let mut twice = review(Decision::Adopt, vec![]);
    if let TopicCommand::Review { opinion, .. } = &mut twice {
        opinion.decision = Some(Decision::NotAdopt);
    }
    assert!(matches!(
        decide(&c, &leader, &twice),
        Err(DomainError::Precondition(_))
    ));
    // At a session held, of the topic's region or above.
    let mut later = review(Decision::Adopt, vec![]);
    if let TopicCommand::Review { session, .. } = &mut later {
        session.held_on = today().succ_opt().unwrap();
    }
    assert!(matches!(
        decide(&c, &leader, &later),
        Err(DomainError::Invalid { .. })
    ));
}

#[test]
fn completion_waits_for_every_task() {
    let mut c = ctx(TopicState::Implementing, Submitter::Nobody);
    c.open_tasks = 1;
    assert!(matches!(
        decide(&c, &actor_for(Who::Convener), &TopicCommand::Complete),
        Err(DomainError::Precondition(_))
    ));
}

#[test]
fn basic_satisfaction_closes_the_topic() {
    let c = ctx(TopicState::Completed, Submitter::User(SUBMITTER));
    let got = decide(
        &c,
        &actor_for(Who::SubmitterUser),
        &TopicCommand::Rate {
            satisfaction: Satisfaction::Basic,
        },
    );
    assert_eq!(got.unwrap().to, TopicState::Evaluated);
}

#[test]
fn who_may_submit_on_each_channel() {
    for who in everyone() {
        let a = actor_for(who);
        assert!(
            submit(Channel::Resident, &a, &village(), true).is_ok(),
            "{who:?}"
        );
        assert_eq!(
            submit(Channel::Committee, &a, &village(), true).is_ok(),
            who == Who::Member,
            "{who:?}"
        );
        let lead = submit(Channel::Leadership, &a, &village(), true);
        assert_eq!(
            lead.is_ok(),
            matches!(who, Who::Leader | Who::ParentLeader),
            "{who:?}"
        );
        if let Ok(t) = lead {
            assert_eq!(
                t.to,
                TopicState::Accepted,
                "党政点题 is accepted on creation"
            );
        }
    }
    assert_eq!(
        submit(Channel::Resident, &Actor::anonymous(None), &village(), true)
            .unwrap()
            .to,
        TopicState::Submitted
    );
    // A room that wants names turns away a phone that has not signed in, not a signed-in resident.
    assert!(matches!(
        submit(
            Channel::Resident,
            &Actor::anonymous(None),
            &village(),
            false
        ),
        Err(DomainError::Precondition(_))
    ));
    assert!(
        submit(
            Channel::Resident,
            &actor_for(Who::OtherResident),
            &village(),
            false
        )
        .is_ok()
    );
}

/// Codes are stored and labels shown: both must be distinct, codes must
/// round-trip and be snake_case, and every label must be in Chinese.
macro_rules! check_labelled {
    ($($t:ty),*) => {$({
        let all = <$t>::ALL;
        for (i, x) in all.iter().enumerate() {
            assert_eq!(<$t>::parse(x.code()), Some(*x));
            assert!(x.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{x:?}");
            assert!(x.label_zh().chars().any(|c| !c.is_ascii()), "{x:?}");
            assert_eq!(x.to_string(), x.label_zh());
            for y in &all[i + 1..] {
                assert!(x.code() != y.code() && x.label_zh() != y.label_zh(), "{x:?} {y:?}");
            }
        }
        assert_eq!(<$t>::parse("no_such_code"), None);
    })*};
}

#[test]
fn codes_round_trip_and_labels_are_chinese() {
    check_labelled!(
        TopicState,
        TaskState,
        MeetingState,
        EventKind,
        Channel,
        Role,
        ParticipantCategory,
        RegionLevel,
        Satisfaction,
        Decision,
        TopicMove,
        DeliberationState,
        StatementState,
        Moderation,
        DeliberationMove
    );
    // Task moves keep the slugs their forms have always posted to.
    for m in TaskMove::ALL {
        assert_eq!(TaskMove::parse(m.code()), Some(m));
        assert!(
            m.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-')
        );
    }
    assert_eq!(Channel::Leadership.label_zh(), "党政点题");
    assert_eq!(RegionLevel::ALL.len(), 5);
}

#[test]
fn invisible_characters_are_refused_and_real_text_is_not() {
    for bad in [
        "路灯\u{E0041}不亮问题",
        "路灯\u{FE0F}\u{FE0F}不亮问题",
        "\u{FE0F}路灯不亮问题",
        "路灯\u{3164}不亮问题",
        "路灯\u{2028}不亮问题",
    ] {
        assert!(TopicTitle::parse(bad).is_err(), "{bad:?}");
    }
    let zalgo = format!("路{}灯不亮问题", "\u{301}".repeat(55));
    assert!(TopicTitle::parse(&zalgo).is_err());
    for good in [
        "路灯不亮❤️村口",
        "1️⃣号楼2️⃣单元漏水",
        "🏳️‍🌈彩虹路灯坏了",
        "葛󠄀辻󠄁家门口积水",
        "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}旗帜",
        "é̂̃̄̅̆̇̈̉̊̋̌路灯",
    ] {
        assert!(TopicTitle::parse(good).is_ok(), "{good:?}");
    }
}

#[test]
fn work_goes_to_departments_serving_the_place() {
    let c = ctx(TopicState::Submitted, Submitter::Nobody);
    let convener = actor_for(Who::Convener);
    let refer = |region: RegionPath| TopicCommand::Refer {
        department: DepartmentRef { id: DEPT, region },
        due: today(),
    };
    // The village's own, the subdistrict's and the county's departments take it.
    for ids in [vec![1, 2, 3, 4, 5], vec![1, 2, 3, 4], vec![1, 2, 3]] {
        let region = RegionPath(ids.iter().map(|i| RegionId(*i)).collect());
        assert!(
            decide(&c, &convener, &refer(region.clone())).is_ok(),
            "{region:?}"
        );
    }
    // A neighbouring subdistrict's does not.
    let beside = RegionPath(vec![RegionId(1), RegionId(2), RegionId(3), RegionId(9)]);
    assert!(matches!(
        decide(&c, &convener, &refer(beside)),
        Err(DomainError::Precondition(_))
    ));
}
