//! 跟踪问效: completing a topic schedules a follow-up check some weeks
//! later; the worker reminds the room's conveners once when it falls due;
//! the convener or a committee member records what they found (with
//! photos), and 没有效果 reopens the topic (a topic move, see `topics`).
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{EventDetail, FollowUpOutcome, Note, TopicId};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::intake::{NewPhoto, PhotoOwner, attach_photos};
use super::notify;
use crate::entity::{follow_up, topic};
use crate::model::parsed;
use crate::{Result, Store, StoreError, TopicRow, Who, WriteTx};

/// A follow-up check, pending or recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    /// Its row id (photos taken at it name it).
    pub id: i64,
    /// The topic checked.
    pub topic: TopicId,
    /// The day it falls due.
    pub due_on: NaiveDate,
    /// When it was recorded, and what was found.
    pub recorded_at: Option<DateTime<Utc>>,
    /// Who went back.
    pub recorder_name: Option<String>,
    /// What they found.
    pub outcome: Option<FollowUpOutcome>,
    /// What they saw.
    pub note: Option<String>,
}

impl TryFrom<follow_up::Model> for FollowUp {
    type Error = StoreError;

    fn try_from(row: follow_up::Model) -> Result<Self> {
        let outcome = match row.outcome.as_deref() {
            Some(o) => Some(parsed(o, FollowUpOutcome::parse, "follow_ups.outcome")?),
            None => None,
        };
        Ok(FollowUp {
            id: row.id,
            topic: TopicId(row.topic_id),
            due_on: row.due_on,
            recorded_at: row.recorded_at,
            recorder_name: row.recorder_name,
            outcome,
            note: row.note,
        })
    }
}

/// Schedules the follow-up check of a topic completed now.
pub(crate) async fn schedule(w: &WriteTx, topic_id: i64, days: i64) -> Result<()> {
    follow_up::ActiveModel {
        topic_id: Set(topic_id),
        due_on: Set(domain::beijing_date(w.now) + Duration::days(days)),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(())
}

/// Records what a follow-up found on its pending check (or a new one when
/// someone went back early or again), with the photos taken.
pub(crate) async fn record(
    w: &WriteTx,
    row: &TopicRow,
    who: &Who,
    outcome: FollowUpOutcome,
    note: &Note,
    photos: &[NewPhoto],
) -> Result<EventDetail> {
    let pending = follow_up::Entity::find()
        .filter(follow_up::Column::TopicId.eq(row.id))
        .filter(follow_up::Column::RecordedAt.is_null())
        .order_by_asc(follow_up::Column::DueOn)
        .one(&w.tx)
        .await?;
    let fill = |mut am: follow_up::ActiveModel| {
        am.recorded_at = Set(Some(w.now));
        am.recorded_by = Set(who.actor.user.map(|u| u.0));
        am.recorder_name = Set(Some(who.name.clone()));
        am.outcome = Set(Some(outcome.code().to_owned()));
        am.note = Set(Some(note.to_string()));
        am
    };
    let id = match pending {
        Some(p) => fill(p.into()).update(&w.tx).await?.id,
        None => {
            let new = follow_up::ActiveModel {
                topic_id: Set(row.id),
                due_on: Set(domain::beijing_date(w.now)),
                ..Default::default()
            };
            fill(new).insert(&w.tx).await?.id
        }
    };
    attach_photos(w, row.id, photos, PhotoOwner::FollowUp(id)).await?;
    Ok(EventDetail::FollowUp {
        outcome,
        note: note.to_string(),
    })
}

impl Store {
    /// A topic's follow-up checks, the earliest due first.
    pub async fn follow_ups(&self, topic: TopicId) -> Result<Vec<FollowUp>> {
        follow_up::Entity::find()
            .filter(follow_up::Column::TopicId.eq(topic.0))
            .order_by_asc(follow_up::Column::DueOn)
            .order_by_asc(follow_up::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(FollowUp::try_from)
            .collect()
    }

    /// Tells the room's conveners of every follow-up check due today or
    /// before and not yet recorded, each once; returns how many went out.
    pub(crate) async fn remind_follow_ups(&self) -> Result<u64> {
        let today = self.clock().today();
        let due = follow_up::Entity::find()
            .filter(follow_up::Column::RecordedAt.is_null())
            .filter(follow_up::Column::NotifiedAt.is_null())
            .filter(follow_up::Column::DueOn.lte(today))
            .all(self.conn())
            .await?;
        let mut sent = 0;
        for f in due {
            let w = self.write().await?;
            // Whichever worker marks it first sends it.
            let claimed = follow_up::Entity::update_many()
                .col_expr(follow_up::Column::NotifiedAt, Expr::value(w.now))
                .filter(follow_up::Column::Id.eq(f.id))
                .filter(follow_up::Column::NotifiedAt.is_null())
                .exec(&w.tx)
                .await?;
            if claimed.rows_affected == 0 {
                continue;
            }
            let Some(t) = topic::Entity::find_by_id(f.topic_id).one(&w.tx).await? else {
                continue;
            };
            let people = notify::conveners_of(&w, t.room_id).await?;
            let line = format!(
                "跟踪问效：议题「{}」办结已满{}天，请到现场回访，记录整改效果（查询码 {}）",
                t.title, self.follow_up_days, t.tracking_no
            );
            notify::tell(&w, t.id, &people, &line).await?;
            w.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }
}
