//! 节假日安排: the holiday calendar deadlines count by, year by year, as
//! the State Council's notices set it; an administrator of a top region
//! enters a new year's notice here (or with `admin calendar-import`).
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::forms::{PageForm, invalid, required};
use crate::view::{Nav, render};

/// One year as the page shows it.
struct Year {
    year: i32,
    source: String,
    /// (date, holiday) of each day off.
    days_off: Vec<(String, String)>,
    working_weekends: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct CalendarPage {
    nav: Nav,
    years: Vec<Year>,
    may_edit: bool,
}

/// `GET /admin/calendar`.
pub async fn calendar(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    let calendar = state.store.calendar().await?;
    let mut years: Vec<Year> = calendar
        .years()
        .map(|y| Year {
            year: y.year,
            source: y.source.clone(),
            days_off: y
                .days_off
                .iter()
                .map(|(d, n)| (d.to_string(), n.clone()))
                .collect(),
            working_weekends: y.working_weekends.iter().map(|d| d.to_string()).collect(),
        })
        .collect();
    // The newest year first: the one people look for.
    years.reverse();
    Ok(Html(render(&CalendarPage {
        nav: Nav::of(&viewer),
        years,
        may_edit: domain::may_edit_calendar(&viewer.actor).is_ok(),
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct YearInput {
    pub year: Option<String>,
    /// The notice's title and number.
    pub source: Option<String>,
    /// `date,kind,name` lines (kind `off` or `work`).
    pub days: Option<String>,
}

/// `POST /admin/calendar`: a year's schedule, replacing what was entered for it.
pub async fn enter_year(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<YearInput>,
) -> AppResult<Response> {
    domain::may_edit_calendar(&viewer.actor)?;
    let year: i32 = required(&i.year, "year", "年份")?
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| invalid("year", "年份应为2000到2100之间的整数"))?;
    let source = required(&i.source, "source", "通知名称")?.replace(',', "，");
    let days = required(&i.days, "days", "节假日安排")?;
    let schedules = domain::parse_schedules(days, &format!("{year},{source}"))?;
    if schedules.iter().any(|s| s.year != year) {
        return Err(invalid("days", &format!("有不属于{year}年的日期")));
    }
    state.store.save_schedules(&schedules).await?;
    Ok(Redirect::to("/admin/calendar").into_response())
}
