//! The region tree: 省 → 市 → 县/区 → 街道/镇 → 村/社区.
use serde::{Deserialize, Serialize};

use crate::RegionId;
use crate::labels::labelled;

labelled!(
    /// The level of a node in the region tree.
    RegionLevel {
        Province => "province", "省";
        City => "city", "市";
        County => "county", "县/区";
        Township => "township", "街道/镇";
        Village => "village", "村/社区";
    }
);

impl RegionLevel {
    /// The level just below, or `None` for a village.
    pub fn child_level(&self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::City),
            RegionLevel::City => Some(RegionLevel::County),
            RegionLevel::County => Some(RegionLevel::Township),
            RegionLevel::Township => Some(RegionLevel::Village),
            RegionLevel::Village => None,
        }
    }
}

/// A region with its ancestors, root first, itself last.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegionPath(pub Vec<RegionId>);

impl RegionPath {
    /// The region itself (the last id); `None` for an empty path.
    pub fn id(&self) -> Option<RegionId> {
        self.0.last().copied()
    }

    /// True when `other` is this region or lies below it; an empty path covers nothing.
    pub fn covers(&self, other: &RegionPath) -> bool {
        !self.0.is_empty() && other.0.starts_with(&self.0)
    }

    /// "/1/5/12/": a prefix of every descendant's encoding, so one LIKE finds a subtree.
    pub fn encode(&self) -> String {
        let mut s = String::from("/");
        for id in &self.0 {
            s.push_str(&id.0.to_string());
            s.push('/');
        }
        s
    }

    /// Reads back what [`encode`](RegionPath::encode) wrote; only the canonical form.
    pub fn decode(s: &str) -> Option<RegionPath> {
        let inner = s.strip_prefix('/')?.strip_suffix('/')?;
        if inner.is_empty() {
            return None;
        }
        inner
            .split('/')
            // Only the canonical form, so decode(s).encode() == s ("/01/" and "/+1/" are refused).
            .map(|p| {
                p.parse()
                    .ok()
                    .filter(|n: &i64| n.to_string() == p)
                    .map(RegionId)
            })
            .collect::<Option<Vec<_>>>()
            .map(RegionPath)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ids: &[i64]) -> RegionPath {
        RegionPath(ids.iter().map(|i| RegionId(*i)).collect())
    }

    #[test]
    fn covers_self_and_below_only() {
        let county = p(&[1, 2, 3]);
        assert!(county.covers(&p(&[1, 2, 3])));
        assert!(county.covers(&p(&[1, 2, 3, 4, 5])));
        assert!(!county.covers(&p(&[1, 2, 7])));
        assert!(!county.covers(&p(&[1, 2])));
        assert!(!p(&[]).covers(&p(&[1])));
        // A sibling whose id starts with the same digits is not below.
        assert!(!p(&[1, 2, 3]).covers(&p(&[1, 2, 33])));
    }

    #[test]
    fn encoding_round_trips() {
        let x = p(&[1, 5, 12]);
        assert_eq!(x.encode(), "/1/5/12/");
        assert_eq!(RegionPath::decode("/1/5/12/"), Some(x));
        for bad in ["/", "", "1/5/", "/1/x/", "/1//2/", "/01/", "/+1/", "/1/5"] {
            assert_eq!(RegionPath::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn levels_chain_down_to_villages() {
        let mut l = RegionLevel::Province;
        let mut n = 1;
        while let Some(c) = l.child_level() {
            l = c;
            n += 1;
        }
        assert_eq!((l, n), (RegionLevel::Village, 5));
        for x in RegionLevel::ALL {
            assert_eq!(RegionLevel::parse(x.code()), Some(x));
        }
    }
}
