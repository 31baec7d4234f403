//! The store's own read models, handed to the web layer: typed ids and the
//! domain's enums, converted once from a row. A stored value that does not
//! parse is [`crate::StoreError::Corrupt`], handled one way.
mod event;

pub use event::TopicEvent;

use crate::StoreError;

/// Parses a stored code into the domain's enum, or says which column is damaged.
pub(crate) fn parsed<T>(
    code: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    column: &str,
) -> Result<T, StoreError> {
    parse(code).ok_or_else(|| StoreError::Corrupt(format!("{column} = {code:?}")))
}
