//! 我的消息: what happened to the topics this person or phone raised,
//! supported or follows; and the 适老化 switch every page links to.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CARE_COOKIE, Viewer};
use crate::error::AppResult;
use crate::forms::PageForm;
use crate::view::{Nav, fmt_time, render};

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: Nav,
    items: Vec<Item>,
    unread: u64,
}

struct Item {
    text: String,
    when: String,
    unread: bool,
    /// Where the line leads: its topic's page, or (an invitation) its own link.
    href: String,
}

pub async fn inbox(State(state): State<AppState>, viewer: Viewer) -> AppResult<Html<String>> {
    let keys = viewer.inbox_keys();
    let unread = state.store.unread_notifications(&keys).await?;
    let rows = state.store.notifications(&keys, 100).await?;
    let numbers = state
        .store
        .tracking_numbers(rows.iter().filter_map(|n| n.topic))
        .await?;
    let items = rows
        .into_iter()
        .map(|n| Item {
            href: match (&n.link, n.topic.and_then(|t| numbers.get(&t))) {
                (Some(link), _) => link.clone(),
                (None, Some(no)) => format!("/t/{no}"),
                (None, None) => "/inbox".to_owned(),
            },
            text: n.text,
            when: fmt_time(n.created_at),
            unread: n.read_at.is_none(),
        })
        .collect();
    if unread > 0 {
        state.store.mark_notifications_read(&keys).await?;
    }
    Ok(Html(render(&InboxPage {
        nav: Nav::of(&viewer),
        items,
        unread,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct CareInput {
    pub care: Option<String>,
}

/// Switches 适老化 mode on or off for this phone and returns to the page it was switched on.
pub async fn care(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(input): PageForm<CareInput>,
) -> AppResult<Response> {
    let on = input.care.as_deref() != Some("off");
    let cookie = Cookie::build((CARE_COOKIE, if on { "1" } else { "0" }))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::days(365 * 3))
        .build();
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or_else(|| "/".to_owned());
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = cookie.to_string().parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The path (and query) of a referring page on this site; never another site.
fn same_site_path(referer: &str) -> Option<String> {
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = &rest[rest.find('/')?..];
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    ok.then(|| path.to_owned())
}
