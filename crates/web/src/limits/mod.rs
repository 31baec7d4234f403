//! Rate limits on what anonymous residents can do many times: submitting,
//! supporting (附议) and asking for sign-in codes — per phone (device
//! token), per phone number and per network address, each with a plain
//! message saying when to try again.
//!
//! Addresses are generous on purpose: mobile networks in China put many
//! residents behind one address. Limits live in this process, or, with
//! `redis_url` set, in Redis where every app node counts together
//! ([`shared`]); without it each node counts its own share.
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;
use crate::error::{AppError, AppResult};

mod shared;
pub use shared::Shared;
use shared::{Counted, Window};

/// What is being limited.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    Submit,
    Support,
    Code,
    /// A device cookie issued to a new phone.
    NewDevice,
    Vote,
    Like,
    Statement,
    /// A password tried: keyed by name and address, and by address.
    Login,
    /// Sign-in codes in a day, per address and per number prefix (号段 and
    /// area: the first seven digits), against texting strangers' phones
    /// at our expense.
    CodeDaily,
}

impl Act {
    /// "…太频繁了，请N分钟后再试", the same for every account, real or not.
    pub fn message(self, minutes: u64) -> String {
        if let Act::CodeDaily = self {
            return "今天获取验证码的次数已达上限，请明天再试".to_owned();
        }
        let what = match self {
            Act::Submit => "提交议题",
            Act::Support => "附议",
            Act::Code => "获取验证码",
            Act::NewDevice => "打开页面",
            Act::Vote => "表态",
            Act::Like => "点赞",
            Act::Statement => "提出观点",
            Act::Login => "登录尝试",
            Act::CodeDaily => "获取验证码",
        };
        format!("{what}太频繁了，请{minutes}分钟后再试")
    }
}

struct Limit {
    device: DefaultKeyedRateLimiter<String>,
    phone: DefaultKeyedRateLimiter<String>,
    ip: DefaultKeyedRateLimiter<IpAddr>,
    /// The same allowances as windows, for counting in Redis: device, phone, address.
    windows: [Window; 3],
}

fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn hourly(allowed: u32) -> Window {
    Window {
        allowed,
        seconds: 3600,
    }
}

/// `n` a day, all of them available at once.
fn per_day(n: u32) -> Quota {
    let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(std::time::Duration::from_secs(86_400 / u64::from(n.get())))
        .unwrap_or_else(|| Quota::per_hour(NonZeroU32::MIN))
        .allow_burst(n)
}

impl Limit {
    fn new(device: u32, phone: u32, ip: u32) -> Limit {
        Limit {
            device: RateLimiter::keyed(per_hour(device)),
            phone: RateLimiter::keyed(per_hour(phone)),
            ip: RateLimiter::keyed(per_hour(ip)),
            windows: [hourly(device), hourly(phone), hourly(ip)],
        }
    }
}

/// The limits of one app process (counted here, or in Redis for all).
pub struct RateLimits {
    enabled: bool,
    shared: Option<Shared>,
    submit: Limit,
    support: Limit,
    code: Limit,
    new_device: Limit,
    vote: Limit,
    like: Limit,
    statement: Limit,
    login: Limit,
    code_daily: Limit,
    checks: AtomicU64,
}

impl RateLimits {
    pub fn new(enabled: bool, shared: Option<Shared>) -> RateLimits {
        RateLimits {
            enabled,
            shared,
            submit: Limit::new(10, 10, 300),
            support: Limit::new(120, 120, 3000),
            code: Limit::new(10, 5, 200),
            // A village behind one carrier address: a few hundred phones an hour.
            new_device: Limit::new(u32::MAX, u32::MAX, 300),
            // A phone answers a deliberation's statements one by one.
            vote: Limit::new(600, 600, 20_000),
            like: Limit::new(60, 60, 3000),
            statement: Limit::new(20, 20, 600),
            // Ten tries an hour for one name from one address; a village's
            // residents share an address, hence the address's larger share.
            login: Limit::new(10, u32::MAX, 100),
            code_daily: Limit {
                device: RateLimiter::keyed(per_day(20)),
                phone: RateLimiter::keyed(per_day(50)),
                ip: RateLimiter::keyed(per_day(60)),
                windows: [20, 50, 60].map(|allowed| Window {
                    allowed,
                    seconds: 86_400,
                }),
            },
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one attempt; refuses it when any of its keys is over its limit.
    pub async fn check(
        &self,
        act: Act,
        device: &str,
        phone: Option<&str>,
        ip: Option<IpAddr>,
    ) -> AppResult<()> {
        if !self.enabled {
            return Ok(());
        }
        let l = self.limit(act);
        if let Some(shared) = &self.shared {
            let [d, p, a] = l.windows;
            let keys: Vec<(String, Window)> = [
                Some((format!("device:{device}"), d)),
                phone.map(|n| (format!("phone:{n}"), p)),
                ip.map(|i| (format!("ip:{i}"), a)),
            ]
            .into_iter()
            .flatten()
            .filter(|(_, w)| w.allowed != u32::MAX)
            .collect();
            match shared.count(&format!("{act:?}"), &keys).await {
                Counted::Allowed => return Ok(()),
                Counted::Over(seconds) => {
                    return Err(AppError::TooMany(act.message(seconds.div_ceil(60).max(1))));
                }
                Counted::Unavailable => {}
            }
        }
        self.check_here(l, act, device, phone, ip)
    }

    fn limit(&self, act: Act) -> &Limit {
        match act {
            Act::Submit => &self.submit,
            Act::Support => &self.support,
            Act::Code => &self.code,
            Act::NewDevice => &self.new_device,
            Act::Vote => &self.vote,
            Act::Like => &self.like,
            Act::Statement => &self.statement,
            Act::Login => &self.login,
            Act::CodeDaily => &self.code_daily,
        }
    }

    /// Counts one attempt in this process.
    fn check_here(
        &self,
        l: &Limit,
        act: Act,
        device: &str,
        phone: Option<&str>,
        ip: Option<IpAddr>,
    ) -> AppResult<()> {
        if self
            .checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(4096)
        {
            for l in [
                &self.submit,
                &self.support,
                &self.code,
                &self.new_device,
                &self.vote,
                &self.like,
                &self.statement,
                &self.login,
                &self.code_daily,
            ] {
                l.device.retain_recent();
                l.phone.retain_recent();
                l.ip.retain_recent();
            }
        }
        let now = DefaultClock::default().now();
        let refused = l
            .device
            .check_key(&device.to_owned())
            .err()
            .or_else(|| phone.and_then(|p| l.phone.check_key(&p.to_owned()).err()))
            .or_else(|| ip.and_then(|a| l.ip.check_key(&a).err()));
        match refused {
            None => Ok(()),
            Some(not_until) => {
                let minutes = not_until.wait_time_from(now).as_secs().div_ceil(60).max(1);
                Err(AppError::TooMany(act.message(minutes)))
            }
        }
    }
}

/// The network address a request came from: the peer, or — behind a
/// trusted reverse proxy — the address that proxy appended last.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        Ok(client_ip(
            &parts.headers,
            &parts.extensions,
            state.config.trust_forwarded_for,
        ))
    }
}

/// The address a request came from (see [`ClientIp`]).
pub fn client_ip(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_forwarded_for: bool,
) -> ClientIp {
    if trust_forwarded_for
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back()
    {
        return ClientIp(Some(ip));
    }
    ClientIp(
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    )
}
