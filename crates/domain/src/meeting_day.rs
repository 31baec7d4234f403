//! The meeting day (协商议事会): who is invited and in what mix of
//! categories, their answers (参加 / 请假), sign-in at the door by a code
//! that changes every half minute, and one vote per person present.
use chrono::{DateTime, Duration, Utc};

use crate::labels::labelled;
use crate::{Actor, DomainError, MeetingCtx, MeetingState, ParticipantCategory};

labelled!(
    /// An invitee's answer.
    Rsvp {
        Pending => "pending", "待答复";
        Attending => "attending", "参加";
        Excused => "excused", "请假";
    }
);

labelled!(
    /// How someone was signed in at the door.
    CheckIn {
        Link => "link", "邀请链接";
        Phone => "phone", "手机验证码";
        WalkIn => "walk_in", "现场登记";
        ByHand => "by_hand", "召集人代签";
    }
);

/// A wanted share of one category among a meeting's people: at least
/// `at_least` of them and at least `share_percent` of everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixRule {
    /// Whom the rule counts.
    pub category: ParticipantCategory,
    /// At least this many (0: no count asked).
    pub at_least: u32,
    /// At least this share of everyone, in percent (0: no share asked).
    pub share_percent: u32,
}

impl MixRule {
    /// A rule asks for something: a count up to 500, a share up to 100%.
    pub fn new(
        category: ParticipantCategory,
        at_least: u32,
        share_percent: u32,
    ) -> Result<Self, DomainError> {
        if at_least == 0 && share_percent == 0 {
            return Err(DomainError::invalid("at_least", "请填写至少几人或至少占比"));
        }
        if at_least > 500 || share_percent > 100 {
            return Err(DomainError::invalid(
                "share_percent",
                "人数最多500，占比最多100%",
            ));
        }
        Ok(MixRule {
            category,
            at_least,
            share_percent,
        })
    }

    /// Whether `n` of this category among `total` people meets the rule.
    pub fn met(&self, n: u32, total: u32) -> bool {
        n >= self.at_least && u64::from(n) * 100 >= u64::from(self.share_percent) * u64::from(total)
    }

    /// The rule in words: 至少1人, 不少于33%, 至少1人且不少于33%.
    pub fn wanted_zh(&self) -> String {
        match (self.at_least, self.share_percent) {
            (n, 0) => format!("至少{n}人"),
            (0, p) => format!("不少于{p}%"),
            (n, p) => format!("至少{n}人且不少于{p}%"),
        }
    }
}

/// One person on a meeting's list, as the mix counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendee {
    /// Their category.
    pub category: ParticipantCategory,
    /// Invited beforehand (a walk-in was not).
    pub invited: bool,
    /// Their answer.
    pub rsvp: Rsvp,
    /// Signed in at the door.
    pub present: bool,
}

/// How one category stands among the invited, the confirmed (参加, or
/// present) and the present, against its rule if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixLine {
    /// The category.
    pub category: ParticipantCategory,
    /// What the convener wants of it.
    pub rule: Option<MixRule>,
    /// Invited.
    pub invited: u32,
    /// Said they will come, or came.
    pub confirmed: u32,
    /// Signed in.
    pub present: u32,
    /// The rule is met among the invited, the confirmed, the present (true without a rule).
    pub met: [bool; 3],
}

/// The mix of a meeting's people, one line per category that has a rule
/// or a person, in the categories' order.
pub fn mix(rules: &[MixRule], people: &[Attendee]) -> Vec<MixLine> {
    let invited = |a: &&Attendee| a.invited;
    let confirmed = |a: &&Attendee| a.present || a.rsvp == Rsvp::Attending;
    let present = |a: &&Attendee| a.present;
    let count = |f: &dyn Fn(&&Attendee) -> bool, c: Option<ParticipantCategory>| {
        let n = people
            .iter()
            .filter(|a| f(a) && c.is_none_or(|c| a.category == c))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let totals = [
        count(&invited, None),
        count(&confirmed, None),
        count(&present, None),
    ];
    ParticipantCategory::ALL
        .into_iter()
        .filter_map(|c| {
            let rule = rules.iter().find(|r| r.category == c).copied();
            let n = [
                count(&invited, Some(c)),
                count(&confirmed, Some(c)),
                count(&present, Some(c)),
            ];
            if rule.is_none() && n == [0, 0, 0] {
                return None;
            }
            let met = [0, 1, 2].map(|i| rule.is_none_or(|r| r.met(n[i], totals[i])));
            Some(MixLine {
                category: c,
                rule,
                invited: n[0],
                confirmed: n[1],
                present: n[2],
                met,
            })
        })
        .collect()
}

/// Only the room's convener invites, and only until the meeting closes.
pub fn may_invite(ctx: &MeetingCtx, actor: &Actor) -> Result<(), DomainError> {
    if !actor.is_convener_of(ctx.room) {
        return Err(DomainError::Forbidden);
    }
    if ctx.state == MeetingState::Closed {
        return Err(DomainError::Precondition("会议已经结束".into()));
    }
    Ok(())
}

/// An invitee answers until the meeting closes.
pub fn may_answer(state: MeetingState) -> Result<(), DomainError> {
    if state == MeetingState::Closed {
        return Err(DomainError::Precondition("会议已经结束，无需再答复".into()));
    }
    Ok(())
}

/// The sign-in code at the door changes this often.
pub const CHECKIN_SECONDS: i64 = 30;

/// The half-minute a moment falls in: what the code at the door signs.
pub fn checkin_window(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(CHECKIN_SECONDS)
}

/// A code is good in its own half-minute and the next (someone scanning
/// as it changes still gets in); a photo sent home stops working within a minute.
pub fn checkin_code_fresh(window: i64, now: DateTime<Utc>) -> bool {
    let w = checkin_window(now);
    window == w || window == w - 1
}

/// The door opens an hour before the start and closes with the meeting.
pub fn may_sign_in(
    state: MeetingState,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    match state {
        MeetingState::Closed => Err(DomainError::Precondition("会议已经结束，不能再签到".into())),
        MeetingState::InSession => Ok(()),
        MeetingState::Planned | MeetingState::Notified if now >= starts_at - Duration::hours(1) => {
            Ok(())
        }
        _ => Err(DomainError::Precondition(
            "还没到签到时间（会前一小时开始签到）".into(),
        )),
    }
}

/// A vote in the meeting takes one ballot from each person signed in, while it is open.
pub fn may_vote(present: bool, already_voted: bool, open: bool) -> Result<(), DomainError> {
    if !open {
        return Err(DomainError::Precondition("表决已经结束".into()));
    }
    if !present {
        return Err(DomainError::Precondition("请先签到再参加表决".into()));
    }
    if already_voted {
        return Err(DomainError::Precondition("您已经表决过了".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};
    use ParticipantCategory as C;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn person(category: C, invited: bool, rsvp: Rsvp, present: bool) -> Attendee {
        Attendee {
            category,
            invited,
            rsvp,
            present,
        }
    }

    #[test]
    fn a_rule_counts_heads_and_shares() {
        let third = MixRule::new(C::Public, 0, 33).unwrap();
        assert!(third.met(1, 3) && !third.met(1, 4) && third.met(0, 0));
        let one = MixRule::new(C::CppccMember, 1, 0).unwrap();
        assert!(one.met(1, 10) && !one.met(0, 0));
        assert_eq!(
            MixRule::new(C::Public, 2, 50).unwrap().wanted_zh(),
            "至少2人且不少于50%"
        );
        assert!(MixRule::new(C::Public, 0, 0).is_err());
        assert!(MixRule::new(C::Public, 0, 101).is_err());
        // Every count against every total: met exactly when both halves hold.
        for n in 0..12 {
            for total in n..12 {
                let r = MixRule::new(C::Public, 2, 25).unwrap();
                assert_eq!(r.met(n, total), n >= 2 && 4 * n >= total, "{n}/{total}");
            }
        }
    }

    #[test]
    fn the_mix_counts_invited_confirmed_and_present() {
        let rules = [
            MixRule::new(C::CppccMember, 1, 0).unwrap(),
            MixRule::new(C::Public, 0, 34).unwrap(),
        ];
        let people = [
            person(C::CppccMember, true, Rsvp::Attending, false),
            person(C::Public, true, Rsvp::Excused, false),
            person(C::Public, true, Rsvp::Pending, true),
            person(C::PartyMember, true, Rsvp::Attending, true),
            person(C::Public, false, Rsvp::Pending, true),
        ];
        let lines = mix(&rules, &people);
        let by = |c| lines.iter().find(|l| l.category == c).unwrap().clone();
        let cppcc = by(C::CppccMember);
        assert_eq!((cppcc.invited, cppcc.confirmed, cppcc.present), (1, 1, 0));
        assert_eq!(
            cppcc.met,
            [true, true, false],
            "the member said yes but is not here"
        );
        let public = by(C::Public);
        // Invited 2 of 4, confirmed (came or said yes) 2 of 4, present 2 of 3.
        assert_eq!(
            (public.invited, public.confirmed, public.present),
            (2, 2, 2)
        );
        assert_eq!(public.met, [true, true, true]);
        let party = by(C::PartyMember);
        assert_eq!(party.rule, None);
        assert_eq!(party.met, [true; 3]);
        assert!(
            lines.iter().all(|l| l.category != C::Expert),
            "no rule, nobody: no line"
        );
    }

    #[test]
    fn only_the_convener_invites_until_the_meeting_closes() {
        for state in MeetingState::ALL {
            for who in everyone() {
                let ctx = MeetingCtx { state, room: ROOM };
                let got = may_invite(&ctx, &actor_for(who));
                match (who == Who::Convener, state) {
                    (false, _) => assert_eq!(got, Err(DomainError::Forbidden)),
                    (true, MeetingState::Closed) => assert!(got.is_err()),
                    (true, _) => assert!(got.is_ok()),
                }
            }
            assert_eq!(may_answer(state).is_ok(), state != MeetingState::Closed);
        }
    }

    #[test]
    fn a_door_code_lives_for_its_half_minute_and_the_next() {
        let t = at("2026-12-20T01:00:10Z");
        let w = checkin_window(t);
        assert!(checkin_code_fresh(w, t));
        assert!(
            checkin_code_fresh(w, t + Duration::seconds(30)),
            "scanned as it changed"
        );
        assert!(
            !checkin_code_fresh(w, t + Duration::seconds(60)),
            "a photo sent home"
        );
        assert!(!checkin_code_fresh(w + 1, t), "a code from the future");
        assert!(!checkin_code_fresh(w - 2, t));
        // Every second of two minutes: fresh for 30 to 60 seconds after issue.
        for s in 0..120 {
            let now = t + Duration::seconds(s);
            let age = now.timestamp() - w * CHECKIN_SECONDS;
            assert_eq!(checkin_code_fresh(w, now), age < 2 * CHECKIN_SECONDS, "{s}");
        }
    }

    #[test]
    fn the_door_opens_an_hour_before_and_closes_with_the_meeting() {
        let start = at("2026-12-20T01:30:00Z");
        for state in MeetingState::ALL {
            for (minutes, early_ok) in [(-61, false), (-60, true), (-5, true), (30, true)] {
                let got = may_sign_in(state, start, start + Duration::minutes(minutes));
                let ok = match state {
                    MeetingState::Closed => false,
                    MeetingState::InSession => true,
                    _ => early_ok,
                };
                assert_eq!(got.is_ok(), ok, "{state:?} {minutes}");
            }
        }
    }

    #[test]
    fn one_vote_per_person_present_while_open() {
        for present in [false, true] {
            for already in [false, true] {
                for open in [false, true] {
                    assert_eq!(
                        may_vote(present, already, open).is_ok(),
                        present && !already && open
                    );
                }
            }
        }
    }
}
