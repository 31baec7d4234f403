//! 工作指标: the figures leaders report upward and are ranked on, and how
//! each is counted (口径).
//!
//! Figures are counters kept per room (and, for tasks, per department) and
//! per month. Every timeline entry adds to them once, when it is written
//! ([`counts_for`]), so a region's figures for a period are sums over its
//! rooms' months and never a count from scratch. A figure belongs to the
//! month its event happened in: a topic raised in March and completed in
//! May counts as raised in March and completed in May.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::labels::labelled;
use crate::{Channel, Decision, EventDetail, EventKind, FollowUpOutcome, Thresholds};

labelled!(
    /// What the rollup counts: one stored number per room (or department) and month.
    Counter {
        Raised => "raised", "议题";
        ByLeadership => "by_leadership", "党政点题";
        ByResidents => "by_residents", "群众出题";
        ByMembers => "by_members", "委员荐题";
        Accepted => "accepted", "受理立项";
        Rejected => "rejected", "不予立项";
        Merged => "merged", "合并";
        Referred => "referred", "转办";
        Scheduled => "scheduled", "安排上会";
        ScheduledResearched => "scheduled_researched", "调研后上会";
        MeetingsHeld => "meetings_held", "召开协商议事会";
        MeetingsWithMembers => "meetings_with_members", "政协委员参加的会议";
        Opinions => "opinions", "形成协商意见";
        OpinionsAdopted => "opinions_adopted", "意见被采纳";
        TasksDispatched => "tasks_dispatched", "交办任务";
        TasksSigned => "tasks_signed", "任务签收";
        TasksSignedOnTime => "tasks_signed_on_time", "按时签收";
        TasksDone => "tasks_done", "任务办结";
        TasksDoneOnTime => "tasks_done_on_time", "按期办结";
        YellowCards => "yellow_cards", "黄牌";
        RedCards => "red_cards", "红牌";
        Extensions => "extensions", "延期";
        Completed => "completed", "议题办结";
        Ratings => "ratings", "群众评价";
        Satisfied => "satisfied", "满意";
        Reopened => "reopened", "重新办理";
        FollowUps => "follow_ups", "跟踪问效";
        FollowUpsFailed => "follow_ups_failed", "回访无效";
        Likes => "likes", "点赞";
        Deliberations => "deliberations", "线上议事";
        DeliberationVotes => "deliberation_votes", "线上议事投票";
    }
);

impl Counter {
    /// Counters about a department's work, kept for the department too.
    pub fn is_task(&self) -> bool {
        use Counter::*;
        matches!(
            self,
            TasksDispatched
                | TasksSigned
                | TasksSignedOnTime
                | TasksDone
                | TasksDoneOnTime
                | YellowCards
                | RedCards
                | Extensions
        )
    }
}

/// Days from raising to triage are kept as a histogram (one counter per
/// day, the last for this many days or more), so the median adds up
/// across rooms and months.
pub const TRIAGE_DAYS_CAP: u32 = 60;

/// One stored number's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// A counter.
    Count(Counter),
    /// Topics triaged this many days after they were raised.
    TriageDays(u32),
}

impl Key {
    /// Its stored code: the counter's, or `triage_days:N`.
    pub fn code(&self) -> String {
        match self {
            Key::Count(c) => c.code().to_owned(),
            Key::TriageDays(d) => format!("triage_days:{d}"),
        }
    }

    /// The key stored under `code`.
    pub fn parse(code: &str) -> Option<Key> {
        match code.strip_prefix("triage_days:") {
            Some(d) => d
                .parse()
                .ok()
                .filter(|d| *d <= TRIAGE_DAYS_CAP)
                .map(Key::TriageDays),
            None => Counter::parse(code).map(Key::Count),
        }
    }
}

/// What a task's timing was when it was signed for or verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskTiming {
    /// Working days from dispatch to signing, when the calendar covers them.
    pub signed_after: Option<i64>,
    /// Its due date, after any extension granted.
    pub due: NaiveDate,
    /// The day the department last reported it done.
    pub done_on: Option<NaiveDate>,
}

/// A timeline entry with what the figures need to know about its topic.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    /// What happened.
    pub kind: EventKind,
    /// Its facts.
    pub detail: &'a EventDetail,
    /// The topic's channel.
    pub channel: Channel,
    /// The day the topic was raised (Beijing).
    pub raised_on: NaiveDate,
    /// The day it happened (Beijing).
    pub on: NaiveDate,
    /// For scheduling: whether research was recorded before.
    pub researched: bool,
    /// For a task's signing or verification: its timing.
    pub task: Option<TaskTiming>,
}

/// What one timeline entry adds to the figures.
pub fn counts_for(e: &EventFacts<'_>) -> Vec<(Key, i64)> {
    use Counter as C;
    let one = |c: Counter| (Key::Count(c), 1);
    let mut out = Vec::new();
    match e.kind {
        EventKind::Submitted => {
            out.push(one(C::Raised));
            out.push(one(match e.channel {
                Channel::Leadership => C::ByLeadership,
                Channel::Resident => C::ByResidents,
                Channel::Committee => C::ByMembers,
            }));
        }
        EventKind::Accepted | EventKind::Rejected | EventKind::Merged | EventKind::Referred => {
            out.push(one(match e.kind {
                EventKind::Accepted => C::Accepted,
                EventKind::Rejected => C::Rejected,
                EventKind::Merged => C::Merged,
                _ => C::Referred,
            }));
            // 党政点题 is accepted as it is raised: no wait to count.
            if e.channel != Channel::Leadership {
                let days = (e.on - e.raised_on)
                    .num_days()
                    .clamp(0, TRIAGE_DAYS_CAP as i64);
                out.push((Key::TriageDays(days as u32), 1));
            }
        }
        EventKind::Scheduled => {
            out.push(one(C::Scheduled));
            if e.researched {
                out.push(one(C::ScheduledResearched));
            }
        }
        EventKind::OpinionRecorded => out.push(one(C::Opinions)),
        EventKind::Reviewed => {
            if let EventDetail::Reviewed {
                decision: Decision::Adopt | Decision::PartlyAdopt,
                ..
            } = e.detail
            {
                out.push(one(C::OpinionsAdopted));
            }
        }
        EventKind::TaskDispatched => out.push(one(C::TasksDispatched)),
        EventKind::TaskSigned => {
            out.push(one(C::TasksSigned));
            let limit = Thresholds::DEFAULT.unsigned_yellow;
            if e.task
                .and_then(|t| t.signed_after)
                .is_some_and(|d| d < limit)
            {
                out.push(one(C::TasksSignedOnTime));
            }
        }
        EventKind::TaskVerified => {
            out.push(one(C::TasksDone));
            let done = e
                .task
                .map(|t| crate::Punctuality::of(t.due, Some(t.done_on.unwrap_or(e.on)), e.on));
            if done == Some(crate::Punctuality::DoneOnTime) {
                out.push(one(C::TasksDoneOnTime));
            }
        }
        EventKind::Carded => {
            if let EventDetail::Supervision {
                notice: crate::Notice::Card { card, .. },
                ..
            } = e.detail
            {
                out.push(one(match card {
                    crate::Card::Yellow => C::YellowCards,
                    crate::Card::Red => C::RedCards,
                }));
            }
        }
        EventKind::ExtensionGranted => out.push(one(C::Extensions)),
        EventKind::Completed => out.push(one(C::Completed)),
        EventKind::Rated => {
            out.push(one(C::Ratings));
            if let EventDetail::Rated { satisfaction, .. } = e.detail
                && satisfaction.is_satisfied()
            {
                out.push(one(C::Satisfied));
            }
        }
        EventKind::Reopened => {
            out.push(one(C::Reopened));
            // A rating short of satisfied reopens the topic: it is this entry.
            if let EventDetail::Rated { .. } = e.detail {
                out.push(one(C::Ratings));
            }
        }
        EventKind::FollowedUp | EventKind::FollowUpFailed => {
            out.push(one(C::FollowUps));
            if e.kind == EventKind::FollowUpFailed
                || matches!(
                    e.detail,
                    EventDetail::FollowUp {
                        outcome: FollowUpOutcome::Ineffective,
                        ..
                    }
                )
            {
                out.push(one(C::FollowUpsFailed));
            }
        }
        EventKind::DeliberationOpened => out.push(one(C::Deliberations)),
        EventKind::DeliberationClosed => {
            if let EventDetail::DeliberationClosed { votes } = e.detail {
                out.push((Key::Count(C::DeliberationVotes), i64::from(*votes)));
            }
        }
        _ => {}
    }
    out
}

/// The stored numbers of a region (or room, or department) for a period,
/// summed, with the one figure that is counted live.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    counts: HashMap<Counter, i64>,
    triage_days: BTreeMap<u32, i64>,
    /// Tasks past their due date and not done, now (not a period's figure).
    pub overdue_now: i64,
}

impl Tally {
    /// Adds `n` under a key.
    pub fn add(&mut self, key: Key, n: i64) {
        match key {
            Key::Count(c) => *self.counts.entry(c).or_default() += n,
            Key::TriageDays(d) => *self.triage_days.entry(d).or_default() += n,
        }
    }

    /// A counter's sum.
    pub fn get(&self, c: Counter) -> i64 {
        self.counts.get(&c).copied().unwrap_or(0)
    }

    /// The median days from raising to triage; `None` with nothing triaged.
    /// Two middle values are averaged.
    pub fn median_triage_days(&self) -> Option<f64> {
        let total: i64 = self.triage_days.values().sum();
        if total == 0 {
            return None;
        }
        let nth = |k: i64| {
            let mut seen = 0;
            for (d, n) in &self.triage_days {
                seen += n;
                if seen > k {
                    return f64::from(*d);
                }
            }
            f64::from(TRIAGE_DAYS_CAP)
        };
        Some(if total % 2 == 1 {
            nth(total / 2)
        } else {
            (nth(total / 2 - 1) + nth(total / 2)) / 2.0
        })
    }

    /// `part` of `whole` in percent; `None` when there is no whole.
    pub fn percent(&self, part: Counter, whole: Counter) -> Option<f64> {
        let whole = self.get(whole);
        (whole > 0).then(|| self.get(part) as f64 * 100.0 / whole as f64)
    }
}

/// How a figure reads: a number of things, a share, or days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// A count.
    Count(i64),
    /// A percentage, `None` when nothing was there to divide.
    Percent(Option<f64>),
    /// Days, `None` when nothing was measured.
    Days(Option<f64>),
}

impl Reading {
    /// As shown: 12, 87.5%, 1.5 天, or — for nothing to show.
    pub fn text_zh(&self) -> String {
        match self {
            Reading::Count(n) => n.to_string(),
            Reading::Percent(Some(p)) => format!("{}%", one_decimal(*p)),
            Reading::Days(Some(d)) => format!("{} 天", one_decimal(*d)),
            Reading::Percent(None) | Reading::Days(None) => "—".to_owned(),
        }
    }

    /// The number, if there is one to show (a share or median of nothing has none).
    pub fn number(&self) -> Option<f64> {
        match self {
            Reading::Count(n) => Some(*n as f64),
            Reading::Percent(p) | Reading::Days(p) => *p,
        }
    }

    /// What the number counts: `count`, `percent` or `days`.
    pub fn unit(&self) -> &'static str {
        match self {
            Reading::Count(_) => "count",
            Reading::Percent(_) => "percent",
            Reading::Days(_) => "days",
        }
    }

    /// A number to rank and chart by (nothing counts as zero).
    pub fn value(&self) -> f64 {
        self.number().unwrap_or(0.0)
    }
}

/// One decimal at most, none when it is whole: 2.5, 3.
pub fn one_decimal(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
#[path = "tests/figures.rs"]
mod tests;
