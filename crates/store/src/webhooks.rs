//! Webhooks: other systems (a 12345 hotline, a city's work-order system)
//! hear of the events on topics in a region. A delivery is queued in the
//! outbox by the write that makes the event, with its body fixed then, so
//! every try sends the same bytes; a webhook failing
//! `domain::WEBHOOK_PAUSE_AFTER` times in a row is paused and the region's
//! administrators are told.
use chrono::{DateTime, Utc};
use domain::{AuditAction, AuditWhat, DomainError, EventKind, OutChannel, RegionId, RegionPath};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::admin::Authority;
use crate::entity::{outbox, room, topic, webhook};
use crate::outbox::{OutState, OutboxItem, Outgoing, enqueue};
use crate::{Result, Store, StoreError, WriteTx};

/// A webhook's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WebhookId(pub i64);

/// A registered webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    /// Its id.
    pub id: WebhookId,
    /// The region whose topics it hears of (and everything below).
    pub region: RegionId,
    /// That region's path.
    pub region_path: RegionPath,
    /// Where deliveries are posted.
    pub url: String,
    /// The events it hears of.
    pub events: Vec<EventKind>,
    /// Failed deliveries in a row.
    pub failures: u32,
    /// Paused after too many failures, until resumed.
    pub paused: bool,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

impl Webhook {
    fn from_row(row: webhook::Model) -> Result<Webhook> {
        Ok(Webhook {
            id: WebhookId(row.id),
            region: RegionId(row.region_id),
            region_path: RegionPath::decode(&row.region_path)
                .ok_or_else(|| StoreError::Corrupt(format!("webhook {} path", row.id)))?,
            url: row.url,
            events: row.events.split(',').filter_map(EventKind::parse).collect(),
            failures: u32::try_from(row.failures).unwrap_or(0),
            paused: row.paused,
            created_at: row.created_at,
        })
    }
}

/// What a delivery's body says (schema `shangliang.event.v1`; fields are
/// only ever added).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// Always `shangliang.event.v1`.
    pub schema: String,
    /// The timeline entry's id: the same event is never delivered as two.
    pub event_id: i64,
    /// The event kind's code (`EventKind`), e.g. `accepted`.
    pub event: String,
    /// Its Chinese name, e.g. 受理立项.
    pub event_label: String,
    /// When it happened (UTC).
    pub occurred_at: DateTime<Utc>,
    /// The topic it happened to.
    pub topic: WebhookTopic,
    /// The task it concerns, for a task's events.
    pub task_id: Option<i64>,
    /// What the timeline says about it, in Chinese, Beijing time.
    pub detail: String,
}

/// The topic in a delivery: what the public page shows, no personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTopic {
    /// 查询码.
    pub tracking_no: String,
    /// Its title.
    pub title: String,
    /// Its state's code after the event, e.g. `accepted`.
    pub state: String,
    /// How it came in: `resident`, `member`, `leadership`.
    pub channel: String,
    /// Its category.
    pub category: String,
    /// The room's code.
    pub room: String,
    /// The room's name.
    pub room_name: String,
    /// Its public page, a path (`/t/{tracking_no}`).
    pub path: String,
    /// Its number in the system it came from (`12345:` and the work
    /// order's), so that system can match the event to its own record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<String>,
}

/// The body schema's name.
pub const WEBHOOK_SCHEMA: &str = "shangliang.event.v1";

/// Queues a delivery of a timeline event to every webhook that hears of it.
pub(crate) async fn queue_event(
    w: &WriteTx,
    event_id: i64,
    topic_id: i64,
    task_id: Option<i64>,
    kind: EventKind,
    detail: &domain::EventDetail,
) -> Result<()> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Retired.eq(false))
        .all(&w.tx)
        .await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let Some(t) = topic::Entity::find_by_id(topic_id).one(&w.tx).await? else {
        return Ok(());
    };
    let Some(place) = RegionPath::decode(&t.region_path) else {
        return Ok(());
    };
    let listening: Vec<&webhook::Model> = hooks
        .iter()
        .filter(|h| RegionPath::decode(&h.region_path).is_some_and(|p| p.covers(&place)))
        .filter(|h| h.events.split(',').any(|e| e == kind.code()))
        .collect();
    if listening.is_empty() {
        return Ok(());
    }
    let room = room::Entity::find_by_id(t.room_id).one(&w.tx).await?;
    let (room_code, room_name) = room.map(|r| (r.code, r.name)).unwrap_or_default();
    let body = WebhookEvent {
        schema: WEBHOOK_SCHEMA.to_owned(),
        event_id,
        event: kind.code().to_owned(),
        event_label: kind.label_zh().to_owned(),
        occurred_at: w.now,
        topic: WebhookTopic {
            path: format!("/t/{}", t.tracking_no),
            tracking_no: t.tracking_no,
            title: t.title,
            state: t.state,
            channel: t.channel,
            category: t.category,
            room: room_code,
            room_name,
            external_ref: t.external_ref,
        },
        task_id,
        detail: detail.text_zh(),
    };
    let payload = serde_json::to_string(&body)
        .map_err(|e| StoreError::Corrupt(format!("webhook body: {e}")))?;
    let items = listening
        .into_iter()
        .map(|h| Outgoing {
            channel: OutChannel::Webhook,
            recipient: h.id.to_string(),
            payload: payload.clone(),
        })
        .collect();
    enqueue(w, items).await.map(drop)
}

/// A delivery went through: the webhook's run of failures ends.
pub(crate) async fn delivered(w: &WriteTx, recipient: &str) -> Result<()> {
    let Ok(id) = recipient.parse::<i64>() else {
        return Ok(());
    };
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Failures, Expr::value(0))
        .filter(webhook::Column::Id.eq(id))
        .exec(&w.tx)
        .await?;
    Ok(())
}

/// A delivery failed: one more in a row, and at the limit the webhook is
/// paused and its region's administrators are told.
pub(crate) async fn failed(w: &WriteTx, recipient: &str) -> Result<()> {
    let Ok(id) = recipient.parse::<i64>() else {
        return Ok(());
    };
    let Some(h) = webhook::Entity::find_by_id(id).one(&w.tx).await? else {
        return Ok(());
    };
    let failures = h.failures.saturating_add(1);
    let pause = !h.paused && domain::webhook_paused(u32::try_from(failures).unwrap_or(0));
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Failures, Expr::value(failures))
        .col_expr(webhook::Column::Paused, Expr::value(h.paused || pause))
        .filter(webhook::Column::Id.eq(id))
        .exec(&w.tx)
        .await?;
    if pause {
        w.audit(
            AuditWhat::Other(AuditAction::WebhookPaused),
            format!("webhook:{id}"),
            RegionPath::decode(&h.region_path).as_ref(),
            json!({ "url": h.url, "failures": failures }),
        );
        let admins = crate::stage::notify::admins_over(w, &h.region_path).await?;
        // The point first: a text keeps only the start of a notice.
        let text =
            format!("{id}号对接推送连续{failures}次失败，已暂停，排除故障后请在管理后台恢复");
        let link = format!("/admin/webhooks/{id}");
        crate::stage::notify::tell_linked(w, 0, Some(&link), &admins, &text).await?;
    }
    Ok(())
}

impl Store {
    /// Registers a webhook for a region the administrator covers; returns
    /// it with its signing key, shown once.
    pub async fn admin_add_webhook(
        &self,
        by: Authority<'_>,
        region: RegionId,
        url: &str,
        events: &[EventKind],
    ) -> Result<(WebhookId, String)> {
        let r = self.region(region).await?;
        by.check(|a| domain::may_administer(a, &r.path))?;
        let url = webhook_url(url)?;
        if events.is_empty() {
            return Err(DomainError::Invalid {
                field: "events",
                message: "请至少选择一种事件".into(),
            }
            .into());
        }
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        let secret = hex::encode(key);
        let codes: Vec<&str> = events.iter().map(EventKind::code).collect();
        let w = self.write().await?;
        let row = webhook::ActiveModel {
            region_id: Set(r.id.0),
            region_path: Set(r.path.encode()),
            url: Set(url.clone()),
            secret: Set(secret.clone()),
            events: Set(codes.join(",")),
            failures: Set(0),
            paused: Set(false),
            retired: Set(false),
            created_by: Set(by.user_id().unwrap_or(0)),
            created_at: Set(w.now),
            ..Default::default()
        };
        let id = webhook::Entity::insert(row)
            .exec(&w.tx)
            .await?
            .last_insert_id;
        w.audit(
            AuditWhat::Other(AuditAction::WebhookAdded),
            format!("webhook:{id}"),
            Some(&r.path),
            json!({ "url": url, "events": codes }),
        );
        w.commit().await?;
        Ok((WebhookId(id), secret))
    }

    /// The webhooks in the regions the administrator covers (every one
    /// for the command line), in the order they were registered.
    pub async fn admin_webhooks(&self, by: Authority<'_>) -> Result<Vec<Webhook>> {
        webhook::Entity::find()
            .filter(webhook::Column::Retired.eq(false))
            .filter(by.covering(webhook::Column::RegionPath))
            .order_by_asc(webhook::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Webhook::from_row)
            .collect()
    }

    /// A webhook's latest deliveries, newest first, for an administrator
    /// covering its region.
    pub async fn admin_webhook_deliveries(
        &self,
        by: Authority<'_>,
        id: WebhookId,
        limit: u64,
    ) -> Result<Vec<OutboxItem>> {
        self.admin_webhook(by, id).await?;
        self.outbox_to(OutChannel::Webhook, Some(&id.0.to_string()), limit)
            .await
    }

    /// One webhook, for an administrator covering its region.
    pub async fn admin_webhook(&self, by: Authority<'_>, id: WebhookId) -> Result<Webhook> {
        let h = self.webhook_row(id).await?;
        let hook = Webhook::from_row(h)?;
        by.check(|a| domain::may_administer(a, &hook.region_path))?;
        Ok(hook)
    }

    /// Resumes a paused webhook: its waiting deliveries go out again.
    pub async fn admin_resume_webhook(&self, by: Authority<'_>, id: WebhookId) -> Result<()> {
        self.change_webhook(by, id, AuditAction::WebhookResumed)
            .await
    }

    /// Removes a webhook; its waiting deliveries are dropped as failed.
    pub async fn admin_retire_webhook(&self, by: Authority<'_>, id: WebhookId) -> Result<()> {
        self.change_webhook(by, id, AuditAction::WebhookRetired)
            .await
    }

    async fn change_webhook(
        &self,
        by: Authority<'_>,
        id: WebhookId,
        action: AuditAction,
    ) -> Result<()> {
        let hook = self.admin_webhook(by, id).await?;
        let w = self.write().await?;
        let mut update = webhook::Entity::update_many()
            .col_expr(webhook::Column::Failures, Expr::value(0))
            .col_expr(webhook::Column::Paused, Expr::value(false));
        if action == AuditAction::WebhookRetired {
            update = update.col_expr(webhook::Column::Retired, Expr::value(true));
            outbox::Entity::update_many()
                .col_expr(outbox::Column::State, Expr::value(OutState::Failed.code()))
                .col_expr(
                    outbox::Column::LastError,
                    Expr::value(Some("Webhook 已删除")),
                )
                .filter(outbox::Column::Channel.eq(OutChannel::Webhook.code()))
                .filter(outbox::Column::Recipient.eq(id.0.to_string()))
                .filter(outbox::Column::State.eq(OutState::Pending.code()))
                .exec(&w.tx)
                .await?;
        }
        update
            .filter(webhook::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(action),
            format!("webhook:{}", id.0),
            Some(&hook.region_path),
            json!({ "url": hook.url }),
        );
        w.commit().await
    }

    /// Where a delivery goes and the key it is signed with (for the sender).
    pub async fn webhook_target(&self, id: WebhookId) -> Result<(String, String)> {
        let h = self.webhook_row(id).await?;
        Ok((h.url, h.secret))
    }

    async fn webhook_row(&self, id: WebhookId) -> Result<webhook::Model> {
        webhook::Entity::find_by_id(id.0)
            .filter(webhook::Column::Retired.eq(false))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("Webhook"))
    }
}

/// A webhook's address: http or https, at most 500 characters.
fn webhook_url(url: &str) -> Result<String> {
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 500 || url.contains(char::is_whitespace) {
        return Err(DomainError::Invalid {
            field: "url",
            message: "地址应以 http:// 或 https:// 开头，不含空格，不超过500个字符".into(),
        }
        .into());
    }
    Ok(url.to_owned())
}
