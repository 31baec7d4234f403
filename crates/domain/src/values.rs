//! Parsed value types: each can only exist valid, so handlers and the store
//! never see a too-long title or a malformed phone number.
use serde::{Serialize, Serializer};

use crate::DomainError;
use crate::labels::labelled;

/// Characters that hide or reorder text: refused in everything people write.
fn is_sneaky(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2060}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Pictographs that a zero-width joiner may legitimately glue together (👨‍👩‍👧).
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27BF}' | '\u{1F000}'..='\u{1FAFF}' | '\u{FE0F}')
}

/// A combining mark (accents stacked on the character before).
fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// A variation selector: picks a glyph of the character before (emoji
/// style ❤️, a keycap 1️⃣, a variant of a character in a name 葛󠄀).
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Tag characters: invisible, allowed only in the flag sequences that start with 🏴.
fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// Characters that render as blank but are not spaces: Hangul fillers.
fn is_filler(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// More combining marks on one character than any script needs: "Zalgo" text
/// that spills over the lines around it.
const MAX_COMBINING_RUN: usize = 16;

/// Whether free text contains characters that hide or reorder what people
/// read (bidi controls, zero-width characters; a joiner only between emoji),
/// invisible ones (tags outside a flag, Hangul fillers, a variation
/// selector with nothing to vary, line and paragraph separators), runs of
/// stacked combining marks, or control characters (newlines and tabs
/// allowed when `multiline`).
pub fn has_hidden_chars(s: &str, multiline: bool) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let mut combining_run = 0;
    chars.iter().enumerate().any(|(i, &c)| {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        combining_run = if is_combining(c) {
            combining_run + 1
        } else {
            0
        };
        if combining_run > MAX_COMBINING_RUN {
            return true;
        }
        if c == '\u{200D}' {
            let after = chars.get(i + 1).copied();
            return !(before.is_some_and(is_pictograph) && after.is_some_and(is_pictograph));
        }
        if is_tag(c) {
            // Only inside a flag: 🏴 followed by tags up to the cancel tag.
            let base = chars[..i].iter().rev().find(|x| !is_tag(**x));
            return base != Some(&'\u{1F3F4}');
        }
        if is_variation_selector(c) {
            // One selector, right after a visible character.
            return before.is_none_or(|b| {
                b.is_whitespace() || b.is_control() || is_variation_selector(b) || is_combining(b)
            });
        }
        is_sneaky(c)
            || is_filler(c)
            || matches!(c, '\u{2028}' | '\u{2029}')
            || (c.is_control() && !(multiline && matches!(c, '\n' | '\t' | '\r')))
    })
}

/// A text field's fewest and most characters once trimmed, and whether it
/// takes line breaks.
pub type Limits = (usize, usize, bool);

/// [`text`] with the field's [`Limits`].
pub(crate) fn limited(
    field: &'static str,
    label: &str,
    raw: &str,
    (min, max, multiline): Limits,
) -> Result<String, DomainError> {
    text(field, label, raw, min, max, multiline)
}

pub(crate) fn text(
    field: &'static str,
    label: &str,
    raw: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n < min || n > max {
        let msg = if min == 0 {
            format!("{label}不能超过{max}字")
        } else if min == 1 {
            format!("请填写{label}（不超过{max}字）")
        } else {
            format!("{label}需要{min}到{max}个字")
        };
        return Err(DomainError::invalid(field, msg));
    }
    if has_hidden_chars(s, multiline) {
        return Err(DomainError::invalid(
            field,
            format!("{label}含有不允许的字符"),
        ));
    }
    Ok(s.to_owned())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $field:literal, $label:literal, $min:expr, $max:expr, $multi:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The fewest and most characters once trimmed, and whether line breaks are allowed.
            pub const LIMITS: $crate::values::Limits = ($min, $max, $multi);

            /// Trims the text, then checks its length and characters (errors in Chinese).
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                text($field, $label, raw, $min, $max, $multi).map($name)
            }
            /// The trimmed text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

text_type!(/// A topic's title: 4 to 60 characters, one line.
    TopicTitle, "title", "标题", 4, 60, false);
text_type!(/// What the submitter says about the problem.
    TopicBody, "body", "具体情况", 1, 5000, true);
text_type!(/// Why something is refused or returned; the other side sees it.
    Reason, "reason", "理由", 2, 500, true);
text_type!(/// A research record, an opinion, a progress report.
    Note, "note", "内容", 2, 5000, true);
text_type!(/// Leadership's 批示 on a reviewed topic; may be left empty.
    Instructions, "instructions", "批示", 0, 2000, true);
text_type!(/// What a resident says with a rating; may be left empty.
    RatingComment, "comment", "评价", 0, 500, true);
text_type!(/// What a department is asked to do, in a line.
    TaskTitle, "title", "任务名称", 2, 100, false);
text_type!(/// Who took part in a research visit, as typed.
    Participants, "participants", "参加人员", 0, 200, false);
text_type!(/// A deliberation meeting's name.
    MeetingTitle, "title", "会议名称", 2, 60, false);
text_type!(/// 部分采纳: the part of an opinion adopted, as the tasks will carry it out.
    AdoptedPart, "part", "采纳部分", 2, 500, true);
text_type!(/// A person's name as shown on the timeline.
    PersonName, "name", "姓名", 1, 32, false);

/// A mainland mobile number, kept as its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// A mainland mobile number; spaces, dashes and a +86 prefix are dropped.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("phone", "请输入正确的11位手机号");
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let digits = cleaned
            .strip_prefix("+86")
            .or_else(|| cleaned.strip_prefix("86").filter(|d| d.len() == 11))
            .unwrap_or(&cleaned);
        let b = digits.as_bytes();
        if b.len() != 11
            || !b.iter().all(u8::is_ascii_digit)
            || b[0] != b'1'
            || !(b'3'..=b'9').contains(&b[1])
        {
            return Err(bad());
        }
        Ok(PhoneNumber(digits.to_owned()))
    }

    /// The 11 digits, unmasked.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "138****5678", for showing without revealing.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// 查询码: ten digits a resident can read out over the phone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingNo(String);

impl TrackingNo {
    /// Ten digits, not starting with 0, as a resident types them.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let b = s.as_bytes();
        if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) || b[0] == b'0' {
            return Err(DomainError::invalid("tracking_no", "查询码是10位数字"));
        }
        Ok(TrackingNo(s.to_owned()))
    }

    /// The 查询码 for a ten-digit number; `None` for any other.
    pub fn from_number(n: u64) -> Option<Self> {
        (1_000_000_000..=9_999_999_999)
            .contains(&n)
            .then(|| TrackingNo(n.to_string()))
    }

    /// The ten digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A room's permanent short code, printed under its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoomCode(String);

impl RoomCode {
    /// 3 to 16 lowercase letters, digits or hyphens, not starting with a hyphen; case is folded.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=16).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && s.bytes().next().is_some_and(|b| b != b'-');
        if !ok {
            return Err(DomainError::invalid(
                "code",
                "议事室代码为3到16位小写字母、数字或连字符",
            ));
        }
        Ok(RoomCode(s))
    }

    /// The code, in lowercase.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An official's login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// 3 to 32 ASCII letters, digits, `_`, `.` or `-`, trimmed.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let ok = (3..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !ok {
            return Err(DomainError::invalid(
                "username",
                "用户名为3到32位字母、数字或 _ . -",
            ));
        }
        Ok(Username(s.to_owned()))
    }

    /// The trimmed name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    )*};
}
display_str!(TrackingNo, RoomCode, Username);

/// A password on its way to being hashed; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// 8 to 128 characters, taken as typed (not trimmed).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let n = raw.chars().count();
        if !(8..=128).contains(&n) {
            return Err(DomainError::invalid("password", "密码需要8到128个字符"));
        }
        Ok(Password(raw.to_owned()))
    }

    /// The plain text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

labelled!(
    /// A resident's verdict on a result.
    Satisfaction {
        Satisfied => "satisfied", "满意";
        Basic => "basic", "基本满意";
        Unsatisfied => "unsatisfied", "不满意";
    }
);

impl Satisfaction {
    /// Satisfied or basically satisfied; anything less reopens the topic.
    pub fn is_satisfied(&self) -> bool {
        matches!(self, Satisfaction::Satisfied | Satisfaction::Basic)
    }
}

labelled!(
    /// What a follow-up check (跟踪问效) found weeks after completion.
    FollowUpOutcome {
        Effective => "effective", "效果良好";
        Partial => "partial", "基本有效";
        Ineffective => "ineffective", "没有效果";
    }
);

labelled!(
    /// The leadership's decision on a consultation opinion (上会研究).
    Decision {
        Adopt => "adopt", "采纳";
        PartlyAdopt => "partly_adopt", "部分采纳";
        NotAdopt => "not_adopt", "不予采纳";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            TopicTitle::parse("  府前路破损井盖修缮 ").unwrap().as_str(),
            "府前路破损井盖修缮"
        );
        assert!(TopicTitle::parse("井盖").is_err());
        assert!(TopicTitle::parse(&"路".repeat(61)).is_err());
        assert!(TopicTitle::parse(&"路".repeat(60)).is_ok());
        for bad in [
            "路灯\u{200B}不亮",
            "路灯\u{202E}不亮",
            "路灯\0不亮",
            "路灯\n不亮了",
        ] {
            let e = TopicTitle::parse(bad).unwrap_err();
            assert!(
                matches!(e, DomainError::Invalid { field: "title", .. }),
                "{bad:?}"
            );
        }
        assert!(
            TopicTitle::parse("abc")
                .unwrap_err()
                .message_zh()
                .contains("4到60")
        );
    }

    #[test]
    fn joiners_only_between_emoji() {
        assert!(TopicTitle::parse("全家\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}点赞").is_ok());
        assert!(TopicTitle::parse("路灯\u{200D}不亮了").is_err());
        assert!(TopicTitle::parse("路灯\u{061C}不亮了").is_err());
    }

    #[test]
    fn bodies_keep_lines() {
        assert!(TopicBody::parse("第一行\n第二行").is_ok());
        assert!(TopicBody::parse("   ").is_err());
        assert!(TopicBody::parse("x\u{0007}").is_err());
        assert!(Reason::parse("好").is_err());
        assert!(Note::parse("已完成").is_ok());
    }

    #[test]
    fn phones() {
        for ok in [
            "13800138000",
            "+86 138 0013 8000",
            "86-138-0013-8000",
            "19912345678",
        ] {
            assert_eq!(PhoneNumber::parse(ok).unwrap().as_str().len(), 11, "{ok}");
        }
        for bad in [
            "12345678901",
            "1380013800",
            "138001380000",
            "23800138000",
            "1380013800a",
            "",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PhoneNumber::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
    }

    #[test]
    fn tracking_numbers() {
        assert!(TrackingNo::parse("1234567890").is_ok());
        assert!(TrackingNo::parse("0234567890").is_err());
        assert!(TrackingNo::parse("123456789").is_err());
        assert!(TrackingNo::parse("12345678901").is_err());
        assert_eq!(TrackingNo::from_number(999_999_999), None);
        assert_eq!(
            TrackingNo::from_number(1_000_000_000).unwrap().as_str(),
            "1000000000"
        );
    }

    #[test]
    fn codes_names_passwords() {
        assert_eq!(
            RoomCode::parse("ChenShi-Cun").unwrap().as_str(),
            "chenshi-cun"
        );
        assert!(
            RoomCode::parse("-abc").is_err()
                && RoomCode::parse("ab").is_err()
                && RoomCode::parse("陈师").is_err()
        );
        assert!(Username::parse("leader.chenshi").is_ok() && Username::parse("李四").is_err());
        assert!(Password::parse("short").is_err());
        assert_eq!(
            format!("{:?}", Password::parse("long enough").unwrap()),
            "***"
        );
        assert!(Satisfaction::Basic.is_satisfied() && !Satisfaction::Unsatisfied.is_satisfied());
        assert_eq!(Decision::parse("partly_adopt"), Some(Decision::PartlyAdopt));
    }
}
