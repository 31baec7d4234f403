//! 办理时限: an administrator sets, for each region they administer, how
//! many working days each deadline class allows (defaults 5 / 15 / 30);
//! dispatches and referrals in the region count from it.
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{Html, Redirect};
use domain::{RegionId, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ApiJson, ApiPath, PageForm, id, invalid, required};
use crate::view::{Nav, render};

/// One class's working days for a region.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DeadlineInput {
    /// The region (its id); on the API it is in the path.
    pub region: Option<String>,
    /// urgent, normal or complex.
    pub class: Option<String>,
    /// 1 to 120.
    pub working_days: Option<String>,
}

/// The deadline classes in force in a region.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineClassJson {
    pub code: String,
    pub name: String,
    pub working_days: u32,
}

struct RegionClasses {
    id: i64,
    name: String,
    classes: [domain::DeadlineClass; 3],
    /// Completions of its departments wait for their head's approval.
    head_approval: bool,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage {
    nav: Nav,
    regions: Vec<RegionClasses>,
}

pub async fn deadlines_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    let overrides = state.store.deadline_overrides().await?;
    let approvals = state.store.approval_settings().await?;
    let mut regions = Vec::new();
    for path in viewer.actor.regions_as(Role::Administrator) {
        let Some(id) = path.id() else { continue };
        regions.push(RegionClasses {
            id: id.0,
            name: state.store.region(id).await?.name,
            classes: domain::deadline_classes(&overrides, path),
            head_approval: domain::head_approval(&approvals, path),
        });
    }
    Ok(Html(render(&DeadlinesPage {
        nav: Nav::of(&viewer),
        regions,
    })))
}

async fn set(
    state: &AppState,
    viewer: &Viewer,
    region: RegionId,
    i: &DeadlineInput,
) -> AppResult<()> {
    let class = required(&i.class, "class", "办理时限类别")?;
    let days: u32 = required(&i.working_days, "working_days", "工作日数")?
        .parse()
        .map_err(|_| invalid("working_days", "工作日数应为整数"))?;
    Ok(state
        .store
        .set_deadline_class(&viewer.who(), region, class, days)
        .await?)
}

pub async fn set_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<DeadlineInput>,
) -> AppResult<Redirect> {
    let region = RegionId(id(&i.region, "region", "地区")?);
    set(&state, &viewer, region, &i).await?;
    Ok(Redirect::to("/admin/deadlines"))
}

/// Whether a region's departments need their head's approval of a completion.
#[derive(Debug, Default, Deserialize)]
pub struct ApprovalInput {
    pub region: Option<String>,
    /// `on` or `off`.
    pub head_approval: Option<String>,
}

pub async fn approval_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<ApprovalInput>,
) -> AppResult<Redirect> {
    let region = RegionId(id(&i.region, "region", "地区")?);
    let on = match i.head_approval.as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => return Err(invalid("head_approval", "请选择是否需要负责人审核")),
    };
    state
        .store
        .set_head_approval(&viewer.who(), region, on)
        .await?;
    Ok(Redirect::to("/admin/deadlines"))
}

async fn in_force(state: &AppState, region: RegionId) -> AppResult<Vec<DeadlineClassJson>> {
    let path = state.store.region_path(region).await?;
    let overrides = state.store.deadline_overrides().await?;
    Ok(domain::deadline_classes(&overrides, &path)
        .into_iter()
        .map(|c| DeadlineClassJson {
            code: c.code.to_owned(),
            name: c.name.to_owned(),
            working_days: c.working_days,
        })
        .collect())
}

/// The deadline classes in force in a region (its own, or the nearest region's above it, or the defaults).
#[utoipa::path(get, path = "/api/regions/{id}/deadline-classes", tag = "tasks", params(("id" = i64, Path)),
    responses((status = 200, body = [DeadlineClassJson])))]
pub async fn classes_api(
    State(state): State<AppState>,
    ApiPath(region): ApiPath<RegionId>,
) -> AppResult<Json<Vec<DeadlineClassJson>>> {
    Ok(Json(in_force(&state, region).await?))
}

/// Sets a deadline class's working days for a region (its administrator).
#[utoipa::path(post, path = "/api/regions/{id}/deadline-classes", tag = "tasks", security(("session" = [])),
    params(("id" = i64, Path)), request_body = DeadlineInput, responses((status = 200, body = [DeadlineClassJson])))]
pub async fn set_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(region): ApiPath<RegionId>,
    ApiJson(i): ApiJson<DeadlineInput>,
) -> AppResult<Json<Vec<DeadlineClassJson>>> {
    set(&state, &viewer, region, &i).await?;
    Ok(Json(in_force(&state, region).await?))
}
