//! 议题: one local problem on its way through the chain.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "topics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 查询码 given to the submitter.
    #[sea_orm(unique)]
    pub tracking_no: String,
    #[sea_orm(indexed)]
    pub room_id: i64,
    /// The room's region path, copied so a leader's view is one prefix query.
    #[sea_orm(indexed)]
    pub region_path: String,
    /// 党政点题 / 群众出题 / 委员荐题, fixed at birth.
    pub channel: String,
    #[sea_orm(indexed)]
    pub state: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub category: String,
    pub place: String,
    pub submitter_user_id: Option<i64>,
    pub submitter_device: Option<String>,
    pub submitter_name: String,
    pub submitter_phone: Option<String>,
    pub decision: Option<String>,
    pub merged_into: Option<i64>,
    pub like_count: i64,
    /// 附议 count, rolled up like `like_count`.
    #[sea_orm(default_value = 0)]
    pub support_count: i64,
    /// Shown as 匿名 in public; the convener still sees who to contact.
    #[sea_orm(default_value = false)]
    pub anonymous: bool,
    /// The convener made the photos of a topic merged straight from triage
    /// public (migration `m0012`).
    #[sea_orm(default_value = false)]
    pub photos_published: bool,
    /// Optional map point, in millionths of a degree (GCJ-02 as phones report it in China).
    pub lat_e6: Option<i64>,
    pub lng_e6: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The campaign (专题活动) it counts in (`m0027`).
    pub campaign_id: Option<i64>,
    /// Its number in the system it came from, e.g. `12345:HL2026120600017`
    /// (`m0034`).
    pub external_ref: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
