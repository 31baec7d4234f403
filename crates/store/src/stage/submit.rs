//! 码上议 intake: a new topic on any of the three channels, with its
//! photos, its first timeline entry and its submitter following it.
use domain::{
    Channel, EventDetail, PhoneNumber, RoomId, TopicBody, TopicId, TopicState, TopicTitle,
    TrackingNo,
};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::entity::{submission_key, topic};
use crate::topics::add_event;
use crate::{Result, Store, StoreError, Topic, Who, WriteTx, intake};

/// A new topic as submitted, on any channel.
pub struct NewTopic<'a> {
    /// The room it is raised in.
    pub room: RoomId,
    /// How it comes in: 党政点题, 群众出题 or 委员荐题.
    pub channel: Channel,
    /// Its title, already checked.
    pub title: &'a TopicTitle,
    /// What the submitter says about the problem, already checked.
    pub body: &'a TopicBody,
    /// Its category, from the submission form's list.
    pub category: &'a str,
    /// Where the problem is, as typed.
    pub place: &'a str,
    /// A phone to reach the submitter; texts about the topic's moves go there too.
    pub phone: Option<&'a PhoneNumber>,
    /// Hide the submitter's name in public (the room must allow anonymity for residents).
    pub anonymous: bool,
    /// Optional map point, millionths of a degree (latitude, longitude).
    pub point: Option<(i64, i64)>,
    /// Sent by the phone with a draft: the same key never makes a second topic.
    pub client_key: Option<&'a str>,
    /// Photos already in the photo store, in the order chosen.
    pub photos: &'a [crate::NewPhoto],
    /// 委员荐题: why the member recommends it, kept on the public timeline.
    pub reason: Option<&'a domain::Reason>,
    /// Its number in the system it came from (a 12345 work order's).
    pub external_ref: Option<&'a str>,
}

impl Store {
    /// Stores a new topic and its first timeline entry, returning it with its tracking number.
    pub async fn submit_topic(&self, new: NewTopic<'_>, who: &Who) -> Result<Topic> {
        let room = self.room(new.room).await?;
        if room.retired {
            return Err(domain::DomainError::Precondition(
                "该议事室已停用，请到所在村（社区）的其他议事室反映".into(),
            )
            .into());
        }
        let region = self.region_path(room.region).await?;
        let t = domain::submit(new.channel, &who.actor, &region, room.allow_anonymous)?;
        let w = self.write().await?;
        if let Some(key) = new.client_key
            && let Some(k) = submission_key::Entity::find()
                .filter(submission_key::Column::ClientKey.eq(key))
                .one(&w.tx)
                .await?
        {
            return self.topic(TopicId(k.topic_id)).await;
        }
        let tracking_no = fresh_tracking_no(&w).await?;
        let at = w.now;
        let row = topic::ActiveModel {
            tracking_no: Set(tracking_no.as_str().to_owned()),
            room_id: Set(room.id.0),
            region_path: Set(region.encode()),
            channel: Set(new.channel.code().to_owned()),
            state: Set(t.to.code().to_owned()),
            title: Set(new.title.as_str().to_owned()),
            body: Set(new.body.as_str().to_owned()),
            category: Set(new.category.to_owned()),
            place: Set(new.place.to_owned()),
            submitter_user_id: Set(who.actor.user.map(|u| u.0)),
            submitter_device: Set(if who.actor.user.is_none() {
                who.actor.device.clone()
            } else {
                None
            }),
            submitter_name: Set(who.name.clone()),
            submitter_phone: Set(new.phone.map(|p| p.as_str().to_owned())),
            decision: Set(None),
            merged_into: Set(None),
            like_count: Set(0),
            support_count: Set(0),
            anonymous: Set(new.anonymous),
            lat_e6: Set(new.point.map(|p| p.0)),
            lng_e6: Set(new.point.map(|p| p.1)),
            external_ref: Set(new.external_ref.map(str::to_owned)),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let detail = EventDetail::Submitted {
            channel: new.channel,
            accepted: t.to == TopicState::Accepted,
            reason: new.reason.map(ToString::to_string),
        };
        if let Some(key) = new.client_key
            && let Err(e) = intake::remember_key(&w, key, row.id).await
        {
            // The same draft, sent again while its first copy was being
            // stored, lost the race: answer with the topic that copy made.
            if matches!(e, StoreError::Conflict(_)) {
                drop(w);
                if let Some(done) = self.topic_by_client_key(key).await? {
                    return Ok(done);
                }
            }
            return Err(e);
        }
        intake::attach_photos(&w, row.id, new.photos, intake::PhotoOwner::Resident).await?;
        if let Some(key) = intake::person_key(&who.actor) {
            let phone = new.phone.map(PhoneNumber::as_str);
            intake::follow_on(&w, row.id, &key, phone).await?;
        }
        let shown = if new.anonymous {
            Who {
                actor: who.actor.clone(),
                name: domain::ANONYMOUS.to_owned(),
            }
        } else {
            who.clone()
        };
        let role = new.channel.submitter_role();
        add_event(&w, row.id, None, t.event, &shown, role, detail).await?;
        if t.to == TopicState::Submitted {
            // The room's conveners hear of a submission waiting for them.
            let conveners = super::notify::conveners_of(&w, row.room_id).await?;
            let text = format!(
                "新议题待受理：「{}」（{}，查询码 {}）",
                row.title,
                new.channel.label_zh(),
                row.tracking_no
            );
            super::notify::tell(&w, row.id, &conveners, &text).await?;
        }
        w.commit().await?;
        row.try_into()
    }
}

async fn fresh_tracking_no(w: &WriteTx) -> Result<TrackingNo> {
    loop {
        let n: u64 = rand::rng().random_range(1_000_000_000..=9_999_999_999);
        let Some(no) = TrackingNo::from_number(n) else {
            continue;
        };
        let taken = topic::Entity::find()
            .filter(topic::Column::TrackingNo.eq(no.as_str()))
            .count(&w.tx)
            .await?;
        if taken == 0 {
            return Ok(no);
        }
    }
}
