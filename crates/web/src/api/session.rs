//! Signing in through the API: password for officials, phone code for residents.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::PhoneNumber;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::error::AppResult;
use crate::forms::ApiJson;

#[derive(Debug, Deserialize)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

pub async fn login(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(input): ApiJson<LoginInput>,
) -> AppResult<Response> {
    let uid = auth::password_login(&state, &input.username, &input.password).await?;
    let cookie = auth::start_session(&state, uid).await?;
    let user = state.store.user(uid).await?;
    Ok((jar.add(cookie), Json(me_json(&state, &user).await?)).into_response())
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    let jar = auth::end_session(&state, jar).await?;
    Ok((jar, Json(serde_json::json!({ "ok": true }))).into_response())
}

pub async fn me(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Json<serde_json::Value>> {
    let user = viewer.user.ok_or(crate::error::AppError::Unauthorized)?;
    Ok(Json(me_json(&state, &user).await?))
}

async fn me_json(state: &AppState, user: &store::User) -> AppResult<serde_json::Value> {
    let actor = state.store.actor(domain::UserId(user.id)).await?;
    let roles: Vec<&str> = actor.grants.iter().map(|g| g.role.code()).collect();
    Ok(serde_json::json!({ "id": user.id, "name": user.display_name, "roles": roles }))
}

#[derive(Debug, Deserialize)]
pub struct PhoneInput {
    pub phone: String,
    pub code: Option<String>,
}

pub async fn request_code(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<PhoneInput>,
) -> AppResult<Json<serde_json::Value>> {
    let phone = PhoneNumber::parse(&input.phone)?;
    crate::pages::login::send_code(&state, &phone).await?;
    Ok(Json(
        serde_json::json!({ "sent": true, "phone": phone.masked() }),
    ))
}

pub async fn verify_code(
    State(state): State<AppState>,
    jar: CookieJar,
    ApiJson(input): ApiJson<PhoneInput>,
) -> AppResult<Response> {
    let phone = PhoneNumber::parse(&input.phone)?;
    let uid = crate::pages::login::check_code(&state, &phone, input.code.as_deref().unwrap_or(""))
        .await?;
    let cookie = auth::start_session(&state, uid).await?;
    let user = state.store.user(uid).await?;
    Ok((jar.add(cookie), Json(me_json(&state, &user).await?)).into_response())
}
