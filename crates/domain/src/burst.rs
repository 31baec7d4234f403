//! 刷票 caught in the act: many new phones from one network address
//! starting to vote within minutes. A village behind one carrier address
//! can look like that too, so a burst is only flagged to the convener, who
//! decides whether to leave it out of the opinion map.
use chrono::{DateTime, Duration, Utc};

/// Phones that must start voting from one address within [`BURST_MINUTES`]
/// before they are flagged: more than a family, fewer than a stuffing script.
pub const BURST_PHONES: usize = 20;

/// The window [`BURST_PHONES`] new phones must fall in.
pub const BURST_MINUTES: i64 = 10;

/// A phone (not an account) that started taking part in a deliberation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// Its network address, as a keyed hash (the address itself is not kept).
    pub origin: String,
    /// When it first voted.
    pub at: DateTime<Utc>,
}

/// A run of new phones from one address, close enough together to be a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Burst {
    /// The address they came from (as in [`Arrival::origin`]).
    pub origin: String,
    /// The first phone's first vote.
    pub from: DateTime<Utc>,
    /// The last phone's first vote.
    pub to: DateTime<Utc>,
    /// How many phones.
    pub phones: usize,
}

/// The bursts among these arrivals: for each address, every phone that
/// falls in some window of [`BURST_MINUTES`] holding at least
/// [`BURST_PHONES`] new phones; overlapping windows make one burst.
pub fn find_bursts(arrivals: &[Arrival]) -> Vec<Burst> {
    let window = Duration::minutes(BURST_MINUTES);
    let mut by_origin: std::collections::BTreeMap<&str, Vec<DateTime<Utc>>> = Default::default();
    for a in arrivals {
        by_origin.entry(&a.origin).or_default().push(a.at);
    }
    let mut bursts = Vec::new();
    for (origin, mut times) in by_origin {
        times.sort();
        let mut flagged = vec![false; times.len()];
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] - times[start] > window {
                start += 1;
            }
            if end + 1 - start >= BURST_PHONES {
                flagged[start..=end].fill(true);
            }
        }
        let mut i = 0;
        while i < times.len() {
            if !flagged[i] {
                i += 1;
                continue;
            }
            let first = i;
            while i < times.len() && flagged[i] {
                i += 1;
            }
            bursts.push(Burst {
                origin: origin.to_owned(),
                from: times[first],
                to: times[i - 1],
                phones: i - first,
            });
        }
    }
    bursts.sort_by_key(|b| b.from);
    bursts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64, second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + minute * 60 + second, 0).unwrap()
    }

    fn arrivals(origin: &str, times: impl IntoIterator<Item = DateTime<Utc>>) -> Vec<Arrival> {
        times
            .into_iter()
            .map(|at| Arrival {
                origin: origin.to_owned(),
                at,
            })
            .collect()
    }

    #[test]
    fn many_phones_from_one_address_within_minutes_are_a_burst() {
        let mut all = arrivals("script", (0..25).map(|i| at(0, i * 10)));
        // A village's evening: the same number, spread over two hours.
        all.extend(arrivals("village", (0..25).map(|i| at(i * 5, 0))));
        // Fewer than the threshold at once.
        all.extend(arrivals(
            "family",
            (0..BURST_PHONES as i64 - 1).map(|i| at(30, i)),
        ));
        let bursts = find_bursts(&all);
        assert_eq!(bursts.len(), 1, "{bursts:?}");
        let b = &bursts[0];
        assert_eq!((b.origin.as_str(), b.phones), ("script", 25));
        assert_eq!((b.from, b.to), (at(0, 0), at(0, 240)));
    }

    #[test]
    fn two_waves_apart_are_two_bursts_and_stragglers_are_left_out() {
        let mut times: Vec<_> = (0..20).map(|i| at(0, i)).collect();
        times.push(at(30, 0)); // a straggler between the waves
        times.extend((0..20).map(|i| at(60, i)));
        let bursts = find_bursts(&arrivals("x", times));
        assert_eq!(bursts.len(), 2, "{bursts:?}");
        assert!(bursts.iter().all(|b| b.phones == 20));
        assert_eq!(bursts[1].from, at(60, 0));
    }

    #[test]
    fn exactly_the_threshold_at_the_window_edge_counts() {
        let times = (0..BURST_PHONES as i64)
            .map(|i| at(0, 0) + (Duration::minutes(BURST_MINUTES) / 19) * i as i32);
        assert_eq!(find_bursts(&arrivals("x", times)).len(), 1);
        assert!(find_bursts(&[]).is_empty());
    }
}
