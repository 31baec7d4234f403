//! The console's home (the region tree with its rooms and departments),
//! a region's page (rename, move, retire) and a room's page.
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use domain::{DepartmentId, RegionId, RoomCode, RoomId};
use serde::Deserialize;

use super::{administered, by, long_name, region_options, regions_in_reach};
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::forms::{ApiPath, PageForm, id, invalid, plain, required};
use crate::view::{Nav, render};

/// One line of the tree: a region with its rooms and departments.
struct TreeLine {
    id: i64,
    name: String,
    level: &'static str,
    depth: usize,
    retired: bool,
    rooms: Vec<(i64, String, String, bool)>,
    departments: Vec<store::Department>,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct ConsolePage {
    nav: Nav,
    tree: Vec<TreeLine>,
    /// Regions in use that can hold one more level below: (id, long name, child level).
    parents: Vec<(i64, String, &'static str)>,
    /// Regions in use: (id, long name).
    places: Vec<(i64, String)>,
}

/// `GET /admin`: the tree of the regions the viewer administers.
pub async fn console(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    let regions = regions_in_reach(&state, &viewer).await?;
    let rooms = state.store.rooms().await?;
    let departments = state.store.departments().await?;
    let top = administered(&viewer)
        .iter()
        .map(|p| p.0.len())
        .min()
        .unwrap_or(0);
    let tree = regions
        .iter()
        .map(|r| TreeLine {
            id: r.id.0,
            name: r.name.clone(),
            level: r.level.label_zh(),
            depth: r.path.0.len().saturating_sub(top),
            retired: r.retired,
            rooms: rooms
                .iter()
                .filter(|m| m.region == r.id)
                .map(|m| {
                    let code = m.code.as_str().to_owned();
                    (m.id.0, m.name.clone(), code, m.retired)
                })
                .collect(),
            departments: departments
                .iter()
                .filter(|d| d.region == r.id)
                .cloned()
                .collect(),
        })
        .collect();
    let parents = regions
        .iter()
        .filter(|r| !r.retired)
        .filter_map(|r| {
            let child = r.level.child_level()?;
            Some((r.id.0, long_name(r, &regions), child.label_zh()))
        })
        .collect();
    Ok(Html(render(&ConsolePage {
        nav: Nav::of(&viewer),
        tree,
        parents,
        places: region_options(&regions),
    })))
}

/// Any field of the console's small forms; each reads the ones it needs.
#[derive(Debug, Default, Deserialize)]
pub struct AdminInput {
    pub parent: Option<String>,
    pub region: Option<String>,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub code: Option<String>,
    pub place: Option<String>,
    pub description: Option<String>,
    /// `on` when ticked.
    pub allow_anonymous: Option<String>,
    /// `on` when ticked.
    pub retired: Option<String>,
    /// A person's id.
    pub person: Option<String>,
    /// `on` or `off`.
    pub second_factor: Option<String>,
    /// Topic categories, one per line.
    pub categories: Option<String>,
    /// `on` to take the categories from the region above.
    pub inherit: Option<String>,
    /// A room's point on the map, in degrees (both or neither).
    pub lat: Option<String>,
    pub lng: Option<String>,
}

fn name_of(i: &AdminInput, label: &str, max: usize) -> AppResult<String> {
    let name = plain(i.name.as_deref(), "name", label, max)?;
    if name.chars().count() < 2 {
        return Err(invalid("name", &format!("请填写{label}（至少2个字）")));
    }
    Ok(name)
}

/// `POST /admin/regions`: a region one level below its parent.
pub async fn add_region(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    let parent = RegionId(id(&i.parent, "parent", "上级地区")?);
    let name = name_of(&i, "地区名称", 30)?;
    let level = state
        .store
        .region(parent)
        .await?
        .level
        .child_level()
        .ok_or_else(|| invalid("parent", "村（社区）之下不能再设地区"))?;
    let new = state
        .store
        .admin_add_region(by(&viewer), parent, &name, level)
        .await?;
    Ok(Redirect::to(&format!("/admin/regions/{}", new.0)))
}

#[derive(Template)]
#[template(path = "admin/region.html")]
struct RegionPage {
    nav: Nav,
    id: i64,
    name: String,
    long_name: String,
    level: &'static str,
    retired: bool,
    /// Not the viewer's own region: it may be renamed, moved and retired.
    changeable: bool,
    /// Where it may move: regions of the level above, in reach.
    parents: Vec<(i64, String)>,
    /// This region requires its officials to use a second factor.
    factor_here: bool,
    /// A region above requires it already.
    factor_above: bool,
    /// The categories its rooms file topics under, one per line.
    categories: String,
    /// The region set that list itself (else it comes from above).
    own_categories: bool,
}

/// `GET /admin/regions/{id}`.
pub async fn region_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
) -> AppResult<Html<String>> {
    let region = state.store.region(id).await?;
    domain::may_administer(&viewer.actor, &region.path)?;
    let all = regions_in_reach(&state, &viewer).await?;
    let parents = all
        .iter()
        .filter(|p| {
            !p.retired && p.level.child_level() == Some(region.level) && Some(p.id) != region.parent
        })
        .map(|p| (p.id.0, long_name(p, &all)))
        .collect();
    let rules = state.store.second_factor_rules().await?;
    let on = |here: bool| {
        rules
            .iter()
            .any(|(p, on)| *on && p.covers(&region.path) && (*p == region.path) == here)
    };
    let (factor_here, factor_above) = (on(true), on(false));
    let lists = state.store.category_settings().await?;
    let own_categories = lists.iter().any(|(p, _)| *p == region.path);
    let categories = domain::categories_for(&lists, &region.path).join("\n");
    Ok(Html(render(&RegionPage {
        nav: Nav::of(&viewer),
        id: id.0,
        long_name: long_name(&region, &all),
        level: region.level.label_zh(),
        retired: region.retired,
        changeable: domain::may_change_region(&viewer.actor, &region.path).is_ok(),
        name: region.name,
        parents,
        factor_here,
        factor_above,
        categories,
        own_categories,
    })))
}

/// `POST /admin/regions/{id}/categories`: the region's own topic
/// categories, one per line; `inherit=on` goes back to the list from above.
pub async fn set_categories(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    domain::may_administer(&viewer.actor, &state.store.region_path(id).await?)?;
    let list = if i.inherit.as_deref() == Some("on") {
        None
    } else {
        Some(domain::category_list(
            i.categories.as_deref().unwrap_or(""),
        )?)
    };
    state
        .store
        .set_categories(&viewer.who(), id, list.as_deref())
        .await?;
    Ok(back_to_region(id))
}

/// `POST /admin/regions/{id}/second-factor`: `second_factor=on` requires a
/// second factor of the region's officials, `off` stops requiring it.
pub async fn second_factor_rule(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    domain::may_administer(&viewer.actor, &state.store.region_path(id).await?)?;
    let on = match i.second_factor.as_deref() {
        Some("on") => true,
        Some("off") => false,
        _ => return Err(invalid("second_factor", "请选择是否要求使用动态验证码")),
    };
    state
        .store
        .set_second_factor_rule(&viewer.who(), id, on)
        .await?;
    Ok(back_to_region(id))
}

fn back_to_region(id: RegionId) -> Redirect {
    Redirect::to(&format!("/admin/regions/{}", id.0))
}

/// `POST /admin/regions/{id}/rename`.
pub async fn rename_region(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    // Asked before the form is read, so someone outside hears 403, not 422.
    domain::may_change_region(&viewer.actor, &state.store.region_path(id).await?)?;
    let name = name_of(&i, "地区名称", 30)?;
    state
        .store
        .admin_rename_region(by(&viewer), id, &name)
        .await?;
    Ok(back_to_region(id))
}

/// `POST /admin/regions/{id}/move`.
pub async fn move_region(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    domain::may_change_region(&viewer.actor, &state.store.region_path(id).await?)?;
    let parent = RegionId(crate::forms::id(&i.parent, "parent", "新的上级地区")?);
    state
        .store
        .admin_move_region(by(&viewer), id, parent)
        .await?;
    Ok(back_to_region(id))
}

/// `POST /admin/regions/{id}/retire`.
pub async fn retire_region(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RegionId>,
) -> AppResult<Redirect> {
    state.store.admin_retire_region(by(&viewer), id).await?;
    Ok(back_to_region(id))
}

/// `POST /admin/rooms`: a room in a region in reach.
pub async fn add_room(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    let region = RegionId(id(&i.region, "region", "所在地区")?);
    let code = RoomCode::parse(required(&i.code, "code", "议事室代码")?)?;
    let name = name_of(&i, "议事室名称", 40)?;
    let place = plain(i.place.as_deref(), "place", "地点", 60)?;
    let description = plain(i.description.as_deref(), "description", "简介", 300)?;
    let new = store::NewRoom {
        region,
        code: &code,
        name: &name,
        place: &place,
        description: &description,
        allow_anonymous: i.allow_anonymous.as_deref() == Some("on"),
    };
    let room = state.store.admin_add_room(by(&viewer), new).await?;
    Ok(Redirect::to(&format!("/admin/rooms/{}", room.0)))
}

#[derive(Template)]
#[template(path = "admin/room.html")]
struct RoomPage {
    nav: Nav,
    room: store::Room,
    region: String,
    conveners: Vec<(i64, String)>,
    /// People in reach who could convene it: (id, name and post).
    candidates: Vec<(i64, String)>,
    /// Its map point in degrees, as the form shows it (empty when unset).
    lat: String,
    lng: String,
}

/// A room in one of the viewer's regions; anyone else's is refused before
/// their form is read, so someone outside hears 403, not 422.
async fn room_in_reach(
    state: &AppState,
    viewer: &crate::auth::Viewer,
    id: RoomId,
) -> AppResult<store::Room> {
    let room = state.store.room(id).await?;
    domain::may_administer(&viewer.actor, &state.store.region_path(room.region).await?)?;
    Ok(room)
}

/// `GET /admin/rooms/{id}`: the room's details, its conveners and poster.
pub async fn room_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RoomId>,
) -> AppResult<Html<String>> {
    let room = room_in_reach(&state, &viewer, id).await?;
    let all = regions_in_reach(&state, &viewer).await?;
    let region = all
        .iter()
        .find(|r| r.id == room.region)
        .map(|r| long_name(r, &all))
        .unwrap_or_default();
    let conveners: Vec<(i64, String)> = state
        .store
        .conveners_of_room(id)
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.display_name))
        .collect();
    let candidates = state
        .store
        .admin_people(&administered(&viewer))
        .await?
        .into_iter()
        .filter(|p| !p.user.disabled && conveners.iter().all(|(c, _)| *c != p.user.id.0))
        .map(|p| {
            (
                p.user.id.0,
                format!("{} {}", p.user.display_name, p.user.title),
            )
        })
        .collect();
    let degrees = |e6: i64| format!("{:.6}", e6 as f64 / 1e6);
    let (lat, lng) = room
        .point
        .map(|(lat, lng)| (degrees(lat), degrees(lng)))
        .unwrap_or_default();
    Ok(Html(render(&RoomPage {
        nav: Nav::of(&viewer),
        room,
        region,
        conveners,
        candidates,
        lat,
        lng,
    })))
}

/// `POST /admin/rooms/{id}`: name, place, description, anonymity, map point.
pub async fn edit_room(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RoomId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    room_in_reach(&state, &viewer, id).await?;
    let name = name_of(&i, "议事室名称", 40)?;
    let place = plain(i.place.as_deref(), "place", "地点", 60)?;
    let description = plain(i.description.as_deref(), "description", "简介", 300)?;
    let edit = store::RoomEdit {
        name: &name,
        place: &place,
        description: &description,
        allow_anonymous: i.allow_anonymous.as_deref() == Some("on"),
        point: domain::point_e6(
            i.lat.as_deref().unwrap_or(""),
            i.lng.as_deref().unwrap_or(""),
        )?,
    };
    state.store.admin_edit_room(by(&viewer), id, edit).await?;
    Ok(Redirect::to(&format!("/admin/rooms/{}", id.0)))
}

/// `POST /admin/rooms/{id}/retire`: `retired=on` retires, anything else restores.
pub async fn retire_room(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RoomId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    let retired = i.retired.as_deref() == Some("on");
    state
        .store
        .admin_retire_room(by(&viewer), id, retired)
        .await?;
    Ok(Redirect::to(&format!("/admin/rooms/{}", id.0)))
}

/// `POST /admin/departments`: a department of a region in reach.
pub async fn add_department(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    let region = RegionId(id(&i.region, "region", "所属地区")?);
    let code = department_code(&i)?;
    let name = name_of(&i, "部门名称", 40)?;
    let short = plain(i.short_name.as_deref(), "short_name", "简称", 8)?;
    let new = store::NewDepartment {
        region,
        code: &code,
        name: &name,
        short_name: if short.is_empty() { &name } else { &short },
    };
    state.store.admin_add_department(by(&viewer), new).await?;
    Ok(Redirect::to("/admin#departments"))
}

/// A department's code: the same shape as a room's, checked the same way.
fn department_code(i: &AdminInput) -> AppResult<String> {
    let raw = required(&i.code, "code", "部门代码")?;
    RoomCode::parse(raw)
        .map(|c| c.as_str().to_owned())
        .map_err(|_| invalid("code", "部门代码为3到16位小写字母、数字或连字符"))
}

/// `POST /admin/departments/{id}`: rename, retire or restore.
pub async fn edit_department(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<DepartmentId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    let d = state.store.department(id).await?;
    domain::may_administer(&viewer.actor, &state.store.region_path(d.region).await?)?;
    let name = name_of(&i, "部门名称", 40)?;
    let short = plain(i.short_name.as_deref(), "short_name", "简称", 8)?;
    let retired = i.retired.as_deref() == Some("on");
    state
        .store
        .admin_edit_department(by(&viewer), id, &name, &short, retired)
        .await?;
    Ok(Redirect::to("/admin#departments"))
}

/// `POST /admin/rooms/{id}/conveners`: names a person in reach its convener.
pub async fn add_convener(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<RoomId>,
    PageForm(i): PageForm<AdminInput>,
) -> AppResult<Redirect> {
    room_in_reach(&state, &viewer, id).await?;
    let person = domain::UserId(crate::forms::id(&i.person, "person", "人员")?);
    let grant = domain::Grant {
        role: domain::Role::Convener,
        scope: domain::Scope::Room(id),
    };
    state.store.admin_grant(by(&viewer), person, &grant).await?;
    Ok(Redirect::to(&format!("/admin/rooms/{}", id.0)))
}
