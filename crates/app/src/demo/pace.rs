//! The demo's clock: every demo move is made through the real store calls
//! at a time the demo sets, so each timeline reads as it would have
//! happened — residents write between morning and night, officials act in
//! office hours on weekdays, and nothing happens after the moment of loading.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use domain::BEIJING;
use store::Clock;

/// Beijing wall-clock time on a day, as UTC.
pub fn beijing(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    BEIJING
        .from_local_datetime(&day.and_time(time))
        .single()
        .map_or_else(|| day.and_time(time).and_utc(), |t| t.to_utc())
}

/// The demo's hand-set clock and the moment the demo is loaded ("now").
pub struct Pace {
    pub clock: Clock,
    pub now: DateTime<Utc>,
}

impl Pace {
    pub fn new(now: DateTime<Utc>) -> Pace {
        Pace {
            clock: Clock::at(now),
            now,
        }
    }

    /// Today in Beijing at the moment of loading.
    pub fn today(&self) -> NaiveDate {
        domain::beijing_date(self.now)
    }

    /// Sets the clock; a moment past loading is held at loading.
    pub fn set(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let t = t.min(self.now);
        self.clock.set(t);
        t
    }

    /// An official's move `days` after `after`: the next weekday office
    /// hour (09:00–17:00, Beijing) at or after that, `salt` spreading the minute.
    pub fn office(&self, after: DateTime<Utc>, days: i64, salt: usize) -> DateTime<Utc> {
        let base = after + Duration::days(days);
        let mut day = domain::beijing_date(base);
        let minute = 9 * 60 + (salt * 37 % (8 * 60)) as u32;
        let mut t = beijing(day, minute / 60, minute % 60);
        while t < base || matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            day = day.succ_opt().unwrap_or(day);
            t = beijing(day, minute / 60, minute % 60);
        }
        self.set(t)
    }

    /// A resident's move `days` after `after`, between 07:30 and 21:30 any day.
    pub fn resident(&self, after: DateTime<Utc>, days: i64, salt: usize) -> DateTime<Utc> {
        let base = after + Duration::days(days);
        let mut day = domain::beijing_date(base);
        let minute = 7 * 60 + 30 + (salt * 53 % (14 * 60)) as u32;
        let mut t = beijing(day, minute / 60, minute % 60);
        if t < base {
            day = day.succ_opt().unwrap_or(day);
            t = beijing(day, minute / 60, minute % 60);
        }
        self.set(t)
    }

    /// A few minutes after `t`, for moves made one after another.
    pub fn minutes_after(&self, t: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        self.set(t + Duration::minutes(minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officials_act_on_weekdays_in_office_hours_and_never_after_loading() {
        // Friday 2026-12-04 20:00 Beijing.
        let now = beijing(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(), 20, 0);
        let pace = Pace::new(now);
        let start = beijing(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), 18, 0);
        for salt in 0..50 {
            let t = pace.office(start, 1, salt).with_timezone(&BEIJING);
            assert!(!matches!(t.weekday(), Weekday::Sat | Weekday::Sun), "{t}");
            assert!((9..17).contains(&t.hour()), "{t}");
            let r = pace.resident(start, 0, salt).with_timezone(&BEIJING);
            assert!((7..22).contains(&r.hour()), "{r}");
        }
        assert_eq!(pace.office(now, 3, 1), now);
        assert_eq!(pace.clock.now(), now);
    }
    use chrono::Timelike;
}
