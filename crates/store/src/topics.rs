//! Topics: reading them, their rules' context, the timeline, and every move
//! along the chain (each stage's own writes are in [`crate::stage`]).
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Actor, Channel, EventDetail, EventKind, MeetingState, RegionPath, ResearchProgress, Role,
    RoomId, TopicCommand, TopicCtx, TopicId, TopicMove, TopicState, TrackingNo, beijing_date,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::TopicAction;
use crate::entity::{opinion, rating, task, topic, topic_event};
use crate::intake;
use crate::model::{self, parsed};
use crate::stage;
use crate::{
    Opinion, Rating, Result, Store, StoreError, Task, Topic, TopicEvent, TopicRow, WriteTx,
};

/// Who is acting, as the domain sees them and as the timeline names them.
#[derive(Clone, Debug)]
pub struct Who {
    /// The actor the domain judges.
    pub actor: Actor,
    /// The name the timeline shows for them.
    pub name: String,
}

/// Which topics a list shows, and which page of them.
#[derive(Clone, Debug, Default)]
pub struct TopicFilter {
    /// Only this room's topics.
    pub room: Option<RoomId>,
    /// Only topics at or below this region path ("/1/5/").
    pub region: Option<RegionPath>,
    /// Only topics in these states; empty means any.
    pub states: Vec<TopicState>,
    /// Only topics that came in this way.
    pub channel: Option<Channel>,
    /// Only topics of this category.
    pub category: Option<String>,
    /// Only topics submitted at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only topics submitted before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only topics whose place was marked on a map.
    pub marked: bool,
    /// Page size for [`Store::topics`]: 0 means 50, and at most 500.
    pub limit: u64,
    /// How many topics to skip, for later pages.
    pub offset: u64,
}

impl Store {
    /// One topic, or [`StoreError::NotFound`].
    pub async fn topic(&self, id: TopicId) -> Result<Topic> {
        topic::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议题"))?
            .try_into()
    }

    /// A topic by its 查询码; anything that is not one is simply not found.
    pub async fn topic_by_tracking(&self, no: &str) -> Result<Topic> {
        let no = TrackingNo::parse(no).map_err(|_| StoreError::NotFound("议题"))?;
        topic::Entity::find()
            .filter(topic::Column::TrackingNo.eq(no.as_str()))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议题"))?
            .try_into()
    }

    /// Newest first. Without a room, several states are read one index
    /// range each and merged: one query over `state IN (…)` cannot use the
    /// (state, updated) index for its order and sorts every match (5 s at
    /// 100,000 topics). Within a room, the (room, updated) index serves.
    pub async fn topics(&self, f: &TopicFilter) -> Result<Vec<Topic>> {
        let limit = if f.limit == 0 { 50 } else { f.limit.min(500) };
        let newest = |f: &TopicFilter| {
            filtered(f)
                .order_by_desc(topic::Column::UpdatedAt)
                .order_by_desc(topic::Column::Id)
        };
        if f.states.len() <= 1 || f.room.is_some() {
            return model::all(
                newest(f)
                    .limit(limit)
                    .offset(f.offset)
                    .all(self.conn())
                    .await?,
            );
        }
        let mut all = Vec::new();
        for s in &f.states {
            let one = TopicFilter {
                states: vec![*s],
                ..f.clone()
            };
            all.extend(
                newest(&one)
                    .limit(limit + f.offset)
                    .all(self.conn())
                    .await?,
            );
        }
        all.sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.id)));
        model::all(
            all.into_iter()
                .skip(usize::try_from(f.offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .collect(),
        )
    }

    /// How many topics match the filter (its paging ignored).
    pub async fn count_topics(&self, f: &TopicFilter) -> Result<u64> {
        Ok(filtered(f).count(self.conn()).await?)
    }

    /// How many topics of the filter each channel holds (the filter's own channel ignored).
    pub async fn count_by_channel(&self, f: &TopicFilter) -> Result<Vec<(Channel, u64)>> {
        let f = TopicFilter {
            channel: None,
            ..f.clone()
        };
        // Counting the grouped column itself lets a room's count be read
        // from the (room, channel) index alone: counting ids made
        // PostgreSQL visit every row, 250 ms a room at a million topics.
        let rows: Vec<(String, i64)> = filtered(&f)
            .select_only()
            .column(topic::Column::Channel)
            .column_as(topic::Column::Channel.count(), "n")
            .group_by(topic::Column::Channel)
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok(Channel::ALL
            .iter()
            .map(|c| {
                let n = rows
                    .iter()
                    .find(|(code, _)| code == c.code())
                    .map_or(0, |r| r.1);
                (*c, u64::try_from(n).unwrap_or(0))
            })
            .collect())
    }

    /// A topic's timeline in the order things happened (entries of one
    /// write share its instant and keep the order they were written in).
    pub async fn timeline(&self, id: TopicId) -> Result<Vec<TopicEvent>> {
        topic_event::Entity::find()
            .filter(topic_event::Column::TopicId.eq(id.0))
            .order_by_asc(topic_event::Column::CreatedAt)
            .order_by_asc(topic_event::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(TopicEvent::try_from)
            .collect()
    }

    /// A topic's consultation opinions, oldest first.
    pub async fn opinions(&self, id: TopicId) -> Result<Vec<Opinion>> {
        model::all(
            opinion::Entity::find()
                .filter(opinion::Column::TopicId.eq(id.0))
                .order_by_asc(opinion::Column::Id)
                .all(self.conn())
                .await?,
        )
    }

    /// A topic's ratings, oldest first.
    pub async fn ratings(&self, id: TopicId) -> Result<Vec<Rating>> {
        model::all(
            rating::Entity::find()
                .filter(rating::Column::TopicId.eq(id.0))
                .order_by_asc(rating::Column::Id)
                .all(self.conn())
                .await?,
        )
    }

    /// A topic's tasks, in the order they were given.
    pub async fn tasks_of_topic(&self, id: TopicId) -> Result<Vec<Task>> {
        model::all(
            task::Entity::find()
                .filter(task::Column::TopicId.eq(id.0))
                .order_by_asc(task::Column::Id)
                .all(self.conn())
                .await?,
        )
    }

    /// What the domain needs to judge a move on this topic (for showing only allowed actions).
    pub async fn topic_context(&self, row: &Topic) -> Result<TopicCtx> {
        ctx_on(self.conn(), row, self.clock().today()).await
    }

    /// Takes one move on a topic: load it under lock, ask the domain, let
    /// the stage write its own records, then the new state and the timeline
    /// entry — all in one transaction.
    pub async fn apply_topic(&self, id: TopicId, who: &Who, action: TopicAction) -> Result<Topic> {
        let w = self.write().await?;
        let row = crate::topics::locked_topic(&w, id).await?;
        let ctx = topic_ctx(&w, &row).await?;
        domain::may(&ctx, &who.actor, action.kind())?;
        // What the rules need to see of the other records a move names.
        let merge_into = match &action {
            TopicAction::Merge { into } => Some(stage::triage::merge_target(&w, into).await?),
            _ => None,
        };
        let review = match &action {
            TopicAction::Review {
                session, opinion, ..
            } => Some(stage::review::review_target(&w, &row, *session, *opinion).await?),
            _ => None,
        };
        let for_opinion = match &action {
            TopicAction::DispatchTask {
                opinion: Some(o), ..
            } => Some(stage::review::opinion_ref(&w, TopicId(row.id), *o).await?),
            _ => None,
        };
        let meeting = match &action {
            TopicAction::Schedule { meeting } => {
                Some(stage::meeting::agenda_target(&w, *meeting).await?)
            }
            _ => None,
        };
        let cmd = match &action {
            TopicAction::Accept => TopicCommand::Accept,
            TopicAction::Reject { reason } => TopicCommand::Reject {
                reason: reason.clone(),
            },
            TopicAction::Merge { .. } => TopicCommand::Merge {
                into: merge_into.ok_or(StoreError::NotFound("目标议题"))?,
            },
            TopicAction::Refer { department, due } => TopicCommand::Refer {
                department: stage::task::department_ref(&w, *department).await?,
                due: *due,
            },
            TopicAction::PlanResearch { .. } => TopicCommand::PlanResearch,
            TopicAction::AddResearch { visit, .. } => TopicCommand::AddResearch { on: visit.on },
            TopicAction::WriteAnalysis { .. } => TopicCommand::WriteAnalysis,
            TopicAction::Schedule { .. } => TopicCommand::Schedule {
                meeting: meeting
                    .as_ref()
                    .map(|(m, _)| *m)
                    .ok_or(StoreError::NotFound("会议"))?,
            },
            TopicAction::RecordOpinion { .. } => TopicCommand::RecordOpinion,
            TopicAction::Review { ruling, .. } => {
                let (session, opinion, others) =
                    review.as_ref().ok_or(StoreError::NotFound("协商意见"))?;
                TopicCommand::Review {
                    session: session.as_ref(),
                    opinion: *opinion,
                    ruling: ruling.clone(),
                    others: others.clone(),
                }
            }
            TopicAction::DispatchTask {
                department,
                due,
                co_departments,
                ..
            } => {
                let mut co = Vec::with_capacity(co_departments.len());
                for d in co_departments {
                    co.push(stage::task::department_ref(&w, *d).await?);
                }
                TopicCommand::DispatchTask {
                    department: stage::task::department_ref(&w, *department).await?,
                    due: *due,
                    opinion: for_opinion,
                    co,
                }
            }
            TopicAction::Complete => TopicCommand::Complete,
            TopicAction::Rate { satisfaction, .. } => TopicCommand::Rate {
                satisfaction: *satisfaction,
            },
            TopicAction::Resume => TopicCommand::Resume,
            TopicAction::Uphold { reason } => TopicCommand::Uphold {
                reason: reason.clone(),
            },
            TopicAction::FollowUp { outcome, .. } => TopicCommand::FollowUp { outcome: *outcome },
        };
        let t = domain::decide(&ctx, &who.actor, &cmd)?;
        let role = match cmd.kind() {
            // A committee member may go back as well as the convener.
            TopicMove::FollowUp if !who.actor.is_convener_of(ctx.room) => Role::CommitteeMember,
            kind => kind.role(),
        };
        let mut am: topic::ActiveModel = row.clone().into();
        let mut task_id = None;
        let detail = match action {
            TopicAction::Accept => EventDetail::None,
            TopicAction::Complete => {
                stage::follow_up::schedule(&w, row.id, self.follow_up_days).await?;
                EventDetail::None
            }
            TopicAction::FollowUp {
                outcome,
                note,
                photos,
            } => stage::follow_up::record(&w, &row, who, outcome, &note, &photos).await?,
            TopicAction::Resume => EventDetail::Resumed,
            TopicAction::Reject { reason } | TopicAction::Uphold { reason } => {
                EventDetail::Reason {
                    reason: reason.to_string(),
                }
            }
            TopicAction::Merge { into } => {
                let target = merge_into.ok_or(StoreError::NotFound("目标议题"))?;
                am.merged_into = Set(Some(target.id.0));
                stage::triage::merge(&w, &row, target.id, who, role).await?;
                EventDetail::MergedInto {
                    tracking_no: into.to_string(),
                }
            }
            TopicAction::Refer { department, due } => {
                let (tid, department) =
                    stage::task::create_task(&w, row.id, department, &row.title, due, None).await?;
                task_id = Some(tid);
                EventDetail::Referred { department, due }
            }
            TopicAction::PlanResearch { plan } => stage::research::plan(&w, &row, &plan).await?,
            TopicAction::AddResearch {
                visit,
                people,
                photos,
            } => stage::research::add(&w, &row, who, &visit, &people, &photos).await?,
            TopicAction::WriteAnalysis { analysis } => {
                stage::research::analyse(&w, &row, &analysis).await?
            }
            TopicAction::Schedule { .. } => {
                let (_, m) = meeting.ok_or(StoreError::NotFound("会议"))?;
                stage::meeting::put_on_agenda(&w, &row, &m).await?
            }
            TopicAction::RecordOpinion { text } => {
                stage::meeting::record_opinion(&w, &row, &text).await?
            }
            TopicAction::Review {
                opinion, ruling, ..
            } => {
                let (session, _, others) = review.ok_or(StoreError::NotFound("协商意见"))?;
                stage::review::review(&w, &mut am, &session, opinion, &ruling, &others).await?
            }
            TopicAction::DispatchTask {
                department,
                title,
                due,
                opinion,
                co_departments,
            } => {
                let (tid, department) =
                    stage::task::create_task(&w, row.id, department, title.as_str(), due, opinion)
                        .await?;
                let co = stage::share::add_shares(&w, row.id, tid, title.as_str(), &co_departments)
                    .await?;
                let department = if co.is_empty() {
                    department
                } else {
                    format!("{department}（主办），{}（协办）", co.join("、"))
                };
                task_id = Some(tid);
                EventDetail::Dispatched {
                    department,
                    task: title.to_string(),
                    due,
                }
            }
            TopicAction::Rate {
                satisfaction,
                comment,
            } => stage::evaluation::rate(&w, &row, satisfaction, &comment).await?,
        };
        am.state = Set(t.to.code().to_owned());
        am.updated_at = Set(w.now);
        let updated = am.update(&w.tx).await?;
        // Whoever asked not to be named stays unnamed in every entry they make.
        let shown = if row.anonymous && ctx.submitter.is(&who.actor) {
            &Who {
                actor: who.actor.clone(),
                name: domain::ANONYMOUS.to_owned(),
            }
        } else {
            who
        };
        add_event(&w, row.id, task_id, t.event, shown, role, detail).await?;
        w.commit().await?;
        updated.try_into()
    }
}

fn filtered(f: &TopicFilter) -> sea_orm::Select<topic::Entity> {
    let mut q = topic::Entity::find();
    if let Some(room) = f.room {
        q = q.filter(topic::Column::RoomId.eq(room.0));
    }
    if let Some(region) = &f.region {
        q = q.filter(topic::Column::RegionPath.starts_with(region.encode()));
    }
    if !f.states.is_empty() {
        q = q.filter(topic::Column::State.is_in(f.states.iter().map(|s| s.code())));
    }
    if let Some(c) = f.channel {
        q = q.filter(topic::Column::Channel.eq(c.code()));
    }
    if let Some(c) = &f.category {
        q = q.filter(topic::Column::Category.eq(c.as_str()));
    }
    if let Some(t) = f.since {
        q = q.filter(topic::Column::CreatedAt.gte(t));
    }
    if let Some(t) = f.until {
        q = q.filter(topic::Column::CreatedAt.lt(t));
    }
    if f.marked {
        q = q.filter(topic::Column::LatE6.is_not_null());
    }
    q
}

pub(crate) async fn topic_ctx(w: &WriteTx, row: &TopicRow) -> Result<TopicCtx> {
    let t = Topic::try_from(row.clone())?;
    ctx_on(&w.tx, &t, beijing_date(w.now)).await
}

async fn ctx_on<C: ConnectionTrait>(conn: &C, t: &Topic, today: NaiveDate) -> Result<TopicCtx> {
    let open_tasks = task::Entity::find()
        .filter(task::Column::TopicId.eq(t.id.0))
        .filter(task::Column::State.ne(domain::TaskState::Verified.code()))
        .count(conn)
        .await?;
    let meeting = match stage::meeting::current_meeting(conn, t.id.0).await? {
        Some(m) => Some(parsed(&m.state, MeetingState::parse, "meetings.state")?),
        None => None,
    };
    // Only a topic being researched can be scheduled, so only then is it counted.
    let research = if t.state == TopicState::Researching {
        stage::research::progress(conn, t.id.0).await?
    } else {
        ResearchProgress::none()
    };
    Ok(TopicCtx {
        research,
        state: t.state,
        channel: t.channel,
        room: t.room,
        region: t.region.clone(),
        submitter: t.submitter.clone(),
        decision: t.decision,
        open_tasks: crate::count(open_tasks),
        meeting,
        today,
    })
}

pub(crate) async fn add_event(
    w: &WriteTx,
    topic_id: i64,
    task_id: Option<i64>,
    kind: EventKind,
    who: &Who,
    role: Role,
    detail: EventDetail,
) -> Result<()> {
    let facts = serde_json::to_value(&detail)
        .map_err(|e| StoreError::Corrupt(format!("event facts: {e}")))?;
    let data = facts.to_string();
    let row = topic::Entity::find_by_id(topic_id)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("议题"))?;
    crate::figures::count_event(
        w,
        &crate::figures::TopicFacts::of(&row)?,
        task_id,
        kind,
        &detail,
    )
    .await?;
    if kind == EventKind::Submitted {
        crate::search::index_topic(&w.tx, &row).await?;
    }
    let (tracking_no, region_path) = (row.tracking_no, row.region_path);
    w.push_audit(crate::audit::PendingEntry {
        what: domain::AuditWhat::Topic(kind),
        target: tracking_no,
        region: RegionPath::decode(&region_path),
        detail: serde_json::json!({ "task": task_id, "facts": facts }),
        actor: Some((who.actor.user, who.name.clone())),
    });
    let event = topic_event::ActiveModel {
        topic_id: Set(topic_id),
        task_id: Set(task_id),
        kind: Set(kind.code().to_owned()),
        actor_user_id: Set(who.actor.user.map(|u| u.0)),
        actor_name: Set(who.name.clone()),
        actor_role: Set(role.code().to_owned()),
        detail: Set(String::new()),
        data: Set(Some(data)),
        created_at: Set(w.now),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    crate::webhooks::queue_event(w, event.id, topic_id, task_id, kind, &detail).await?;
    let actor: Vec<String> = intake::person_key(&who.actor).into_iter().collect();
    intake::notify_followers(w, topic_id, kind, &actor, &detail).await
}

/// A topic's row, locked for the rest of the write (`FOR UPDATE` on PostgreSQL).
pub(crate) async fn locked_topic(w: &WriteTx, id: TopicId) -> Result<TopicRow> {
    topic::Entity::find_by_id(id.0)
        .lock_exclusive()
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("议题"))
}
