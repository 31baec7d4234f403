//! 专题活动 (campaigns) such as 民生专题协商议事月: a named window with a
//! theme and the rooms that take part. A region's leaders run one over
//! rooms of their region; a room's convener counts its topics and meetings in.
use chrono::NaiveDate;

use crate::values::text;
use crate::{Actor, DomainError, RegionPath, RoomId, TopicState};

/// A campaign as it is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignPlan {
    /// Its name, e.g. 民生专题协商议事月.
    pub name: String,
    /// What it is about.
    pub theme: String,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The last day (on or after the first).
    pub ends_on: NaiveDate,
}

impl CampaignPlan {
    /// Checks the name, theme and window.
    pub fn parse(
        name: &str,
        theme: &str,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> Result<Self, DomainError> {
        if ends_on < starts_on {
            return Err(DomainError::invalid("ends_on", "结束日期不能早于开始日期"));
        }
        Ok(CampaignPlan {
            name: text("name", "活动名称", name, 2, 60, false)?,
            theme: text("theme", "活动主题", theme, 0, 500, true)?,
            starts_on,
            ends_on,
        })
    }
}

/// A region's leader runs a campaign over rooms of that region (at least one).
pub fn may_run_campaign(
    actor: &Actor,
    region: &RegionPath,
    rooms: &[(RoomId, RegionPath)],
) -> Result<(), DomainError> {
    if !actor.leads(region) {
        return Err(DomainError::Forbidden);
    }
    if rooms.is_empty() {
        return Err(DomainError::invalid("rooms", "请至少选择一个参加的议事室"));
    }
    if rooms.iter().any(|(_, place)| !region.covers(place)) {
        return Err(DomainError::invalid("rooms", "只能选择本辖区的议事室"));
    }
    Ok(())
}

/// A room's convener counts one of its topics or meetings in a campaign
/// the room takes part in.
pub fn may_join_campaign(
    actor: &Actor,
    room: RoomId,
    campaign_rooms: &[RoomId],
) -> Result<(), DomainError> {
    if !actor.is_convener_of(room) {
        return Err(DomainError::Forbidden);
    }
    if !campaign_rooms.contains(&room) {
        return Err(DomainError::Precondition("本议事室没有参加这项活动".into()));
    }
    Ok(())
}

/// How far a room's campaign topics have come: raised, researched,
/// deliberated, resolved (each counts those that went at least that far).
pub fn progress(states: &[TopicState]) -> [u32; 4] {
    use TopicState::*;
    let count = |f: &dyn Fn(TopicState) -> bool| {
        u32::try_from(states.iter().filter(|s| f(**s)).count()).unwrap_or(u32::MAX)
    };
    let researched = |s| {
        matches!(
            s,
            Researching
                | Scheduled
                | Deliberated
                | Reviewed
                | Implementing
                | Completed
                | Evaluated
                | Reopened
        )
    };
    let deliberated = |s| {
        matches!(
            s,
            Deliberated | Reviewed | Implementing | Completed | Evaluated | Reopened
        )
    };
    let resolved = |s| matches!(s, Completed | Evaluated);
    [
        count(&|s| !matches!(s, Merged)),
        count(&researched),
        count(&deliberated),
        count(&resolved),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone, village};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    #[test]
    fn a_campaign_has_a_name_and_a_window() {
        assert!(CampaignPlan::parse("民生专题协商议事月", "", day(1), day(31)).is_ok());
        assert!(CampaignPlan::parse("民生专题协商议事月", "", day(2), day(1)).is_err());
        assert!(CampaignPlan::parse("月", "", day(1), day(2)).is_err());
    }

    #[test]
    fn leaders_run_campaigns_over_their_own_rooms_and_conveners_join_them() {
        let elsewhere = RegionPath(vec![crate::RegionId(99)]);
        for who in everyone() {
            let actor = actor_for(who);
            let leads = matches!(who, Who::Leader | Who::ParentLeader);
            let ours = [(ROOM, village())];
            assert_eq!(
                may_run_campaign(&actor, &village(), &ours).is_ok(),
                leads,
                "{who:?}"
            );
            if leads {
                assert!(may_run_campaign(&actor, &village(), &[]).is_err());
                assert!(
                    may_run_campaign(&actor, &village(), &[(ROOM, elsewhere.clone())]).is_err()
                );
            }
            let join = may_join_campaign(&actor, ROOM, &[ROOM]);
            assert_eq!(join.is_ok(), who == Who::Convener, "{who:?}");
            if who == Who::Convener {
                assert!(matches!(
                    may_join_campaign(&actor, ROOM, &[RoomId(2)]),
                    Err(DomainError::Precondition(_))
                ));
            }
        }
    }

    #[test]
    fn progress_counts_how_far_each_topic_went() {
        use TopicState::*;
        let got = progress(&[
            Submitted,
            Merged,
            Researching,
            Deliberated,
            Evaluated,
            Rejected,
        ]);
        assert_eq!(got, [5, 3, 2, 1]);
        // Every state: resolved ⊂ deliberated ⊂ researched ⊂ raised.
        for s in TopicState::ALL {
            let [raised, researched, deliberated, resolved] = progress(&[s]);
            assert!(
                raised >= researched && researched >= deliberated && deliberated >= resolved,
                "{s:?}"
            );
        }
    }
}
