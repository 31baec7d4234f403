//! Clustering checked on blobs with known groups and against measuring every distance.
use super::*;

fn blobs() -> (Vec<u64>, Vec<[f64; 2]>) {
    let mut ids = Vec::new();
    let mut pos = Vec::new();
    let r = crate::pca::det_uniform(3, 600);
    for i in 0..300 {
        let c = [[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]][i % 3];
        ids.push(i as u64);
        pos.push([c[0] + r[2 * i], c[1] + r[2 * i + 1]]);
    }
    (ids, pos)
}

/// k-means as written in Pol.is: every point measured against every
/// centre on every step (lowest index on a tie), empty clusters dropped.
fn plain_kmeans(pts: &Points, init: Vec<Cluster>, max_iters: usize) -> Vec<Cluster> {
    let mut clusters = init;
    let mut iter = max_iters;
    loop {
        let centers: Vec<[f64; 2]> = clusters.iter().map(|c| c.center).collect();
        let mut members = vec![Vec::new(); clusters.len()];
        for (i, &p) in pts.pos.iter().enumerate() {
            members[search(p, &centers).0].push(i);
        }
        let mut new: Vec<Cluster> = clusters
            .iter()
            .zip(&members)
            .filter_map(|(c, m)| {
                Some(Cluster {
                    id: c.id,
                    members: m.iter().map(|&i| pts.ids[i]).collect(),
                    center: mean_of(pts, m.iter().copied())?,
                })
            })
            .collect();
        if iter == 0 || same_clustering(&clusters, &new, 0.01) {
            new.sort_by_key(|c| c.id);
            return new;
        }
        clusters = new;
        iter -= 1;
    }
}

#[test]
fn bounds_give_the_same_clusters_as_measuring_everything() {
    // Overlapping blobs, a grid of exact ties and duplicate points: many
    // steps, points changing cluster late, and equal distances.
    let r = crate::pca::det_uniform(11, 8000);
    let mut pos: Vec<[f64; 2]> = (0..4000)
        .map(|i| {
            let c = [[0.0, 0.0], [1.5, 0.5], [0.7, 1.8], [3.0, 3.0]][i % 4];
            [
                c[0] + r[2 * i] * (1.0 + (i % 7) as f64),
                c[1] + r[2 * i + 1],
            ]
        })
        .collect();
    pos.extend((0..400).map(|i| [(i % 20) as f64 * 0.25, (i / 20) as f64 * 0.25]));
    pos.extend((0..50).map(|_| [0.5, 0.5]));
    let ids: Vec<u64> = (0..pos.len() as u64).collect();
    let w: Vec<f64> = (0..pos.len()).map(|i| 1.0 + (i % 3) as f64).collect();
    for weights in [None, Some(&w[..])] {
        let pts = Points {
            ids: &ids,
            pos: &pos,
            weights,
        };
        for k in [2, 7, 100] {
            let init = init_clusters(&pos, k);
            for threads in [1, 2] {
                let fast = kmeans(&pts, init.clone(), 100, threads);
                assert_eq!(fast, plain_kmeans(&pts, init.clone(), 100), "k {k}");
            }
        }
    }
}

#[test]
fn cold_start_takes_first_distinct_points() {
    let pos = [[1.0, 1.0], [1.0, 1.0], [2.0, 0.0], [3.0, 0.0]];
    let c = init_clusters(&pos, 2);
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].center, [2.0, 0.0]);
    assert_eq!(distinct_count(&pos), 3);
}

#[test]
fn kmeans_separates_blobs_and_groups_pick_three() {
    let (ids, pos) = blobs();
    let pts = Points {
        ids: &ids,
        pos: &pos,
        weights: None,
    };
    let base = kmeans(&pts, init_clusters(&pos, 100), 100, 2);
    assert!(base.len() <= 100 && base.len() > 50);
    assert_eq!(base.iter().map(|c| c.members.len()).sum::<usize>(), 300);
    let groups = group_clusterings(&base, 5, 20, None);
    assert_eq!(groups.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4, 5]);
    let sil: BTreeMap<usize, f64> = groups
        .iter()
        .map(|(&k, g)| (k, silhouette(&base, g)))
        .collect();
    assert_eq!(best_k(&sil), Some(3));
    // warm start from itself is stable
    let again = group_clusterings(&base, 5, 20, Some(&groups));
    let a: BTreeSet<Vec<u64>> = again[&3].iter().map(|c| c.members.clone()).collect();
    let b: BTreeSet<Vec<u64>> = groups[&3].iter().map(|c| c.members.clone()).collect();
    assert_eq!(a, b);
}

#[test]
fn clean_start_splits_off_distal_points_and_merges_duplicates() {
    let ids = [10, 11, 12, 13];
    let pos = [[0.0, 0.0], [0.0, 0.1], [9.0, 9.0], [9.0, 9.1]];
    let pts = Points {
        ids: &ids,
        pos: &pos,
        weights: None,
    };
    let prev = vec![
        Cluster {
            id: 4,
            members: vec![10, 11, 12, 13, 99],
            center: [0.0, 0.0],
        },
        Cluster {
            id: 7,
            members: vec![],
            center: [1.0, 1.0],
        },
    ];
    let c = clean_start(&pts, &prev, 2);
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].id, 5);
    assert_eq!(c[1].members.len(), 1);
}

#[test]
fn smoother_needs_four_wins() {
    let mut s = KSmoother::update(None, 3, 4);
    assert_eq!(s.smoothed_k, 3);
    for expect in [3, 3, 3, 2] {
        s = KSmoother::update(Some(&s), 2, 4);
        assert_eq!(s.smoothed_k, expect);
    }
    let sil: BTreeMap<usize, f64> = [(2, 0.5), (3, 0.5)].into_iter().collect();
    assert_eq!(
        best_k(&sil),
        Some(3),
        "ties go to the larger k, as in Pol.is"
    );
    assert_eq!(max_k(23, 5), 3);
    assert_eq!(max_k(100, 5), 5);
}

#[test]
fn silhouette_singleton_and_degenerate() {
    let base = vec![
        Cluster {
            id: 0,
            members: vec![1],
            center: [0.0, 0.0],
        },
        Cluster {
            id: 1,
            members: vec![2],
            center: [0.0, 1.0],
        },
        Cluster {
            id: 2,
            members: vec![3],
            center: [10.0, 0.0],
        },
    ];
    let g = vec![
        Cluster {
            id: 0,
            members: vec![0, 1],
            center: [0.0, 0.5],
        },
        Cluster {
            id: 1,
            members: vec![2],
            center: [10.0, 0.0],
        },
    ];
    let s = silhouette(&base, &g);
    let b0 = 10.0;
    let b1 = (100.0f64 + 1.0).sqrt();
    let expect = ((b0 - 1.0) / b0 + (b1 - 1.0) / b1 + 0.0) / 3.0;
    assert!((s - expect).abs() < 1e-12);
    assert_eq!(silhouette(&base, &g[..1]), -1.0);
}
