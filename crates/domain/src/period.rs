//! 统计期: the stretch of time a region's figures cover — a year, a quarter,
//! a month, or a run of whole months — in Beijing time. Figures are kept per
//! month, so every period is whole months.
use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::DomainError;

/// A calendar month, `year * 100 + month` (202612 is December 2026): the
/// key figures are kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month(day.year() * 100 + day.month() as i32)
    }

    /// The month an instant falls in, in Beijing.
    pub fn at(t: DateTime<Utc>) -> Month {
        Month::of(crate::beijing_date(t))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0 / 100
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u32 {
        (self.0 % 100) as u32
    }

    /// Months since year 0, so months add and subtract as numbers.
    fn serial(self) -> i32 {
        self.year() * 12 + self.month() as i32 - 1
    }

    fn from_serial(n: i32) -> Month {
        Month(n.div_euclid(12) * 100 + n.rem_euclid(12) + 1)
    }

    /// `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        Month::from_serial(self.serial() + n)
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its first instant, midnight in Beijing.
    pub fn start(self) -> DateTime<Utc> {
        crate::beijing_midnight(self.first_day())
    }

    /// `2026-11`: four digits, a dash, two digits.
    fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        let m = digits(m, 2)?;
        (1..=12).contains(&m).then_some(Month(year(y)? * 100 + m))
    }

    fn code(self) -> String {
        format!("{}-{:02}", self.year(), self.month())
    }
}

/// What kind of stretch a period is, for its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Year,
    Quarter,
    Month,
    Months,
}

/// A run of whole months, first to last inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first month.
    pub first: Month,
    /// The last month.
    pub last: Month,
    span: Span,
}

/// The years figures are kept for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// Exactly `n` ASCII digits, as a number.
fn digits(s: &str, n: usize) -> Option<i32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// A year of [`YEARS`], written with four digits.
fn year(s: &str) -> Option<i32> {
    digits(s, 4).filter(|y| YEARS.contains(y))
}

impl Period {
    /// A calendar year.
    pub fn year(year: i32) -> Period {
        Period {
            first: Month(year * 100 + 1),
            last: Month(year * 100 + 12),
            span: Span::Year,
        }
    }

    /// A quarter, 1 to 4.
    pub fn quarter(year: i32, q: u32) -> Period {
        let first = Month(year * 100 + (q.clamp(1, 4) as i32 - 1) * 3 + 1);
        Period {
            first,
            last: first.plus(2),
            span: Span::Quarter,
        }
    }

    /// One month.
    pub fn month(m: Month) -> Period {
        Period {
            first: m,
            last: m,
            span: Span::Month,
        }
    }

    /// Every month figures are kept for: open data without a period.
    pub fn whole() -> Period {
        Period {
            first: Month(YEARS.start() * 100 + 1),
            last: Month(YEARS.end() * 100 + 12),
            span: Span::Months,
        }
    }

    /// The year `today` falls in: the default.
    pub fn this_year(today: NaiveDate) -> Period {
        Period::year(today.year())
    }

    /// Reads `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08` (years
    /// 2000–2099, as [`crate::patterns::PERIOD_PATTERN`] says); anything
    /// else is an error that says what is accepted.
    pub fn parse(s: &str) -> Result<Period, DomainError> {
        let bad = || {
            DomainError::invalid(
                "period",
                "统计期应写作 2026、2026-Q4、2026-11 或 2026-03~2026-08（2000—2099年）",
            )
        };
        if let Some((a, b)) = s.split_once('~') {
            let (first, last) = (
                Month::parse(a).ok_or_else(bad)?,
                Month::parse(b).ok_or_else(bad)?,
            );
            // Either order reads the same stretch.
            return Ok(Period {
                first: first.min(last),
                last: first.max(last),
                span: Span::Months,
            });
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let (y, q) = (year(y).ok_or_else(bad)?, digits(q, 1).ok_or_else(bad)?);
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            return Ok(Period::quarter(y, q as u32));
        }
        if let Some(m) = Month::parse(s) {
            return Ok(Period::month(m));
        }
        year(s).map(Period::year).ok_or_else(bad)
    }

    /// The code `parse` reads back (in links).
    pub fn code(&self) -> String {
        match self.span {
            Span::Year => self.first.year().to_string(),
            Span::Quarter => format!("{}-Q{}", self.first.year(), self.first.month().div_ceil(3)),
            Span::Month => self.first.code(),
            Span::Months => format!("{}~{}", self.first.code(), self.last.code()),
        }
    }

    /// Its name in Chinese: 2026年, 2026年第四季度, 2026年11月, 2026年3月至8月.
    pub fn label_zh(&self) -> String {
        let (f, l) = (self.first, self.last);
        match self.span {
            Span::Year => format!("{}年", f.year()),
            Span::Quarter => {
                let q = ["一", "二", "三", "四"][(f.month().div_ceil(3) - 1) as usize];
                format!("{}年第{q}季度", f.year())
            }
            Span::Month => format!("{}年{}月", f.year(), f.month()),
            Span::Months if f.year() == l.year() => {
                format!("{}年{}月至{}月", f.year(), f.month(), l.month())
            }
            Span::Months => format!(
                "{}年{}月至{}年{}月",
                f.year(),
                f.month(),
                l.year(),
                l.month()
            ),
        }
    }

    /// How many months it covers.
    pub fn months(&self) -> i32 {
        self.last.serial() - self.first.serial() + 1
    }

    /// The period of the same kind and length just before: the one a
    /// ranking's change is measured against.
    pub fn previous(&self) -> Period {
        let n = self.months();
        Period {
            first: self.first.plus(-n),
            last: self.last.plus(-n),
            span: self.span,
        }
    }

    /// Whether a month falls inside it.
    pub fn contains(&self, m: Month) -> bool {
        self.first <= m && m <= self.last
    }

    /// Its first instant and the instant after it ends (Beijing midnights).
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.first.start(), self.last.plus(1).start())
    }

    /// The choices a figures page offers around `today`: this year and
    /// last, this year's quarters so far, and the last three months.
    pub fn choices(today: NaiveDate) -> Vec<Period> {
        let now = Month::of(today);
        let mut out = vec![Period::year(now.year()), Period::year(now.year() - 1)];
        out.extend((1..=now.month().div_ceil(3)).map(|q| Period::quarter(now.year(), q)));
        out.extend((0..3).map(|k| Period::month(now.plus(-k))));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_and_writes_it_back() {
        for (s, label, months) in [
            ("2026", "2026年", 12),
            ("2026-Q4", "2026年第四季度", 3),
            ("2026-11", "2026年11月", 1),
            ("2026-03~2026-08", "2026年3月至8月", 6),
            ("2025-11~2026-02", "2025年11月至2026年2月", 4),
        ] {
            let p = Period::parse(s).unwrap();
            assert_eq!(p.label_zh(), label);
            assert_eq!(p.months(), months);
            assert_eq!(Period::parse(&p.code()).unwrap(), p);
        }
        assert_eq!(Period::parse("2026-Q2").unwrap().first, Month(202604));
        // A run written backwards is the same run.
        assert_eq!(
            Period::parse("2026-08~2026-03").unwrap(),
            Period::parse("2026-03~2026-08").unwrap()
        );
    }

    #[test]
    fn what_the_pattern_admits_reads() {
        let re = regex::Regex::new(crate::patterns::PERIOD_PATTERN).unwrap();
        for s in [
            "2000",
            "2099-Q4",
            "2026-01",
            "2099-12~2000-01",
            "2026-03~2026-03",
        ] {
            assert!(re.is_match(s), "{s}");
            assert!(Period::parse(s).is_ok(), "{s}");
        }
        for s in ["1999", "2026-13", "2026-Q5", "2026~2027", "2026-1"] {
            assert!(!re.is_match(s), "{s}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for s in [
            "", " 2026", "+2026", "2026-1", "2026q2", "26", "2026-13", "2026-Q5", "1999",
            "2100-01", "明年",
        ] {
            let e = Period::parse(s).unwrap_err();
            assert!(e.to_string().contains("统计期"), "{s}: {e}");
        }
    }

    #[test]
    fn the_previous_period_has_the_same_length() {
        assert_eq!(
            Period::parse("2026-Q1").unwrap().previous(),
            Period::parse("2025-Q4").unwrap()
        );
        assert_eq!(
            Period::parse("2026-01").unwrap().previous(),
            Period::parse("2025-12").unwrap()
        );
        let p = Period::parse("2026-02~2026-04").unwrap().previous();
        assert_eq!((p.first, p.last), (Month(202511), Month(202601)));
    }

    #[test]
    fn months_begin_at_beijing_midnight() {
        let (start, end) = Period::parse("2026-12").unwrap().bounds();
        assert_eq!(start.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-31T16:00:00+00:00");
        assert_eq!(Month::at(start), Month(202612));
        assert_eq!(
            Month::at(start - chrono::Duration::seconds(1)),
            Month(202611)
        );
    }
}
