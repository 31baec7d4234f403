//! An online deliberation and its statements, as pages and the API read them.
use chrono::{DateTime, Utc};
use domain::{DeliberationId, DeliberationState, StatementId, StatementState, TopicId, UserId};

use super::parsed;
use crate::StoreError;
use crate::entity::{deliberation, statement};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deliberation {
    pub id: DeliberationId,
    pub topic: TopicId,
    pub state: DeliberationState,
    pub created_at: DateTime<Utc>,
    /// When a statement was last moderated.
    pub moderated_at: Option<DateTime<Utc>>,
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
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub id: StatementId,
    pub deliberation: DeliberationId,
    /// The Pol.is comment id within the deliberation, from 0.
    pub tid: i64,
    pub text: String,
    pub author_user: Option<UserId>,
    pub author_device: Option<String>,
    pub state: StatementState,
    /// About the conversation rather than an opinion; left out of the math.
    pub is_meta: bool,
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
