//! Signing in: password for officials and members, phone + one-time code for residents.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::Duration;
use domain::PhoneNumber;
use rand::Rng;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Viewer, token_hash};
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;
use crate::view::{Nav, render};

/// How long a code lives, and how many may be sent to one phone per hour.
const CODE_MINUTES: i64 = 10;
const CODES_PER_HOUR: u64 = 5;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    next: String,
    error: String,
    phone: String,
    code_sent: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

/// Only local paths are followed after login, never another site.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/desk".to_owned(),
    }
}

fn page(
    viewer: &Viewer,
    next: String,
    error: String,
    phone: String,
    code_sent: bool,
) -> Html<String> {
    Html(render(&LoginPage {
        nav: Nav::of(viewer),
        next,
        error,
        phone,
        code_sent,
    }))
}

pub async fn login_form(viewer: Viewer, Query(q): Query<LoginQuery>) -> Html<String> {
    page(
        &viewer,
        safe_next(q.next.as_deref()),
        String::new(),
        String::new(),
        false,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: Option<String>,
    pub password: Option<String>,
    pub next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: crate::limits::ClientIp,
    jar: CookieJar,
    PageForm(f): PageForm<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    match auth::password_login(
        &state,
        f.username.as_deref().unwrap_or(""),
        f.password.as_deref().unwrap_or(""),
        ip,
    )
    .await
    {
        Ok(uid) => {
            let (cookie, stage) = auth::sign_in(&state, uid).await?;
            let to = match stage {
                store::SessionStage::Full => next,
                store::SessionStage::AwaitingCode => format!(
                    "{}?next={}",
                    auth::SECOND_STEP_PAGE,
                    crate::view::urlencode(&next)
                ),
                store::SessionStage::AwaitingEnrolment => auth::ENROL_PAGE.to_owned(),
            };
            Ok((jar.add(cookie), Redirect::to(&to)).into_response())
        }
        Err(AppError::Refused(m) | AppError::BadRequest(m) | AppError::TooMany(m)) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            page(&viewer, next, m, String::new(), false),
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    let jar = auth::end_session(&state, jar).await?;
    Ok((jar, Redirect::to("/")).into_response())
}

/// Sends a 6-digit code, at most five an hour to one phone.
/// Sends a sign-in code: at most five an hour per number (counted in the
/// database, so across app nodes), and a few per phone and address.
pub async fn send_code(
    state: &AppState,
    phone: &PhoneNumber,
    viewer: &Viewer,
    ip: crate::limits::ClientIp,
) -> AppResult<()> {
    state
        .limits
        .check(crate::limits::Act::Code, &viewer.device, None, ip.0)
        .await?;
    // Strangers' numbers texted at our expense: a daily cap per address and
    // per number prefix (the first seven digits), whatever the phone says.
    let prefix = &phone.as_str()[..7];
    state
        .limits
        .check(
            crate::limits::Act::CodeDaily,
            &viewer.device,
            Some(prefix),
            ip.0,
        )
        .await?;
    let since = state.store.clock().now() - Duration::hours(1);
    if state.store.otp_sent_since(phone, since).await? >= CODES_PER_HOUR {
        return Err(AppError::TooMany("验证码发送太频繁，请一小时后再试".into()));
    }
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let text = domain::SmsText::new(
        domain::SmsTemplate::LoginCode,
        &[&code, &CODE_MINUTES.to_string()],
    );
    let queued = state
        .store
        .store_otp(
            phone,
            token_hash(&format!("{}:{code}", phone.as_str())),
            Duration::minutes(CODE_MINUTES),
            &text,
        )
        .await?;
    // Sent now, not on the worker's next round; a provider that is busy
    // leaves it queued for the worker's retries.
    if state.courier.send_now(queued).await? == Some(store::OutState::Failed) {
        return Err(AppError::BadRequest(
            "验证码短信发送失败，请核对手机号或稍后再试".into(),
        ));
    }
    Ok(())
}

/// Checks a code and returns the resident's account (created on first sign-in).
pub async fn check_code(
    state: &AppState,
    phone: &PhoneNumber,
    code: &str,
) -> AppResult<domain::UserId> {
    let hash = token_hash(&format!("{}:{}", phone.as_str(), code.trim()));
    match state.store.check_otp(phone, &hash).await? {
        store::OtpCheck::Valid => {
            let uid = state.store.resident_by_phone(phone).await?;
            if state.store.user(uid).await?.disabled {
                state
                    .store
                    .record_login_failure(Some(uid), "", "账号已停用")
                    .await?;
                return Err(AppError::BadRequest("账号已停用，请联系管理员".into()));
            }
            // The number is verified: topics raised with it become this account's.
            state.store.claim_by_phone(uid, phone).await?;
            state.store.record_login_success(uid).await?;
            Ok(uid)
        }
        store::OtpCheck::Wrong => Err(AppError::Refused("验证码不正确".into())),
        store::OtpCheck::Expired => Err(AppError::Refused("验证码已失效，请重新获取".into())),
    }
}

#[derive(Debug, Deserialize)]
pub struct PhoneForm {
    pub phone: Option<String>,
    pub code: Option<String>,
    pub next: Option<String>,
}

pub async fn request_code(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: crate::limits::ClientIp,
    PageForm(f): PageForm<PhoneForm>,
) -> AppResult<Response> {
    let next = safe_next(f.next.as_deref());
    let raw = f.phone.unwrap_or_default();
    let result = match PhoneNumber::parse(&raw) {
        Ok(p) => send_code(&state, &p, &viewer, ip).await.map(|()| p),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(p) => {
            Ok(page(&viewer, next, String::new(), p.as_str().to_owned(), true).into_response())
        }
        Err(AppError::TooMany(m)) => Ok((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            page(&viewer, next, m, raw, false),
        )
            .into_response()),
        Err(AppError::Store(store::StoreError::Domain(d))) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            page(&viewer, next, d.message_zh(), raw, false),
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

pub async fn phone_login(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    PageForm(f): PageForm<PhoneForm>,
) -> AppResult<Response> {
    let next = match f.next.as_deref() {
        Some(n) if n != "/desk" => safe_next(Some(n)),
        _ => "/".to_owned(),
    };
    let raw = f.phone.unwrap_or_default();
    let phone = PhoneNumber::parse(&raw)?;
    match check_code(&state, &phone, f.code.as_deref().unwrap_or("")).await {
        Ok(uid) => {
            let cookie = auth::start_session(&state, uid).await?;
            Ok((jar.add(cookie), Redirect::to(&next)).into_response())
        }
        Err(AppError::Refused(m) | AppError::BadRequest(m)) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            page(&viewer, next, m, raw, true),
        )
            .into_response()),
        Err(e) => Err(e),
    }
}
