//! 点赞 on resolved topics: at most one per resident or device.
use domain::{DomainError, TopicId, TopicState};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};

use crate::entity::{topic, topic_like};
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, Copy)]
pub struct LikeOutcome {
    /// False when this liker had already liked the topic.
    pub new: bool,
    pub count: i64,
}

impl Store {
    /// Records a like; `liker` is "u:{user}" or "d:{device}". Liking twice is
    /// not an error, it just changes nothing.
    pub async fn like(&self, id: TopicId, liker: &str) -> Result<LikeOutcome> {
        let w = self.write().await?;
        let row = topic::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        if !TopicState::parse(&row.state).is_some_and(|s| s.is_public_result()) {
            return Err(DomainError::Precondition("议题办结后才能点赞".into()).into());
        }
        let inserted = topic_like::Entity::insert(topic_like::ActiveModel {
            topic_id: Set(row.id),
            liker: Set(liker.to_owned()),
            created_at: Set(now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([topic_like::Column::TopicId, topic_like::Column::Liker])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&w.tx)
        .await?;
        let new = inserted == 1;
        if new {
            topic::Entity::update_many()
                .col_expr(
                    topic::Column::LikeCount,
                    Expr::col(topic::Column::LikeCount).add(1),
                )
                .filter(topic::Column::Id.eq(row.id))
                .exec(&w.tx)
                .await?;
        }
        w.commit().await?;
        Ok(LikeOutcome {
            new,
            count: row.like_count + i64::from(new),
        })
    }

    pub async fn has_liked(&self, id: TopicId, liker: &str) -> Result<bool> {
        Ok(topic_like::Entity::find()
            .filter(topic_like::Column::TopicId.eq(id.0))
            .filter(topic_like::Column::Liker.eq(liker))
            .one(self.conn())
            .await?
            .is_some())
    }
}

impl Store {
    /// The likes actually stored for a topic (to check the rolled-up count against).
    pub async fn count_likes(&self, id: TopicId) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(topic_like::Entity::find()
            .filter(topic_like::Column::TopicId.eq(id.0))
            .count(self.conn())
            .await?)
    }
}
