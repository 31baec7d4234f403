//! 催办 and 亮牌: what supervision says about an open task on a given day,
//! counted in working days on the official calendar. The worker sends each
//! notice once (its key is unique per task); pages show the card.
use chrono::NaiveDate;

use crate::labels::labelled;
use crate::{Calendar, TaskState};

labelled!(
    /// A task's warning card: 黄牌 when it is late to be signed or past its
    /// due date, 红牌 when it stays so; escalated to the department's head,
    /// then to the region's leaders.
    Card {
        Yellow => "yellow", "黄牌";
        Red => "red", "红牌";
    }
);

/// When supervision speaks up, in working days; defaults a region may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// A reminder this many working days before the due date.
    pub remind_before: i64,
    /// Not signed this many working days after dispatch: 黄牌.
    pub unsigned_yellow: i64,
    /// Not signed this many working days after dispatch: 红牌.
    pub unsigned_red: i64,
    /// This many working days past the due date: 黄牌.
    pub overdue_yellow: i64,
    /// This many working days past the due date: 红牌.
    pub overdue_red: i64,
}

impl Thresholds {
    /// 催办 two working days ahead; 黄牌 / 红牌 when unsigned after 1 / 3
    /// working days or late by 1 / 5.
    pub const DEFAULT: Thresholds = Thresholds {
        remind_before: 2,
        unsigned_yellow: 1,
        unsigned_red: 3,
        overdue_yellow: 1,
        overdue_red: 5,
    };
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::DEFAULT
    }
}

/// One thing supervision says about a task, sent at most once (by its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    /// 催办: the due date is near.
    DueSoon {
        /// Working days left.
        days_left: i64,
    },
    /// 催办: due today.
    DueToday,
    /// A card, and why.
    Card {
        /// Yellow or red.
        card: Card,
        /// Not signed in time (else: past its due date).
        unsigned: bool,
    },
}

impl Notice {
    /// Its key: a task hears each notice once.
    pub fn key(&self) -> String {
        match self {
            Notice::DueSoon { .. } => "due_soon".to_owned(),
            Notice::DueToday => "due_today".to_owned(),
            Notice::Card { card, unsigned } => {
                format!(
                    "{}_{}",
                    if *unsigned { "unsigned" } else { "overdue" },
                    card.code()
                )
            }
        }
    }

    /// What the department and its overseers read, in Chinese.
    pub fn text_zh(&self, task_title: &str, due: NaiveDate) -> String {
        match self {
            Notice::DueSoon { days_left } => format!(
                "催办：任务「{task_title}」还有 {days_left} 个工作日到期（{due}），请抓紧办理"
            ),
            Notice::DueToday => format!("催办：任务「{task_title}」今天到期（{due}），请按时办结"),
            Notice::Card {
                card,
                unsigned: true,
            } => {
                format!(
                    "{}：任务「{task_title}」未按时签收，请立即签收办理",
                    card.label_zh()
                )
            }
            Notice::Card {
                card,
                unsigned: false,
            } => format!(
                "{}：任务「{task_title}」已超过办理期限（{due}），请立即办结或说明情况",
                card.label_zh()
            ),
        }
    }

    /// Who hears it: reminders the department's staff, a 黄牌 its head as
    /// well, a 红牌 also the leaders of the department's region.
    pub fn audience(&self) -> Audience {
        match self {
            Notice::Card {
                card: Card::Red, ..
            } => Audience::Leaders,
            Notice::Card { .. } => Audience::Head,
            _ => Audience::Staff,
        }
    }

    /// The timeline entry it makes: 催办 for a reminder, 亮牌督办 for a card.
    pub fn event_kind(&self) -> crate::EventKind {
        match self {
            Notice::Card { .. } => crate::EventKind::Carded,
            _ => crate::EventKind::Reminded,
        }
    }
}

/// How far up a notice goes; each level also reaches those below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Audience {
    /// The department's staff.
    Staff,
    /// And the department's head.
    Head,
    /// And the leaders of the region the department serves.
    Leaders,
}

/// A task as supervision sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Supervised {
    /// Where it stands.
    pub state: TaskState,
    /// The day it was dispatched (Beijing).
    pub dispatched: NaiveDate,
    /// The day it is due.
    pub due: NaiveDate,
}

/// The task's card today, if any: the worse of late signing and lateness.
/// A year not on the calendar gives no card rather than a guessed one.
pub fn card(
    task: &Supervised,
    calendar: &Calendar,
    today: NaiveDate,
    t: &Thresholds,
) -> Option<Card> {
    notices(task, calendar, today, t)
        .into_iter()
        .filter_map(|n| match n {
            Notice::Card { card, .. } => Some(card),
            _ => None,
        })
        .max_by_key(|c| matches!(c, Card::Red))
}

/// Everything supervision has to say about the task today (the worker sends
/// those not sent yet). Only work still with the department is supervised.
pub fn notices(
    task: &Supervised,
    calendar: &Calendar,
    today: NaiveDate,
    t: &Thresholds,
) -> Vec<Notice> {
    use TaskState::*;
    let mut out = Vec::new();
    if !TaskState::WITH_DEPARTMENT.contains(&task.state) {
        return out;
    }
    if task.state == Assigned
        && let Ok(waited) = calendar.working_days_between(task.dispatched, today)
    {
        for (card, after) in [
            (Card::Yellow, t.unsigned_yellow),
            (Card::Red, t.unsigned_red),
        ] {
            if waited >= after {
                out.push(Notice::Card {
                    card,
                    unsigned: true,
                });
            }
        }
    }
    let Ok(left) = calendar.working_days_between(today, task.due) else {
        return out;
    };
    if today == task.due {
        out.push(Notice::DueToday);
    } else if today < task.due && left <= t.remind_before {
        out.push(Notice::DueSoon { days_left: left });
    } else if today > task.due {
        let late = -left;
        for (card, after) in [(Card::Yellow, t.overdue_yellow), (Card::Red, t.overdue_red)] {
            if late >= after {
                out.push(Notice::Card {
                    card,
                    unsigned: false,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::YearSchedule;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// 2026 with only 国庆 entered (enough for these cases).
    fn calendar() -> Calendar {
        Calendar::new([YearSchedule {
            year: 2026,
            days_off: [1, 2, 5, 6, 7]
                .map(|day| (d(10, day), "国庆节".to_owned()))
                .into(),
            working_weekends: [d(9, 20), d(10, 10)].into(),
            source: "test".into(),
        }])
    }

    fn task(state: TaskState, dispatched: NaiveDate, due: NaiveDate) -> Supervised {
        Supervised {
            state,
            dispatched,
            due,
        }
    }

    #[test]
    fn reminders_come_before_and_on_the_due_date() {
        let (c, t) = (calendar(), Thresholds::default());
        let k = task(TaskState::Signed, d(9, 1), d(9, 30));
        assert_eq!(notices(&k, &c, d(9, 25), &t), []);
        assert_eq!(
            notices(&k, &c, d(9, 28), &t),
            [Notice::DueSoon { days_left: 2 }]
        );
        assert_eq!(notices(&k, &c, d(9, 30), &t), [Notice::DueToday]);
        // 国庆: the first working day after is 10-08, one working day late.
        let late = notices(&k, &c, d(10, 8), &t);
        assert_eq!(
            late,
            [Notice::Card {
                card: Card::Yellow,
                unsigned: false
            }]
        );
        assert_eq!(card(&k, &c, d(10, 8), &t), Some(Card::Yellow));
        // 10-14: five working days late (10-08, 09, 10 调休, 12, 13, 14 → six).
        assert_eq!(card(&k, &c, d(10, 14), &t), Some(Card::Red));
    }

    #[test]
    fn a_task_left_unsigned_is_carded_and_done_work_is_not() {
        let (c, t) = (calendar(), Thresholds::default());
        let k = task(TaskState::Assigned, d(9, 14), d(10, 30));
        assert_eq!(card(&k, &c, d(9, 14), &t), None, "dispatched today");
        assert_eq!(card(&k, &c, d(9, 15), &t), Some(Card::Yellow));
        assert_eq!(card(&k, &c, d(9, 17), &t), Some(Card::Red));
        let done = task(TaskState::Done, d(9, 1), d(9, 2));
        assert_eq!(notices(&done, &c, d(10, 20), &t), []);
        let keys: Vec<String> = notices(
            &task(TaskState::Assigned, d(9, 1), d(9, 2)),
            &c,
            d(9, 30),
            &t,
        )
        .iter()
        .map(Notice::key)
        .collect();
        assert_eq!(
            keys,
            [
                "unsigned_yellow",
                "unsigned_red",
                "overdue_yellow",
                "overdue_red"
            ]
        );
    }

    #[test]
    fn no_guessing_past_the_calendar() {
        let (c, t) = (calendar(), Thresholds::default());
        let k = task(
            TaskState::Signed,
            d(12, 1),
            NaiveDate::from_ymd_opt(2027, 1, 20).unwrap(),
        );
        assert_eq!(notices(&k, &c, d(12, 30), &t), []);
    }
}
