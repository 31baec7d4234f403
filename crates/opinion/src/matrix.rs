//! The vote matrix: participants × statements, stored sparsely (CSR).
//!
//! Votes are sparse (a participant sees a small share of the statements), so
//! only cast votes are stored. Values use Pol.is's *internal* sign
//! (agree = −1, disagree = +1, pass = 0) because every formula of the
//! math is written against that sign; exports flip it (agree = +1).

use serde::{Deserialize, Serialize};

/// Internal value of an agree vote (Pol.is math sign).
pub const AGREE: i8 = -1;
/// Internal value of a disagree vote (Pol.is math sign).
pub const DISAGREE: i8 = 1;
/// Internal value of a pass.
pub const PASS: i8 = 0;

/// One vote choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vote {
    Agree,
    Disagree,
    Pass,
}

impl Vote {
    /// Sign inside the math (agree = −1).
    pub fn internal(self) -> i8 {
        match self {
            Vote::Agree => AGREE,
            Vote::Disagree => DISAGREE,
            Vote::Pass => PASS,
        }
    }

    /// Sign used by exports, CSV files and `votes.json` (agree = +1).
    pub fn export_sign(self) -> i8 {
        -self.internal()
    }

    /// Parses the export sign (agree = +1, disagree = −1, pass = 0).
    pub fn from_export_sign(v: i64) -> Option<Vote> {
        match v {
            1 => Some(Vote::Agree),
            -1 => Some(Vote::Disagree),
            0 => Some(Vote::Pass),
            _ => None,
        }
    }

    /// Parses the internal sign (agree = −1).
    pub fn from_internal(v: i8) -> Option<Vote> {
        Vote::from_export_sign(-i64::from(v))
    }
}

/// One vote event as stored or exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRecord {
    pub pid: u64,
    pub tid: u64,
    pub vote: Vote,
    /// Milliseconds since the epoch; decides which of several votes wins.
    pub timestamp: i64,
}

/// Distinct ids in ascending order, with a fast id → position lookup: a
/// direct table when the ids are dense (as participant and statement ids
/// are, counted from 0), otherwise binary search.
pub struct DenseIds {
    ids: Vec<u64>,
    /// `table[id]` = position, `u32::MAX` when absent; empty when sparse.
    table: Vec<u32>,
}

impl DenseIds {
    pub fn new(ids: impl ExactSizeIterator<Item = u64> + Clone) -> DenseIds {
        let n = ids.len();
        let max = ids.clone().max().unwrap_or(0);
        // A table costs 4 bytes per possible id: allowed while it stays
        // within a few times the input's own size.
        let dense = usize::try_from(max).is_ok_and(|m| m <= 4 * n + 1024);
        if !dense {
            let mut v: Vec<u64> = ids.collect();
            v.sort_unstable();
            v.dedup();
            return DenseIds {
                ids: v,
                table: Vec::new(),
            };
        }
        let mut table = vec![u32::MAX; max as usize + 1];
        for id in ids {
            table[id as usize] = 0;
        }
        let mut v = Vec::new();
        for (id, slot) in table.iter_mut().enumerate() {
            if *slot == 0 {
                *slot = u32::try_from(v.len()).expect("more than u32::MAX ids");
                v.push(id as u64);
            }
        }
        DenseIds { ids: v, table }
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Position of `id` among the ids (it must be one of them).
    pub fn position(&self, id: u64) -> usize {
        if self.table.is_empty() {
            self.ids.binary_search(&id).unwrap_or_default()
        } else {
            self.table[id as usize] as usize
        }
    }
}

/// A vote log sorted once by (participant, statement, time, position in the
/// log) — what both the matrix and the in-conv replay start from. Votes are
/// bucketed by participant in one pass (a counting sort), then each
/// participant's few votes are sorted; the keys are kept contiguous so the
/// sorts do not chase the votes.
pub struct SortedLog<'a> {
    pub votes: &'a [VoteRecord],
    /// (pid, tid, timestamp, index into `votes`), ascending.
    pub keys: Vec<(u64, u64, i64, usize)>,
    /// The participants (matrix rows) and statements (columns).
    pub pids: DenseIds,
    pub tids: DenseIds,
}

impl<'a> SortedLog<'a> {
    pub fn new(votes: &'a [VoteRecord]) -> SortedLog<'a> {
        let pids = DenseIds::new(votes.iter().map(|v| v.pid));
        let tids = DenseIds::new(votes.iter().map(|v| v.tid));
        let rows: Vec<usize> = votes.iter().map(|v| pids.position(v.pid)).collect();
        let mut start = vec![0usize; pids.len() + 1];
        for &r in &rows {
            start[r + 1] += 1;
        }
        for r in 0..pids.len() {
            start[r + 1] += start[r];
        }
        let mut next = start.clone();
        let mut keys = vec![(0, 0, 0, 0); votes.len()];
        for (i, (v, &r)) in votes.iter().zip(&rows).enumerate() {
            keys[next[r]] = (v.pid, v.tid, v.timestamp, i);
            next[r] += 1;
        }
        for w in start.windows(2) {
            keys[w[0]..w[1]].sort_unstable();
        }
        SortedLog {
            votes,
            keys,
            pids,
            tids,
        }
    }

    /// Rows of the log's matrix (participants in id order) in the order
    /// participants first voted, ties by id. Pol.is's rows follow first
    /// appearance, and its cold-start clusters take the first points in row
    /// order, so this is the order clustering visits participants in.
    pub fn appearance_order(&self) -> Vec<usize> {
        let mut first: Vec<(i64, usize)> = Vec::new();
        let mut last_pid = None;
        for &(pid, _, ts, _) in &self.keys {
            if last_pid != Some(pid) {
                last_pid = Some(pid);
                first.push((ts, first.len()));
            } else if let Some(f) = first.last_mut() {
                f.0 = f.0.min(ts);
            }
        }
        first.sort_unstable();
        first.into_iter().map(|(_, row)| row).collect()
    }
}

/// Sparse participants × statements matrix of the latest vote per pair.
///
/// Rows are sorted by participant id and columns by statement id, so the
/// matrix (and everything computed from it) does not depend on the order in
/// which votes arrive. Pol.is orders by first appearance; its exports list
/// statements in id order, which is what we reproduce. Where Pol.is's row
/// order matters (which points seed a cold start's clusters), the order
/// participants first voted is taken from the log
/// ([`SortedLog::appearance_order`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VoteMatrix {
    pids: Vec<u64>,
    tids: Vec<u64>,
    row_ptr: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<i8>,
}

impl VoteMatrix {
    /// Builds the matrix; for a repeated (participant, statement) the vote with
    /// the latest timestamp wins, and among equal timestamps the later record.
    pub fn from_votes(votes: &[VoteRecord]) -> VoteMatrix {
        VoteMatrix::from_log(&SortedLog::new(votes))
    }

    /// The matrix of an already sorted log: the last vote of each
    /// (participant, statement) run wins.
    pub fn from_log(log: &SortedLog) -> VoteMatrix {
        let (votes, keys) = (log.votes, &log.keys);
        let order = keys
            .iter()
            .enumerate()
            .filter(|(n, k)| {
                keys.get(n + 1)
                    .is_none_or(|next| (next.0, next.1) != (k.0, k.1))
            })
            .map(|(_, k)| k.3);
        let mut pids = Vec::new();
        let mut row_ptr = vec![0];
        let mut cols = Vec::with_capacity(keys.len());
        let mut vals = Vec::with_capacity(keys.len());
        for idx in order {
            let v = &votes[idx];
            if pids.last() != Some(&v.pid) {
                if !pids.is_empty() {
                    row_ptr.push(cols.len());
                }
                pids.push(v.pid);
            }
            let j = log.tids.position(v.tid);
            cols.push(u32::try_from(j).expect("more than u32::MAX statements"));
            vals.push(v.vote.internal());
        }
        if !pids.is_empty() {
            row_ptr.push(cols.len());
        }
        VoteMatrix {
            pids,
            tids: log.tids.ids().to_vec(),
            row_ptr,
            cols,
            vals,
        }
    }

    /// Builds directly from sorted CSR parts (used by the synthetic generator).
    /// Each row's columns must be strictly increasing and below `tids.len()`.
    pub fn from_csr(
        pids: Vec<u64>,
        tids: Vec<u64>,
        row_ptr: Vec<usize>,
        cols: Vec<u32>,
        vals: Vec<i8>,
    ) -> Result<VoteMatrix, crate::Error> {
        let ok = row_ptr.len() == pids.len() + 1
            && row_ptr.first() == Some(&0)
            && row_ptr.last() == Some(&cols.len())
            && cols.len() == vals.len()
            && row_ptr.windows(2).all(|w| w[0] <= w[1])
            && (0..pids.len()).all(|i| {
                let c = &cols[row_ptr[i]..row_ptr[i + 1]];
                c.windows(2).all(|w| w[0] < w[1]) && c.iter().all(|&j| (j as usize) < tids.len())
            })
            && vals.iter().all(|v| (-1..=1).contains(v));
        if !ok {
            return Err(crate::Error::Format("inconsistent CSR vote matrix".into()));
        }
        Ok(VoteMatrix {
            pids,
            tids,
            row_ptr,
            cols,
            vals,
        })
    }

    pub fn n_rows(&self) -> usize {
        self.pids.len()
    }

    pub fn n_cols(&self) -> usize {
        self.tids.len()
    }

    /// Number of stored (non-blank) votes.
    pub fn nnz(&self) -> usize {
        self.cols.len()
    }

    /// Participant ids, one per row.
    pub fn pids(&self) -> &[u64] {
        &self.pids
    }

    /// Statement ids, one per column.
    pub fn tids(&self) -> &[u64] {
        &self.tids
    }

    /// Column indices and internal vote values of row `i`.
    pub fn row(&self, i: usize) -> (&[u32], &[i8]) {
        let (a, b) = (self.row_ptr[i], self.row_ptr[i + 1]);
        (&self.cols[a..b], &self.vals[a..b])
    }

    /// Number of non-blank votes of row `i`.
    pub fn row_len(&self, i: usize) -> usize {
        self.row_ptr[i + 1] - self.row_ptr[i]
    }

    pub fn row_of(&self, pid: u64) -> Option<usize> {
        self.pids.binary_search(&pid).ok()
    }

    pub fn col_of(&self, tid: u64) -> Option<usize> {
        self.tids.binary_search(&tid).ok()
    }

    /// The internal vote value at (row, col), `None` when blank.
    pub fn get(&self, i: usize, j: usize) -> Option<i8> {
        let (c, v) = self.row(i);
        let j = u32::try_from(j).ok()?;
        c.binary_search(&j).ok().map(|k| v[k])
    }

    /// Boolean mask over columns of the given statement ids.
    pub fn column_mask(&self, tids: impl IntoIterator<Item = u64>) -> Vec<bool> {
        let mut mask = vec![false; self.n_cols()];
        for t in tids {
            if let Some(j) = self.col_of(t) {
                mask[j] = true;
            }
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pid: u64, tid: u64, vote: Vote, timestamp: i64) -> VoteRecord {
        VoteRecord {
            pid,
            tid,
            vote,
            timestamp,
        }
    }

    #[test]
    fn latest_vote_wins_and_order_is_by_id() {
        let m = VoteMatrix::from_votes(&[
            rec(5, 9, Vote::Agree, 10),
            rec(2, 3, Vote::Pass, 1),
            rec(5, 9, Vote::Disagree, 20),
            rec(5, 3, Vote::Agree, 30),
            rec(5, 3, Vote::Pass, 5), // older: ignored
        ]);
        assert_eq!(m.pids(), &[2, 5]);
        assert_eq!(m.tids(), &[3, 9]);
        assert_eq!(m.get(1, 1), Some(DISAGREE));
        assert_eq!(m.get(1, 0), Some(AGREE));
        assert_eq!(m.get(0, 0), Some(PASS));
        assert_eq!(m.get(0, 1), None);
        assert_eq!(m.nnz(), 3);
    }

    #[test]
    fn appearance_order_follows_first_votes() {
        let votes = [
            rec(1, 1, Vote::Agree, 50),
            rec(7, 1, Vote::Agree, 30),
            rec(4, 2, Vote::Pass, 40),
            rec(4, 1, Vote::Agree, 60),
            rec(1, 2, Vote::Agree, 10), // pid 1's first vote
            rec(9, 1, Vote::Agree, 30), // tie with pid 7: id order
        ];
        let log = SortedLog::new(&votes);
        let m = VoteMatrix::from_log(&log);
        assert_eq!(m.pids(), &[1, 4, 7, 9]);
        assert_eq!(log.appearance_order(), vec![0, 2, 3, 1]);
    }

    #[test]
    fn counting_sort_equals_a_plain_sort() {
        let r = crate::pca::det_uniform(5, 3 * 5000);
        for spread in [50.0, 1e15] {
            // Dense ids (the table) and sparse ones (binary search), with
            // re-votes and equal times.
            let votes: Vec<VoteRecord> = (0..5000)
                .map(|i| {
                    let pid = ((r[3 * i] + 1.0) * spread) as u64;
                    let tid = ((r[3 * i + 1] + 1.0) * 10.0) as u64;
                    let t = ((r[3 * i + 2] + 1.0) * 20.0) as i64;
                    rec(pid, tid, Vote::Agree, t)
                })
                .collect();
            let log = SortedLog::new(&votes);
            let mut plain: Vec<(u64, u64, i64, usize)> = votes
                .iter()
                .enumerate()
                .map(|(i, v)| (v.pid, v.tid, v.timestamp, i))
                .collect();
            plain.sort_unstable();
            assert_eq!(log.keys, plain);
            let mut pids: Vec<u64> = votes.iter().map(|v| v.pid).collect();
            pids.sort_unstable();
            pids.dedup();
            assert_eq!(log.pids.ids(), &pids[..]);
            assert!(
                pids.iter()
                    .enumerate()
                    .all(|(i, &p)| log.pids.position(p) == i)
            );
        }
    }

    #[test]
    fn sign_conventions() {
        assert_eq!(Vote::Agree.internal(), -1);
        assert_eq!(Vote::Agree.export_sign(), 1);
        assert_eq!(Vote::from_export_sign(-1), Some(Vote::Disagree));
        assert_eq!(Vote::from_internal(-1), Some(Vote::Agree));
        assert_eq!(Vote::from_export_sign(2), None);
    }

    #[test]
    fn csr_validation() {
        assert!(
            VoteMatrix::from_csr(vec![1], vec![1, 2], vec![0, 2], vec![1, 0], vec![1, 1]).is_err()
        );
        assert!(
            VoteMatrix::from_csr(vec![1], vec![1, 2], vec![0, 2], vec![0, 1], vec![1, -1]).is_ok()
        );
    }
}
