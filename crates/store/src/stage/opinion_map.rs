//! The opinion map's side of a deliberation: the votes an analysis reads,
//! the report and continuation it saves, and which maps have fallen behind
//! their votes (caught up by the next process to start).
use std::collections::{BTreeSet, HashMap};

use domain::{DeliberationId, StatementId, StatementState};
use opinion::matrix::{Vote, VoteRecord};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::deliberation::voters_counted;
use crate::entity::{analysis_state, deliberation, deliberation_result, opinion_vote};
use crate::{DeliberationResult, Result, Store};

/// What the analysis needs: every vote, the meta statements, and the
/// statements moderated out (rejected or meta), which it leaves out.
#[derive(Clone, Debug, Default)]
pub struct AnalysisInput {
    /// Every vote, in the order voters first cast them.
    pub votes: Vec<VoteRecord>,
    /// Statements (by `tid`) marked meta.
    pub meta: BTreeSet<u64>,
    /// Statements (by `tid`) moderated out: rejected or meta.
    pub mod_out: BTreeSet<u64>,
    /// When the votes were read: a map of them covers no vote changed later.
    pub read_at: chrono::DateTime<chrono::Utc>,
    /// How many vote rows were read, those of phones left out included: the
    /// count a saved map is compared with to see whether it is behind.
    pub rows_read: u64,
}

impl Store {
    /// Deliberations of at least `min_voters` voters whose saved map misses
    /// votes or moderation: no map yet, a different number of votes than the
    /// map counted, or a vote changed or a statement moderated after the
    /// map's votes were read. A starting process catches up on these, so a
    /// crash between a change and its map leaves no map behind.
    pub async fn stale_deliberations(&self, min_voters: u64) -> Result<Vec<DeliberationId>> {
        // Per deliberation in one pass: votes, voters, and the latest vote
        // cast or changed.
        let counts: Vec<(i64, i64, i64, chrono::DateTime<chrono::Utc>)> =
            opinion_vote::Entity::find()
                .select_only()
                .column(opinion_vote::Column::DeliberationId)
                .column_as(opinion_vote::Column::Id.count(), "n")
                .column_as(voters_counted(), "voters")
                .column_as(opinion_vote::Column::CreatedAt.max(), "last")
                .group_by(opinion_vote::Column::DeliberationId)
                .into_tuple()
                .all(self.conn())
                .await?;
        let saved: HashMap<i64, (i64, chrono::DateTime<chrono::Utc>)> =
            deliberation_result::Entity::find()
                .select_only()
                .columns([
                    deliberation_result::Column::DeliberationId,
                    deliberation_result::Column::VotesCounted,
                    deliberation_result::Column::ComputedAt,
                ])
                .into_tuple::<(i64, i64, chrono::DateTime<chrono::Utc>)>()
                .all(self.conn())
                .await?
                .into_iter()
                .map(|(id, n, at)| (id, (n, at)))
                .collect();
        let moderated: HashMap<i64, chrono::DateTime<chrono::Utc>> = deliberation::Entity::find()
            .select_only()
            .columns([deliberation::Column::Id, deliberation::Column::ModeratedAt])
            .filter(deliberation::Column::ModeratedAt.is_not_null())
            .into_tuple::<(i64, Option<chrono::DateTime<chrono::Utc>>)>()
            .all(self.conn())
            .await?
            .into_iter()
            .filter_map(|(id, at)| Some((id, at?)))
            .collect();
        let min_voters = i64::try_from(min_voters).unwrap_or(i64::MAX);
        let stale = counts
            .into_iter()
            .filter(|&(id, n, voters, last)| {
                let fresh = saved.get(&id).is_some_and(|&(counted, at)| {
                    counted == n && last <= at && moderated.get(&id).is_none_or(|m| *m <= at)
                });
                voters >= min_voters && !fresh
            })
            .map(|(id, ..)| DeliberationId(id))
            .collect();
        Ok(stale)
    }

    /// Voters in the order of their first vote; a voter's position is their
    /// participant id in the analysis, stable as new voters arrive.
    pub async fn participants(&self, id: DeliberationId) -> Result<Vec<String>> {
        let rows: Vec<String> = opinion_vote::Entity::find()
            .select_only()
            .column(opinion_vote::Column::Voter)
            .filter(opinion_vote::Column::DeliberationId.eq(id.0))
            .order_by_asc(opinion_vote::Column::Id)
            .into_tuple()
            .all(self.conn())
            .await?;
        let mut seen = BTreeSet::new();
        Ok(rows
            .into_iter()
            .filter(|v| seen.insert(v.clone()))
            .collect())
    }

    /// Every vote as the analysis reads it, with the meta statements to leave out.
    pub async fn analysis_input(&self, id: DeliberationId) -> Result<AnalysisInput> {
        Ok(self.conversation(id).await?.0)
    }

    /// The analysis input and each voter's participant id.
    pub(crate) async fn conversation(
        &self,
        id: DeliberationId,
    ) -> Result<(AnalysisInput, HashMap<String, u64>)> {
        let statements = self.statements(id).await?;
        let tid_of: HashMap<StatementId, u64> = statements
            .iter()
            .filter_map(|s| Some((s.id, u64::try_from(s.tid).ok()?)))
            .collect();
        let meta = statements
            .iter()
            .filter(|s| s.is_meta)
            .filter_map(|s| u64::try_from(s.tid).ok())
            .collect();
        let read_at = self.now();
        // Only the columns the analysis reads. A vote's time in the analysis
        // is its row's place: rows are added in the order votes are first
        // cast, and a changed vote updates its row in place, so this keeps
        // the order participants first voted in (which clustering follows),
        // where `created_at`, moved by a changed vote and set by different
        // nodes' clocks, would not. There is one row per statement and voter,
        // so no two of a voter's votes compete.
        let rows: Vec<(i64, String, i16)> = opinion_vote::Entity::find()
            .select_only()
            .columns([
                opinion_vote::Column::StatementId,
                opinion_vote::Column::Voter,
                opinion_vote::Column::Vote,
            ])
            .filter(opinion_vote::Column::DeliberationId.eq(id.0))
            .order_by_asc(opinion_vote::Column::Id)
            .into_tuple()
            .all(self.conn())
            .await?;
        // Phones the convener left out are as if they had never voted.
        let left_out = super::bursts::discounted(self.conn(), id).await?;
        let mut pid_of: HashMap<String, u64> = HashMap::new();
        let mut votes = Vec::with_capacity(rows.len());
        let read = rows.len() as u64;
        for (row, (statement_id, voter, vote)) in rows.into_iter().enumerate() {
            // Ids are given to every voter, left out or not, so they stay
            // stable for the analysis to continue from.
            let next = pid_of.len() as u64;
            let left = left_out.contains(&voter);
            let pid = *pid_of.entry(voter).or_insert(next);
            if left {
                continue;
            }
            let (Some(&tid), Some(vote)) = (
                tid_of.get(&StatementId(statement_id)),
                Vote::from_export_sign(i64::from(vote)),
            ) else {
                continue;
            };
            votes.push(VoteRecord {
                pid,
                tid,
                vote,
                timestamp: i64::try_from(row).unwrap_or(i64::MAX),
            });
        }
        let mod_out = statements
            .iter()
            .filter(|s| s.is_meta || s.state == StatementState::Rejected)
            .filter_map(|s| u64::try_from(s.tid).ok())
            .collect();
        Ok((
            AnalysisInput {
                votes,
                meta,
                mod_out,
                read_at,
                rows_read: read,
            },
            pid_of,
        ))
    }

    /// The latest saved opinion map, if one was computed yet.
    pub async fn deliberation_result(
        &self,
        id: DeliberationId,
    ) -> Result<Option<DeliberationResult>> {
        Ok(deliberation_result::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(DeliberationResult::from))
    }

    /// Which map is saved (the votes it counted, when it was made), without
    /// reading the map itself: what a page kept per map asks first.
    pub async fn map_version(
        &self,
        id: DeliberationId,
    ) -> Result<Option<(i64, chrono::DateTime<chrono::Utc>)>> {
        Ok(deliberation_result::Entity::find_by_id(id.0)
            .select_only()
            .column(deliberation_result::Column::VotesCounted)
            .column(deliberation_result::Column::ComputedAt)
            .into_tuple()
            .one(self.conn())
            .await?)
    }

    /// Whether this phone (`d:` key) has voted in the deliberation: its
    /// first vote is recorded once, under a unique key.
    pub async fn phone_took_part(&self, id: DeliberationId, key: &str) -> Result<bool> {
        use crate::entity::deliberation_participant::{Column, Entity};
        let query = Entity::find()
            .select_only()
            .column(Column::DeliberationId)
            .filter(Column::DeliberationId.eq(id.0))
            .filter(Column::Participant.eq(key))
            .limit(1);
        Ok(match self.readers() {
            Some(readers) => !readers.rows(&query, |_| Ok(()))?.is_empty(),
            None => query.into_tuple::<i64>().one(self.conn()).await?.is_some(),
        })
    }

    /// Saves (replacing) the latest opinion map and, in the same
    /// transaction, what the next run continues from. `read_at` is when its
    /// votes were read ([`AnalysisInput::read_at`]).
    pub async fn save_deliberation_result(
        &self,
        id: DeliberationId,
        json: String,
        votes_counted: i64,
        continuation: String,
        read_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let w = self.write().await?;
        deliberation_result::Entity::insert(deliberation_result::ActiveModel {
            deliberation_id: Set(id.0),
            json: Set(json),
            votes_counted: Set(votes_counted),
            computed_at: Set(read_at),
        })
        .on_conflict(
            OnConflict::column(deliberation_result::Column::DeliberationId)
                .update_columns([
                    deliberation_result::Column::Json,
                    deliberation_result::Column::VotesCounted,
                    deliberation_result::Column::ComputedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&w.tx)
        .await?;
        analysis_state::Entity::insert(analysis_state::ActiveModel {
            deliberation_id: Set(id.0),
            json: Set(continuation),
        })
        .on_conflict(
            OnConflict::column(analysis_state::Column::DeliberationId)
                .update_column(analysis_state::Column::Json)
                .to_owned(),
        )
        .exec_without_returning(&w.tx)
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// What the next opinion-map run of a deliberation continues from, if
    /// one has run (JSON of `opinion::Analysis::continuation`).
    pub async fn analysis_state(&self, id: DeliberationId) -> Result<Option<String>> {
        Ok(analysis_state::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(|s| s.json))
    }
}
