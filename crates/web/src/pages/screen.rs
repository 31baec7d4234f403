//! 数据大屏: a region's figures as charts (Apache ECharts, served from this
//! server, so it works on a network without the internet) — the chain as a
//! funnel, the monthly trend, the channel mix, the top categories, the
//! departments' league table, tasks overdue now, satisfaction and where
//! topics come from (the rooms as points, no map tiles). One page lays out
//! for a 1920×1080 screen and for a desktop; it fetches its data again
//! every minute.
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use domain::{Behind, Kpi, RegionId};
use serde::Serialize;

use super::figures::{FiguresQuery, period_of};
use crate::AppState;
use crate::error::AppResult;
use crate::view::{fmt_time, render};

#[derive(Template)]
#[template(path = "figures_screen.html")]
struct ScreenPage {
    assets: &'static crate::assets::Urls,
    region: i64,
    name: String,
    period: String,
    period_label: String,
}

/// `GET /figures/{region}/screen`.
pub async fn screen(
    State(state): State<AppState>,
    Path(id): Path<RegionId>,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Html<String>> {
    let period = period_of(&state, q.period.as_deref())?;
    let region = state.store.region(id).await?;
    Ok(Html(render(&ScreenPage {
        assets: &crate::assets::URLS,
        region: id.0,
        name: region.name,
        period: period.code(),
        period_label: period.label_zh(),
    })))
}

/// A name and a number, as ECharts' series take them.
#[derive(Serialize)]
struct Named {
    name: String,
    value: f64,
}

fn named(name: impl Into<String>, value: f64) -> Named {
    Named {
        name: name.into(),
        value,
    }
}

#[derive(Serialize)]
struct Department {
    name: String,
    dispatched: f64,
    done_on_time: Option<f64>,
    overdue: f64,
}

#[derive(Serialize)]
struct Overdue {
    title: String,
    room: String,
    due: String,
    link: String,
}

#[derive(Serialize)]
struct Point {
    name: String,
    /// Longitude and latitude in degrees, and the topics raised there.
    value: (f64, f64, f64),
}

/// What the big screen draws.
#[derive(Serialize)]
pub struct ScreenData {
    region: String,
    period_label: String,
    updated: String,
    tiles: Vec<Named>,
    tiles_text: Vec<String>,
    funnel: Vec<Named>,
    months: Vec<String>,
    raised: Vec<i64>,
    completed: Vec<i64>,
    channels: Vec<Named>,
    categories: Vec<Named>,
    departments: Vec<Department>,
    overdue: Vec<Overdue>,
    satisfaction: Option<f64>,
    rooms: Vec<Point>,
}

/// The chain as a funnel, on the big screen and in the report.
pub(super) const FUNNEL: [(&str, Kpi); 5] = [
    ("提出议题", Kpi::Raised),
    ("受理立项", Kpi::Accepted),
    ("形成协商意见", Kpi::Opinions),
    ("交办任务", Kpi::TasksDispatched),
    ("议题办结", Kpi::Completed),
];

/// `GET /figures/{region}/screen.json`.
pub async fn screen_data(
    State(state): State<AppState>,
    Path(id): Path<RegionId>,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Json<ScreenData>> {
    let period = period_of(&state, q.period.as_deref())?;
    let store = &state.store;
    let region = store.region(id).await?;
    let t = store.figures(&region.path, &period).await?;
    let count = |k: Kpi| k.reading(&t).value();
    let tiles_kpis = [
        Kpi::Raised,
        Kpi::MeetingsHeld,
        Kpi::TasksDispatched,
        Kpi::Completed,
        Kpi::Satisfaction,
        Kpi::Likes,
    ];
    let funnel = FUNNEL
        .into_iter()
        .map(|(name, k)| named(name, count(k)))
        .collect();
    let by_month = store.figures_by_month(&region.path, &period).await?;
    let rooms = store.rooms().await?;
    let departments = store.departments().await?;
    let mut league: Vec<Department> = store
        .department_figures(&region.path, &period)
        .await?
        .into_iter()
        .filter_map(|d| {
            let dept = departments.iter().find(|x| x.id == d.id)?;
            Some(Department {
                name: dept.short_name.clone(),
                dispatched: Kpi::TasksDispatched.reading(&d.now).value(),
                done_on_time: Kpi::DoneOnTime.reading(&d.now).number(),
                overdue: Kpi::OverdueNow.reading(&d.now).value(),
            })
        })
        .collect();
    league.sort_by(|a, b| {
        b.dispatched
            .total_cmp(&a.dispatched)
            .then_with(|| a.name.cmp(&b.name))
    });
    league.truncate(10);
    let overdue = store
        .figure_topics(&region.path, &period, Behind::Overdue, 10)
        .await?
        .into_iter()
        .map(|o| Overdue {
            room: rooms
                .iter()
                .find(|r| r.id == o.room)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            link: o
                .tracking_no
                .map(|no| format!("/t/{no}"))
                .unwrap_or_default(),
            due: fmt_time(o.at).chars().take(10).collect(),
            title: o.title,
        })
        .collect();
    let raised_by_room = store.room_figures(&region.path, &period).await?;
    let points = rooms
        .iter()
        .filter_map(|r| {
            let (lat, lng) = r.point?;
            let n = raised_by_room
                .iter()
                .find(|x| x.id == r.id)
                .map(|x| Kpi::Raised.reading(&x.now).value())?;
            Some(Point {
                name: r.name.clone(),
                value: (lng as f64 / 1e6, lat as f64 / 1e6, n),
            })
        })
        .collect();
    Ok(Json(ScreenData {
        region: region.name,
        period_label: period.label_zh(),
        updated: fmt_time(store.clock().now()),
        tiles_text: tiles_kpis.iter().map(|k| k.reading(&t).text_zh()).collect(),
        tiles: tiles_kpis
            .iter()
            .map(|k| named(k.label_zh(), count(*k)))
            .collect(),
        funnel,
        months: by_month
            .iter()
            .map(|(m, _)| format!("{}月", m.month()))
            .collect(),
        raised: by_month
            .iter()
            .map(|(_, t)| t.get(domain::Counter::Raised))
            .collect(),
        completed: by_month
            .iter()
            .map(|(_, t)| t.get(domain::Counter::Completed))
            .collect(),
        channels: [Kpi::ByLeadership, Kpi::ByResidents, Kpi::ByMembers]
            .iter()
            .map(|k| named(k.label_zh(), count(*k)))
            .collect(),
        categories: store
            .figures_by_category(&region.path, &period)
            .await?
            .into_iter()
            .take(8)
            .map(|(c, n)| named(c, n as f64))
            .collect(),
        departments: league,
        overdue,
        satisfaction: Kpi::Satisfaction.reading(&t).number(),
        rooms: points,
    }))
}
