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
