//! 码上议 intake around a topic: supports (附议), followers, the inbox and
//! its SMS outbox, photos, and submission keys that make a resent draft
//! land once.
use domain::{EventKind, TopicId, UserId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{follower, notification, photo, submission_key, support, topic};
use crate::{Notification, Photo, Result, Store, StoreError, WriteTx};

/// A photo already made safe and put in the photo store, to attach to a new topic.
#[derive(Clone, Debug)]
pub struct NewPhoto {
    /// Photo store key of the re-encoded full image.
    pub key: String,
    /// Photo store key of its thumbnail.
    pub thumb_key: String,
    /// Width of the full image, in pixels.
    pub width: u32,
    /// Height of the full image, in pixels.
    pub height: u32,
}

/// What a 附议 did.
#[derive(Debug, Clone, Copy)]
pub struct SupportOutcome {
    /// False when this person or device had already supported the topic.
    pub new: bool,
    /// The topic's 附议 count, this one included.
    pub count: i64,
}

/// Timeline events that are also worth a text message, not only an inbox line.
/// The steps residents follow a topic for: taken on or not, on a meeting's
/// agenda, decided, done (and asked to rate), and a leader's answer to their
/// 不满意. Internal steps (signing, progress, extensions, reminders) are for
/// officials and stay off residents' inboxes.
fn matters_to_residents(kind: EventKind) -> bool {
    worth_sms(kind) || matches!(kind, EventKind::Upheld | EventKind::TaskDispatched)
}

fn worth_sms(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Accepted
            | EventKind::Rejected
            | EventKind::Merged
            | EventKind::Referred
            | EventKind::Scheduled
            | EventKind::Reviewed
            | EventKind::Completed
    )
}

/// Topics that still take supports: anything not closed by triage.
impl Store {
    /// 附议 once per person or device; the supporter also follows the topic.
    pub async fn support(
        &self,
        id: TopicId,
        supporter: &str,
        phone: Option<&str>,
    ) -> Result<SupportOutcome> {
        let w = self.write().await?;
        let row = crate::topics::locked_topic(&w, id).await?;
        let t = crate::Topic::try_from(row.clone())?;
        domain::check_support(t.state, &t.submitter, &actor_of_key(supporter))?;
        let inserted = insert_support(&w, row.id, supporter).await?;
        if inserted {
            bump_supports(&w, row.id).await?;
        }
        follow_on(&w, row.id, supporter, phone).await?;
        w.commit().await?;
        // The row is locked for this transaction, so its count plus ours is current.
        Ok(SupportOutcome {
            new: inserted,
            count: row.support_count + i64::from(inserted),
        })
    }

    /// The supports actually stored (to check the rolled-up count against).
    pub async fn count_supports(&self, id: TopicId) -> Result<u64> {
        Ok(support::Entity::find()
            .filter(support::Column::TopicId.eq(id.0))
            .count(self.conn())
            .await?)
    }

    /// Follows a topic to be told of its moves (and texted, with a phone).
    pub async fn follow(&self, id: TopicId, follower: &str, phone: Option<&str>) -> Result<()> {
        let w = self.write().await?;
        topic::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        follow_on(&w, id.0, follower, phone).await?;
        w.commit().await
    }

    /// The newest inbox lines of a person (their user key and device key).
    pub async fn notifications(&self, keys: &[String], limit: u64) -> Result<Vec<Notification>> {
        let rows = notification::Entity::find()
            .filter(notification::Column::Recipient.is_in(keys.iter().cloned()))
            .order_by_desc(notification::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(Notification::from).collect())
    }

    /// The 查询码 of each of these topics, in one query.
    pub async fn tracking_numbers(
        &self,
        ids: impl IntoIterator<Item = TopicId>,
    ) -> Result<std::collections::HashMap<TopicId, String>> {
        let rows: Vec<(i64, String)> = topic::Entity::find()
            .select_only()
            .column(topic::Column::Id)
            .column(topic::Column::TrackingNo)
            .filter(topic::Column::Id.is_in(ids.into_iter().map(|t| t.0)))
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(|(id, no)| (TopicId(id), no)).collect())
    }

    /// How many inbox lines for these keys are unread.
    pub async fn unread_notifications(&self, keys: &[String]) -> Result<u64> {
        Ok(notification::Entity::find()
            .filter(notification::Column::Recipient.is_in(keys.iter().cloned()))
            .filter(notification::Column::ReadAt.is_null())
            .count(self.conn())
            .await?)
    }

    /// Marks every unread inbox line for these keys as read.
    pub async fn mark_notifications_read(&self, keys: &[String]) -> Result<()> {
        let w = self.write().await?;
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(self.now()))
            .filter(notification::Column::Recipient.is_in(keys.iter().cloned()))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// A topic's photos, in the order the resident chose them.
    pub async fn photos(&self, id: TopicId) -> Result<Vec<Photo>> {
        let rows = photo::Entity::find()
            .filter(photo::Column::TopicId.eq(id.0))
            .filter(photo::Column::TaskId.is_null())
            .filter(photo::Column::FollowUpId.is_null())
            .filter(photo::Column::ResearchRecordId.is_null())
            .order_by_asc(photo::Column::Position)
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(Photo::from).collect())
    }

    /// Photos of the work on a topic: departments' evidence and follow-up
    /// checks' (each names its task or check).
    pub async fn work_photos(&self, id: TopicId) -> Result<Vec<Photo>> {
        let rows = photo::Entity::find()
            .filter(photo::Column::TopicId.eq(id.0))
            .filter(
                photo::Column::TaskId
                    .is_not_null()
                    .or(photo::Column::FollowUpId.is_not_null()),
            )
            .order_by_asc(photo::Column::Id)
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(Photo::from).collect())
    }

    /// The convener publishes the photos of a topic merged from triage.
    pub async fn publish_photos(&self, id: TopicId, actor: &domain::Actor) -> Result<()> {
        let w = self.write().await?;
        let row = crate::topics::locked_topic(&w, id).await?;
        let t = crate::Topic::try_from(row)?;
        domain::publish_photos(&t.photo_ctx(), actor)?;
        topic::Entity::update_many()
            .col_expr(topic::Column::PhotosPublished, Expr::value(true))
            .filter(topic::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// The photo stored under `key` (full size or thumbnail) and its topic.
    pub async fn photo_by_key(&self, key: &str) -> Result<Photo> {
        photo::Entity::find()
            .filter(
                photo::Column::Key
                    .eq(key)
                    .or(photo::Column::ThumbKey.eq(key)),
            )
            .one(self.conn())
            .await?
            .map(Photo::from)
            .ok_or(StoreError::NotFound("照片"))
    }

    /// The topic a submission key already made, if any.
    pub async fn topic_by_client_key(&self, key: &str) -> Result<Option<crate::Topic>> {
        let Some(k) = submission_key::Entity::find()
            .filter(submission_key::Column::ClientKey.eq(key))
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        topic::Entity::find_by_id(k.topic_id)
            .one(self.conn())
            .await?
            .map(crate::Topic::try_from)
            .transpose()
    }
}

async fn insert_support(w: &WriteTx, topic_id: i64, supporter: &str) -> Result<bool> {
    let n = support::Entity::insert(support::ActiveModel {
        topic_id: Set(topic_id),
        supporter: Set(supporter.to_owned()),
        created_at: Set(w.now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([support::Column::TopicId, support::Column::Supporter])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&w.tx)
    .await?;
    Ok(n == 1)
}

async fn bump_supports(w: &WriteTx, topic_id: i64) -> Result<()> {
    topic::Entity::update_many()
        .col_expr(
            topic::Column::SupportCount,
            Expr::col(topic::Column::SupportCount).add(1),
        )
        .filter(topic::Column::Id.eq(topic_id))
        .exec(&w.tx)
        .await?;
    Ok(())
}

pub(crate) async fn follow_on(
    w: &WriteTx,
    topic_id: i64,
    follower_key: &str,
    phone: Option<&str>,
) -> Result<()> {
    follower::Entity::insert(follower::ActiveModel {
        topic_id: Set(topic_id),
        follower: Set(follower_key.to_owned()),
        phone: Set(phone.map(str::to_owned)),
        created_at: Set(w.now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([follower::Column::TopicId, follower::Column::Follower])
            .update_column(follower::Column::Phone)
            .to_owned(),
    )
    .exec_without_returning(&w.tx)
    .await?;
    Ok(())
}

/// Merging carries the merged topic's supports and followers to the
/// surviving topic (nobody counted twice) and recounts its supports.
pub(crate) async fn carry_over(w: &WriteTx, from: i64, to: i64) -> Result<()> {
    let supports = support::Entity::find()
        .filter(support::Column::TopicId.eq(from))
        .all(&w.tx)
        .await?;
    for s in &supports {
        insert_support(w, to, &s.supporter).await?;
    }
    let followers = follower::Entity::find()
        .filter(follower::Column::TopicId.eq(from))
        .all(&w.tx)
        .await?;
    for f in &followers {
        follow_on(w, to, &f.follower, f.phone.as_deref()).await?;
    }
    let count = support::Entity::find()
        .filter(support::Column::TopicId.eq(to))
        .count(&w.tx)
        .await?;
    topic::Entity::update_many()
        .col_expr(
            topic::Column::SupportCount,
            Expr::value(i64::try_from(count).unwrap_or(i64::MAX)),
        )
        .filter(topic::Column::Id.eq(to))
        .exec(&w.tx)
        .await?;
    Ok(())
}

/// Writes one inbox line per follower of the topic (not to whoever acted),
/// marked for SMS when the follower left a phone and the move matters.
pub(crate) async fn notify_followers(
    w: &WriteTx,
    topic_id: i64,
    kind: EventKind,
    actor_keys: &[String],
    detail: &domain::EventDetail,
) -> Result<()> {
    if !matters_to_residents(kind) {
        return Ok(());
    }
    let followers = follower::Entity::find()
        .filter(follower::Column::TopicId.eq(topic_id))
        .all(&w.tx)
        .await?;
    if followers.is_empty() {
        return Ok(());
    }
    let Some(t) = topic::Entity::find_by_id(topic_id).one(&w.tx).await? else {
        return Ok(());
    };
    // The line as it is sent: rendered now, in Beijing time.
    let detail = detail.text_zh();
    let text = if kind == EventKind::Completed {
        // The result: the 查询码 to find it again, and a request to rate it.
        format!(
            "您关注的议题「{}」已办结（查询码 {}），满意吗？请查看办理结果并评价",
            t.title, t.tracking_no
        )
    } else if detail.is_empty() {
        format!("您关注的议题「{}」：{}", t.title, kind.label_zh())
    } else {
        format!(
            "您关注的议题「{}」：{}（{detail}）",
            t.title,
            kind.label_zh()
        )
    };
    let at = w.now;
    let followers: Vec<_> = followers
        .into_iter()
        .filter(|f| !actor_keys.contains(&f.follower))
        .collect();
    if worth_sms(kind) {
        let said = if detail.is_empty() {
            String::new()
        } else {
            format!("（{}）", domain::fit(&detail, 33))
        };
        let sms = domain::SmsText::new(
            domain::SmsTemplate::TopicProgress,
            &[&t.title, kind.label_zh(), &said, &t.tracking_no],
        )
        .with_link(format!("/t/{}", t.tracking_no));
        let mut phones: Vec<&str> = followers
            .iter()
            .filter_map(|f| f.phone.as_deref())
            .collect();
        phones.sort_unstable();
        phones.dedup();
        let texts = phones
            .into_iter()
            .map(|p| crate::outbox::Outgoing::sms(p, &sms))
            .collect::<Result<Vec<_>>>()?;
        crate::outbox::enqueue(w, texts).await?;
    }
    let rows: Vec<notification::ActiveModel> = followers
        .into_iter()
        .map(|f| notification::ActiveModel {
            recipient: Set(f.follower),
            topic_id: Set(topic_id),
            text: Set(text.clone()),
            created_at: Set(at),
            read_at: Set(None),
            sms_to: Set(f.phone.filter(|_| worth_sms(kind))),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        notification::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&w.tx)
            .await?;
    }
    Ok(())
}

/// Whose photos they are: the resident's who raised the topic, evidence of a
/// department's finished work, or taken at a follow-up check.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PhotoOwner {
    Resident,
    Task(i64),
    FollowUp(i64),
    Research(i64),
}

pub(crate) async fn attach_photos(
    w: &WriteTx,
    topic_id: i64,
    photos: &[NewPhoto],
    owner: PhotoOwner,
) -> Result<()> {
    for (i, p) in photos.iter().enumerate() {
        photo::ActiveModel {
            topic_id: Set(topic_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            key: Set(p.key.clone()),
            thumb_key: Set(p.thumb_key.clone()),
            width: Set(i32::try_from(p.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(p.height).unwrap_or(i32::MAX)),
            created_at: Set(w.now),
            task_id: Set(match owner {
                PhotoOwner::Task(t) => Some(t),
                _ => None,
            }),
            follow_up_id: Set(match owner {
                PhotoOwner::FollowUp(f) => Some(f),
                _ => None,
            }),
            research_record_id: Set(match owner {
                PhotoOwner::Research(r) => Some(r),
                _ => None,
            }),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
    }
    Ok(())
}

pub(crate) async fn remember_key(w: &WriteTx, key: &str, topic_id: i64) -> Result<()> {
    submission_key::ActiveModel {
        client_key: Set(key.to_owned()),
        topic_id: Set(topic_id),
        created_at: Set(w.now),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(())
}

/// The prefix every account's key starts with.
pub(crate) fn user_key_prefix() -> &'static str {
    "u:"
}

/// The first string after every account's key (':' + 1 is ';').
pub(crate) fn user_key_end() -> &'static str {
    "u;"
}

/// The key an account is known by in likes, supports, votes and the inbox.
pub fn user_key(id: UserId) -> String {
    format!("u:{id}")
}

/// The key an anonymous phone (device token) is known by.
pub fn device_key(token: &str) -> String {
    format!("d:{token}")
}

/// Who is behind a person key, as the rules need to see them: an account
/// ("u:{id}", grants not needed here) or a phone.
pub(crate) fn actor_of_key(key: &str) -> domain::Actor {
    match key
        .strip_prefix(user_key_prefix())
        .and_then(|id| id.parse().ok())
    {
        Some(id) => domain::Actor::user(UserId(id), Vec::new()),
        None => domain::Actor::anonymous(key.strip_prefix("d:").map(str::to_owned)),
    }
}

/// The account's key when there is one, else the device's.
pub fn key_of(user: Option<UserId>, device: Option<&str>) -> Option<String> {
    user.map(user_key).or_else(|| device.map(device_key))
}

/// The key an actor acts under.
pub fn person_key(actor: &domain::Actor) -> Option<String> {
    key_of(actor.user, actor.device.as_deref())
}
