//! Exhaustive tests of the task state machine (工单): every allowed
//! (state, command, actor) succeeds with the right result, every other one
//! is refused; co-handlers' shares, head approval, lateness.
use chrono::NaiveDate;

use super::reason;
use crate::testkit::{DEPT, ROOM, Who, actor_for, everyone, village};
use crate::*;
fn task_commands() -> Vec<TaskCommand> {
    vec![
        TaskCommand::Sign,
        TaskCommand::Return { reason: reason() },
        TaskCommand::Reassign {
            department: DepartmentRef {
                id: DepartmentId(2),
                region: village(),
            },
        },
        TaskCommand::PostProgress,
        TaskCommand::RequestExtension {
            until: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        },
        TaskCommand::GrantExtension,
        TaskCommand::DenyExtension,
        TaskCommand::Complete,
        TaskCommand::Verify,
        TaskCommand::SendBack { reason: reason() },
        TaskCommand::Assign {
            clerk_works_here: true,
        },
        TaskCommand::Approve,
        TaskCommand::Decline { reason: reason() },
    ]
}

fn task_allowed(state: TaskState, cmd: &TaskCommand) -> Option<TaskState> {
    use TaskCommand as C;
    use TaskState::*;
    Some(match (cmd, state) {
        (C::Sign, Assigned) => Signed,
        (C::Return { .. }, Assigned) => Returned,
        (C::Reassign { .. }, Returned) => Assigned,
        (C::PostProgress, Signed | InProgress) => InProgress,
        (C::PostProgress, ExtensionRequested) => ExtensionRequested,
        (C::RequestExtension { .. }, Signed | InProgress) => ExtensionRequested,
        (C::GrantExtension | C::DenyExtension, ExtensionRequested) => InProgress,
        (C::Complete, Signed | InProgress | ExtensionRequested) => Done,
        (C::Verify, Done) => Verified,
        (C::SendBack { .. }, Done) => InProgress,
        (C::Assign { .. }, Assigned | Signed | InProgress | ExtensionRequested) => state,
        (C::Approve, AwaitingApproval) => Done,
        (C::Decline { .. }, AwaitingApproval) => InProgress,
        _ => return None,
    })
}

fn task_permitted(cmd: &TaskCommand, who: Who) -> bool {
    match cmd {
        TaskCommand::Reassign { .. } | TaskCommand::GrantExtension | TaskCommand::DenyExtension => {
            matches!(who, Who::Leader | Who::ParentLeader)
        }
        TaskCommand::Verify | TaskCommand::SendBack { .. } => who == Who::Convener,
        TaskCommand::Assign { .. } | TaskCommand::Approve | TaskCommand::Decline { .. } => {
            who == Who::Head
        }
        _ => matches!(who, Who::Staff | Who::Head),
    }
}

#[test]
fn task_machine_is_exactly_the_table() {
    let mut allowed = 0;
    for state in TaskState::ALL {
        for cmd in task_commands() {
            for who in everyone() {
                let c = TaskCtx {
                    state,
                    department: DEPT,
                    room: ROOM,
                    region: village(),
                    shares: Vec::new(),
                    needs_approval: false,
                };
                let got = decide_task(&c, &actor_for(who), &cmd);
                let case = format!("{state:?} {cmd:?} {who:?}");
                match (task_permitted(&cmd, who), task_allowed(state, &cmd)) {
                    (false, _) => assert_eq!(got, Err(DomainError::Forbidden), "{case}"),
                    (true, None) => assert!(
                        matches!(got, Err(DomainError::WrongState { .. })),
                        "{case}: {got:?}"
                    ),
                    (true, Some(to)) => {
                        assert_eq!(got.clone().map(|t| t.to), Ok(to), "{case}");
                        allowed += 1;
                    }
                }
                let offered = allowed_task(&c, &actor_for(who)).contains(&cmd.kind());
                assert_eq!(offered, got.is_ok(), "offered: {case}");
            }
        }
    }
    // Staff moves (sign, return, progress x3, extension x2, complete x3) by staff and head,
    // leader moves (reassign, grant, deny) by two leaders, convener moves (verify, send back),
    // and the head names a clerk in four open states and approves or declines a completion.
    assert_eq!(allowed, 10 * 2 + 3 * 2 + 2 + 4 + 2);
    let head = actor_for(Who::Head);
    let c = TaskCtx {
        state: TaskState::Signed,
        department: DEPT,
        room: ROOM,
        region: village(),
        shares: Vec::new(),
        needs_approval: false,
    };
    let elsewhere = TaskCommand::Assign {
        clerk_works_here: false,
    };
    assert!(matches!(
        decide_task(&c, &head, &elsewhere),
        Err(DomainError::Invalid { .. })
    ));
}

#[test]
fn co_handlers_sign_and_finish_their_share_before_the_lead_completes() {
    let other = DepartmentId(2);
    let ctx = |state, share| TaskCtx {
        state,
        department: DEPT,
        room: ROOM,
        region: village(),
        shares: vec![Share {
            department: other,
            state: share,
        }],
        needs_approval: false,
    };
    let co = actor_for(Who::OtherStaff);
    let lead = actor_for(Who::Staff);
    for task in TaskState::ALL {
        for share in ShareState::ALL {
            let c = ctx(task, share);
            let working = matches!(
                task,
                TaskState::Assigned
                    | TaskState::Signed
                    | TaskState::InProgress
                    | TaskState::ExtensionRequested
            );
            let sign = decide_task(&c, &co, &TaskCommand::ShareSign);
            assert_eq!(
                sign.is_ok(),
                working && share == ShareState::Assigned,
                "{task:?} {share:?}"
            );
            let done = decide_task(&c, &co, &TaskCommand::ShareDone);
            assert_eq!(
                done.is_ok(),
                working && share == ShareState::Signed,
                "{task:?} {share:?}"
            );
            if let Ok(t) = done {
                assert_eq!(t.to, task, "the task itself stays where it is");
            }
            // Only the co-handler moves its share; the lead cannot.
            assert_eq!(
                decide_task(&c, &lead, &TaskCommand::ShareSign),
                Err(DomainError::Forbidden)
            );
            // The lead completes only once every share is done.
            let complete = decide_task(&c, &lead, &TaskCommand::Complete);
            let may_complete = matches!(
                task,
                TaskState::Signed | TaskState::InProgress | TaskState::ExtensionRequested
            );
            assert_eq!(
                complete.is_ok(),
                may_complete && share == ShareState::Done,
                "{task:?} {share:?}"
            );
            // And the co-handler has no say over the lead's moves.
            assert_eq!(
                decide_task(&c, &co, &TaskCommand::Complete),
                Err(DomainError::Forbidden)
            );
        }
    }
    let same = DepartmentRef {
        id: DEPT,
        region: village(),
    };
    assert!(check_co_departments(&village(), DEPT, &[same]).is_err());
}

#[test]
fn where_the_region_asks_the_head_approves_a_completion() {
    let c = TaskCtx {
        state: TaskState::InProgress,
        department: DEPT,
        room: ROOM,
        region: village(),
        shares: Vec::new(),
        needs_approval: true,
    };
    let clerk = decide_task(&c, &actor_for(Who::Staff), &TaskCommand::Complete).unwrap();
    assert_eq!(clerk.to, TaskState::AwaitingApproval);
    // The head's own completion needs nobody's approval.
    let head = decide_task(&c, &actor_for(Who::Head), &TaskCommand::Complete).unwrap();
    assert_eq!(head.to, TaskState::Done);
    // Waiting for the head, it is still the department's: supervised, not verifiable.
    assert!(TaskState::WITH_DEPARTMENT.contains(&TaskState::AwaitingApproval));
    let waiting = TaskCtx {
        state: TaskState::AwaitingApproval,
        ..c
    };
    assert!(decide_task(&waiting, &actor_for(Who::Convener), &TaskCommand::Verify).is_err());
}

#[test]
fn overdue_means_open_past_due() {
    let due = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let later = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    assert!(TaskState::InProgress.is_overdue(due, later));
    assert!(!TaskState::InProgress.is_overdue(due, due));
    assert!(!TaskState::Verified.is_overdue(due, later));
    assert!(!TaskState::Done.is_overdue(due, later));
}

#[test]
fn a_task_is_on_time_when_reported_done_by_its_due_date() {
    use crate::Punctuality as P;
    let d = |n: u32| chrono::NaiveDate::from_ymd_opt(2026, 5, n).expect("a day");
    assert_eq!(P::of(d(10), Some(d(10)), d(20)), P::DoneOnTime);
    assert_eq!(P::of(d(10), Some(d(11)), d(20)), P::DoneLate);
    assert_eq!(P::of(d(10), None, d(10)), P::Pending);
    assert_eq!(P::of(d(10), None, d(11)), P::Overdue);
    assert_eq!(P::DoneLate.label_zh(), "逾期办结");
}
