//! A region's administration: its tree, rooms, departments, people and
//! grants, each change checked by the domain (`domain::admin`) against the
//! administrator's regions and written with its audit entry in one
//! transaction. The command line acts as [`Authority::CommandLine`]: whoever
//! runs the binary holds the database already.
use domain::{Actor, AuditAction, AuditWhat, DomainError, LiveBelow, RegionId, RegionPath};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::directory;
use crate::entity::{department, region, room};
use crate::{Result, Store, WriteTx};

mod import;
mod people;
mod rooms;

pub use import::{Change, ImportMode, ImportPlan, PlannedRow};
pub(crate) use people::end_sessions;
pub use people::scope_code;
pub use people::{GRANTABLE, Person, PersonEdit};
pub use rooms::RoomEdit;

/// On whose authority an administrative change is made.
#[derive(Clone, Copy, Debug)]
pub enum Authority<'a> {
    /// A signed-in administrator, held to their regions.
    Administrator(&'a Actor),
    /// The server's command line, which may change anything.
    CommandLine,
}

impl Authority<'_> {
    /// Runs a domain check for an administrator; the command line passes.
    pub(crate) fn check(&self, rule: impl FnOnce(&Actor) -> Result<(), DomainError>) -> Result<()> {
        match self {
            Authority::Administrator(actor) => Ok(rule(actor)?),
            Authority::CommandLine => Ok(()),
        }
    }

    /// Rows whose region path (`column`) lies in a region the administrator
    /// covers; every row for the command line.
    pub(crate) fn covering(&self, column: impl sea_orm::ColumnTrait) -> sea_orm::Condition {
        match self {
            Authority::Administrator(actor) => actor
                .regions_as(domain::Role::Administrator)
                .fold(sea_orm::Condition::any(), |c, r| {
                    c.add(column.starts_with(r.encode()))
                }),
            Authority::CommandLine => sea_orm::Condition::all(),
        }
    }

    /// The administrator's account (none for the command line).
    pub(crate) fn user_id(&self) -> Option<i64> {
        match self {
            Authority::Administrator(actor) => actor.user.map(|u| u.0),
            Authority::CommandLine => None,
        }
    }
}

/// Every table that copies a region's path, and the column it keeps it in.
const PATH_COPIES: [(&str, &str); 7] = [
    ("regions", "path"),
    ("topics", "region_path"),
    ("deadline_settings", "region_path"),
    ("region_rules", "region_path"),
    ("review_sessions", "region_path"),
    ("webhooks", "region_path"),
    ("api_keys", "region_path"),
];

/// Rewrites the start of every copied path from `old` to `new`.
async fn move_paths(w: &WriteTx, old: &str, new: &str) -> Result<()> {
    // `||`, substr() and LIKE mean the same on SQLite and PostgreSQL. Both
    // paths are encoded region paths (digits and slashes only), so they are
    // written into the statement as they are.
    let safe = |p: &str| p.bytes().all(|b| b.is_ascii_digit() || b == b'/');
    if !safe(old) || !safe(new) {
        return Err(crate::StoreError::Corrupt(format!(
            "region path {old} or {new}"
        )));
    }
    let skip = old.len() + 1;
    for (table, col) in PATH_COPIES {
        let sql = format!(
            "UPDATE {table} SET {col} = '{new}' || substr({col}, {skip}) WHERE {col} LIKE '{old}%'"
        );
        w.tx.execute_unprepared(&sql).await?;
    }
    Ok(())
}

impl Store {
    /// Adds a region one level below `parent`.
    pub async fn admin_add_region(
        &self,
        by: Authority<'_>,
        parent: RegionId,
        name: &str,
        level: domain::RegionLevel,
    ) -> Result<RegionId> {
        let p = self.region(parent).await?;
        by.check(|a| domain::may_administer(a, &p.path))?;
        domain::new_region_fits(p.level, level)?;
        if p.retired {
            return Err(DomainError::Precondition("上级地区已撤销".into()).into());
        }
        let w = self.write().await?;
        let new = crate::NewRegion {
            parent: Some(parent),
            name,
            level,
        };
        let id = directory::insert_region(&w, new).await?;
        let path = RegionPath([p.path.0.as_slice(), &[id]].concat());
        w.audit(
            AuditWhat::Other(AuditAction::RegionCreated),
            format!("region:{}", id.0),
            Some(&path),
            json!({ "name": name, "level": level.code(), "parent": parent.0 }),
        );
        w.commit().await?;
        Ok(id)
    }

    /// Renames a region below the administrator's own.
    pub async fn admin_rename_region(
        &self,
        by: Authority<'_>,
        id: RegionId,
        name: &str,
    ) -> Result<()> {
        let r = self.region(id).await?;
        by.check(|a| domain::may_change_region(a, &r.path))?;
        let w = self.write().await?;
        region::Entity::update_many()
            .col_expr(region::Column::Name, Expr::value(name))
            .filter(region::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::RegionRenamed),
            format!("region:{}", id.0),
            Some(&r.path),
            json!({ "from": r.name, "to": name }),
        );
        w.commit().await
    }

    /// Moves a region (with everything below it and every topic raised
    /// there) under another parent of the level above.
    pub async fn admin_move_region(
        &self,
        by: Authority<'_>,
        id: RegionId,
        new_parent: RegionId,
    ) -> Result<()> {
        let r = self.region(id).await?;
        let p = self.region(new_parent).await?;
        by.check(|a| {
            domain::may_change_region(a, &r.path)?;
            domain::may_administer(a, &p.path)
        })?;
        domain::move_fits(&r.path, r.level, &p.path, p.level)?;
        let old = r.path.encode();
        let new = format!("{}{}/", p.path.encode(), id.0);
        let w = self.write().await?;
        region::Entity::update_many()
            .col_expr(region::Column::ParentId, Expr::value(new_parent.0))
            .filter(region::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        move_paths(&w, &old, &new).await?;
        crate::figures::rebuild_in(&w).await?;
        w.audit(
            AuditWhat::Other(AuditAction::RegionMoved),
            format!("region:{}", id.0),
            RegionPath::decode(&new).as_ref(),
            json!({ "from": old, "to": new }),
        );
        w.commit().await
    }

    /// Retires a region once nothing below it still works; its history stays.
    pub async fn admin_retire_region(&self, by: Authority<'_>, id: RegionId) -> Result<()> {
        let r = self.region(id).await?;
        let live = |n: u64| crate::count(n);
        let below = LiveBelow {
            regions: live(
                region::Entity::find()
                    .filter(region::Column::ParentId.eq(id.0))
                    .filter(region::Column::RetiredAt.is_null())
                    .count(self.conn())
                    .await?,
            ),
            rooms: live(
                room::Entity::find()
                    .filter(room::Column::RegionId.eq(id.0))
                    .filter(room::Column::RetiredAt.is_null())
                    .count(self.conn())
                    .await?,
            ),
            departments: live(
                department::Entity::find()
                    .filter(department::Column::RegionId.eq(id.0))
                    .filter(department::Column::RetiredAt.is_null())
                    .count(self.conn())
                    .await?,
            ),
        };
        by.check(|a| domain::may_change_region(a, &r.path))?;
        domain::retire_fits(below)?;
        let w = self.write().await?;
        region::Entity::update_many()
            .col_expr(region::Column::RetiredAt, Expr::value(Some(w.now)))
            .filter(region::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::RegionRetired),
            format!("region:{}", id.0),
            Some(&r.path),
            json!({ "name": r.name }),
        );
        w.commit().await
    }
}
