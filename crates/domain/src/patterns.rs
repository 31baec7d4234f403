//! The rules of free text and codes written as regular expressions, so the
//! API document can state exactly what a field accepts. The expressions use
//! only syntax that ECMA-262 (with the `u` flag), Python and Rust agree on:
//! `\uXXXX` escapes for the Basic Multilingual Plane, literal characters
//! beyond it.

/// Blanks that trimming removes and that are allowed inside text.
const BLANKS: &str = r" \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000";

/// Characters [`crate::has_hidden_chars`] refuses, or may refuse by their
/// context (a joiner outside emoji, a variation selector, combining marks
/// in long runs): the document refuses them everywhere, which is the safe
/// side of the rule. Control characters other than tab and newlines come
/// separately, as they depend on the field being multi-line.
const HIDDEN: &str = concat!(
    r"\u007f-\u009f\u0300-\u036f\u061c\u115f\u1160\u1ab0-\u1aff\u1dc0-\u1dff",
    r"\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\u20d0-\u20ff\u3164",
    r"\ufe00-\ufe0f\ufe20-\ufe2f\ufeff\uffa0",
    "\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}",
);

const CONTROLS_ONE_LINE: &str = r"\u0000-\u001f";
const CONTROLS_MULTILINE: &str = r"\u0000-\u0008\u000b\u000c\u000e-\u001f";

/// Text as the value types ([`crate::Reason`] and the rest) check it: between `min` and `max` characters
/// once the blanks around it are trimmed, none of them hidden; tabs and
/// line breaks only when `multiline`.
pub fn text_pattern(min: usize, max: usize, multiline: bool) -> String {
    let (controls, breaks) = match multiline {
        true => (CONTROLS_MULTILINE, r"\t\n\r"),
        false => (CONTROLS_ONE_LINE, ""),
    };
    let blank = format!("[{BLANKS}{breaks}]*");
    let visible = format!("[^{BLANKS}{breaks}{controls}{HIDDEN}]");
    let any = format!("[^{controls}{HIDDEN}]");
    let inner = |from: usize| format!("{any}{{{from},{}}}", max.saturating_sub(2));
    let core = match (min, max) {
        (_, 0) => String::new(),
        (0 | 1, 1) => format!("{visible}{}", if min == 0 { "?" } else { "" }),
        (0, _) => format!("(?:{visible}(?:{}{visible})?)?", inner(0)),
        (1, _) => format!("{visible}(?:{}{visible})?", inner(0)),
        _ => format!("{visible}{}{visible}", inner(min - 2)),
    };
    format!("^{blank}{core}{blank}$")
}

/// People typed one per line, each a name with, after a space or in
/// brackets, one of the words [`crate::ParticipantCategory::from_zh`] takes
/// (at most 60 lines).
pub fn participants_pattern() -> String {
    let (_, most, _) = crate::PersonName::LIMITS;
    let separators = r" \u3000（(，,、";
    let name = format!("[^{BLANKS}{separators}）){CONTROLS_ONE_LINE}{HIDDEN}]{{1,{most}}}");
    let words = crate::ParticipantCategory::short_list().replace('、', "|");
    let line = format!("{name}(?:[{separators}](?:{words})[）)]?)?");
    format!("^(?:{line}(?:\n{line}){{0,59}})?$")
}

/// A day that exists on the calendar (29 February left out), as forms send it.
pub const DATE_PATTERN: &str = concat!(
    "^[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])",
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))$"
);

/// A local time to the minute: 2026-12-01T09:30 (or with a space).
pub fn minute_pattern() -> String {
    let day = DATE_PATTERN.trim_start_matches('^').trim_end_matches('$');
    format!("^{day}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]$")
}

/// A 查询码: ten digits, the first not zero.
pub const TRACKING_NO_PATTERN: &str = "^[1-9][0-9]{9}$";

/// A mainland mobile number as the document asks for it (the server also
/// takes spaces and dashes between the digits).
pub const PHONE_PATTERN: &str = "^(?:\\+86)?1[3-9][0-9]{9}$";

/// A record's id as forms send it: digits.
pub const ID_PATTERN: &str = "^[1-9][0-9]{0,14}$";

/// A statistics period as [`crate::Period::parse`] reads it: a year, a
/// quarter, a month or a run of months, in 2000–2099.
pub const PERIOD_PATTERN: &str =
    "^20[0-9]{2}(?:-Q[1-4]|-(?:0[1-9]|1[0-2])(?:~20[0-9]{2}-(?:0[1-9]|1[0-2]))?)?$";

/// Ids separated by commas, as checkboxes send them.
pub fn ids_pattern(most: usize) -> String {
    format!(
        "^(?:[1-9][0-9]{{0,14}}(?:,[1-9][0-9]{{0,14}}){{0,{}}})?$",
        most.saturating_sub(1)
    )
}

/// Codes from `codes`, separated by commas (at least one).
pub fn codes_pattern(codes: &[&str]) -> String {
    let one = codes.join("|");
    format!("^(?:{one})(?:,(?:{one}))*$")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::text;
    use proptest::prelude::*;

    /// Strings the whole pattern matches (the generator takes no anchors).
    fn generate(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
        let inner = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$'));
        proptest::string::string_regex(inner.expect("anchored")).expect("a pattern proptest reads")
    }

    fn matches(pattern: &str, s: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn the_pattern_follows_trimming_and_lengths() {
        let p = text_pattern(2, 5, false);
        assert!(matches(&p, "修路"));
        assert!(matches(&p, "  修一条路  "));
        assert!(matches(&p, "\u{3000}修 路\u{3000}"));
        assert!(!matches(&p, " 修 "), "one character once trimmed");
        assert!(!matches(&p, "修一条新的路"), "six characters");
        assert!(!matches(&p, "修\u{200b}路"), "a zero-width space");
        assert!(!matches(&p, "修\n路"), "a line break in one line");
        assert!(matches(&text_pattern(2, 5, true), "修\n路"));
        let empty = text_pattern(0, 3, false);
        assert!(matches(&empty, "") && matches(&empty, "  ") && matches(&empty, "好"));
        assert!(!matches(&empty, "四个字啊"));
        assert!(!matches(&text_pattern(1, 3, false), " "));
    }

    #[test]
    fn list_patterns() {
        assert!(matches(&ids_pattern(3), "1,22,3"));
        assert!(matches(&ids_pattern(3), ""));
        assert!(!matches(&ids_pattern(3), "1,2,3,4"));
        assert!(!matches(&ids_pattern(3), "1,,2"));
        let methods = codes_pattern(&["visit", "forum"]);
        assert!(matches(&methods, "visit,forum"));
        assert!(!matches(&methods, "visit,"));
        assert!(!matches(&methods, ""));
        assert!(matches(DATE_PATTERN, "2026-12-31") && !matches(DATE_PATTERN, "2026-02-30"));
        assert!(matches(&minute_pattern(), "2026-12-01T09:30"));
        assert!(!matches(&minute_pattern(), "2026-12-01T24:00"));
    }

    #[test]
    fn typed_participants_match_as_they_parse() {
        let p = participants_pattern();
        for ok in ["王建国 行家里手\n李梅（党员）\n张三", "赵六,村民代表", ""]
        {
            assert!(matches(&p, ok), "{ok}");
            assert!(crate::Participant::parse_lines(ok).is_ok(), "{ok}");
        }
        assert!(!matches(&p, "王建国 路人"));
        assert!(crate::Participant::parse_lines("王建国 路人").is_err());
    }

    proptest! {
        /// What the document promises, the rule accepts.
        #[test]
        fn what_matches_is_accepted(
            (min, max, multiline, s) in (0usize..4, 1usize..12, any::<bool>()).prop_flat_map(|(min, extra, m)| {
                let max = min.max(1) + extra;
                (Just(min), Just(max), Just(m), generate(&text_pattern(min, max, m)))
            })
        ) {
            prop_assert!(text("f", "字段", &s, min, max, multiline).is_ok(), "{s:?}");
        }

        /// Lists of people the document promises are taken.
        #[test]
        fn matching_participants_parse(s in generate(&participants_pattern())) {
            prop_assert!(crate::Participant::parse_lines(&s).is_ok(), "{s:?}");
        }

        /// What the rule accepts, the document promises, except the
        /// characters it refuses only in some contexts.
        #[test]
        fn what_is_accepted_matches(s in "\\PC{0,12}", multiline: bool) {
            let context = regex::Regex::new(&format!("[{HIDDEN}]")).unwrap();
            prop_assume!(!context.is_match(&s));
            let accepted = text("f", "字段", &s, 2, 8, multiline).is_ok();
            prop_assert_eq!(accepted, matches(&text_pattern(2, 8, multiline), &s), "{:?}", s);
        }
    }
}
