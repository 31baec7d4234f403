//! What a topic is about (its problem) and where (its place).
//!
//! Residents name one problem in many ways (路灯不亮, 晚上一片漆黑, 灯坏了),
//! and two topics at one place share its name's characters whatever their
//! problem. So the problem words are mapped to shared concepts that weigh
//! most, and the place is compared on its own: same problem at two places is
//! two topics.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::tokens::is_stop_char;

/// Problem concepts (`data/concepts.txt`): each the ways residents name
/// one problem, simplified as after [`crate::fold`]; a topic may hit
/// several. Grow it from real topics: a problem word missing there still
/// counts through words and character pairs, only less.
static CONCEPTS: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::read(include_str!("../data/concepts.txt")));

/// Things residents call by several names (`data/synonyms.txt`): 水渠 and
/// 沟渠, 养猪场 and 养殖场, 公交站 and 站台. Objects, not problems: two
/// topics about one object may still be two problems.
static SYNONYMS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::read(SYNONYMS_TEXT));

/// The synonym table as shipped: its groups' numbers are search terms.
pub(crate) const SYNONYMS_TEXT: &str = include_str!("../data/synonyms.txt");

/// Groups of words, each word found in folded text as its group's id.
struct Lexicon {
    /// Every word, overlapping ones included (公交站牌: 公交站 and 站牌).
    matcher: Option<AhoCorasick>,
    /// The longest word at each place, for cutting a query into words.
    longest: Option<AhoCorasick>,
    /// The group of each word given to the matcher, in its order.
    ids: Vec<u16>,
    /// Each group's words.
    groups: Vec<Vec<String>>,
    /// Groups named 「…（通用）」: kinds of trouble any object can have
    /// (坏了, 涨价), which say a topic names a problem but not which.
    generic: Vec<bool>,
}

impl Lexicon {
    /// One group a line, its words separated by spaces, after an optional
    /// name and a colon (「照明：路灯 不亮 …」); `#` starts a comment.
    fn read(text: &str) -> Lexicon {
        let mut words = Vec::new();
        let mut ids = Vec::new();
        let mut groups = Vec::new();
        let mut generic = Vec::new();
        let lines = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim())
            .filter(|l| !l.is_empty());
        for (id, line) in lines.enumerate() {
            let (name, forms) = line.split_once(['：', ':']).unwrap_or(("", line));
            generic.push(name.contains("（通用）"));
            for w in forms.split_whitespace() {
                words.push(w);
                ids.push(u16::try_from(id).unwrap_or(u16::MAX));
            }
            groups.push(forms.split_whitespace().map(str::to_owned).collect());
        }
        Lexicon {
            matcher: AhoCorasick::new(&words).ok(),
            longest: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&words)
                .ok(),
            ids,
            groups,
            generic,
        }
    }

    /// The longest words in `folded` text, left to right and not
    /// overlapping: (first character, past the last, group id).
    fn spans(&self, folded: &str) -> Vec<(usize, usize, u16)> {
        let Some(ac) = &self.longest else {
            return Vec::new();
        };
        let char_at = |byte: usize| folded[..byte].chars().count();
        ac.find_iter(folded)
            .map(|m| {
                let id = self.ids[m.pattern().as_usize()];
                (char_at(m.start()), char_at(m.end()), id)
            })
            .collect()
    }

    /// Ids of the groups named in `folded` text, sorted, without repeats.
    fn find(&self, folded: &str) -> Vec<u16> {
        let Some(ac) = &self.matcher else {
            return Vec::new();
        };
        let mut out: Vec<u16> = ac
            .find_overlapping_iter(folded)
            .map(|m| self.ids[m.pattern().as_usize()])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Whether a concept is a kind of trouble any object can have (坏了):
/// two titles sharing only such a concept are not yet about one problem.
pub(crate) fn is_generic_concept(id: u16) -> bool {
    CONCEPTS
        .generic
        .get(usize::from(id))
        .copied()
        .unwrap_or(false)
}

/// Concept ids named in `folded` text, sorted, without repeats.
pub(crate) fn concepts(folded: &str) -> Vec<u16> {
    CONCEPTS.find(folded)
}

/// Synonym groups named in `folded` text, sorted, without repeats.
pub(crate) fn synonyms(folded: &str) -> Vec<u16> {
    SYNONYMS.find(folded)
}

/// The things a query names, longest first where names overlap: (first
/// character, past the last, group).
pub(crate) fn synonym_spans(folded: &str) -> Vec<(usize, usize, u16)> {
    SYNONYMS.spans(folded)
}

/// Every name of the thing a search term (`同义12`) stands for; `None` for
/// any other term.
pub(crate) fn synonym_words(term: &str) -> Option<Vec<String>> {
    let group: u16 = term.strip_prefix("同义")?.parse().ok()?;
    SYNONYMS.groups.get(usize::from(group)).cloned()
}

/// The search term that stands for every name of a thing (`同义12`): one
/// term for 水渠, 沟渠 and 排水沟 alike.
pub(crate) fn synonym_term(group: u16) -> String {
    format!("同义{group}")
}

/// Endings of place names, longest first where one ends another.
#[rustfmt::skip]
const PLACE_SUFFIXES: &[&str] = &[
    "农贸市场", "菜市场", "幼儿园", "社区", "小区", "花园", "家园", "华庭", "大道", "大街", "小学", "中学", "市场", "新村", "村",
    "路", "街", "巷", "苑",
];

/// Two characters that stand before a place suffix without naming a place
/// (老旧小区, 走到马路, 本村).
#[rustfmt::skip]
const NOT_PLACE_NAMES: &[&str] = &[
    "老旧", "整个", "这个", "那个", "我们", "附近", "周边", "隔壁", "门口", "农贸", "本村", "全村", "各个", "所在", "居住",
    "城市", "乡村", "农村", "其他", "别的", "一个", "新建",
];

/// Common words made of one character and a place suffix (马路, 农村, 逛街,
/// 本小区): seen right before the suffix, that character is not the end of a
/// name.
#[rustfmt::skip]
const SUFFIX_WORDS: &[&str] = &[
    "马路", "道路", "公路", "农路", "土路", "小路", "大路", "主路", "村路", "过路", "走路", "修路", "铺路", "出路", "泥路",
    "线路", "岔路", "半路", "一路", "让路", "上路", "条路", "段路", "去路", "来路", "通路", "山路", "老路", "回路", "堵路",
    "挡路", "绕路", "进路", "农村", "乡村", "本村", "全村", "该村", "各村", "邻村", "进村", "出村", "回村", "整村", "逛街",
    "沿街", "临街", "上街", "满街", "本小区", "该小区", "老小区", "新小区", "本社区", "该社区", "全社区", "各社区", "小花园",
    "大市场",
];

/// Characters that never end a two-character place name here because they
/// are themselves suffixes (河村路 is 新河村 + 路灯, not a road).
#[rustfmt::skip]
const SUFFIX_CHARS: &[char] = &[
    '村', '路', '街', '巷', '苑', '区', '道',
];

/// Where a topic is: the two characters before each place suffix (府前路 and
/// 府前社区 both give 府前), and numbered parts (3组, 6栋; 号楼 and 幢 count
/// as 栋). `spans` are the character ranges of the place names found.
#[derive(Debug, Default)]
pub(crate) struct Places {
    pub(crate) areas: Vec<[char; 2]>,
    pub(crate) units: Vec<(u32, char)>,
    pub(crate) spans: Vec<(usize, usize)>,
}

pub(crate) fn places(chars: &[char]) -> Places {
    let mut p = Places::default();
    let mut i = 0;
    while i < chars.len() {
        let Some(len) = suffix_at(chars, i) else {
            i += 1;
            continue;
        };
        let word: String = chars[i.saturating_sub(1)..i + len].iter().collect();
        let subdistrict = chars[i] == '街' && chars.get(i + 1) == Some(&'道');
        if i >= 2
            && is_name(chars[i - 2], chars[i - 1])
            && !SUFFIX_WORDS.contains(&word.as_str())
            && !subdistrict
        {
            p.areas.push([chars[i - 2], chars[i - 1]]);
            p.spans.push((i - 2, i + len));
        }
        i += len;
    }
    units(chars, &mut p);
    p.areas.sort_unstable();
    p.areas.dedup();
    p.units.sort_unstable();
    p.units.dedup();
    p
}

fn suffix_at(chars: &[char], i: usize) -> Option<usize> {
    PLACE_SUFFIXES.iter().find_map(|s| {
        let n = s.chars().count();
        let hit = chars.len() >= i + n && s.chars().zip(&chars[i..i + n]).all(|(a, b)| a == *b);
        hit.then_some(n)
    })
}

/// Two Han characters that can end a place name: no suffix character, no
/// function word (的路, 到马路) except 和, which names use (颐和苑).
fn is_name(a: char, b: char) -> bool {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let pair: String = [a, b].iter().collect();
    han(a)
        && han(b)
        && !SUFFIX_CHARS.contains(&a)
        && !SUFFIX_CHARS.contains(&b)
        && !(is_stop_char(a) && a != '和')
        && !(is_stop_char(b) && b != '和')
        && !NOT_PLACE_NAMES.contains(&pair.as_str())
}

/// Numbered parts: a number in digits or Chinese (3组, 三组, 十二组) then
/// 组, 栋, 幢, 号楼 or 单元.
fn units(chars: &[char], p: &mut Places) {
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut n: u32 = 0;
        while i < chars.len() && chars[i].is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(chars[i].to_digit(10).unwrap_or(0));
            i += 1;
        }
        if i == start {
            while i < chars.len() && chinese_digit(chars[i]).is_some() {
                i += 1;
            }
            match chinese_number(&chars[start..i]) {
                Some(v) => n = v,
                None => {
                    i = start + 1;
                    continue;
                }
            }
        }
        let next = |k: usize| chars.get(i + k).copied();
        let unit = match (next(0), next(1)) {
            (Some('组'), _) => Some('组'),
            (Some('栋' | '幢'), _) | (Some('号'), Some('楼')) => Some('栋'),
            (Some('单'), Some('元')) => Some('单'),
            _ => None,
        };
        if let Some(u) = unit {
            p.units.push((n, u));
        }
    }
}

/// 一 to 九 as 1 to 9 and 十 as 10 (两 is a count, not a number's name).
fn chinese_digit(c: char) -> Option<u32> {
    "一二三四五六七八九十"
        .chars()
        .position(|d| d == c)
        .map(|i| i as u32 + 1)
}

/// A Chinese number up to 99: 三, 十二, 二十, 二十三.
fn chinese_number(chars: &[char]) -> Option<u32> {
    let digits: Vec<u32> = chars
        .iter()
        .map(|&c| chinese_digit(c))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [d] => Some(*d),
        [10, u] if *u < 10 => Some(10 + u),
        [t, 10] if *t < 10 => Some(t * 10),
        [t, 10, u] if *t < 10 && *u < 10 => Some(t * 10 + u),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        places(&chars)
            .areas
            .iter()
            .map(|a| a.iter().collect())
            .collect()
    }

    #[test]
    fn place_names_before_suffixes() {
        assert_eq!(areas("府前路井盖破损"), ["府前"]);
        assert_eq!(areas("新河村路灯不亮"), ["新河"]);
        assert_eq!(areas("东湖小区老旧小区加装电梯"), ["东湖"]);
        assert_eq!(areas("陈师菜市场门口路边摆摊堵路"), ["陈师"]);
        assert_eq!(areas("摊子摆到马路上"), Vec::<String>::new());
        assert_eq!(areas("陈师街道"), Vec::<String>::new());
        assert_eq!(areas("前进社区走进村里"), ["前进"]);
        assert_eq!(areas("颐和苑和南园社区"), ["南园", "颐和"]);
    }

    #[test]
    fn numbered_parts() {
        let chars: Vec<char> = "朱码村3组和6号楼12栋".chars().collect();
        assert_eq!(places(&chars).units, [(3, '组'), (6, '栋'), (12, '栋')]);
        let chars: Vec<char> = "朱码村三组、十二组、二十三组和九号楼".chars().collect();
        assert_eq!(
            places(&chars).units,
            [(3, '组'), (9, '栋'), (12, '组'), (23, '组')]
        );
        let chars: Vec<char> = "组里和楼里".chars().collect();
        assert!(places(&chars).units.is_empty());
    }

    #[test]
    fn concepts_group_synonyms() {
        assert_eq!(concepts("路灯不亮"), concepts("晚上一片漆黑"));
        assert!(concepts("今天天气").is_empty());
    }
}
