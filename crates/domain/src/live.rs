//! The meeting in session (现场会议): the item under discussion, the
//! speakers' queue (发言) and votes — 举手表决 counted by the convener, or
//! each person signed in voting once from their phone.
use crate::labels::labelled;
use crate::{Actor, DomainError, MeetingCtx, MeetingState};

labelled!(
    /// Where a speaker stands in the queue.
    SpeakerState {
        Waiting => "waiting", "等候发言";
        Speaking => "speaking", "正在发言";
        Done => "done", "已发言";
    }
);

labelled!(
    /// How a vote is taken.
    VoteMode {
        Hands => "hands", "举手表决";
        Phones => "phones", "手机表决";
    }
);

labelled!(
    /// A ballot.
    VoteChoice {
        Yes => "yes", "赞成";
        No => "no", "反对";
        Abstain => "abstain", "弃权";
    }
);

/// The convener runs the meeting (items, speakers, votes) while it is in session.
pub fn may_run(ctx: &MeetingCtx, actor: &Actor) -> Result<(), DomainError> {
    if !actor.is_convener_of(ctx.room) {
        return Err(DomainError::Forbidden);
    }
    if ctx.state != MeetingState::InSession {
        return Err(DomainError::Precondition("会议不在进行中".into()));
    }
    Ok(())
}

/// Someone signed in asks to speak while the meeting is in session, once
/// until their turn has come.
pub fn may_ask_to_speak(
    state: MeetingState,
    present: bool,
    waiting: bool,
) -> Result<(), DomainError> {
    if state != MeetingState::InSession {
        return Err(DomainError::Precondition("会议不在进行中".into()));
    }
    if !present {
        return Err(DomainError::Precondition("请先签到再申请发言".into()));
    }
    if waiting {
        return Err(DomainError::Precondition("您已在发言队列中".into()));
    }
    Ok(())
}

/// Counts entered by hand must fit the room: no more votes than people present.
pub fn check_hands(yes: u32, no: u32, abstain: u32, present: u32) -> Result<(), DomainError> {
    if yes + no + abstain > present {
        return Err(DomainError::invalid(
            "yes",
            format!(
                "表决人数（{}）超过了签到人数（{present}）",
                yes + no + abstain
            ),
        ));
    }
    Ok(())
}

/// A vote passes with more than half of the votes cast in favour.
pub fn passed(yes: u32, no: u32, abstain: u32) -> bool {
    yes * 2 > yes + no + abstain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};

    #[test]
    fn only_the_convener_runs_and_only_in_session() {
        for state in MeetingState::ALL {
            for who in everyone() {
                let got = may_run(&MeetingCtx { state, room: ROOM }, &actor_for(who));
                match (who == Who::Convener, state) {
                    (false, _) => assert_eq!(got, Err(DomainError::Forbidden)),
                    (true, MeetingState::InSession) => assert!(got.is_ok()),
                    (true, _) => assert!(matches!(got, Err(DomainError::Precondition(_)))),
                }
            }
        }
    }

    #[test]
    fn asking_to_speak_needs_a_session_a_sign_in_and_no_place_in_the_queue() {
        for state in MeetingState::ALL {
            for present in [false, true] {
                for waiting in [false, true] {
                    assert_eq!(
                        may_ask_to_speak(state, present, waiting).is_ok(),
                        state == MeetingState::InSession && present && !waiting
                    );
                }
            }
        }
    }

    #[test]
    fn hands_fit_the_room_and_a_majority_of_votes_cast_passes() {
        assert!(check_hands(5, 2, 1, 8).is_ok());
        assert!(check_hands(5, 3, 1, 8).is_err());
        assert!(passed(5, 2, 1) && !passed(4, 2, 2) && !passed(0, 0, 0));
        for yes in 0..6 {
            for no in 0..6 {
                for abstain in 0..6 {
                    assert_eq!(passed(yes, no, abstain), yes > no + abstain);
                }
            }
        }
    }
}
