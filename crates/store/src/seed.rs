//! Helpers for loading historical data (the demo subdistrict, imports):
//! likes in bulk, stamped with the store's clock.
use domain::{DomainError, TopicId, TopicState};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, Set};

use crate::entity::{topic, topic_like};
use crate::{Result, Store, StoreError};

impl Store {
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
                created_at: Set(w.now),
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
        crate::figures::count_likes(&w, std::iter::once((row.room_id, row.region_path, n))).await?;
        w.commit().await
    }
}
