//! Open311 GeoReport v2 as the chain sees it: a request is a 群众出题 topic,
//! its `status` is open until the topic's problem is settled, a request
//! with only a point goes to the nearest room, and a list covers at most
//! 90 days and 1,000 requests, as the specification asks.
use chrono::{DateTime, Duration, Utc};

use crate::{DomainError, TopicState};

/// The widest span of `start_date`..`end_date` a list may ask for.
pub const OPEN311_MAX_DAYS: i64 = 90;
/// The most requests one list returns.
pub const OPEN311_MAX_REQUESTS: u64 = 1000;

/// `open` or `closed`: closed once nothing more will be done (a result
/// delivered, or not taken up here).
pub fn open311_status(state: TopicState) -> &'static str {
    use TopicState::*;
    match state {
        Completed | Evaluated | Rejected | Merged | Referred => "closed",
        _ => "open",
    }
}

/// The states a status filter (`open`, `closed`, or both comma-separated)
/// stands for; empty when every state is wanted.
pub fn open311_states(status: &str) -> Result<Vec<TopicState>, DomainError> {
    let mut wanted = Vec::new();
    for s in status.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if s != "open" && s != "closed" {
            return Err(DomainError::invalid("status", "status 应为 open 或 closed"));
        }
        wanted.extend(
            TopicState::ALL
                .into_iter()
                .filter(|t| open311_status(*t) == s),
        );
    }
    if wanted.len() == TopicState::ALL.len() {
        wanted.clear();
    }
    Ok(wanted)
}

/// The span a list covers: the given dates, else the 90 days up to
/// `end_date` (or now); refused when it runs backwards or past 90 days.
pub fn open311_span(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), DomainError> {
    let window = Duration::days(OPEN311_MAX_DAYS);
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + window),
        (None, Some(e)) => (e - window, e),
        (None, None) => (now - window, now),
    };
    if end < start {
        return Err(DomainError::invalid(
            "end_date",
            "end_date 不能早于 start_date",
        ));
    }
    if end - start > window {
        return Err(DomainError::invalid(
            "end_date",
            "start_date 与 end_date 相隔不能超过90天",
        ));
    }
    Ok((start, end))
}

/// A coordinate in degrees as millionths, within `limit` (90 or 180).
pub fn degrees_e6(raw: &str, field: &'static str, limit: f64) -> Result<i64, DomainError> {
    let v: f64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && v.abs() <= limit)
        .ok_or_else(|| DomainError::invalid(field, "坐标格式不正确"))?;
    Ok((v * 1e6).round() as i64)
}

/// A map point typed as two fields in degrees: both empty is no point,
/// one without the other is refused.
pub fn point_e6(lat: &str, lng: &str) -> Result<Option<(i64, i64)>, DomainError> {
    match (lat.trim().is_empty(), lng.trim().is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some((
            degrees_e6(lat, "lat", 90.0)?,
            degrees_e6(lng, "lng", 180.0)?,
        ))),
        (false, true) => Err(DomainError::invalid("lng", "请同时填写经度")),
        (true, false) => Err(DomainError::invalid("lat", "请同时填写纬度")),
    }
}

/// The item of `places` nearest `point` (millionths of a degree), by the
/// distance on the sphere; `None` when no place has a point.
pub fn nearest<T: Copy>(point: (i64, i64), places: &[(T, (i64, i64))]) -> Option<T> {
    let rad = |e6: i64| (e6 as f64 / 1e6).to_radians();
    let (lat, lng) = (rad(point.0), rad(point.1));
    let distance = |(plat, plng): (i64, i64)| {
        let (plat, plng) = (rad(plat), rad(plng));
        // Haversine, without the constant radius.
        let a = ((plat - lat) / 2.0).sin().powi(2)
            + lat.cos() * plat.cos() * ((plng - lng) / 2.0).sin().powi(2);
        a.sqrt().asin()
    };
    places
        .iter()
        .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))
        .map(|(t, _)| *t)
}

/// A title for a request that has only a description (Open311 and a work
/// order carry none): its first sentence, cut to 30 characters.
pub fn title_from(description: &str) -> String {
    let first = description
        .trim()
        .split(['。', '！', '？', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    crate::fit(first, 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_filters() {
        assert_eq!(open311_status(TopicState::Submitted), "open");
        assert_eq!(open311_status(TopicState::Implementing), "open");
        assert_eq!(open311_status(TopicState::Evaluated), "closed");
        assert_eq!(open311_status(TopicState::Rejected), "closed");
        let closed = open311_states("closed").unwrap();
        assert!(closed.contains(&TopicState::Completed) && !closed.contains(&TopicState::Accepted));
        assert!(open311_states("open,closed").unwrap().is_empty());
        assert!(open311_states("").unwrap().is_empty());
        assert!(open311_states("pending").is_err());
    }

    #[test]
    fn spans() {
        let now: DateTime<Utc> = "2026-12-06T00:00:00Z".parse().unwrap();
        let (s, e) = open311_span(None, None, now).unwrap();
        assert_eq!((e - s).num_days(), 90);
        let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        let (s, e) = open311_span(Some(start), None, now).unwrap();
        assert_eq!((s, (e - s).num_days()), (start, 90));
        assert!(open311_span(Some(now), Some(start), now).is_err());
        assert!(
            open311_span(Some(start), Some(now), now).is_err(),
            "more than 90 days"
        );
    }

    #[test]
    fn typed_points() {
        assert_eq!(point_e6(" ", ""), Ok(None));
        assert_eq!(
            point_e6("33.7961", "119.2613"),
            Ok(Some((33_796_100, 119_261_300)))
        );
        assert!(point_e6("33.7961", "").is_err() && point_e6("", "119.2613").is_err());
        assert!(point_e6("91", "119").is_err() && point_e6("33", "东经119").is_err());
    }

    #[test]
    fn the_nearest_room() {
        // 陈师社区 and 三里组, and a point by 府前路 nearer the first.
        let rooms = [
            (1, (33_798_000, 119_262_000)),
            (2, (33_840_000, 119_310_000)),
        ];
        assert_eq!(nearest((33_801_000, 119_265_000), &rooms), Some(1));
        assert_eq!(nearest((33_839_000, 119_300_000), &rooms), Some(2));
        assert_eq!(nearest::<i32>((0, 0), &[]), None);
        assert_eq!(degrees_e6("33.798", "lat", 90.0).unwrap(), 33_798_000);
        assert!(degrees_e6("91", "lat", 90.0).is_err());
        assert!(degrees_e6("NaN", "lat", 90.0).is_err());
    }

    #[test]
    fn titles_from_descriptions() {
        assert_eq!(
            title_from("  府前路井盖破损。已有行人绊倒，请尽快修缮"),
            "府前路井盖破损"
        );
        assert_eq!(title_from("\n\n路灯不亮"), "路灯不亮");
        assert_eq!(title_from(&"很".repeat(50)).chars().count(), 30);
    }
}
