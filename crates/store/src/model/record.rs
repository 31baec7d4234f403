//! What the chain records about a topic: research, opinions, ratings,
//! photos, the inbox and the latest opinion map.
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Decision, DeliberationId, MeetingId, NotificationId, OpinionId, RegionId, RegionPath,
    ReviewSessionId, Satisfaction, TopicId, UserId,
};

use super::parsed;
use crate::StoreError;
use crate::entity::{deliberation_result, notification, opinion, photo, rating, review_session};

/// A consultation opinion (协商意见) and leadership's decision on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opinion {
    /// Its id.
    pub id: OpinionId,
    /// The topic it answers.
    pub topic: TopicId,
    /// The meeting that formed it.
    pub meeting: MeetingId,
    /// What the meeting agreed.
    pub text: String,
    /// Leadership's decision, once reviewed.
    pub decision: Option<Decision>,
    /// 部分采纳: the part adopted.
    pub part: Option<String>,
    /// 不予采纳: why, for the public to read.
    pub reason: Option<String>,
    /// Leadership's 批示; may be empty.
    pub instructions: String,
    /// The leadership meeting that ruled on it.
    pub session: Option<ReviewSessionId>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// A leadership meeting (上会研究) of a region, at which opinions are ruled on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewSession {
    /// Its id.
    pub id: ReviewSessionId,
    /// The region whose leadership met.
    pub region: RegionId,
    /// That region's path; the session rules on topics below it.
    pub region_path: RegionPath,
    /// Its name, e.g. 街道党工委会议（2026年第12次）.
    pub title: String,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Who attended, as entered.
    pub attendees: String,
    /// Who recorded it.
    pub created_by: UserId,
}

impl ReviewSession {
    /// The session as the rules see it.
    pub fn as_ref(&self) -> domain::ReviewSessionRef {
        domain::ReviewSessionRef {
            region: self.region_path.clone(),
            held_on: self.held_on,
        }
    }
}

impl TryFrom<review_session::Model> for ReviewSession {
    type Error = StoreError;

    fn try_from(row: review_session::Model) -> Result<Self, StoreError> {
        Ok(ReviewSession {
            id: ReviewSessionId(row.id),
            region: RegionId(row.region_id),
            region_path: parsed(
                &row.region_path,
                RegionPath::decode,
                "review_sessions.region_path",
            )?,
            title: row.title,
            held_on: row.held_on,
            attendees: row.attendees,
            created_by: UserId(row.created_by),
        })
    }
}

impl TryFrom<opinion::Model> for Opinion {
    type Error = StoreError;

    fn try_from(row: opinion::Model) -> Result<Self, StoreError> {
        let decision = match row.decision.as_deref() {
            Some(d) => Some(parsed(d, Decision::parse, "opinions.decision")?),
            None => None,
        };
        Ok(Opinion {
            id: OpinionId(row.id),
            topic: TopicId(row.topic_id),
            meeting: MeetingId(row.meeting_id),
            text: row.text,
            decision,
            part: row.part,
            reason: row.reason,
            instructions: row.instructions,
            session: row.review_session_id.map(ReviewSessionId),
            created_at: row.created_at,
        })
    }
}

/// A resident's rating of a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    /// The topic rated.
    pub topic: TopicId,
    /// How satisfied they were.
    pub satisfaction: Satisfaction,
    /// What they said; may be empty.
    pub comment: String,
    /// When they rated.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<rating::Model> for Rating {
    type Error = StoreError;

    fn try_from(row: rating::Model) -> Result<Self, StoreError> {
        Ok(Rating {
            topic: TopicId(row.topic_id),
            satisfaction: parsed(
                &row.satisfaction,
                Satisfaction::parse,
                "ratings.satisfaction",
            )?,
            comment: row.comment,
            created_at: row.created_at,
        })
    }
}

/// A resident's photo of the problem, re-encoded and stripped of metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    /// The topic it shows.
    pub topic: TopicId,
    /// Its place in the order the resident chose.
    pub position: i32,
    /// Photo store key of the full image.
    pub key: String,
    /// Photo store key of its thumbnail.
    pub thumb_key: String,
    /// Width in pixels of the full image.
    pub width: i32,
    /// Height in pixels of the full image.
    pub height: i32,
    /// Evidence of this task's completion.
    pub task: Option<domain::TaskId>,
    /// Taken at this follow-up check.
    pub follow_up: Option<i64>,
    /// Evidence of this research record.
    pub research_record: Option<i64>,
}

impl From<photo::Model> for Photo {
    fn from(row: photo::Model) -> Self {
        Photo {
            topic: TopicId(row.topic_id),
            position: row.position,
            key: row.key,
            thumb_key: row.thumb_key,
            width: row.width,
            height: row.height,
            task: row.task_id.map(domain::TaskId),
            follow_up: row.follow_up_id,
            research_record: row.research_record_id,
        }
    }
}

/// One line of someone's inbox (我的消息), and the text still to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Its id.
    pub id: NotificationId,
    /// The topic it is about; `None` for a line about a meeting.
    pub topic: Option<TopicId>,
    /// Where a line not about a topic leads (an invitation's answer page).
    pub link: Option<String>,
    /// What it says.
    pub text: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When its reader opened the inbox after it arrived.
    pub read_at: Option<DateTime<Utc>>,
    /// The number the line was also texted to.
    pub sms_to: Option<String>,
}

impl From<notification::Model> for Notification {
    fn from(row: notification::Model) -> Self {
        Notification {
            id: NotificationId(row.id),
            topic: (row.topic_id != 0).then_some(TopicId(row.topic_id)),
            link: row.link,
            text: row.text,
            created_at: row.created_at,
            read_at: row.read_at,
            sms_to: row.sms_to,
        }
    }
}

/// The latest opinion map of a deliberation, as computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliberationResult {
    /// The deliberation mapped.
    pub deliberation: DeliberationId,
    /// The opinion report, as JSON (read with `opinion::Report`).
    pub json: String,
    /// How many votes it counted.
    pub votes_counted: i64,
    /// When its votes were read.
    pub computed_at: DateTime<Utc>,
}

impl From<deliberation_result::Model> for DeliberationResult {
    fn from(row: deliberation_result::Model) -> Self {
        DeliberationResult {
            deliberation: DeliberationId(row.deliberation_id),
            json: row.json,
            votes_counted: row.votes_counted,
            computed_at: row.computed_at,
        }
    }
}
