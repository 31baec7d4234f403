//! 督办单: a leader's formal order on a task, the department's answer, and
//! the worker's escalation of an order left unanswered past its date. Each
//! is one transaction with its inbox lines (and texts) and timeline entry.
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Audience, EventDetail, EventKind, Note, OrderId, RegionPath, Role, TaskId, TaskState, TopicId,
    UserId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::notify;
use crate::entity::{supervision_order, task};
use crate::model::parsed;
use crate::topics::add_event;
use crate::{Result, Store, StoreError, Who};

/// A 督办单 as pages and the API read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisionOrder {
    /// Its id.
    pub id: OrderId,
    /// The task it is about.
    pub task: TaskId,
    /// That task's topic.
    pub topic: TopicId,
    /// The leader who issued it, and their name then.
    pub issued_by: UserId,
    /// The issuer's name as it was.
    pub issuer_name: String,
    /// What it asks.
    pub text: String,
    /// The date the department is to answer by.
    pub answer_by: NaiveDate,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The department's answer, once given.
    pub answer: Option<String>,
    /// When the answer came.
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether it went up for want of an answer.
    pub escalated: bool,
}

impl From<supervision_order::Model> for SupervisionOrder {
    fn from(row: supervision_order::Model) -> Self {
        SupervisionOrder {
            id: OrderId(row.id),
            task: TaskId(row.task_id),
            topic: TopicId(row.topic_id),
            issued_by: UserId(row.issued_by),
            issuer_name: row.issuer_name,
            text: row.text,
            answer_by: row.answer_by,
            issued_at: row.issued_at,
            answer: row.answer,
            answered_at: row.answered_at,
            escalated: row.escalated_at.is_some(),
        }
    }
}

impl Store {
    /// A leader over the task's topic issues a 督办单; the department's staff
    /// and head hear of it at once.
    pub async fn issue_order(
        &self,
        task_id: TaskId,
        who: &Who,
        text: &Note,
        answer_by: NaiveDate,
    ) -> Result<SupervisionOrder> {
        let w = self.write().await?;
        let k = task::Entity::find_by_id(task_id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("任务"))?;
        let t = crate::topics::locked_topic(&w, TopicId(k.topic_id)).await?;
        let region = parsed(&t.region_path, RegionPath::decode, "topics.region_path")?;
        let state = parsed(&k.state, TaskState::parse, "tasks.state")?;
        let today = domain::beijing_date(w.now);
        domain::issue_order(&who.actor, &region, state, answer_by, today)?;
        let by = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
        let row = supervision_order::ActiveModel {
            task_id: Set(k.id),
            topic_id: Set(k.topic_id),
            issued_by: Set(by.0),
            issuer_name: Set(who.name.clone()),
            text: Set(text.to_string()),
            answer_by: Set(answer_by),
            issued_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let people = notify::audience(&w, k.department_id, k.assignee_id, Audience::Head).await?;
        let line = format!(
            "督办单：任务「{}」——{text}。请于 {answer_by} 前答复",
            k.title
        );
        notify::tell(&w, k.topic_id, &people, &line).await?;
        let detail = EventDetail::Order {
            task: k.title.clone(),
            text: text.to_string(),
            answer_by,
        };
        add_event(
            &w,
            k.topic_id,
            Some(k.id),
            EventKind::Ordered,
            who,
            Role::Leader,
            detail,
        )
        .await?;
        w.commit().await?;
        Ok(row.into())
    }

    /// The task's department answers a 督办单, once; its issuer hears the answer.
    pub async fn answer_order(
        &self,
        id: OrderId,
        who: &Who,
        answer: &Note,
    ) -> Result<SupervisionOrder> {
        let w = self.write().await?;
        let o = supervision_order::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("督办单"))?;
        let k = task::Entity::find_by_id(o.task_id)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("任务"))?;
        let department = domain::DepartmentId(k.department_id);
        domain::answer_order(&who.actor, department, o.answer.is_some())?;
        // Answered once, even by two clerks at the same moment.
        let changed = supervision_order::Entity::update_many()
            .col_expr(
                supervision_order::Column::Answer,
                Expr::value(answer.as_str()),
            )
            .col_expr(
                supervision_order::Column::AnsweredBy,
                Expr::value(who.actor.user.map(|u| u.0)),
            )
            .col_expr(supervision_order::Column::AnsweredAt, Expr::value(w.now))
            .filter(supervision_order::Column::Id.eq(o.id))
            .filter(supervision_order::Column::Answer.is_null())
            .exec(&w.tx)
            .await?;
        if changed.rows_affected == 0 {
            return Err(domain::DomainError::Precondition("该督办单已经答复".into()).into());
        }
        let line = format!("督办回复：任务「{}」——{answer}", k.title);
        notify::tell(&w, o.topic_id, &[o.issued_by], &line).await?;
        let detail = EventDetail::Order {
            task: k.title.clone(),
            text: answer.to_string(),
            answer_by: o.answer_by,
        };
        add_event(
            &w,
            o.topic_id,
            Some(k.id),
            EventKind::OrderAnswered,
            who,
            Role::DepartmentStaff,
            detail,
        )
        .await?;
        let row = supervision_order::Entity::find_by_id(o.id)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("督办单"))?;
        w.commit().await?;
        Ok(row.into())
    }

    /// A topic's 督办单, oldest first.
    pub async fn orders_of_topic(&self, topic: TopicId) -> Result<Vec<SupervisionOrder>> {
        Ok(supervision_order::Entity::find()
            .filter(supervision_order::Column::TopicId.eq(topic.0))
            .order_by_asc(supervision_order::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The unanswered 督办单 on these tasks.
    pub async fn open_orders(&self, tasks: &[TaskId]) -> Result<Vec<SupervisionOrder>> {
        Ok(supervision_order::Entity::find()
            .filter(supervision_order::Column::TaskId.is_in(tasks.iter().map(|t| t.0)))
            .filter(supervision_order::Column::Answer.is_null())
            .all(self.conn())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Escalates every 督办单 unanswered past its date, each once (whichever
    /// worker sets `escalated_at` first sends it); returns how many went up.
    pub(crate) async fn escalate_orders(&self) -> Result<u64> {
        let today = self.clock().today();
        let late = supervision_order::Entity::find()
            .filter(supervision_order::Column::Answer.is_null())
            .filter(supervision_order::Column::EscalatedAt.is_null())
            .filter(supervision_order::Column::AnswerBy.lt(today))
            .all(self.conn())
            .await?;
        let mut sent = 0;
        for o in late {
            if domain::order_overdue(o.answer_by, o.answer.is_some(), today) {
                sent += u64::from(self.escalate_order(&o).await?);
            }
        }
        Ok(sent)
    }

    async fn escalate_order(&self, o: &supervision_order::Model) -> Result<bool> {
        let w = self.write().await?;
        let claimed = supervision_order::Entity::update_many()
            .col_expr(supervision_order::Column::EscalatedAt, Expr::value(w.now))
            .filter(supervision_order::Column::Id.eq(o.id))
            .filter(supervision_order::Column::EscalatedAt.is_null())
            .filter(supervision_order::Column::Answer.is_null())
            .exec(&w.tx)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(false);
        }
        let Some(k) = task::Entity::find_by_id(o.task_id).one(&w.tx).await? else {
            return Ok(false);
        };
        let mut people =
            notify::audience(&w, k.department_id, k.assignee_id, Audience::Leaders).await?;
        people.push(o.issued_by);
        people.sort_unstable();
        people.dedup();
        let line = format!(
            "督办逾期未答复：任务「{}」的督办单要求 {} 前答复，至今未答复，请督促落实",
            k.title, o.answer_by
        );
        notify::tell(&w, o.topic_id, &people, &line).await?;
        let who = super::supervision::supervision_who();
        let detail = EventDetail::Order {
            task: k.title.clone(),
            text: "督办单逾期未答复，已报告部门负责人和上级领导".to_owned(),
            answer_by: o.answer_by,
        };
        add_event(
            &w,
            o.topic_id,
            Some(k.id),
            EventKind::OrderEscalated,
            &who,
            Role::Leader,
            detail,
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }
}
