//! 专题活动: a region's leaders run a campaign over some of its rooms;
//! conveners count topics and meetings in; its page shows each room's
//! progress. The rules are the domain's (`campaign`).
use chrono::NaiveDate;
use domain::{CampaignPlan, MeetingId, RegionId, RoomId, TopicId, TopicState, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{campaign, campaign_room, meeting, room, topic};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who};

/// A campaign and the rooms taking part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Its id.
    pub id: i64,
    /// The region whose leaders run it.
    pub region: RegionId,
    /// Its name.
    pub name: String,
    /// What it is about.
    pub theme: String,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The last day.
    pub ends_on: NaiveDate,
    /// The rooms taking part.
    pub rooms: Vec<RoomId>,
}

/// One room's progress in a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomProgress {
    /// The room.
    pub room: RoomId,
    /// Its name.
    pub name: String,
    /// Topics raised, researched, deliberated, resolved (see `domain::progress`).
    pub counts: [u32; 4],
    /// Meetings held in the campaign.
    pub meetings: u32,
}

impl Store {
    /// A region's leader sets up a campaign over rooms of the region.
    pub async fn create_campaign(
        &self,
        who: &Who,
        region: RegionId,
        plan: &CampaignPlan,
        rooms: &[RoomId],
    ) -> Result<i64> {
        let path = self.region_path(region).await?;
        let mut places = Vec::with_capacity(rooms.len());
        for r in rooms {
            let room = self.room(*r).await?;
            places.push((*r, self.region_path(room.region).await?));
        }
        domain::may_run_campaign(&who.actor, &path, &places)?;
        let w = self.write().await?;
        let row = campaign::ActiveModel {
            region_id: Set(region.0),
            name: Set(plan.name.clone()),
            theme: Set(plan.theme.clone()),
            starts_on: Set(plan.starts_on),
            ends_on: Set(plan.ends_on),
            created_by: Set(who.actor.user.map_or(0, |u: UserId| u.0)),
            created_at: Set(w.now),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        for r in rooms {
            campaign_room::ActiveModel {
                campaign_id: Set(row.id),
                room_id: Set(r.0),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
        }
        w.commit().await?;
        Ok(row.id)
    }

    /// Every campaign, latest first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        let rows = campaign::Entity::find()
            .order_by_desc(campaign::Column::StartsOn)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.campaign_of(r).await?);
        }
        Ok(out)
    }

    /// One campaign.
    pub async fn campaign(&self, id: i64) -> Result<Campaign> {
        let row = campaign::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("专题活动"))?;
        self.campaign_of(row).await
    }

    async fn campaign_of(&self, r: campaign::Model) -> Result<Campaign> {
        let rooms = campaign_room::Entity::find()
            .filter(campaign_room::Column::CampaignId.eq(r.id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|c| RoomId(c.room_id))
            .collect();
        Ok(Campaign {
            id: r.id,
            region: RegionId(r.region_id),
            name: r.name,
            theme: r.theme,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            rooms,
        })
    }

    /// A room's convener counts a topic in a campaign the room takes part in.
    pub async fn join_topic(&self, who: &Who, topic_id: TopicId, id: i64) -> Result<()> {
        let c = self.campaign(id).await?;
        let t = self.topic(topic_id).await?;
        domain::may_join_campaign(&who.actor, t.room, &c.rooms)?;
        let w = self.write().await?;
        topic::Entity::update_many()
            .col_expr(topic::Column::CampaignId, Expr::value(id))
            .filter(topic::Column::Id.eq(topic_id.0))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// A room's convener counts a meeting in a campaign the room takes part in.
    pub async fn join_meeting(&self, who: &Who, meeting_id: MeetingId, id: i64) -> Result<()> {
        let c = self.campaign(id).await?;
        let m = self.meeting(meeting_id).await?;
        domain::may_join_campaign(&who.actor, m.room, &c.rooms)?;
        let w = self.write().await?;
        meeting::Entity::update_many()
            .col_expr(meeting::Column::CampaignId, Expr::value(id))
            .filter(meeting::Column::Id.eq(meeting_id.0))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// The campaigns a room takes part in.
    pub async fn campaigns_of_room(&self, room: RoomId) -> Result<Vec<Campaign>> {
        Ok(self
            .campaigns()
            .await?
            .into_iter()
            .filter(|c| c.rooms.contains(&room))
            .collect())
    }

    /// Each room's progress in a campaign, in the order the rooms were chosen.
    pub async fn campaign_progress(&self, id: i64) -> Result<Vec<RoomProgress>> {
        let c = self.campaign(id).await?;
        let topics = topic::Entity::find()
            .filter(topic::Column::CampaignId.eq(id))
            .all(self.conn())
            .await?;
        let meetings = meeting::Entity::find()
            .filter(meeting::Column::CampaignId.eq(id))
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(c.rooms.len());
        for r in &c.rooms {
            let name = room::Entity::find_by_id(r.0)
                .one(self.conn())
                .await?
                .map(|x| x.name)
                .unwrap_or_default();
            let states = topics
                .iter()
                .filter(|t| t.room_id == r.0)
                .map(|t| parsed(&t.state, TopicState::parse, "topics.state"))
                .collect::<Result<Vec<_>>>()?;
            out.push(RoomProgress {
                room: *r,
                name,
                counts: domain::progress(&states),
                meetings: crate::count(meetings.iter().filter(|m| m.room_id == r.0).count()),
            });
        }
        Ok(out)
    }

    /// The campaign a topic counts in, if any.
    pub async fn campaign_of_topic(&self, topic_id: TopicId) -> Result<Option<Campaign>> {
        let t = topic::Entity::find_by_id(topic_id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议题"))?;
        match t.campaign_id {
            Some(id) => Ok(Some(self.campaign(id).await?)),
            None => Ok(None),
        }
    }

    /// The campaign a meeting counts in, if any.
    pub async fn campaign_of_meeting(&self, id: MeetingId) -> Result<Option<Campaign>> {
        let m = meeting::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("会议"))?;
        match m.campaign_id {
            Some(c) => Ok(Some(self.campaign(c).await?)),
            None => Ok(None),
        }
    }
}
