//! 受理 (triage): the records a convener's merge writes beyond the topic
//! itself. Accepting and rejecting change only the topic; referring makes a
//! task (see [`super::task::create_task`]).
use domain::{EventDetail, EventKind, MergeTarget, Role, RoomId, TopicId, TopicState, TrackingNo};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::topic;
use crate::model::parsed;
use crate::topics::add_event;
use crate::{Result, StoreError, TopicRow, Who, WriteTx, intake};

/// The topic a submission is to be merged into, as the domain's rules see it.
pub(crate) async fn merge_target(w: &WriteTx, into: &TrackingNo) -> Result<MergeTarget> {
    let target = topic::Entity::find()
        .filter(topic::Column::TrackingNo.eq(into.as_str()))
        .one(&w.tx)
        .await?
        .ok_or(StoreError::NotFound("目标议题"))?;
    Ok(MergeTarget {
        id: TopicId(target.id),
        room: RoomId(target.room_id),
        state: parsed(&target.state, TopicState::parse, "topics.state")?,
    })
}

/// The surviving topic's timeline says what joined it, and it takes over
/// the merged topic's supports and followers.
pub(crate) async fn merge(
    w: &WriteTx,
    row: &TopicRow,
    into: TopicId,
    who: &Who,
    role: Role,
) -> Result<()> {
    let detail = EventDetail::MergedFrom {
        title: row.title.clone(),
        tracking_no: row.tracking_no.clone(),
    };
    add_event(w, into.0, None, EventKind::MergedInto, who, role, detail).await?;
    intake::carry_over(w, row.id, into.0).await
}
