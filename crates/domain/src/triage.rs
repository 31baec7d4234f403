//! 受理: what a convener may do with a fresh submission beyond the state
//! machine's table — here, which topic it may be merged into.
use crate::{DomainError, MergeTarget, TopicCtx, TopicState};

/// A submission joins a topic of the same room that is alive: accepted or
/// further on, not itself, not waiting for triage, not refused or merged.
pub(crate) fn check_merge_target(ctx: &TopicCtx, into: &MergeTarget) -> Result<(), DomainError> {
    if into.room != ctx.room {
        return Err(DomainError::Precondition("只能合并到本议事室的议题".into()));
    }
    if !takes_merges(into.state) {
        // The topic itself is still 待受理, so this also refuses merging into itself.
        return Err(DomainError::Precondition(
            "目标议题尚未立项或已关闭，不能合并".into(),
        ));
    }
    Ok(())
}

/// Whether a topic in this state can take others merged into it (for
/// offering likely duplicates as merge targets).
pub fn takes_merges(state: TopicState) -> bool {
    !matches!(
        state,
        TopicState::Rejected | TopicState::Merged | TopicState::Submitted
    )
}
