//! 受理: a convener's inbox of new submissions across their rooms, with
//! filters and counts, likely duplicates beside each, and how long
//! submissions wait for triage (a KPI).
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::Duration;
use domain::{Channel, RoomId, TopicState};
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::similar::{Candidates, Similar};
use crate::view::{Nav, fmt_time, render};

/// Rows with duplicate suggestions computed (the rest link to their page).
const WITH_SIMILAR: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct TriageQuery {
    pub room: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct TriagePage {
    nav: Nav,
    rooms: Vec<(String, String)>,
    room: String,
    channel: String,
    category: String,
    categories: Vec<String>,
    channels: Vec<(String, String, u64)>,
    total: u64,
    rows: Vec<Row>,
    /// KPI: submissions triaged in the last 30 days and their median wait, in days.
    triaged: usize,
    median_days: String,
    oldest_waiting: String,
}

struct Row {
    tracking_no: String,
    title: String,
    channel_label: String,
    category: String,
    room_name: String,
    submitted: String,
    waiting: String,
    supports: i64,
    similar: Vec<Similar>,
}

fn waited(secs: i64) -> String {
    match secs {
        s if s < 3600 => format!("{}分钟", (s / 60).max(1)),
        s if s < 86_400 => format!("{}小时", s / 3600),
        s => format!("{}天", s / 86_400),
    }
}

/// The median of waits in seconds, in days as a convener counts them: half
/// the topics were taken up within it. One long wait does not swing it.
fn median_days(mut secs: Vec<i64>) -> String {
    if secs.is_empty() {
        return "—".to_owned();
    }
    secs.sort_unstable();
    let mid = secs.len() / 2;
    let median = if secs.len().is_multiple_of(2) {
        (secs[mid - 1] + secs[mid]) / 2
    } else {
        secs[mid]
    };
    if median < 86_400 {
        return "不到1天".to_owned();
    }
    #[allow(clippy::cast_precision_loss)]
    let days = median as f64 / 86_400.0;
    format!("{days:.1}天")
}

pub async fn triage(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Query(q): Query<TriageQuery>,
) -> AppResult<Html<String>> {
    let user = viewer.user.as_ref().map_or(domain::UserId(0), |u| u.id);
    let (mine, _) = state.store.scopes_of(user).await?;
    let mine: Vec<store::Room> = mine
        .into_iter()
        .filter(|r| viewer.actor.is_convener_of(r.id))
        .collect();
    let chosen: Vec<&store::Room> = mine
        .iter()
        .filter(|r| {
            q.room
                .as_deref()
                .is_none_or(|c| c.is_empty() || c == r.code.as_str())
        })
        .collect();
    let channel = q.channel.as_deref().and_then(Channel::parse);
    let categories = super::categories_of(&state, mine.iter()).await?;
    let category = q
        .category
        .as_deref()
        .filter(|c| categories.iter().any(|k| k == c))
        .map(str::to_owned);
    let mut topics = Vec::new();
    let mut counts = vec![0u64; Channel::ALL.len()];
    for r in &chosen {
        let f = store::TopicFilter {
            room: Some(r.id),
            states: vec![TopicState::Submitted],
            channel,
            category: category.clone(),
            limit: 200,
            ..Default::default()
        };
        topics.extend(state.store.topics(&f).await?);
        for (i, (_, n)) in state
            .store
            .count_by_channel(&f)
            .await?
            .into_iter()
            .enumerate()
        {
            counts[i] += n;
        }
    }
    // Oldest first: whoever waited longest is seen first.
    topics.sort_by_key(|t| (t.created_at, t.id));
    let now = state.store.clock().now();
    let mut rows = Vec::with_capacity(topics.len());
    // Each room's candidates are read once for all its submissions.
    let mut candidates: HashMap<RoomId, Candidates> = HashMap::new();
    for (i, t) in topics.iter().enumerate() {
        let similar = if i < WITH_SIMILAR {
            let c = match candidates.entry(t.room) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(Candidates::of_room(&state, t.room).await?),
            };
            c.of_topic(&state, t)
        } else {
            Vec::new()
        };
        rows.push(Row {
            tracking_no: t.tracking_no.clone(),
            title: t.title.clone(),
            channel_label: t.channel.label_zh().to_owned(),
            category: t.category.clone(),
            room_name: mine
                .iter()
                .find(|r| r.id == t.room)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            submitted: fmt_time(t.created_at),
            waiting: waited((now - t.created_at).num_seconds()),
            supports: t.support_count,
            similar,
        });
    }
    let ids: Vec<RoomId> = chosen.iter().map(|r| r.id).collect();
    let times = state
        .store
        .triage_seconds(&ids, now - Duration::days(30))
        .await?;
    let triaged = times.len();
    let median_days = median_days(times);
    let page = TriagePage {
        nav: Nav::of(&viewer),
        rooms: mine
            .iter()
            .map(|r| (r.code.as_str().to_owned(), r.name.clone()))
            .collect(),
        room: q.room.clone().unwrap_or_default(),
        channel: channel.map(|c| c.code().to_owned()).unwrap_or_default(),
        category: category.unwrap_or_default(),
        categories,
        total: counts.iter().sum(),
        channels: Channel::ALL
            .iter()
            .zip(&counts)
            .map(|(c, n)| (c.code().to_owned(), c.label_zh().to_owned(), *n))
            .collect(),
        oldest_waiting: topics.first().map_or_else(
            || "—".to_owned(),
            |t| waited((now - t.created_at).num_seconds()),
        ),
        triaged,
        median_days,
        rows,
    };
    Ok(Html(render(&page)))
}

#[cfg(test)]
mod tests {
    use super::median_days;

    #[test]
    fn waits_are_told_in_days_by_their_median() {
        assert_eq!(median_days(vec![]), "—");
        assert_eq!(median_days(vec![3_600, 7_200]), "不到1天");
        assert_eq!(median_days(vec![86_400 * 30, 86_400 * 2, 86_400]), "2.0天");
        assert_eq!(
            median_days(vec![86_400, 2 * 86_400, 3 * 86_400, 100 * 86_400]),
            "2.5天"
        );
    }
}
