//! The signed links and cookies of the meeting day, all sealed with the
//! key every node shares (`device::DeviceKey`): an invitation's answer link
//! (kept by the phone as a cookie, so the door knows the invitee), the door
//! code that changes every half minute, the pass a fresh code gives a phone
//! for a quarter of an hour, and the attendee cookie that votes count by.
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};
use domain::MeetingId;

use crate::AppState;
use crate::error::{AppError, AppResult};

/// How long a fresh door code lets a phone finish signing in.
const PASS_SECONDS: i64 = 15 * 60;

pub async fn key(state: &AppState) -> AppResult<&crate::device::DeviceKey> {
    crate::auth::device_key(state)
        .await
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("signing key unavailable")))
}

/// `{id}.{signature}` for a message `kind:{id}`.
async fn token(state: &AppState, kind: &str, id: i64) -> AppResult<String> {
    Ok(format!(
        "{id}.{}",
        key(state).await?.seal(&format!("{kind}:{id}"))
    ))
}

/// The number in `{n}.{signature}` if the signature seals `message(n)`.
async fn unseal(state: &AppState, token: &str, message: impl Fn(i64) -> String) -> Option<i64> {
    let (n, sig) = token.split_once('.')?;
    let n: i64 = n.parse().ok()?;
    let k = crate::auth::device_key(state).await?;
    k.sealed(&message(n), sig).then_some(n)
}

async fn opened(state: &AppState, kind: &str, token: &str) -> Option<i64> {
    unseal(state, token, |id| format!("{kind}:{id}")).await
}

/// The path of an invitation's answer link.
pub fn rsvp_path(key: &crate::device::DeviceKey, meeting: MeetingId, invitation: i64) -> String {
    let sig = key.seal(&format!("rsvp:{invitation}"));
    format!("/m/{}/rsvp/{invitation}.{sig}", meeting.0)
}

/// The invitation an answer link names, if this server signed it.
pub async fn rsvp_invitation(state: &AppState, token: &str) -> Option<i64> {
    opened(state, "rsvp", token).await
}

/// The path a door code opens: `/m/{id}/checkin/{window}.{signature}`.
pub async fn door_path(
    state: &AppState,
    meeting: MeetingId,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let w = domain::checkin_window(now);
    let sig = key(state).await?.seal(&format!("door:{}:{w}", meeting.0));
    Ok(format!("/m/{}/checkin/{w}.{sig}", meeting.0))
}

/// Whether a scanned door code is this meeting's and still fresh.
pub async fn door_code_valid(
    state: &AppState,
    meeting: MeetingId,
    code: &str,
    now: DateTime<Utc>,
) -> bool {
    unseal(state, code, |w| format!("door:{}:{w}", meeting.0))
        .await
        .is_some_and(|w| domain::checkin_code_fresh(w, now))
}

fn cookie_name(kind: &str, meeting: MeetingId) -> String {
    format!("shangliang_{kind}_{}", meeting.0)
}

fn set_cookie(
    headers: &mut HeaderMap,
    state: &AppState,
    name: String,
    value: String,
    seconds: i64,
) {
    let c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::seconds(seconds))
        .build();
    if let Ok(v) = c.to_string().parse() {
        headers.append(SET_COOKIE, v);
    }
}

/// The pass a fresh door code gives this phone: good for a quarter of an hour.
pub async fn give_pass(
    state: &AppState,
    headers: &mut HeaderMap,
    meeting: MeetingId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let until = now.timestamp() + PASS_SECONDS;
    let sig = key(state)
        .await?
        .seal(&format!("pass:{}:{until}", meeting.0));
    set_cookie(
        headers,
        state,
        cookie_name("door", meeting),
        format!("{until}.{sig}"),
        PASS_SECONDS,
    );
    Ok(())
}

/// Whether this phone scanned a fresh door code in the last quarter hour.
pub async fn has_pass(
    state: &AppState,
    jar: &CookieJar,
    meeting: MeetingId,
    now: DateTime<Utc>,
) -> bool {
    let Some(c) = jar.get(&cookie_name("door", meeting)) else {
        return false;
    };
    unseal(state, c.value(), |until| {
        format!("pass:{}:{until}", meeting.0)
    })
    .await
    .is_some_and(|until| until >= now.timestamp())
}

/// Remembers on this phone the invitation whose link it opened.
pub fn keep_invitation(state: &AppState, headers: &mut HeaderMap, meeting: MeetingId, token: &str) {
    set_cookie(
        headers,
        state,
        cookie_name("inv", meeting),
        token.to_owned(),
        60 * 86_400,
    );
}

/// The invitation whose link this phone opened, if any.
pub async fn kept_invitation(state: &AppState, jar: &CookieJar, meeting: MeetingId) -> Option<i64> {
    let c = jar.get(&cookie_name("inv", meeting))?;
    rsvp_invitation(state, c.value()).await
}

/// Marks this phone as the attendee signed in (votes count by it).
pub async fn keep_attendee(
    state: &AppState,
    headers: &mut HeaderMap,
    meeting: MeetingId,
    invitation: i64,
) -> AppResult<()> {
    let t = token(state, "att", invitation).await?;
    set_cookie(headers, state, cookie_name("att", meeting), t, 86_400);
    Ok(())
}

/// The attendee this phone signed in as, if any.
pub async fn attendee(state: &AppState, jar: &CookieJar, meeting: MeetingId) -> Option<i64> {
    let c = jar.get(&cookie_name("att", meeting))?;
    opened(state, "att", c.value()).await
}
