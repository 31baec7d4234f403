//! An online deliberation and its statements, as pages and the API read them.
use chrono::{DateTime, Utc};
use domain::{DeliberationId, DeliberationState, StatementId, StatementState, TopicId, UserId};

use super::parsed;
use crate::StoreError;
use crate::entity::{deliberation, statement};

/// A topic's online deliberation (线上议事).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deliberation {
    /// Its id, as URLs name it (`/d/{id}`).
    pub id: DeliberationId,
    /// The topic it is about; a topic has at most one.
    pub topic: TopicId,
    /// Whether it still takes statements and votes.
    pub state: DeliberationState,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When a statement was last moderated.
    pub moderated_at: Option<DateTime<Utc>>,
    /// Whether the convener let only phone-verified residents take part.
    pub verified_only: bool,
}

impl TryFrom<deliberation::Model> for Deliberation {
    type Error = StoreError;

    fn try_from(row: deliberation::Model) -> Result<Self, StoreError> {
        Ok(Deliberation {
            id: DeliberationId(row.id),
            topic: TopicId(row.topic_id),
            state: parsed(&row.state, DeliberationState::parse, "deliberations.state")?,
            created_at: row.created_at,
            moderated_at: row.moderated_at,
            verified_only: row.verified_only,
        })
    }
}

/// One statement (观点) that participants agree or disagree with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Its row's id (not its Pol.is `tid`).
    pub id: StatementId,
    /// The deliberation it belongs to.
    pub deliberation: DeliberationId,
    /// The Pol.is comment id within the deliberation, from 0.
    pub tid: i64,
    /// What it says, as voters read it.
    pub text: String,
    /// The account that proposed it, if any.
    pub author_user: Option<UserId>,
    /// The device token of an author without an account.
    pub author_device: Option<String>,
    /// Where it stands with the convener; only approved ones are shown and voted on.
    pub state: StatementState,
    /// About the conversation rather than an opinion; left out of the math.
    pub is_meta: bool,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<statement::Model> for Statement {
    type Error = StoreError;

    fn try_from(row: statement::Model) -> Result<Self, StoreError> {
        Ok(Statement {
            id: StatementId(row.id),
            deliberation: DeliberationId(row.deliberation_id),
            tid: row.tid,
            text: row.text,
            author_user: row.author_user_id.map(UserId),
            author_device: row.author_device,
            state: parsed(&row.state, StatementState::parse, "statements.state")?,
            is_meta: row.is_meta,
            created_at: row.created_at,
        })
    }
}
