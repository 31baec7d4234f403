//! The meeting in session: the item under discussion, the speakers' queue
//! and votes (by hands, or one phone ballot per attendee). The rules are
//! the domain's (`live`, `meeting_day::may_vote`).
use chrono::{DateTime, Utc};
use domain::{MeetingCtx, MeetingId, MeetingState, SpeakerState, TopicId, VoteChoice, VoteMode};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{
    agenda_item, meeting, meeting_ballot, meeting_invitation, meeting_speaker, meeting_vote,
};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who, WriteTx};

/// One turn in the speakers' queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speaker {
    /// Its id.
    pub id: i64,
    /// Who speaks.
    pub name: String,
    /// The attendee, when someone on the list asked.
    pub invitation: Option<i64>,
    /// The item under discussion when they asked.
    pub topic: Option<TopicId>,
    /// Waiting, speaking or done.
    pub state: SpeakerState,
}

/// A vote taken in the meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    /// Its id.
    pub id: i64,
    /// The item it was on, if any.
    pub topic: Option<TopicId>,
    /// What is voted on.
    pub question: String,
    /// By hands or by phone.
    pub mode: VoteMode,
    /// 赞成, 反对, 弃权 so far (final once closed).
    pub counts: [u32; 3],
    /// Still taking votes.
    pub open: bool,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Vote {
    /// Whether more than half of the votes cast are in favour.
    pub fn passed(&self) -> bool {
        domain::passed(self.counts[0], self.counts[1], self.counts[2])
    }
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

impl TryFrom<meeting_vote::Model> for Vote {
    type Error = StoreError;

    fn try_from(r: meeting_vote::Model) -> Result<Self> {
        Ok(Vote {
            id: r.id,
            topic: r.topic_id.map(TopicId),
            question: r.question,
            mode: parsed(&r.mode, VoteMode::parse, "meeting_votes.mode")?,
            counts: [count(r.yes), count(r.no), count(r.abstain)],
            open: r.open,
            closed_at: r.closed_at,
        })
    }
}

/// The meeting as the live page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Live {
    /// The item under discussion.
    pub current: Option<TopicId>,
    /// The queue: speaking first, then waiting, then done (latest first).
    pub speakers: Vec<Speaker>,
    /// Votes, newest first.
    pub votes: Vec<Vote>,
}

async fn running(w: &WriteTx, id: MeetingId, who: &Who) -> Result<meeting::Model> {
    let m = locked(w, id).await?;
    domain::may_run(&ctx(&m)?, &who.actor)?;
    Ok(m)
}

/// A meeting's row, locked for the rest of the write.
pub(crate) async fn locked(w: &WriteTx, id: MeetingId) -> Result<meeting::Model> {
    meeting::Entity::find_by_id(id.0)
        .lock_exclusive()
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("会议"))
}

/// What the rules need to know of a meeting's row.
pub(crate) fn ctx(m: &meeting::Model) -> Result<MeetingCtx> {
    Ok(MeetingCtx {
        state: parsed(&m.state, MeetingState::parse, "meetings.state")?,
        room: domain::RoomId(m.room_id),
    })
}

async fn present(w: &WriteTx, id: MeetingId) -> Result<u32> {
    let n = meeting_invitation::Entity::find()
        .filter(meeting_invitation::Column::MeetingId.eq(id.0))
        .filter(meeting_invitation::Column::PresentAt.is_not_null())
        .count(&w.tx)
        .await?;
    Ok(crate::count(n))
}

impl Store {
    /// The item under discussion, the queue and the votes.
    pub async fn live(&self, id: MeetingId) -> Result<Live> {
        let m = meeting::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("会议"))?;
        let mut speakers = Vec::new();
        for s in meeting_speaker::Entity::find()
            .filter(meeting_speaker::Column::MeetingId.eq(id.0))
            .order_by_asc(meeting_speaker::Column::Id)
            .all(self.conn())
            .await?
        {
            speakers.push(Speaker {
                id: s.id,
                name: s.name,
                invitation: s.invitation_id,
                topic: s.topic_id.map(TopicId),
                state: parsed(&s.state, SpeakerState::parse, "meeting_speakers.state")?,
            });
        }
        speakers.sort_by_key(|s| match s.state {
            SpeakerState::Speaking => (0, 0),
            SpeakerState::Waiting => (1, s.id),
            SpeakerState::Done => (2, -s.id),
        });
        let votes = meeting_vote::Entity::find()
            .filter(meeting_vote::Column::MeetingId.eq(id.0))
            .order_by_desc(meeting_vote::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Vote::try_from)
            .collect::<Result<_>>()?;
        Ok(Live {
            current: m.current_topic_id.map(TopicId),
            speakers,
            votes,
        })
    }

    /// The convener moves the meeting to an agenda item.
    pub async fn set_current_item(&self, id: MeetingId, who: &Who, topic: TopicId) -> Result<()> {
        let w = self.write().await?;
        let m = running(&w, id, who).await?;
        let on_agenda = agenda_item::Entity::find()
            .filter(agenda_item::Column::MeetingId.eq(id.0))
            .filter(agenda_item::Column::TopicId.eq(topic.0))
            .one(&w.tx)
            .await?
            .is_some();
        if !on_agenda {
            return Err(StoreError::NotFound("议程"));
        }
        let mut am: meeting::ActiveModel = m.into();
        am.current_topic_id = Set(Some(topic.0));
        am.update(&w.tx).await?;
        w.commit().await
    }

    /// Someone joins the queue: an attendee asking from their phone
    /// (`attendee`), or the convener adding a name.
    pub async fn add_speaker(
        &self,
        id: MeetingId,
        who: &Who,
        attendee: Option<i64>,
        name: &domain::PersonName,
    ) -> Result<()> {
        let w = self.write().await?;
        let m = locked(&w, id).await?;
        let c = ctx(&m)?;
        let (invitation, name) = match attendee {
            Some(inv) => {
                let row = meeting_invitation::Entity::find_by_id(inv)
                    .filter(meeting_invitation::Column::MeetingId.eq(id.0))
                    .one(&w.tx)
                    .await?
                    .ok_or(StoreError::NotFound("签到"))?;
                let waiting = meeting_speaker::Entity::find()
                    .filter(meeting_speaker::Column::MeetingId.eq(id.0))
                    .filter(meeting_speaker::Column::InvitationId.eq(inv))
                    .filter(meeting_speaker::Column::State.ne(SpeakerState::Done.code()))
                    .count(&w.tx)
                    .await?
                    > 0;
                domain::may_ask_to_speak(c.state, row.present_at.is_some(), waiting)?;
                (Some(inv), row.name)
            }
            None => {
                domain::may_run(&c, &who.actor)?;
                (None, name.to_string())
            }
        };
        meeting_speaker::ActiveModel {
            meeting_id: Set(id.0),
            invitation_id: Set(invitation),
            name: Set(name),
            topic_id: Set(m.current_topic_id),
            state: Set(SpeakerState::Waiting.code().to_owned()),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        w.commit().await
    }

    /// The convener gives the floor to the next in the queue (the one
    /// speaking is done).
    pub async fn next_speaker(&self, id: MeetingId, who: &Who) -> Result<()> {
        let w = self.write().await?;
        running(&w, id, who).await?;
        meeting_speaker::Entity::update_many()
            .col_expr(
                meeting_speaker::Column::State,
                Expr::value(SpeakerState::Done.code()),
            )
            .filter(meeting_speaker::Column::MeetingId.eq(id.0))
            .filter(meeting_speaker::Column::State.eq(SpeakerState::Speaking.code()))
            .exec(&w.tx)
            .await?;
        let next = meeting_speaker::Entity::find()
            .filter(meeting_speaker::Column::MeetingId.eq(id.0))
            .filter(meeting_speaker::Column::State.eq(SpeakerState::Waiting.code()))
            .order_by_asc(meeting_speaker::Column::Id)
            .one(&w.tx)
            .await?;
        if let Some(n) = next {
            let mut am: meeting_speaker::ActiveModel = n.into();
            am.state = Set(SpeakerState::Speaking.code().to_owned());
            am.update(&w.tx).await?;
        }
        w.commit().await
    }

    /// The convener puts a question to the vote, on the current item.
    pub async fn open_vote(
        &self,
        id: MeetingId,
        who: &Who,
        question: &str,
        mode: VoteMode,
    ) -> Result<i64> {
        let w = self.write().await?;
        let m = running(&w, id, who).await?;
        let question = domain::Note::parse(question)?;
        let row = meeting_vote::ActiveModel {
            meeting_id: Set(id.0),
            topic_id: Set(m.current_topic_id),
            question: Set(question.to_string()),
            mode: Set(mode.code().to_owned()),
            yes: Set(0),
            no: Set(0),
            abstain: Set(0),
            open: Set(true),
            created_at: Set(w.now),
            closed_at: Set(None),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        w.commit().await?;
        Ok(row.id)
    }

    /// The convener enters the hands counted (closing a hands vote) or
    /// closes a phone vote as it stands.
    pub async fn close_vote(
        &self,
        id: MeetingId,
        who: &Who,
        vote: i64,
        hands: Option<[u32; 3]>,
    ) -> Result<Vote> {
        let w = self.write().await?;
        running(&w, id, who).await?;
        let v = meeting_vote::Entity::find_by_id(vote)
            .filter(meeting_vote::Column::MeetingId.eq(id.0))
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("表决"))?;
        if !v.open {
            return Err(StoreError::Domain(domain::DomainError::Precondition(
                "表决已经结束".into(),
            )));
        }
        let mode = parsed(&v.mode, VoteMode::parse, "meeting_votes.mode")?;
        let mut am: meeting_vote::ActiveModel = v.into();
        if mode == VoteMode::Hands {
            let [yes, no, abstain] = hands.ok_or_else(|| {
                StoreError::Domain(domain::DomainError::Invalid {
                    field: "yes",
                    message: "请填写举手表决的人数".into(),
                })
            })?;
            domain::check_hands(yes, no, abstain, present(&w, id).await?)?;
            let n = |x: u32| i32::try_from(x).unwrap_or(i32::MAX);
            am.yes = Set(n(yes));
            am.no = Set(n(no));
            am.abstain = Set(n(abstain));
        }
        am.open = Set(false);
        am.closed_at = Set(Some(w.now));
        let row = am.update(&w.tx).await?;
        w.commit().await?;
        row.try_into()
    }

    /// An attendee votes from their phone: once, while the vote is open.
    pub async fn cast(
        &self,
        id: MeetingId,
        vote: i64,
        attendee: i64,
        choice: VoteChoice,
    ) -> Result<()> {
        let w = self.write().await?;
        let v = meeting_vote::Entity::find_by_id(vote)
            .filter(meeting_vote::Column::MeetingId.eq(id.0))
            .lock_exclusive()
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("表决"))?;
        let inv = meeting_invitation::Entity::find_by_id(attendee)
            .filter(meeting_invitation::Column::MeetingId.eq(id.0))
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("签到"))?;
        let already = meeting_ballot::Entity::find()
            .filter(meeting_ballot::Column::VoteId.eq(vote))
            .filter(meeting_ballot::Column::InvitationId.eq(attendee))
            .count(&w.tx)
            .await?
            > 0;
        let by_phone = parsed(&v.mode, VoteMode::parse, "meeting_votes.mode")? == VoteMode::Phones;
        domain::may_vote(inv.present_at.is_some(), already, v.open && by_phone)?;
        meeting_ballot::ActiveModel {
            vote_id: Set(vote),
            invitation_id: Set(attendee),
            choice: Set(choice.code().to_owned()),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let column = match choice {
            VoteChoice::Yes => meeting_vote::Column::Yes,
            VoteChoice::No => meeting_vote::Column::No,
            VoteChoice::Abstain => meeting_vote::Column::Abstain,
        };
        meeting_vote::Entity::update_many()
            .col_expr(column, Expr::col(column).add(1))
            .filter(meeting_vote::Column::Id.eq(vote))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// The votes this attendee has cast (so their phone shows what they chose).
    pub async fn ballots_of(&self, attendee: i64) -> Result<Vec<(i64, VoteChoice)>> {
        meeting_ballot::Entity::find()
            .filter(meeting_ballot::Column::InvitationId.eq(attendee))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|b| {
                Ok((
                    b.vote_id,
                    parsed(&b.choice, VoteChoice::parse, "meeting_ballots.choice")?,
                ))
            })
            .collect()
    }
}
