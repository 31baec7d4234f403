//! Department tasks: sign, return, progress, extensions, completion, verification.
use chrono::NaiveDate;
use domain::{
    DepartmentId, DepartmentRef, DomainError, EventDetail, Note, OpinionId, Reason, RegionPath,
    Role, RoomId, TaskCommand, TaskCtx, TaskId, TaskMove, TaskState, TopicCommand, TopicState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::{department, region, task, topic, user};
use crate::model::parsed;
use crate::model::{self, Task};
use crate::topics::{add_event, topic_ctx};
use crate::{Result, Store, StoreError, Who, WriteTx};

/// A move on a task with the data it carries; the domain decides whether it may happen.
#[derive(Clone, Debug)]
pub enum TaskAction {
    /// The department takes the task on (签收).
    Sign,
    /// The department hands the task back instead of signing for it (退回).
    Return {
        /// Why, shown on the timeline.
        reason: Reason,
    },
    /// A leader gives a returned task to another department.
    Reassign {
        /// The department that takes it over.
        department: DepartmentId,
    },
    /// The department reports progress.
    PostProgress {
        /// The report, shown on the timeline.
        note: Note,
    },
    /// The department asks for a later due date.
    RequestExtension {
        /// The due date asked for.
        until: NaiveDate,
        /// Why it needs more time.
        reason: Reason,
    },
    /// A leader accepts the date asked for.
    GrantExtension,
    /// A leader keeps the original due date.
    DenyExtension,
    /// The department reports the work done (办结), with evidence.
    Complete {
        /// What was done, shown on the timeline.
        note: Note,
        /// Photos of the finished work, already made safe and stored.
        photos: Vec<super::intake::NewPhoto>,
    },
    /// The convener confirms the work is done (核实).
    Verify,
    /// The convener sends finished work back to be redone (退回重办).
    SendBack {
        /// What is still wrong, shown on the timeline.
        reason: Reason,
    },
    /// The department's head names the clerk who handles it (承办人).
    Assign {
        /// The clerk; must work in the task's department.
        clerk: domain::UserId,
    },
    /// The department's head approves a completion (审核通过).
    Approve,
    /// The department's head sends a completion back (审核退回).
    Decline {
        /// What is still missing, shown on the timeline.
        reason: Reason,
    },
    /// A co-handling department takes its share on (协办签收).
    ShareSign,
    /// A co-handling department reports its share done (协办完成).
    ShareDone {
        /// What it did, shown on the timeline.
        note: Note,
    },
}

impl TaskAction {
    /// The kind of move, without its data.
    pub fn kind(&self) -> domain::TaskMove {
        use domain::TaskMove as M;
        match self {
            TaskAction::Sign => M::Sign,
            TaskAction::Return { .. } => M::Return,
            TaskAction::Reassign { .. } => M::Reassign,
            TaskAction::PostProgress { .. } => M::Progress,
            TaskAction::RequestExtension { .. } => M::Extend,
            TaskAction::GrantExtension => M::GrantExtension,
            TaskAction::DenyExtension => M::DenyExtension,
            TaskAction::Complete { .. } => M::Complete,
            TaskAction::Verify => M::Verify,
            TaskAction::SendBack { .. } => M::SendBack,
            TaskAction::ShareSign => M::ShareSign,
            TaskAction::Approve => M::Approve,
            TaskAction::Decline { .. } => M::Decline,
            TaskAction::Assign { .. } => M::Assign,
            TaskAction::ShareDone { .. } => M::ShareDone,
        }
    }
}

impl Store {
    /// One task, or [`StoreError::NotFound`].
    pub async fn task(&self, id: TaskId) -> Result<Task> {
        task::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("任务"))?
            .try_into()
    }

    /// Tasks of the given departments, open ones first by due date, with
    /// those they co-handle (协办) while their share is not done.
    pub async fn tasks_of_departments(
        &self,
        depts: &[DepartmentId],
        open_only: bool,
    ) -> Result<Vec<Task>> {
        let shared = self.shared_task_ids(depts).await?;
        let mut q = task::Entity::find().filter(
            sea_orm::Condition::any()
                .add(task::Column::DepartmentId.is_in(depts.iter().map(|d| d.0)))
                .add(task::Column::Id.is_in(shared)),
        );
        if open_only {
            q = q.filter(task::Column::State.ne(TaskState::Verified.code()));
        }
        model::all(
            q.order_by_asc(task::Column::DueDate)
                .limit(500)
                .all(self.conn())
                .await?,
        )
    }

    /// Tasks in these states under a region (for a leader's desk: returned, extension requested).
    pub async fn tasks_in_region(
        &self,
        region: &RegionPath,
        states: &[TaskState],
    ) -> Result<Vec<Task>> {
        let topics = topic::Column::RegionPath.starts_with(region.encode());
        self.tasks_of_live_topics(topics, states).await
    }

    /// Tasks in these states for topics of the given rooms (a convener's tasks to verify).
    pub async fn tasks_of_rooms(
        &self,
        rooms: &[RoomId],
        states: &[TaskState],
    ) -> Result<Vec<Task>> {
        let topics = topic::Column::RoomId.is_in(rooms.iter().map(|r| r.0));
        self.tasks_of_live_topics(topics, states).await
    }

    /// Tasks in `states` whose topic matches `which` and is still being carried out.
    async fn tasks_of_live_topics(
        &self,
        which: sea_orm::sea_query::SimpleExpr,
        states: &[TaskState],
    ) -> Result<Vec<Task>> {
        let live = [TopicState::Implementing.code(), TopicState::Referred.code()];
        let topic_ids: Vec<i64> = topic::Entity::find()
            .select_only()
            .column(topic::Column::Id)
            .filter(which)
            .filter(topic::Column::State.is_in(live))
            .into_tuple()
            .all(self.conn())
            .await?;
        model::all(
            task::Entity::find()
                .filter(task::Column::TopicId.is_in(topic_ids))
                .filter(task::Column::State.is_in(states.iter().map(|s| s.code())))
                .order_by_asc(task::Column::DueDate)
                .limit(500)
                .all(self.conn())
                .await?,
        )
    }

    /// Takes one move on a task; verifying the last open task also completes the topic.
    pub async fn apply_task(&self, id: TaskId, who: &Who, action: TaskAction) -> Result<Task> {
        let w = self.write().await?;
        let row = task::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("任务"))?;
        let topic_row = topic::Entity::find_by_id(row.topic_id)
            .lock_exclusive()
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        let ctx = TaskCtx {
            state: parsed(&row.state, TaskState::parse, "tasks.state")?,
            department: DepartmentId(row.department_id),
            room: RoomId(topic_row.room_id),
            region: parsed(
                &topic_row.region_path,
                RegionPath::decode,
                "topics.region_path",
            )?,
            shares: super::share::shares_of(&w.tx, row.id).await?,
            needs_approval: crate::rules::needs_approval(&w.tx, row.department_id).await?,
        };
        domain::may_task(&ctx, &who.actor, action.kind())?;
        let cmd = match &action {
            TaskAction::Sign => TaskCommand::Sign,
            TaskAction::Return { reason } => TaskCommand::Return {
                reason: reason.clone(),
            },
            TaskAction::Reassign { department } => TaskCommand::Reassign {
                department: department_ref(&w, *department).await?,
            },
            TaskAction::PostProgress { .. } => TaskCommand::PostProgress,
            TaskAction::RequestExtension { until, .. } => {
                TaskCommand::RequestExtension { until: *until }
            }
            TaskAction::GrantExtension => TaskCommand::GrantExtension,
            TaskAction::DenyExtension => TaskCommand::DenyExtension,
            TaskAction::Complete { .. } => TaskCommand::Complete,
            TaskAction::Verify => TaskCommand::Verify,
            TaskAction::SendBack { reason } => TaskCommand::SendBack {
                reason: reason.clone(),
            },
            TaskAction::ShareSign => TaskCommand::ShareSign,
            TaskAction::Approve => TaskCommand::Approve,
            TaskAction::Decline { reason } => TaskCommand::Decline {
                reason: reason.clone(),
            },
            TaskAction::Assign { clerk } => {
                let staff = super::notify::department_people(&w, row.department_id).await?;
                TaskCommand::Assign {
                    clerk_works_here: staff.contains(&clerk.0),
                }
            }
            TaskAction::ShareDone { .. } => TaskCommand::ShareDone,
        };
        let t = domain::decide_task(&ctx, &who.actor, &cmd)?;
        let mut am: task::ActiveModel = row.clone().into();
        let task = row.title.clone();
        let detail = match action {
            TaskAction::Sign | TaskAction::Verify => EventDetail::Task { task },
            TaskAction::Return { reason } => EventDetail::TaskReturned {
                task,
                reason: reason.to_string(),
            },
            TaskAction::Reassign { department } => {
                let d = department::Entity::find_by_id(department.0)
                    .one(&w.tx)
                    .await?
                    .ok_or(StoreError::NotFound("部门"))?;
                am.department_id = Set(d.id);
                EventDetail::TaskReassigned {
                    task,
                    department: d.name,
                }
            }
            TaskAction::PostProgress { note } => EventDetail::Note {
                text: note.to_string(),
            },
            TaskAction::RequestExtension { until, reason } => {
                if until <= row.due_date {
                    return Err(DomainError::Invalid {
                        field: "until",
                        message: "延期后的期限应晚于原期限".into(),
                    }
                    .into());
                }
                am.requested_due = Set(Some(until));
                EventDetail::ExtensionRequested {
                    until,
                    reason: reason.to_string(),
                }
            }
            TaskAction::GrantExtension => {
                let until = row.requested_due.unwrap_or(row.due_date);
                am.due_date = Set(until);
                am.requested_due = Set(None);
                EventDetail::ExtensionGranted { until }
            }
            TaskAction::DenyExtension => {
                am.requested_due = Set(None);
                EventDetail::ExtensionDenied { due: row.due_date }
            }
            TaskAction::Complete { note, photos } => {
                // A request still waiting is moot once the work is done.
                am.requested_due = Set(None);
                let owner = super::intake::PhotoOwner::Task(row.id);
                super::intake::attach_photos(&w, row.topic_id, &photos, owner).await?;
                EventDetail::Note {
                    text: note.to_string(),
                }
            }
            TaskAction::SendBack { reason } | TaskAction::Decline { reason } => {
                EventDetail::Reason {
                    reason: reason.to_string(),
                }
            }
            TaskAction::Approve => EventDetail::Task {
                task: row.title.clone(),
            },
            TaskAction::ShareSign => {
                super::share::move_share(&w, &row, who, TaskMove::ShareSign, None).await?
            }
            TaskAction::Assign { clerk } => {
                am.assignee_id = Set(Some(clerk.0));
                let name = user::Entity::find_by_id(clerk.0)
                    .one(&w.tx)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default();
                let text = format!(
                    "您被指定为任务「{}」的承办人，办理期限 {}",
                    row.title, row.due_date
                );
                super::notify::tell(&w, row.topic_id, &[clerk.0], &text).await?;
                EventDetail::Clerk {
                    task: row.title.clone(),
                    clerk: name,
                }
            }
            TaskAction::ShareDone { note } => {
                super::share::move_share(&w, &row, who, TaskMove::ShareDone, Some(&note)).await?
            }
        };
        am.state = Set(t.to.code().to_owned());
        am.updated_at = Set(w.now);
        let updated = am.update(&w.tx).await?;
        add_event(
            &w,
            row.topic_id,
            Some(row.id),
            t.event,
            who,
            cmd.kind().role(),
            detail,
        )
        .await?;

        if t.to == TaskState::AwaitingApproval {
            // The head hears that a completion waits for them.
            let heads =
                super::notify::audience(&w, row.department_id, None, domain::Audience::Head)
                    .await?;
            let text = format!(
                "办结待审核：任务「{}」已报办结，请审核后提交核实",
                row.title
            );
            super::notify::tell(&w, row.topic_id, &heads, &text).await?;
        }
        if t.to == TaskState::Verified {
            let ctx = topic_ctx(&w, &topic_row).await?;
            if ctx.open_tasks == 0
                && matches!(ctx.state, TopicState::Implementing | TopicState::Referred)
            {
                let done = domain::decide(&ctx, &who.actor, &TopicCommand::Complete)?;
                let mut tam: topic::ActiveModel = topic_row.into();
                tam.state = Set(done.to.code().to_owned());
                tam.updated_at = Set(w.now);
                tam.update(&w.tx).await?;
                super::follow_up::schedule(&w, row.topic_id, self.follow_up_days).await?;
                add_event(
                    &w,
                    row.topic_id,
                    None,
                    done.event,
                    who,
                    Role::Convener,
                    EventDetail::AllTasksVerified,
                )
                .await?;
            }
        }
        w.commit().await?;
        updated.try_into()
    }
}

/// A new task for a department, due on a date the domain has accepted.
/// Returns its id and the department's name (for the timeline).
pub(crate) async fn create_task(
    w: &WriteTx,
    topic_id: i64,
    department: DepartmentId,
    title: &str,
    due: NaiveDate,
    opinion: Option<OpinionId>,
) -> Result<(i64, String)> {
    let d = department::Entity::find_by_id(department.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("部门"))?;
    let row = task::ActiveModel {
        topic_id: Set(topic_id),
        department_id: Set(d.id),
        title: Set(title.to_owned()),
        state: Set(TaskState::Assigned.code().to_owned()),
        due_date: Set(due),
        requested_due: Set(None),
        opinion_id: Set(opinion.map(|o| o.0)),
        created_at: Set(w.now),
        updated_at: Set(w.now),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    // The department hears of its new work at once.
    let people = super::notify::department_people(w, d.id).await?;
    let text = format!("新任务待签收：「{title}」，办理期限 {due}，请及时签收办理");
    super::notify::tell(w, topic_id, &people, &text).await?;
    Ok((row.id, d.name))
}

/// A department as the rules see it: its id and the region it serves.
pub(crate) async fn department_ref(w: &WriteTx, id: DepartmentId) -> Result<DepartmentRef> {
    let d = department::Entity::find_by_id(id.0)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("部门"))?;
    let r = region::Entity::find_by_id(d.region_id)
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("地区"))?;
    Ok(DepartmentRef {
        id,
        region: parsed(&r.path, RegionPath::decode, "regions.path")?,
    })
}
