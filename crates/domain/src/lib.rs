//! The consultation chain as types and rules, with no I/O.
//!
//! Handlers and the store never decide a move themselves: they build a
//! context, ask [`decide`], [`decide_task`] or [`decide_meeting`], and write
//! what comes back (the new state and the timeline event) or refuse with the
//! [`DomainError`].
#![warn(missing_docs)]

mod admin;
mod audit;
mod burst;
mod calendar;
mod campaign;
mod categories;
mod channel;
mod deliberation;
mod error;
mod event;
mod export;
mod figures;
mod ids;
mod import;
mod intake;
mod kpi;
mod labels;
mod live;
mod mail;
mod meeting;
mod meeting_day;
mod minutes;
mod open311;
mod order;
mod outbound;
mod password;
pub mod patterns;
mod people;
mod period;
mod region;
mod research;
mod review;
mod search;
mod second_factor;
mod supervision;
mod task;
mod timeline;
mod topic;
mod triage;
mod values;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

pub use admin::{
    LiveBelow, may_administer, may_change_region, may_edit_calendar, may_grant, may_manage_person,
    move_fits, new_region_fits, retire_fits,
};
pub use audit::{
    AuditAction, AuditRecord, AuditWhat, ChainBreak, Checkpoint, GENESIS, Verdict, Verifier,
};
pub use burst::{Arrival, BURST_MINUTES, BURST_PHONES, Burst, find_bursts};
pub use calendar::{
    Calendar, DEADLINE_CLASSES, DeadlineClass, DeadlineOverride, YearSchedule, deadline_class,
    deadline_classes, deadline_text, parse_schedules, set_deadline_class,
};
pub use campaign::{CampaignPlan, may_join_campaign, may_run_campaign, progress};
pub use categories::{
    CATEGORIES, MAX_CATEGORIES, OTHER, categories_for, category_in, category_list,
    default_categories,
};
pub use channel::Channel;
pub use deliberation::{
    DeliberationCtx, DeliberationMove, DeliberationState, Moderation, StatementState,
    allowed_deliberation, decide_deliberation, may_take_part, new_statement_state,
    open_deliberation, takes_deliberation,
};
pub use error::DomainError;
pub use event::EventKind;
pub use export::{
    EXPORT_KEPT_FOR, EXPORT_REUSED_FOR, EXPORT_STALLED_AFTER, ExportStatus, LEDGER_AT_ONCE,
};
pub use figures::{
    Counter, EventFacts, Key, Reading, TRIAGE_DAYS_CAP, Tally, TaskTiming, counts_for, one_decimal,
};
pub use ids::{
    DeliberationId, DepartmentId, ExportId, MeetingId, NotificationId, OpinionId, OrderId,
    RegionId, ReviewSessionId, RoomId, StatementId, TaskId, TopicId, UserId,
};
pub use import::{
    DEPARTMENT_SHEET, DepartmentLine, ImportError, ImportLines, PERSON_SHEET, PersonLine,
    ROOM_SHEET, RoomLine, Sheet, read_sheets,
};
pub use intake::{
    ANONYMOUS, PhotoCtx, check_support, check_supporter_rating, photos_visible, publish_photos,
    reveal_phone, shown_submitter,
};
pub use kpi::{Behind, Kpi};
pub use live::{
    SpeakerState, VoteChoice, VoteMode, check_hands, may_ask_to_speak, may_run, passed,
};
pub use mail::{EmailAddress, Letter, NoticeBy};
pub use meeting::{
    MeetingCommand, MeetingCtx, MeetingState, MeetingTransition, allowed_meeting, decide_meeting,
    plan_meeting,
};
pub use meeting_day::{
    Attendee, CHECKIN_SECONDS, CheckIn, MixLine, MixRule, Rsvp, checkin_code_fresh, checkin_window,
    may_answer, may_invite, may_sign_in, may_vote, mix,
};
pub use minutes::{may_publish_minutes, may_write_minutes};
pub use open311::{
    OPEN311_MAX_DAYS, OPEN311_MAX_REQUESTS, degrees_e6, nearest, open311_span, open311_states,
    open311_status, point_e6, title_from,
};
pub use order::{answer_order, issue_order, order_overdue};
pub use outbound::{
    MAX_ATTEMPTS, OutChannel, SMS_DAILY_CAP, SMS_VARIABLE_MAX, SmsTemplate, SmsText,
    WEBHOOK_PAUSE_AFTER, WEBHOOK_REPLAY_WINDOW_SECS, fit, retry_after, webhook_paused,
    within_daily_cap,
};
pub use password::choose_password;
pub use people::{Actor, Grant, ParticipantCategory, Role, Scope, ScopeKind};
pub use period::{Month, Period};
pub use region::{RegionLevel, RegionPath};
pub use research::{
    Analysis, AnalysisSection, Participant, ResearchMethod, ResearchPlan, ResearchProgress,
    ResearchVisit,
};
pub use review::{ReviewSessionRef, Ruling, dispatchable, overall_decision, plan_review_session};
pub use search::SearchKind;
pub use second_factor::{
    ISSUER, KEY_BYTES, RECOVERY_ALPHABET, RECOVERY_CODES, RECOVERY_LENGTH, TotpKey, is_app_code,
    may_turn_off_second_factor, recovery_code, recovery_code_hash, recovery_code_shown,
    second_factor_required,
};
pub use supervision::{Audience, Card, Notice, Supervised, Thresholds, card, notices};
pub use task::{
    Punctuality, Share, ShareState, TaskCommand, TaskCtx, TaskMove, TaskState, TaskTransition,
    allowed_task, check_co_departments, decide_task, head_approval, may_task, own_share,
    set_head_approval,
};
pub use timeline::{BEIJING, EventDetail, beijing_date, beijing_midnight, beijing_time};
pub use topic::{
    DepartmentRef, MeetingRef, MergeTarget, OpinionRef, Phase, Submitter, TopicCommand, TopicCtx,
    TopicMove, TopicState, TopicTransition, allowed, decide, may, submit,
};
pub use triage::takes_merges;
pub use values::{
    AdoptedPart, Decision, FollowUpOutcome, Instructions, Limits, MeetingTitle, Note, Participants,
    Password, PersonName, PhoneNumber, RatingComment, Reason, RoomCode, Satisfaction, TaskTitle,
    TopicBody, TopicTitle, TrackingNo, Username, has_hidden_chars,
};
