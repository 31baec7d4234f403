//! Phones the server vouches for. A resident without an account is known by
//! a device token the server issues in a cookie, signed with a key every
//! app node shares (`Store::secret`), so a script cannot invent new
//! participants by making up tokens: each one must be fetched from the
//! server, which limits how many one address may get (`limits::Act::NewDevice`).
//! Votes, likes, supports and statements count only from a vouched phone
//! or a signed-in account.
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

    fn signature(&self, token: &str) -> String {
        // HMAC takes a key of any length; this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(token.as_bytes());
        let full = hex::encode(mac.finalize().into_bytes());
        full[..SIG_HEX].to_owned()
    }

    /// The cookie value for a token: `token.signature`.
    pub fn sign(&self, token: &str) -> String {
        format!("{token}.{}", self.signature(token))
    }

    /// The token of a cookie this server signed, if it is one.
    pub fn verify(&self, value: &str) -> Option<String> {
        let (token, sig) = value.split_once('.')?;
        if !is_token(token) || sig.len() != SIG_HEX {
            return None;
        }
        let sig = hex::decode(sig).ok()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).ok()?;
        mac.update(token.as_bytes());
        // The library compares in constant time.
        mac.verify_truncated_left(&sig).ok()?;
        Some(token.to_owned())
    }
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
}
