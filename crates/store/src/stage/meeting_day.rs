//! The meeting day: the invitation list and its answers, the wanted mix of
//! categories, and sign-in at the door (by invitation, account, walk-in,
//! or by the convener's hand). The rules are the domain's (`meeting_day`).
use chrono::{DateTime, Utc};
use domain::{
    CheckIn, MeetingCtx, MeetingId, MixRule, ParticipantCategory, PhoneNumber, Rsvp, UserId,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{meeting_invitation, meeting_mix_rule, notification, user};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who};

/// Someone on a meeting's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    /// Its id (the answer link and the attendee cookie sign it).
    pub id: i64,
    /// The meeting.
    pub meeting: MeetingId,
    /// Their account, when registered.
    pub user: Option<UserId>,
    /// Their name.
    pub name: String,
    /// Their phone, when given (texts go there).
    pub phone: Option<PhoneNumber>,
    /// Whom they count as in the mix.
    pub category: ParticipantCategory,
    /// Invited beforehand (false for a walk-in).
    pub invited: bool,
    /// Their answer.
    pub rsvp: Rsvp,
    /// When they signed in, and how.
    pub present_at: Option<DateTime<Utc>>,
    /// How they were signed in.
    pub check_in: Option<CheckIn>,
}

impl Invitation {
    /// As the domain's mix counts them.
    pub fn attendee(&self) -> domain::Attendee {
        domain::Attendee {
            category: self.category,
            invited: self.invited,
            rsvp: self.rsvp,
            present: self.present_at.is_some(),
        }
    }
}

impl TryFrom<meeting_invitation::Model> for Invitation {
    type Error = StoreError;

    fn try_from(r: meeting_invitation::Model) -> Result<Self> {
        let phone = match r.phone.as_deref() {
            Some(p) => Some(parsed(
                p,
                |p| PhoneNumber::parse(p).ok(),
                "meeting_invitations.phone",
            )?),
            None => None,
        };
        let check_in = match r.check_in.as_deref() {
            Some(c) => Some(parsed(c, CheckIn::parse, "meeting_invitations.check_in")?),
            None => None,
        };
        Ok(Invitation {
            id: r.id,
            meeting: MeetingId(r.meeting_id),
            user: r.user_id.map(UserId),
            name: r.name,
            phone,
            category: parsed(
                &r.category,
                ParticipantCategory::parse,
                "meeting_invitations.category",
            )?,
            invited: r.invited,
            rsvp: parsed(&r.rsvp, Rsvp::parse, "meeting_invitations.rsvp")?,
            present_at: r.present_at,
            check_in,
        })
    }
}

/// Someone to invite: a registered person (name and category looked up)
/// or a name with a category and, to be texted, a phone.
#[derive(Clone, Debug)]
pub enum Invitee {
    /// A registered person.
    User(UserId),
    /// Someone without an account.
    Named {
        /// Their name.
        name: String,
        /// Whom they count as.
        category: ParticipantCategory,
        /// Where the invitation is texted.
        phone: Option<PhoneNumber>,
    },
}

/// How someone at the door is recognised.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// By their invitation (its signed link, or their account or number matched to it).
    Invited(i64),
    /// Not on the list: a walk-in who gives a name and category (and maybe a phone).
    WalkIn {
        /// Their name.
        name: String,
        /// Whom they count as.
        category: ParticipantCategory,
        /// Their phone; a number on the list signs in that invitation instead.
        phone: Option<PhoneNumber>,
    },
}

impl Store {
    /// A meeting's list: invited first, in the order invited, then walk-ins.
    pub async fn invitations(&self, id: MeetingId) -> Result<Vec<Invitation>> {
        let mut rows: Vec<Invitation> = meeting_invitation::Entity::find()
            .filter(meeting_invitation::Column::MeetingId.eq(id.0))
            .order_by_asc(meeting_invitation::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Invitation::try_from)
            .collect::<Result<_>>()?;
        rows.sort_by_key(|i| !i.invited);
        Ok(rows)
    }

    /// One entry of a meeting's list.
    pub async fn invitation(&self, id: i64) -> Result<Invitation> {
        meeting_invitation::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("邀请"))?
            .try_into()
    }

    /// The convener invites people; someone already on the list (same
    /// account or number) is not added twice. Each new invitee hears of it
    /// in the inbox (registered) or by text, with `line(invitation)` giving
    /// the words and the link to answer — in the same transaction.
    pub async fn invite(
        &self,
        id: MeetingId,
        who: &Who,
        people: &[Invitee],
        line: &(dyn Fn(&Invitation) -> (String, String) + Sync),
    ) -> Result<Vec<Invitation>> {
        let w = self.write().await?;
        let m = super::live::locked(&w, id).await?;
        domain::may_invite(&super::live::ctx(&m)?, &who.actor)?;
        let existing: Vec<meeting_invitation::Model> = meeting_invitation::Entity::find()
            .filter(meeting_invitation::Column::MeetingId.eq(id.0))
            .all(&w.tx)
            .await?;
        let mut added = Vec::new();
        for p in people {
            let (user_id, name, category, phone) = match p {
                Invitee::User(u) => {
                    let row = user::Entity::find_by_id(u.0)
                        .one(&w.tx)
                        .await?
                        .ok_or(StoreError::NotFound("人员"))?;
                    let u = crate::User::try_from(row)?;
                    let c = ParticipantCategory::primary(&u.categories);
                    (
                        Some(u.id.0),
                        u.display_name,
                        c,
                        u.phone.map(|p| p.as_str().to_owned()),
                    )
                }
                Invitee::Named {
                    name,
                    category,
                    phone,
                } => (
                    None,
                    name.clone(),
                    *category,
                    phone.as_ref().map(|p| p.as_str().to_owned()),
                ),
            };
            let twice = existing
                .iter()
                .chain(added.iter())
                .any(|e: &meeting_invitation::Model| {
                    (user_id.is_some() && e.user_id == user_id)
                        || (phone.is_some() && e.phone == phone)
                });
            if twice {
                continue;
            }
            let row = meeting_invitation::ActiveModel {
                meeting_id: Set(id.0),
                user_id: Set(user_id),
                name: Set(name),
                phone: Set(phone.clone()),
                category: Set(category.code().to_owned()),
                invited: Set(true),
                rsvp: Set(Rsvp::Pending.code().to_owned()),
                answered_at: Set(None),
                present_at: Set(None),
                check_in: Set(None),
                created_at: Set(w.now),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
            let inv = Invitation::try_from(row.clone())?;
            let (text, link) = line(&inv);
            let recipient = match user_id {
                Some(u) => crate::user_key(UserId(u)),
                // Someone without an account reads it only as a text.
                None => format!("p:{}", phone.clone().unwrap_or_default()),
            };
            notification::ActiveModel {
                recipient: Set(recipient),
                topic_id: Set(0),
                text: Set(text.clone()),
                created_at: Set(w.now),
                read_at: Set(None),
                sms_to: Set(phone.clone()),
                link: Set(Some(link.clone())),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
            if let Some(phone) = &phone {
                let sms =
                    domain::SmsText::new(domain::SmsTemplate::Notice, &[&text]).with_link(link);
                crate::outbox::enqueue(&w, vec![crate::outbox::Outgoing::sms(phone, &sms)?])
                    .await?;
            }
            added.push(row);
        }
        w.commit().await?;
        added.into_iter().map(Invitation::try_from).collect()
    }

    /// An invitee answers 参加 or 请假 (through their signed link).
    pub async fn answer_invitation(&self, id: i64, rsvp: Rsvp) -> Result<Invitation> {
        let w = self.write().await?;
        let row = meeting_invitation::Entity::find_by_id(id)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("邀请"))?;
        let m = super::live::locked(&w, MeetingId(row.meeting_id)).await?;
        domain::may_answer(super::live::ctx(&m)?.state)?;
        let mut am: meeting_invitation::ActiveModel = row.into();
        am.rsvp = Set(rsvp.code().to_owned());
        am.answered_at = Set(Some(w.now));
        let row = am.update(&w.tx).await?;
        w.commit().await?;
        row.try_into()
    }

    /// The mix of categories the convener wants (replacing what was set).
    pub async fn set_mix(&self, id: MeetingId, who: &Who, rules: &[MixRule]) -> Result<()> {
        let w = self.write().await?;
        let m = super::live::locked(&w, id).await?;
        domain::may_invite(&super::live::ctx(&m)?, &who.actor)?;
        meeting_mix_rule::Entity::delete_many()
            .filter(meeting_mix_rule::Column::MeetingId.eq(id.0))
            .exec(&w.tx)
            .await?;
        for r in rules {
            meeting_mix_rule::ActiveModel {
                meeting_id: Set(id.0),
                category: Set(r.category.code().to_owned()),
                at_least: Set(i32::try_from(r.at_least).unwrap_or(i32::MAX)),
                share_percent: Set(i32::try_from(r.share_percent).unwrap_or(100)),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
        }
        w.commit().await
    }

    /// The mix the convener wants.
    pub async fn mix_rules(&self, id: MeetingId) -> Result<Vec<MixRule>> {
        meeting_mix_rule::Entity::find()
            .filter(meeting_mix_rule::Column::MeetingId.eq(id.0))
            .order_by_asc(meeting_mix_rule::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|r| {
                let c = parsed(
                    &r.category,
                    ParticipantCategory::parse,
                    "meeting_mix_rules.category",
                )?;
                Ok(MixRule {
                    category: c,
                    at_least: u32::try_from(r.at_least).unwrap_or(0),
                    share_percent: u32::try_from(r.share_percent).unwrap_or(0),
                })
            })
            .collect()
    }

    /// Signs someone in at the door while it is open (an hour before the
    /// start until the meeting closes); signing in twice keeps the first.
    /// A walk-in whose number is on the list signs in that invitation.
    pub async fn sign_in(
        &self,
        id: MeetingId,
        arrival: &Arrival,
        how: CheckIn,
    ) -> Result<Invitation> {
        let w = self.write().await?;
        let m = super::live::locked(&w, id).await?;
        domain::may_sign_in(super::live::ctx(&m)?.state, m.starts_at, w.now)?;
        let listed = match arrival {
            Arrival::Invited(inv) => Some(
                meeting_invitation::Entity::find_by_id(*inv)
                    .filter(meeting_invitation::Column::MeetingId.eq(id.0))
                    .one(&w.tx)
                    .await?
                    .ok_or(StoreError::NotFound("邀请"))?,
            ),
            Arrival::WalkIn { phone: Some(p), .. } => {
                meeting_invitation::Entity::find()
                    .filter(meeting_invitation::Column::MeetingId.eq(id.0))
                    .filter(meeting_invitation::Column::Phone.eq(p.as_str()))
                    .one(&w.tx)
                    .await?
            }
            Arrival::WalkIn { .. } => None,
        };
        let row = match (listed, arrival) {
            (Some(row), _) if row.present_at.is_some() => row,
            (Some(row), _) => {
                let mut am: meeting_invitation::ActiveModel = row.into();
                am.present_at = Set(Some(w.now));
                am.check_in = Set(Some(how.code().to_owned()));
                am.update(&w.tx).await?
            }
            (
                None,
                Arrival::WalkIn {
                    name,
                    category,
                    phone,
                },
            ) => {
                meeting_invitation::ActiveModel {
                    meeting_id: Set(id.0),
                    user_id: Set(None),
                    name: Set(name.clone()),
                    phone: Set(phone.as_ref().map(|p| p.as_str().to_owned())),
                    category: Set(category.code().to_owned()),
                    invited: Set(false),
                    rsvp: Set(Rsvp::Attending.code().to_owned()),
                    answered_at: Set(None),
                    present_at: Set(Some(w.now)),
                    check_in: Set(Some(CheckIn::WalkIn.code().to_owned())),
                    created_at: Set(w.now),
                    ..Default::default()
                }
                .insert(&w.tx)
                .await?
            }
            (None, Arrival::Invited(_)) => return Err(StoreError::NotFound("邀请")),
        };
        w.commit().await?;
        row.try_into()
    }

    /// The convener signs someone on the list in by hand.
    pub async fn sign_in_by_hand(&self, id: MeetingId, who: &Who, inv: i64) -> Result<Invitation> {
        let m = self.meeting(id).await?;
        domain::may_invite(
            &MeetingCtx {
                state: m.state,
                room: m.room,
            },
            &who.actor,
        )?;
        self.sign_in(id, &Arrival::Invited(inv), CheckIn::ByHand)
            .await
    }

    /// The invitation of this account or number on a meeting's list, if any.
    pub async fn invitation_of(
        &self,
        id: MeetingId,
        user: Option<UserId>,
        phone: Option<&PhoneNumber>,
    ) -> Result<Option<Invitation>> {
        let list = self.invitations(id).await?;
        Ok(list.into_iter().find(|i| {
            (user.is_some() && i.user == user) || (phone.is_some() && i.phone.as_ref() == phone)
        }))
    }
}
