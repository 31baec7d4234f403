//! Grid search of the comparison weights on the "tune" half of the labelled
//! pairs; the "test" half is never read.
//!
//! The concept list will never cover every word residents use, so a setting
//! is judged at one threshold both as it is and with the concepts switched
//! off (as if every problem word were new): the objective is the mean of the
//! two F1 scores. Prints the best settings, ablations of the defaults, and
//! the tune pairs that the defaults get wrong.
//!
//! `cargo run --release -p text --example tune_weights`

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Counts, Pair, load};
use text::{DUPLICATE_THRESHOLD, Doc, Params, similarity_with};

fn scores(pairs: &[Pair], p: &Params) -> Vec<f64> {
    pairs
        .iter()
        .map(|pair| {
            let a = Doc::with_params(&pair.a_title, &pair.a_body, p);
            let b = Doc::with_params(&pair.b_title, &pair.b_body, p);
            similarity_with(&a, &b, p)
        })
        .collect()
}

fn counts(pairs: &[Pair], scores: &[f64], t: f64) -> Counts {
    Counts::of(pairs.iter().zip(scores.iter().copied()), t)
}

fn without_concepts(p: &Params) -> Params {
    Params {
        concept: 0.0,
        concept_mismatch: 1.0,
        ..*p
    }
}

/// Every combination of the values tried.
fn grid() -> Vec<Params> {
    let mut out = vec![Params::DEFAULT];
    let d = Params::DEFAULT;
    for body in [0.2, 0.3, 0.5] {
        for concept in [2.0, 3.0, 4.0] {
            for token in [0.5, 1.0] {
                for bigram in [0.3, 0.6, 1.0] {
                    for place in [0.2, 0.5, 1.0] {
                        for place_mismatch in [0.2, 0.3, 0.5] {
                            for unit_mismatch in [0.3, 0.5] {
                                for concept_mismatch in [0.5, 0.8, 1.0] {
                                    out.push(Params {
                                        body,
                                        concept,
                                        token,
                                        bigram,
                                        place,
                                        place_mismatch,
                                        unit_mismatch,
                                        concept_mismatch,
                                        ..d
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn main() {
    let pairs: Vec<Pair> = load("pairs")
        .into_iter()
        .filter(|p| p.set == "tune")
        .collect();
    println!("{} tune pairs", pairs.len());
    let thresholds: Vec<f64> = (10..=80).map(|t| f64::from(t) / 100.0).collect();
    let mut results: Vec<(f64, f64, f64, f64, Params)> = Vec::new();
    for p in grid() {
        let (full, bare) = (scores(&pairs, &p), scores(&pairs, &without_concepts(&p)));
        for &t in &thresholds {
            let (f, b) = (counts(&pairs, &full, t).f1(), counts(&pairs, &bare, t).f1());
            results.push(((f + b) / 2.0, f, b, t, p));
        }
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    for (mean, f, b, t, p) in results.iter().take(12) {
        println!("mean={mean:.3} F1={f:.3} bare F1={b:.3} t={t:.2} {p:?}");
    }

    let d = Params::DEFAULT;
    let t = DUPLICATE_THRESHOLD;
    println!("\nablations of the defaults at threshold {t}:");
    let off = Params {
        place: 1.0,
        place_mismatch: 1.0,
        unit_mismatch: 1.0,
        ..d
    };
    for (name, p) in [
        ("defaults", d),
        ("no concepts", without_concepts(&d)),
        ("no sound", Params { sound: 0.0, ..d }),
        ("no place rules", off),
        (
            "bigrams only",
            Params {
                concept: 0.0,
                token: 0.0,
                sound: 0.0,
                concept_mismatch: 1.0,
                ..off
            },
        ),
        (
            "tokens only",
            Params {
                concept: 0.0,
                bigram: 0.0,
                sound: 0.0,
                concept_mismatch: 1.0,
                ..off
            },
        ),
    ] {
        println!("{}", counts(&pairs, &scores(&pairs, &p), t).line(name));
    }
    println!("tune pairs the defaults get wrong:");
    for (pair, s) in pairs.iter().zip(scores(&pairs, &d)) {
        if pair.same != (s >= t) {
            println!(
                "  {s:.3} {:<30} {} | {}",
                pair.kind, pair.a_title, pair.b_title
            );
        }
    }
}
