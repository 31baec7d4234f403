//! Folding: make two spellings of the same words compare equal.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// Traditional → simplified, phrase-aware (OpenCC's `t2s` tables, compiled
/// into the binary: no files at run time). `ferrous-opencc` is pure Rust and
/// Apache-2.0 like this project; `zhconv` is GPL and `character_converter`
/// converts character by character only.
static T2S: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).ok());

/// Fold text for matching: traditional → simplified Chinese (停車 → 停车,
/// 井蓋 → 井盖), full-width → half-width, lowercase ASCII, Chinese numerals
/// before a unit → digits (三组 → 3组, 十二栋 → 12栋), and punctuation,
/// symbols, emoji and whitespace dropped. A single space is kept only
/// between two ASCII letters or digits, so `No. 5` stays two words.
pub fn fold(s: &str) -> String {
    let mut narrow = String::with_capacity(s.len());
    for c in s.chars() {
        narrow.push(half_width(c));
    }
    let simplified = match T2S.as_ref() {
        Some(cc) => cc.convert(&narrow),
        None => narrow,
    };
    let mut out = String::with_capacity(simplified.len());
    let mut gap = false;
    for c in simplified.chars() {
        if c.is_alphanumeric() {
            let c = c.to_ascii_lowercase();
            if gap
                && c.is_ascii_alphanumeric()
                && out.ends_with(|p: char| p.is_ascii_alphanumeric())
            {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    numerals_before_units(&out)
}

/// The same characters, one for one, as folding compares them (simplified,
/// half-width, lowercase), when the conversion keeps every character in
/// its place; otherwise `None`. Snippets mark matches in the original text
/// by these positions.
pub(crate) fn folded_chars(s: &str) -> Option<Vec<char>> {
    let narrow: String = s.chars().map(half_width).collect();
    let simplified = match T2S.as_ref() {
        Some(cc) => cc.convert(&narrow),
        None => narrow,
    };
    let out: Vec<char> = simplified.chars().map(|c| c.to_ascii_lowercase()).collect();
    (out.len() == s.chars().count()).then_some(out)
}

/// Full-width ASCII forms (Ｆ, ３, ！) and the ideographic space → ASCII.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Units that number a part of a place: village groups, buildings, entrances,
/// floors. 三组 and 3组 are the same group.
const UNITS: &[char] = &['组', '栋', '幢', '号', '单', '层', '楼'];

/// Rewrite runs of Chinese numerals that stand directly before a unit.
fn numerals_before_units(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && digit_value(chars[i]).is_some() {
            i += 1;
        }
        if i > start {
            let run = &chars[start..i];
            match (chars.get(i), numeral(run)) {
                (Some(u), Some(n)) if UNITS.contains(u) => out.push_str(&n.to_string()),
                _ => out.extend(run),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn digit_value(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// 一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23; anything longer or
/// odd-shaped (一一, 三十十) is left alone.
fn numeral(run: &[char]) -> Option<u32> {
    let v: Vec<u32> = run.iter().filter_map(|&c| digit_value(c)).collect();
    match v.as_slice() {
        [d] => Some(*d),
        [10, d] if *d < 10 => Some(10 + d),
        [t, 10] if (1..10).contains(t) => Some(t * 10),
        [t, 10, d] if (1..10).contains(t) && *d < 10 => Some(t * 10 + d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(fold("停車"), "停车");
        assert_eq!(fold("府前路井蓋破損"), "府前路井盖破损");
        assert_eq!(fold("陳師社區廣場舞噪音擾民"), "陈师社区广场舞噪音扰民");
    }

    #[test]
    fn full_width_and_case() {
        assert_eq!(fold("３号楼"), "3号楼");
        assert_eq!(fold("ＷＩＦＩ信号"), "wifi信号");
        assert_eq!(fold("１２栋（ＳＯＳ）"), "12栋sos");
    }

    #[test]
    fn punctuation_space_and_emoji_dropped() {
        assert_eq!(fold("路灯 不亮！！！😡"), "路灯不亮");
        assert_eq!(fold("No. 5  Building"), "no 5 building");
        assert_eq!(fold("  \t\n"), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn numerals_before_units_become_digits() {
        assert_eq!(fold("朱码村三组"), "朱码村3组");
        assert_eq!(fold("十二栋"), "12栋");
        assert_eq!(fold("二十三号楼"), "23号楼");
        assert_eq!(fold("一直"), "一直");
        assert_eq!(fold("三里村"), "三里村");
    }
}
