//! Search terms: what a text is indexed under and what a query looks for.
//!
//! Both sides are folded and segmented the same way ([`crate::tokens`]:
//! 繁→简, so 停車 finds 停车 and the other way round; jieba's search mode,
//! so 垃圾清运 is found by 垃圾 and by 清运). Names and places are also
//! indexed by their pinyin initials, every run of two to four Chinese
//! characters, so a clerk typing `fql` on a phone finds 府前路.
use std::collections::BTreeSet;

use pinyin::ToPinyin;

use crate::doc::fnv1a;
use crate::fold::{fold, folded_chars};
use crate::lexicon::{SYNONYMS_TEXT, synonym_spans, synonym_term, synonym_words, synonyms};
use crate::tokens::{segment, tokens};

/// The longest query read: anything after is ignored.
pub const QUERY_CHARS: usize = 100;
/// The most terms a query looks for (all must match).
pub const QUERY_TERMS: usize = 12;
/// The longest term indexed, in characters.
const TERM_CHARS: usize = 32;
/// Initials are indexed for runs of this many characters.
const INITIALS: std::ops::RangeInclusive<usize> = 2..=4;

/// What the index terms are made from, as a short code: texts indexed
/// under another code lack terms a query may now look for (a group added
/// to the synonym table), so a store whose index was built under another
/// code indexes everything again.
pub fn index_version() -> String {
    format!("{:016x}", fnv1a(SYNONYMS_TEXT.as_bytes()))
}

/// The terms a document is indexed under, space-separated and unique:
/// the jieba words of every text, every pair of adjacent Chinese
/// characters in it (so a query matches whatever word boundaries jieba
/// found around it: 府前路 is 府 + 前路 to jieba, yet 府前 finds it), the
/// things it names by any of their names (水渠 is found by 沟渠), and the
/// pinyin initials of its `names` (a title, a place).
pub fn index_terms(texts: &[&str], names: &[&str]) -> String {
    let mut terms: BTreeSet<String> = BTreeSet::new();
    for t in texts.iter().chain(names) {
        terms.extend(tokens(t));
        let folded = fold(t);
        terms.extend(synonyms(&folded).into_iter().map(synonym_term));
        for run in cjk_runs(&folded) {
            terms.extend(pairs(&run));
        }
    }
    for n in names {
        terms.extend(initials(n));
    }
    // A term is one lexeme to the database: no spaces, and not a pasted
    // run of letters longer than any word.
    terms
        .into_iter()
        .filter(|w| w.chars().count() <= TERM_CHARS && !w.contains(char::is_whitespace))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a character is written in Chinese (not a Latin letter or digit).
fn is_cjk(c: char) -> bool {
    c.is_alphanumeric() && !c.is_ascii()
}

/// The runs of Chinese characters in folded text.
fn cjk_runs(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !is_cjk(c))
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every two adjacent characters of a run.
fn pairs(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// The pinyin initials of every run of two to four Chinese characters in
/// `name` (府前路 → fq, ql, fql).
fn initials(name: &str) -> Vec<String> {
    let letters: Vec<Option<char>> = fold(name)
        .chars()
        .map(|c| c.to_pinyin().and_then(|p| p.first_letter().chars().next()))
        .collect();
    let mut out = Vec::new();
    for run in letters.split(Option::is_none) {
        let run: Vec<char> = run.iter().flatten().copied().collect();
        for n in INITIALS {
            for w in run.windows(n) {
                out.push(w.iter().collect());
            }
        }
    }
    out
}

/// The terms a query looks for: its first [`QUERY_CHARS`] characters,
/// folded and segmented like the index, stop words dropped; what is left
/// in Chinese is looked for by its character pairs (one character alone by
/// itself) except a thing's name, which is looked for under every name of
/// the thing (水渠 finds 沟渠), letters and digits as words (or pinyin
/// initials). At most
/// [`QUERY_TERMS`]; each is letters and digits only, so no search syntax
/// can reach the index.
pub fn query_terms(q: &str) -> Vec<String> {
    let head: String = q.chars().take(QUERY_CHARS).collect();
    let text = fold(&head);
    let folded: Vec<char> = text.chars().collect();
    // The stretches the kept words cover, merged where they touch.
    let mut spans: Vec<(usize, usize)> = segment(&text, |_, start, end| (start, end));
    spans.sort_unstable();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match runs.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => runs.push((start, end)),
        }
    }
    let named = synonym_spans(&text);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (start, end) in runs {
        // A thing named inside the run is looked for by its group, and the
        // pairs that touch its name are left out: 水渠淤积 looks for the
        // group of 水渠 and 淤积, so 排水沟淤积 is found.
        let inside: Vec<&(usize, usize, u16)> = named
            .iter()
            .filter(|n| start <= n.0 && n.1 <= end)
            .collect();
        for n in &inside {
            let t = synonym_term(n.2);
            if seen.insert(t.clone()) {
                out.push(t);
            }
        }
        let covered = |i: usize| inside.iter().any(|n| n.0 <= i && i < n.1);
        let run: String = (start.min(folded.len())..end.min(folded.len()))
            .map(|i| if covered(i) { ' ' } else { folded[i] })
            .collect();
        for part in split_scripts(&run) {
            // A character left over beside a name (杆 of 路灯杆) is not a
            // word of its own.
            let cjk = part.chars().all(is_cjk);
            if cjk && !inside.is_empty() && part.chars().count() == 1 {
                continue;
            }
            let terms = if cjk && part.chars().count() >= 2 {
                pairs(&part)
            } else {
                vec![part]
            };
            for t in terms {
                if t.chars().all(char::is_alphanumeric) && seen.insert(t.clone()) {
                    out.push(t);
                }
            }
        }
    }
    out.truncate(QUERY_TERMS);
    out
}

/// A run cut where it turns from Chinese to Latin letters or digits and
/// back (wifi信号 → wifi, 信号), spaces dropped.
fn split_scripts(run: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<bool> = None;
    for c in run.chars() {
        if c.is_whitespace() {
            last = None;
            continue;
        }
        let cjk = is_cjk(c);
        match out.last_mut() {
            Some(part) if last == Some(cjk) => part.push(c),
            _ => out.push(c.to_string()),
        }
        last = Some(cjk);
    }
    out
}

/// A short passage of `text` around the first term it contains, cut into
/// pieces: (piece, whether it is a match). At most `width` characters. A
/// thing's term marks whichever of its names the text uses.
pub fn snippet(text: &str, terms: &[String], width: usize) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let folded = folded_chars(text)
        .unwrap_or_else(|| chars.iter().map(|c| c.to_ascii_lowercase()).collect());
    let words: Vec<String> = terms
        .iter()
        .flat_map(|t| synonym_words(t).unwrap_or_else(|| vec![t.clone()]))
        .collect();
    // Where each character matches a term: the longest term starting there.
    let mut hits: Vec<usize> = vec![0; chars.len()];
    for t in &words {
        let t: Vec<char> = t.chars().collect();
        if t.is_empty() {
            continue;
        }
        for i in 0..folded.len().saturating_sub(t.len() - 1) {
            if folded[i..i + t.len()] == t[..] {
                hits[i] = hits[i].max(t.len());
            }
        }
    }
    let first = hits.iter().position(|&n| n > 0).unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(chars.len());
    let mut out: Vec<(String, bool)> = Vec::new();
    if start > 0 {
        out.push(("…".into(), false));
    }
    let mut i = start;
    while i < end {
        let n = hits[i].min(end - i);
        let (piece, mark) = if n > 0 {
            (chars[i..i + n].iter().collect::<String>(), true)
        } else {
            (chars[i].to_string(), false)
        };
        match out.last_mut() {
            Some((last, false)) if !mark => last.push_str(&piece),
            _ => out.push((piece, mark)),
        }
        i += n.max(1);
    }
    if end < chars.len() {
        out.push(("…".into(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(terms: &str, t: &str) -> bool {
        terms.split(' ').any(|x| x == t)
    }

    #[test]
    fn words_and_initials_are_indexed() {
        let terms = index_terms(
            &["府前路路灯不亮，晚上出行不便"],
            &["府前路路灯维修", "府前路"],
        );
        for t in ["府前", "路灯", "fql", "ld"] {
            assert!(has(&terms, t), "{t}: {terms}");
        }
        // The body's words are not spelled out as initials: only names are.
        assert!(!has(&terms, "wscx"), "{terms}");
        // Every term is one lexeme: no empty ones, none with a space, none
        // as long as a pasted string.
        let pasted = format!("路灯{} no 5", "x".repeat(5_000));
        let terms = index_terms(&[&pasted], &[]);
        assert!(
            terms.split(' ').all(|t| !t.is_empty() && t.len() < 100),
            "{terms}"
        );
    }

    #[test]
    fn traditional_and_simplified_meet() {
        let doc = index_terms(&["小區停車秩序整治"], &[]);
        for q in ["停車", "停车"] {
            let terms = query_terms(q);
            assert!(!terms.is_empty());
            assert!(terms.iter().all(|t| has(&doc, t)), "{q}: {terms:?} {doc}");
        }
        let doc = index_terms(&["井蓋破損"], &[]);
        assert!(query_terms("井盖").iter().all(|t| has(&doc, t)), "{doc}");
    }

    #[test]
    fn a_thing_is_found_by_any_of_its_names() {
        let doc = index_terms(&["杨口村南边排水沟淤积，庄稼地浇不上水"], &[]);
        for q in ["水渠淤积", "沟渠", "杨口村水渠"] {
            let terms = query_terms(q);
            assert!(terms.iter().all(|t| has(&doc, t)), "{q}: {terms:?} {doc}");
        }
        // Other words still count: a canal that is not silted is not found.
        let terms = query_terms("水渠漏水");
        assert!(!terms.iter().all(|t| has(&doc, t)), "{terms:?}");
        // The text's own name of the thing is marked.
        let pieces = snippet("南边排水沟淤积", &query_terms("水渠淤积"), 30);
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.1)
            .map(|p| p.0.as_str())
            .collect();
        assert_eq!(marked, ["排水沟", "淤积"]);
    }

    #[test]
    fn queries_carry_no_syntax_and_stay_short() {
        let syntax = query_terms("\" OR * NEAR( ) -- ; ' %");
        assert!(
            syntax.iter().all(|t| t.chars().all(char::is_alphanumeric)),
            "{syntax:?}"
        );
        assert!(query_terms("").is_empty());
        let long = "农路改造".repeat(10_000);
        let terms = query_terms(&long);
        assert!(!terms.is_empty() && terms.len() <= QUERY_TERMS, "{terms:?}");
        assert_eq!(query_terms("FQL"), vec!["fql".to_owned()]);
    }

    #[test]
    fn snippets_mark_the_matches() {
        let text = format!("{}府前路路灯不亮{}", "前".repeat(40), "后".repeat(40));
        let pieces = snippet(&text, &["路灯".into(), "府前".into()], 30);
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.1)
            .map(|p| p.0.as_str())
            .collect();
        assert_eq!(marked, vec!["府前", "路灯"]);
        assert!(pieces[0].0.starts_with('…'), "{pieces:?}");
        let shown: usize = pieces.iter().map(|p| p.0.chars().count()).sum();
        assert!(shown <= 32, "{pieces:?}");
        // Traditional text is marked for a simplified term.
        let pieces = snippet("小區停車很亂", &["停车".into()], 30);
        assert_eq!(pieces[1], ("停車".to_owned(), true));
        // No match: the start of the text.
        let pieces = snippet("没有匹配的内容", &["路灯".into()], 4);
        assert_eq!(pieces[0], ("没有匹配".to_owned(), false));
    }
}
