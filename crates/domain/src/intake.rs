//! 码上议 intake: what a submission's category may be, who sees the name
//! of a resident who asked to stay anonymous, who sees their photos and
//! their phone number.
use crate::{Actor, DomainError, RegionPath, RoomId, Submitter, TopicState};

/// How the public names someone who asked not to be named, or who has no account.
pub const ANONYMOUS: &str = "匿名群众";

/// The submitter's name as this viewer may see it: an anonymous topic's
/// submitter is named only to its room's convener, who may need to call back.
pub fn shown_submitter<'a>(
    anonymous: bool,
    name: &'a str,
    room: RoomId,
    viewer: &Actor,
) -> &'a str {
    if anonymous && !viewer.is_convener_of(room) {
        ANONYMOUS
    } else {
        name
    }
}

/// 附议 (我也遇到了) is for others who meet the same problem: not on a topic
/// refused or merged away, and not by whoever raised it.
pub fn check_support(
    state: TopicState,
    submitter: &Submitter,
    supporter: &Actor,
) -> Result<(), DomainError> {
    if matches!(state, TopicState::Rejected | TopicState::Merged) {
        return Err(DomainError::Precondition(
            "该议题已不予立项或已合并，不能再附议".into(),
        ));
    }
    if submitter.is(supporter) {
        return Err(DomainError::Precondition(
            "这是您自己提出的议题，不需要附议".into(),
        ));
    }
    Ok(())
}

/// Residents who supported (附议) a topic rate its result too, once each,
/// once it is done; their verdict is counted and shown but only the
/// submitter's 不满意 reopens the topic.
pub fn check_supporter_rating(
    state: TopicState,
    submitter: &Submitter,
    rater: &Actor,
    supported: bool,
    rated: bool,
) -> Result<(), DomainError> {
    if submitter.is(rater) || !supported {
        return Err(DomainError::Forbidden);
    }
    if !matches!(state, TopicState::Completed | TopicState::Evaluated) {
        return Err(DomainError::Precondition("办结后才能评价".into()));
    }
    if rated {
        return Err(DomainError::Precondition("您已经评价过了".into()));
    }
    Ok(())
}

/// A topic's photos as the rules see them.
#[derive(Debug, Clone, Copy)]
pub struct PhotoCtx<'a> {
    /// Where the topic stands.
    pub state: TopicState,
    /// Whether its room's convener made them public after a merge.
    pub published: bool,
    /// Who raised it.
    pub submitter: &'a Submitter,
    /// Its room.
    pub room: RoomId,
    /// Its place.
    pub region: &'a RegionPath,
}

/// Only the room's convener may see a submitter's full phone number, to call
/// them back; each look is recorded.
pub fn reveal_phone(actor: &Actor, room: RoomId) -> Result<(), DomainError> {
    if actor.is_convener_of(room) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Photos of a topic still in triage, turned down, or merged into another
/// straight from triage (unless its convener published them) are seen only
/// by its submitter, its room's convener and officials whose region covers
/// it; once accepted they are public.
pub fn photos_visible(photos: &PhotoCtx<'_>, viewer: &Actor) -> bool {
    let private = match photos.state {
        TopicState::Submitted | TopicState::Rejected => true,
        TopicState::Merged => !photos.published,
        _ => false,
    };
    !private
        || photos.submitter.is(viewer)
        || viewer.is_convener_of(photos.room)
        || viewer.sees(photos.region)
}

/// A topic merged straight from triage keeps its photos private until its
/// room's convener, having looked at them, publishes them (once).
pub fn publish_photos(photos: &PhotoCtx<'_>, actor: &Actor) -> Result<(), DomainError> {
    if !actor.is_convener_of(photos.room) {
        return Err(DomainError::Forbidden);
    }
    if photos.state != TopicState::Merged {
        return Err(DomainError::Precondition(
            "只有合并的议题需要单独公开照片".into(),
        ));
    }
    if photos.published {
        return Err(DomainError::Precondition("照片已经公开".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};

    #[test]
    fn only_the_rooms_convener_sees_an_anonymous_name() {
        for who in everyone() {
            let shown = shown_submitter(true, "张桂兰", ROOM, &actor_for(who));
            let expected = if who == Who::Convener {
                "张桂兰"
            } else {
                ANONYMOUS
            };
            assert_eq!(shown, expected, "{who:?}");
            assert_eq!(
                shown_submitter(false, "张桂兰", ROOM, &actor_for(who)),
                "张桂兰"
            );
        }
    }

    #[test]
    fn only_others_support_a_live_topic() {
        let submitter = Submitter::Device("submitter".into());
        let own = Actor::anonymous(Some("submitter".into()));
        let other = actor_for(Who::OtherDevice);
        assert!(check_support(TopicState::Submitted, &submitter, &other).is_ok());
        assert!(check_support(TopicState::Submitted, &submitter, &own).is_err());
        assert!(check_support(TopicState::Merged, &submitter, &other).is_err());
        assert!(check_support(TopicState::Rejected, &submitter, &other).is_err());
    }

    #[test]
    fn supporters_rate_a_result_once() {
        let submitter = Submitter::Device("submitter".into());
        let other = Actor::anonymous(Some("neighbour".into()));
        let done = TopicState::Completed;
        assert!(check_supporter_rating(done, &submitter, &other, true, false).is_ok());
        let evaluated = TopicState::Evaluated;
        assert!(check_supporter_rating(evaluated, &submitter, &other, true, false).is_ok());
        let twice = check_supporter_rating(done, &submitter, &other, true, true);
        assert!(matches!(twice, Err(DomainError::Precondition(_))));
        let implementing = TopicState::Implementing;
        let early = check_supporter_rating(implementing, &submitter, &other, true, false);
        assert!(matches!(early, Err(DomainError::Precondition(_))));
        let stranger = check_supporter_rating(done, &submitter, &other, false, false);
        assert_eq!(stranger, Err(DomainError::Forbidden));
        let own = Actor::anonymous(Some("submitter".into()));
        let own = check_supporter_rating(done, &submitter, &own, true, false);
        assert_eq!(own, Err(DomainError::Forbidden));
    }

    #[test]
    fn merged_photos_stay_private_until_the_convener_publishes_them() {
        let region = RegionPath(vec![crate::RegionId(1), crate::RegionId(2)]);
        let submitter = Submitter::Device("submitter".into());
        let at = |state, published| PhotoCtx {
            state,
            published,
            submitter: &submitter,
            room: ROOM,
            region: &region,
        };
        let public = actor_for(Who::OtherDevice);
        for state in TopicState::ALL {
            let private = matches!(
                state,
                TopicState::Submitted | TopicState::Rejected | TopicState::Merged
            );
            assert_eq!(
                photos_visible(&at(state, false), &public),
                !private,
                "{state:?}"
            );
        }
        assert!(photos_visible(&at(TopicState::Merged, true), &public));
        assert!(!photos_visible(&at(TopicState::Rejected, true), &public));
        for who in everyone() {
            let got = publish_photos(&at(TopicState::Merged, false), &actor_for(who));
            assert_eq!(got.is_ok(), who == Who::Convener, "{who:?}");
        }
        let convener = actor_for(Who::Convener);
        assert!(publish_photos(&at(TopicState::Merged, true), &convener).is_err());
        assert!(publish_photos(&at(TopicState::Accepted, false), &convener).is_err());
    }
}
