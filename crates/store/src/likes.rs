//! 点赞 on resolved topics: at most one per resident or device.
//! Writing likes is [`crate::LikeQueue`]'s job; this module reads them.
use domain::TopicId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::topic_like;
use crate::{Result, Store};

/// What a like (点赞) did.
#[derive(Debug, Clone, Copy)]
pub struct LikeOutcome {
    /// False when this liker had already liked the topic.
    pub new: bool,
    /// The topic's like count, this like included.
    pub count: i64,
}

impl Store {
    /// Whether this liker key has liked the topic.
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

    /// Likes from accounts, that is from residents who verified their phone
    /// (or officials), shown apart from the likes of anonymous phones.
    pub async fn count_verified_likes(&self, id: TopicId) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        // Keys "u:{id}": a range on the unique (topic, liker) index.
        Ok(topic_like::Entity::find()
            .filter(topic_like::Column::TopicId.eq(id.0))
            .filter(topic_like::Column::Liker.gte(crate::intake::user_key_prefix()))
            .filter(topic_like::Column::Liker.lt(crate::intake::user_key_end()))
            .count(self.conn())
            .await?)
    }
}

/// What a topic's page shows about its visitor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VisitorMarks {
    /// Has liked the topic (点赞).
    pub liked: bool,
    /// Has supported it (附议).
    pub supported: bool,
    /// Follows it, by account or by device.
    pub following: bool,
}

impl Store {
    /// Whether this visitor (liker key, inbox keys) liked, supported and
    /// follows the topic: one query, for a page that may be viewed by
    /// thousands of phones at once.
    pub async fn visitor_marks(
        &self,
        id: TopicId,
        liker: &str,
        inbox_keys: &[String],
    ) -> Result<VisitorMarks> {
        use sea_orm::QuerySelect;
        use sea_orm::sea_query::{Expr, Query};

        use sea_orm::sea_query::IntoTableRef;

        use crate::entity::{follower, support, topic};
        // EXISTS (SELECT 1 FROM table WHERE its topic is this one AND it is this visitor's)
        let exists = |table: sea_orm::sea_query::TableRef, of_topic, of_visitor| {
            Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(table)
                    .and_where(of_topic)
                    .and_where(of_visitor)
                    .to_owned(),
            )
        };
        let liked = exists(
            topic_like::Entity.into_table_ref(),
            topic_like::Column::TopicId.eq(id.0),
            topic_like::Column::Liker.eq(liker),
        );
        let supported = exists(
            support::Entity.into_table_ref(),
            support::Column::TopicId.eq(id.0),
            support::Column::Supporter.eq(liker),
        );
        let following = exists(
            follower::Entity.into_table_ref(),
            follower::Column::TopicId.eq(id.0),
            follower::Column::Follower.is_in(inbox_keys.iter().cloned()),
        );
        let query = topic::Entity::find_by_id(id.0)
            .select_only()
            .expr_as(liked, "liked")
            .expr_as(supported, "supported")
            .expr_as(following, "following");
        let marks = match self.readers() {
            Some(readers) => readers
                .rows(&query, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .pop(),
            None => {
                query
                    .into_tuple::<(bool, bool, bool)>()
                    .one(self.conn())
                    .await?
            }
        };
        Ok(
            marks.map_or_else(VisitorMarks::default, |(liked, supported, following)| {
                VisitorMarks {
                    liked,
                    supported,
                    following,
                }
            }),
        )
    }
}
