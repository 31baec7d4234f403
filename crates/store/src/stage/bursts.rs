//! Where phones first voted from, so a convener can see bursts of new
//! phones from one address (`domain::find_bursts`) and leave them out of
//! the opinion map and its exports.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::{Actor, Arrival, DeliberationId, DeliberationMove, DomainError};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};

use crate::entity::{analysis_state, deliberation, deliberation_participant as participant};
use crate::{Result, Store, WriteTx};

/// Notes a phone's first vote and where it came from (accounts are not noted:
/// they are verified).
pub(crate) async fn note_arrival(
    w: &WriteTx,
    id: DeliberationId,
    voter: &str,
    origin: Option<&str>,
) -> Result<()> {
    let Some(origin) = origin.filter(|_| voter.starts_with("d:")) else {
        return Ok(());
    };
    participant::Entity::insert(participant::ActiveModel {
        deliberation_id: Set(id.0),
        participant: Set(voter.to_owned()),
        origin: Set(origin.to_owned()),
        first_at: Set(w.now),
        discounted: Set(false),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            participant::Column::DeliberationId,
            participant::Column::Participant,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&w.tx)
    .await?;
    Ok(())
}

/// The participants the convener left out of a deliberation's map.
pub(crate) async fn discounted(
    conn: &impl sea_orm::ConnectionTrait,
    id: DeliberationId,
) -> Result<HashSet<String>> {
    let rows: Vec<String> = participant::Entity::find()
        .select_only()
        .column(participant::Column::Participant)
        .filter(participant::Column::DeliberationId.eq(id.0))
        .filter(participant::Column::Discounted.eq(true))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

impl Store {
    /// Every phone still counted in the deliberation, with where and when it
    /// first voted, for `domain::find_bursts`.
    pub async fn arrivals(&self, id: DeliberationId) -> Result<Vec<Arrival>> {
        let rows: Vec<(String, DateTime<Utc>)> = participant::Entity::find()
            .select_only()
            .columns([participant::Column::Origin, participant::Column::FirstAt])
            .filter(participant::Column::DeliberationId.eq(id.0))
            .filter(participant::Column::Discounted.eq(false))
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(origin, at)| Arrival { origin, at })
            .collect())
    }

    /// How many phones the convener left out, for the public figure.
    pub async fn discounted_count(&self, id: DeliberationId) -> Result<u64> {
        Ok(participant::Entity::find()
            .filter(participant::Column::DeliberationId.eq(id.0))
            .filter(participant::Column::Discounted.eq(true))
            .count(self.conn())
            .await?)
    }

    /// The convener leaves the phones that first voted from `origin` between
    /// `from` and `to` out of the map; returns how many. The map is
    /// recomputed from scratch, as if they had never voted.
    pub async fn discount_burst(
        &self,
        id: DeliberationId,
        actor: &Actor,
        origin: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<u64> {
        let w = self.write().await?;
        let (d, ctx) = super::deliberation::locked(&w, id).await?;
        domain::decide_deliberation(&ctx, actor, DeliberationMove::Discount)?;
        let left_out = participant::Entity::update_many()
            .col_expr(participant::Column::Discounted, Expr::value(true))
            .filter(participant::Column::DeliberationId.eq(id.0))
            .filter(participant::Column::Origin.eq(origin))
            .filter(participant::Column::FirstAt.between(from, to))
            .filter(participant::Column::Discounted.eq(false))
            .exec(&w.tx)
            .await?
            .rows_affected;
        if left_out == 0 {
            return Err(DomainError::Precondition("这批手机已经不计入了".into()).into());
        }
        // The next map starts afresh and counts as behind its votes.
        analysis_state::Entity::delete_by_id(id.0)
            .exec(&w.tx)
            .await?;
        let mut am: deliberation::ActiveModel = d.into();
        am.moderated_at = Set(Some(w.now));
        sea_orm::ActiveModelTrait::update(am, &w.tx).await?;
        w.commit().await?;
        Ok(left_out)
    }
}
