//! Server-rendered pages, one module per part of the chain.
pub mod campaign;
pub mod deadlines;
pub mod deliberation;
pub mod desk;
pub mod duty;
pub mod inbox;
pub mod live;
pub mod login;
pub mod meeting;
pub mod meeting_day;
pub mod mine;
pub mod minutes;
pub mod public;
pub mod research;
pub mod supervision;
pub mod topic;
pub mod triage;
