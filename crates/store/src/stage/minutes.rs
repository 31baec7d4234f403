//! 会议纪要: what the convener writes (chair, recorder, each agenda item's
//! discussion, anything else), kept beside what the records already say —
//! attendance, opinions and votes are read from them, never retyped.
use chrono::{DateTime, Utc};
use domain::{MeetingId, TopicId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{agenda_item, meeting_minutes};
use crate::{Result, Store, Who};

/// The minutes as written so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Minutes {
    /// Who chaired the meeting (主持人).
    pub chair: String,
    /// Who took the minutes (记录人).
    pub recorder: String,
    /// Anything else the meeting settled (其他事项), free text.
    pub summary: String,
    /// Each agenda item's discussion, in agenda order.
    pub discussions: Vec<(TopicId, String)>,
    /// When they were made public; `None` while a draft.
    pub published_at: Option<DateTime<Utc>>,
}

/// What the convener writes into the minutes.
#[derive(Clone, Debug, Default)]
pub struct MinutesText {
    /// 主持人.
    pub chair: String,
    /// 记录人.
    pub recorder: String,
    /// 其他事项.
    pub summary: String,
    /// Discussion of agenda items (others are ignored).
    pub discussions: Vec<(TopicId, String)>,
}

impl Store {
    /// A meeting's minutes (empty before anything is written).
    pub async fn minutes(&self, id: MeetingId) -> Result<Minutes> {
        let row = meeting_minutes::Entity::find()
            .filter(meeting_minutes::Column::MeetingId.eq(id.0))
            .one(self.conn())
            .await?;
        let mut items = agenda_item::Entity::find()
            .filter(agenda_item::Column::MeetingId.eq(id.0))
            .all(self.conn())
            .await?;
        items.sort_by_key(|i| i.position);
        let discussions = items
            .into_iter()
            .map(|i| (TopicId(i.topic_id), i.discussion))
            .collect();
        Ok(match row {
            Some(r) => Minutes {
                chair: r.chair,
                recorder: r.recorder,
                summary: r.summary,
                discussions,
                published_at: r.published_at,
            },
            None => Minutes {
                discussions,
                ..Minutes::default()
            },
        })
    }

    /// The convener saves the minutes (a draft until published; editing
    /// published minutes keeps them public).
    pub async fn write_minutes(&self, id: MeetingId, who: &Who, text: &MinutesText) -> Result<()> {
        let w = self.write().await?;
        let ctx = super::live::ctx(&super::live::locked(&w, id).await?)?;
        domain::may_write_minutes(&ctx, &who.actor)?;
        let existing = meeting_minutes::Entity::find()
            .filter(meeting_minutes::Column::MeetingId.eq(id.0))
            .one(&w.tx)
            .await?;
        let mut am = match existing {
            Some(r) => r.into(),
            None => meeting_minutes::ActiveModel {
                meeting_id: Set(id.0),
                published_at: Set(None),
                ..Default::default()
            },
        };
        am.chair = Set(text.chair.clone());
        am.recorder = Set(text.recorder.clone());
        am.summary = Set(text.summary.clone());
        am.updated_at = Set(w.now);
        am.save(&w.tx).await?;
        for (topic, discussion) in &text.discussions {
            if let Some(item) = agenda_item::Entity::find()
                .filter(agenda_item::Column::MeetingId.eq(id.0))
                .filter(agenda_item::Column::TopicId.eq(topic.0))
                .one(&w.tx)
                .await?
            {
                let mut am: agenda_item::ActiveModel = item.into();
                am.discussion = Set(discussion.clone());
                am.update(&w.tx).await?;
            }
        }
        // Published minutes that are edited are found by their new words.
        crate::search::index_minutes(&w.tx, id.0).await?;
        w.commit().await
    }

    /// The convener makes the minutes public, once the meeting has closed.
    pub async fn publish_minutes(&self, id: MeetingId, who: &Who) -> Result<()> {
        let w = self.write().await?;
        let ctx = super::live::ctx(&super::live::locked(&w, id).await?)?;
        let row = meeting_minutes::Entity::find()
            .filter(meeting_minutes::Column::MeetingId.eq(id.0))
            .one(&w.tx)
            .await?;
        let chair = row.as_ref().map_or("", |r| r.chair.as_str());
        domain::may_publish_minutes(&ctx, &who.actor, chair)?;
        if let Some(r) = row
            && r.published_at.is_none()
        {
            let mut am: meeting_minutes::ActiveModel = r.into();
            am.published_at = Set(Some(w.now));
            am.update(&w.tx).await?;
        }
        crate::search::index_minutes(&w.tx, id.0).await?;
        w.commit().await
    }

    /// Meetings with published minutes whose agenda held this topic: id and
    /// name (two queries: the topic page reads it on every view).
    pub async fn published_minutes_of_topic(
        &self,
        topic: TopicId,
    ) -> Result<Vec<(MeetingId, String)>> {
        let meetings = self.meetings_of_topic(topic).await?;
        let published: Vec<i64> = meeting_minutes::Entity::find()
            .filter(meeting_minutes::Column::MeetingId.is_in(meetings.iter().map(|m| m.id.0)))
            .filter(meeting_minutes::Column::PublishedAt.is_not_null())
            .all(self.conn())
            .await?
            .into_iter()
            .map(|r| r.meeting_id)
            .collect();
        Ok(meetings
            .into_iter()
            .filter(|m| published.contains(&m.id.0))
            .map(|m| (m.id, m.title))
            .collect())
    }
}
