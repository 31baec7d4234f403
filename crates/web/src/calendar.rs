//! The official calendar as handlers count deadlines with it: read from the
//! store, kept for a minute (an administrator entering a new year's notice
//! is seen within it by every app node), and the deadline of a task in
//! working days as people read it.
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::Calendar;

use crate::AppState;
use crate::error::AppResult;

/// How long a read calendar is used before it is read again.
const KEEP: Duration = Duration::from_secs(60);

/// The calendar last read and when.
#[derive(Default)]
pub struct KeptCalendar(tokio::sync::Mutex<Option<(Instant, Arc<Calendar>)>>);

impl KeptCalendar {
    /// The calendar, read afresh at most once a minute.
    pub async fn get(&self, state: &AppState) -> AppResult<Arc<Calendar>> {
        let mut kept = self.0.lock().await;
        if let Some((at, c)) = kept.as_ref()
            && at.elapsed() < KEEP
        {
            return Ok(c.clone());
        }
        let c = Arc::new(state.store.calendar().await?);
        *kept = Some((Instant::now(), c.clone()));
        Ok(c)
    }
}

/// Deadlines as they stand today (Beijing's date, from the store's clock).
pub struct Deadlines {
    today: NaiveDate,
    calendar: Arc<Calendar>,
    thresholds: domain::Thresholds,
}

impl Deadlines {
    /// Today's, with the calendar kept in `state`.
    pub async fn now(state: &AppState) -> AppResult<Deadlines> {
        Ok(Deadlines {
            today: state.store.clock().today(),
            calendar: state.calendar.get(state).await?,
            thresholds: state.config.thresholds,
        })
    }

    /// 黄牌 or 红牌, as supervision sees the task today.
    pub fn card(&self, task: &store::Task) -> Option<domain::Card> {
        let facts = domain::Supervised {
            state: task.state,
            dispatched: domain::beijing_date(task.created_at),
            due: task.due_date,
        };
        domain::card(&facts, &self.calendar, self.today, &self.thresholds)
    }

    /// Whether the task is open past its due date.
    pub fn overdue(&self, task: &store::Task) -> bool {
        task.state.is_overdue(task.due_date, self.today)
    }

    /// 剩余 N 个工作日 or 超期 N 个工作日 while the task is with its
    /// department; nothing once done.
    pub fn text(&self, task: &store::Task) -> String {
        if task.state.is_open() && task.state != domain::TaskState::Done {
            domain::deadline_text(&self.calendar, self.today, task.due_date)
        } else {
            String::new()
        }
    }
}

/// The due date a dispatch or referral asks for: the date given, or the
/// deadline class's working days from today (`deadline` = urgent, normal,
/// complex).
pub async fn resolve_due(
    state: &AppState,
    no: &str,
    input: &mut crate::forms::ActionInput,
) -> AppResult<()> {
    let given = input.due.as_deref().is_some_and(|d| !d.trim().is_empty());
    let class = input.deadline.as_deref().filter(|c| !c.is_empty());
    if given || class.is_none() {
        return Ok(());
    }
    // The classes in force where the topic is.
    let place = state.store.topic_by_tracking(no).await?.region;
    let overrides = state.store.deadline_overrides().await?;
    let class = class
        .and_then(|c| domain::deadline_class(&overrides, &place, c))
        .ok_or_else(|| crate::forms::invalid("deadline", "请选择办理时限"))?;
    let calendar = state.calendar.get(state).await?;
    let due = calendar.add_working_days(state.store.clock().today(), class.working_days)?;
    input.due = Some(due.to_string());
    Ok(())
}
