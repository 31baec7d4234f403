//! 上会研究 as a record: the leadership meeting (date, who attended) at which
//! each consultation opinion is ruled on by itself — adopted, partly adopted
//! (saying which part) or not adopted (with a reason the public reads), each
//! with its own 批示.
use chrono::NaiveDate;

use crate::{Actor, AdoptedPart, Decision, DomainError, Instructions, Reason, RegionPath};

/// The leadership meeting a ruling is made at, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSessionRef {
    /// The region whose leadership met; it covers the topics it rules on.
    pub region: RegionPath,
    /// The day it was held.
    pub held_on: NaiveDate,
}

/// What the leadership decided on one opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruling {
    /// Adopted, partly adopted or not.
    pub decision: Decision,
    /// Partly adopted: which part (the tasks carry this part out).
    pub part: Option<AdoptedPart>,
    /// Not adopted: why, for residents and the public to read.
    pub reason: Option<Reason>,
    /// Leadership's 批示; may be empty.
    pub instructions: Instructions,
}

impl Ruling {
    /// A ruling with what its decision needs: 部分采纳 names the part,
    /// 不予采纳 gives a reason; the other field is dropped.
    pub fn new(
        decision: Decision,
        part: Option<AdoptedPart>,
        reason: Option<Reason>,
        instructions: Instructions,
    ) -> Result<Self, DomainError> {
        let missing = |field, message: &str| DomainError::Invalid {
            field,
            message: message.to_owned(),
        };
        let (part, reason) = match decision {
            Decision::Adopt => (None, None),
            Decision::PartlyAdopt => (
                Some(part.ok_or_else(|| missing("part", "部分采纳请写明采纳哪一部分"))?),
                None,
            ),
            Decision::NotAdopt => (
                None,
                Some(reason.ok_or_else(|| missing("reason", "不予采纳请写明理由（群众可见）"))?),
            ),
        };
        Ok(Ruling {
            decision,
            part,
            reason,
            instructions,
        })
    }
}

/// A leader records a leadership meeting of a region they lead.
pub fn plan_review_session(actor: &Actor, region: &RegionPath) -> Result<(), DomainError> {
    if actor.leads(region) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// A ruling is made at a meeting that has been held, by the leadership of
/// the topic's region or one above it.
pub(crate) fn check_session(
    session: &ReviewSessionRef,
    topic_region: &RegionPath,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if !session.region.covers(topic_region) {
        return Err(DomainError::Invalid {
            field: "session",
            message: "这次上会研究会议不属于本议题所在区域".into(),
        });
    }
    if session.held_on > today {
        return Err(DomainError::Invalid {
            field: "session",
            message: "这次上会研究会议尚未召开".into(),
        });
    }
    Ok(())
}

/// The topic's decision once every opinion is ruled on: 采纳 if all are,
/// 不予采纳 if none is, otherwise 部分采纳. `None` while any is still open.
pub fn overall_decision(rulings: &[Option<Decision>]) -> Option<Decision> {
    let decided: Option<Vec<Decision>> = rulings.iter().copied().collect();
    let decided = decided.filter(|d| !d.is_empty())?;
    Some(if decided.iter().all(|d| *d == Decision::Adopt) {
        Decision::Adopt
    } else if decided.iter().all(|d| *d == Decision::NotAdopt) {
        Decision::NotAdopt
    } else {
        Decision::PartlyAdopt
    })
}

/// Whether an opinion so ruled may become tasks.
pub fn dispatchable(decision: Option<Decision>) -> bool {
    matches!(decision, Some(Decision::Adopt | Decision::PartlyAdopt))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> Option<Reason> {
        Some(Reason::parse(s).unwrap())
    }

    fn part(s: &str) -> Option<AdoptedPart> {
        Some(AdoptedPart::parse(s).unwrap())
    }

    #[test]
    fn a_ruling_keeps_only_what_its_decision_needs() {
        let none = Instructions::parse("").unwrap();
        let r = Ruling::new(
            Decision::Adopt,
            part("一部分"),
            reason("理由"),
            none.clone(),
        )
        .unwrap();
        assert_eq!((r.part, r.reason), (None, None));
        let e = Ruling::new(Decision::PartlyAdopt, None, reason("理由"), none.clone()).unwrap_err();
        assert!(e.to_string().contains("采纳哪一部分"), "{e}");
        let e = Ruling::new(Decision::NotAdopt, part("一部分"), None, none.clone()).unwrap_err();
        assert!(e.to_string().contains("理由"), "{e}");
        let r = Ruling::new(Decision::NotAdopt, part("一部分"), reason("资金不足"), none).unwrap();
        assert_eq!((r.part, r.reason), (None, reason("资金不足")));
    }

    #[test]
    fn the_topic_decision_sums_up_its_opinions() {
        use Decision::*;
        assert_eq!(overall_decision(&[Some(Adopt), Some(Adopt)]), Some(Adopt));
        assert_eq!(overall_decision(&[Some(NotAdopt)]), Some(NotAdopt));
        assert_eq!(
            overall_decision(&[Some(Adopt), Some(NotAdopt)]),
            Some(PartlyAdopt)
        );
        assert_eq!(overall_decision(&[Some(PartlyAdopt)]), Some(PartlyAdopt));
        assert_eq!(overall_decision(&[Some(Adopt), None]), None);
        assert_eq!(overall_decision(&[]), None);
    }

    #[test]
    fn a_session_must_be_held_and_cover_the_topic() {
        let county = RegionPath::decode("/1/2/3/").unwrap();
        let town = RegionPath::decode("/1/2/3/4/").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let s = ReviewSessionRef {
            region: county.clone(),
            held_on: day,
        };
        assert!(check_session(&s, &town, day).is_ok());
        assert!(check_session(&s, &town, day.pred_opt().unwrap()).is_err());
        let s = ReviewSessionRef {
            region: town,
            held_on: day,
        };
        assert!(check_session(&s, &county, day).is_err());
    }
}
