//! sea-orm entities: one file per table, the single source of the schema on both backends.
//!
//! The derives generate `Entity`, `Column`, `ActiveModel` and `Relation`
//! for every table, which cannot carry docs; what a table and its less
//! obvious columns mean is said on each `Model`.
#![allow(missing_docs)]
pub mod agenda_item;
pub mod analysis_state;
pub mod api_key;
pub mod audit_entry;
pub mod audit_head;
pub mod calendar_day;
pub mod calendar_year;
pub mod campaign;
pub mod campaign_room;
pub mod deadline_setting;
pub mod deliberation;
pub mod deliberation_participant;
pub mod deliberation_result;
pub mod department;
pub mod export;
pub mod figure_count;
pub mod follow_up;
pub mod follower;
pub mod grant;
pub mod meeting;
pub mod meeting_ballot;
pub mod meeting_invitation;
pub mod meeting_minutes;
pub mod meeting_mix_rule;
pub mod meeting_speaker;
pub mod meeting_vote;
pub mod notification;
pub mod opinion;
pub mod opinion_vote;
pub mod otp_code;
pub mod outbox;
pub mod phone_reveal;
pub mod photo;
pub mod rating;
pub mod recovery_code;
pub mod region;
pub mod region_rule;
pub mod research_analysis;
pub mod research_participant;
pub mod research_plan;
pub mod research_record;
pub mod review_session;
pub mod room;
pub mod room_person;
pub mod search_entry;
pub mod second_factor;
pub mod session;
pub mod setting;
pub mod statement;
pub mod submission_key;
pub mod supervision_order;
pub mod support;
pub mod task;
pub mod task_notice;
pub mod task_share;
pub mod topic;
pub mod topic_event;
pub mod topic_like;
pub mod user;
pub mod webhook;
