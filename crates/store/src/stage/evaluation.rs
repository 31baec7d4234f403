//! 群众评价: the submitter's rating of the result (an unsatisfied one
//! reopens the topic; the domain decides which), and the supporters' (附议),
//! one each, counted and shown but reopening nothing.
use domain::{EventDetail, EventKind, RatingComment, Role, Satisfaction, TopicId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{rating, support};
use crate::topics::{add_event, locked_topic};
use crate::{Result, Store, Topic, TopicRow, Who, WriteTx};

pub(crate) async fn rate(
    w: &WriteTx,
    row: &TopicRow,
    satisfaction: Satisfaction,
    comment: &RatingComment,
) -> Result<EventDetail> {
    rating::ActiveModel {
        topic_id: Set(row.id),
        satisfaction: Set(satisfaction.code().to_owned()),
        comment: Set(comment.to_string()),
        created_at: Set(w.now),
        rater: Set(None),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    if !satisfaction.is_satisfied() {
        // Back to the leaders over the place, and the room's conveners,
        // with the resident's words.
        let mut people = super::notify::leaders_over(w, &row.region_path).await?;
        people.extend(super::notify::conveners_of(w, row.room_id).await?);
        people.sort_unstable();
        people.dedup();
        let text = format!(
            "群众对「{}」的办理结果不满意：{}。请重新交办或说明维持理由",
            row.title,
            if comment.as_str().is_empty() {
                "（未留言）"
            } else {
                comment.as_str()
            }
        );
        super::notify::tell(w, row.id, &people, &text).await?;
    }
    Ok(EventDetail::Rated {
        satisfaction,
        comment: comment.to_string(),
    })
}

impl Store {
    /// A supporter (附议, by `key`) rates the result, once.
    pub async fn rate_as_supporter(
        &self,
        id: TopicId,
        who: &Who,
        key: &str,
        satisfaction: Satisfaction,
        comment: &RatingComment,
    ) -> Result<Topic> {
        let w = self.write().await?;
        let row = locked_topic(&w, id).await?;
        let t = Topic::try_from(row.clone())?;
        let supported = support::Entity::find()
            .filter(support::Column::TopicId.eq(row.id))
            .filter(support::Column::Supporter.eq(key))
            .one(&w.tx)
            .await?
            .is_some();
        let rated = rating::Entity::find()
            .filter(rating::Column::TopicId.eq(row.id))
            .filter(rating::Column::Rater.eq(key))
            .one(&w.tx)
            .await?
            .is_some();
        domain::check_supporter_rating(t.state, &t.submitter, &who.actor, supported, rated)?;
        rating::ActiveModel {
            topic_id: Set(row.id),
            satisfaction: Set(satisfaction.code().to_owned()),
            comment: Set(comment.to_string()),
            created_at: Set(w.now),
            rater: Set(Some(key.to_owned())),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let detail = EventDetail::Rated {
            satisfaction,
            comment: comment.to_string(),
        };
        add_event(
            &w,
            row.id,
            None,
            EventKind::Rated,
            who,
            Role::Resident,
            detail,
        )
        .await?;
        w.commit().await?;
        Ok(t)
    }

    /// Whether this person (by key) has rated the topic as a supporter.
    pub async fn rated_by(&self, id: TopicId, key: &str) -> Result<bool> {
        Ok(rating::Entity::find()
            .filter(rating::Column::TopicId.eq(id.0))
            .filter(rating::Column::Rater.eq(key))
            .one(self.conn())
            .await?
            .is_some())
    }
}
