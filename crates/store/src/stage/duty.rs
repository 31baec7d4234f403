//! 委员履职档案: a committee member's or deputy's record, filled from what
//! the chain already keeps — meetings they were invited to and attended,
//! topics they recommended (委员荐题) and what became of them, research
//! they joined, turns they spoke — for one year (Beijing time).
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::{
    Channel, MeetingId, MeetingState, RegionLevel, Role, Rsvp, TopicId, TopicState, UserId,
    beijing_date,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{
    grant, meeting, meeting_invitation, meeting_speaker, opinion, region, research_participant,
    research_record, room, room_person, topic, user,
};
use crate::model::parsed;
use crate::{Result, Store, StoreError, User};

/// A meeting on a member's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyMeeting {
    /// The meeting.
    pub id: MeetingId,
    /// Its name.
    pub title: String,
    /// Its room's name.
    pub room: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Their answer.
    pub rsvp: Rsvp,
    /// Signed in.
    pub attended: bool,
    /// Turns they spoke.
    pub speeches: u32,
    /// Consultation opinions the meeting formed (counted where they attended).
    pub opinions: u32,
}

/// A topic on a member's record: recommended by them, or researched with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyTopic {
    /// The topic.
    pub id: TopicId,
    /// Its 查询码.
    pub tracking_no: String,
    /// Its title.
    pub title: String,
    /// Where it stands now (what became of it).
    pub state: TopicState,
    /// The day: recommended on, or researched on.
    pub on: NaiveDate,
}

/// One member's record for a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyRecord {
    /// The member.
    pub user: User,
    /// The year.
    pub year: i32,
    /// The rooms they are linked to (挂钩).
    pub rooms: Vec<String>,
    /// Meetings they were invited to or attended.
    pub meetings: Vec<DutyMeeting>,
    /// Topics they recommended.
    pub recommended: Vec<DutyTopic>,
    /// Research they took part in.
    pub research: Vec<DutyTopic>,
}

impl DutyRecord {
    /// Meetings attended.
    pub fn attended(&self) -> usize {
        self.meetings.iter().filter(|m| m.attended).count()
    }

    /// Turns spoken.
    pub fn speeches(&self) -> u32 {
        self.meetings.iter().map(|m| m.speeches).sum()
    }

    /// Consultation opinions formed at the meetings they attended.
    pub fn opinions(&self) -> u32 {
        self.meetings.iter().map(|m| m.opinions).sum()
    }
}

fn in_year(t: DateTime<Utc>, year: i32) -> bool {
    beijing_date(t).year() == year
}

impl Store {
    /// The people with a duty record: committee members (and deputies) by name.
    pub async fn members(&self) -> Result<Vec<User>> {
        let ids: Vec<i64> = grant::Entity::find()
            .filter(grant::Column::Role.eq(Role::CommitteeMember.code()))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|g| g.user_id)
            .collect();
        crate::model::all(
            user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .order_by_asc(user::Column::DisplayName)
                .all(self.conn())
                .await?,
        )
    }

    /// A member's record for `year`.
    pub async fn duty_record(&self, id: UserId, year: i32) -> Result<DutyRecord> {
        let conn = self.conn();
        let user = self.user(id).await?;
        let linked: Vec<i64> = room_person::Entity::find()
            .filter(room_person::Column::UserId.eq(id.0))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| r.room_id)
            .collect();
        let rooms = room::Entity::find()
            .filter(room::Column::Id.is_in(linked))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect();
        let invitations = meeting_invitation::Entity::find()
            .filter(meeting_invitation::Column::UserId.eq(id.0))
            .all(conn)
            .await?;
        let mut meetings = Vec::new();
        for inv in invitations {
            let Some(m) = meeting::Entity::find_by_id(inv.meeting_id)
                .one(conn)
                .await?
            else {
                continue;
            };
            if !in_year(m.starts_at, year) {
                continue;
            }
            let speeches = meeting_speaker::Entity::find()
                .filter(meeting_speaker::Column::InvitationId.eq(inv.id))
                .all(conn)
                .await?
                .len();
            let room = room::Entity::find_by_id(m.room_id)
                .one(conn)
                .await?
                .map(|r| r.name)
                .unwrap_or_default();
            let opinions = if inv.present_at.is_some() {
                opinion::Entity::find()
                    .filter(opinion::Column::MeetingId.eq(m.id))
                    .all(conn)
                    .await?
                    .len()
            } else {
                0
            };
            meetings.push(DutyMeeting {
                id: MeetingId(m.id),
                title: m.title,
                room,
                starts_at: m.starts_at,
                rsvp: parsed(&inv.rsvp, Rsvp::parse, "meeting_invitations.rsvp")?,
                attended: inv.present_at.is_some(),
                speeches: crate::count(speeches),
                opinions: crate::count(opinions),
            });
        }
        meetings.sort_by_key(|m| m.starts_at);
        let topic_of = |t: topic::Model, on: NaiveDate| -> Result<DutyTopic> {
            Ok(DutyTopic {
                id: TopicId(t.id),
                state: parsed(&t.state, TopicState::parse, "topics.state")?,
                tracking_no: t.tracking_no,
                title: t.title,
                on,
            })
        };
        let mut recommended = Vec::new();
        for t in topic::Entity::find()
            .filter(topic::Column::SubmitterUserId.eq(id.0))
            .filter(topic::Column::Channel.eq(Channel::Committee.code()))
            .order_by_asc(topic::Column::CreatedAt)
            .all(conn)
            .await?
        {
            if in_year(t.created_at, year) {
                let on = beijing_date(t.created_at);
                recommended.push(topic_of(t, on)?);
            }
        }
        let mut research = Vec::new();
        for p in research_participant::Entity::find()
            .filter(research_participant::Column::UserId.eq(id.0))
            .all(conn)
            .await?
        {
            let Some(r) = research_record::Entity::find_by_id(p.record_id)
                .one(conn)
                .await?
            else {
                continue;
            };
            let on = r.visited_on.unwrap_or_else(|| beijing_date(r.created_at));
            if on.year() != year {
                continue;
            }
            let t = topic::Entity::find_by_id(p.topic_id)
                .one(conn)
                .await?
                .ok_or(StoreError::NotFound("议题"))?;
            research.push(topic_of(t, on)?);
        }
        research.sort_by_key(|t| t.on);
        Ok(DutyRecord {
            user,
            year,
            rooms,
            meetings,
            recommended,
            research,
        })
    }

    /// Meetings held (closed) in `year` in rooms of `region`, and of those
    /// how many a county-level (or higher) CPPCC member attended — the seed's
    /// 「共开展协商议事活动5场，其中县政协委员参加议事活动3场」.
    pub async fn meetings_with_cppcc(
        &self,
        region: &domain::RegionPath,
        year: i32,
    ) -> Result<(u32, u32)> {
        let conn = self.conn();
        let regions: Vec<i64> = region::Entity::find()
            .filter(region::Column::Path.starts_with(region.encode()))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let rooms: Vec<i64> = room::Entity::find()
            .filter(room::Column::RegionId.is_in(regions))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let held: Vec<meeting::Model> = meeting::Entity::find()
            .filter(meeting::Column::RoomId.is_in(rooms))
            .filter(meeting::Column::State.eq(MeetingState::Closed.code()))
            .all(conn)
            .await?
            .into_iter()
            .filter(|m| in_year(m.starts_at, year))
            .collect();
        let county_members = self.county_cppcc_members().await?;
        let mut with = 0;
        for m in &held {
            let attended = meeting_invitation::Entity::find()
                .filter(meeting_invitation::Column::MeetingId.eq(m.id))
                .filter(meeting_invitation::Column::PresentAt.is_not_null())
                .filter(meeting_invitation::Column::UserId.is_in(county_members.clone()))
                .one(conn)
                .await?
                .is_some();
            with += u32::from(attended);
        }
        Ok((crate::count(held.len()), with))
    }

    /// CPPCC members whose committee role is held at county level or above.
    async fn county_cppcc_members(&self) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for u in self.members().await? {
            if !u
                .categories
                .contains(&domain::ParticipantCategory::CppccMember)
            {
                continue;
            }
            let actor = self.actor(u.id).await?;
            for g in &actor.grants {
                let (Role::CommitteeMember, domain::Scope::Region(path)) = (g.role, &g.scope)
                else {
                    continue;
                };
                let Some(r) = path.id() else { continue };
                let level = self.region(r).await?.level;
                if matches!(
                    level,
                    RegionLevel::Province | RegionLevel::City | RegionLevel::County
                ) {
                    out.push(u.id.0);
                    break;
                }
            }
        }
        Ok(out)
    }
}
