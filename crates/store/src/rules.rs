//! A region's rules for its departments' work, set by its administrator:
//! whether a completion needs the department head's approval before it goes
//! to the convener (the rule itself is `domain::head_approval`), and whether
//! its officials must use a second factor (`crate::second_factor`).
use domain::{AuditAction, AuditWhat, RegionId, RegionPath};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{department, region, region_rule};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who};

/// One rule of every region that set its rules.
pub(crate) async fn rule_settings<C: ConnectionTrait, T>(
    conn: &C,
    rule: fn(&region_rule::Model) -> T,
) -> Result<Vec<(RegionPath, T)>> {
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
            Ok((path, rule(&r)))
        })
        .collect()
}

/// Every region's head-approval setting.
pub(crate) async fn approval_settings<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(RegionPath, bool)>> {
    rule_settings(conn, |r| r.head_approval).await
}

/// Every region's own list of topic categories (regions that set none are left out).
pub(crate) async fn category_settings<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(RegionPath, Vec<String>)>> {
    let mut lists = rule_settings(conn, |r| {
        r.categories.lines().map(str::to_owned).collect::<Vec<_>>()
    })
    .await?;
    lists.retain(|(_, list)| !list.is_empty());
    Ok(lists)
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
        save_rule(
            self,
            who,
            region,
            &path,
            |am| am.head_approval = Set(on),
            serde_json::json!({ "head_approval": on }),
        )
        .await
    }
}

impl Store {
    /// Every region's own list of topic categories.
    pub async fn category_settings(&self) -> Result<Vec<(RegionPath, Vec<String>)>> {
        category_settings(self.conn()).await
    }

    /// The categories topics in a room of `region` are filed under.
    pub async fn region_categories(&self, region: RegionId) -> Result<Vec<String>> {
        let path = self.region_path(region).await?;
        Ok(domain::categories_for(
            &self.category_settings().await?,
            &path,
        ))
    }

    /// An administrator sets the region's own categories (checked by
    /// `domain::category_list`), or with `None` goes back to the list from
    /// above. Topics filed before keep their category.
    pub async fn set_categories(
        &self,
        who: &Who,
        region: RegionId,
        list: Option<&[String]>,
    ) -> Result<()> {
        let path = self.region_path(region).await?;
        domain::may_administer(&who.actor, &path)?;
        let text = list.map(|l| l.join("\n")).unwrap_or_default();
        let detail = serde_json::json!({ "categories": list });
        save_rule(
            self,
            who,
            region,
            &path,
            |am| am.categories = Set(text),
            detail,
        )
        .await
    }
}

/// Writes one of a region's rules (`apply`) into its row, audited. A row
/// made for the first time keeps the head-approval setting the region had
/// from above, so writing another rule changes nothing else.
pub(crate) async fn save_rule(
    store: &Store,
    who: &Who,
    region: RegionId,
    path: &RegionPath,
    apply: impl FnOnce(&mut region_rule::ActiveModel),
    detail: serde_json::Value,
) -> Result<()> {
    let by = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
    let w = store.write().await?;
    let existing = region_rule::Entity::find()
        .filter(region_rule::Column::RegionId.eq(region.0))
        .one(&w.tx)
        .await?;
    let mut am: region_rule::ActiveModel = match existing {
        Some(row) => row.into(),
        None => region_rule::ActiveModel {
            region_id: Set(region.0),
            region_path: Set(path.encode()),
            head_approval: Set(domain::head_approval(
                &approval_settings(&w.tx).await?,
                path,
            )),
            second_factor: Set(false),
            categories: Set(String::new()),
            ..Default::default()
        },
    };
    apply(&mut am);
    am.updated_by = Set(by.0);
    am.updated_at = Set(w.now);
    am.save(&w.tx).await?;
    w.audit(
        AuditWhat::Other(AuditAction::SettingChanged),
        format!("region:{}", region.0),
        Some(path),
        detail,
    );
    w.commit().await
}
