//! 操作日志: the audit entries about the viewer's regions and the people
//! in them, newest first, with filters, and a check of the whole chain.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::{AuditAction, AuditWhat, EventKind, UserId};
use serde::Deserialize;

use super::administered;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::forms::{beijing_start, filled, invalid, optional_date};
use crate::view::{Nav, fmt_time, render, urlencode};

/// Entries a page shows.
const PAGE: u64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// An `AuditWhat` code.
    pub what: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    /// `YYYY-MM-DD`, Beijing dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only entries older than this one (the next page).
    pub before: Option<String>,
    /// `1`: walk the whole chain and say whether it is intact.
    pub verify: Option<String>,
}

struct Line {
    seq: i64,
    at: String,
    actor: String,
    address: String,
    what: &'static str,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    nav: Nav,
    lines: Vec<Line>,
    q: AuditQuery,
    /// (code, label) of every kind of entry, for the filter.
    kinds: Vec<(String, &'static str)>,
    /// The query string of the next page, if there is one.
    next: Option<String>,
    /// The chain's check, when asked for: (entries checked, what is wrong).
    verdict: Option<(u64, Vec<String>, String)>,
}

/// `GET /admin/audit`.
pub async fn audit(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    let regions = administered(&viewer);
    let people: Vec<UserId> = state
        .store
        .admin_people(&regions)
        .await?
        .into_iter()
        .map(|p| p.user.id)
        .collect();
    let what = match filled(&q.what) {
        Some(code) => {
            Some(AuditWhat::parse(code).ok_or_else(|| invalid("what", "操作类型不正确"))?)
        }
        None => None,
    };
    let before = match filled(&q.before) {
        Some(n) => Some(n.parse().map_err(|_| invalid("before", "页码不正确"))?),
        None => None,
    };
    let filter = store::AuditFilter {
        // Never empty: an administrator without regions reads nothing.
        regions: if regions.is_empty() {
            vec![domain::RegionPath(vec![domain::RegionId(-1)])]
        } else {
            regions
        },
        people,
        what,
        actor: filled(&q.actor).map(str::to_owned),
        target: filled(&q.target).map(str::to_owned),
        since: optional_date(&q.from, "from", "起始日期")?.map(beijing_start),
        until: optional_date(&q.to, "to", "截止日期")?
            .map(|d| beijing_start(d + chrono::Days::new(1))),
        before,
    };
    let entries = state.store.audit_entries(&filter, PAGE).await?;
    let next = (entries.len() as u64 == PAGE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            let keep =
                |k: &str, v: &Option<String>| filled(v).map(|v| format!("&{k}={}", urlencode(v)));
            let mut s = format!("?before={seq}");
            for (k, v) in [
                ("what", &q.what),
                ("actor", &q.actor),
                ("target", &q.target),
                ("from", &q.from),
                ("to", &q.to),
            ] {
                s.push_str(&keep(k, v).unwrap_or_default());
            }
            s
        });
    let lines = entries
        .into_iter()
        .map(|e| Line {
            seq: e.seq,
            at: fmt_time(e.at),
            actor: e.actor_name,
            address: e.address,
            what: e.what.label_zh(),
            target: e.target,
            detail: if e.detail == "{}" {
                String::new()
            } else {
                e.detail
            },
        })
        .collect();
    let verdict = if q.verify.as_deref() == Some("1") {
        let v = state.store.verify_audit(Vec::new()).await?;
        let head = format!("{}:{}", v.head.seq, v.head.hash);
        Some((
            v.checked,
            v.breaks.iter().map(|b| b.text_zh()).collect(),
            head,
        ))
    } else {
        None
    };
    let kinds = AuditAction::ALL
        .iter()
        .map(|a| AuditWhat::Other(*a))
        .chain(EventKind::ALL.iter().map(|k| AuditWhat::Topic(*k)))
        .map(|w| (w.code(), w.label_zh()))
        .collect();
    Ok(Html(render(&AuditPage {
        nav: Nav::of(&viewer),
        lines,
        q,
        kinds,
        next,
        verdict,
    })))
}
