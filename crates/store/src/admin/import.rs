//! 批量导入: rooms, departments and people read from a file
//! (`domain::read_sheets`) written in one transaction, or, for a dry run,
//! the same transaction rolled back, so the preview is exactly what a
//! commit would do. Any error and nothing is written.
use std::collections::BTreeMap;

use domain::{
    AuditAction, AuditWhat, DepartmentLine, Grant, ImportError, ImportLines, PersonLine,
    RegionPath, Role, RoomLine, Scope,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::Authority;
use crate::directory;
use crate::entity::{department, grant, region, room, user};
use crate::{Region, Result, Store, WriteTx};

/// What importing a row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new room, department or person.
    Create,
    /// These fields change.
    Update(Vec<&'static str>),
    /// Nothing changes.
    Same,
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    /// 议事室, 部门 or 人员.
    pub sheet: &'static str,
    /// Its row in the sheet.
    pub row: usize,
    /// The room's or department's code, the person's login name.
    pub key: String,
    /// What happens to it.
    pub change: Change,
}

/// What an import does, row by row, or why it cannot.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    /// Every row that would be (or was) applied.
    pub rows: Vec<PlannedRow>,
    /// Every problem; when there is one, nothing is written.
    pub errors: Vec<ImportError>,
}

/// Dry run or the real thing.
pub enum ImportMode {
    /// Plan only: the transaction is rolled back.
    DryRun,
    /// Write, giving each new person (by login name) this password hash;
    /// they must change it at first sign-in.
    Commit(BTreeMap<String, String>),
}

struct Ctx<'a> {
    by: Authority<'a>,
    regions: Vec<Region>,
    plan: ImportPlan,
}

impl Ctx<'_> {
    fn fail(&mut self, sheet: &str, row: usize, column: &str, message: impl Into<String>) {
        self.plan.errors.push(ImportError {
            sheet: sheet.to_owned(),
            row,
            column: column.to_owned(),
            message: message.into(),
        });
    }

    fn in_reach(&self, path: &RegionPath) -> bool {
        match self.by {
            Authority::CommandLine => true,
            Authority::Administrator(a) => a.administers(path),
        }
    }

    /// Whether the region with this id lies in reach (an existing row's).
    fn region_in_reach(&self, id: i64) -> bool {
        self.regions
            .iter()
            .find(|r| r.id.0 == id)
            .is_some_and(|r| self.in_reach(&r.path))
    }

    /// A region named as in the file: its name if unique in reach, else
    /// names from the top separated by /.
    fn region(&mut self, sheet: &str, row: usize, column: &str, written: &str) -> Option<Region> {
        let names: Vec<&str> = written.split('/').map(str::trim).collect();
        let found: Vec<&Region> = self
            .regions
            .iter()
            .filter(|r| !r.retired && self.in_reach(&r.path))
            .filter(|r| {
                let chain: Vec<&str> = r
                    .path
                    .0
                    .iter()
                    .filter_map(|id| self.regions.iter().find(|x| x.id == *id))
                    .map(|x| x.name.as_str())
                    .collect();
                chain.ends_with(&names)
            })
            .collect();
        match found.as_slice() {
            [one] => Some((*one).clone()),
            [] => {
                self.fail(
                    sheet,
                    row,
                    column,
                    format!("找不到您管理范围内的地区「{written}」"),
                );
                None
            }
            _ => {
                self.fail(
                    sheet,
                    row,
                    column,
                    format!("有多个「{written}」，请写成 上级/名称"),
                );
                None
            }
        }
    }

    fn planned(&mut self, sheet: &'static str, row: usize, key: &str, change: Change) {
        self.plan.rows.push(PlannedRow {
            sheet,
            row,
            key: key.to_owned(),
            change,
        });
    }
}

/// The names of the fields whose old and new values differ.
fn changed(pairs: &[(&'static str, bool)]) -> Change {
    let fields: Vec<&'static str> = pairs.iter().filter(|(_, d)| *d).map(|(n, _)| *n).collect();
    if fields.is_empty() {
        Change::Same
    } else {
        Change::Update(fields)
    }
}

impl Store {
    /// Imports `lines` on `by`'s authority: a dry run's plan, or the plan as
    /// written. With errors nothing is written, whatever the mode.
    pub async fn import(
        &self,
        by: Authority<'_>,
        lines: &ImportLines,
        mode: ImportMode,
    ) -> Result<ImportPlan> {
        let w = self.write().await?;
        let regions = crate::model::all(region::Entity::find().all(&w.tx).await?)?;
        let mut cx = Ctx {
            by,
            regions,
            plan: ImportPlan::default(),
        };
        for line in &lines.rooms {
            import_room(&w, &mut cx, line).await?;
        }
        for line in &lines.departments {
            import_department(&w, &mut cx, line).await?;
        }
        let passwords = match &mode {
            ImportMode::Commit(p) => Some(p),
            ImportMode::DryRun => None,
        };
        for line in &lines.people {
            import_person(self, &w, &mut cx, line, passwords).await?;
        }
        if matches!(mode, ImportMode::Commit(_)) && cx.plan.errors.is_empty() {
            w.commit().await?;
        } else {
            w.rollback().await?;
        }
        Ok(cx.plan)
    }
}

async fn import_room(w: &WriteTx, cx: &mut Ctx<'_>, l: &RoomLine) -> Result<()> {
    const SHEET: &str = "议事室";
    let Some(region) = cx.region(SHEET, l.row, "所在地区", &l.region) else {
        return Ok(());
    };
    let code = l.code.as_str();
    let existing = room::Entity::find()
        .filter(room::Column::Code.eq(code))
        .one(&w.tx)
        .await?;
    let Some(old) = existing else {
        let new = crate::NewRoom {
            region: region.id,
            code: &l.code,
            name: &l.name,
            place: &l.place,
            description: &l.description,
            allow_anonymous: l.allow_anonymous,
        };
        let id = directory::insert_room(w, new).await?;
        if l.retired {
            set_room(w, id.0, l, &region).await?;
        }
        w.audit(
            AuditWhat::Other(AuditAction::RoomCreated),
            format!("room:{code}"),
            Some(&region.path),
            json!({ "name": l.name, "imported": true }),
        );
        cx.planned(SHEET, l.row, code, Change::Create);
        return Ok(());
    };
    if !cx.region_in_reach(old.region_id) {
        cx.fail(SHEET, l.row, "代码", "该代码已被其他地区的议事室使用");
        return Ok(());
    }
    let change = changed(&[
        ("名称", old.name != l.name),
        ("所在地区", old.region_id != region.id.0),
        ("地点", old.place != l.place),
        ("简介", old.description != l.description),
        ("匿名提交", old.allow_anonymous != l.allow_anonymous),
        ("状态", old.retired_at.is_some() != l.retired),
    ]);
    if let Change::Update(fields) = &change {
        set_room(w, old.id, l, &region).await?;
        w.audit(
            AuditWhat::Other(AuditAction::RoomUpdated),
            format!("room:{code}"),
            Some(&region.path),
            json!({ "fields": fields, "imported": true }),
        );
    }
    cx.planned(SHEET, l.row, code, change);
    Ok(())
}

async fn set_room(w: &WriteTx, id: i64, l: &RoomLine, region: &Region) -> Result<()> {
    let retired_at = l.retired.then_some(w.now);
    room::Entity::update_many()
        .col_expr(room::Column::Name, Expr::value(l.name.as_str()))
        .col_expr(room::Column::RegionId, Expr::value(region.id.0))
        .col_expr(room::Column::Place, Expr::value(l.place.as_str()))
        .col_expr(
            room::Column::Description,
            Expr::value(l.description.as_str()),
        )
        .col_expr(room::Column::AllowAnonymous, Expr::value(l.allow_anonymous))
        .col_expr(room::Column::RetiredAt, Expr::value(retired_at))
        .filter(room::Column::Id.eq(id))
        .exec(&w.tx)
        .await?;
    Ok(())
}

async fn import_department(w: &WriteTx, cx: &mut Ctx<'_>, l: &DepartmentLine) -> Result<()> {
    const SHEET: &str = "部门";
    let Some(region) = cx.region(SHEET, l.row, "所属地区", &l.region) else {
        return Ok(());
    };
    let existing = department::Entity::find()
        .filter(department::Column::Code.eq(l.code.as_str()))
        .one(&w.tx)
        .await?;
    let Some(old) = existing else {
        let new = crate::NewDepartment {
            region: region.id,
            code: &l.code,
            name: &l.name,
            short_name: &l.short_name,
        };
        let id = directory::insert_department(w, new).await?;
        if l.retired {
            set_department(w, id.0, l, &region).await?;
        }
        w.audit(
            AuditWhat::Other(AuditAction::DepartmentCreated),
            format!("department:{}", l.code),
            Some(&region.path),
            json!({ "name": l.name, "imported": true }),
        );
        cx.planned(SHEET, l.row, &l.code, Change::Create);
        return Ok(());
    };
    if !cx.region_in_reach(old.region_id) {
        cx.fail(SHEET, l.row, "代码", "该代码已被其他地区的部门使用");
        return Ok(());
    }
    let change = changed(&[
        ("名称", old.name != l.name),
        ("简称", old.short_name != l.short_name),
        ("所属地区", old.region_id != region.id.0),
        ("状态", old.retired_at.is_some() != l.retired),
    ]);
    if let Change::Update(fields) = &change {
        set_department(w, old.id, l, &region).await?;
        w.audit(
            AuditWhat::Other(AuditAction::DepartmentUpdated),
            format!("department:{}", l.code),
            Some(&region.path),
            json!({ "fields": fields, "imported": true }),
        );
    }
    cx.planned(SHEET, l.row, &l.code, change);
    Ok(())
}

async fn set_department(w: &WriteTx, id: i64, l: &DepartmentLine, region: &Region) -> Result<()> {
    department::Entity::update_many()
        .col_expr(department::Column::Name, Expr::value(l.name.as_str()))
        .col_expr(
            department::Column::ShortName,
            Expr::value(l.short_name.as_str()),
        )
        .col_expr(department::Column::RegionId, Expr::value(region.id.0))
        .col_expr(
            department::Column::RetiredAt,
            Expr::value(l.retired.then_some(w.now)),
        )
        .filter(department::Column::Id.eq(id))
        .exec(&w.tx)
        .await?;
    Ok(())
}

/// The grants a person's row asks for, each resolved inside the write (so
/// a room made earlier in the same file is found).
async fn grants_of(
    w: &WriteTx,
    cx: &mut Ctx<'_>,
    l: &PersonLine,
) -> Result<Option<Vec<(Grant, RegionPath)>>> {
    const SHEET: &str = "人员";
    let mut out = Vec::new();
    let mut ok = true;
    for (role, place) in &l.roles {
        let found = match role.scope_kind() {
            domain::ScopeKind::Room => room::Entity::find()
                .filter(room::Column::Code.eq(place.as_str()))
                .one(&w.tx)
                .await?
                .map(|r| (Scope::Room(domain::RoomId(r.id)), r.region_id)),
            domain::ScopeKind::Department => department::Entity::find()
                .filter(department::Column::Code.eq(place.as_str()))
                .one(&w.tx)
                .await?
                .map(|d| (Scope::Department(domain::DepartmentId(d.id)), d.region_id)),
            _ => cx
                .region(SHEET, l.row, "角色", place)
                .map(|r| (Scope::Region(r.path.clone()), r.id.0)),
        };
        let Some((scope, region_id)) = found else {
            if role.scope_kind() != domain::ScopeKind::Region {
                cx.fail(SHEET, l.row, "角色", format!("找不到「{place}」"));
            }
            ok = false;
            continue;
        };
        let Some(path) = cx
            .regions
            .iter()
            .find(|r| r.id.0 == region_id)
            .map(|r| r.path.clone())
        else {
            ok = false;
            continue;
        };
        let g = Grant { role: *role, scope };
        if let Authority::Administrator(a) = cx.by
            && domain::may_grant(a, &g, &path).is_err()
        {
            cx.fail(
                SHEET,
                l.row,
                "角色",
                format!("「{place}」不在您的管理范围内"),
            );
            ok = false;
            continue;
        }
        out.push((g, path));
    }
    Ok(ok.then_some(out))
}

async fn import_person(
    store: &Store,
    w: &WriteTx,
    cx: &mut Ctx<'_>,
    l: &PersonLine,
    passwords: Option<&BTreeMap<String, String>>,
) -> Result<()> {
    const SHEET: &str = "人员";
    let name = l.username.as_str();
    let Some(home) = cx.region(SHEET, l.row, "所属地区", &l.region) else {
        return Ok(());
    };
    let Some(grants) = grants_of(w, cx, l).await? else {
        return Ok(());
    };
    let existing = user::Entity::find()
        .filter(user::Column::Username.eq(name))
        .one(&w.tx)
        .await?;
    if let Some(phone) = &l.phone {
        let holder = user::Entity::find()
            .filter(user::Column::Phone.eq(phone.as_str()))
            .one(&w.tx)
            .await?;
        if holder.is_some_and(|h| existing.as_ref().is_none_or(|e| e.id != h.id)) {
            cx.fail(SHEET, l.row, "手机号", "该手机号已被他人使用");
            return Ok(());
        }
    }
    let categories: Vec<&str> = l.categories.iter().map(|c| c.code()).collect();
    let categories = categories.join(",");
    let phone = l.phone.as_ref().map(|p| p.as_str().to_owned());
    let (id, change) = match existing {
        None => {
            let hash = passwords.and_then(|p| p.get(name)).cloned();
            let new = crate::NewUser {
                username: Some(&l.username),
                phone: l.phone.as_ref(),
                display_name: &l.name,
                title: &l.title,
                categories: &l.categories,
                password_hash: hash,
            };
            let id = directory::insert_user(w, new).await?;
            user::Entity::update_many()
                .col_expr(user::Column::RegionId, Expr::value(home.id.0))
                .col_expr(user::Column::MustChangePassword, Expr::value(true))
                .col_expr(
                    user::Column::DisabledAt,
                    Expr::value(l.disabled.then_some(w.now)),
                )
                .filter(user::Column::Id.eq(id.0))
                .exec(&w.tx)
                .await?;
            w.audit(
                AuditWhat::Other(AuditAction::PersonCreated),
                format!("user:{}", id.0),
                Some(&home.path),
                json!({ "name": l.name, "imported": true }),
            );
            (id, Change::Create)
        }
        Some(old) => {
            let id = domain::UserId(old.id);
            if let Authority::Administrator(a) = cx.by {
                let places = store.places_of(id).await?;
                if domain::may_manage_person(a, &places).is_err() {
                    cx.fail(SHEET, l.row, "登录名", "该登录名已被您管理范围外的人员使用");
                    return Ok(());
                }
            }
            let mut change = changed(&[
                ("姓名", old.display_name != l.name),
                ("职务", old.title != l.title),
                ("手机号", old.phone != phone),
                ("所属地区", old.region_id != Some(home.id.0)),
                ("人员类别", old.categories != categories),
                ("状态", old.disabled_at.is_some() != l.disabled),
            ]);
            if let Change::Update(fields) = &change {
                user::Entity::update_many()
                    .col_expr(user::Column::DisplayName, Expr::value(l.name.as_str()))
                    .col_expr(user::Column::Title, Expr::value(l.title.as_str()))
                    .col_expr(user::Column::Phone, Expr::value(phone.clone()))
                    .col_expr(user::Column::RegionId, Expr::value(home.id.0))
                    .col_expr(user::Column::Categories, Expr::value(categories.as_str()))
                    .col_expr(
                        user::Column::DisabledAt,
                        Expr::value(match (old.disabled_at, l.disabled) {
                            (Some(t), true) => Some(t),
                            (None, true) => Some(w.now),
                            _ => None,
                        }),
                    )
                    .filter(user::Column::Id.eq(old.id))
                    .exec(&w.tx)
                    .await?;
                w.audit(
                    AuditWhat::Other(AuditAction::PersonUpdated),
                    format!("user:{}", old.id),
                    Some(&home.path),
                    json!({ "fields": fields, "imported": true }),
                );
            }
            // Roles held already stay; the file adds those it lists.
            for (g, _) in &grants {
                if !holds(w, id, g).await? {
                    change = match change {
                        Change::Update(mut f) => {
                            f.push("角色");
                            Change::Update(f)
                        }
                        _ => Change::Update(vec!["角色"]),
                    };
                }
            }
            (id, change)
        }
    };
    for (g, path) in &grants {
        let (kind, scope_id) = super::scope_code(&g.scope);
        if !holds(w, id, g).await? && g.role != Role::Resident {
            directory::insert_grant(w, id, g).await?;
            w.audit(
                AuditWhat::Other(AuditAction::GrantAdded),
                format!("user:{}", id.0),
                Some(path),
                json!({ "role": g.role.code(), "scope": (kind, scope_id), "imported": true }),
            );
        }
    }
    cx.planned(SHEET, l.row, name, change);
    Ok(())
}

/// Whether the person holds this role in this place already.
async fn holds(w: &WriteTx, id: domain::UserId, g: &Grant) -> Result<bool> {
    let (kind, scope_id) = super::scope_code(&g.scope);
    Ok(grant::Entity::find()
        .filter(grant::Column::UserId.eq(id.0))
        .filter(grant::Column::Role.eq(g.role.code()))
        .filter(grant::Column::ScopeKind.eq(kind))
        .filter(grant::Column::ScopeId.eq(scope_id))
        .one(&w.tx)
        .await?
        .is_some())
}
