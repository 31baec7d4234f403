//! The labelled pairs and the figures computed on them; shared by the
//! `pairs` test and the `tune_weights` example.

#![allow(dead_code)]

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Pair {
    pub kind: String,
    pub set: String,
    pub same: bool,
    pub a_title: String,
    pub a_body: String,
    pub b_title: String,
    pub b_body: String,
}

#[derive(Deserialize)]
struct File {
    pair: Vec<Pair>,
}

pub const KINDS: &[&str] = &[
    "paraphrase",
    "variant",
    "same_place_different_problem",
    "same_problem_different_place",
    "unrelated",
];

/// The pairs of `tests/data/{name}.toml`.
pub fn load(name: &str) -> Vec<Pair> {
    let path = format!("{}/tests/data/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    file.pair
}

/// Confusion counts at one threshold.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

impl Counts {
    pub fn of<'a>(scored: impl IntoIterator<Item = (&'a Pair, f64)>, threshold: f64) -> Counts {
        let mut c = Counts::default();
        for (p, s) in scored {
            match (p.same, s >= threshold) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => c.tn += 1,
            }
        }
        c
    }

    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Share of the pairs labelled right: the one figure that means something
    /// for a kind that has only negatives.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp + self.tn, self.tp + self.fp + self.fn_ + self.tn)
    }

    /// One line of figures; "-" where a figure is undefined (recall of a
    /// kind that has only negatives, precision where nothing matched).
    pub fn line(&self, name: &str) -> String {
        let n = self.tp + self.fp + self.fn_ + self.tn;
        let fig = |defined: bool, v: f64| {
            if defined {
                format!("{v:.3}")
            } else {
                "-".to_owned()
            }
        };
        let (p, r) = (self.tp + self.fp > 0, self.tp + self.fn_ > 0);
        format!(
            "{name:<34} n={n:<4} tp={:<3} fp={:<3} fn={:<3} tn={:<3} P={:<5} R={:<5} F1={:<5} acc={:.3}",
            self.tp,
            self.fp,
            self.fn_,
            self.tn,
            fig(p, self.precision()),
            fig(r, self.recall()),
            fig(p && r, self.f1()),
            self.accuracy()
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The threshold with the best F1 on `scored` (ties: the higher threshold).
pub fn best_threshold(scored: &[(&Pair, f64)]) -> (f64, Counts) {
    let mut best = (1.0, Counts::of(scored.iter().copied(), 1.0));
    for step in (1..=99).rev() {
        let t = f64::from(step) / 100.0;
        let c = Counts::of(scored.iter().copied(), t);
        if c.f1() > best.1.f1() {
            best = (t, c);
        }
    }
    best
}
