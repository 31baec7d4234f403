//! 群众评价 (the submitter's rating of the result); an unsatisfied rating
//! reopens the topic (the domain decides which).
use domain::{EventDetail, RatingComment, Satisfaction};
use sea_orm::{ActiveModelTrait, Set};

use crate::entity::rating;
use crate::{Result, TopicRow, WriteTx};

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
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(EventDetail::Rated {
        satisfaction,
        comment: comment.to_string(),
    })
}
