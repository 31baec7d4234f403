//! 会议纪要: the convener saves the minutes and publishes them.
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Redirect;
use domain::MeetingId;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::forms::{PageForm, plain};

/// Saves chair, recorder, each item's discussion (`discussion_{topic id}`) and other matters.
pub async fn save_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<MeetingId>,
    PageForm(input): PageForm<HashMap<String, String>>,
) -> AppResult<Redirect> {
    let field = |k: &str| input.get(k).map(String::as_str);
    let mut discussions = Vec::new();
    for (topic, text) in crate::pages::minutes::discussions(&input) {
        discussions.push((topic, plain(Some(&text), "discussion", "讨论情况", 5000)?));
    }
    let text = store::MinutesText {
        chair: plain(field("chair"), "chair", "主持人", 32)?,
        recorder: plain(field("recorder"), "recorder", "记录人", 32)?,
        summary: plain(field("summary"), "summary", "其他事项", 5000)?,
        discussions,
    };
    state.store.write_minutes(id, &viewer.who(), &text).await?;
    Ok(Redirect::to(&format!("/m/{}#minutes", id.0)))
}

/// Makes the minutes public.
pub async fn publish_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<MeetingId>,
) -> AppResult<Redirect> {
    state.store.publish_minutes(id, &viewer.who()).await?;
    Ok(Redirect::to(&format!("/m/{}/minutes", id.0)))
}
