//! Topics prepared for comparison, and the comparison.

use std::sync::Arc;

use pinyin::ToPinyin;

use crate::fold::fold;
use crate::lexicon::{Places, concepts, is_generic_concept, places, synonyms};
use crate::tokens::{is_stop_char, segment};

/// Only the start of a long body is read: the problem is stated early, and
/// building a `Doc` stays cheap whatever a resident pastes.
pub const BODY_CHARS: usize = 2_000;

/// Weights of the comparison. [`Params::DEFAULT`] was chosen on the "tune"
/// half of the labelled pairs by `examples/tune_weights.rs`; other values
/// exist for measuring, not for callers.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Weight of the body against the title (1.0).
    pub body: f32,
    /// A problem concept (井盖, 照明, 停车, …).
    pub concept: f32,
    /// A thing's group of names (水渠 and 沟渠, 养猪场 and 养殖场).
    pub synonym: f32,
    /// A jieba word.
    pub token: f32,
    /// A pair of adjacent characters: catches typos and words jieba splits
    /// differently.
    pub bigram: f32,
    /// The same pair by sound (pinyin without tones): 拉圾 and 垃圾, 燥音
    /// and 噪音 are one slip of an input method apart.
    pub sound: f32,
    /// Factor on words and pairs inside place names: the place is compared
    /// on its own (the mismatch factors), so in the text it would count twice.
    pub place: f32,
    /// Factor on the score when both topics name places and none is shared.
    pub place_mismatch: f64,
    /// Factor when both name numbered parts (3组, 6栋) and none is shared.
    pub unit_mismatch: f64,
    /// Factor when both titles name problem concepts and none is shared.
    pub concept_mismatch: f64,
}

impl Params {
    pub const DEFAULT: Params = Params {
        body: 0.5,
        concept: 3.0,
        synonym: 0.7,
        token: 1.0,
        bigram: 1.0,
        sound: 0.3,
        place: 0.5,
        place_mismatch: 0.2,
        unit_mismatch: 0.2,
        concept_mismatch: 0.5,
    };
}

/// A topic prepared for comparison (title weighted above body). Cheap to
/// clone; build once per topic.
#[derive(Clone, Debug)]
pub struct Doc(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    /// Unit-length sparse vector: feature keys, sorted, and their weights
    /// (two arrays, so that the comparison loop reads keys densely).
    keys: Box<[u32]>,
    weights: Box<[f32]>,
    /// The title's problem concepts but the generic ones (坏了, 涨价).
    title_concepts: Box<[u16]>,
    /// The title names some problem concept, generic or not.
    names_problem: bool,
    areas: Box<[[char; 2]]>,
    units: Box<[(u32, char)]>,
}

impl Doc {
    pub fn new(title: &str, body: &str) -> Doc {
        Doc::with_params(title, body, &Params::DEFAULT)
    }

    #[doc(hidden)]
    pub fn with_params(title: &str, body: &str, p: &Params) -> Doc {
        let body: String = body.chars().take(BODY_CHARS).collect();
        let t = Part::new(title, p);
        let b = Part::new(&body, p);
        let mut features = t.features;
        features.extend(b.features.iter().map(|&(k, w)| (k, w * p.body)));
        let features = normalized(merge(features, |a, b| a + b));
        let (keys, weights): (Vec<u32>, Vec<f32>) = features.into_iter().unzip();
        let mut areas = t.places.areas;
        areas.extend(b.places.areas);
        areas.sort_unstable();
        areas.dedup();
        let mut units = t.places.units;
        units.extend(b.places.units);
        units.sort_unstable();
        units.dedup();
        Doc(Arc::new(Inner {
            keys: keys.into(),
            weights: weights.into(),
            names_problem: !t.concepts.is_empty(),
            title_concepts: t
                .concepts
                .iter()
                .copied()
                .filter(|&c| !is_generic_concept(c))
                .collect(),
            areas: areas.into(),
            units: units.into(),
        }))
    }

    /// True when the topic has nothing to compare (empty or only symbols).
    pub fn is_empty(&self) -> bool {
        self.0.keys.is_empty()
    }
}

/// The features of a title or a body, unit length.
struct Part {
    features: Vec<(u32, f32)>,
    concepts: Vec<u16>,
    places: Places,
}

impl Part {
    fn new(text: &str, p: &Params) -> Part {
        let folded = fold(text);
        let chars: Vec<char> = folded.chars().collect();
        let places = places(&chars);
        let place = |s: usize, e: usize| {
            let inside = places.spans.iter().any(|&(a, b)| a <= s && e <= b);
            if inside { p.place } else { 1.0 }
        };
        let concepts = concepts(&folded);
        let mut f: Vec<(u32, f32)> = concepts
            .iter()
            .map(|&c| (key(b'c', &c.to_le_bytes()), p.concept))
            .collect();
        f.extend(
            synonyms(&folded)
                .iter()
                .map(|&s| (key(b's', &s.to_le_bytes()), p.synonym)),
        );
        f.extend(segment(&folded, |w, s, e| {
            (key(b't', w.as_bytes()), p.token * place(s, e))
        }));
        for (i, pair) in chars.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            if a == ' ' || b == ' ' || is_stop_char(a) || is_stop_char(b) {
                continue;
            }
            let w = place(i, i + 2);
            let mut buf = [0u8; 8];
            let n = a.encode_utf8(&mut buf).len();
            let m = b.encode_utf8(&mut buf[n..]).len();
            f.push((key(b'b', &buf[..n + m]), p.bigram * w));
            if let (Some(x), Some(y)) = (a.to_pinyin(), b.to_pinyin()) {
                let sound = format!("{}-{}", x.plain(), y.plain());
                f.push((key(b'p', sound.as_bytes()), p.sound * w));
            }
        }
        Part {
            features: normalized(merge(f, f32::max)),
            concepts,
            places,
        }
    }
}

/// FNV-1a folded to 32 bits: a fixed hash, so features and scores are the
/// same on every run. Two different features share a key once in 2³² pairs
/// (about once per million comparisons of typical topics), which moves that
/// one score a little.
fn key(kind: u8, bytes: &[u8]) -> u32 {
    let h = fnv1a(std::iter::once(&kind).chain(bytes));
    (h ^ (h >> 32)) as u32
}

/// 64-bit FNV-1a: fixed across runs and builds, unlike std's hasher.
pub(crate) fn fnv1a<'a>(bytes: impl IntoIterator<Item = &'a u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Sort by key and combine the weights of equal keys.
fn merge(mut f: Vec<(u32, f32)>, combine: impl Fn(f32, f32) -> f32) -> Vec<(u32, f32)> {
    f.sort_unstable_by_key(|&(k, _)| k);
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(f.len());
    for (k, w) in f {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 = combine(last.1, w),
            _ => out.push((k, w)),
        }
    }
    out
}

fn normalized(mut f: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    let norm = f.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut f {
            *w /= norm;
        }
    }
    f
}

/// Similarity in [0, 1].
pub fn similarity(a: &Doc, b: &Doc) -> f64 {
    similarity_with(a, b, &Params::DEFAULT)
}

#[doc(hidden)]
pub fn similarity_with(a: &Doc, b: &Doc, p: &Params) -> f64 {
    score_at_least(a, b, p, 0.0).unwrap_or(0.0)
}

/// The score, or `None` as soon as the place and problem factors alone
/// (the cosine is at most 1) show it stays below `floor`.
fn score_at_least(a: &Doc, b: &Doc, p: &Params, floor: f64) -> Option<f64> {
    let (a, b) = (&*a.0, &*b.0);
    let mut factor = 1.0;
    if disjoint(&a.areas, &b.areas) {
        factor *= p.place_mismatch;
    } else if disjoint(&a.units, &b.units) {
        factor *= p.unit_mismatch;
    }
    // Both titles name a problem, and no specific one is shared (路灯坏了
    // and 电梯坏了 share only 坏了).
    let shared = !a.title_concepts.is_empty()
        && !b.title_concepts.is_empty()
        && !disjoint(&a.title_concepts, &b.title_concepts);
    if a.names_problem && b.names_problem && !shared {
        factor *= p.concept_mismatch;
    }
    if factor < floor {
        return None;
    }
    let score = factor * f64::from(dot(a, b));
    Some(score.clamp(0.0, 1.0))
}

/// Dot product of two sparse vectors sorted by key; written without
/// data-dependent branches, as this loop is most of the cost of [`rank`].
fn dot(a: &Inner, b: &Inner) -> f32 {
    let (ka, kb) = (&*a.keys, &*b.keys);
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < ka.len() && j < kb.len() {
        let (x, y) = (ka[i], kb[j]);
        let product = a.weights[i] * b.weights[j];
        sum += if x == y { product } else { 0.0 };
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    sum
}

/// Both sides non-empty and no element shared (both sorted).
fn disjoint<T: Ord>(a: &[T], b: &[T]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return false,
        }
    }
    true
}

/// Candidates `(id, Doc)` ranked by similarity to `query`, best first (equal
/// scores by id), those ≥ `min_score`, at most `limit`.
pub fn rank<'a, I>(query: &Doc, candidates: I, min_score: f64, limit: usize) -> Vec<(i64, f64)>
where
    I: IntoIterator<Item = (i64, &'a Doc)>,
{
    if limit == 0 {
        return Vec::new();
    }
    let mut hits: Vec<(i64, f64)> = candidates
        .into_iter()
        .filter_map(|(id, d)| {
            let s = score_at_least(query, d, &Params::DEFAULT, min_score)?;
            (s >= min_score).then_some((id, s))
        })
        .collect();
    hits.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(t: &str) -> Doc {
        Doc::new(t, "")
    }

    #[test]
    fn identical_topics_score_one() {
        let a = Doc::new("府前路井盖破损", "农商行门口的井盖裂了。");
        let s = similarity(&a, &a.clone());
        assert!((s - 1.0).abs() < 1e-5, "{s}");
    }

    #[test]
    fn scores_are_symmetric_and_bounded() {
        let a = Doc::new("新河村路灯不亮", "晚上黑漆漆的");
        let b = Doc::new("新河村晚上一片漆黑", "村里大路上的灯都不亮了");
        let (ab, ba) = (similarity(&a, &b), similarity(&b, &a));
        assert!(
            (ab - ba).abs() < 1e-9 && (0.0..=1.0).contains(&ab),
            "{ab} {ba}"
        );
    }

    #[test]
    fn empty_and_symbol_only_input() {
        let empty = Doc::new("", "");
        assert!(empty.is_empty());
        assert!(Doc::new("！？…… 😀😀", " ").is_empty());
        assert_eq!(similarity(&empty, &empty), 0.0);
        assert_eq!(similarity(&empty, &doc("路灯不亮")), 0.0);
        assert!(rank(&empty, [(1, &doc("路灯不亮"))], 0.1, 10).is_empty());
    }

    #[test]
    fn emoji_and_mixed_ascii() {
        let a = Doc::new("锦绣华庭WiFi信号差😡", "5栋 no signal!!");
        let b = Doc::new("锦绣华庭ＷＩＦＩ信号差", "５栋 No Signal");
        assert!(similarity(&a, &b) > 0.9);
    }

    #[test]
    fn long_bodies_are_capped() {
        let long = "楼道里堆满了杂物。".repeat(10_000);
        let a = Doc::new("书香苑楼道堆物", &long);
        let b = Doc::new("书香苑楼道堆物", &long[..long.len() / 2]);
        assert!(similarity(&a, &b) > 0.99);
    }

    #[test]
    fn place_and_problem_both_matter() {
        let q = doc("府前路井盖破损");
        assert!(
            similarity(&q, &doc("府前路上窨井盖坏了")) > similarity(&q, &doc("府前路路灯不亮"))
        );
        assert!(
            similarity(&q, &doc("府前路上窨井盖坏了")) > similarity(&q, &doc("安东路井盖破损"))
        );
    }

    #[test]
    fn a_problem_told_by_cause_or_symptom_is_one_and_a_generic_trouble_is_not() {
        let weak = doc("新河村晚上电压太低");
        assert!(similarity(&weak, &doc("新河村老是跳闸")) >= crate::DUPLICATE_THRESHOLD);
        let (lamp, lift) = (doc("东湖小区路灯坏了"), doc("东湖小区电梯坏了"));
        assert!(
            similarity(&lamp, &doc("东湖小区路灯不亮")) > similarity(&lamp, &lift),
            "坏了 is shared by both, 照明 only by the lamps"
        );
        // Sharing only 坏了, the two are lowered as naming no common problem.
        let ignoring = Params {
            concept_mismatch: 1.0,
            ..Params::DEFAULT
        };
        let (lamp_p, lift_p) = (
            Doc::with_params("东湖小区路灯坏了", "", &ignoring),
            Doc::with_params("东湖小区电梯坏了", "", &ignoring),
        );
        let lowered = similarity(&lamp, &lift);
        let unlowered = similarity_with(&lamp_p, &lift_p, &ignoring);
        assert!(
            (lowered - unlowered * Params::DEFAULT.concept_mismatch).abs() < 1e-6,
            "{lowered} against {unlowered}"
        );
    }

    #[test]
    fn rank_orders_filters_and_limits() {
        let docs = [
            (1, doc("府前路路灯不亮")),
            (2, doc("府前路上窨井盖坏了")),
            (3, doc("五港村红白喜事大操大办")),
            (4, doc("府前路井盖破损")),
            (5, doc("府前路井盖破损")),
        ];
        let q = doc("府前路井盖破损");
        let all = rank(&q, docs.iter().map(|(i, d)| (*i, d)), 0.0, 10);
        assert_eq!(all.len(), 5);
        assert_eq!((all[0].0, all[1].0), (4, 5), "equal scores by id: {all:?}");
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1), "{all:?}");
        assert_eq!(all[2].0, 2, "{all:?}");
        let top = rank(&q, docs.iter().map(|(i, d)| (*i, d)), 0.0, 2);
        assert_eq!(top, all[..2]);
        let dup = rank(
            &q,
            docs.iter().map(|(i, d)| (*i, d)),
            crate::DUPLICATE_THRESHOLD,
            10,
        );
        assert!(dup.iter().all(|&(id, _)| id != 3), "{dup:?}");
        assert!(rank(&q, docs.iter().map(|(i, d)| (*i, d)), 0.0, 0).is_empty());
    }

    #[test]
    fn deterministic() {
        let make = || {
            Doc::new(
                "陈师社区广场舞噪音扰民",
                "每天晚上音响开得很大，一直到十点多。",
            )
        };
        let (a, b) = (make(), make());
        assert_eq!((&a.0.keys, &a.0.weights), (&b.0.keys, &b.0.weights));
        let other = Doc::new("陈师社区广场晚上音响太吵", "跳广场舞的音乐声音太大");
        assert_eq!(
            similarity(&a, &other).to_bits(),
            similarity(&b, &other).to_bits()
        );
    }
}
