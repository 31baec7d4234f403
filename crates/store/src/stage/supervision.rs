//! 催办 and 亮牌, run by the worker: for every task still with its
//! department, what `domain::notices` says today, each notice sent once.
//! A notice, its inbox lines (and texts) and its timeline entry are one
//! transaction keyed by (task, notice): a crash sends nothing or all of
//! it, and a second worker finds it sent.
use domain::{Calendar, EventDetail, Notice, Role, Supervised, TaskState, Thresholds};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::notify;
use crate::entity::{task, task_notice};
use crate::model::parsed;
use crate::topics::add_event;
use crate::{Result, Store, Who};

/// Supervision as the timeline names it: nobody's account, 督办提醒.
pub(crate) fn supervision_who() -> Who {
    Who {
        actor: domain::Actor::anonymous(None),
        name: "督办提醒".to_owned(),
    }
}

impl Store {
    /// Sends every supervision notice due today that has not gone out yet;
    /// returns how many went out.
    pub async fn supervise(&self, calendar: &Calendar, thresholds: &Thresholds) -> Result<u64> {
        let today = self.clock().today();
        let tasks = task::Entity::find()
            .filter(task::Column::State.is_in(TaskState::WITH_DEPARTMENT.map(|s| s.code())))
            .all(self.conn())
            .await?;
        let mut sent = 0;
        for k in tasks {
            let facts = Supervised {
                state: parsed(&k.state, TaskState::parse, "tasks.state")?,
                dispatched: domain::beijing_date(k.created_at),
                due: k.due_date,
            };
            for notice in domain::notices(&facts, calendar, today, thresholds) {
                sent += u64::from(self.send_notice(&k, notice).await?);
            }
        }
        Ok(sent + self.escalate_orders().await? + self.remind_follow_ups().await?)
    }

    /// Sends one notice unless it went out before; true when it went out now.
    async fn send_notice(&self, k: &task::Model, notice: Notice) -> Result<bool> {
        let w = self.write().await?;
        let first = task_notice::Entity::insert(task_notice::ActiveModel {
            task_id: Set(k.id),
            notice: Set(notice.key()),
            sent_at: Set(w.now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([task_notice::Column::TaskId, task_notice::Column::Notice])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&w.tx)
        .await?;
        if first == 0 {
            return Ok(false);
        }
        let people =
            notify::audience(&w, k.department_id, k.assignee_id, notice.audience()).await?;
        notify::tell(
            &w,
            k.topic_id,
            &people,
            &notice.text_zh(&k.title, k.due_date),
        )
        .await?;
        let who = supervision_who();
        let detail = EventDetail::Supervision {
            notice,
            task: k.title.clone(),
            due: k.due_date,
        };
        add_event(
            &w,
            k.topic_id,
            Some(k.id),
            notice.event_kind(),
            &who,
            Role::Leader,
            detail,
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }
}
