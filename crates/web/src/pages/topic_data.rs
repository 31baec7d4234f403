//! What a topic's page shows every viewer alike, read in one go and kept
//! for visitors without a sign-in (see `page_cache`).
use domain::TopicState;

use crate::AppState;
use crate::error::AppResult;

/// Everything on a topic's page that is the same for every viewer, read in
/// one go. For visitors without a sign-in it is kept (`AppState::topics`,
/// see `page_cache`), so a view of a popular topic reads only what concerns
/// the visitor (liked, supported, following: one query).
#[derive(Clone)]
pub struct TopicData {
    pub(crate) t: store::Topic,
    pub(crate) room: store::Room,
    pub(crate) ctx: domain::TopicCtx,
    pub(crate) depts: Vec<store::Department>,
    pub(crate) tasks: Vec<store::Task>,
    pub(crate) opinions: Vec<store::Opinion>,
    pub(crate) orders: Vec<store::SupervisionOrder>,
    pub(crate) shares: Vec<store::TaskShare>,
    pub(crate) follow_ups: Vec<store::FollowUp>,
    /// Evidence of work done and photos of follow-up checks.
    pub(crate) work_photos: Vec<store::Photo>,
    pub(crate) meetings: Vec<store::Meeting>,
    /// The tracking number of the topic this one was merged into.
    pub(crate) merged_into: Option<String>,
    pub(crate) deliberation: Option<domain::DeliberationId>,
    pub(crate) timeline: Vec<store::TopicEvent>,
    pub(crate) research: store::Research,
    /// Published minutes of the meetings that heard it.
    pub(crate) minutes: Vec<(domain::MeetingId, String)>,
    /// The campaign it counts in: id, name.
    pub(crate) campaign: Option<(i64, String)>,
    /// All of the topic's photos; who may see them is decided per viewer.
    pub(crate) photos: Vec<store::Photo>,
    /// Likes from accounts, counted for results only.
    pub(crate) verified_likes: u64,
    /// Each task's named clerk (承办人).
    pub(crate) clerks: Vec<(domain::TaskId, String)>,
    /// The last rating, which says why a reopened topic came back.
    pub(crate) last_rating: Option<String>,
}

impl crate::page_cache::Weigh for std::sync::Arc<TopicData> {
    /// Roughly: the text and a few hundred bytes per listed item.
    fn weigh(&self) -> u64 {
        let items = self.timeline.len()
            + self.tasks.len()
            + self.opinions.len()
            + self.orders.len()
            + self.follow_ups.len()
            + self.work_photos.len()
            + self.research.records.len()
            + self.photos.len()
            + self.meetings.len();
        (self.t.title.len() + self.t.body.len() + 2048 + 512 * items) as u64
    }
}

pub(crate) async fn topic_data(state: &AppState, no: &str) -> AppResult<std::sync::Arc<TopicData>> {
    let t = state.store.topic_by_tracking(no).await?;
    let id = t.id;
    let merged_into = match t.merged_into {
        Some(m) => Some(state.store.topic(m).await?.tracking_no),
        None => None,
    };
    let tasks = state.store.tasks_of_topic(id).await?;
    let mut clerks = Vec::new();
    for k in &tasks {
        if let Some(a) = k.assignee {
            clerks.push((k.id, state.store.user(a).await?.display_name));
        }
    }
    let last_rating = match t.state {
        TopicState::Reopened => state
            .store
            .ratings(id)
            .await?
            .pop()
            .map(|r| format!("{}。{}", r.satisfaction.label_zh(), r.comment)),
        _ => None,
    };
    Ok(std::sync::Arc::new(TopicData {
        clerks,
        last_rating,
        room: state.store.room(t.room).await?,
        ctx: state.store.topic_context(&t).await?,
        depts: state.store.departments_serving(&t.region).await?,
        tasks,
        opinions: state.store.opinions(id).await?,
        orders: state.store.orders_of_topic(id).await?,
        shares: state.store.shares_of_topic(id).await?,
        follow_ups: state.store.follow_ups(id).await?,
        work_photos: state.store.work_photos(id).await?,
        meetings: state.store.meetings_of_room(t.room).await?,
        merged_into,
        deliberation: state.store.deliberation_of_topic(id).await?.map(|d| d.id),
        timeline: state.store.timeline(id).await?,
        research: state.store.research(id).await?,
        minutes: state.store.published_minutes_of_topic(id).await?,
        campaign: state
            .store
            .campaign_of_topic(id)
            .await?
            .map(|c| (c.id, c.name)),
        photos: state.store.photos(id).await?,
        verified_likes: if t.state.is_public_result() {
            state.store.count_verified_likes(id).await?
        } else {
            0
        },
        t,
    }))
}
