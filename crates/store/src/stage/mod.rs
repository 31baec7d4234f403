//! One module per stage of the chain. A move on a topic is load → decide →
//! effect → event: `topics::apply_topic` loads and locks the topic, asks
//! the domain, then calls the stage's effect function here, which writes the
//! stage's own records and returns the facts of the timeline entry.
pub(crate) mod bursts;
pub(crate) mod campaign;
pub(crate) mod deliberation;
pub(crate) mod deliberation_io;
pub(crate) mod duty;
pub(crate) mod evaluation;
pub(crate) mod follow_up;
pub(crate) mod intake;
pub(crate) mod live;
pub(crate) mod meeting;
pub(crate) mod meeting_day;
pub(crate) mod mine;
pub(crate) mod minutes;
pub(crate) mod notify;
pub(crate) mod opinion_map;
pub(crate) mod order;
pub(crate) mod research;
pub(crate) mod review;
pub(crate) mod share;
pub(crate) mod submit;
pub(crate) mod supervision;
pub(crate) mod task;
pub(crate) mod triage;
