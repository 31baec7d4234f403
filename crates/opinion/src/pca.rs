//! Two-component PCA of the rating matrix, and Pol.is's sparsity-aware
//! projection of participants and statements.
//!
//! Pol.is fills blanks with the column mean and centres each column. After
//! centring, a blank is exactly 0, so the centred matrix X has the sparsity of
//! the votes: `XᵀX v = Σ_i (x_i·v) x_i` costs O(votes), never O(rows × cols).
//! That is what keeps 100,000 × 10,000 exact.
//!
//! Pol.is finds the components by power iteration (100 steps, deflating after
//! the first, warm-started from the last run's components, random start
//! otherwise). We run the same power iteration on a small block of vectors at
//! once (subspace iteration with a Rayleigh–Ritz step), so both components
//! converge together and faster, to a tolerance rather than a fixed step
//! count. Start vectors are deterministic: the previous components when given
//! (Pol.is's warm start), otherwise all-ones for the first (Pol.is's default)
//! and a fixed pseudo-random sequence for the rest. Signs follow the start
//! vector, as a warm-started power iteration's do.
//!
//! Moderated-out and meta columns are all zeros in Pol.is's rating matrix
//! (blanks included), so their centre and loadings are 0.

use crate::matrix::VoteMatrix;
use crate::par;
use serde::{Deserialize, Serialize};

/// Result of the PCA, indexed by matrix column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pca {
    /// Column means of the rating matrix (over non-blank votes).
    pub center: Vec<f64>,
    /// Two unit-length components (a component is all zeros when the data has
    /// fewer than two dimensions of variance).
    pub comps: [Vec<f64>; 2],
    /// Eigenvalues of XᵀX for the two components.
    pub eigenvalues: [f64; 2],
    /// Power-iteration steps used.
    pub iterations: usize,
    /// Whether the residual tolerance was reached.
    pub converged: bool,
}

/// Knobs of the power iteration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PcaOptions {
    /// Upper bound on iteration steps.
    pub max_iters: usize,
    /// Stop when `‖A v − θ v‖ ≤ tol · θ₁` for both components.
    pub tol: f64,
    /// Vectors iterated together (2 to 8; extra ones speed convergence).
    pub block: usize,
}

impl Default for PcaOptions {
    fn default() -> Self {
        PcaOptions {
            max_iters: 3000,
            tol: 1e-11,
            block: 4,
        }
    }
}

/// Column means over non-blank votes; excluded columns get 0.
pub fn column_means(m: &VoteMatrix, excluded: &[bool]) -> Vec<f64> {
    let mut sum = vec![0.0f64; m.n_cols()];
    let mut cnt = vec![0usize; m.n_cols()];
    for i in 0..m.n_rows() {
        let (c, v) = m.row(i);
        for (&j, &x) in c.iter().zip(v) {
            sum[j as usize] += f64::from(x);
            cnt[j as usize] += 1;
        }
    }
    (0..m.n_cols())
        .map(|j| {
            if excluded[j] || cnt[j] == 0 {
                0.0
            } else {
                sum[j] / cnt[j] as f64
            }
        })
        .collect()
}

/// Centred value of each (column, vote) pair: `lut[3j + vote + 1]`.
fn centred_lut(center: &[f64], excluded: &[bool]) -> Vec<f64> {
    let mut lut = Vec::with_capacity(center.len() * 3);
    for (j, &c) in center.iter().enumerate() {
        for x in [-1.0, 0.0, 1.0] {
            lut.push(if excluded[j] { 0.0 } else { x - c });
        }
    }
    lut
}

/// `Y = XᵀX V` for a block V stored column-interleaved (`v[j*b + k]`).
fn apply(m: &VoteMatrix, lut: &[f64], v: &[f64], b: usize, threads: usize) -> Vec<f64> {
    // The block width as a constant lets the compiler keep a row's partial
    // sums in vector registers; `fit` keeps b within 1..=8.
    match b {
        1 => apply_block::<1>(m, lut, v, threads),
        2 => apply_block::<2>(m, lut, v, threads),
        3 => apply_block::<3>(m, lut, v, threads),
        4 => apply_block::<4>(m, lut, v, threads),
        5 => apply_block::<5>(m, lut, v, threads),
        6 => apply_block::<6>(m, lut, v, threads),
        7 => apply_block::<7>(m, lut, v, threads),
        _ => apply_block::<8>(m, lut, v, threads),
    }
}

fn apply_block<const B: usize>(m: &VoteMatrix, lut: &[f64], v: &[f64], threads: usize) -> Vec<f64> {
    let nc = m.n_cols();
    let v: &[[f64; B]] = v.as_chunks::<B>().0;
    let parts = par::map_chunks(m.n_rows(), par::chunk_len(m.n_rows()), threads, |rows| {
        let mut y = vec![[0.0f64; B]; nc];
        for i in rows {
            let (c, x) = m.row(i);
            let mut s = [0.0f64; B];
            for (&j, &val) in c.iter().zip(x) {
                let xv = lut[3 * j as usize + (val + 1) as usize];
                let vj = &v[j as usize];
                for k in 0..B {
                    s[k] += xv * vj[k];
                }
            }
            for (&j, &val) in c.iter().zip(x) {
                let xv = lut[3 * j as usize + (val + 1) as usize];
                let yj = &mut y[j as usize];
                for k in 0..B {
                    yj[k] += xv * s[k];
                }
            }
        }
        y
    });
    let mut it = parts.into_iter();
    let mut y = it.next().unwrap_or_else(|| vec![[0.0; B]; nc]);
    for p in it {
        for (a, q) in y.iter_mut().zip(&p) {
            for k in 0..B {
                a[k] += q[k];
            }
        }
    }
    y.into_flattened()
}

/// Dot product of columns `ka` and `kb` of a column-interleaved block.
fn col_dot(a: &[f64], ka: usize, kb: usize, w: usize) -> f64 {
    a.chunks_exact(w).map(|r| r[ka] * r[kb]).sum::<f64>()
}

/// Orthonormalises the columns in place (modified Gram–Schmidt, twice);
/// columns that vanish are replaced by zeros.
fn orthonormalise(v: &mut [f64], b: usize) {
    for _pass in 0..2 {
        for k in 0..b {
            for q in 0..k {
                let d = col_dot(v, k, q, b);
                for r in v.chunks_exact_mut(b) {
                    r[k] -= d * r[q];
                }
            }
            let n = col_dot(v, k, k, b).sqrt();
            for r in v.chunks_exact_mut(b) {
                r[k] = if n > 1e-300 { r[k] / n } else { 0.0 };
            }
        }
    }
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi
/// rotations; returns eigenvalues (descending) and eigenvectors as columns.
pub(crate) fn sym_eigen(h: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = h.to_vec();
    let mut q = vec![0.0; n * n];
    for i in 0..n {
        q[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        let scale: f64 = (0..n).map(|i| a[i * n + i] * a[i * n + i]).sum::<f64>();
        if off <= 1e-30 * scale.max(1e-300) {
            break;
        }
        for p in 0..n {
            for r in p + 1..n {
                let apr = a[p * n + r];
                if apr == 0.0 {
                    continue;
                }
                let theta = (a[r * n + r] - a[p * n + p]) / (2.0 * apr);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = a[k * n + p];
                    let akr = a[k * n + r];
                    a[k * n + p] = c * akp - s * akr;
                    a[k * n + r] = s * akp + c * akr;
                }
                for k in 0..n {
                    let apk = a[p * n + k];
                    let ark = a[r * n + k];
                    a[p * n + k] = c * apk - s * ark;
                    a[r * n + k] = s * apk + c * ark;
                }
                for k in 0..n {
                    let qkp = q[k * n + p];
                    let qkr = q[k * n + r];
                    q[k * n + p] = c * qkp - s * qkr;
                    q[k * n + r] = s * qkp + c * qkr;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| a[y * n + y].total_cmp(&a[x * n + x]).then(x.cmp(&y)));
    let vals = order.iter().map(|&i| a[i * n + i]).collect();
    let mut vecs = vec![0.0; n * n];
    for (new, &old) in order.iter().enumerate() {
        for k in 0..n {
            vecs[k * n + new] = q[k * n + old];
        }
    }
    (vals, vecs)
}

/// Deterministic pseudo-random numbers in [−1, 1) (SplitMix64).
pub(crate) fn det_uniform(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect()
}

/// Fits the two components. `start` holds previous components aligned to this
/// matrix's columns (new columns padded with 1.0, as Pol.is pads).
pub fn fit(
    m: &VoteMatrix,
    excluded: &[bool],
    start: Option<&[Vec<f64>; 2]>,
    opts: &PcaOptions,
    threads: usize,
) -> Pca {
    let nc = m.n_cols();
    let center = column_means(m, excluded);
    let lut = centred_lut(&center, excluded);
    let b = opts.block.clamp(2, 8).min(nc.max(1));
    let n_comps = 2.min(nc).min(m.n_rows());
    let ones = vec![1.0; nc];
    let starts: Vec<Vec<f64>> = (0..b)
        .map(|k| match (k, start) {
            (0 | 1, Some(s)) if s[k].iter().any(|&x| x != 0.0) && s[k].len() == nc => s[k].clone(),
            (0, _) => ones.clone(),
            _ => det_uniform(0x5348_414E_474C_4941 + k as u64, nc),
        })
        .collect();
    let mut v = vec![0.0; nc * b];
    for (k, s) in starts.iter().enumerate() {
        for j in 0..nc {
            v[j * b + k] = if excluded[j] { 0.0 } else { s[j] };
        }
    }
    orthonormalise(&mut v, b);
    let mut theta = vec![0.0; b];
    let mut iterations = 0;
    let mut converged = n_comps == 0;
    let mut ritz = v.clone();
    while iterations < opts.max_iters && n_comps > 0 {
        iterations += 1;
        let y = apply(m, &lut, &v, b, threads);
        let mut h = vec![0.0; b * b];
        for p in 0..b {
            for q in 0..b {
                h[p * b + q] = v
                    .chunks_exact(b)
                    .zip(y.chunks_exact(b))
                    .map(|(vr, yr)| vr[p] * yr[q])
                    .sum();
            }
        }
        for p in 0..b {
            for q in p + 1..b {
                let s = 0.5 * (h[p * b + q] + h[q * b + p]);
                h[p * b + q] = s;
                h[q * b + p] = s;
            }
        }
        let (vals, qm) = sym_eigen(&h, b);
        theta = vals;
        let rotate = |x: &[f64]| {
            let mut out = vec![0.0; nc * b];
            for (o, r) in out.chunks_exact_mut(b).zip(x.chunks_exact(b)) {
                for k in 0..b {
                    o[k] = (0..b).map(|p| r[p] * qm[p * b + k]).sum();
                }
            }
            out
        };
        let vr = rotate(&v);
        let yr = rotate(&y);
        let top = theta[0].abs().max(1e-300);
        let done = (0..n_comps).all(|k| {
            let res: f64 = vr
                .chunks_exact(b)
                .zip(yr.chunks_exact(b))
                .map(|(a, c)| (c[k] - theta[k] * a[k]).powi(2))
                .sum::<f64>()
                .sqrt();
            res <= opts.tol * top
        });
        ritz = vr;
        if done || theta[0] <= 0.0 {
            converged = true;
            break;
        }
        v = yr;
        orthonormalise(&mut v, b);
    }
    let mut comps = [vec![0.0; nc], vec![0.0; nc]];
    let mut eigenvalues = [0.0; 2];
    for k in 0..n_comps {
        if theta[k] <= 1e-12 * theta[0].max(0.0) || theta[k] <= 0.0 {
            continue;
        }
        eigenvalues[k] = theta[k];
        let mut c: Vec<f64> = ritz.chunks_exact(b).map(|r| r[k]).collect();
        // Sign: follow the start vector (a warm start keeps its orientation);
        // fall back to "first non-zero loading positive".
        let s = &starts[k.min(starts.len() - 1)];
        let d: f64 = c.iter().zip(s).map(|(a, b)| a * b).sum();
        let flip = if d.abs() > 1e-9 {
            d < 0.0
        } else {
            c.iter().find(|x| x.abs() > 1e-12).is_some_and(|&x| x < 0.0)
        };
        if flip {
            c.iter_mut().for_each(|x| *x = -*x);
        }
        comps[k] = c;
    }
    Pca {
        center,
        comps,
        eigenvalues,
        iterations,
        converged,
    }
}

/// Pol.is's sparsity-aware projection of every row: the dot product with
/// each component over the statements the participant voted on, scaled by
/// `sqrt(n_statements / max(n_votes, 1))` so sparse voters are not pulled to
/// the centre.
///
/// Quirk copied: Pol.is counts a moderated-out column as voted for everyone
/// (its rating matrix holds 0 there, not blank), so `n_votes` includes every
/// excluded column. It changes the scale of every participant's position; we
/// keep it so our positions and clusters match Pol.is's.
pub fn project_participants(
    m: &VoteMatrix,
    excluded: &[bool],
    pca: &Pca,
    threads: usize,
) -> Vec<[f64; 2]> {
    let nc = m.n_cols();
    let n_excluded = excluded.iter().filter(|&&e| e).count();
    let parts = par::map_chunks(m.n_rows(), par::chunk_len(m.n_rows()), threads, |rows| {
        rows.map(|i| {
            let (c, v) = m.row(i);
            let (mut p1, mut p2, mut n) = (0.0, 0.0, n_excluded);
            for (&j, &x) in c.iter().zip(v) {
                let j = j as usize;
                if excluded[j] {
                    continue;
                }
                let d = f64::from(x) - pca.center[j];
                p1 += d * pca.comps[0][j];
                p2 += d * pca.comps[1][j];
                n += 1;
            }
            let s = (nc as f64 / n.max(1) as f64).sqrt();
            [p1 * s, p2 * s]
        })
        .collect::<Vec<_>>()
    });
    parts.into_iter().flatten().collect()
}

/// Statement positions: the projection of a lone "agree" (internal −1) on the
/// statement, as Pol.is's `pca-project-cmnts` does.
pub fn comment_projection(pca: &Pca) -> Vec<[f64; 2]> {
    let nc = pca.center.len();
    let s = (nc as f64).sqrt();
    (0..nc)
        .map(|j| {
            let d = -1.0 - pca.center[j];
            [d * pca.comps[0][j] * s, d * pca.comps[1][j] * s]
        })
        .collect()
}

/// Length of each statement's position: how strongly it separates opinions.
pub fn comment_extremity(pca: &Pca) -> Vec<f64> {
    comment_projection(pca)
        .iter()
        .map(|p| (p[0] * p[0] + p[1] * p[1]).sqrt())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{Vote, VoteRecord};

    fn dense_top2(m: &VoteMatrix, excluded: &[bool]) -> (Vec<f64>, Vec<f64>, [f64; 2]) {
        // Dense reference: build XᵀX and take top eigenpairs via Jacobi.
        let nc = m.n_cols();
        let c = column_means(m, excluded);
        let mut a = vec![0.0; nc * nc];
        for i in 0..m.n_rows() {
            let mut x = vec![0.0; nc];
            for j in 0..nc {
                if let Some(v) = m.get(i, j) {
                    x[j] = if excluded[j] {
                        0.0
                    } else {
                        f64::from(v) - c[j]
                    };
                }
            }
            for p in 0..nc {
                for q in 0..nc {
                    a[p * nc + q] += x[p] * x[q];
                }
            }
        }
        let (vals, vecs) = sym_eigen(&a, nc);
        let v0 = (0..nc).map(|k| vecs[k * nc]).collect();
        let v1 = (0..nc).map(|k| vecs[k * nc + 1]).collect();
        (v0, v1, [vals[0], vals[1]])
    }

    fn sample() -> VoteMatrix {
        let r = det_uniform(7, 40 * 12);
        let mut v = Vec::new();
        for p in 0..40u64 {
            for t in 0..12u64 {
                let u = r[(p * 12 + t) as usize];
                if u.abs() < 0.2 {
                    continue; // blank
                }
                let lean = if p % 3 == t % 3 { 0.5 } else { -0.3 };
                let vote = if u + lean > 0.3 {
                    Vote::Agree
                } else if u + lean < -0.3 {
                    Vote::Disagree
                } else {
                    Vote::Pass
                };
                v.push(VoteRecord {
                    pid: p,
                    tid: t,
                    vote,
                    timestamp: 0,
                });
            }
        }
        VoteMatrix::from_votes(&v)
    }

    #[test]
    fn matches_dense_eigenvectors() {
        let m = sample();
        let mut excluded = vec![false; m.n_cols()];
        excluded[4] = true;
        let pca = fit(&m, &excluded, None, &PcaOptions::default(), 2);
        assert!(pca.converged);
        let (v0, v1, vals) = dense_top2(&m, &excluded);
        for (c, r) in [(&pca.comps[0], &v0), (&pca.comps[1], &v1)] {
            let d: f64 = c.iter().zip(r).map(|(a, b)| a * b).sum();
            assert!((d.abs() - 1.0).abs() < 1e-10, "dot {d}");
        }
        assert!((pca.eigenvalues[0] - vals[0]).abs() < 1e-9 * vals[0]);
        assert_eq!(pca.comps[0][4], 0.0);
        // sign follows the all-ones start
        assert!(pca.comps[0].iter().sum::<f64>() >= 0.0);
    }

    #[test]
    fn warm_start_keeps_orientation_and_threads_do_not_change_bits() {
        let m = sample();
        let ex = vec![false; m.n_cols()];
        let a = fit(&m, &ex, None, &PcaOptions::default(), 1);
        let flipped = [
            a.comps[0].iter().map(|x| -x).collect::<Vec<_>>(),
            a.comps[1].iter().map(|x| -x).collect::<Vec<_>>(),
        ];
        let b = fit(&m, &ex, Some(&flipped), &PcaOptions::default(), 3);
        let d: f64 = b.comps[0].iter().zip(&flipped[0]).map(|(x, y)| x * y).sum();
        assert!(d > 0.99);
        let c = fit(&m, &ex, None, &PcaOptions::default(), 3);
        assert_eq!(a, c);
    }

    #[test]
    fn projection_scaling_counts_excluded_columns() {
        let pca = Pca {
            center: vec![0.0, 0.5, 0.0],
            comps: [vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]],
            eigenvalues: [1.0, 1.0],
            iterations: 0,
            converged: true,
        };
        let m = VoteMatrix::from_votes(&[
            VoteRecord {
                pid: 0,
                tid: 0,
                vote: Vote::Disagree,
                timestamp: 0,
            },
            VoteRecord {
                pid: 0,
                tid: 1,
                vote: Vote::Agree,
                timestamp: 0,
            },
            VoteRecord {
                pid: 1,
                tid: 2,
                vote: Vote::Agree,
                timestamp: 0,
            },
        ]);
        let p = project_participants(&m, &[false, false, false], &pca, 1);
        assert!((p[0][0] - (1.5f64).sqrt()).abs() < 1e-15);
        assert!((p[0][1] + 1.5 * (1.5f64).sqrt()).abs() < 1e-15);
        // Excluding column 2 counts it as voted for everyone: pid 0 has 3.
        let p = project_participants(&m, &[false, false, true], &pca, 1);
        assert!((p[0][0] - 1.0).abs() < 1e-15);
        let e = comment_extremity(&pca);
        assert!((e[0] - 3f64.sqrt()).abs() < 1e-15);
    }
}
