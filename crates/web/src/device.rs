//! Phones the server vouches for. A resident without an account is known by
//! a device token the server issues in a cookie, signed with a key every
//! app node shares (`Store::secret`), so a script cannot invent new
//! participants by making up tokens: each one must be fetched from the
//! server, which limits how many one address may get (`limits::Act::NewDevice`).
//! Votes, likes, supports and statements count only from a vouched phone
//! or a signed-in account.
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The name the signing key is kept under (`Store::secret`).
pub const SECRET_NAME: &str = "device_cookie";

/// The key that signs device cookies.
pub struct DeviceKey(Vec<u8>);

/// Hex characters of the signature kept in the cookie (128 bits).
const SIG_HEX: usize = 32;

impl DeviceKey {
    /// The key from its stored hex form.
    pub fn new(secret: &str) -> DeviceKey {
        DeviceKey(secret.as_bytes().to_vec())
    }

    fn signature(&self, message: &str) -> String {
        // HMAC takes a key of any length; this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(message.as_bytes());
        let full = hex::encode(mac.finalize().into_bytes());
        full[..SIG_HEX].to_owned()
    }

    fn signed(&self, message: &str, sig: &str) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return false;
        };
        mac.update(message.as_bytes());
        // The library compares in constant time.
        sig.len() * 2 == SIG_HEX && mac.verify_truncated_left(&sig).is_ok()
    }

    /// A like token: lets `liker` like topic `no` until `now` + [`LIKE_TOKEN_SECONDS`].
    /// Handed out with the topic's page, so a like needs the page first.
    pub fn like_token(&self, liker: &str, no: &str, now: DateTime<Utc>) -> String {
        let expires = now.timestamp() + LIKE_TOKEN_SECONDS;
        let sig = self.signature(&like_message(liker, no, expires));
        format!("{expires}.{sig}")
    }

    /// Whether `token` was issued to `liker` for topic `no` and is still good at `now`.
    pub fn like_token_valid(&self, token: &str, liker: &str, no: &str, now: DateTime<Utc>) -> bool {
        let Some((expires, sig)) = token.split_once('.') else {
            return false;
        };
        let Ok(expires) = expires.parse::<i64>() else {
            return false;
        };
        let left = expires - now.timestamp();
        (0..=LIKE_TOKEN_SECONDS).contains(&left)
            && self.signed(&like_message(liker, no, expires), sig)
    }

    /// The cookie value for a token: `token.signature`.
    pub fn sign(&self, token: &str) -> String {
        format!("{token}.{}", self.signature(token))
    }

    /// A phone's network, as a keyed hash: the address for IPv4, its /64 for
    /// IPv6 (one household or phone). Bursts are found by it; the address
    /// itself is not kept.
    pub fn origin(&self, ip: std::net::IpAddr) -> String {
        let network = match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        };
        self.signature(&format!("origin|{network}"))
    }

    /// A signature of a message tagged with its purpose (an invitation's
    /// link, a door code, a door pass), so one can never pass for another.
    pub fn seal(&self, message: &str) -> String {
        self.signature(message)
    }

    /// Whether `sig` is this server's signature of `message`.
    pub fn sealed(&self, message: &str, sig: &str) -> bool {
        self.signed(message, sig)
    }

    /// The token of a cookie this server signed, if it is one.
    pub fn verify(&self, value: &str) -> Option<String> {
        let (token, sig) = value.split_once('.')?;
        (is_token(token) && self.signed(token, sig)).then(|| token.to_owned())
    }
}

/// How long a like token stays good: long enough to read the page first.
pub const LIKE_TOKEN_SECONDS: i64 = 2 * 3600;

/// What a like token signs: who, which topic, until when.
fn like_message(liker: &str, no: &str, expires: i64) -> String {
    format!("like|{liker}|{no}|{expires}")
}

/// A device token as the server makes them: 32 hex characters.
pub fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cookies_this_key_signed_are_vouched_for() {
        let key = DeviceKey::new("a-shared-secret");
        let token = "0123456789abcdef0123456789abcdef";
        let cookie = key.sign(token);
        assert_eq!(key.verify(&cookie).as_deref(), Some(token));
        // An invented token, a bare one, a tampered signature, another key.
        assert_eq!(key.verify(token), None);
        let forged = format!("{}.{}", "f".repeat(32), &cookie[33..]);
        assert_eq!(key.verify(&forged), None);
        assert_eq!(DeviceKey::new("another").verify(&cookie), None);
        assert_eq!(key.verify("x.y"), None);
    }

    #[test]
    fn a_like_token_is_for_one_liker_one_topic_and_two_hours() {
        let key = DeviceKey::new("a-shared-secret");
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T09:00:00+08:00")
            .unwrap()
            .to_utc();
        let t = key.like_token("d:abc", "2026000001", now);
        assert!(key.like_token_valid(&t, "d:abc", "2026000001", now));
        let later = now + chrono::Duration::seconds(LIKE_TOKEN_SECONDS);
        assert!(key.like_token_valid(&t, "d:abc", "2026000001", later));
        assert!(!key.like_token_valid(
            &t,
            "d:abc",
            "2026000001",
            later + chrono::Duration::seconds(1)
        ));
        assert!(!key.like_token_valid(&t, "d:xyz", "2026000001", now));
        assert!(!key.like_token_valid(&t, "d:abc", "2026000002", now));
        assert!(!DeviceKey::new("another").like_token_valid(&t, "d:abc", "2026000001", now));
        // A far-future expiry is not one the server would have issued.
        let forged = format!("{}.{}", now.timestamp() + 10 * LIKE_TOKEN_SECONDS, &t[11..]);
        assert!(!key.like_token_valid(&forged, "d:abc", "2026000001", now));
        assert!(!key.like_token_valid("", "d:abc", "2026000001", now));
    }
}
