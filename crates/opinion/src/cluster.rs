//! Two-level clustering as Pol.is does it: k-means "base clusters" (k = 100)
//! over participant positions, then weighted k-means of the base-cluster
//! centres into 2–5 opinion groups, k chosen by silhouette and smoothed over
//! runs.
//!
//! Everything is deterministic: a cold start takes the first k distinct points
//! in row order (Pol.is's `init-clusters`), a warm start re-centres the
//! previous clusters on today's positions (Pol.is's `clean-start-clusters`).
//! Base clustering is at most O(n · k) per step, never O(n²) in
//! participants, and Hamerly's distance bounds skip most points once the
//! centres settle; a test checks the result equal to measuring every
//! distance on every step.

use crate::par;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A cluster: id, member ids (participant ids for base clusters, base-cluster
/// ids for groups) and centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub id: usize,
    pub members: Vec<u64>,
    pub center: [f64; 2],
}

/// Points to cluster: ids, positions and optional weights, index-aligned.
#[derive(Clone, Copy, Debug)]
pub struct Points<'a> {
    pub ids: &'a [u64],
    pub pos: &'a [[f64; 2]],
    pub weights: Option<&'a [f64]>,
}

impl Points<'_> {
    fn w(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

fn key(p: [f64; 2]) -> (u64, u64) {
    (p[0].to_bits(), p[1].to_bits())
}

/// Number of distinct positions.
pub fn distinct_count(pos: &[[f64; 2]]) -> usize {
    pos.iter().map(|&p| key(p)).collect::<BTreeSet<_>>().len()
}

/// Cold start: the first `k` distinct points in order, ids 0, 1, …
pub fn init_clusters(pos: &[[f64; 2]], k: usize) -> Vec<Cluster> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &p in pos {
        if out.len() == k {
            break;
        }
        if seen.insert(key(p)) {
            out.push(Cluster {
                id: out.len(),
                members: Vec::new(),
                center: p,
            });
        }
    }
    out
}

/// Weighted mean of the given point indices.
fn mean_of(pts: &Points, idx: impl Iterator<Item = usize>) -> Option<[f64; 2]> {
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    let mut any = false;
    for i in idx {
        let w = pts.w(i);
        sx += w * pts.pos[i][0];
        sy += w * pts.pos[i][1];
        sw += w;
        any = true;
    }
    (any && sw > 0.0).then(|| [sx / sw, sy / sw])
}

/// Re-centres clusters on the current positions of their members; members no
/// longer present are dropped, and so are clusters left empty.
fn recenter(pts: &Points, index: &BTreeMap<u64, usize>, clusters: Vec<Cluster>) -> Vec<Cluster> {
    clusters
        .into_iter()
        .filter_map(|mut c| {
            c.members.retain(|m| index.contains_key(m));
            let center = mean_of(pts, c.members.iter().map(|m| index[m]))?;
            c.center = center;
            Some(c)
        })
        .collect()
}

/// Warm start, after Pol.is's `clean-start-clusters`: re-centre the previous
/// clusters, merge any with identical centres, then split off the most distant
/// points as new clusters until there are `k` (or as many as distinct points).
pub fn clean_start(pts: &Points, previous: &[Cluster], k: usize) -> Vec<Cluster> {
    if previous.is_empty() {
        return init_clusters(pts.pos, k);
    }
    let index: BTreeMap<u64, usize> = pts.ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let mut clusters = recenter(pts, &index, previous.to_vec());
    if clusters.is_empty() {
        let id = previous.iter().map(|c| c.id).max().map_or(0, |m| m + 1);
        let Some(center) = mean_of(pts, 0..pts.ids.len()) else {
            return Vec::new();
        };
        return vec![Cluster {
            id,
            members: pts.ids.to_vec(),
            center,
        }];
    }
    // Merge clusters with identical centres (the larger one's id is kept).
    let mut uniq: Vec<Cluster> = Vec::new();
    for c in clusters.drain(..) {
        if let Some(u) = uniq.iter_mut().find(|u| key(u.center) == key(c.center)) {
            let id = if u.members.len() > c.members.len() {
                u.id
            } else {
                c.id
            };
            u.members.extend(c.members);
            u.id = id;
        } else {
            uniq.push(c);
        }
    }
    let possible = k.min(distinct_count(pts.pos));
    let mut clusters = uniq;
    for _guard in 0..=pts.ids.len() {
        clusters = recenter(pts, &index, clusters);
        if clusters.len() >= possible {
            break;
        }
        // Most distal point: farthest from its nearest centre (last on ties).
        let mut best: Option<(f64, usize)> = None;
        for (i, &p) in pts.pos.iter().enumerate() {
            let d = clusters
                .iter()
                .map(|c| dist(p, c.center))
                .fold(f64::INFINITY, f64::min);
            if best.is_none_or(|(bd, _)| d >= bd) {
                best = Some((d, i));
            }
        }
        let Some((d, i)) = best else { break };
        if d <= 0.0 {
            break;
        }
        let id = pts.ids[i];
        for c in &mut clusters {
            c.members.retain(|&m| m != id);
        }
        let new_id = clusters.iter().map(|c| c.id).max().map_or(0, |m| m + 1);
        clusters.push(Cluster {
            id: new_id,
            members: vec![id],
            center: pts.pos[i],
        });
    }
    clusters
}

/// Each point's nearest centre, with Hamerly's bounds: `upper` ≥ the
/// distance to its centre, `lower` ≤ the distance to any other centre.
/// Carried from one k-means step to the next, the bounds let most points keep
/// their centre without measuring a single distance once the centres settle,
/// which is most of Pol.is's up to 100 steps.
struct Nearest {
    assign: Vec<usize>,
    upper: Vec<f64>,
    lower: Vec<f64>,
}

/// Whether `u` is below `m` by more than floating-point error could explain,
/// so a point kept by the bounds is one a full search would also keep.
fn clearly_below(u: f64, m: f64) -> bool {
    u * (1.0 + 1e-9) + 1e-12 < m
}

/// Nearest and second-nearest squared distances of `p` among `centers`; on an
/// exact tie the lowest index wins.
///
/// Quirk decision: Pol.is resolves an exact distance tie by map iteration
/// order; we take the first cluster in the current order.
fn search(p: [f64; 2], centers: &[[f64; 2]]) -> (usize, f64, f64) {
    let (mut best, mut d1, mut d2) = (0, f64::INFINITY, f64::INFINITY);
    for (c, q) in centers.iter().enumerate() {
        let d = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
        if d < d1 {
            d2 = d1;
            d1 = d;
            best = c;
        } else if d < d2 {
            d2 = d;
        }
    }
    (best, d1, d2)
}

impl Nearest {
    /// The nearest centre of every point, using `prev` (bounds already
    /// moved to these centres) where it proves the answer.
    fn find(pts: &Points, centers: &[[f64; 2]], prev: Option<&Nearest>, threads: usize) -> Nearest {
        // Half the distance from each centre to its nearest other centre: a
        // point closer than that to its centre cannot be closer to another.
        let half: Vec<f64> = centers
            .iter()
            .enumerate()
            .map(|(c, &a)| {
                let near = centers
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != c)
                    .map(|(_, &b)| dist(a, b))
                    .fold(f64::INFINITY, f64::min);
                near / 2.0
            })
            .collect();
        let parts = par::map_chunks(pts.pos.len(), 8192, threads, |r| {
            r.map(|i| {
                let p = pts.pos[i];
                if let Some(b) = prev {
                    let a = b.assign[i];
                    let m = half[a].max(b.lower[i]);
                    if clearly_below(b.upper[i], m) {
                        return (a, b.upper[i], b.lower[i]);
                    }
                    let u = dist(p, centers[a]);
                    if clearly_below(u, m) {
                        return (a, u, b.lower[i]);
                    }
                }
                let (c, d1, d2) = search(p, centers);
                (c, d1.sqrt(), d2.sqrt())
            })
            .collect::<Vec<_>>()
        });
        let n = pts.pos.len();
        let mut out = Nearest {
            assign: Vec::with_capacity(n),
            upper: Vec::with_capacity(n),
            lower: Vec::with_capacity(n),
        };
        for (a, u, l) in parts.into_iter().flatten() {
            out.assign.push(a);
            out.upper.push(u);
            out.lower.push(l);
        }
        out
    }

    /// Loosens the bounds by how far each centre moved (same indices).
    fn moved(mut self, old: &[[f64; 2]], new: &[[f64; 2]]) -> Nearest {
        let drift: Vec<f64> = old.iter().zip(new).map(|(&a, &b)| dist(a, b)).collect();
        let (mut top, mut second) = ((0, 0.0f64), 0.0f64);
        for (c, &d) in drift.iter().enumerate() {
            if d > top.1 {
                second = top.1;
                top = (c, d);
            } else if d > second {
                second = d;
            }
        }
        for i in 0..self.assign.len() {
            let a = self.assign[i];
            self.upper[i] += drift[a];
            self.lower[i] -= if a == top.0 { second } else { top.1 };
        }
        self
    }
}

/// The (weighted) mean of each cluster's points; clusters left empty are
/// dropped. Members are not filled in (the loop needs only centres). Sums
/// run in point order, as the mean of a member list would add them.
fn recentre(pts: &Points, clusters: &[Cluster], assign: &[usize]) -> Vec<Cluster> {
    let mut sums = vec![(0.0f64, 0.0f64, 0.0f64, false); clusters.len()];
    for (i, &c) in assign.iter().enumerate() {
        let w = pts.w(i);
        let s = &mut sums[c];
        s.0 += w * pts.pos[i][0];
        s.1 += w * pts.pos[i][1];
        s.2 += w;
        s.3 = true;
    }
    clusters
        .iter()
        .zip(sums)
        .filter(|(_, (_, _, sw, any))| *any && *sw > 0.0)
        .map(|(c, (sx, sy, sw, _))| Cluster {
            id: c.id,
            members: Vec::new(),
            center: [sx / sw, sy / sw],
        })
        .collect()
}

/// Pol.is's convergence test: after sorting centres, every centre moved less
/// than `threshold` (pairs zipped, so a dropped cluster truncates the check).
pub fn same_clustering(a: &[Cluster], b: &[Cluster], threshold: f64) -> bool {
    let sorted = |c: &[Cluster]| {
        let mut v: Vec<[f64; 2]> = c.iter().map(|c| c.center).collect();
        v.sort_by(|x, y| x[0].total_cmp(&y[0]).then(x[1].total_cmp(&y[1])));
        v
    };
    sorted(a)
        .iter()
        .zip(sorted(b).iter())
        .all(|(x, y)| dist(*x, *y) < threshold)
}

/// k-means from the given starting clusters, at most `max_iters + 1` steps,
/// stopping when centres move less than 0.01. Result sorted by id.
pub fn kmeans(pts: &Points, init: Vec<Cluster>, max_iters: usize, threads: usize) -> Vec<Cluster> {
    if init.is_empty() || pts.pos.is_empty() {
        return Vec::new();
    }
    let mut clusters = init;
    let mut bounds: Option<Nearest> = None;
    let mut iter = max_iters;
    loop {
        let centers: Vec<[f64; 2]> = clusters.iter().map(|c| c.center).collect();
        let near = Nearest::find(pts, &centers, bounds.as_ref(), threads);
        let mut new = recentre(pts, &clusters, &near.assign);
        if iter == 0 || same_clustering(&clusters, &new, 0.01) {
            // Points of a dropped (zero-weight) cluster belong to none.
            let at: BTreeMap<usize, usize> =
                new.iter().enumerate().map(|(k, c)| (c.id, k)).collect();
            for (i, &c) in near.assign.iter().enumerate() {
                if let Some(&k) = at.get(&clusters[c].id) {
                    new[k].members.push(pts.ids[i]);
                }
            }
            new.sort_by_key(|c| c.id);
            return new;
        }
        // Bounds carry over while the centres keep their indices.
        bounds = (new.len() == clusters.len()).then(|| {
            let moved: Vec<[f64; 2]> = new.iter().map(|c| c.center).collect();
            near.moved(&centers, &moved)
        });
        clusters = new;
        iter -= 1;
    }
}

/// Largest group count tried: `min(max_k, 2 + n_base / 12)`.
pub fn max_k(n_base: usize, max_max_k: usize) -> usize {
    max_max_k.min(2 + n_base / 12)
}

/// Mean silhouette over base clusters of a grouping, from distances between
/// base-cluster centres (unweighted, as in Pol.is). A member of a one-member
/// group scores 0. A grouping with fewer than two groups scores −1 (Pol.is
/// would fail there), so it is never preferred to a real split.
pub fn silhouette(base: &[Cluster], groups: &[Cluster]) -> f64 {
    BaseDistances::new(base).silhouette(groups)
}

/// Distances between base-cluster centres, measured once for the silhouette
/// of every k (Pol.is's `bucket-dists`).
pub struct BaseDistances {
    /// Base-cluster id → row of `d`.
    at: BTreeMap<u64, usize>,
    n: usize,
    d: Vec<f64>,
}

impl BaseDistances {
    pub fn new(base: &[Cluster]) -> BaseDistances {
        let n = base.len();
        let mut d = Vec::with_capacity(n * n);
        for a in base {
            d.extend(base.iter().map(|b| dist(a.center, b.center)));
        }
        BaseDistances {
            at: base
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id as u64, i))
                .collect(),
            n,
            d,
        }
    }

    /// The mean silhouette of a grouping of these base clusters.
    pub fn silhouette(&self, groups: &[Cluster]) -> f64 {
        if groups.len() < 2 {
            return -1.0;
        }
        let rows: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| g.members.iter().map(|m| self.at[m]).collect())
            .collect();
        let mut total = 0.0;
        let mut n = 0usize;
        for (gi, g) in rows.iter().enumerate() {
            for &m in g {
                n += 1;
                if g.len() == 1 {
                    continue;
                }
                let to = &self.d[m * self.n..(m + 1) * self.n];
                let mean_to = |h: &Vec<usize>| {
                    let (s, c) = h
                        .iter()
                        .filter(|&&o| o != m)
                        .fold((0.0, 0usize), |(s, c), &o| (s + to[o], c + 1));
                    s / c as f64
                };
                let a = mean_to(g);
                let b = rows
                    .iter()
                    .enumerate()
                    .filter(|&(hi, _)| hi != gi)
                    .map(|(_, h)| mean_to(h))
                    .fold(f64::INFINITY, f64::min);
                let mx = a.max(b);
                if mx > 0.0 {
                    total += (b - a) / mx;
                }
            }
        }
        if n == 0 { -1.0 } else { total / n as f64 }
    }
}

/// Pol.is's k smoother: a new best k replaces the current one only after it
/// has been best `buffer` runs in a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KSmoother {
    pub last_k: usize,
    pub last_k_count: usize,
    pub smoothed_k: usize,
}

impl KSmoother {
    pub fn update(previous: Option<&KSmoother>, this_k: usize, buffer: usize) -> KSmoother {
        let same = previous.is_some_and(|p| p.last_k == this_k);
        let count = if same {
            previous.map_or(1, |p| p.last_k_count + 1)
        } else {
            1
        };
        let smoothed_k = if count >= buffer {
            this_k
        } else {
            previous.map_or(this_k, |p| p.smoothed_k)
        };
        KSmoother {
            last_k: this_k,
            last_k_count: count,
            smoothed_k,
        }
    }
}

/// Best k by silhouette. Quirk copied: Pol.is's `max-key` keeps the last of
/// equal maxima, so a tie goes to the larger k.
pub fn best_k(silhouettes: &BTreeMap<usize, f64>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (&k, &s) in silhouettes {
        if best.is_none_or(|(_, bs)| s >= bs) {
            best = Some((k, s));
        }
    }
    best.map(|b| b.0)
}

/// Group clusterings for every k in 2..=max_k over base clusters, weighted by
/// base-cluster size. `previous` warm-starts each k from the last run's
/// clustering for that k.
///
/// Quirk copied: Pol.is passes its 100-iteration group setting under a key
/// `kmeans` never reads, so groups get the default 20; `iters` defaults to 20.
pub fn group_clusterings(
    base: &[Cluster],
    max_max_k: usize,
    iters: usize,
    previous: Option<&BTreeMap<usize, Vec<Cluster>>>,
) -> BTreeMap<usize, Vec<Cluster>> {
    let ids: Vec<u64> = base.iter().map(|c| c.id as u64).collect();
    let pos: Vec<[f64; 2]> = base.iter().map(|c| c.center).collect();
    let weights: Vec<f64> = base.iter().map(|c| c.members.len() as f64).collect();
    let pts = Points {
        ids: &ids,
        pos: &pos,
        weights: Some(&weights),
    };
    (2..=max_k(base.len(), max_max_k))
        .map(|k| {
            let init = match previous.and_then(|p| p.get(&k)) {
                Some(prev) if !prev.is_empty() => clean_start(&pts, prev, k),
                _ => init_clusters(&pos, k),
            };
            (k, kmeans(&pts, init, iters, 1))
        })
        .collect()
}

#[cfg(test)]
mod tests;
