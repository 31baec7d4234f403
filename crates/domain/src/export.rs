//! 导出: a large region's 工作台账 is made in the background, page by page,
//! while whoever asked for it watches the count move. These rules say when
//! such an export is still being made, when a finished one is reused rather
//! than made again, and when one whose maker stopped (its node killed
//! mid-way, say) is given up so that asking again starts afresh.
use chrono::{DateTime, TimeDelta, Utc};

/// Topics up to which a 台账 is made while the request waits: a few
/// seconds' work. Larger ones are made in the background with progress.
pub const LEDGER_AT_ONCE: u64 = 5_000;

/// An export whose count has not moved for this long has stopped: a page
/// of topics takes well under a second, so two minutes is a dead maker.
pub const EXPORT_STALLED_AFTER: TimeDelta = TimeDelta::minutes(2);

/// A finished export is handed to whoever asks for the same region and
/// period within this long, instead of being made again.
pub const EXPORT_REUSED_FOR: TimeDelta = TimeDelta::minutes(10);

/// Exports older than this are deleted when a new one is asked for.
pub const EXPORT_KEPT_FOR: TimeDelta = TimeDelta::days(1);

/// Where an export stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportStatus {
    /// Being made.
    Making {
        /// Topics written so far.
        done: u64,
        /// Topics to write.
        total: u64,
    },
    /// Made, ready to download.
    Ready,
    /// Its maker stopped or failed; asking again starts a new one.
    Failed,
}

impl ExportStatus {
    /// The status of an export last moved at `moved`, given whether it
    /// finished or failed, as of `now`.
    pub fn of(
        done: u64,
        total: u64,
        finished: bool,
        failed: bool,
        moved: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> ExportStatus {
        if failed {
            ExportStatus::Failed
        } else if finished {
            ExportStatus::Ready
        } else if now - moved > EXPORT_STALLED_AFTER {
            ExportStatus::Failed
        } else {
            ExportStatus::Making {
                done: done.min(total),
                total,
            }
        }
    }

    /// Whether a request for the same export is answered by this one:
    /// while it is being made, or for a while after it was made.
    pub fn serves_again(self, finished_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        match self {
            ExportStatus::Making { .. } => true,
            ExportStatus::Ready => finished_at.is_some_and(|at| now - at <= EXPORT_REUSED_FOR),
            ExportStatus::Failed => false,
        }
    }

    /// Whole percent done, for a progress bar (a made export is 100).
    pub fn percent(self) -> u8 {
        match self {
            ExportStatus::Making { done, total } if total > 0 => (done * 100 / total) as u8,
            ExportStatus::Making { .. } => 0,
            ExportStatus::Ready => 100,
            ExportStatus::Failed => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + TimeDelta::minutes(minutes)
    }

    #[test]
    fn a_moving_export_is_being_made_and_a_still_one_has_stopped() {
        let moved = at(0);
        assert_eq!(
            ExportStatus::of(500, 12_000, false, false, moved, at(1)),
            ExportStatus::Making {
                done: 500,
                total: 12_000
            }
        );
        assert_eq!(
            ExportStatus::of(500, 12_000, false, false, moved, at(3)),
            ExportStatus::Failed
        );
        assert_eq!(
            ExportStatus::of(12_000, 12_000, true, false, moved, at(3)),
            ExportStatus::Ready,
            "a made export does not go stale"
        );
        assert_eq!(
            ExportStatus::of(0, 10, false, true, moved, at(0)),
            ExportStatus::Failed
        );
    }

    #[test]
    fn a_made_export_serves_again_for_ten_minutes() {
        let made = Some(at(0));
        assert!(ExportStatus::Ready.serves_again(made, at(10)));
        assert!(!ExportStatus::Ready.serves_again(made, at(11)));
        assert!(ExportStatus::Making { done: 0, total: 1 }.serves_again(None, at(0)));
        assert!(!ExportStatus::Failed.serves_again(made, at(0)));
    }

    #[test]
    fn percent_done() {
        assert_eq!(
            ExportStatus::Making {
                done: 3_000,
                total: 12_000
            }
            .percent(),
            25
        );
        assert_eq!(ExportStatus::Making { done: 0, total: 0 }.percent(), 0);
        assert_eq!(ExportStatus::Ready.percent(), 100);
        assert_eq!(
            ExportStatus::of(900, 10, false, false, at(0), at(0)).percent(),
            100,
            "done never passes the total"
        );
    }
}
