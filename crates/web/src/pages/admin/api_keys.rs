//! 接口密钥: keys other systems post topics with (Open311 clients, the 12345
//! hotline), issued for a region with the key shown once, and retired.
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use serde::Deserialize;
use store::ApiKeyId;

use super::{by, long_name, region_options, regions_in_reach};
use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ApiPath, PageForm, id, required};
use crate::view::{Nav, fmt_time, render};

#[derive(Template)]
#[template(path = "admin/api_keys.html")]
struct KeysPage {
    nav: Nav,
    /// (id, name, region, issued)
    keys: Vec<(i64, String, String, String)>,
    regions: Vec<(i64, String)>,
    /// The key just issued, shown this once.
    issued: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    issued: Option<String>,
) -> AppResult<Html<String>> {
    let all = regions_in_reach(state, viewer).await?;
    let keys = state
        .store
        .admin_api_keys(by(viewer))
        .await?
        .into_iter()
        .map(|k| {
            let region = all
                .iter()
                .find(|r| r.id == k.region)
                .map(|r| long_name(r, &all))
                .unwrap_or_default();
            (k.id.0, k.name, region, fmt_time(k.created_at))
        })
        .collect();
    Ok(Html(render(&KeysPage {
        nav: Nav::of(viewer),
        keys,
        regions: region_options(&all),
        issued,
    })))
}

/// `GET /admin/api-keys`.
pub async fn api_keys(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    page(&state, &viewer, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct KeyInput {
    pub region: Option<String>,
    pub name: Option<String>,
}

/// `POST /admin/api-keys`: answers with the key, not shown again.
pub async fn issue(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<KeyInput>,
) -> AppResult<Html<String>> {
    let region = domain::RegionId(id(&i.region, "region", "地区")?);
    let name = required(&i.name, "name", "使用方名称")?;
    let (_, key) = state
        .store
        .admin_add_api_key(by(&viewer), region, name)
        .await?;
    page(&state, &viewer, Some(key)).await
}

/// `POST /admin/api-keys/{id}/retire`.
pub async fn retire(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(key): ApiPath<i64>,
) -> AppResult<Redirect> {
    state
        .store
        .admin_retire_api_key(by(&viewer), ApiKeyId(key))
        .await?;
    Ok(Redirect::to("/admin/api-keys"))
}
