//! A region's rules for its departments' work, set by its administrator:
//! whether a completion needs the department head's approval before it goes
//! to the convener (the rule itself is `domain::head_approval`).
use domain::{RegionId, RegionPath};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{department, region, region_rule};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who};

/// Every region's head-approval setting.
pub(crate) async fn approval_settings<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(RegionPath, bool)>> {
    region_rule::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            let path = parsed(
                &r.region_path,
                RegionPath::decode,
                "region_rules.region_path",
            )?;
            Ok((path, r.head_approval))
        })
        .collect()
}

/// Whether a department's completions wait for its head.
pub(crate) async fn needs_approval<C: ConnectionTrait>(conn: &C, department: i64) -> Result<bool> {
    let d = department::Entity::find_by_id(department)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound("部门"))?;
    let r = region::Entity::find_by_id(d.region_id)
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound("地区"))?;
    let path = parsed(&r.path, RegionPath::decode, "regions.path")?;
    Ok(domain::head_approval(
        &approval_settings(conn).await?,
        &path,
    ))
}

impl Store {
    /// Each region's head-approval setting.
    pub async fn approval_settings(&self) -> Result<Vec<(RegionPath, bool)>> {
        approval_settings(self.conn()).await
    }

    /// An administrator decides whether the region's departments need their
    /// head's approval of a completion.
    pub async fn set_head_approval(&self, who: &Who, region: RegionId, on: bool) -> Result<()> {
        let path = self.region_path(region).await?;
        domain::set_head_approval(&who.actor, &path)?;
        let by = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
        let w = self.write().await?;
        let existing = region_rule::Entity::find()
            .filter(region_rule::Column::RegionId.eq(region.0))
            .one(&w.tx)
            .await?;
        let mut am: region_rule::ActiveModel = match existing {
            Some(row) => row.into(),
            None => region_rule::ActiveModel {
                region_id: Set(region.0),
                region_path: Set(path.encode()),
                ..Default::default()
            },
        };
        am.head_approval = Set(on);
        am.updated_by = Set(by.0);
        am.updated_at = Set(w.now);
        am.save(&w.tx).await?;
        w.commit().await?;
        Ok(())
    }
}
