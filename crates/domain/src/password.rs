//! A password someone chooses (at a first sign-in, a change, or when an
//! administrator sets one): stricter than what signing in accepts, so
//! accounts made before the rules keep working until their next change.
use crate::{DomainError, Password};

/// Passwords found at the top of every published leak list, Chinese sites'
/// included; a choice among them (ignoring case) is refused.
const COMMON: &[&str] = &[
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "111111",
    "11111111",
    "000000",
    "00000000",
    "888888",
    "88888888",
    "666666",
    "66666666",
    "123123",
    "123123123",
    "654321",
    "987654321",
    "112233",
    "121212",
    "123321",
    "147258369",
    "159357",
    "5201314",
    "520520",
    "1314520",
    "woaini",
    "woaini1314",
    "woaini520",
    "iloveyou",
    "a123456",
    "a12345678",
    "aa123456",
    "abc123",
    "abc12345",
    "abc123456",
    "abcd1234",
    "qq123456",
    "qwerty",
    "qwerty123",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qazwsx",
    "qazwsxedc",
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "admin",
    "admin123",
    "admin888",
    "administrator",
    "root",
    "root123",
    "test1234",
    "letmein",
    "welcome",
    "welcome1",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "shadow",
    "michael",
    "computer",
    "internet",
    "zhang123",
    "wang123456",
    "li123456",
    "aaaaaaaa",
    "abcdefgh",
    "12qwaszx",
    "1a2b3c4d",
    "a1b2c3d4",
    "woshishui",
    "nihao123",
    "huawei123",
    "xiaomi123",
    "changeme",
    "secret",
    "q1w2e3r4",
];

/// A password chosen under the rules: 8 to 128 characters, letters and
/// digits (or other signs) mixed, not a well-known one, not the login name.
pub fn choose_password(raw: &str, username: Option<&str>) -> Result<Password, DomainError> {
    let password = Password::parse(raw)?;
    let lower = raw.to_lowercase();
    let refuse = |m: &str| Err(DomainError::invalid("password", m));
    if COMMON.contains(&lower.as_str()) {
        return refuse("这个密码太常见，容易被猜中，请换一个");
    }
    if username.is_some_and(|u| !u.is_empty() && lower.contains(&u.to_lowercase())) {
        return refuse("密码不能包含用户名");
    }
    let letters = raw.chars().any(char::is_alphabetic);
    let digits = raw.chars().any(|c| c.is_ascii_digit());
    let others = raw.chars().any(|c| !c.is_alphanumeric());
    if u8::from(letters) + u8::from(digits) + u8::from(others) < 2 {
        return refuse("密码需同时包含字母、数字或符号中的两种");
    }
    let first = raw.chars().next();
    if raw.chars().all(|c| Some(c) == first) {
        return refuse("密码不能由同一个字符重复组成");
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_choices_are_refused_with_a_reason() {
        for (raw, why) in [
            ("short1", "8到128"),
            ("12345678", "太常见"),
            ("Password1", "太常见"),
            ("WOAINI1314", "太常见"),
            ("abcdefghij", "两种"),
            ("9876543210", "两种"),
            ("convener-a-2026", "用户名"),
        ] {
            let err = choose_password(raw, Some("convener-a")).unwrap_err();
            assert!(err.message_zh().contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn sound_choices_pass() {
        for raw in ["shangliang2026", "陈师街道2027年", "hua-ting-99"] {
            assert!(choose_password(raw, Some("leader-a")).is_ok(), "{raw}");
        }
    }
}
