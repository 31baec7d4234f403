//! The official calendar: the holiday schedules entered so far, shipped for
//! 2024 onwards (`data/holidays.csv`, sources in `data/holiday-sources.csv`)
//! and replaced a year at a time when the next notice comes out.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use domain::{Calendar, DeadlineOverride, RegionId, RegionPath, YearSchedule};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{calendar_day, calendar_year, deadline_setting};
use crate::{Result, Store, StoreError, Who};

/// The schedules shipped with this version.
pub(crate) const SHIPPED_DAYS: &str = include_str!("../data/holidays.csv");
/// Where each shipped year comes from.
pub(crate) const SHIPPED_SOURCES: &str = include_str!("../data/holiday-sources.csv");

impl Store {
    /// Every region's own deadline classes (a handful of rows).
    pub async fn deadline_overrides(&self) -> Result<Vec<DeadlineOverride>> {
        deadline_setting::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|row| {
                Ok(DeadlineOverride {
                    region: crate::model::parsed(
                        &row.region_path,
                        RegionPath::decode,
                        "deadline_settings.region_path",
                    )?,
                    class: row.class,
                    working_days: u32::try_from(row.working_days).unwrap_or(0),
                })
            })
            .collect()
    }

    /// An administrator sets a deadline class's working days for a region
    /// they administer; the region's new dispatches count from it.
    pub async fn set_deadline_class(
        &self,
        who: &Who,
        region: RegionId,
        class: &str,
        working_days: u32,
    ) -> Result<()> {
        let path = self.region_path(region).await?;
        let class = domain::set_deadline_class(&who.actor, &path, class, working_days)?;
        let by = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
        let w = self.write().await?;
        let days = i32::try_from(working_days).unwrap_or(i32::MAX);
        let existing = deadline_setting::Entity::find()
            .filter(deadline_setting::Column::RegionId.eq(region.0))
            .filter(deadline_setting::Column::Class.eq(class))
            .one(&w.tx)
            .await?;
        match existing {
            Some(row) => {
                let mut am: deadline_setting::ActiveModel = row.into();
                am.working_days = Set(days);
                am.updated_by = Set(by.0);
                am.updated_at = Set(w.now);
                am.update(&w.tx).await?;
            }
            None => {
                deadline_setting::ActiveModel {
                    region_id: Set(region.0),
                    region_path: Set(path.encode()),
                    class: Set(class.to_owned()),
                    working_days: Set(days),
                    updated_by: Set(by.0),
                    updated_at: Set(w.now),
                    ..Default::default()
                }
                .insert(&w.tx)
                .await?;
            }
        }
        w.commit().await?;
        Ok(())
    }

    /// Every schedule entered, as the domain counts working days with it.
    pub async fn calendar(&self) -> Result<Calendar> {
        calendar_on(self.conn()).await
    }

    /// Enters (or replaces) these years' schedules, each whole, in one
    /// transaction: what an administrator does when a new notice comes out.
    pub async fn save_schedules(&self, schedules: &[YearSchedule]) -> Result<()> {
        let w = self.write().await?;
        save_on(&w.tx, schedules).await?;
        for s in schedules {
            w.audit(
                domain::AuditWhat::Other(domain::AuditAction::SettingChanged),
                format!("calendar:{}", s.year),
                None,
                serde_json::json!({
                    "source": s.source,
                    "days_off": s.days_off.len(),
                    "working_weekends": s.working_weekends.len(),
                }),
            );
        }
        w.commit().await
    }
}

/// Writes schedules on a connection (the migration seeds through this too).
pub(crate) async fn save_on(
    conn: &impl sea_orm::ConnectionTrait,
    schedules: &[YearSchedule],
) -> Result<()> {
    for s in schedules {
        let first = NaiveDate::from_ymd_opt(s.year, 1, 1).ok_or(StoreError::NotFound("年份"))?;
        let last = NaiveDate::from_ymd_opt(s.year, 12, 31).ok_or(StoreError::NotFound("年份"))?;
        calendar_day::Entity::delete_many()
            .filter(calendar_day::Column::Day.between(first, last))
            .exec(conn)
            .await?;
        calendar_year::Entity::delete_by_id(s.year)
            .exec(conn)
            .await?;
        calendar_year::Entity::insert(calendar_year::ActiveModel {
            year: Set(s.year),
            source: Set(s.source.clone()),
        })
        .exec_without_returning(conn)
        .await?;
        let off = s
            .days_off
            .iter()
            .map(|(day, name)| (*day, true, name.clone()));
        let work = s
            .working_weekends
            .iter()
            .map(|day| (*day, false, "调休上班".to_owned()));
        let rows: Vec<calendar_day::ActiveModel> = off
            .chain(work)
            .map(|(day, off, name)| calendar_day::ActiveModel {
                day: Set(day),
                off: Set(off),
                name: Set(name),
            })
            .collect();
        if !rows.is_empty() {
            calendar_day::Entity::insert_many(rows)
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(())
}

/// Every schedule entered, read on a connection or inside a write.
pub(crate) async fn calendar_on(conn: &impl sea_orm::ConnectionTrait) -> Result<Calendar> {
    let years = calendar_year::Entity::find().all(conn).await?;
    let days = calendar_day::Entity::find().all(conn).await?;
    let mut schedules: BTreeMap<i32, YearSchedule> = years
        .into_iter()
        .map(|y| {
            let schedule = YearSchedule {
                year: y.year,
                days_off: BTreeMap::new(),
                working_weekends: BTreeSet::new(),
                source: y.source,
            };
            (y.year, schedule)
        })
        .collect();
    for d in days {
        let Some(year) = schedules.get_mut(&d.day.year()) else {
            continue;
        };
        if d.off {
            year.days_off.insert(d.day, d.name);
        } else {
            year.working_weekends.insert(d.day);
        }
    }
    Ok(Calendar::new(schedules.into_values()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::parse_schedules;

    #[test]
    fn the_shipped_schedules_read_and_cover_2024_to_2026() {
        let years = parse_schedules(SHIPPED_DAYS, SHIPPED_SOURCES).unwrap();
        let covered: Vec<i32> = years.iter().map(|y| y.year).collect();
        assert_eq!(covered, [2024, 2025, 2026]);
        let c = Calendar::new(years);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(!c.is_working_day(d(2025, 10, 6)).unwrap(), "中秋 2025");
        assert!(c.is_working_day(d(2025, 9, 28)).unwrap(), "a 调休 Sunday");
        assert!(
            c.is_working_day(d(2027, 1, 4)).is_err(),
            "2027 is not guessed"
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = parse_schedules("2026-13-01,off,x", "year,source\n2026,通知").unwrap_err();
        assert!(e.to_string().contains("2026-13-01"), "{e}");
        let e = parse_schedules("2028-01-01,off,元旦", "2026,通知").unwrap_err();
        assert!(e.to_string().contains("2028年"), "{e}");
    }
}
