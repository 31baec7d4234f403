//! The store's own read models, handed to the web layer: typed ids and the
//! domain's enums, converted once from a row. A stored value that does not
//! parse is [`crate::StoreError::Corrupt`], handled one way.
mod deliberation;
mod directory;
mod event;
mod record;
mod task;
mod topic;

pub use deliberation::{Deliberation, Statement};
pub use directory::{Department, Region, Room, User};
pub use event::TopicEvent;
pub use record::{DeliberationResult, Notification, Opinion, Photo, Rating, ReviewSession};
pub use task::{Meeting, Task};
pub use topic::Topic;

use crate::StoreError;

/// Parses a stored code into the domain's enum, or says which column is damaged.
pub(crate) fn parsed<T>(
    code: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    column: &str,
) -> Result<T, StoreError> {
    parse(code).ok_or_else(|| StoreError::Corrupt(format!("{column} = {code:?}")))
}

/// Converts a list of rows, failing on the first unreadable one.
pub(crate) fn all<R, T: TryFrom<R, Error = StoreError>>(
    rows: Vec<R>,
) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(T::try_from).collect()
}
