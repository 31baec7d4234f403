//! 修改密码: someone signed in with a password chooses a new one; after an
//! administrator's reset this is the only page they reach until they do.
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SignedIn, Viewer, hash_password, verify_password};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::view::{Nav, render};

#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordPage {
    nav: Nav,
    /// A reset sent them here.
    forced: bool,
    /// They sign in by phone code and have no password to change.
    by_phone: bool,
    error: String,
}

fn page(viewer: &Viewer, error: String) -> Html<String> {
    let user = viewer.user.as_ref();
    Html(render(&PasswordPage {
        nav: Nav::of(viewer),
        forced: user.is_some_and(|u| u.must_change_password),
        by_phone: user.is_some_and(|u| u.username.is_none()),
        error,
    }))
}

/// `GET /account/password`.
pub async fn password_form(SignedIn(viewer): SignedIn) -> Html<String> {
    page(&viewer, String::new())
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordInput {
    pub current: Option<String>,
    pub new: Option<String>,
    pub again: Option<String>,
}

/// `POST /account/password`: the current password, then the new one twice.
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<PasswordInput>,
) -> AppResult<Response> {
    let refuse = |m: &str| {
        Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&viewer, m.to_owned()),
        )
            .into_response())
    };
    let Some(user) = viewer.user.as_ref() else {
        return Err(AppError::Unauthorized);
    };
    let Some(username) = user.username.as_ref() else {
        return refuse("您的账号用手机验证码登录，无需设置密码");
    };
    let Some((uid, Some(hash))) = state.store.password_of(username.as_str()).await? else {
        return refuse("您的账号尚未设置密码，请联系管理员");
    };
    // Guesses at the current password count like sign-in attempts.
    if !state.store.count_login_attempt(uid).await? {
        return Err(AppError::TooMany(crate::limits::Act::Login.message(1)));
    }
    if !verify_password(i.current.clone().unwrap_or_default(), hash).await {
        state
            .store
            .record_login_failure(Some(uid), "", "修改密码时原密码不正确")
            .await?;
        return refuse("原密码不正确");
    }
    let new = i.new.unwrap_or_default();
    if Some(&new) != i.again.as_ref() {
        return refuse("两次输入的新密码不一致");
    }
    if Some(&new) == i.current.as_ref() {
        return refuse("新密码不能与原密码相同");
    }
    let chosen = match domain::choose_password(&new, Some(username.as_str())) {
        Ok(p) => p,
        Err(e) => return refuse(&e.message_zh()),
    };
    let hash = hash_password(chosen).await.map_err(AppError::Internal)?;
    state.store.set_password_hash(uid, hash).await?;
    Ok(Redirect::to("/desk").into_response())
}

#[derive(Template)]
#[template(path = "account_sessions.html")]
struct SessionsPage {
    nav: Nav,
    /// (this one, started, until, address)
    sessions: Vec<(bool, String, String, String)>,
    ended: Option<u64>,
}

fn current_hash(jar: &axum_extra::extract::CookieJar) -> String {
    jar.get(crate::auth::SESSION_COOKIE)
        .map(|c| crate::auth::token_hash(c.value()))
        .unwrap_or_default()
}

async fn sessions_page(
    state: &AppState,
    viewer: &Viewer,
    jar: &axum_extra::extract::CookieJar,
    ended: Option<u64>,
) -> AppResult<Html<String>> {
    let Some(user) = viewer.user.as_ref() else {
        return Err(AppError::Unauthorized);
    };
    let sessions = state
        .store
        .sessions_of(user.id, &current_hash(jar))
        .await?
        .into_iter()
        .map(|s| {
            let (started, until) = (
                crate::view::fmt_time(s.started),
                crate::view::fmt_time(s.until),
            );
            (s.this_one, started, until, s.address)
        })
        .collect();
    Ok(Html(render(&SessionsPage {
        nav: Nav::of(viewer),
        sessions,
        ended,
    })))
}

/// `GET /account/sessions`: where this account is signed in.
pub async fn sessions(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    jar: axum_extra::extract::CookieJar,
) -> AppResult<Html<String>> {
    sessions_page(&state, &viewer, &jar, None).await
}

/// `POST /account/sessions/others`: signs out everywhere but here.
pub async fn end_others(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    jar: axum_extra::extract::CookieJar,
) -> AppResult<Html<String>> {
    let Some(user) = viewer.user.as_ref() else {
        return Err(AppError::Unauthorized);
    };
    let ended = state
        .store
        .end_other_sessions(user.id, &current_hash(&jar))
        .await?;
    sessions_page(&state, &viewer, &jar, Some(ended)).await
}
