//! Webhooks: an administrator registers the address of another system (a
//! 12345 hotline, a city's work-order system) that hears of events on the
//! topics in a region, sees each delivery as it went, resumes one paused
//! after failing, and removes one no longer wanted. The signing key is
//! shown once, on the page that answers its registration.
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use domain::{EventKind, RegionId, WEBHOOK_REPLAY_WINDOW_SECS};
use store::{Webhook, WebhookId};

use super::{by, long_name, region_options, regions_in_reach};
use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ApiPath, PageForm, invalid};
use crate::view::{Nav, fmt_time, render};

/// Deliveries the history shows.
const HISTORY: u64 = 100;

/// A webhook as a row of the list.
struct Row {
    id: i64,
    region: String,
    url: String,
    events: String,
    state: String,
    paused: bool,
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct WebhooksPage {
    nav: Nav,
    rows: Vec<Row>,
    regions: Vec<(i64, String)>,
    /// (code, label) of every event kind, for the form.
    kinds: Vec<(&'static str, &'static str)>,
    /// The webhook just registered and its signing key, shown this once.
    added: Option<(i64, String)>,
    replay_window: i64,
}

/// One delivery in the history.
struct Delivery {
    at: String,
    event: String,
    state: &'static str,
    attempts: u32,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct WebhookPage {
    nav: Nav,
    hook: Row,
    failures: u32,
    created: String,
    deliveries: Vec<Delivery>,
}

fn state_text(h: &Webhook) -> String {
    if h.paused {
        format!("已暂停（连续{}次失败）", h.failures)
    } else if h.failures > 0 {
        format!("正常（最近连续{}次失败）", h.failures)
    } else {
        "正常".into()
    }
}

async fn rows(state: &AppState, viewer: &Viewer) -> AppResult<(Vec<Row>, Vec<(i64, String)>)> {
    let all = regions_in_reach(state, viewer).await?;
    let rows = state
        .store
        .admin_webhooks(by(viewer))
        .await?
        .iter()
        .map(|h| row(h, &all))
        .collect();
    Ok((rows, region_options(&all)))
}

fn row(h: &Webhook, all: &[store::Region]) -> Row {
    Row {
        id: h.id.0,
        region: all
            .iter()
            .find(|r| r.id == h.region)
            .map(|r| long_name(r, all))
            .unwrap_or_default(),
        url: h.url.clone(),
        events: h
            .events
            .iter()
            .map(|e| e.label_zh())
            .collect::<Vec<_>>()
            .join("、"),
        state: state_text(h),
        paused: h.paused,
    }
}

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    added: Option<(i64, String)>,
) -> AppResult<Html<String>> {
    let (rows, regions) = rows(state, viewer).await?;
    Ok(Html(render(&WebhooksPage {
        nav: Nav::of(viewer),
        rows,
        regions,
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh()))
            .collect(),
        added,
        replay_window: WEBHOOK_REPLAY_WINDOW_SECS,
    })))
}

/// `GET /admin/webhooks`.
pub async fn webhooks(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    list_page(&state, &viewer, None).await
}

/// `POST /admin/webhooks`: `region`, `url` and one `events` per kind chosen.
/// Answers with the list and the new key, which is not shown again.
pub async fn add_webhook(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> AppResult<Html<String>> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let region = field("region")
        .and_then(|r| r.parse().ok())
        .map(RegionId)
        .ok_or_else(|| invalid("region", "请选择地区"))?;
    let url = field("url").ok_or_else(|| invalid("url", "请填写推送地址"))?;
    let mut events = Vec::new();
    for (_, code) in fields.iter().filter(|(k, _)| k == "events") {
        let kind = EventKind::parse(code).ok_or_else(|| invalid("events", "事件类型不正确"))?;
        if !events.contains(&kind) {
            events.push(kind);
        }
    }
    let (id, secret) = state
        .store
        .admin_add_webhook(by(&viewer), region, url, &events)
        .await?;
    list_page(&state, &viewer, Some((id.0, secret))).await
}

/// `GET /admin/webhooks/{id}`: the webhook and its delivery history.
pub async fn webhook_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Html<String>> {
    let id = WebhookId(id);
    let hook = state.store.admin_webhook(by(&viewer), id).await?;
    let all = regions_in_reach(&state, &viewer).await?;
    let deliveries = state
        .store
        .admin_webhook_deliveries(by(&viewer), id, HISTORY)
        .await?
        .into_iter()
        .map(|d| {
            let event = serde_json::from_str::<store::WebhookEvent>(&d.payload)
                .map(|e| format!("{} · {}", e.event_label, e.topic.tracking_no))
                .unwrap_or_default();
            let detail = match (&d.last_error, &d.provider_ref) {
                (Some(e), _) => e.clone(),
                (None, Some(r)) => r.clone(),
                (None, None) => String::new(),
            };
            Delivery {
                at: fmt_time(d.sent_at.unwrap_or(d.created_at)),
                event,
                state: d.state.label_zh(),
                attempts: d.attempts,
                detail,
            }
        })
        .collect();
    Ok(Html(render(&WebhookPage {
        nav: Nav::of(&viewer),
        failures: hook.failures,
        created: fmt_time(hook.created_at),
        hook: row(&hook, &all),
        deliveries,
    })))
}

/// `POST /admin/webhooks/{id}/resume`: deliveries that waited go out again.
pub async fn resume_webhook(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Redirect> {
    state
        .store
        .admin_resume_webhook(by(&viewer), WebhookId(id))
        .await?;
    Ok(Redirect::to(&format!("/admin/webhooks/{id}")))
}

/// `POST /admin/webhooks/{id}/retire`: no more deliveries to it.
pub async fn retire_webhook(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Redirect> {
    state
        .store
        .admin_retire_webhook(by(&viewer), WebhookId(id))
        .await?;
    Ok(Redirect::to("/admin/webhooks"))
}
