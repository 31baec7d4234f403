//! 线上议事 (画出同心圆): who may open a topic's online deliberation, add,
//! moderate and vote on statements, attach the result and close it.
use crate::labels::labelled;
use crate::{Actor, DomainError, RoomId, TopicState};

labelled!(
    /// Whether a topic's online deliberation still takes statements and votes.
    DeliberationState {
        Open => "open", "进行中";
        Closed => "closed", "已结束";
    }
);

labelled!(
    /// Where a statement stands with the convener: only approved ones are
    /// shown, voted on, mapped and exported.
    StatementState {
        Pending => "pending", "待审核";
        Approved => "approved", "已采用";
        Rejected => "rejected", "未采用";
    }
);

labelled!(
    /// A convener's decision on a statement.
    Moderation {
        Approve => "approve", "采用";
        Reject => "reject", "不采用";
        Meta => "meta", "采用为说明";
    }
);

impl Moderation {
    /// The statement's new state, and whether it is a remark about the
    /// conversation (shown, but left out of the math) rather than an opinion.
    pub fn outcome(&self) -> (StatementState, bool) {
        match self {
            Moderation::Approve => (StatementState::Approved, false),
            Moderation::Reject => (StatementState::Rejected, false),
            Moderation::Meta => (StatementState::Approved, true),
        }
    }
}

labelled!(
    /// A kind of move on a deliberation; the code is its stable slug.
    DeliberationMove {
        Vote => "vote", "表态";
        Propose => "propose", "提出观点";
        Moderate => "moderate", "审核观点";
        Attach => "attach", "作为协商意见参考";
        Close => "close", "结束线上议事";
        VerifiedOnly => "verified_only", "仅限已验证手机号参与";
        Discount => "discount", "不计入集中出现的可疑手机";
        AllPhones => "all_phones", "允许未验证的手机参与";
    }
);

/// Everything the rules need to know about one deliberation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliberationCtx {
    /// Whether it still takes statements and votes.
    pub state: DeliberationState,
    /// The room of its topic, whose convener runs it.
    pub room: RoomId,
    /// Whether only accounts (residents who verified their phone, and
    /// officials) may vote and propose, as its convener decided.
    pub verified_only: bool,
}

/// Whether a topic in this state can still be deliberated online: not once
/// it is refused, merged, handed to a department or finished.
pub fn takes_deliberation(state: TopicState) -> bool {
    !matches!(
        state,
        TopicState::Rejected
            | TopicState::Merged
            | TopicState::Referred
            | TopicState::Completed
            | TopicState::Evaluated
    )
}

/// Opening one on a topic: its room's convener, once per topic, while the
/// topic can still be deliberated.
pub fn open_deliberation(
    actor: &Actor,
    room: RoomId,
    topic: TopicState,
    already_open: bool,
) -> Result<DeliberationState, DomainError> {
    if !actor.is_convener_of(room) {
        return Err(DomainError::Forbidden);
    }
    if already_open {
        return Err(DomainError::Precondition("本议题已开启线上议事".into()));
    }
    if !takes_deliberation(topic) {
        return Err(DomainError::WrongState {
            from: topic.label_zh(),
            action: "开启线上议事",
        });
    }
    Ok(DeliberationState::Open)
}

/// Decides one move: votes and statements from any identified phone or
/// account while it is open; moderation and attaching by the convener at
/// any time; closing by the convener while open. Returns the state after.
pub fn decide_deliberation(
    ctx: &DeliberationCtx,
    actor: &Actor,
    mv: DeliberationMove,
) -> Result<DeliberationState, DomainError> {
    use DeliberationMove as M;
    use DeliberationState::*;
    match mv {
        M::Vote | M::Propose => may_take_part(ctx.state, ctx.verified_only, actor),
        _ if !actor.is_convener_of(ctx.room) => Err(DomainError::Forbidden),
        M::Moderate | M::Attach | M::Discount => Ok(ctx.state),
        M::Close | M::VerifiedOnly | M::AllPhones if ctx.state == Closed => {
            Err(DomainError::Precondition("线上议事已经结束".into()))
        }
        M::Close => Ok(Closed),
        M::VerifiedOnly if ctx.verified_only => {
            Err(DomainError::Precondition("已经仅限已验证手机号参与".into()))
        }
        M::AllPhones if !ctx.verified_only => {
            Err(DomainError::Precondition("未验证的手机已经可以参与".into()))
        }
        M::VerifiedOnly | M::AllPhones => Ok(ctx.state),
    }
}

/// Voting and proposing statements: any identified phone or account, while
/// it is open; only accounts when the convener restricted it to verified
/// phones. Needs no room, so a vote asks it without looking one up.
pub fn may_take_part(
    state: DeliberationState,
    verified_only: bool,
    actor: &Actor,
) -> Result<DeliberationState, DomainError> {
    if !actor.is_identified() {
        return Err(DomainError::Forbidden);
    }
    if verified_only && actor.user.is_none() {
        return Err(DomainError::Precondition(
            "本次线上议事仅限已验证手机号的居民参与，请先用手机号登录".into(),
        ));
    }
    match state {
        DeliberationState::Open => Ok(state),
        DeliberationState::Closed => Err(DomainError::Precondition("线上议事已结束".into())),
    }
}

/// The moves this actor may make on this deliberation now.
pub fn allowed_deliberation(ctx: &DeliberationCtx, actor: &Actor) -> Vec<DeliberationMove> {
    DeliberationMove::ALL
        .into_iter()
        .filter(|m| decide_deliberation(ctx, actor, *m).is_ok())
        .collect()
}

/// A new statement waits for the convener, unless the convener wrote it.
pub fn new_statement_state(ctx: &DeliberationCtx, author: &Actor) -> StatementState {
    if author.is_convener_of(ctx.room) {
        StatementState::Approved
    } else {
        StatementState::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};

    /// The whole table: who may make each move in each state.
    fn expected(who: Who, ctx: &DeliberationCtx, mv: DeliberationMove) -> bool {
        use DeliberationMove as M;
        let open = ctx.state == DeliberationState::Open;
        let may_join = match who {
            Who::Nobody => false,
            Who::SubmitterDevice | Who::OtherDevice => !ctx.verified_only,
            _ => true,
        };
        let convener = who == Who::Convener;
        match mv {
            M::Vote | M::Propose => may_join && open,
            M::Moderate | M::Attach | M::Discount => convener,
            M::Close => convener && open,
            M::VerifiedOnly => convener && open && !ctx.verified_only,
            M::AllPhones => convener && open && ctx.verified_only,
        }
    }

    #[test]
    fn deliberation_machine_is_exactly_the_table() {
        for (state, verified_only) in DeliberationState::ALL
            .into_iter()
            .flat_map(|s| [(s, false), (s, true)])
        {
            let ctx = DeliberationCtx {
                state,
                room: ROOM,
                verified_only,
            };
            for who in everyone() {
                let actor = actor_for(who);
                let offered = allowed_deliberation(&ctx, &actor);
                for mv in DeliberationMove::ALL {
                    let ok = expected(who, &ctx, mv);
                    let got = decide_deliberation(&ctx, &actor, mv);
                    assert_eq!(got.is_ok(), ok, "{ctx:?} {who:?} {mv:?}: {got:?}");
                    assert_eq!(
                        offered.contains(&mv),
                        ok,
                        "offered {state:?} {who:?} {mv:?}"
                    );
                    if mv == DeliberationMove::Close && ok {
                        assert_eq!(got, Ok(DeliberationState::Closed));
                    }
                }
            }
        }
    }

    #[test]
    fn only_the_rooms_convener_opens_and_only_on_a_live_topic() {
        for who in everyone() {
            let got = open_deliberation(&actor_for(who), ROOM, TopicState::Accepted, false);
            assert_eq!(got.is_ok(), who == Who::Convener, "{who:?}");
        }
        let convener = actor_for(Who::Convener);
        for state in TopicState::ALL {
            let got = open_deliberation(&convener, ROOM, state, false);
            assert_eq!(got.is_ok(), takes_deliberation(state), "{state:?}");
        }
        assert!(open_deliberation(&convener, ROOM, TopicState::Rejected, false).is_err());
        assert!(matches!(
            open_deliberation(&convener, ROOM, TopicState::Accepted, true),
            Err(DomainError::Precondition(_))
        ));
    }

    #[test]
    fn moderation_outcomes() {
        assert_eq!(Moderation::Meta.outcome(), (StatementState::Approved, true));
        assert_eq!(
            Moderation::Reject.outcome(),
            (StatementState::Rejected, false)
        );
        let ctx = DeliberationCtx {
            state: DeliberationState::Open,
            room: ROOM,
            verified_only: false,
        };
        assert_eq!(
            new_statement_state(&ctx, &actor_for(Who::Convener)),
            StatementState::Approved
        );
        assert_eq!(
            new_statement_state(&ctx, &actor_for(Who::OtherDevice)),
            StatementState::Pending
        );
    }
}
