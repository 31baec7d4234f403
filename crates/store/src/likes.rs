//! 点赞 on resolved topics: at most one per resident or device.
//! Writing likes is [`crate::LikeQueue`]'s job; this module reads them.
use domain::TopicId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::topic_like;
use crate::{Result, Store};

#[derive(Debug, Clone, Copy)]
pub struct LikeOutcome {
    /// False when this liker had already liked the topic.
    pub new: bool,
    pub count: i64,
}

impl Store {
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
