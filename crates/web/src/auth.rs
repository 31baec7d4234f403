//! Who is asking: sessions for signed-in people, a device token for
//! anonymous residents, and the extractors handlers use to say whom they serve.
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use domain::{Actor, Role};
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use store::SessionStage;

use crate::AppState;
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "sl_session";
pub const DEVICE_COOKIE: &str = "sl_device";
/// Where someone whose password was reset chooses their own.
pub const CHANGE_PASSWORD: &str = "/account/password";
/// Where an official sets up a second factor (and must, when a region requires it).
pub const ENROL_PAGE: &str = "/account/second-factor";
/// Where a right password is followed by the second factor.
pub const SECOND_STEP_PAGE: &str = "/login/second-factor";
/// How long a right password waits for its second factor.
const SECOND_STEP_MINUTES: i64 = 5;
/// Remembers 适老化 (elderly) mode on this phone.
pub const CARE_COOKIE: &str = "sl_care";

/// The person (or phone) behind a request, resolved once per request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: Option<store::User>,
    pub actor: Actor,
    /// The anonymous device token, also present for signed-in users.
    pub device: String,
    /// The device cookie was one this server signed (see `device`).
    pub vouched: bool,
    /// Pages in 适老化 mode.
    pub care: bool,
    /// A phone that came without a device cookie and was handed one now:
    /// it has liked, supported and followed nothing yet.
    pub fresh: bool,
}

impl Viewer {
    pub fn who(&self) -> store::Who {
        let name = match &self.user {
            Some(u) => u.display_name.clone(),
            None => domain::ANONYMOUS.to_owned(),
        };
        store::Who {
            actor: self.actor.clone(),
            name,
        }
    }

    /// The key a vote, like, support or statement is counted under — the
    /// account, or a phone the server vouches for; anything else is refused.
    pub fn participant_key(&self) -> AppResult<String> {
        match self.actor.user {
            Some(u) => Ok(store::user_key(u)),
            None if self.vouched => Ok(store::device_key(&self.device)),
            None => Err(AppError::Unvouched),
        }
    }

    /// The key a like or support is counted under: the account when signed in, else the device.
    pub fn liker_key(&self) -> String {
        match self.actor.user {
            Some(u) => store::user_key(u),
            None => store::device_key(&self.device),
        }
    }

    /// Every key this person's inbox is addressed to: the account and this phone.
    pub fn inbox_keys(&self) -> Vec<String> {
        let mut keys = vec![store::device_key(&self.device)];
        if let Some(u) = self.actor.user {
            keys.push(store::user_key(u));
        }
        keys
    }

    pub fn is_official(&self) -> bool {
        self.actor.grants.iter().any(|g| g.role != Role::Resident)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> AppResult<Self> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("identify layer missing")))
    }
}

/// A signed-in person; a handler taking this cannot run for anonymous visitors.
#[derive(Clone, Debug)]
pub struct SignedIn(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> AppResult<Self> {
        let v = Viewer::from_request_parts(parts, s).await?;
        if v.user.is_none() {
            return Err(AppError::Unauthorized);
        }
        Ok(SignedIn(v))
    }
}

/// Resolves the session and device cookies into a [`Viewer`] for the rest
/// of the request, and hands a new visitor a device token.
pub async fn identify(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let mut user = None;
    let mut actor = None;
    let mut enrolling = false;
    if let Some(c) = jar.get(SESSION_COOKIE) {
        let hash = token_hash(c.value());
        // A session still waiting for its second factor signs no one in.
        if let Ok(Some((uid, stage))) = state.store.session(&hash).await
            && stage != SessionStage::AwaitingCode
            && let (Ok(u), Ok(a)) = (state.store.user(uid).await, state.store.actor(uid).await)
            && !u.disabled
        {
            enrolling = stage == SessionStage::AwaitingEnrolment;
            user = Some(u);
            actor = Some(a);
        }
    }
    let ip = crate::limits::client_ip(
        req.headers(),
        req.extensions(),
        state.config.trust_forwarded_for,
    )
    .0;
    let key = device_key(&state).await;
    let cookie = jar.get(DEVICE_COOKIE).map(|c| c.value().to_owned());
    let signed = match (&key, &cookie) {
        (Some(k), Some(c)) => k.verify(c),
        _ => None,
    };
    let vouched = signed.is_some();
    // A cookie from before devices were signed keeps its token, re-issued
    // signed; it counts against the address's new devices like a new phone.
    let legacy = cookie.filter(|c| !vouched && crate::device::is_token(c));
    let minted = signed.is_none() && legacy.is_none();
    let device = signed.clone().or(legacy).unwrap_or_else(new_token);
    let issue = !vouched
        && key.is_some()
        && state
            .limits
            .check(crate::limits::Act::NewDevice, "", None, ip)
            .await
            .is_ok();
    let mut actor = actor.unwrap_or_else(|| Actor::anonymous(None));
    actor.device = Some(device.clone());
    let care = jar.get(CARE_COOKIE).is_some_and(|c| c.value() == "1");
    let user_signed_in = user.is_some();
    // After a reset, nothing but choosing a new password (or leaving); where
    // a region requires a second factor, nothing but setting it up.
    let path = req.uri().path();
    let leaving = matches!(path, "/logout" | "/api/session/logout") || path.starts_with("/static/");
    let detour = if user.as_ref().is_some_and(|u| u.must_change_password) {
        Some((CHANGE_PASSWORD, "请先修改初始密码后再继续"))
    } else if enrolling {
        Some((ENROL_PAGE, "所在地区要求使用动态验证码，请先开启后再继续"))
    } else {
        None
    };
    if let Some((to, why)) = detour
        && !leaving
        && !path.starts_with(to)
    {
        return if path.starts_with("/api/") {
            AppError::from(domain::DomainError::Precondition(why.into())).into_response()
        } else {
            axum::response::Redirect::to(to).into_response()
        };
    }
    let origin = store::Origin {
        user: user.as_ref().map(|u| u.id),
        name: user
            .as_ref()
            .map_or_else(|| domain::ANONYMOUS.to_owned(), |u| u.display_name.clone()),
        address: ip.map(|a| a.to_string()).unwrap_or_default(),
    };
    req.extensions_mut().insert(Viewer {
        fresh: minted && user.is_none(),
        user,
        actor,
        device: device.clone(),
        vouched,
        care,
    });
    // Every write this request makes is audited as coming from here.
    let mut resp = origin.scope(next.run(req)).await;
    // A page made for one person (or one that signs someone in or out) is
    // never kept by a browser or a proxy for the next.
    if user_signed_in || resp.headers().contains_key(axum::http::header::SET_COOKIE) {
        resp.headers_mut()
            .entry(axum::http::header::CACHE_CONTROL)
            .or_insert(axum::http::HeaderValue::from_static("no-store"));
    }
    if let (true, Some(k)) = (issue, &key) {
        let cookie = Cookie::build((DEVICE_COOKIE, k.sign(&device)))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.config.secure_cookies)
            .max_age(time_days(365 * 3))
            .build();
        let mut resp = resp;
        if let Ok(v) = cookie.to_string().parse() {
            resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
        return resp;
    }
    resp
}

fn time_days(d: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(d)
}

/// The key that signs device cookies, read once from the store.
pub(crate) async fn device_key(state: &AppState) -> Option<&crate::device::DeviceKey> {
    state
        .device_key
        .get_or_try_init(|| async {
            let secret = state.store.secret(crate::device::SECRET_NAME).await?;
            Ok::<_, store::StoreError>(crate::device::DeviceKey::new(&secret))
        })
        .await
        .inspect_err(|e| tracing::error!(error = %e, "device key not read"))
        .ok()
}

/// The like token this viewer gets with topic `no`'s page (see `device::DeviceKey::like_token`).
pub(crate) async fn like_token(state: &AppState, viewer: &Viewer, no: &str) -> Option<String> {
    let key = device_key(state).await?;
    Some(key.like_token(&viewer.liker_key(), no, state.store.clock().now()))
}

/// Carries a topic's like token. It goes beside the page rather than in
/// it, so the page is the same for every visitor and is rendered and
/// compressed once; the browser sends it back only with that topic's like
/// form (`/t/{no}/like`), for as long as the token is good.
pub(crate) const LIKE_COOKIE: &str = "sl_like";

/// The `Set-Cookie` value handing out topic `no`'s like token.
pub(crate) fn like_cookie(
    state: &AppState,
    no: &str,
    token: &str,
) -> Option<axum::http::HeaderValue> {
    let cookie = Cookie::build((LIKE_COOKIE, token.to_owned()))
        .path(format!("/t/{no}"))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::seconds(
            crate::device::LIKE_TOKEN_SECONDS,
        ))
        .build();
    cookie.to_string().parse().ok()
}

/// Where a phone votes from, as `DeviceKey::origin` hashes it.
pub(crate) async fn origin_of(state: &AppState, ip: Option<std::net::IpAddr>) -> Option<String> {
    Some(device_key(state).await?.origin(ip?))
}

/// Refuses a like whose token was not handed to this viewer with this topic's page.
pub(crate) async fn check_like_token(
    state: &AppState,
    viewer: &Viewer,
    no: &str,
    token: &str,
) -> AppResult<()> {
    let key = device_key(state).await.ok_or(AppError::LikeToken)?;
    if key.like_token_valid(token, &viewer.liker_key(), no, state.store.clock().now()) {
        Ok(())
    } else {
        Err(AppError::LikeToken)
    }
}

/// A temporary password: ten letters and digits, none easily confused.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    loop {
        let p: String = (0..10)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        if domain::choose_password(&p, None).is_ok() {
            return p;
        }
    }
}

/// 128 random bits as hex: session tokens, device tokens.
pub fn new_token() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Only hashes of tokens and codes are stored, so a leaked table opens no session.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// argon2id with a random salt, off the async runtime (it is deliberately slow).
pub async fn hash_password(password: domain::Password) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hash: {e}"))
    })
    .await?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Starts a signed-in session for `user` and returns the cookie to set.
pub async fn start_session(state: &AppState, user: domain::UserId) -> AppResult<Cookie<'static>> {
    session_at(state, user, SessionStage::Full).await
}

async fn session_at(
    state: &AppState,
    user: domain::UserId,
    stage: SessionStage,
) -> AppResult<Cookie<'static>> {
    let ttl = match stage {
        SessionStage::AwaitingCode => chrono::Duration::minutes(SECOND_STEP_MINUTES),
        _ => chrono::Duration::hours(state.config.session_hours),
    };
    let token = new_token();
    state
        .store
        .create_session_at(token_hash(&token), user, ttl, stage)
        .await?;
    Ok(session_cookie(state, token, ttl))
}

/// After a right password: a session that waits for the second factor
/// when the person set one up, one that waits for its setup when a region
/// requires it, else a signed-in session. Returns its cookie and stage.
pub async fn sign_in(
    state: &AppState,
    user: domain::UserId,
) -> AppResult<(Cookie<'static>, SessionStage)> {
    let stage = match state.store.second_factor(user).await? {
        Some(f) if f.confirmed => SessionStage::AwaitingCode,
        _ if state.store.second_factor_required(user).await? => SessionStage::AwaitingEnrolment,
        _ => SessionStage::Full,
    };
    if stage != SessionStage::AwaitingCode {
        state.store.record_login_success(user).await?;
    }
    Ok((session_at(state, user, stage).await?, stage))
}

/// Finishes a sign-in whose second factor was just given: the waiting
/// session gives way to a signed-in one; returns its cookie.
pub async fn finish_second_step(state: &AppState, jar: &CookieJar) -> AppResult<Cookie<'static>> {
    let waiting = jar
        .get(SESSION_COOKIE)
        .map(|c| token_hash(c.value()))
        .ok_or(AppError::Unauthorized)?;
    let ttl = chrono::Duration::hours(state.config.session_hours);
    let token = new_token();
    state
        .store
        .complete_second_step(&waiting, token_hash(&token), ttl)
        .await?;
    Ok(session_cookie(state, token, ttl))
}

fn session_cookie(state: &AppState, token: String, ttl: chrono::Duration) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::seconds(ttl.num_seconds()))
        .build()
}

/// The person whose right password waits for a second factor in this browser.
pub async fn awaiting_code(state: &AppState, jar: &CookieJar) -> AppResult<Option<domain::UserId>> {
    let Some(c) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(match state.store.session(&token_hash(c.value())).await? {
        Some((uid, SessionStage::AwaitingCode)) => Some(uid),
        _ => None,
    })
}

/// The second step of a sign-in: a code from the app (or a recovery code)
/// of `user`, throttled like passwords. Returns how it was given.
pub async fn second_step(
    state: &AppState,
    user: domain::UserId,
    code: &str,
    ip: crate::limits::ClientIp,
) -> AppResult<store::FactorUse> {
    state
        .limits
        .check(
            crate::limits::Act::Login,
            &format!(
                "user:{}@{}",
                user.0,
                ip.0.map(|a| a.to_string()).unwrap_or_default()
            ),
            None,
            ip.0,
        )
        .await?;
    if !state.store.count_login_attempt(user).await? {
        return Err(AppError::TooMany(crate::limits::Act::Login.message(1)));
    }
    match state.store.check_second_factor(user, code).await {
        Ok(used) => {
            state.store.record_login_success(user).await?;
            Ok(used)
        }
        Err(store::StoreError::Domain(e)) => {
            state
                .store
                .record_login_failure(Some(user), "", "动态验证码不正确")
                .await?;
            Err(AppError::BadRequest(e.message_zh()))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn end_session(state: &AppState, jar: CookieJar) -> AppResult<CookieJar> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        state.store.delete_session(&token_hash(c.value())).await?;
    }
    Ok(jar.remove(Cookie::build(SESSION_COOKIE).path("/")))
}

/// Checks a username and password ([`sign_in`] then starts the session).
/// Attempts are throttled per address and
/// per (name, address) before anything is looked up, with the same answer
/// for real and unknown names, and counted on the account before the
/// password is checked, so parallel guesses cannot slip past the count.
/// A stranger's failures slow the stranger, not the account's owner.
pub async fn password_login(
    state: &AppState,
    username: &str,
    password: &str,
    ip: crate::limits::ClientIp,
) -> AppResult<domain::UserId> {
    let wrong = || AppError::Refused("用户名或密码不正确".into());
    let name = username.trim().to_lowercase();
    state
        .limits
        .check(
            crate::limits::Act::Login,
            &format!("{name}@{}", ip.0.map(|a| a.to_string()).unwrap_or_default()),
            None,
            ip.0,
        )
        .await?;
    let failed = |uid: Option<domain::UserId>, why: &'static str| async move {
        state.store.record_login_failure(uid, &name, why).await
    };
    let Some((uid, hash)) = state.store.password_of(username.trim()).await? else {
        // Spend the same time as a real check so unknown names are not revealed by timing.
        let _ = verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
        failed(None, "用户名不存在").await?;
        return Err(wrong());
    };
    if !state.store.count_login_attempt(uid).await? {
        let _ = verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
        failed(Some(uid), "尝试过多，暂停中").await?;
        return Err(AppError::TooMany(crate::limits::Act::Login.message(1)));
    }
    let Some(hash) = hash else {
        failed(Some(uid), "账号未设密码").await?;
        return Err(wrong());
    };
    if !verify_password(password.to_owned(), hash).await {
        failed(Some(uid), "密码不正确").await?;
        return Err(wrong());
    }
    if state.store.user(uid).await?.disabled {
        failed(Some(uid), "账号已停用").await?;
        return Err(AppError::BadRequest("账号已停用，请联系管理员".into()));
    }
    Ok(uid)
}

/// A valid argon2id hash of a random string, for constant-time misses.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xq0nLk2N0xH8xWQ1m6l7a3mR9n4c6tO5Yx6cQ4pGk0Q";
