//! People in the console: the list, a new account, a person's page with
//! their roles, and the account moves (edit, disable, reset the password,
//! grant, revoke). A new account or a reset gets a temporary password,
//! shown once to the administrator; its owner must change it on first use.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Redirect};
use domain::{
    DepartmentId, Grant, ParticipantCategory, RegionId, Role, RoomId, Scope, UserId, Username,
};
use serde::Deserialize;

use super::{administered, by, long_name, region_options, regions_in_reach};
use crate::AppState;
use crate::auth::{SignedIn, Viewer, hash_password};
use crate::error::AppResult;
use crate::forms::{ApiPath, PageForm, id, invalid, optional_phone, plain, required};
use crate::photos::PhotoForm;
use crate::view::{Nav, render};

/// A person's line in the list.
struct PersonLine {
    id: i64,
    name: String,
    title: String,
    username: String,
    roles: String,
    disabled: bool,
    /// Signs in with a second factor.
    second_factor: bool,
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    nav: Nav,
    people: Vec<PersonLine>,
    q: String,
    places: Vec<(i64, String)>,
    categories: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeopleQuery {
    pub q: Option<String>,
}

/// What a grant says, in Chinese: 召集人（陈师社区议事室）.
async fn grant_text(state: &AppState, g: &Grant) -> AppResult<String> {
    let place = match &g.scope {
        Scope::Global => String::new(),
        Scope::Region(p) => match p.id() {
            Some(r) => state.store.region(r).await?.name,
            None => String::new(),
        },
        Scope::Room(r) => state.store.room(*r).await?.name,
        Scope::Department(d) => state.store.department(*d).await?.name,
    };
    Ok(format!("{}（{place}）", g.role.label_zh()))
}

/// `GET /admin/people`: everyone with a place in the viewer's regions.
pub async fn people(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Query(query): Query<PeopleQuery>,
) -> AppResult<Html<String>> {
    let q = query.q.unwrap_or_default().trim().to_owned();
    let mut lines = Vec::new();
    for p in state.store.admin_people(&administered(&viewer)).await? {
        let username = p.user.username.as_ref().map(|u| u.as_str().to_owned());
        let username = username.unwrap_or_default();
        if !q.is_empty() && !p.user.display_name.contains(&q) && !username.contains(&q) {
            continue;
        }
        let mut roles = Vec::new();
        for g in &p.grants {
            roles.push(grant_text(&state, g).await?);
        }
        lines.push(PersonLine {
            id: p.user.id.0,
            name: p.user.display_name,
            title: p.user.title,
            username,
            roles: roles.join("、"),
            disabled: p.user.disabled,
            second_factor: p.second_factor,
        });
    }
    let regions = regions_in_reach(&state, &viewer).await?;
    Ok(Html(render(&PeoplePage {
        nav: Nav::of(&viewer),
        people: lines,
        q,
        places: region_options(&regions),
        categories: category_options(),
    })))
}

fn category_options() -> Vec<(&'static str, &'static str)> {
    ParticipantCategory::ALL
        .iter()
        .map(|c| (c.code(), c.label_zh()))
        .collect()
}

/// Any field of the people forms; each form reads the ones it needs.
#[derive(Debug, Default, Deserialize)]
pub struct PersonInput {
    pub username: Option<String>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    /// Category codes, separated by commas (ticked boxes).
    pub categories: Option<String>,
    pub region: Option<String>,
    /// A role code.
    pub role: Option<String>,
    /// `region:ID`, `room:ID` or `department:ID`.
    pub scope: Option<String>,
    /// `on` to disable, anything else to enable.
    pub disabled: Option<String>,
}

fn categories_of(i: &PersonInput) -> AppResult<Vec<ParticipantCategory>> {
    let mut out = Vec::new();
    for code in i.categories.as_deref().unwrap_or("").split(',') {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        let c = ParticipantCategory::parse(code)
            .ok_or_else(|| invalid("categories", "人员类别不正确"))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push(ParticipantCategory::Public);
    }
    Ok(out)
}

/// `POST /admin/people`: a new account with a temporary password.
pub async fn add_person(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PhotoForm { input: i, .. }: PhotoForm<PersonInput>,
) -> AppResult<Html<String>> {
    let region = RegionId(id(&i.region, "region", "所属地区")?);
    domain::may_administer(&viewer.actor, &state.store.region_path(region).await?)?;
    let username = Username::parse(required(&i.username, "username", "登录名")?)?;
    let name = plain(i.name.as_deref(), "name", "姓名", 20)?;
    if name.is_empty() {
        return Err(invalid("name", "请填写姓名"));
    }
    let title = plain(i.title.as_deref(), "title", "职务", 30)?;
    let phone = optional_phone(&i.phone)?;
    let categories = categories_of(&i)?;
    let temporary = crate::auth::temporary_password();
    let hash = hash_password(domain::Password::parse(&temporary)?)
        .await
        .map_err(crate::error::AppError::Internal)?;
    let new = store::NewUser {
        username: Some(&username),
        phone: phone.as_ref(),
        display_name: &name,
        title: &title,
        categories: &categories,
        password_hash: Some(hash),
    };
    let person = state
        .store
        .admin_add_person(by(&viewer), region, new)
        .await?;
    person_view(&state, &viewer, person, Some(temporary)).await
}

#[derive(Template)]
#[template(path = "admin/person.html")]
struct PersonPage {
    nav: Nav,
    person: store::User,
    phone: String,
    home: String,
    /// (text, role code, scope) of each role held.
    grants: Vec<(String, &'static str, String)>,
    /// Shown once, after a new account or a reset.
    temporary: Option<String>,
    categories: Vec<(&'static str, &'static str, bool)>,
    roles: Vec<(&'static str, &'static str)>,
    /// Places a role can be held in: (scope, what it is).
    scopes: Vec<(String, String)>,
    /// They set up a second factor (an administrator can clear it).
    second_factor: bool,
}

async fn person_view(
    state: &AppState,
    viewer: &Viewer,
    id: UserId,
    temporary: Option<String>,
) -> AppResult<Html<String>> {
    let places = state.store.places_of(id).await?;
    domain::may_manage_person(&viewer.actor, &places)?;
    let person = state.store.user(id).await?;
    let all = regions_in_reach(state, viewer).await?;
    let home = person
        .home
        .and_then(|h| all.iter().find(|r| r.id == h))
        .map(|r| long_name(r, &all))
        .unwrap_or_default();
    let mut grants = Vec::new();
    for g in state.store.actor(id).await?.grants {
        if g.role == Role::Resident {
            continue;
        }
        let (kind, scope_id) = store::scope_code(&g.scope);
        grants.push((
            grant_text(state, &g).await?,
            g.role.code(),
            format!("{kind}:{scope_id}"),
        ));
    }
    let mut scopes: Vec<(String, String)> = all
        .iter()
        .filter(|r| !r.retired)
        .map(|r| (format!("region:{}", r.id.0), long_name(r, &all)))
        .collect();
    for room in state.store.rooms().await? {
        if !room.retired && all.iter().any(|r| r.id == room.region) {
            scopes.push((
                format!("room:{}", room.id.0),
                format!("议事室：{}", room.name),
            ));
        }
    }
    for d in state.store.departments().await? {
        if !d.retired && all.iter().any(|r| r.id == d.region) {
            scopes.push((
                format!("department:{}", d.id.0),
                format!("部门：{}", d.name),
            ));
        }
    }
    Ok(Html(render(&PersonPage {
        nav: Nav::of(viewer),
        phone: person
            .phone
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        categories: ParticipantCategory::ALL
            .iter()
            .map(|c| (c.code(), c.label_zh(), person.categories.contains(c)))
            .collect(),
        person,
        home,
        grants,
        temporary,
        roles: store::GRANTABLE
            .iter()
            .map(|r| (r.code(), r.label_zh()))
            .collect(),
        scopes,
        second_factor: state
            .store
            .second_factor(id)
            .await?
            .is_some_and(|f| f.confirmed),
    })))
}

/// `GET /admin/people/{id}`.
pub async fn person_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
) -> AppResult<Html<String>> {
    person_view(&state, &viewer, id, None).await
}

/// Refuses people outside the viewer's regions before their form is read.
async fn manageable(state: &AppState, viewer: &Viewer, id: UserId) -> AppResult<()> {
    let places = state.store.places_of(id).await?;
    Ok(domain::may_manage_person(&viewer.actor, &places)?)
}

fn back(id: UserId) -> Redirect {
    Redirect::to(&format!("/admin/people/{}", id.0))
}

/// `POST /admin/people/{id}`: name, post, phone, categories.
pub async fn edit_person(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
    PhotoForm { input: i, .. }: PhotoForm<PersonInput>,
) -> AppResult<Redirect> {
    manageable(&state, &viewer, id).await?;
    let name = plain(i.name.as_deref(), "name", "姓名", 20)?;
    if name.is_empty() {
        return Err(invalid("name", "请填写姓名"));
    }
    let title = plain(i.title.as_deref(), "title", "职务", 30)?;
    let phone = optional_phone(&i.phone)?;
    let categories = categories_of(&i)?;
    let edit = store::PersonEdit {
        display_name: &name,
        title: &title,
        phone: phone.as_ref(),
        categories: &categories,
    };
    state.store.admin_edit_person(by(&viewer), id, edit).await?;
    Ok(back(id))
}

/// `POST /admin/people/{id}/disable`: `disabled=on` disables, else enables.
pub async fn disable_person(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
    PageForm(i): PageForm<PersonInput>,
) -> AppResult<Redirect> {
    if Some(id) == viewer.actor.user {
        return Err(invalid("disabled", "不能停用自己的账号"));
    }
    let disabled = i.disabled.as_deref() == Some("on");
    state
        .store
        .admin_set_disabled(by(&viewer), id, disabled)
        .await?;
    Ok(back(id))
}

/// `POST /admin/people/{id}/reset`: a new temporary password, shown once.
pub async fn reset_password(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
) -> AppResult<Html<String>> {
    manageable(&state, &viewer, id).await?;
    let temporary = crate::auth::temporary_password();
    let hash = hash_password(domain::Password::parse(&temporary)?)
        .await
        .map_err(crate::error::AppError::Internal)?;
    state
        .store
        .admin_reset_password(by(&viewer), id, hash)
        .await?;
    person_view(&state, &viewer, id, Some(temporary)).await
}

/// `POST /admin/people/{id}/second-factor`: clears the second factor of
/// someone who lost their phone; they set it up again at the next sign-in.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
) -> AppResult<Redirect> {
    state
        .store
        .admin_reset_second_factor(by(&viewer), id)
        .await?;
    Ok(back(id))
}

/// A role and its place from the grant form.
fn grant_of(i: &PersonInput) -> AppResult<Grant> {
    let role = Role::parse(required(&i.role, "role", "角色")?)
        .filter(|r| *r != Role::Resident)
        .ok_or_else(|| invalid("role", "请选择角色"))?;
    let raw = required(&i.scope, "scope", "范围")?;
    let (kind, n) = raw
        .split_once(':')
        .and_then(|(k, n)| Some((k, n.parse::<i64>().ok()?)))
        .ok_or_else(|| invalid("scope", "请选择范围"))?;
    let scope = match kind {
        "room" => Scope::Room(RoomId(n)),
        "department" => Scope::Department(DepartmentId(n)),
        "region" => Scope::Region(domain::RegionPath(vec![RegionId(n)])),
        _ => return Err(invalid("scope", "请选择范围")),
    };
    if role.scope_kind() != scope.kind() {
        let wanted = match role.scope_kind() {
            domain::ScopeKind::Room => "议事室",
            domain::ScopeKind::Department => "部门",
            _ => "地区",
        };
        return Err(invalid(
            "scope",
            &format!("{}的范围应选择{wanted}", role.label_zh()),
        ));
    }
    Ok(Grant { role, scope })
}

/// The grant with a region scope's whole path, as the store keeps it.
async fn resolved(state: &AppState, g: Grant) -> AppResult<Grant> {
    Ok(match g.scope {
        Scope::Region(p) => match p.id() {
            Some(r) => Grant {
                role: g.role,
                scope: Scope::Region(state.store.region_path(r).await?),
            },
            None => Grant {
                role: g.role,
                scope: Scope::Region(p),
            },
        },
        _ => g,
    })
}

/// `POST /admin/people/{id}/grants`.
pub async fn grant(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
    PageForm(i): PageForm<PersonInput>,
) -> AppResult<Redirect> {
    state.store.user(id).await?;
    let g = resolved(&state, grant_of(&i)?).await?;
    state.store.admin_grant(by(&viewer), id, &g).await?;
    Ok(back(id))
}

/// `POST /admin/people/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<UserId>,
    PageForm(i): PageForm<PersonInput>,
) -> AppResult<Redirect> {
    let g = resolved(&state, grant_of(&i)?).await?;
    state.store.admin_revoke(by(&viewer), id, &g).await?;
    Ok(back(id))
}
