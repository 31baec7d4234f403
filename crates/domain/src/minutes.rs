//! 会议纪要: the convener writes the minutes once the meeting has begun and
//! publishes them after it has closed, with a chair named; published
//! minutes are public.
use crate::{Actor, DomainError, MeetingCtx, MeetingState};

/// The room's convener writes the minutes during or after the meeting.
pub fn may_write_minutes(ctx: &MeetingCtx, actor: &Actor) -> Result<(), DomainError> {
    if !actor.is_convener_of(ctx.room) {
        return Err(DomainError::Forbidden);
    }
    if !matches!(ctx.state, MeetingState::InSession | MeetingState::Closed) {
        return Err(DomainError::Precondition("会议开始后才能撰写纪要".into()));
    }
    Ok(())
}

/// Minutes are published once the meeting has closed and say who chaired it.
pub fn may_publish_minutes(
    ctx: &MeetingCtx,
    actor: &Actor,
    chair: &str,
) -> Result<(), DomainError> {
    may_write_minutes(ctx, actor)?;
    if ctx.state != MeetingState::Closed {
        return Err(DomainError::Precondition("会议结束后才能公开纪要".into()));
    }
    if chair.trim().is_empty() {
        return Err(DomainError::Precondition("请先填写主持人".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};

    #[test]
    fn the_convener_writes_from_the_start_and_publishes_after_the_close() {
        for state in MeetingState::ALL {
            for who in everyone() {
                let ctx = MeetingCtx { state, room: ROOM };
                let actor = actor_for(who);
                let write = may_write_minutes(&ctx, &actor);
                let publish = may_publish_minutes(&ctx, &actor, "张主任");
                if who != Who::Convener {
                    assert_eq!(write, Err(DomainError::Forbidden));
                    assert_eq!(publish, Err(DomainError::Forbidden));
                    continue;
                }
                let started = matches!(state, MeetingState::InSession | MeetingState::Closed);
                assert_eq!(write.is_ok(), started, "{state:?}");
                assert_eq!(publish.is_ok(), state == MeetingState::Closed, "{state:?}");
                if state == MeetingState::Closed {
                    assert!(may_publish_minutes(&ctx, &actor, " ").is_err(), "no chair");
                }
            }
        }
    }
}
