//! The writes of each stage of the chain, one module per stage: the core
//! function of a move with a page wrapper (form in, 303 redirect out) and an
//! API wrapper (JSON in, JSON out), and the input shapes that stage reads.
//! The read pages are in `pages/`; the shared extractors and parsers in `forms`.
pub mod deliberation;
pub mod deliberation_io;
pub mod evaluation;
pub mod intake;
pub mod live;
pub mod meeting;
pub mod meeting_day;
pub mod minutes;
pub mod order;
pub mod research;
pub mod review;
pub mod task;
pub mod topic;
