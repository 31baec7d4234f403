//! Rooms and departments as a region's administrator keeps them.
use domain::{AuditAction, AuditWhat, DepartmentId, DomainError, RegionPath, RoomId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::Authority;
use crate::directory;
use crate::entity::{department, room};
use crate::{Result, Store, StoreError};

/// What an administrator may change about a room.
pub struct RoomEdit<'a> {
    /// Its name.
    pub name: &'a str,
    /// Where it meets.
    pub place: &'a str,
    /// What its page says about it.
    pub description: &'a str,
    /// Whether residents may submit without a name.
    pub allow_anonymous: bool,
    /// Where it is on the map (millionths of a degree), for finding the
    /// room nearest a place another system reports.
    pub point: Option<(i64, i64)>,
}

impl Store {
    /// Adds a room in a region the administrator covers.
    pub async fn admin_add_room(
        &self,
        by: Authority<'_>,
        new: crate::NewRoom<'_>,
    ) -> Result<RoomId> {
        let r = self.region(new.region).await?;
        by.check(|a| domain::may_administer(a, &r.path))?;
        if r.retired {
            return Err(DomainError::Precondition("该地区已撤销".into()).into());
        }
        let code = new.code.as_str().to_owned();
        let name = new.name.to_owned();
        let w = self.write().await?;
        let id = directory::insert_room(&w, new).await.map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!("议事室编码 {code} 已被使用")),
            other => other,
        })?;
        w.audit(
            AuditWhat::Other(AuditAction::RoomCreated),
            format!("room:{code}"),
            Some(&r.path),
            json!({ "name": name, "region": r.id.0 }),
        );
        w.commit().await?;
        Ok(id)
    }

    /// Changes a room's name, place, description or anonymity.
    pub async fn admin_edit_room(
        &self,
        by: Authority<'_>,
        id: RoomId,
        edit: RoomEdit<'_>,
    ) -> Result<()> {
        let (room, path) = self.room_and_path(by, id).await?;
        let w = self.write().await?;
        room::Entity::update_many()
            .col_expr(room::Column::Name, Expr::value(edit.name))
            .col_expr(room::Column::Place, Expr::value(edit.place))
            .col_expr(room::Column::Description, Expr::value(edit.description))
            .col_expr(
                room::Column::AllowAnonymous,
                Expr::value(edit.allow_anonymous),
            )
            .col_expr(room::Column::LatE6, Expr::value(edit.point.map(|p| p.0)))
            .col_expr(room::Column::LngE6, Expr::value(edit.point.map(|p| p.1)))
            .filter(room::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::RoomUpdated),
            format!("room:{}", room.code.as_str()),
            Some(&path),
            json!({
                "name": [room.name, edit.name],
                "place": [room.place, edit.place],
                "allow_anonymous": [room.allow_anonymous, edit.allow_anonymous],
                "point": [room.point, edit.point],
            }),
        );
        w.commit().await
    }

    /// Retires a room (or brings it back): its page says so and takes no topics.
    pub async fn admin_retire_room(
        &self,
        by: Authority<'_>,
        id: RoomId,
        retired: bool,
    ) -> Result<()> {
        let (room, path) = self.room_and_path(by, id).await?;
        let w = self.write().await?;
        room::Entity::update_many()
            .col_expr(
                room::Column::RetiredAt,
                Expr::value(retired.then_some(w.now)),
            )
            .filter(room::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::RoomRetired),
            format!("room:{}", room.code.as_str()),
            Some(&path),
            json!({ "retired": retired }),
        );
        w.commit().await
    }

    async fn room_and_path(
        &self,
        by: Authority<'_>,
        id: RoomId,
    ) -> Result<(crate::Room, RegionPath)> {
        let room = self.room(id).await?;
        let path = self.region_path(room.region).await?;
        by.check(|a| domain::may_administer(a, &path))?;
        Ok((room, path))
    }

    /// Adds a department to a region the administrator covers.
    pub async fn admin_add_department(
        &self,
        by: Authority<'_>,
        new: crate::NewDepartment<'_>,
    ) -> Result<DepartmentId> {
        let r = self.region(new.region).await?;
        by.check(|a| domain::may_administer(a, &r.path))?;
        let (code, name) = (new.code.to_owned(), new.name.to_owned());
        let w = self.write().await?;
        let id = directory::insert_department(&w, new)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("部门编码 {code} 已被使用"))
                }
                other => other,
            })?;
        w.audit(
            AuditWhat::Other(AuditAction::DepartmentCreated),
            format!("department:{code}"),
            Some(&r.path),
            json!({ "name": name }),
        );
        w.commit().await?;
        Ok(id)
    }

    /// Renames a department or retires it (or brings it back).
    pub async fn admin_edit_department(
        &self,
        by: Authority<'_>,
        id: DepartmentId,
        name: &str,
        short_name: &str,
        retired: bool,
    ) -> Result<()> {
        let d = self.department(id).await?;
        let path = self.region_path(d.region).await?;
        by.check(|a| domain::may_administer(a, &path))?;
        let w = self.write().await?;
        let retired_at = match (d.retired, retired) {
            (false, true) => Some(w.now),
            (true, true) => department::Entity::find_by_id(id.0)
                .one(&w.tx)
                .await?
                .and_then(|row| row.retired_at),
            _ => None,
        };
        department::Entity::update_many()
            .col_expr(department::Column::Name, Expr::value(name))
            .col_expr(department::Column::ShortName, Expr::value(short_name))
            .col_expr(department::Column::RetiredAt, Expr::value(retired_at))
            .filter(department::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        let what = if retired && !d.retired {
            AuditAction::DepartmentRetired
        } else {
            AuditAction::DepartmentUpdated
        };
        w.audit(
            AuditWhat::Other(what),
            format!("department:{}", d.code),
            Some(&path),
            json!({ "name": [d.name, name], "short_name": [d.short_name, short_name], "retired": retired }),
        );
        w.commit().await
    }
}
