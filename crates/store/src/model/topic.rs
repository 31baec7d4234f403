//! A topic as pages and the API read it: ids, channel, state and decision
//! typed, its submitter as the domain knows them.
use chrono::{DateTime, Utc};
use domain::{Channel, Decision, RegionPath, RoomId, Submitter, TopicId, TopicState, UserId};

use super::parsed;
use crate::StoreError;
use crate::entity::topic;

/// A topic (议题) with its state and submitter, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// Its internal id; URLs name a topic by its 查询码.
    pub id: TopicId,
    /// 查询码 given to the submitter.
    pub tracking_no: String,
    /// The room that handles it.
    pub room: RoomId,
    /// The room's place in the region tree.
    pub region: RegionPath,
    /// How it entered the platform; fixed at birth.
    pub channel: Channel,
    /// Where it stands in the chain.
    pub state: TopicState,
    /// Its one-line title.
    pub title: String,
    /// What the submitter says about the problem.
    pub body: String,
    /// Its category, from the submission form's list (交通出行, 市容环境 …).
    pub category: String,
    /// Where the problem is, as typed.
    pub place: String,
    /// Who raised it: the only one who may rate its result.
    pub submitter: Submitter,
    /// The submitter's name as given (hidden in public when anonymous).
    pub submitter_name: String,
    /// A phone to reach the submitter, if given.
    pub submitter_phone: Option<String>,
    /// Leadership's decision once reviewed.
    pub decision: Option<Decision>,
    /// The topic it was merged into, if any.
    pub merged_into: Option<TopicId>,
    /// Likes (点赞) on its result, rolled up from the likes stored.
    pub like_count: i64,
    /// 附议 count, rolled up like `like_count`.
    pub support_count: i64,
    /// Shown as 匿名群众 in public; the convener still sees who to contact.
    pub anonymous: bool,
    /// Its room's convener published the photos after a merge from triage.
    pub photos_published: bool,
    /// Map point in millionths of a degree (latitude, longitude).
    pub point: Option<(i64, i64)>,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When it last moved; lists show the latest first.
    pub updated_at: DateTime<Utc>,
    /// Its number in the system it came from (`12345:` and the work order's).
    pub external_ref: Option<String>,
}

impl Topic {
    /// Its photos as the rules see them (`domain::photos_visible`).
    pub fn photo_ctx(&self) -> domain::PhotoCtx<'_> {
        domain::PhotoCtx {
            state: self.state,
            published: self.photos_published,
            submitter: &self.submitter,
            room: self.room,
            region: &self.region,
        }
    }
}

/// Who raised a topic, from its row.
fn submitter_of(row: &topic::Model) -> Submitter {
    match (&row.submitter_user_id, &row.submitter_device) {
        // A device beside an account: claimed by the verified number since.
        (Some(u), Some(d)) => Submitter::Claimed {
            user: UserId(*u),
            device: d.clone(),
        },
        (Some(u), None) => Submitter::User(UserId(*u)),
        (None, Some(d)) => Submitter::Device(d.clone()),
        (None, None) => Submitter::Nobody,
    }
}

impl TryFrom<topic::Model> for Topic {
    type Error = StoreError;

    fn try_from(row: topic::Model) -> Result<Self, StoreError> {
        let submitter = submitter_of(&row);
        Ok(Topic {
            id: TopicId(row.id),
            room: RoomId(row.room_id),
            region: parsed(&row.region_path, RegionPath::decode, "topics.region_path")?,
            channel: parsed(&row.channel, Channel::parse, "topics.channel")?,
            state: parsed(&row.state, TopicState::parse, "topics.state")?,
            decision: match row.decision.as_deref() {
                Some(d) => Some(parsed(d, Decision::parse, "topics.decision")?),
                None => None,
            },
            merged_into: row.merged_into.map(TopicId),
            point: row.lat_e6.zip(row.lng_e6),
            tracking_no: row.tracking_no,
            title: row.title,
            body: row.body,
            category: row.category,
            place: row.place,
            submitter,
            submitter_name: row.submitter_name,
            submitter_phone: row.submitter_phone,
            like_count: row.like_count,
            support_count: row.support_count,
            anonymous: row.anonymous,
            photos_published: row.photos_published,
            created_at: row.created_at,
            updated_at: row.updated_at,
            external_ref: row.external_ref,
        })
    }
}
