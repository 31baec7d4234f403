//! Helpers for loading historical data (the demo subdistrict, imports):
//! spreading a topic's timeline over the past, and bulk likes.
use chrono::{DateTime, Duration, Utc};
use domain::{DomainError, TopicId, TopicState};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
};

use crate::entity::{task, topic, topic_event, topic_like};
use crate::{Result, Store, StoreError};

impl Store {
    /// Moves a topic's history into the past: it was raised at `start`, and
    /// each timeline entry follows the previous after `step`. Task due dates
    /// move back by the same amount, so some open tasks become overdue.
    pub async fn backdate_topic(
        &self,
        id: TopicId,
        start: DateTime<Utc>,
        step: Duration,
    ) -> Result<()> {
        let w = self.write().await?;
        let row = topic::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        let shift = self.now() - start;
        let events = topic_event::Entity::find()
            .filter(topic_event::Column::TopicId.eq(id.0))
            .order_by_asc(topic_event::Column::Id)
            .all(&w.tx)
            .await?;
        let mut at = start;
        for e in events {
            let mut am: topic_event::ActiveModel = e.into();
            am.created_at = Set(at);
            am.update(&w.tx).await?;
            at += step;
        }
        for k in task::Entity::find()
            .filter(task::Column::TopicId.eq(id.0))
            .all(&w.tx)
            .await?
        {
            let due = k.due_date - Duration::days(shift.num_days());
            let created = k.created_at - shift;
            let mut am: task::ActiveModel = k.into();
            am.due_date = Set(due);
            am.created_at = Set(created);
            am.updated_at = Set(at - step);
            am.update(&w.tx).await?;
        }
        let mut am: topic::ActiveModel = row.into();
        am.created_at = Set(start);
        am.updated_at = Set(at - step);
        am.update(&w.tx).await?;
        w.commit().await
    }

    /// Adds `likers` as likes of a resolved topic in one transaction.
    pub async fn bulk_likes(&self, id: TopicId, likers: &[String]) -> Result<()> {
        let w = self.write().await?;
        let row = topic::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        if !TopicState::parse(&row.state).is_some_and(|s| s.is_public_result()) {
            return Err(DomainError::Precondition("议题办结后才能点赞".into()).into());
        }
        for chunk in likers.chunks(500) {
            let rows = chunk.iter().map(|l| topic_like::ActiveModel {
                topic_id: Set(row.id),
                liker: Set(l.clone()),
                created_at: Set(self.now()),
                ..Default::default()
            });
            topic_like::Entity::insert_many(rows)
                .exec_without_returning(&w.tx)
                .await?;
        }
        let n = i64::try_from(likers.len()).unwrap_or(i64::MAX);
        topic::Entity::update_many()
            .col_expr(
                topic::Column::LikeCount,
                Expr::col(topic::Column::LikeCount).add(n),
            )
            .filter(topic::Column::Id.eq(row.id))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }
}
