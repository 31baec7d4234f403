//! 动态验证码: an official's second factor. Setting it up (a QR code for an
//! authenticator app, a first code to confirm, recovery codes shown once),
//! renewing the recovery codes, turning it off, and the sign-in step that
//! asks for a code after a right password.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use rand::{Rng, RngCore};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::view::{Nav, render};

#[derive(Debug, Default, Deserialize)]
pub struct CodeInput {
    pub code: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StepQuery {
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "login_second_factor.html")]
struct StepPage {
    nav: Nav,
    next: String,
    error: String,
}

fn step_page(viewer: &Viewer, next: String, error: String) -> Html<String> {
    Html(render(&StepPage {
        nav: Nav::of(viewer),
        next,
        error,
    }))
}

/// `GET /login/second-factor`: the code after a right password.
pub async fn step_form(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Query(q): Query<StepQuery>,
) -> AppResult<Response> {
    if auth::awaiting_code(&state, &jar).await?.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    let next = super::login::safe_next(q.next.as_deref());
    Ok(step_page(&viewer, next, String::new()).into_response())
}

/// `POST /login/second-factor`: a code from the app or a recovery code.
pub async fn step(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: crate::limits::ClientIp,
    jar: CookieJar,
    PageForm(i): PageForm<CodeInput>,
) -> AppResult<Response> {
    let next = super::login::safe_next(i.next.as_deref());
    let Some(user) = auth::awaiting_code(&state, &jar).await? else {
        // Five minutes passed, or the password step never happened here.
        return Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            step_page(&viewer, next, "登录已超时，请重新输入用户名和密码".into()),
        )
            .into_response());
    };
    let code = i.code.unwrap_or_default();
    match auth::second_step(&state, user, &code, ip).await {
        Ok(used) => {
            let cookie = auth::finish_second_step(&state, &jar).await?;
            let to = match used {
                // Say how many are left, and offer new ones.
                store::FactorUse::RecoveryCode { left } => {
                    format!("{}?left={left}", auth::ENROL_PAGE)
                }
                store::FactorUse::AppCode => next,
            };
            Ok((jar.add(cookie), Redirect::to(&to)).into_response())
        }
        Err(AppError::BadRequest(m) | AppError::TooMany(m)) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            step_page(&viewer, next, m),
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "account_second_factor.html")]
struct FactorPage {
    nav: Nav,
    /// They sign in by phone code: nothing to add a factor to.
    by_phone: bool,
    /// A region requires it of them.
    required: bool,
    /// Set up and confirmed.
    on: bool,
    /// Being set up: the QR code (SVG) and the key to type by hand.
    enrol: Option<(String, String)>,
    recovery_left: u64,
    /// Shown once, after setting up or renewing.
    recovery: Vec<String>,
    /// After signing in with a recovery code: how many are left.
    left_after_use: Option<u64>,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct FactorQuery {
    pub left: Option<u64>,
}

async fn factor_page(
    state: &AppState,
    viewer: &Viewer,
    recovery: Vec<String>,
    left_after_use: Option<u64>,
    error: String,
) -> AppResult<Html<String>> {
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    let factor = state.store.second_factor(user.id).await?;
    let enrol = match &factor {
        Some(f) if !f.confirmed => {
            let account = user.username.as_ref().map_or("", |u| u.as_str());
            let url = f.key.enrol_url(account);
            let svg = poster::qr_svg(&url).map_err(|e| AppError::Internal(e.into()))?;
            Some((svg, f.key.base32_grouped()))
        }
        _ => None,
    };
    Ok(Html(render(&FactorPage {
        nav: Nav::of(viewer),
        by_phone: user.username.is_none(),
        required: state.store.second_factor_required(user.id).await?,
        on: factor.as_ref().is_some_and(|f| f.confirmed),
        recovery_left: factor.as_ref().map_or(0, |f| f.recovery_left),
        enrol,
        recovery,
        left_after_use,
        error,
    })))
}

/// A refusal shown on the page itself, with what was wrong.
async fn refused(state: &AppState, viewer: &Viewer, e: AppError) -> AppResult<Response> {
    let message = match e {
        AppError::Store(store::StoreError::Domain(d)) => d.message_zh(),
        AppError::BadRequest(m) | AppError::TooMany(m) => m,
        other => return Err(other),
    };
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        factor_page(state, viewer, Vec::new(), None, message).await?,
    )
        .into_response())
}

/// `GET /account/second-factor`.
pub async fn factor_form(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Query(q): Query<FactorQuery>,
) -> AppResult<Html<String>> {
    factor_page(&state, &viewer, Vec::new(), q.left, String::new()).await
}

/// Someone with a password; codes they type here are throttled like sign-ins,
/// so a borrowed session cannot guess its way to turning the factor off.
async fn signed_in<'v>(
    state: &AppState,
    viewer: &'v Viewer,
    ip: crate::limits::ClientIp,
) -> AppResult<&'v store::User> {
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    state
        .limits
        .check(
            crate::limits::Act::Login,
            &format!("factor:{}", user.id.0),
            None,
            ip.0,
        )
        .await?;
    if user.username.is_none() {
        return Err(AppError::BadRequest(
            "您的账号用手机验证码登录，无需动态验证码".into(),
        ));
    }
    Ok(user)
}

/// `POST /account/second-factor/start`: a new key, shown as a QR code.
pub async fn start(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: crate::limits::ClientIp,
) -> AppResult<Response> {
    let user = signed_in(&state, &viewer, ip).await?;
    let mut bytes = [0u8; domain::KEY_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let key = domain::TotpKey::from_bytes(bytes);
    match state.store.start_second_factor(user.id, &key).await {
        Ok(()) => Ok(Redirect::to(auth::ENROL_PAGE).into_response()),
        Err(e) => refused(&state, &viewer, e.into()).await,
    }
}

/// Fresh recovery codes: as shown, and their hashes to keep.
fn recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rng();
    (0..domain::RECOVERY_CODES)
        .map(|_| {
            let code: String = (0..domain::RECOVERY_LENGTH)
                .map(|_| {
                    let i = rng.random_range(0..domain::RECOVERY_ALPHABET.len());
                    char::from(domain::RECOVERY_ALPHABET[i])
                })
                .collect();
            (
                domain::recovery_code_shown(&code),
                domain::recovery_code_hash(&code),
            )
        })
        .unzip()
}

/// What a code and fresh recovery codes are for.
#[derive(Clone, Copy)]
enum WithCodes {
    /// The first code from the app confirms the key being set up.
    Confirm,
    /// New recovery codes replace the old ones.
    Renew,
}

/// Checks the code, keeps the hashes of fresh recovery codes and shows them once.
async fn with_codes(
    state: &AppState,
    viewer: &Viewer,
    ip: crate::limits::ClientIp,
    code: Option<String>,
    what: WithCodes,
) -> AppResult<Response> {
    let user = signed_in(state, viewer, ip).await?;
    let (shown, hashes) = recovery_codes();
    let code = code.unwrap_or_default();
    let done = match what {
        WithCodes::Confirm => {
            state
                .store
                .confirm_second_factor(user.id, &code, &hashes)
                .await
        }
        WithCodes::Renew => {
            state
                .store
                .renew_recovery_codes(user.id, &code, &hashes)
                .await
        }
    };
    match done {
        Ok(()) => Ok(factor_page(state, viewer, shown, None, String::new())
            .await?
            .into_response()),
        Err(e) => refused(state, viewer, e.into()).await,
    }
}

/// `POST /account/second-factor/confirm`: the first code from the app;
/// the recovery codes are shown once.
pub async fn confirm(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: crate::limits::ClientIp,
    PageForm(i): PageForm<CodeInput>,
) -> AppResult<Response> {
    with_codes(&state, &viewer, ip, i.code, WithCodes::Confirm).await
}

/// `POST /account/second-factor/recovery`: new recovery codes, after a code.
pub async fn renew(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: crate::limits::ClientIp,
    PageForm(i): PageForm<CodeInput>,
) -> AppResult<Response> {
    with_codes(&state, &viewer, ip, i.code, WithCodes::Renew).await
}

/// `POST /account/second-factor/off`: turned off with a code, where no region requires it.
pub async fn turn_off(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: crate::limits::ClientIp,
    PageForm(i): PageForm<CodeInput>,
) -> AppResult<Response> {
    let user = signed_in(&state, &viewer, ip).await?;
    let code = i.code.unwrap_or_default();
    match state.store.turn_off_second_factor(user.id, &code).await {
        Ok(()) => Ok(Redirect::to(auth::ENROL_PAGE).into_response()),
        Err(e) => refused(&state, &viewer, e.into()).await,
    }
}
