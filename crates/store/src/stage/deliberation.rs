//! 线上议事 (画出同心圆): a topic's online deliberation — statements,
//! moderation, votes, and the opinion map computed from them in the background.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::{
    Actor, DeliberationCtx, DeliberationId, DeliberationMove, DeliberationState, DomainError,
    EventDetail, EventKind, Moderation, Note, Role, RoomId, StatementId, StatementState, TopicId,
    TopicState,
};
use opinion::matrix::Vote;
use sea_orm::sea_query::{ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{deliberation, deliberation_result, opinion_vote, statement, topic};
use crate::model::{self, Deliberation, Statement, parsed};
use crate::topics::add_event;
use crate::{Result, Store, StoreError, Who, WriteTx};

/// Longest statement, in characters.
pub const STATEMENT_MAX: usize = 140;

/// How many distinct phones and accounts voted (in a grouped query).
pub(super) fn voters_counted() -> sea_orm::sea_query::Expr {
    sea_orm::sea_query::Expr::col(opinion_vote::Column::Voter).count_distinct()
}

/// An open deliberation as a room's page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenDeliberation {
    /// The deliberation's id, as its URL names it.
    pub id: i64,
    /// The title of its topic.
    pub topic_title: String,
    /// Phones and accounts that have answered at least one statement.
    pub voters: u64,
}

/// A statement's text: a note's rules (no hidden characters), at most 140 characters.
pub fn parse_statement(raw: &str) -> Result<String, DomainError> {
    let invalid = |message: String| DomainError::Invalid {
        field: "text",
        message,
    };
    let note = Note::parse(raw).map_err(|e| invalid(e.message_zh().replace("内容", "观点")))?;
    if note.as_str().chars().count() > STATEMENT_MAX {
        return Err(invalid(format!("观点不能超过{STATEMENT_MAX}字")));
    }
    Ok(note.as_str().to_owned())
}

/// A deliberation's row, locked for this write, and what its rules need to know.
pub(crate) async fn locked(
    w: &WriteTx,
    id: DeliberationId,
) -> Result<(deliberation::Model, DeliberationCtx)> {
    let d = deliberation::Entity::find_by_id(id.0)
        .lock_exclusive()
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("线上议事"))?;
    let t = topic::Entity::find_by_id(d.topic_id)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("议题"))?;
    let ctx = DeliberationCtx {
        state: parsed(&d.state, DeliberationState::parse, "deliberations.state")?,
        room: RoomId(t.room_id),
        verified_only: d.verified_only,
    };
    Ok((d, ctx))
}

/// The room's conveners hear when statements start waiting for them: on the
/// first one pending, not on every one after it.
async fn tell_conveners_of_waiting(
    w: &WriteTx,
    d: &deliberation::Model,
    room: RoomId,
) -> Result<()> {
    let pending = statement::Entity::find()
        .filter(statement::Column::DeliberationId.eq(d.id))
        .filter(statement::Column::State.eq(StatementState::Pending.code()))
        .count(&w.tx)
        .await?;
    if pending != 1 {
        return Ok(());
    }
    let title = topic::Entity::find_by_id(d.topic_id)
        .one(&w.tx)
        .await?
        .map(|t| t.title)
        .unwrap_or_default();
    let people = super::notify::conveners_of(w, room.0).await?;
    let text = format!("线上议事「{title}」有群众提出的新观点待审核，审核通过后才会展示给大家");
    super::notify::tell(w, d.topic_id, &people, &text).await
}

async fn next_tid(w: &WriteTx, id: i64) -> Result<i64> {
    let last = statement::Entity::find()
        .filter(statement::Column::DeliberationId.eq(id))
        .order_by_desc(statement::Column::Tid)
        .one(&w.tx)
        .await?;
    Ok(last.map_or(0, |s| s.tid + 1))
}

/// A new, open deliberation on a topic: only its room's convener may start
/// one, and a topic has at most one.
pub(crate) async fn start(
    w: &WriteTx,
    topic_id: TopicId,
    who: &Who,
) -> Result<deliberation::Model> {
    let t = topic::Entity::find_by_id(topic_id.0)
        .lock_exclusive()
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("议题"))?;
    let exists = deliberation::Entity::find()
        .filter(deliberation::Column::TopicId.eq(topic_id.0))
        .count(&w.tx)
        .await?;
    let state = domain::open_deliberation(
        &who.actor,
        RoomId(t.room_id),
        parsed(&t.state, TopicState::parse, "topics.state")?,
        exists > 0,
    )?;
    Ok(deliberation::ActiveModel {
        topic_id: Set(topic_id.0),
        state: Set(state.code().to_owned()),
        created_at: Set(w.now),
        verified_only: Set(false),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?)
}

fn author(actor: &Actor) -> (Option<i64>, Option<String>) {
    match actor.user {
        Some(u) => (Some(u.0), None),
        None => (None, actor.device.clone()),
    }
}

impl Store {
    /// The convener of the topic's room opens an online deliberation with seed statements.
    pub async fn open_deliberation(
        &self,
        topic_id: TopicId,
        who: &Who,
        seeds: &[String],
    ) -> Result<Deliberation> {
        let texts = seeds
            .iter()
            .map(|s| parse_statement(s))
            .collect::<Result<Vec<_>, _>>()?;
        let w = self.write().await?;
        let d = start(&w, topic_id, who).await?;
        let (user, device) = author(&who.actor);
        for (tid, text) in texts.iter().enumerate() {
            statement::ActiveModel {
                deliberation_id: Set(d.id),
                tid: Set(i64::try_from(tid).unwrap_or(i64::MAX)),
                text: Set(text.clone()),
                author_user_id: Set(user),
                author_device: Set(device.clone()),
                state: Set(StatementState::Approved.code().to_owned()),
                is_meta: Set(false),
                created_at: Set(w.now),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
        }
        let detail = EventDetail::DeliberationOpened {
            statements: crate::count(texts.len()),
        };
        add_event(
            &w,
            topic_id.0,
            None,
            EventKind::DeliberationOpened,
            who,
            Role::Convener,
            detail,
        )
        .await?;
        w.commit().await?;
        d.try_into()
    }

    /// One deliberation, or [`StoreError::NotFound`].
    pub async fn deliberation(&self, id: DeliberationId) -> Result<Deliberation> {
        deliberation::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("线上议事"))?
            .try_into()
    }

    /// The topic's deliberation, if one was opened.
    pub async fn deliberation_of_topic(&self, topic_id: TopicId) -> Result<Option<Deliberation>> {
        deliberation::Entity::find()
            .filter(deliberation::Column::TopicId.eq(topic_id.0))
            .one(self.conn())
            .await?
            .map(Deliberation::try_from)
            .transpose()
    }

    /// What the rules need to know about a deliberation (for showing only allowed moves).
    pub async fn deliberation_context(&self, d: &Deliberation) -> Result<DeliberationCtx> {
        let t = self.topic(d.topic).await?;
        Ok(DeliberationCtx {
            state: d.state,
            room: t.room,
            verified_only: d.verified_only,
        })
    }

    /// Anyone identified adds a statement; it waits for the convener unless the convener wrote it.
    pub async fn add_statement(
        &self,
        id: DeliberationId,
        who: &Who,
        raw: &str,
    ) -> Result<Statement> {
        let text = parse_statement(raw)?;
        let w = self.write().await?;
        let (d, ctx) = locked(&w, id).await?;
        domain::decide_deliberation(&ctx, &who.actor, DeliberationMove::Propose)?;
        let state = domain::new_statement_state(&ctx, &who.actor);
        let duplicate = statement::Entity::find()
            .filter(statement::Column::DeliberationId.eq(id.0))
            .filter(statement::Column::Text.eq(text.as_str()))
            .count(&w.tx)
            .await?;
        if duplicate > 0 {
            return Err(DomainError::Precondition("已经有人提出过相同的观点".into()).into());
        }
        let (user, device) = author(&who.actor);
        let s = statement::ActiveModel {
            deliberation_id: Set(id.0),
            tid: Set(next_tid(&w, id.0).await?),
            text: Set(text),
            author_user_id: Set(user),
            author_device: Set(device),
            state: Set(state.code().to_owned()),
            is_meta: Set(false),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        if state == StatementState::Pending {
            tell_conveners_of_waiting(&w, &d, ctx.room).await?;
        }
        w.commit().await?;
        s.try_into()
    }

    /// The convener lets only phone-verified residents take part
    /// ([`DeliberationMove::VerifiedOnly`]) or every vouched phone again.
    pub async fn restrict_deliberation(
        &self,
        id: DeliberationId,
        actor: &Actor,
        mv: DeliberationMove,
    ) -> Result<Deliberation> {
        if !matches!(
            mv,
            DeliberationMove::VerifiedOnly | DeliberationMove::AllPhones
        ) {
            return Err(DomainError::Precondition("不是参与范围的设置".into()).into());
        }
        let w = self.write().await?;
        let (d, ctx) = locked(&w, id).await?;
        domain::decide_deliberation(&ctx, actor, mv)?;
        let mut am: deliberation::ActiveModel = d.into();
        am.verified_only = Set(mv == DeliberationMove::VerifiedOnly);
        let d = am.update(&w.tx).await?;
        w.commit().await?;
        d.try_into()
    }

    /// The convener approves, rejects or marks a statement as meta.
    pub async fn moderate_statement(
        &self,
        id: DeliberationId,
        statement: StatementId,
        actor: &Actor,
        action: Moderation,
    ) -> Result<Statement> {
        let w = self.write().await?;
        let (d, ctx) = locked(&w, id).await?;
        domain::decide_deliberation(&ctx, actor, DeliberationMove::Moderate)?;
        let s = statement::Entity::find_by_id(statement.0)
            .one(&w.tx)
            .await?
            .filter(|s| s.deliberation_id == id.0)
            .ok_or(StoreError::NotFound("观点"))?;
        let (state, meta) = action.outcome();
        let mut am: statement::ActiveModel = s.into();
        am.state = Set(state.code().to_owned());
        if meta {
            am.is_meta = Set(true);
        }
        let s = am.update(&w.tx).await?;
        let mut moderated: deliberation::ActiveModel = d.into();
        moderated.moderated_at = Set(Some(w.now));
        moderated.update(&w.tx).await?;
        w.commit().await?;
        s.try_into()
    }

    /// Records a vote (agree, disagree, pass) on an approved statement of an open
    /// deliberation; a second vote on the same statement replaces the first.
    /// `origin` is the keyed hash of the phone's network address, noted
    /// with its first vote (see `stage::bursts`).
    pub async fn vote_statement(
        &self,
        id: DeliberationId,
        statement: StatementId,
        voter: &str,
        vote: Vote,
        origin: Option<&str>,
    ) -> Result<()> {
        if voter.len() < 3 {
            return Err(DomainError::Forbidden.into());
        }
        let w = self.write().await?;
        let d = deliberation::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("线上议事"))?;
        let state = parsed(&d.state, DeliberationState::parse, "deliberations.state")?;
        domain::may_take_part(state, d.verified_only, &crate::intake::actor_of_key(voter))?;
        let approved = StatementState::Approved.code();
        let s = statement::Entity::find_by_id(statement.0)
            .one(&w.tx)
            .await?
            .filter(|s| s.deliberation_id == id.0 && s.state == approved)
            .ok_or(StoreError::NotFound("观点"))?;
        opinion_vote::Entity::insert(opinion_vote::ActiveModel {
            deliberation_id: Set(id.0),
            statement_id: Set(s.id),
            voter: Set(voter.to_owned()),
            vote: Set(i16::from(vote.export_sign())),
            created_at: Set(w.now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                opinion_vote::Column::StatementId,
                opinion_vote::Column::Voter,
            ])
            .update_columns([opinion_vote::Column::Vote, opinion_vote::Column::CreatedAt])
            .to_owned(),
        )
        .exec_without_returning(&w.tx)
        .await?;
        super::bursts::note_arrival(&w, id, voter, origin).await?;
        w.commit().await?;
        Ok(())
    }

    /// Every statement of a deliberation, by tid.
    pub async fn statements(&self, id: DeliberationId) -> Result<Vec<Statement>> {
        model::all(
            statement::Entity::find()
                .filter(statement::Column::DeliberationId.eq(id.0))
                .order_by_asc(statement::Column::Tid)
                .all(self.conn())
                .await?,
        )
    }

    /// Statement ids this voter has voted on.
    pub async fn voted_by(&self, id: DeliberationId, voter: &str) -> Result<BTreeSet<StatementId>> {
        let query = opinion_vote::Entity::find()
            .select_only()
            .column(opinion_vote::Column::StatementId)
            .filter(opinion_vote::Column::DeliberationId.eq(id.0))
            .filter(opinion_vote::Column::Voter.eq(voter));
        let rows: Vec<i64> = match self.readers() {
            Some(readers) => readers.rows(&query, |r| r.get(0))?,
            None => query.into_tuple().all(self.conn()).await?,
        };
        Ok(rows.into_iter().map(StatementId).collect())
    }

    /// The next statement for this voter: see [`Ballot::next_for`].
    pub async fn next_statement(
        &self,
        id: DeliberationId,
        voter: &str,
    ) -> Result<Option<Statement>> {
        let voted = self.voted_by(id, voter).await?;
        Ok(self.ballot(id).await?.next_for(&voted))
    }

    /// What every voter's next statement is chosen from.
    pub async fn ballot(&self, id: DeliberationId) -> Result<Ballot> {
        Ok(Ballot {
            statements: self.statements(id).await?,
            priorities: self.priorities(id).await?,
        })
    }

    async fn priorities(&self, id: DeliberationId) -> Result<BTreeMap<u64, f64>> {
        let Some(r) = self.deliberation_result(id).await? else {
            return Ok(BTreeMap::new());
        };
        let v: serde_json::Value = serde_json::from_str(&r.json).unwrap_or_default();
        Ok(v["statements"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| Some((s["tid"].as_u64()?, s["priority"].as_f64()?)))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// How many votes are stored: one per statement and voter.
    pub async fn count_opinion_votes(&self, id: DeliberationId) -> Result<u64> {
        Ok(opinion_vote::Entity::find()
            .filter(opinion_vote::Column::DeliberationId.eq(id.0))
            .count(self.conn())
            .await?)
    }

    /// The open deliberations on a room's topics, newest first, with how
    /// many have taken part: what a resident who scanned the room's code can
    /// join.
    pub async fn open_deliberations_of_room(&self, room: RoomId) -> Result<Vec<OpenDeliberation>> {
        let of_room = sea_orm::sea_query::Query::select()
            .column(topic::Column::Id)
            .from(topic::Entity)
            .and_where(topic::Column::RoomId.eq(room.0))
            .to_owned();
        let open: Vec<(i64, i64)> = deliberation::Entity::find()
            .select_only()
            .columns([deliberation::Column::Id, deliberation::Column::TopicId])
            .filter(deliberation::Column::State.eq(DeliberationState::Open.code()))
            .filter(deliberation::Column::TopicId.in_subquery(of_room))
            .order_by_desc(deliberation::Column::Id)
            .into_tuple()
            .all(self.conn())
            .await?;
        if open.is_empty() {
            return Ok(Vec::new());
        }
        let titles: HashMap<i64, String> = topic::Entity::find()
            .select_only()
            .columns([topic::Column::Id, topic::Column::Title])
            .filter(topic::Column::Id.is_in(open.iter().map(|o| o.1)))
            .into_tuple()
            .all(self.conn())
            .await?
            .into_iter()
            .collect();
        let voters: HashMap<i64, i64> = opinion_vote::Entity::find()
            .select_only()
            .column(opinion_vote::Column::DeliberationId)
            .column_as(voters_counted(), "voters")
            .filter(opinion_vote::Column::DeliberationId.is_in(open.iter().map(|o| o.0)))
            .group_by(opinion_vote::Column::DeliberationId)
            .into_tuple()
            .all(self.conn())
            .await?
            .into_iter()
            .collect();
        Ok(open
            .into_iter()
            .map(|(id, topic_id)| OpenDeliberation {
                id,
                topic_title: titles.get(&topic_id).cloned().unwrap_or_default(),
                voters: voters
                    .get(&id)
                    .and_then(|&n| u64::try_from(n).ok())
                    .unwrap_or(0),
            })
            .collect())
    }

    /// The convener attaches the current result to the meeting materials: a timeline entry.
    pub async fn attach_deliberation(&self, id: DeliberationId, who: &Who) -> Result<Deliberation> {
        let w = self.write().await?;
        let (d, ctx) = locked(&w, id).await?;
        domain::decide_deliberation(&ctx, &who.actor, DeliberationMove::Attach)?;
        let r = deliberation_result::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or_else(|| DomainError::Precondition("还没有线上议事结果".into()))?;
        let report: opinion::Report = serde_json::from_str(&r.json)
            .map_err(|e| StoreError::Corrupt(format!("deliberation_results.json: {e}")))?;
        let detail = EventDetail::DeliberationAttached {
            participants: crate::count(report.n_participants),
            votes: crate::count(r.votes_counted),
        };
        add_event(
            &w,
            d.topic_id,
            None,
            EventKind::DeliberationAttached,
            who,
            Role::Convener,
            detail,
        )
        .await?;
        w.commit().await?;
        d.try_into()
    }
}

/// A deliberation's statements and the latest opinion map's priorities:
/// the same for every voter, so a page may keep it and pick each voter's
/// next statement from it with only that voter's votes read.
#[derive(Debug, Clone)]
pub struct Ballot {
    /// Every statement, by tid.
    pub statements: Vec<Statement>,
    priorities: BTreeMap<u64, f64>,
}

impl Ballot {
    /// The next statement for a voter who has voted on `voted`: approved,
    /// not yet voted on, the highest priority of the latest result (ties
    /// and statements without one by tid).
    pub fn next_for(&self, voted: &BTreeSet<StatementId>) -> Option<Statement> {
        let mut open = self
            .statements
            .iter()
            .filter(|s| s.state == StatementState::Approved && !voted.contains(&s.id));
        let prio = |s: &Statement| {
            u64::try_from(s.tid)
                .ok()
                .and_then(|t| self.priorities.get(&t).copied())
                // New statements have no priority yet: show them early, as Pol.is does.
                .unwrap_or(f64::INFINITY)
        };
        if self.priorities.is_empty() {
            return open.next().cloned();
        }
        open.min_by(|a, b| prio(b).total_cmp(&prio(a)).then(a.tid.cmp(&b.tid)))
            .cloned()
    }
}
