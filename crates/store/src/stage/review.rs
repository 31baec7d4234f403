//! 上会研究 (leadership review) as a record: a leadership meeting of a region
//! (date, who attended) rules on each consultation opinion by itself, and
//! the topic is reviewed once the last is ruled on.
use chrono::NaiveDate;
use domain::{
    Decision, EventDetail, MeetingTitle, OpinionId, OpinionRef, Participants, RegionId, RegionPath,
    ReviewSessionId, Ruling, TopicId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::{opinion, region, review_session, topic};
use crate::model::{self, Opinion, ReviewSession, parsed};
use crate::{Result, Store, StoreError, TopicRow, Who, WriteTx};

/// A leadership meeting a leader records.
pub struct NewReviewSession {
    /// The region whose leadership met; the recorder must lead it.
    pub region: RegionId,
    /// Its name, e.g. 街道党工委会议（2026年第12次）.
    pub title: MeetingTitle,
    /// The day it is (or was) held; rulings wait until that day.
    pub held_on: NaiveDate,
    /// Who attended.
    pub attendees: Participants,
}

impl Store {
    /// Records a leadership meeting of a region the recorder leads.
    pub async fn create_review_session(
        &self,
        new: NewReviewSession,
        who: &Who,
    ) -> Result<ReviewSession> {
        let w = self.write().await?;
        let r = region::Entity::find_by_id(new.region.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("地区"))?;
        let path = parsed(&r.path, RegionPath::decode, "regions.path")?;
        domain::plan_review_session(&who.actor, &path)?;
        let by = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
        let row = review_session::ActiveModel {
            region_id: Set(r.id),
            region_path: Set(r.path),
            title: Set(new.title.to_string()),
            held_on: Set(new.held_on),
            attendees: Set(new.attendees.to_string()),
            created_by: Set(by.0),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        w.commit().await?;
        row.try_into()
    }

    /// One leadership meeting, or [`StoreError::NotFound`].
    pub async fn review_session(&self, id: ReviewSessionId) -> Result<ReviewSession> {
        review_session::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("上会研究会议"))?
            .try_into()
    }

    /// The leadership meetings that may rule on a topic of this region: those
    /// of the region and every region above it, latest first.
    pub async fn review_sessions_over(&self, region: &RegionPath) -> Result<Vec<ReviewSession>> {
        let over: Vec<String> = (1..=region.0.len())
            .map(|n| RegionPath(region.0[..n].to_vec()).encode())
            .collect();
        model::all(
            review_session::Entity::find()
                .filter(review_session::Column::RegionPath.is_in(over))
                .order_by_desc(review_session::Column::HeldOn)
                .order_by_desc(review_session::Column::Id)
                .limit(50)
                .all(self.conn())
                .await?,
        )
    }

    /// The opinions a leadership meeting ruled on, with their topics, in the
    /// order they were ruled on.
    pub async fn rulings_of_session(&self, id: ReviewSessionId) -> Result<Vec<Opinion>> {
        model::all(
            opinion::Entity::find()
                .filter(opinion::Column::ReviewSessionId.eq(id.0))
                .order_by_asc(opinion::Column::ReviewedAt)
                .order_by_asc(opinion::Column::Id)
                .all(self.conn())
                .await?,
        )
    }
}

/// What the rules need to judge a ruling: the session, the opinion ruled on
/// (it must be the topic's) and the decisions on the topic's other opinions.
pub(crate) async fn review_target(
    w: &WriteTx,
    row: &TopicRow,
    session: ReviewSessionId,
    opinion: OpinionId,
) -> Result<(ReviewSession, OpinionRef, Vec<Option<Decision>>)> {
    let session: ReviewSession = review_session::Entity::find_by_id(session.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("上会研究会议"))?
        .try_into()?;
    let opinions: Vec<Opinion> = model::all(
        opinion::Entity::find()
            .filter(opinion::Column::TopicId.eq(row.id))
            .all(&w.tx)
            .await?,
    )?;
    let this = opinions
        .iter()
        .find(|o| o.id == opinion)
        .ok_or(StoreError::NotFound("协商意见"))?;
    let others = opinions
        .iter()
        .filter(|o| o.id != opinion)
        .map(|o| o.decision)
        .collect();
    Ok((
        session,
        OpinionRef {
            decision: this.decision,
        },
        others,
    ))
}

/// An opinion a task names, as the rules see it; it must be the topic's.
pub(crate) async fn opinion_ref(w: &WriteTx, topic: TopicId, id: OpinionId) -> Result<OpinionRef> {
    let o: Opinion = opinion::Entity::find_by_id(id.0)
        .filter(opinion::Column::TopicId.eq(topic.0))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("协商意见"))?
        .try_into()?;
    Ok(OpinionRef {
        decision: o.decision,
    })
}

/// Writes the ruling onto its opinion; when it was the last, the topic
/// takes the decision its opinions sum up to.
pub(crate) async fn review(
    w: &WriteTx,
    am: &mut topic::ActiveModel,
    session: &ReviewSession,
    opinion: OpinionId,
    ruling: &Ruling,
    others: &[Option<Decision>],
) -> Result<EventDetail> {
    let row = opinion::Entity::find_by_id(opinion.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("协商意见"))?;
    let text = row.text.clone();
    let mut o: opinion::ActiveModel = row.into();
    o.decision = Set(Some(ruling.decision.code().to_owned()));
    o.part = Set(ruling.part.as_ref().map(|p| p.to_string()));
    o.reason = Set(ruling.reason.as_ref().map(|r| r.to_string()));
    o.instructions = Set(ruling.instructions.to_string());
    o.review_session_id = Set(Some(session.id.0));
    o.reviewed_at = Set(Some(w.now));
    o.update(&w.tx).await?;
    let mut all = others.to_vec();
    all.push(Some(ruling.decision));
    if let Some(decision) = domain::overall_decision(&all) {
        am.decision = Set(Some(decision.code().to_owned()));
    }
    Ok(EventDetail::Reviewed {
        decision: ruling.decision,
        instructions: ruling.instructions.to_string(),
        opinion: Some(text),
        part: ruling.part.as_ref().map(|p| p.to_string()),
        reason: ruling.reason.as_ref().map(|r| r.to_string()),
        session: Some(format!("{}（{}）", session.title, session.held_on)),
    })
}
