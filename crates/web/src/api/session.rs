//! Signing in through the API: password for officials, phone code for residents.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::PhoneNumber;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json::{CodeSentJson, MeJson, OkJson};
use crate::AppState;
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult};
use crate::forms::ApiJson;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    /// The code from the authenticator app (or a recovery code), for an
    /// official who set up a second factor.
    pub code: Option<String>,
}

/// Signs in with a password (and a second factor's code); the cookie comes in `Set-Cookie`.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = LoginInput, responses((status = 200, body = MeJson)))]
pub async fn login(
    State(state): State<AppState>,
    ip: crate::limits::ClientIp,
    jar: CookieJar,
    ApiJson(input): ApiJson<LoginInput>,
) -> AppResult<Response> {
    let uid = auth::password_login(&state, &input.username, &input.password, ip).await?;
    let factor = state.store.second_factor(uid).await?;
    let cookie = if factor.is_some_and(|f| f.confirmed) {
        let code = input.code.as_deref().unwrap_or("").trim();
        if code.is_empty() {
            return Err(AppError::BadRequest(
                "此账号已开启动态验证码，请同时提供 code".into(),
            ));
        }
        auth::second_step(&state, uid, code, ip).await?;
        auth::start_session(&state, uid).await?
    } else {
        auth::sign_in(&state, uid).await?.0
    };
    let user = state.store.user(uid).await?;
    Ok((jar.add(cookie), Json(me_json(&state, &user).await?)).into_response())
}

#[utoipa::path(post, path = "/api/session/logout", tag = "session", security(("session" = [])), responses((status = 200, body = OkJson)))]
pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    let jar = auth::end_session(&state, jar).await?;
    Ok((jar, Json(OkJson { ok: true })).into_response())
}

#[utoipa::path(get, path = "/api/session", tag = "session", security(("session" = [])), responses((status = 200, body = MeJson)))]
pub async fn me(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Json<MeJson>> {
    let user = viewer.user.ok_or(AppError::Unauthorized)?;
    Ok(Json(me_json(&state, &user).await?))
}

async fn me_json(state: &AppState, user: &store::User) -> AppResult<MeJson> {
    let actor = state.store.actor(user.id).await?;
    let roles = actor
        .grants
        .iter()
        .map(|g| g.role.code().to_owned())
        .collect();
    Ok(MeJson {
        id: user.id.0,
        name: user.display_name.clone(),
        roles,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PhoneInput {
    /// A mainland mobile number; spaces, dashes and +86 are fine.
    pub phone: String,
    /// The six-digit code, when verifying.
    pub code: Option<String>,
}

/// Sends a one-time code by SMS (at most five an hour per phone).
#[utoipa::path(post, path = "/api/otp", tag = "session", request_body = PhoneInput, responses((status = 200, body = CodeSentJson)))]
pub async fn request_code(
    State(state): State<AppState>,
    viewer: crate::auth::Viewer,
    ip: crate::limits::ClientIp,
    ApiJson(input): ApiJson<PhoneInput>,
) -> AppResult<Json<CodeSentJson>> {
    let phone = PhoneNumber::parse(&input.phone)?;
    crate::pages::login::send_code(&state, &phone, &viewer, ip).await?;
    Ok(Json(CodeSentJson {
        sent: true,
        phone: phone.masked(),
    }))
}

/// Signs a resident in with the code; the account is created on first use.
#[utoipa::path(post, path = "/api/otp/verify", tag = "session", request_body = PhoneInput, responses((status = 200, body = MeJson)))]
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
