//! 线上议事 (画出同心圆): opening a topic's deliberation, votes, statements,
//! moderation and attaching the result to the meeting.
use axum::extract::{Path, State};
use axum::response::Redirect;
use domain::DeliberationId;
use domain::DomainError;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::limits::{Act, ClientIp};

/// The fields of the online deliberation's forms.
#[derive(Debug, Default, Deserialize)]
pub struct DeliberationInput {
    /// Seed statements, one per line (opening).
    pub seeds: Option<String>,
    /// A new statement.
    pub text: Option<String>,
    /// The statement voted on or moderated.
    pub statement: Option<String>,
    /// agree, disagree or pass.
    pub vote: Option<String>,
    /// approve, reject or meta.
    pub action: Option<String>,
}

impl DeliberationInput {
    pub fn statement_id(&self) -> AppResult<domain::StatementId> {
        self.statement
            .as_deref()
            .and_then(|s| s.trim().parse().ok())
            .map(domain::StatementId)
            .ok_or_else(|| AppError::BadRequest("请选择观点".into()))
    }

    pub fn vote(&self) -> AppResult<opinion::matrix::Vote> {
        use opinion::matrix::Vote;
        match self.vote.as_deref().map(str::trim) {
            Some("agree") => Ok(Vote::Agree),
            Some("disagree") => Ok(Vote::Disagree),
            Some("pass") => Ok(Vote::Pass),
            _ => Err(AppError::BadRequest("请选择赞同、反对或跳过".into())),
        }
    }

    /// Seed statements: one per non-empty line, at most 50.
    pub fn seeds(&self) -> AppResult<Vec<String>> {
        let seeds: Vec<String> = self
            .seeds
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if seeds.len() > 50 {
            return Err(DomainError::Invalid {
                field: "seeds",
                message: "初始观点不能超过50条".into(),
            }
            .into());
        }
        Ok(seeds)
    }
}

/// The convener of the topic's room opens an online deliberation with seed statements.
pub async fn open_deliberation_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    let d = state
        .store
        .open_deliberation(topic.id, &viewer.who(), &input.seeds()?)
        .await?;
    Ok(Redirect::to(&format!("/d/{}", d.id)))
}

/// A vote is stored and answered at once; the map is recomputed in the background.
pub async fn vote_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let statement = input.statement_id()?;
    let vote = input.vote()?;
    let voter = viewer.participant_key()?;
    state
        .limits
        .check(Act::Vote, &viewer.device, None, ip.0)
        .await?;
    let origin = crate::auth::origin_of(&state, ip.0).await;
    state
        .store
        .vote_statement(id, statement, &voter, vote, origin.as_deref())
        .await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}")))
}

/// Anyone adds a statement; it waits for the convener's approval.
pub async fn add_statement_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    viewer.participant_key()?;
    state
        .limits
        .check(Act::Statement, &viewer.device, None, ip.0)
        .await?;
    let s = state
        .store
        .add_statement(id, &viewer.who(), input.text.as_deref().unwrap_or(""))
        .await?;
    let flag = if s.state == domain::StatementState::Approved {
        "added=approved"
    } else {
        "added=pending"
    };
    Ok(Redirect::to(&format!("/d/{id}?{flag}")))
}

/// The convener approves, rejects or marks a statement as meta.
pub async fn moderate_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let action = input
        .action
        .as_deref()
        .and_then(domain::Moderation::parse)
        .ok_or_else(|| AppError::BadRequest("请选择审核操作".into()))?;
    state
        .store
        .moderate_statement(id, input.statement_id()?, &viewer.actor, action)
        .await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}/moderate")))
}

/// The convener attaches the current result to the meeting materials (a timeline entry).
pub async fn attach_deliberation_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
) -> AppResult<Redirect> {
    state.store.attach_deliberation(id, &viewer.who()).await?;
    Ok(Redirect::to(&format!("/d/{id}/results?attached=1")))
}
