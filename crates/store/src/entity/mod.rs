//! sea-orm entities: one file per table, the single source of the schema on both backends.
pub mod agenda_item;
pub mod department;
pub mod grant;
pub mod meeting;
pub mod opinion;
pub mod otp_code;
pub mod rating;
pub mod region;
pub mod research_record;
pub mod room;
pub mod session;
pub mod task;
pub mod topic;
pub mod topic_event;
pub mod topic_like;
pub mod user;
