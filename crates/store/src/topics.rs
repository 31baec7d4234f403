//! Topics: submission, every move along the chain, and the timeline.
use chrono::NaiveDate;
use domain::{
    Actor, Channel, Decision, DepartmentId, DomainError, EventKind, MeetingId, MeetingState, Note,
    PhoneNumber, Reason, RegionPath, Role, RoomId, Satisfaction, Submitter, TopicBody,
    TopicCommand, TopicCtx, TopicId, TopicState, TopicTitle, TrackingNo,
};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entity::{
    agenda_item, department, meeting, opinion, rating, research_record, submission_key, task,
    topic, topic_event,
};
use crate::intake;
use crate::{
    Opinion, Rating, ResearchRecord, Result, Store, StoreError, Task, Topic, TopicEvent, WriteTx,
    now,
};

/// Who is acting, as the domain sees them and as the timeline names them.
#[derive(Clone, Debug)]
pub struct Who {
    pub actor: Actor,
    pub name: String,
}

pub struct NewTopic<'a> {
    pub room: RoomId,
    pub channel: Channel,
    pub title: &'a TopicTitle,
    pub body: &'a TopicBody,
    pub category: &'a str,
    pub place: &'a str,
    pub phone: Option<&'a PhoneNumber>,
    /// Hide the submitter's name in public (the room must allow anonymity for residents).
    pub anonymous: bool,
    /// Optional map point, millionths of a degree (latitude, longitude).
    pub point: Option<(i64, i64)>,
    /// Sent by the phone with a draft: the same key never makes a second topic.
    pub client_key: Option<&'a str>,
    pub photos: &'a [crate::NewPhoto],
    /// 委员荐题: why the member recommends it, kept on the public timeline.
    pub reason: Option<&'a domain::Reason>,
}

/// A move on a topic with the data it carries; the domain decides whether it may happen.
#[derive(Clone, Debug)]
pub enum TopicAction {
    Accept,
    Reject {
        reason: Reason,
    },
    Merge {
        into: TrackingNo,
    },
    Refer {
        department: DepartmentId,
        due: NaiveDate,
    },
    AddResearch {
        note: Note,
        participants: String,
    },
    Schedule {
        meeting: MeetingId,
    },
    RecordOpinion {
        text: Note,
    },
    Review {
        decision: Decision,
        instructions: String,
    },
    DispatchTask {
        department: DepartmentId,
        title: String,
        due: NaiveDate,
    },
    Complete,
    Rate {
        satisfaction: Satisfaction,
        comment: String,
    },
    Resume,
}

#[derive(Clone, Debug, Default)]
pub struct TopicFilter {
    pub room: Option<RoomId>,
    /// Only topics at or below this region path ("/1/5/").
    pub region: Option<RegionPath>,
    pub states: Vec<TopicState>,
    pub channel: Option<Channel>,
    pub category: Option<String>,
    pub limit: u64,
    pub offset: u64,
}

/// The label of the role a command is taken in, for the timeline.
fn acting_role(cmd: &TopicCommand) -> Role {
    match cmd {
        TopicCommand::Review { .. } | TopicCommand::DispatchTask { .. } => Role::Leader,
        TopicCommand::Rate { .. } => Role::Resident,
        _ => Role::Convener,
    }
}

impl Store {
    /// Stores a new topic and its first timeline entry, returning it with its tracking number.
    pub async fn submit_topic(&self, new: NewTopic<'_>, who: &Who) -> Result<Topic> {
        let room = self.room(new.room).await?;
        let region = self.region_path(domain::RegionId(room.region_id)).await?;
        if new.channel == Channel::Resident && who.actor.user.is_none() && !room.allow_anonymous {
            return Err(DomainError::Precondition(
                "本议事室不接受匿名提交，请先用手机号登录".into(),
            )
            .into());
        }
        let t = domain::submit(new.channel, &who.actor, new.room, &region)?;
        let submitter_role = match new.channel {
            Channel::Resident => Role::Resident,
            Channel::Committee => Role::CommitteeMember,
            Channel::Leadership => Role::Leader,
        };
        let w = self.write().await?;
        if let Some(key) = new.client_key
            && let Some(k) = submission_key::Entity::find()
                .filter(submission_key::Column::ClientKey.eq(key))
                .one(&w.tx)
                .await?
        {
            return self.topic(TopicId(k.topic_id)).await;
        }
        let tracking_no = fresh_tracking_no(&w).await?;
        let at = now();
        let row = topic::ActiveModel {
            tracking_no: Set(tracking_no.as_str().to_owned()),
            room_id: Set(room.id),
            region_path: Set(region.encode()),
            channel: Set(new.channel.code().to_owned()),
            state: Set(t.to.code().to_owned()),
            title: Set(new.title.as_str().to_owned()),
            body: Set(new.body.as_str().to_owned()),
            category: Set(new.category.to_owned()),
            place: Set(new.place.to_owned()),
            submitter_user_id: Set(who.actor.user.map(|u| u.0)),
            submitter_device: Set(if who.actor.user.is_none() {
                who.actor.device.clone()
            } else {
                None
            }),
            submitter_name: Set(who.name.clone()),
            submitter_phone: Set(new.phone.map(|p| p.as_str().to_owned())),
            decision: Set(None),
            merged_into: Set(None),
            like_count: Set(0),
            support_count: Set(0),
            anonymous: Set(new.anonymous),
            lat_e6: Set(new.point.map(|p| p.0)),
            lng_e6: Set(new.point.map(|p| p.1)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let mut detail = if t.to == TopicState::Accepted {
            format!("{}，直接立项", new.channel.label_zh())
        } else {
            new.channel.label_zh().to_owned()
        };
        if let Some(r) = new.reason {
            detail.push_str(&format!("。推荐理由：{r}"));
        }
        if let Some(key) = new.client_key
            && let Err(e) = intake::remember_key(&w, key, row.id).await
        {
            // The same draft, sent again while its first copy was being
            // stored, lost the race: answer with the topic that copy made.
            if matches!(e, StoreError::Conflict(_)) {
                drop(w);
                if let Some(done) = self.topic_by_client_key(key).await? {
                    return Ok(done);
                }
            }
            return Err(e);
        }
        intake::attach_photos(&w, row.id, new.photos).await?;
        if let Some(key) = intake::person_key(&who.actor) {
            let phone = new.phone.map(PhoneNumber::as_str);
            intake::follow_on(&w.tx, row.id, &key, phone).await?;
        }
        let shown = if new.anonymous {
            Who {
                actor: who.actor.clone(),
                name: "匿名群众".to_owned(),
            }
        } else {
            who.clone()
        };
        add_event(&w, row.id, None, t.event, &shown, submitter_role, detail).await?;
        w.commit().await?;
        Ok(row)
    }

    pub async fn topic(&self, id: TopicId) -> Result<Topic> {
        topic::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议题"))
    }

    /// A topic by its 查询码; anything that is not one is simply not found.
    pub async fn topic_by_tracking(&self, no: &str) -> Result<Topic> {
        let no = TrackingNo::parse(no).map_err(|_| StoreError::NotFound("议题"))?;
        topic::Entity::find()
            .filter(topic::Column::TrackingNo.eq(no.as_str()))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议题"))
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
            return Ok(newest(f)
                .limit(limit)
                .offset(f.offset)
                .all(self.conn())
                .await?);
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
        Ok(all
            .into_iter()
            .skip(usize::try_from(f.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect())
    }

    pub async fn count_topics(&self, f: &TopicFilter) -> Result<u64> {
        Ok(filtered(f).count(self.conn()).await?)
    }

    /// How many topics of the filter each channel holds (the filter's own channel ignored).
    pub async fn count_by_channel(&self, f: &TopicFilter) -> Result<Vec<(Channel, u64)>> {
        let f = TopicFilter {
            channel: None,
            ..f.clone()
        };
        let rows: Vec<(String, i64)> = filtered(&f)
            .select_only()
            .column(topic::Column::Channel)
            .column_as(topic::Column::Id.count(), "n")
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

    pub async fn timeline(&self, id: TopicId) -> Result<Vec<TopicEvent>> {
        Ok(topic_event::Entity::find()
            .filter(topic_event::Column::TopicId.eq(id.0))
            .order_by_asc(topic_event::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn research_records(&self, id: TopicId) -> Result<Vec<ResearchRecord>> {
        Ok(research_record::Entity::find()
            .filter(research_record::Column::TopicId.eq(id.0))
            .order_by_asc(research_record::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn opinions(&self, id: TopicId) -> Result<Vec<Opinion>> {
        Ok(opinion::Entity::find()
            .filter(opinion::Column::TopicId.eq(id.0))
            .order_by_asc(opinion::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn ratings(&self, id: TopicId) -> Result<Vec<Rating>> {
        Ok(rating::Entity::find()
            .filter(rating::Column::TopicId.eq(id.0))
            .order_by_asc(rating::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn tasks_of_topic(&self, id: TopicId) -> Result<Vec<Task>> {
        Ok(task::Entity::find()
            .filter(task::Column::TopicId.eq(id.0))
            .order_by_asc(task::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// What the domain needs to judge a move on this topic (for showing only allowed actions).
    pub async fn topic_context(&self, row: &Topic) -> Result<TopicCtx> {
        ctx_on(self.conn(), row).await
    }

    /// Takes one move on a topic: loads it under lock, asks the domain,
    /// writes the new state, the move's own records and the timeline entry
    /// in one transaction.
    pub async fn apply_topic(&self, id: TopicId, who: &Who, action: TopicAction) -> Result<Topic> {
        let w = self.write().await?;
        let row = topic::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        let ctx = topic_ctx(&w, &row).await?;
        // The surviving topic of a merge, looked up once for the rules and the write.
        let merge_into = match &action {
            TopicAction::Merge { into } => Some(merge_target(&w, &row, into).await?),
            _ => None,
        };
        let cmd = match &action {
            TopicAction::Accept => TopicCommand::Accept,
            TopicAction::Reject { reason } => TopicCommand::Reject {
                reason: reason.clone(),
            },
            TopicAction::Merge { .. } => TopicCommand::Merge {
                into: TopicId(merge_into.unwrap_or_default()),
            },
            TopicAction::Refer { department, .. } => TopicCommand::Refer {
                department: *department,
            },
            TopicAction::AddResearch { .. } => TopicCommand::AddResearch,
            TopicAction::Schedule { meeting } => TopicCommand::Schedule { meeting: *meeting },
            TopicAction::RecordOpinion { .. } => {
                let m = current_meeting(&w, row.id).await?;
                let state = m
                    .as_ref()
                    .and_then(|m| MeetingState::parse(&m.state))
                    .unwrap_or(MeetingState::Planned);
                TopicCommand::RecordOpinion {
                    meeting_state: state,
                }
            }
            TopicAction::Review { decision, .. } => TopicCommand::Review {
                decision: *decision,
            },
            TopicAction::DispatchTask { department, .. } => TopicCommand::DispatchTask {
                department: *department,
            },
            TopicAction::Complete => TopicCommand::Complete,
            TopicAction::Rate { satisfaction, .. } => TopicCommand::Rate {
                satisfaction: *satisfaction,
            },
            TopicAction::Resume => TopicCommand::Resume,
        };
        let t = domain::decide(&ctx, &who.actor, &cmd)?;
        let role = acting_role(&cmd);
        let mut am: topic::ActiveModel = row.clone().into();
        let mut task_id = None;
        let detail = match action {
            TopicAction::Accept | TopicAction::Complete => String::new(),
            TopicAction::Resume => "群众不满意，重新办理".to_owned(),
            TopicAction::Reject { reason } => format!("理由：{reason}"),
            TopicAction::Merge { into } => {
                let target = merge_into.unwrap_or_default();
                am.merged_into = Set(Some(target));
                let detail = format!("议题「{}」（{}）并入本议题", row.title, row.tracking_no);
                add_event(&w, target, None, EventKind::MergedInto, who, role, detail).await?;
                intake::carry_over(&w, row.id, target).await?;
                format!("并入议题 {into}")
            }
            TopicAction::Refer { department, due } => {
                let (tid, name) = create_task(&w, row.id, department, &row.title, due).await?;
                task_id = Some(tid);
                format!("转交{name}办理，办理期限 {due}")
            }
            TopicAction::AddResearch { note, participants } => {
                research_record::ActiveModel {
                    topic_id: Set(row.id),
                    note: Set(note.as_str().to_owned()),
                    participants: Set(participants.clone()),
                    created_by: Set(who.actor.user.map_or(0, |u| u.0)),
                    created_at: Set(now()),
                    ..Default::default()
                }
                .insert(&w.tx)
                .await?;
                if participants.is_empty() {
                    note.as_str().to_owned()
                } else {
                    format!("{note}（参加：{participants}）")
                }
            }
            TopicAction::Schedule { meeting } => {
                let m = meeting::Entity::find_by_id(meeting.0)
                    .one(&w.tx)
                    .await?
                    .ok_or(StoreError::NotFound("会议"))?;
                if m.room_id != row.room_id {
                    return Err(DomainError::Precondition("只能安排到本议事室的会议".into()).into());
                }
                let m_state = MeetingState::parse(&m.state).unwrap_or(MeetingState::Closed);
                domain::decide_meeting(
                    &domain::MeetingCtx {
                        state: m_state,
                        room: RoomId(m.room_id),
                    },
                    &who.actor,
                    &domain::MeetingCommand::AddAgenda,
                )?;
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
                format!(
                    "列入「{}」议程（{}）",
                    m.title,
                    m.starts_at.format("%Y-%m-%d %H:%M")
                )
            }
            TopicAction::RecordOpinion { text } => {
                let m = current_meeting(&w, row.id)
                    .await?
                    .ok_or(StoreError::NotFound("会议"))?;
                opinion::ActiveModel {
                    topic_id: Set(row.id),
                    meeting_id: Set(m.id),
                    text: Set(text.as_str().to_owned()),
                    decision: Set(None),
                    instructions: Set(String::new()),
                    created_at: Set(now()),
                    ..Default::default()
                }
                .insert(&w.tx)
                .await?;
                text.as_str().to_owned()
            }
            TopicAction::Review {
                decision,
                instructions,
            } => {
                let instructions = instructions.trim().to_owned();
                if instructions.chars().count() > 2000 {
                    return Err(DomainError::Invalid {
                        field: "instructions",
                        message: "批示不能超过2000字".into(),
                    }
                    .into());
                }
                am.decision = Set(Some(decision.code().to_owned()));
                opinion::Entity::update_many()
                    .col_expr(
                        opinion::Column::Decision,
                        sea_orm::sea_query::Expr::value(decision.code()),
                    )
                    .col_expr(
                        opinion::Column::Instructions,
                        sea_orm::sea_query::Expr::value(instructions.clone()),
                    )
                    .filter(opinion::Column::TopicId.eq(row.id))
                    .filter(opinion::Column::Decision.is_null())
                    .exec(&w.tx)
                    .await?;
                if instructions.is_empty() {
                    decision.label_zh().to_owned()
                } else {
                    format!("{}。批示：{instructions}", decision.label_zh())
                }
            }
            TopicAction::DispatchTask {
                department,
                title,
                due,
            } => {
                let (tid, name) = create_task(&w, row.id, department, &title, due).await?;
                task_id = Some(tid);
                format!("交{name}办理「{}」，办理期限 {due}", title.trim())
            }
            TopicAction::Rate {
                satisfaction,
                comment,
            } => {
                let comment = comment.trim().to_owned();
                if comment.chars().count() > 500 {
                    return Err(DomainError::Invalid {
                        field: "comment",
                        message: "评价不能超过500字".into(),
                    }
                    .into());
                }
                rating::ActiveModel {
                    topic_id: Set(row.id),
                    satisfaction: Set(satisfaction.code().to_owned()),
                    comment: Set(comment.clone()),
                    created_at: Set(now()),
                    ..Default::default()
                }
                .insert(&w.tx)
                .await?;
                if comment.is_empty() {
                    satisfaction.label_zh().to_owned()
                } else {
                    format!("{}：{comment}", satisfaction.label_zh())
                }
            }
        };
        am.state = Set(t.to.code().to_owned());
        am.updated_at = Set(now());
        let updated = am.update(&w.tx).await?;
        add_event(&w, row.id, task_id, t.event, who, role, detail).await?;
        w.commit().await?;
        Ok(updated)
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
    q
}

async fn fresh_tracking_no(w: &WriteTx) -> Result<TrackingNo> {
    loop {
        let n: u64 = rand::rng().random_range(1_000_000_000..=9_999_999_999);
        let Some(no) = TrackingNo::from_number(n) else {
            continue;
        };
        let taken = topic::Entity::find()
            .filter(topic::Column::TrackingNo.eq(no.as_str()))
            .count(&w.tx)
            .await?;
        if taken == 0 {
            return Ok(no);
        }
    }
}

pub(crate) async fn topic_ctx(w: &WriteTx, row: &Topic) -> Result<TopicCtx> {
    ctx_on(&w.tx, row).await
}

async fn ctx_on<C: ConnectionTrait>(conn: &C, row: &Topic) -> Result<TopicCtx> {
    let open_tasks = task::Entity::find()
        .filter(task::Column::TopicId.eq(row.id))
        .filter(task::Column::State.ne(domain::TaskState::Verified.code()))
        .count(conn)
        .await?;
    Ok(TopicCtx {
        state: TopicState::parse(&row.state).ok_or(StoreError::NotFound("议题状态"))?,
        channel: Channel::parse(&row.channel).ok_or(StoreError::NotFound("议题来源"))?,
        room: RoomId(row.room_id),
        region: RegionPath::decode(&row.region_path).ok_or(StoreError::NotFound("地区"))?,
        submitter: submitter_of(row),
        decision: row.decision.as_deref().and_then(Decision::parse),
        open_tasks: u32::try_from(open_tasks).unwrap_or(u32::MAX),
    })
}

/// Who raised a topic, as the domain knows them.
pub fn submitter_of(row: &Topic) -> Submitter {
    match (&row.submitter_user_id, &row.submitter_device) {
        (Some(u), _) => Submitter::User(domain::UserId(*u)),
        (None, Some(d)) => Submitter::Device(d.clone()),
        (None, None) => Submitter::Nobody,
    }
}

async fn merge_target(w: &WriteTx, row: &Topic, into: &TrackingNo) -> Result<i64> {
    let target = topic::Entity::find()
        .filter(topic::Column::TrackingNo.eq(into.as_str()))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("目标议题"))?;
    if target.id == row.id {
        return Err(DomainError::Precondition("不能合并到议题自身".into()).into());
    }
    if target.room_id != row.room_id {
        return Err(DomainError::Precondition("只能合并到本议事室的议题".into()).into());
    }
    if matches!(
        TopicState::parse(&target.state),
        Some(TopicState::Rejected | TopicState::Merged | TopicState::Submitted)
    ) {
        return Err(DomainError::Precondition("目标议题尚未立项或已关闭，不能合并".into()).into());
    }
    Ok(target.id)
}

/// The meeting whose agenda most recently took this topic.
async fn current_meeting(w: &WriteTx, topic_id: i64) -> Result<Option<crate::Meeting>> {
    let item = agenda_item::Entity::find()
        .filter(agenda_item::Column::TopicId.eq(topic_id))
        .order_by_desc(agenda_item::Column::Id)
        .one(&w.tx)
        .await?;
    match item {
        Some(i) => Ok(meeting::Entity::find_by_id(i.meeting_id).one(&w.tx).await?),
        None => Ok(None),
    }
}

async fn create_task(
    w: &WriteTx,
    topic_id: i64,
    dept: DepartmentId,
    title: &str,
    due: NaiveDate,
) -> Result<(i64, String)> {
    let title = title.trim();
    if title.chars().count() < 2 || title.chars().count() > 100 {
        return Err(DomainError::Invalid {
            field: "title",
            message: "任务名称需要2到100个字".into(),
        }
        .into());
    }
    if due < now().date_naive() {
        return Err(DomainError::Invalid {
            field: "due",
            message: "办理期限不能早于今天".into(),
        }
        .into());
    }
    let d = department::Entity::find_by_id(dept.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("部门"))?;
    let row = task::ActiveModel {
        topic_id: Set(topic_id),
        department_id: Set(d.id),
        title: Set(title.to_owned()),
        state: Set(domain::TaskState::Assigned.code().to_owned()),
        due_date: Set(due),
        requested_due: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok((row.id, d.name))
}

pub(crate) async fn add_event(
    w: &WriteTx,
    topic_id: i64,
    task_id: Option<i64>,
    kind: EventKind,
    who: &Who,
    role: Role,
    detail: String,
) -> Result<()> {
    topic_event::ActiveModel {
        topic_id: Set(topic_id),
        task_id: Set(task_id),
        kind: Set(kind.code().to_owned()),
        actor_user_id: Set(who.actor.user.map(|u| u.0)),
        actor_name: Set(who.name.clone()),
        actor_role: Set(role.label_zh().to_owned()),
        detail: Set(detail.clone()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    let actor: Vec<String> = intake::person_key(&who.actor).into_iter().collect();
    intake::notify_followers(w, topic_id, kind, &actor, &detail).await
}
