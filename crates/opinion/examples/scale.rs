//! Times the opinion map on a synthetic conversation.
//!
//! `cargo run --release -p opinion --example scale -- [participants] [statements] [density] [threads]`
//! (defaults: 33000 783 0.1 0 = all cores). The generator is deterministic:
//! four latent opinion camps, each statement with a per-camp agree rate, and
//! each participant voting on a random `density` share of statements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use opinion::matrix::VoteMatrix;
use opinion::{Options, analyze};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn synthetic(n: usize, m: usize, density: f64) -> VoteMatrix {
    let mut rng = Rng(42);
    let camps = 4;
    let agree: Vec<f64> = (0..m * camps).map(|_| rng.next()).collect();
    let mut row_ptr = vec![0usize];
    let mut cols = Vec::new();
    let mut vals = Vec::new();
    for p in 0..n {
        let camp = p % camps;
        for t in 0..m {
            if rng.next() >= density {
                continue;
            }
            let u = rng.next();
            let a = agree[t * camps + camp];
            let v: i8 = if u < 0.15 {
                0
            } else if rng.next() < a {
                -1 // agree (internal sign)
            } else {
                1
            };
            cols.push(t as u32);
            vals.push(v);
        }
        row_ptr.push(cols.len());
    }
    VoteMatrix::from_csr(
        (0..n as u64).collect(),
        (0..m as u64).collect(),
        row_ptr,
        cols,
        vals,
    )
    .expect("generator builds a valid matrix")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .map_or(33_000, |s| s.parse().expect("participants"));
    let m: usize = args.get(1).map_or(783, |s| s.parse().expect("statements"));
    let density: f64 = args.get(2).map_or(0.1, |s| s.parse().expect("density"));
    let threads: usize = args.get(3).map_or(0, |s| s.parse().expect("threads"));
    let t0 = Instant::now();
    let matrix = synthetic(n, m, density);
    let generated = t0.elapsed();
    let opts = Options {
        threads,
        ..Options::default()
    };
    let t1 = Instant::now();
    let a = analyze(&matrix, &opts, None);
    let total = t1.elapsed();
    let t2 = Instant::now();
    let warm = analyze(&matrix, &opts, Some(&a));
    let warm_t = t2.elapsed();
    println!(
        "{n} x {m}, {} votes (density {density}): generate {:.3}s; analyze cold {:.3}s \
         (PCA {} iterations), warm {:.3}s (PCA {} iterations); in-conv {}, base clusters {}, groups {}",
        matrix.nnz(),
        generated.as_secs_f64(),
        total.as_secs_f64(),
        a.pca.iterations,
        warm_t.as_secs_f64(),
        warm.pca.iterations,
        a.in_conv.len(),
        a.base_clusters.len(),
        a.groups.len()
    );
}
