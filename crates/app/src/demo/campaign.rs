//! The demo's campaign: 陈师街道's 民生专题协商议事月 around the autumn
//! meetings, with the eight busiest rooms taking part and their topics and
//! meetings counted in.
use chrono::Duration;
use domain::{CampaignPlan, MeetingState, RegionId, RoomId, TopicState};
use store::{Store, TopicFilter};

use super::People;

/// Runs the campaign over the eight rooms with the most topics.
pub(super) async fn run(
    store: &Store,
    people: &People,
    subdistrict: RegionId,
) -> anyhow::Result<()> {
    let mut rooms: Vec<(usize, &String, &(store::Who, RoomId))> = Vec::new();
    for (code, r) in &people.conveners {
        let filter = TopicFilter {
            room: Some(r.1),
            limit: 500,
            ..TopicFilter::default()
        };
        rooms.push((store.topics(&filter).await?.len(), code, r));
    }
    rooms.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let rooms: Vec<&(store::Who, RoomId)> = rooms.into_iter().take(8).map(|(_, _, r)| r).collect();
    let mut held = Vec::new();
    for (_, room) in &rooms {
        for m in store.meetings_of_room(*room).await? {
            if m.state == MeetingState::Closed {
                held.push(m);
            }
        }
    }
    let (Some(first), Some(last)) = (
        held.iter().map(|m| m.starts_at).min(),
        held.iter().map(|m| m.starts_at).max(),
    ) else {
        return Ok(());
    };
    let plan = CampaignPlan::parse(
        "民生专题协商议事月",
        "聚焦农村道路、停车秩序、养老助餐、环境整治等群众身边的民生小事，各议事室集中开展商前调研和协商议事，推动问题在基层解决。",
        domain::beijing_date(first - Duration::days(30)),
        domain::beijing_date(last + Duration::days(5)),
    )?;
    let ids: Vec<RoomId> = rooms.iter().map(|(_, r)| *r).collect();
    let campaign = store
        .create_campaign(&people.leader, subdistrict, &plan, &ids)
        .await?;
    for (convener, room) in &rooms {
        let filter = TopicFilter {
            room: Some(*room),
            limit: 500,
            ..TopicFilter::default()
        };
        for t in store.topics(&filter).await? {
            let day = domain::beijing_date(t.created_at);
            if day >= plan.starts_on && day <= plan.ends_on && t.state != TopicState::Merged {
                store.join_topic(convener, t.id, campaign).await?;
            }
        }
        for m in held.iter().filter(|m| m.room == *room) {
            store.join_meeting(convener, m.id, campaign).await?;
        }
    }
    Ok(())
}
