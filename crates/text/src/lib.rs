//! Chinese text for near-duplicate detection of residents' topics, and
//! for search ([`index_terms`], [`query_terms`]).
//!
//! A new topic is compared with the open topics of its subdistrict so that a
//! resident (or a convener) sees "this looks like topic #123" before two rooms
//! discuss one problem. Text is folded ([`fold`]: 繁→简, full-width, case,
//! punctuation), segmented with jieba ([`tokens`]), and each topic becomes a
//! [`Doc`]: a weighted vector of problem concepts, words and character pairs,
//! plus the places it names. [`similarity`] is the cosine of two vectors,
//! lowered when the places (or the problems) plainly differ: the same
//! problem at another place, or another problem at the same place, is another
//! topic.
//!
//! How well this works is measured on labelled pairs of topics:
//! `cargo test -p text --test pairs -- --nocapture` prints precision and
//! recall; `cargo run --release -p text --example rank_bench` times [`rank`].

mod doc;
mod fold;
mod lexicon;
mod search;
mod tokens;

pub use doc::{BODY_CHARS, Doc, rank, similarity};
#[doc(hidden)]
pub use doc::{Params, similarity_with};
pub use fold::fold;
pub use search::{QUERY_CHARS, QUERY_TERMS, index_terms, index_version, query_terms, snippet};
pub use tokens::tokens;

use std::sync::atomic::{AtomicBool, Ordering};

static WARM: AtomicBool = AtomicBool::new(false);

/// Loads jieba's dictionary and the OpenCC tables now (about a second in a
/// debug build, a tenth in a release one) rather than inside the first
/// write that indexes a text: a server calls it as it starts and reports
/// ready once it is done.
pub fn warm_up() {
    tokens("热身");
    fold("熱身");
    WARM.store(true, Ordering::Release);
}

/// Whether [`warm_up`] has finished.
pub fn is_warm() -> bool {
    WARM.load(Ordering::Acquire)
}

/// Score at or above which two topics are "likely the same problem".
/// Chosen with the weights on the "tune" half of `tests/data/pairs.toml`.
pub const DUPLICATE_THRESHOLD: f64 = 0.2;
