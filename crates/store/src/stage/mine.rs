//! Residents known by their phone number: a topic raised without an account
//! but with a number belongs to that number's account once it signs in with
//! a code (verified), so 我的议题, messages and the rating follow the
//! resident to any phone. The convener may look up the full number to call
//! back; every look is recorded.
use domain::{PhoneNumber, TopicId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entity::{follower, notification, phone_reveal, support, topic};
use crate::model;
use crate::{Result, Store, StoreError, Topic, Who};

/// A resident's topics: raised, supported (附议) and followed.
#[derive(Clone, Debug, Default)]
pub struct MyTopics {
    /// Raised by them (or from a phone with their verified number).
    pub submitted: Vec<Topic>,
    /// Supported by them.
    pub supported: Vec<Topic>,
    /// Followed by them (supporting follows too).
    pub followed: Vec<Topic>,
}

impl Store {
    /// Gives the account of a number just verified by a sign-in code every
    /// topic raised with that number and no account; returns how many.
    pub async fn claim_by_phone(&self, user: UserId, phone: &PhoneNumber) -> Result<u64> {
        let unclaimed = || {
            topic::Entity::find()
                .filter(topic::Column::SubmitterPhone.eq(phone.as_str()))
                .filter(topic::Column::SubmitterUserId.is_null())
        };
        // Most sign-ins have nothing to claim: no write for them.
        if unclaimed().one(self.conn()).await?.is_none() {
            return Ok(0);
        }
        let w = self.write().await?;
        let unclaimed = unclaimed().all(&w.tx).await?;
        let me = crate::user_key(user);
        for t in &unclaimed {
            let mut am: topic::ActiveModel = t.clone().into();
            am.submitter_user_id = Set(Some(user.0));
            am.update(&w.tx).await?;
            let Some(device) = &t.submitter_device else {
                continue;
            };
            // The messages about it, and its following, move to the account.
            let first_phone = crate::device_key(device);
            notification::Entity::update_many()
                .col_expr(notification::Column::Recipient, Expr::value(me.as_str()))
                .filter(notification::Column::TopicId.eq(t.id))
                .filter(notification::Column::Recipient.eq(first_phone.as_str()))
                .exec(&w.tx)
                .await?;
            let already = follower::Entity::find()
                .filter(follower::Column::TopicId.eq(t.id))
                .filter(follower::Column::Follower.eq(me.as_str()))
                .one(&w.tx)
                .await?
                .is_some();
            if !already {
                follower::Entity::update_many()
                    .col_expr(follower::Column::Follower, Expr::value(me.as_str()))
                    .filter(follower::Column::TopicId.eq(t.id))
                    .filter(follower::Column::Follower.eq(first_phone.as_str()))
                    .exec(&w.tx)
                    .await?;
            }
        }
        w.commit().await?;
        Ok(unclaimed.len() as u64)
    }

    /// 我的议题: what this resident raised, supported and follows, newest first.
    pub async fn my_topics(&self, user: UserId) -> Result<MyTopics> {
        let key = crate::user_key(user);
        let submitted = topic::Entity::find()
            .filter(topic::Column::SubmitterUserId.eq(user.0))
            .order_by_desc(topic::Column::Id)
            .limit(200)
            .all(self.conn())
            .await?;
        let supported: Vec<i64> = support::Entity::find()
            .select_only()
            .column(support::Column::TopicId)
            .filter(support::Column::Supporter.eq(key.as_str()))
            .into_tuple()
            .all(self.conn())
            .await?;
        let followed: Vec<i64> = follower::Entity::find()
            .select_only()
            .column(follower::Column::TopicId)
            .filter(follower::Column::Follower.eq(key.as_str()))
            .into_tuple()
            .all(self.conn())
            .await?;
        let followed: Vec<i64> = followed
            .into_iter()
            .filter(|id| !supported.contains(id) && !submitted.iter().any(|t| t.id == *id))
            .collect();
        Ok(MyTopics {
            submitted: model::all(submitted)?,
            supported: self.topics_by_ids(&supported).await?,
            followed: self.topics_by_ids(&followed).await?,
        })
    }

    async fn topics_by_ids(&self, ids: &[i64]) -> Result<Vec<Topic>> {
        model::all(
            topic::Entity::find()
                .filter(topic::Column::Id.is_in(ids.iter().copied()))
                .order_by_desc(topic::Column::Id)
                .limit(200)
                .all(self.conn())
                .await?,
        )
    }

    /// The submitter's full number, for the room's convener to call back;
    /// the look is recorded. `None` when no number was given.
    pub async fn reveal_phone(&self, id: TopicId, who: &Who) -> Result<Option<String>> {
        let w = self.write().await?;
        let t = topic::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        domain::reveal_phone(&who.actor, domain::RoomId(t.room_id))?;
        let Some(phone) = t.submitter_phone else {
            return Ok(None);
        };
        let user = who.actor.user.ok_or(domain::DomainError::Forbidden)?;
        phone_reveal::ActiveModel {
            topic_id: Set(t.id),
            user_id: Set(user.0),
            revealed_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        w.audit(
            domain::AuditWhat::Other(domain::AuditAction::PhoneRevealed),
            t.tracking_no,
            domain::RegionPath::decode(&t.region_path).as_ref(),
            serde_json::json!({}),
        );
        w.commit().await?;
        Ok(Some(phone))
    }

    /// How many times a topic's submitter number was looked at.
    pub async fn phone_reveals(&self, id: TopicId) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(phone_reveal::Entity::find()
            .filter(phone_reveal::Column::TopicId.eq(id.0))
            .count(self.conn())
            .await?)
    }
}
