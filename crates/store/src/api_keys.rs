//! Keys other systems post with: an Open311 client, a 12345 hotline. An
//! administrator issues one for a region (shown once, only its SHA-256
//! kept) and retires it; a request bearing it may put topics into the
//! rooms of that region.
use chrono::{DateTime, Utc};
use domain::{AuditAction, AuditWhat, DomainError, RegionId, RegionPath};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::admin::Authority;
use crate::entity::api_key;
use crate::{Result, Store, StoreError};

/// An API key's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiKeyId(pub i64);

/// An issued key, without the key itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// Who uses it, e.g. 涟水县12345热线.
    pub name: String,
    /// The region whose rooms it may post to.
    pub region: RegionId,
    /// That region's path.
    pub region_path: RegionPath,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
}

impl ApiKey {
    fn from_row(row: api_key::Model) -> Result<ApiKey> {
        Ok(ApiKey {
            id: ApiKeyId(row.id),
            region: RegionId(row.region_id),
            region_path: RegionPath::decode(&row.region_path)
                .ok_or_else(|| StoreError::Corrupt(format!("api key {} path", row.id)))?,
            name: row.name,
            created_at: row.created_at,
        })
    }
}

fn hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

impl Store {
    /// Issues a key for `region`; returns it, to be shown once.
    pub async fn admin_add_api_key(
        &self,
        by: Authority<'_>,
        region: RegionId,
        name: &str,
    ) -> Result<(ApiKeyId, String)> {
        let r = self.region(region).await?;
        by.check(|a| domain::may_administer(a, &r.path))?;
        let name = domain::PersonName::parse(name).map_err(|_| DomainError::Invalid {
            field: "name",
            message: "请填写使用方名称（1到32个字）".into(),
        })?;
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        let raw = format!("slk_{}", hex::encode(bytes));
        let w = self.write().await?;
        let row = api_key::ActiveModel {
            name: Set(name.as_str().to_owned()),
            region_id: Set(r.id.0),
            region_path: Set(r.path.encode()),
            key_hash: Set(hash(&raw)),
            retired: Set(false),
            created_by: Set(by.user_id().unwrap_or(0)),
            created_at: Set(w.now),
            last_used_at: Set(None),
            ..Default::default()
        };
        let id = api_key::Entity::insert(row)
            .exec(&w.tx)
            .await?
            .last_insert_id;
        w.audit(
            AuditWhat::Other(AuditAction::ApiKeyIssued),
            format!("api_key:{id}"),
            Some(&r.path),
            json!({ "name": name.as_str() }),
        );
        w.commit().await?;
        Ok((ApiKeyId(id), raw))
    }

    /// The keys in use in the regions the administrator covers.
    pub async fn admin_api_keys(&self, by: Authority<'_>) -> Result<Vec<ApiKey>> {
        api_key::Entity::find()
            .filter(api_key::Column::Retired.eq(false))
            .filter(by.covering(api_key::Column::RegionPath))
            .order_by_asc(api_key::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(ApiKey::from_row)
            .collect()
    }

    /// Retires a key: requests bearing it are refused from now on.
    pub async fn admin_retire_api_key(&self, by: Authority<'_>, id: ApiKeyId) -> Result<()> {
        let row = api_key::Entity::find_by_id(id.0)
            .filter(api_key::Column::Retired.eq(false))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("接口密钥"))?;
        let key = ApiKey::from_row(row)?;
        by.check(|a| domain::may_administer(a, &key.region_path))?;
        let w = self.write().await?;
        api_key::Entity::update_many()
            .col_expr(api_key::Column::Retired, Expr::value(true))
            .filter(api_key::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::ApiKeyRetired),
            format!("api_key:{}", id.0),
            Some(&key.region_path),
            json!({ "name": key.name }),
        );
        w.commit().await
    }

    /// The key a request bears, if it is one in use.
    pub async fn api_key(&self, raw: &str) -> Result<Option<ApiKey>> {
        api_key::Entity::find()
            .filter(api_key::Column::KeyHash.eq(hash(raw)))
            .filter(api_key::Column::Retired.eq(false))
            .one(self.conn())
            .await?
            .map(ApiKey::from_row)
            .transpose()
    }
}
