//! Deterministic data parallelism over row ranges with `std::thread::scope`.
//!
//! Work is cut into chunks whose boundaries depend only on the problem size,
//! never on the thread count, and results come back in chunk order. Floating
//! point reductions therefore add in the same order on 1 or 8 threads, and
//! the output is bit-identical whatever machine runs it.

use std::ops::Range;

/// Rows per chunk for a problem of `n` rows (at most 64 chunks).
pub(crate) fn chunk_len(n: usize) -> usize {
    n.div_ceil(64).max(2048)
}

/// Resolves a thread-count option: 0 means "all available cores".
pub(crate) fn threads(opt: usize) -> usize {
    if opt > 0 {
        opt
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Applies `f` to consecutive ranges of `0..n` of `chunk` rows each, on up to
/// `threads` threads, returning the results in range order.
pub(crate) fn map_chunks<T, F>(n: usize, chunk: usize, threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(Range<usize>) -> T + Sync,
{
    let chunk = chunk.max(1);
    let ranges: Vec<Range<usize>> = (0..n.div_ceil(chunk))
        .map(|c| c * chunk..((c + 1) * chunk).min(n))
        .collect();
    let threads = threads.clamp(1, ranges.len().max(1));
    if threads == 1 {
        return ranges.into_iter().map(&f).collect();
    }
    let f = &f;
    let ranges = &ranges;
    let mut parts: Vec<(usize, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..ranges.len())
                        .step_by(threads)
                        .map(|c| (c, f(ranges[c].clone())))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(e) => std::panic::resume_unwind(e),
            })
            .collect()
    });
    parts.sort_by_key(|p| p.0);
    parts.into_iter().map(|p| p.1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_independent_of_threads() {
        let one = map_chunks(10_000, 777, 1, |r| r.map(|i| i as f64 * 0.1).sum::<f64>());
        let four = map_chunks(10_000, 777, 4, |r| r.map(|i| i as f64 * 0.1).sum::<f64>());
        assert_eq!(one, four);
        assert_eq!(one.len(), 13);
        assert!(map_chunks(0, 5, 3, |r| r.len()).is_empty());
    }
}
