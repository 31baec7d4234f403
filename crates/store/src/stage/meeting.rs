//! Deliberation meetings: planning, agenda, notice, session, close.
use chrono::{DateTime, Utc};
use domain::{
    EventDetail, MeetingCommand, MeetingCtx, MeetingId, MeetingRef, MeetingState, Note, Role,
    RoomId, TopicId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entity::{agenda_item, meeting, opinion, topic};
use crate::model::{self, Meeting, Topic, parsed};
use crate::topics::add_event;
use crate::{Result, Store, StoreError, TopicRow, Who, WriteTx};

/// A meeting's row, as the store's own code reads it.
type MeetingRow = meeting::Model;

/// A meeting a convener plans.
pub struct NewMeeting<'a> {
    /// The room that holds it; the planner must be its convener.
    pub room: RoomId,
    /// Its name, checked as a [`MeetingTitle`](domain::MeetingTitle).
    pub title: &'a str,
    /// Where it is held.
    pub place: &'a str,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
}

impl Store {
    /// Plans a meeting in a room; only the room's convener may.
    pub async fn plan_meeting(&self, new: NewMeeting<'_>, who: &Who) -> Result<Meeting> {
        let state = domain::plan_meeting(&who.actor, new.room)?;
        let title = domain::MeetingTitle::parse(new.title)?;
        let w = self.write().await?;
        let row = meeting::ActiveModel {
            room_id: Set(new.room.0),
            title: Set(title.to_string()),
            place: Set(new.place.trim().to_owned()),
            starts_at: Set(new.starts_at),
            state: Set(state.code().to_owned()),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        w.commit().await?;
        row.try_into()
    }

    /// One meeting, or [`StoreError::NotFound`].
    pub async fn meeting(&self, id: MeetingId) -> Result<Meeting> {
        meeting::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("会议"))?
            .try_into()
    }

    /// Meetings of a room, newest first.
    pub async fn meetings_of_room(&self, room: RoomId) -> Result<Vec<Meeting>> {
        model::all(
            meeting::Entity::find()
                .filter(meeting::Column::RoomId.eq(room.0))
                .order_by_desc(meeting::Column::StartsAt)
                .limit(100)
                .all(self.conn())
                .await?,
        )
    }

    /// The topics on a meeting's agenda, in agenda order.
    pub async fn agenda(&self, id: MeetingId) -> Result<Vec<Topic>> {
        let ids: Vec<i64> = agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::TopicId)
            .filter(agenda_item::Column::MeetingId.eq(id.0))
            .order_by_asc(agenda_item::Column::Position)
            .into_tuple()
            .all(self.conn())
            .await?;
        let mut topics = topic::Entity::find()
            .filter(topic::Column::Id.is_in(ids.clone()))
            .all(self.conn())
            .await?;
        topics.sort_by_key(|t| ids.iter().position(|i| *i == t.id));
        model::all(topics)
    }

    /// Meetings whose agenda holds this topic.
    pub async fn meetings_of_topic(&self, topic: TopicId) -> Result<Vec<Meeting>> {
        let ids: Vec<i64> = agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::MeetingId)
            .filter(agenda_item::Column::TopicId.eq(topic.0))
            .into_tuple()
            .all(self.conn())
            .await?;
        model::all(
            meeting::Entity::find()
                .filter(meeting::Column::Id.is_in(ids))
                .all(self.conn())
                .await?,
        )
    }

    /// Notify, start or close a meeting; each agenda topic's timeline records it.
    pub async fn apply_meeting(
        &self,
        id: MeetingId,
        who: &Who,
        cmd: MeetingCommand,
    ) -> Result<Meeting> {
        let w = self.write().await?;
        let row = meeting::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("会议"))?;
        let ctx = MeetingCtx {
            state: parsed(&row.state, MeetingState::parse, "meetings.state")?,
            room: RoomId(row.room_id),
        };
        let t = domain::decide_meeting(&ctx, &who.actor, &cmd)?;
        let mut am: meeting::ActiveModel = row.clone().into();
        am.state = Set(t.to.code().to_owned());
        let updated = am.update(&w.tx).await?;
        if t.to == MeetingState::Closed {
            crate::figures::count_meeting_closed(&w, &row).await?;
        }
        if let Some(event) = t.event {
            let topic_ids: Vec<i64> = agenda_item::Entity::find()
                .select_only()
                .column(agenda_item::Column::TopicId)
                .filter(agenda_item::Column::MeetingId.eq(row.id))
                .into_tuple()
                .all(&w.tx)
                .await?;
            let detail = EventDetail::Meeting {
                meeting: row.title.clone(),
                starts_at: row.starts_at,
                place: row.place.clone(),
            };
            for tid in topic_ids {
                add_event(&w, tid, None, event, who, Role::Convener, detail.clone()).await?;
            }
        }
        w.commit().await?;
        updated.try_into()
    }
}

/// The meeting a topic is to be put on the agenda of, as the rules see it.
pub(crate) async fn agenda_target(w: &WriteTx, id: MeetingId) -> Result<(MeetingRef, MeetingRow)> {
    let m = meeting::Entity::find_by_id(id.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("会议"))?;
    let r = MeetingRef {
        id,
        room: RoomId(m.room_id),
        state: parsed(&m.state, MeetingState::parse, "meetings.state")?,
    };
    Ok((r, m))
}

/// Adds the topic at the end of the meeting's agenda.
pub(crate) async fn put_on_agenda(
    w: &WriteTx,
    row: &TopicRow,
    m: &MeetingRow,
) -> Result<EventDetail> {
    let position = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(m.id))
        .count(&w.tx)
        .await?;
    agenda_item::ActiveModel {
        meeting_id: Set(m.id),
        topic_id: Set(row.id),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX) + 1),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(EventDetail::Scheduled {
        meeting: m.title.clone(),
        starts_at: m.starts_at,
    })
}

/// The consultation opinion a meeting formed on the topic.
pub(crate) async fn record_opinion(
    w: &WriteTx,
    row: &TopicRow,
    text: &Note,
) -> Result<EventDetail> {
    let m = current_meeting(&w.tx, row.id)
        .await?
        .ok_or(StoreError::NotFound("会议"))?;
    let o = opinion::ActiveModel {
        topic_id: Set(row.id),
        meeting_id: Set(m.id),
        text: Set(text.to_string()),
        decision: Set(None),
        instructions: Set(String::new()),
        created_at: Set(w.now),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    crate::search::index_opinion(&w.tx, &o, row.room_id).await?;
    Ok(EventDetail::Opinion {
        text: text.to_string(),
    })
}

/// The meeting whose agenda most recently took this topic.
pub(crate) async fn current_meeting<C: ConnectionTrait>(
    conn: &C,
    topic_id: i64,
) -> Result<Option<MeetingRow>> {
    let item = agenda_item::Entity::find()
        .filter(agenda_item::Column::TopicId.eq(topic_id))
        .order_by_desc(agenda_item::Column::Id)
        .one(conn)
        .await?;
    match item {
        Some(i) => Ok(meeting::Entity::find_by_id(i.meeting_id).one(conn).await?),
        None => Ok(None),
    }
}
