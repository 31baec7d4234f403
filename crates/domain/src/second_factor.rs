//! The second factor (动态验证码) an official may add to their password: an
//! authenticator app on their phone (RFC 6238: SHA-1, six digits, 30-second
//! steps, one step either side for a slow hand or clock), and recovery codes
//! for a lost phone. A region can require it of every official working in
//! it. The time is passed in, so tests walk through minutes at once.
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

use crate::{DomainError, RegionPath};

/// The name authenticator apps show above the code.
pub const ISSUER: &str = "商量";
/// Recovery codes handed out at a time; each opens one sign-in.
pub const RECOVERY_CODES: usize = 10;
/// Letters of a recovery code: lower case and digits, none easily confused.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in a recovery code (shown as two groups of five).
pub const RECOVERY_LENGTH: usize = 10;
/// Bytes of a new key: 160 bits, as RFC 4226 recommends.
pub const KEY_BYTES: usize = 20;

/// The shared key behind an official's codes.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpKey(Vec<u8>);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

impl TotpKey {
    /// A key from random bytes (the caller draws them).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> TotpKey {
        TotpKey(bytes.to_vec())
    }

    /// A key as stored (base32).
    pub fn parse(base32: &str) -> Result<TotpKey, DomainError> {
        let bytes = Secret::try_from_base32(base32)
            .map_err(|_| DomainError::invalid("secret", "动态验证码密钥已损坏"))?;
        if bytes.as_bytes().len() < 16 {
            return Err(DomainError::invalid("secret", "动态验证码密钥太短"));
        }
        Ok(TotpKey(bytes.as_bytes().to_vec()))
    }

    /// The key in base32, for storing and for typing into an app by hand.
    pub fn base32(&self) -> String {
        Secret::from(self.0.clone()).to_base32()
    }

    /// The key in groups of four, easier to type by hand.
    pub fn base32_grouped(&self) -> String {
        let b = self.base32();
        let groups: Vec<&str> = b
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or(""))
            .collect();
        groups.join(" ")
    }

    fn totp(&self, account: &str) -> Totp {
        let account: String = account.chars().filter(|c| *c != ':').collect();
        Builder::new()
            .with_secret(self.0.clone())
            .with_issuer(Some(ISSUER))
            .with_account_name(if account.is_empty() {
                "official".to_owned()
            } else {
                account
            })
            .build()
            .expect("a 160-bit key and six digits make a valid TOTP")
    }

    /// The `otpauth://` address an app reads from the enrolment QR code.
    pub fn enrol_url(&self, account: &str) -> String {
        self.totp(account)
            .to_url()
            .expect("issuer and account have no colon")
    }

    /// The code an app shows at `now` (for tests and the command line).
    pub fn code_at(&self, now: DateTime<Utc>) -> String {
        self.totp("").generate(seconds(now)).to_string()
    }

    /// The time step a typed code belongs to, when it is valid at `now`
    /// and later than the last one accepted: RFC 6238 §5.2 — each code
    /// opens one sign-in, so one read over a shoulder opens nothing.
    pub fn accept(
        &self,
        code: &str,
        now: DateTime<Utc>,
        last_step: Option<i64>,
    ) -> Result<i64, DomainError> {
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = self
            .totp("")
            .check(&typed, seconds(now))
            .and_then(|s| i64::try_from(s).ok())
            .ok_or_else(|| DomainError::invalid("code", "动态验证码不正确或已过期"))?;
        if last_step.is_some_and(|last| step <= last) {
            return Err(DomainError::invalid(
                "code",
                "这个动态验证码已经用过，请等下一个",
            ));
        }
        Ok(step)
    }
}

fn seconds(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

/// Whether what was typed is an app's code (six digits) rather than a recovery code.
pub fn is_app_code(typed: &str) -> bool {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())
}

/// A recovery code as typed (any case, spaces or dashes) in its stored form,
/// or `None` when it cannot be one.
pub fn recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_LENGTH && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

/// What is stored of a recovery code: its hash, so a leaked table opens nothing.
pub fn recovery_code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(format!("recovery:{code}").as_bytes()))
}

/// A recovery code as shown: two groups of five.
pub fn recovery_code_shown(code: &str) -> String {
    if code.len() == RECOVERY_LENGTH {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_owned()
    }
}

/// Whether an official must use a second factor: some region covering any
/// place they work in (or their home region) requires it. A region below
/// cannot waive what one above requires. Residents are never asked.
pub fn second_factor_required(
    rules: &[(RegionPath, bool)],
    places: &[RegionPath],
    official: bool,
) -> bool {
    official
        && rules
            .iter()
            .filter(|(_, on)| *on)
            .any(|(r, _)| places.iter().any(|p| r.covers(p)))
}

/// Turning the second factor off: refused while a region requires it.
pub fn may_turn_off_second_factor(required: bool) -> Result<(), DomainError> {
    if required {
        Err(DomainError::Precondition(
            "您所在的地区要求官员账号使用动态验证码，不能关闭".into(),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionId;
    use chrono::TimeZone;

    fn rfc_key() -> TotpKey {
        TotpKey::from_bytes(*b"12345678901234567890")
    }

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn codes_match_rfc_6238() {
        // RFC 6238 appendix B (SHA-1), last six of its eight digits.
        assert_eq!(rfc_key().code_at(at(59)), "287082");
        assert_eq!(rfc_key().code_at(at(1_111_111_109)), "081804");
        assert_eq!(rfc_key().code_at(at(2_000_000_000)), "279037");
    }

    #[test]
    fn a_code_is_good_one_step_either_side_and_only_once() {
        let key = rfc_key();
        let now = at(1_700_000_000);
        let code = key.code_at(now);
        let step = key.accept(&code, now, None).unwrap();
        assert_eq!(step, 1_700_000_000 / 30);
        assert_eq!(
            key.accept(&code, now + chrono::Duration::seconds(30), None),
            Ok(step)
        );
        assert!(
            key.accept(&code, now + chrono::Duration::seconds(90), None)
                .is_err()
        );
        let again = key.accept(&code, now, Some(step)).unwrap_err();
        assert!(again.message_zh().contains("用过"));
        assert!(key.accept("000000x", now, None).is_err());
        assert_eq!(
            key.accept(&format!(" {} ", &code), now, Some(step - 1)),
            Ok(step)
        );
    }

    #[test]
    fn keys_survive_base32_and_the_enrolment_address() {
        let key = rfc_key();
        assert_eq!(TotpKey::parse(&key.base32()).unwrap(), key);
        assert!(TotpKey::parse("AAAA").is_err());
        let url = key.enrol_url("zhang:san");
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&key.base32()), "{url}");
        assert!(key.base32_grouped().contains(' '));
    }

    #[test]
    fn recovery_codes_are_read_forgivingly() {
        assert_eq!(recovery_code(" ABCDE-fghjk "), Some("abcdefghjk".into()));
        assert_eq!(recovery_code("abcde"), None);
        assert_eq!(recovery_code("abcde-fghj1"), None, "1 is never used");
        assert!(is_app_code("123 456"));
        assert!(!is_app_code("abcde-fghjk"));
        assert_eq!(recovery_code_shown("abcdefghjk"), "abcde-fghjk");
        assert_ne!(
            recovery_code_hash("abcdefghjk"),
            recovery_code_hash("abcdefghjm")
        );
    }

    #[test]
    fn a_region_above_cannot_be_waived_below() {
        let p = |ids: &[i64]| RegionPath(ids.iter().map(|i| RegionId(*i)).collect());
        let rules = [(p(&[1]), true), (p(&[1, 2]), false)];
        assert!(second_factor_required(&rules, &[p(&[1, 2, 3])], true));
        assert!(!second_factor_required(&rules, &[p(&[1, 2, 3])], false));
        assert!(!second_factor_required(&rules, &[p(&[9])], true));
        assert!(!second_factor_required(
            &[(p(&[1]), false)],
            &[p(&[1])],
            true
        ));
        assert!(may_turn_off_second_factor(true).is_err());
        assert!(may_turn_off_second_factor(false).is_ok());
    }
}
