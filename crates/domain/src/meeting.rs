//! The meeting state machine: planned → notified → in session → closed.
use crate::labels::labelled;
use crate::{Actor, DomainError, EventKind, MeetingRef, RoomId};

labelled!(
    /// Where a deliberation meeting (协商议事会) stands.
    MeetingState {
        Planned => "planned", "筹备中";
        Notified => "notified", "已通知";
        InSession => "in_session", "进行中";
        Closed => "closed", "已结束";
    }
);

/// A topic goes on the agenda of its own room's meeting, before the meeting starts.
pub(crate) fn check_agenda(room: RoomId, meeting: &MeetingRef) -> Result<(), DomainError> {
    if meeting.room != room {
        return Err(DomainError::Precondition("只能安排到本议事室的会议".into()));
    }
    if !matches!(
        meeting.state,
        MeetingState::Planned | MeetingState::Notified
    ) {
        return Err(DomainError::Precondition(
            "会议已经开始或结束，不能再列入议程".into(),
        ));
    }
    Ok(())
}

/// Everything the rules need to know about one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingCtx {
    /// Where the meeting stands now.
    pub state: MeetingState,
    /// The room whose convener (召集人) runs the meeting.
    pub room: RoomId,
}

/// A move a convener makes on one of the room's meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingCommand {
    /// Put a topic on the agenda (allowed until the meeting starts).
    AddAgenda,
    /// Announce the meeting (发出会议通知).
    Notify,
    /// Open the session, whether or not a notice went out.
    Start,
    /// End the session under way.
    Close,
}

impl MeetingCommand {
    /// The stable slug of the move (URLs, forms, API).
    pub fn code(&self) -> &'static str {
        match self {
            MeetingCommand::AddAgenda => "agenda",
            MeetingCommand::Notify => "notify",
            MeetingCommand::Start => "start",
            MeetingCommand::Close => "close",
        }
    }

    /// The move's name in Chinese, as refusals quote it.
    pub fn name_zh(&self) -> &'static str {
        match self {
            MeetingCommand::AddAgenda => "列入议程",
            MeetingCommand::Notify => "发出会议通知",
            MeetingCommand::Start => "开始会议",
            MeetingCommand::Close => "结束会议",
        }
    }
}

/// What a permitted move on a meeting leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingTransition {
    /// The meeting's state after the move.
    pub to: MeetingState,
    /// Written on the timeline of every topic on the agenda.
    pub event: Option<EventKind>,
}

/// Only a room's convener plans its meetings.
pub fn plan_meeting(actor: &Actor, room: RoomId) -> Result<MeetingState, DomainError> {
    if !actor.is_convener_of(room) {
        return Err(DomainError::Forbidden);
    }
    Ok(MeetingState::Planned)
}

/// The moves on the meeting itself this actor may make now (not the agenda).
pub fn allowed_meeting(ctx: &MeetingCtx, actor: &Actor) -> Vec<MeetingCommand> {
    [
        MeetingCommand::Notify,
        MeetingCommand::Start,
        MeetingCommand::Close,
    ]
    .into_iter()
    .filter(|c| decide_meeting(ctx, actor, c).is_ok())
    .collect()
}

/// Decides one move on a meeting: only the room's convener, and only from a state that allows it.
pub fn decide_meeting(
    ctx: &MeetingCtx,
    actor: &Actor,
    cmd: &MeetingCommand,
) -> Result<MeetingTransition, DomainError> {
    use MeetingState::*;
    if !actor.is_convener_of(ctx.room) {
        return Err(DomainError::Forbidden);
    }
    let (to, event) = match (cmd, ctx.state) {
        (MeetingCommand::AddAgenda, s @ (Planned | Notified)) => (s, None),
        (MeetingCommand::Notify, Planned) => (Notified, Some(EventKind::MeetingNotified)),
        (MeetingCommand::Start, Planned | Notified) => (InSession, Some(EventKind::MeetingStarted)),
        (MeetingCommand::Close, InSession) => (Closed, Some(EventKind::MeetingClosed)),
        (_, s) => {
            return Err(DomainError::WrongState {
                from: s.label_zh(),
                action: cmd.name_zh(),
            });
        }
    };
    Ok(MeetingTransition { to, event })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{Who, actor_for, everyone};

    const ALL_CMDS: [MeetingCommand; 4] = [
        MeetingCommand::AddAgenda,
        MeetingCommand::Notify,
        MeetingCommand::Start,
        MeetingCommand::Close,
    ];

    fn allowed(state: MeetingState, cmd: MeetingCommand) -> Option<MeetingState> {
        use MeetingState::*;
        match (state, cmd) {
            (Planned, MeetingCommand::AddAgenda) => Some(Planned),
            (Notified, MeetingCommand::AddAgenda) => Some(Notified),
            (Planned, MeetingCommand::Notify) => Some(Notified),
            (Planned | Notified, MeetingCommand::Start) => Some(InSession),
            (InSession, MeetingCommand::Close) => Some(Closed),
            _ => None,
        }
    }

    #[test]
    fn exhaustive() {
        let mut ok = 0;
        for state in MeetingState::ALL {
            for cmd in ALL_CMDS {
                for who in everyone() {
                    let ctx = MeetingCtx {
                        state,
                        room: crate::testkit::ROOM,
                    };
                    let got = decide_meeting(&ctx, &actor_for(who), &cmd);
                    match (who == Who::Convener, allowed(state, cmd)) {
                        (true, Some(to)) => {
                            assert_eq!(got.unwrap().to, to);
                            ok += 1;
                        }
                        (false, _) => assert_eq!(
                            got,
                            Err(DomainError::Forbidden),
                            "{state:?} {cmd:?} {who:?}"
                        ),
                        (true, None) => assert!(
                            matches!(got, Err(DomainError::WrongState { .. })),
                            "{state:?} {cmd:?}"
                        ),
                    }
                }
            }
        }
        assert_eq!(ok, 6);
    }

    #[test]
    fn only_the_convener_plans() {
        for who in everyone() {
            assert_eq!(
                plan_meeting(&actor_for(who), crate::testkit::ROOM).is_ok(),
                who == Who::Convener,
                "{who:?}"
            );
        }
    }
}
