//! 商前调研 (research before deliberation): each visit or finding is a record.
use domain::{EventDetail, Note, Participants};
use sea_orm::{ActiveModelTrait, Set};

use crate::entity::research_record;
use crate::{Result, TopicRow, Who, WriteTx};

/// Keeps one research record and says what it found for the timeline.
pub(crate) async fn add(
    w: &WriteTx,
    row: &TopicRow,
    who: &Who,
    note: &Note,
    participants: &Participants,
) -> Result<EventDetail> {
    research_record::ActiveModel {
        topic_id: Set(row.id),
        note: Set(note.to_string()),
        participants: Set(participants.to_string()),
        created_by: Set(who.actor.user.map_or(0, |u| u.0)),
        created_at: Set(w.now),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(EventDetail::Research {
        note: note.to_string(),
        participants: participants.to_string(),
    })
}
