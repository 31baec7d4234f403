//! Working days on the official calendar. Deadlines are counted in working
//! days: weekends off, statutory holidays off, make-up working weekends
//! (调休) on, as each year's State Council notice sets them. A year whose
//! notice has not been entered is not guessed at: counting into it is an
//! error that says so.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::{Actor, DomainError, RegionPath};

/// One year's schedule as its notice published it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    /// The year.
    pub year: i32,
    /// Days off that would otherwise be working days, with the holiday's
    /// name (春节, 国庆节 …); weekends inside a holiday may be listed too.
    pub days_off: BTreeMap<NaiveDate, String>,
    /// Weekend days that are working days (调休).
    pub working_weekends: BTreeSet<NaiveDate>,
    /// Where the schedule comes from (the notice's title and number).
    pub source: String,
}

/// The schedules entered so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearSchedule>,
}

/// The longest stretch counted in one go, in calendar days (about ten years):
/// beyond it something is wrong with the input.
const SEARCH_LIMIT: i64 = 3660;

impl Calendar {
    /// A calendar of these years' schedules.
    pub fn new(years: impl IntoIterator<Item = YearSchedule>) -> Calendar {
        Calendar {
            years: years.into_iter().map(|y| (y.year, y)).collect(),
        }
    }

    /// The years whose schedule has been entered.
    pub fn years(&self) -> impl Iterator<Item = &YearSchedule> {
        self.years.values()
    }

    /// Whether `day` is a working day; an error for a year not entered.
    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, DomainError> {
        let year = self
            .years
            .get(&day.year())
            .ok_or_else(|| missing(day.year()))?;
        if year.working_weekends.contains(&day) {
            return Ok(true);
        }
        if year.days_off.contains_key(&day) {
            return Ok(false);
        }
        Ok(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// The `n`-th working day after `from` (`from` itself does not count);
    /// `from` when `n` is 0.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, DomainError> {
        let mut day = from;
        let mut left = n;
        let mut steps = 0;
        while left > 0 {
            day += Duration::days(1);
            steps += 1;
            if steps > SEARCH_LIMIT {
                return Err(DomainError::invalid("days", "期限太长"));
            }
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Working days from `from` to `to`: those after `from` up to and
    /// including `to`; negative, counted the same way, when `to` is earlier.
    /// So `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, DomainError> {
        let (start, end, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        if (end - start).num_days() > SEARCH_LIMIT {
            return Err(DomainError::invalid("days", "期限太长"));
        }
        let mut count = 0;
        let mut day = start;
        while day < end {
            day += Duration::days(1);
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }
}

/// Reads schedules written as the shipped `holidays.csv` is (`date,kind,name`,
/// kind `off` or `work`, `#` comments) for the years `sources` names
/// (`year,source`). A line that does not read is an error naming it.
pub fn parse_schedules(days: &str, sources: &str) -> Result<Vec<YearSchedule>, DomainError> {
    let bad = |line: &str| DomainError::invalid("calendar", format!("无法识别的一行：{line}"));
    let mut years: BTreeMap<i32, YearSchedule> = BTreeMap::new();
    for line in data_lines(sources, "year,") {
        let (year, source) = line.split_once(',').ok_or_else(|| bad(line))?;
        let year: i32 = year.trim().parse().map_err(|_| bad(line))?;
        years.insert(
            year,
            YearSchedule {
                year,
                days_off: BTreeMap::new(),
                working_weekends: BTreeSet::new(),
                source: source.trim().to_owned(),
            },
        );
    }
    for line in data_lines(days, "date,") {
        let mut cols = line.split(',').map(str::trim);
        let (Some(date), Some(kind), name) = (cols.next(), cols.next(), cols.next()) else {
            return Err(bad(line));
        };
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad(line))?;
        let year = years.get_mut(&date.year()).ok_or_else(|| {
            DomainError::invalid("calendar", format!("{}年没有注明来源：{line}", date.year()))
        })?;
        match kind {
            "off" => {
                year.days_off.insert(date, name.unwrap_or("").to_owned());
            }
            "work" => {
                year.working_weekends.insert(date);
            }
            _ => return Err(bad(line)),
        }
    }
    Ok(years.into_values().collect())
}

/// The lines that carry data: not blank, not a comment, not the header.
fn data_lines<'a>(text: &'a str, header: &'a str) -> impl Iterator<Item = &'a str> {
    text.lines()
        .map(str::trim)
        .filter(move |l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(header))
}

fn missing(year: i32) -> DomainError {
    DomainError::Precondition(format!(
        "{year}年的法定节假日安排尚未录入，请管理员按国务院办公厅通知补充后再计算工作日"
    ))
}

/// How a task's deadline is set at dispatch: a number of working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineClass {
    /// Its code, as forms and the API send it.
    pub code: &'static str,
    /// How people call it: 紧急, 一般, 复杂.
    pub name: &'static str,
    /// Working days allowed.
    pub working_days: u32,
}

impl DeadlineClass {
    /// 一般（15个工作日）, as a form offers it.
    pub fn label(&self) -> String {
        format!("{}（{}个工作日）", self.name, self.working_days)
    }
}

/// The default classes (an administrator may set others per region).
pub const DEADLINE_CLASSES: [DeadlineClass; 3] = [
    DeadlineClass {
        code: "urgent",
        name: "紧急",
        working_days: 5,
    },
    DeadlineClass {
        code: "normal",
        name: "一般",
        working_days: 15,
    },
    DeadlineClass {
        code: "complex",
        name: "复杂",
        working_days: 30,
    },
];

/// A region's own number of working days for a class, set by an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineOverride {
    /// The region it applies in (and below).
    pub region: RegionPath,
    /// The class's code.
    pub class: String,
    /// Its working days there.
    pub working_days: u32,
}

/// The classes in force for a place: each the override of the nearest
/// region above it that set one, else the default.
pub fn deadline_classes(overrides: &[DeadlineOverride], place: &RegionPath) -> [DeadlineClass; 3] {
    DEADLINE_CLASSES.map(|mut c| {
        if let Some(o) = overrides
            .iter()
            .filter(|o| o.class == c.code && o.region.covers(place))
            .max_by_key(|o| o.region.0.len())
        {
            c.working_days = o.working_days;
        }
        c
    })
}

/// The class of this code in force for a place.
pub fn deadline_class(
    overrides: &[DeadlineOverride],
    place: &RegionPath,
    code: &str,
) -> Option<DeadlineClass> {
    deadline_classes(overrides, place)
        .into_iter()
        .find(|c| c.code == code)
}

/// An administrator of a region (or above) sets a class's working days
/// there: a known class, 1 to 120 working days.
pub fn set_deadline_class(
    actor: &Actor,
    region: &RegionPath,
    class: &str,
    working_days: u32,
) -> Result<&'static str, DomainError> {
    if !actor.administers(region) {
        return Err(DomainError::Forbidden);
    }
    let known = DEADLINE_CLASSES
        .iter()
        .find(|c| c.code == class)
        .ok_or_else(|| DomainError::invalid("class", "没有这个办理时限类别"))?;
    if !(1..=120).contains(&working_days) {
        return Err(DomainError::invalid(
            "working_days",
            "办理时限应为1到120个工作日",
        ));
    }
    Ok(known.code)
}

/// How a deadline stands on `today`, in working days, for people:
/// 剩余 N 个工作日, 今天到期, 超期 N 个工作日.
pub fn deadline_text(calendar: &Calendar, today: NaiveDate, due: NaiveDate) -> String {
    use std::cmp::Ordering::*;
    match (due.cmp(&today), calendar.working_days_between(today, due)) {
        (Equal, _) => "今天到期".to_owned(),
        (Greater, Ok(n)) => format!("剩余 {n} 个工作日"),
        // Due on a day off just past: late, but not by a working day.
        (Less, Ok(0)) => "已到期".to_owned(),
        (Less, Ok(n)) => format!("超期 {} 个工作日", -n),
        // A year not entered: the date alone, without guessing.
        (Less, Err(_)) => format!("已超期（{due}到期）"),
        (Greater, Err(_)) => format!("{due}到期"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// 2026 as its notice has it (the shipped data is checked against
    /// PyPI `chinesecalendar` separately).
    fn y2026() -> Calendar {
        let off = [
            (1, 1, "元旦"),
            (1, 2, "元旦"),
            (1, 3, "元旦"),
            (2, 16, "春节"),
            (2, 17, "春节"),
            (2, 18, "春节"),
            (2, 19, "春节"),
            (2, 20, "春节"),
            (2, 23, "春节"),
            (4, 6, "清明节"),
            (5, 1, "劳动节"),
            (5, 4, "劳动节"),
            (5, 5, "劳动节"),
            (6, 19, "端午节"),
            (9, 25, "中秋节"),
            (10, 1, "国庆节"),
            (10, 2, "国庆节"),
            (10, 5, "国庆节"),
            (10, 6, "国庆节"),
            (10, 7, "国庆节"),
        ];
        Calendar::new([YearSchedule {
            year: 2026,
            days_off: off
                .iter()
                .map(|(m, day, n)| (d(2026, *m, *day), (*n).to_owned()))
                .collect(),
            working_weekends: [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
                .iter()
                .map(|(m, day)| d(2026, *m, *day))
                .collect(),
            source: "test".into(),
        }])
    }

    #[test]
    fn make_up_weekends_count_and_holiday_weekdays_do_not() {
        let c = y2026();
        assert!(c.is_working_day(d(2026, 2, 14)).unwrap(), "a 调休 Saturday");
        assert!(
            !c.is_working_day(d(2026, 2, 18)).unwrap(),
            "a Wednesday in 春节"
        );
        assert!(
            !c.is_working_day(d(2026, 3, 7)).unwrap(),
            "a plain Saturday"
        );
        assert!(c.is_working_day(d(2026, 3, 9)).unwrap(), "a plain Monday");
        // Friday 2026-02-13 plus one working day is the 调休 Saturday.
        assert_eq!(
            c.add_working_days(d(2026, 2, 13), 1).unwrap(),
            d(2026, 2, 14)
        );
        // Then 春节: the next is Tuesday 02-24.
        assert_eq!(
            c.add_working_days(d(2026, 2, 14), 1).unwrap(),
            d(2026, 2, 24)
        );
        assert_eq!(
            c.add_working_days(d(2026, 9, 30), 1).unwrap(),
            d(2026, 10, 8)
        );
    }

    #[test]
    fn a_year_not_entered_is_not_guessed() {
        let c = y2026();
        let e = c.add_working_days(d(2026, 12, 28), 10).unwrap_err();
        assert!(e.to_string().contains("2027年"), "{e}");
        assert!(deadline_text(&c, d(2026, 12, 30), d(2027, 1, 20)).contains("2027-01-20"));
    }

    #[test]
    fn deadlines_read_in_working_days() {
        let c = y2026();
        assert_eq!(
            deadline_text(&c, d(2026, 2, 13), d(2026, 2, 24)),
            "剩余 2 个工作日"
        );
        assert_eq!(
            deadline_text(&c, d(2026, 2, 24), d(2026, 2, 24)),
            "今天到期"
        );
        assert_eq!(
            deadline_text(&c, d(2026, 2, 24), d(2026, 2, 13)),
            "超期 2 个工作日"
        );
        // Due on a Saturday, looked at on the Sunday: not a working day late.
        assert_eq!(deadline_text(&c, d(2026, 3, 8), d(2026, 3, 7)), "已到期");
        let county = RegionPath::decode("/1/2/3/").unwrap();
        let village = RegionPath::decode("/1/2/3/4/5/").unwrap();
        let none: &[DeadlineOverride] = &[];
        assert_eq!(
            deadline_class(none, &village, "normal").map(|c| c.working_days),
            Some(15)
        );
        // The nearest region's setting wins; elsewhere the default stands.
        let set = |region: &RegionPath, days| DeadlineOverride {
            region: region.clone(),
            class: "normal".into(),
            working_days: days,
        };
        let town = RegionPath::decode("/1/2/3/4/").unwrap();
        let overrides = [set(&county, 20), set(&town, 10)];
        let normal = deadline_class(&overrides, &village, "normal").unwrap();
        assert_eq!(
            (normal.working_days, normal.label()),
            (10, "一般（10个工作日）".to_owned())
        );
        let other = RegionPath::decode("/1/2/3/9/").unwrap();
        assert_eq!(
            deadline_class(&overrides, &other, "normal")
                .unwrap()
                .working_days,
            20
        );
        assert_eq!(
            deadline_class(&overrides, &village, "urgent")
                .unwrap()
                .working_days,
            5
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn day_in_2026() -> impl Strategy<Value = NaiveDate> {
            (0i64..300).prop_map(|n| d(2026, 1, 1) + Duration::days(n))
        }

        proptest! {
            #[test]
            fn adding_then_counting_back_gives_n(from in day_in_2026(), n in 0u32..40) {
                let c = y2026();
                let due = c.add_working_days(from, n).unwrap();
                prop_assert_eq!(c.working_days_between(from, due).unwrap(), i64::from(n));
                prop_assert_eq!(c.working_days_between(due, from).unwrap(), -i64::from(n));
                if n > 0 {
                    prop_assert!(c.is_working_day(due).unwrap(), "a deadline falls on a working day");
                }
            }

            #[test]
            fn counting_is_additive(a in day_in_2026(), b in day_in_2026(), m in day_in_2026()) {
                let c = y2026();
                let whole = c.working_days_between(a, b).unwrap();
                let parts = c.working_days_between(a, m).unwrap() + c.working_days_between(m, b).unwrap();
                prop_assert_eq!(whole, parts);
            }
        }
    }
}
