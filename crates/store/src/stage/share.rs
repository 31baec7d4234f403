//! 联办: a task's co-handling departments (协办), each signing and reporting
//! on its share by itself; the lead department (主办, the task's own)
//! completes the task only when every share is done (the rule is the
//! domain's, `domain::Share`).
use domain::{DepartmentId, EventDetail, Note, Share, ShareState, TaskId, TaskMove, TopicId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::notify;
use crate::entity::{department, task, task_share};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who, WriteTx};

/// A co-handling department's share of a task, as pages read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskShare {
    /// The task shared.
    pub task: TaskId,
    /// The co-handling department.
    pub department: DepartmentId,
    /// How far its share has come.
    pub state: ShareState,
    /// What it reported when done.
    pub note: Option<String>,
}

impl TryFrom<task_share::Model> for TaskShare {
    type Error = StoreError;

    fn try_from(row: task_share::Model) -> Result<Self> {
        Ok(TaskShare {
            task: TaskId(row.task_id),
            department: DepartmentId(row.department_id),
            state: parsed(&row.state, ShareState::parse, "task_shares.state")?,
            note: row.note,
        })
    }
}

/// A task's shares as the rules see them.
pub(crate) async fn shares_of<C: ConnectionTrait>(conn: &C, task: i64) -> Result<Vec<Share>> {
    task_share::Entity::find()
        .filter(task_share::Column::TaskId.eq(task))
        .order_by_asc(task_share::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            let s = TaskShare::try_from(row)?;
            Ok(Share {
                department: s.department,
                state: s.state,
            })
        })
        .collect()
}

/// Gives a new task's co-handling departments their shares and tells them.
pub(crate) async fn add_shares(
    w: &WriteTx,
    topic_id: i64,
    task_id: i64,
    title: &str,
    co: &[DepartmentId],
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for d in co {
        let dept = department::Entity::find_by_id(d.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("部门"))?;
        task_share::ActiveModel {
            task_id: Set(task_id),
            department_id: Set(dept.id),
            state: Set(ShareState::Assigned.code().to_owned()),
            note: Set(None),
            updated_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let people = notify::department_people(w, dept.id).await?;
        let text = format!("协办任务待签收：「{title}」，请配合主办部门办理并反馈协办情况");
        notify::tell(w, topic_id, &people, &text).await?;
        names.push(dept.name);
    }
    Ok(names)
}

/// A co-handler's move on its share, as the domain allowed it.
pub(crate) async fn move_share(
    w: &WriteTx,
    task: &task::Model,
    who: &Who,
    mv: TaskMove,
    note: Option<&Note>,
) -> Result<EventDetail> {
    let shares = shares_of(&w.tx, task.id).await?;
    let ctx_share = shares
        .iter()
        .find(|s| who.actor.is_staff_of(s.department))
        .ok_or(domain::DomainError::Forbidden)?;
    let to = mv.share_state().ok_or(domain::DomainError::Forbidden)?;
    let row = task_share::Entity::find()
        .filter(task_share::Column::TaskId.eq(task.id))
        .filter(task_share::Column::DepartmentId.eq(ctx_share.department.0))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("协办任务"))?;
    let mut am: task_share::ActiveModel = row.into();
    am.state = Set(to.code().to_owned());
    am.note = Set(note.map(|n| n.to_string()));
    am.updated_at = Set(w.now);
    am.update(&w.tx).await?;
    let dept = department::Entity::find_by_id(ctx_share.department.0)
        .one(&w.tx)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    Ok(EventDetail::Share {
        department: dept,
        task: task.title.clone(),
        note: note.map(|n| n.to_string()),
    })
}

impl Store {
    /// The co-handling shares of a topic's tasks.
    pub async fn shares_of_topic(&self, topic: TopicId) -> Result<Vec<TaskShare>> {
        let tasks: Vec<i64> = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::TopicId.eq(topic.0))
            .into_tuple()
            .all(self.conn())
            .await?;
        task_share::Entity::find()
            .filter(task_share::Column::TaskId.is_in(tasks))
            .order_by_asc(task_share::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(TaskShare::try_from)
            .collect()
    }

    /// Tasks these departments co-handle, whose share is not yet done.
    pub(crate) async fn shared_task_ids(&self, depts: &[DepartmentId]) -> Result<Vec<i64>> {
        Ok(task_share::Entity::find()
            .select_only()
            .column(task_share::Column::TaskId)
            .filter(task_share::Column::DepartmentId.is_in(depts.iter().map(|d| d.0)))
            .filter(task_share::Column::State.ne(ShareState::Done.code()))
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}
