//! The outbox every message leaves by (texts, e-mail, webhook deliveries)
//! and the webhooks administrators register. Texts still waiting in the
//! inbox lines' old column move into the outbox as notices.
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Schema, Set};
use sea_orm_migration::prelude::*;

use crate::entity::{notification, outbox, webhook};

pub(super) struct M0032Outbox;

impl MigrationName for M0032Outbox {
    fn name(&self) -> &str {
        "m0032_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0032Outbox {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_table("outbox").await? {
            return Ok(());
        }
        Schema::new(manager.get_database_backend())
            .builder()
            .register(outbox::Entity)
            .register(webhook::Entity)
            .apply(manager.get_connection())
            .await?;
        // Before this, a line with `sms_to` set was a text not yet sent.
        let db = manager.get_connection();
        let waiting = notification::Entity::find()
            .filter(notification::Column::SmsTo.is_not_null())
            .all(db)
            .await?;
        for n in waiting {
            let Some(phone) = n.sms_to else { continue };
            let text = domain::SmsText::new(domain::SmsTemplate::Notice, &[&n.text]);
            let payload = serde_json::to_string(&text).map_err(|e| DbErr::Custom(e.to_string()))?;
            outbox::ActiveModel {
                channel: Set(domain::OutChannel::Sms.code().to_owned()),
                recipient: Set(phone),
                payload: Set(payload),
                state: Set("pending".to_owned()),
                attempts: Set(0),
                next_at: Set(n.created_at),
                lease_until: Set(None),
                last_error: Set(None),
                provider_ref: Set(None),
                created_at: Set(n.created_at),
                sent_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        Ok(())
    }
}
