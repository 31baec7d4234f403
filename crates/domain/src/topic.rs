//! The topic state machine: the whole chain from submission to evaluation.
use chrono::NaiveDate;

use crate::labels::labelled;
use crate::research::ResearchProgress;
use crate::review::{ReviewSessionRef, Ruling, check_session, dispatchable, overall_decision};
use crate::{
    Actor, Channel, Decision, DepartmentId, DomainError, EventKind, FollowUpOutcome, MeetingId,
    MeetingState, Reason, RegionPath, Role, RoomId, Satisfaction, TopicId, UserId,
};

labelled!(
    /// Where a topic (议题) stands in the consultation chain.
    TopicState {
        Submitted => "submitted", "待受理";
        Accepted => "accepted", "已立项";
        Rejected => "rejected", "不予立项";
        Merged => "merged", "已合并";
        Referred => "referred", "已转办";
        Researching => "researching", "调研中";
        Scheduled => "scheduled", "已排期";
        Deliberated => "deliberated", "已协商";
        Reviewed => "reviewed", "已审议";
        Implementing => "implementing", "落实中";
        Completed => "completed", "已办结";
        Evaluated => "evaluated", "已评价";
        Reopened => "reopened", "重新办理";
    }
);

labelled!(
    /// Where a topic stands as the public reads it at a glance (a map's
    /// colours, a legend): the thirteen states in four.
    Phase {
        Waiting => "waiting", "待受理";
        Underway => "underway", "办理中";
        Resolved => "resolved", "已办结";
        NotTaken => "not-taken", "未立项";
    }
);

impl TopicState {
    /// Its [`Phase`]: merged and rejected topics were not taken up as
    /// their own; a reopened one is under way again.
    pub fn phase(&self) -> Phase {
        match self {
            TopicState::Submitted => Phase::Waiting,
            TopicState::Rejected | TopicState::Merged => Phase::NotTaken,
            s if s.is_public_result() => Phase::Resolved,
            _ => Phase::Underway,
        }
    }

    /// A result residents can see, rate and like.
    pub fn is_public_result(&self) -> bool {
        matches!(self, TopicState::Completed | TopicState::Evaluated)
    }

    /// 点赞 is for results only: a topic can be liked once it is done.
    pub fn check_likeable(&self) -> Result<(), crate::DomainError> {
        if self.is_public_result() {
            Ok(())
        } else {
            Err(crate::DomainError::Precondition(
                "议题办结后才能点赞".into(),
            ))
        }
    }

    /// Nothing more happens to it (a reviewed topic that was not adopted also ends; see its decision).
    pub fn is_closed(&self) -> bool {
        matches!(
            self,
            TopicState::Rejected | TopicState::Merged | TopicState::Evaluated
        )
    }
}

/// Who raised a topic: the only one who may rate its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitter {
    /// Someone with an account.
    User(UserId),
    /// An anonymous resident, known by the phone's device token.
    Device(String),
    /// Raised from a phone without an account, with a number later verified
    /// by signing in: the account and the first phone are both the submitter.
    Claimed {
        /// The account of the verified number.
        user: UserId,
        /// The phone the topic was raised from.
        device: String,
    },
    /// No one who can be recognised again, so no one may rate.
    Nobody,
}

/// Everything the rules need to know about one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCtx {
    /// Where the topic stands now.
    pub state: TopicState,
    /// How it entered the platform.
    pub channel: Channel,
    /// The room whose convener handles it.
    pub room: RoomId,
    /// Where it belongs; leaders of this region or above review it and dispatch tasks.
    pub region: RegionPath,
    /// Who raised it, the only one who may rate the result.
    pub submitter: Submitter,
    /// Leadership's decision once reviewed; dispatching needs it (partly) adopted.
    pub decision: Option<Decision>,
    /// Tasks not yet verified.
    pub open_tasks: u32,
    /// The state of the meeting whose agenda last took the topic.
    pub meeting: Option<MeetingState>,
    /// How far its research has come; scheduling needs it complete.
    pub research: ResearchProgress,
    /// Today in Beijing, from the injected clock (due dates are days).
    pub today: NaiveDate,
}

labelled!(
    /// A kind of move on a topic, without its data: what a page offers and
    /// what [`allowed`] answers. The code is the move's stable slug (URLs, forms, API).
    TopicMove {
        Accept => "accept", "受理立项";
        Reject => "reject", "不予立项";
        Merge => "merge", "合并";
        Refer => "refer", "转办";
        Plan => "research_plan", "调研方案";
        Research => "research", "商前调研";
        Analyse => "analysis", "调研分析";
        Schedule => "schedule", "安排上会";
        Opinion => "opinion", "形成协商意见";
        Review => "review", "上会研究";
        Dispatch => "dispatch", "交办任务";
        Complete => "complete", "办结";
        Rate => "rate", "评价";
        Resume => "resume", "重新办理";
        Uphold => "uphold", "维持办理结果";
        FollowUp => "follow_up", "跟踪问效";
    }
);

/// A department a topic or task is to be given to, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRef {
    /// The department.
    pub id: DepartmentId,
    /// The region it serves.
    pub region: RegionPath,
}

/// The topic another one is to be merged into, as the rules need to see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeTarget {
    /// The topic that would take the submission.
    pub id: TopicId,
    /// Its room; it must be the submission's own.
    pub room: RoomId,
    /// Its state; it must be accepted or further on, and not closed.
    pub state: TopicState,
}

/// A meeting a topic is to be put on the agenda of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingRef {
    /// The meeting whose agenda would take the topic.
    pub id: MeetingId,
    /// Its room; it must be the topic's own.
    pub room: RoomId,
    /// Its state; only a meeting not yet started takes agenda items.
    pub state: MeetingState,
}

/// A consultation opinion a move names, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpinionRef {
    /// The leadership's decision on it, once ruled on.
    pub decision: Option<Decision>,
}

/// A move on a topic with the data its rules read. `Resume` puts a reopened
/// topic back to work; its timeline event is [`EventKind::Resumed`] (恢复办理),
/// since `TaskSentBack` would tell residents a department's work was rejected
/// when it was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicCommand {
    /// Take the submission on (受理立项).
    Accept,
    /// Refuse the submission (不予立项).
    Reject {
        /// Why, for the submitter to read.
        reason: Reason,
    },
    /// Fold the submission into a topic already being handled (合并).
    Merge {
        /// The topic that takes it.
        into: MergeTarget,
    },
    /// Hand the submission straight to a department (转办).
    Refer {
        /// The department that handles it.
        department: DepartmentRef,
        /// Its due date, today at the earliest.
        due: NaiveDate,
    },
    /// Set or change the research plan (调研方案).
    PlanResearch,
    /// Record a research visit (商前调研).
    AddResearch {
        /// The day of the visit: today or earlier.
        on: NaiveDate,
    },
    /// Write or revise the research analysis (调研分析).
    WriteAnalysis,
    /// Put the topic on a meeting's agenda (安排上会).
    Schedule {
        /// A meeting of the topic's room that has not started.
        meeting: MeetingRef,
    },
    /// Record the meeting's consultation opinion (协商意见).
    RecordOpinion,
    /// Leadership rules on one consultation opinion at a leadership meeting
    /// (上会研究); the topic is reviewed once every opinion is ruled on.
    Review {
        /// The meeting the ruling is made at.
        session: ReviewSessionRef,
        /// The opinion ruled on now.
        opinion: OpinionRef,
        /// What was decided on it.
        ruling: Ruling,
        /// The decisions on the topic's other opinions (`None`: not yet ruled on).
        others: Vec<Option<Decision>>,
    },
    /// Give a department a task (工单) that carries the decision out.
    DispatchTask {
        /// The department that does the work.
        department: DepartmentRef,
        /// Its due date, today at the earliest.
        due: NaiveDate,
        /// The opinion the task carries out, when named.
        opinion: Option<OpinionRef>,
        /// Co-handling departments (联办): they serve the topic's place too.
        co: Vec<DepartmentRef>,
    },
    /// Close the work once every task is verified (办结).
    Complete,
    /// The submitter rates the result; not satisfied reopens the topic.
    Rate {
        /// The submitter's verdict.
        satisfaction: Satisfaction,
    },
    /// Put a reopened topic back to work.
    Resume,
    /// A leader, having read the resident's 不满意, keeps the result and
    /// says why no new task is given (the topic then ends).
    Uphold {
        /// Why, for the resident and the public to read.
        reason: Reason,
    },
    /// The convener or a committee member goes back weeks after completion
    /// (跟踪问效); 没有效果 reopens the topic.
    FollowUp {
        /// What they found.
        outcome: FollowUpOutcome,
    },
}

impl TopicCommand {
    /// The kind of move, without its data.
    pub fn kind(&self) -> TopicMove {
        use TopicCommand as C;
        match self {
            C::Accept => TopicMove::Accept,
            C::Reject { .. } => TopicMove::Reject,
            C::Merge { .. } => TopicMove::Merge,
            C::Refer { .. } => TopicMove::Refer,
            C::PlanResearch => TopicMove::Plan,
            C::AddResearch { .. } => TopicMove::Research,
            C::WriteAnalysis => TopicMove::Analyse,
            C::Schedule { .. } => TopicMove::Schedule,
            C::RecordOpinion => TopicMove::Opinion,
            C::Review { .. } => TopicMove::Review,
            C::DispatchTask { .. } => TopicMove::Dispatch,
            C::Complete => TopicMove::Complete,
            C::Rate { .. } => TopicMove::Rate,
            C::Resume => TopicMove::Resume,
            C::Uphold { .. } => TopicMove::Uphold,
            C::FollowUp { .. } => TopicMove::FollowUp,
        }
    }

    /// The move's name in Chinese, as refusals quote it.
    pub fn name_zh(&self) -> &'static str {
        self.kind().label_zh()
    }
}

impl TopicMove {
    /// The role a move is taken in, as the timeline names it.
    pub fn role(&self) -> Role {
        match self {
            TopicMove::Review | TopicMove::Dispatch | TopicMove::Uphold => Role::Leader,
            TopicMove::Rate => Role::Resident,
            _ => Role::Convener,
        }
    }
}

/// What a permitted move on a topic leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTransition {
    /// The topic's state after the move.
    pub to: TopicState,
    /// The entry written on its timeline.
    pub event: EventKind,
}

/// A new topic: residents may raise one (anonymously, without signing in,
/// where the room allows it); committee members recommend within their
/// region; leadership assigns, and its topics are accepted on creation.
pub fn submit(
    channel: Channel,
    actor: &Actor,
    region: &RegionPath,
    room_allows_anonymous: bool,
) -> Result<TopicTransition, DomainError> {
    let to = match channel {
        Channel::Resident if actor.user.is_none() && !room_allows_anonymous => {
            return Err(DomainError::Precondition(
                "本议事室不接受匿名提交，请先用手机号登录".into(),
            ));
        }
        Channel::Resident => TopicState::Submitted,
        Channel::Committee if actor.is_committee_member_for(region) => TopicState::Submitted,
        Channel::Leadership if actor.leads(region) => TopicState::Accepted,
        _ => return Err(DomainError::Forbidden),
    };
    Ok(TopicTransition {
        to,
        event: EventKind::Submitted,
    })
}

impl Submitter {
    /// Whether this actor raised the topic (by account, or from this phone).
    pub fn is(&self, actor: &Actor) -> bool {
        match self {
            Submitter::User(u) => actor.user == Some(*u),
            Submitter::Device(d) => actor.device.as_deref() == Some(d.as_str()),
            Submitter::Claimed { user, device } => {
                actor.user == Some(*user) || actor.device.as_deref() == Some(device.as_str())
            }
            Submitter::Nobody => false,
        }
    }
}

/// The moves this actor may make on this topic now, judged by the same
/// rules as [`decide`] (everything but the data a move carries).
pub fn allowed(ctx: &TopicCtx, actor: &Actor) -> Vec<TopicMove> {
    TopicMove::ALL
        .into_iter()
        .filter(|m| check(ctx, actor, *m).is_ok())
        .collect()
}

/// Whether this actor may make this kind of move now, before the data it
/// carries is looked at (so a refusal says "not yours" or "not now" before
/// "no such meeting").
pub fn may(ctx: &TopicCtx, actor: &Actor, mv: TopicMove) -> Result<(), DomainError> {
    check(ctx, actor, mv).map(|_| ())
}

/// Decides one move: first who may take it, then whether the state allows it,
/// then the chain's preconditions, then the rules on the data it carries.
pub fn decide(
    ctx: &TopicCtx,
    actor: &Actor,
    cmd: &TopicCommand,
) -> Result<TopicTransition, DomainError> {
    let (to, event) = check(ctx, actor, cmd.kind())?;
    match cmd {
        TopicCommand::Merge { into } => crate::triage::check_merge_target(ctx, into)?,
        TopicCommand::Refer { due, department } => {
            crate::task::check_department(&ctx.region, department)?;
            crate::task::check_due(*due, ctx.today)?
        }
        TopicCommand::DispatchTask {
            due,
            department,
            opinion,
            co,
        } => {
            crate::task::check_co_departments(&ctx.region, department.id, co)?;
            if opinion.is_some_and(|o| !dispatchable(o.decision)) {
                return Err(DomainError::Precondition(
                    "这条协商意见未被采纳，不能交办".into(),
                ));
            }
            crate::task::check_department(&ctx.region, department)?;
            crate::task::check_due(*due, ctx.today)?
        }
        TopicCommand::Review {
            session,
            opinion,
            ruling,
            others,
        } => {
            check_session(session, &ctx.region, ctx.today)?;
            if opinion.decision.is_some() {
                return Err(DomainError::Precondition("这条协商意见已经审议过了".into()));
            }
            let mut all = others.clone();
            all.push(Some(ruling.decision));
            if overall_decision(&all).is_none() {
                // Other opinions still wait for their ruling.
                return Ok(TopicTransition { to, event });
            }
            return Ok(TopicTransition {
                to: TopicState::Reviewed,
                event,
            });
        }
        TopicCommand::Schedule { meeting } => crate::meeting::check_agenda(ctx.room, meeting)?,
        TopicCommand::AddResearch { on } => crate::research::check_visit_day(*on, ctx.today)?,
        TopicCommand::Rate { satisfaction } if !satisfaction.is_satisfied() => {
            return Ok(TopicTransition {
                to: TopicState::Reopened,
                event: EventKind::Reopened,
            });
        }
        TopicCommand::FollowUp {
            outcome: FollowUpOutcome::Ineffective,
        } => {
            return Ok(TopicTransition {
                to: TopicState::Reopened,
                event: EventKind::FollowUpFailed,
            });
        }
        _ => {}
    }
    Ok(TopicTransition { to, event })
}

/// Who may make a kind of move, from which state, and the preconditions
/// that the topic alone decides.
fn check(
    ctx: &TopicCtx,
    actor: &Actor,
    mv: TopicMove,
) -> Result<(TopicState, EventKind), DomainError> {
    use TopicMove as M;
    use TopicState::*;
    let permitted = match mv {
        M::Review | M::Dispatch | M::Uphold => actor.leads(&ctx.region),
        M::Rate => ctx.submitter.is(actor),
        M::FollowUp => actor.is_convener_of(ctx.room) || actor.is_committee_member_for(&ctx.region),
        _ => actor.is_convener_of(ctx.room),
    };
    if !permitted {
        return Err(DomainError::Forbidden);
    }
    Ok(match (mv, ctx.state) {
        (M::Accept, Submitted) => (Accepted, EventKind::Accepted),
        (M::Reject, Submitted) => (Rejected, EventKind::Rejected),
        (M::Merge, Submitted) => (Merged, EventKind::Merged),
        (M::Refer, Submitted) => (Referred, EventKind::Referred),
        (M::Plan, Accepted | Researching) => (Researching, EventKind::ResearchPlanned),
        (M::Research, Accepted | Researching) => (Researching, EventKind::ResearchAdded),
        (M::Analyse, Accepted | Researching) => (Researching, EventKind::AnalysisWritten),
        // 调研不精准不建议: a record and every section of the analysis first.
        (M::Schedule, Researching) => {
            ctx.research.check_complete()?;
            (Scheduled, EventKind::Scheduled)
        }
        // No research, no proposal.
        (M::Schedule, Accepted) => {
            return Err(DomainError::Precondition(
                "尚未开展商前调研，不能安排上会".into(),
            ));
        }
        (M::Opinion, Scheduled) => {
            if !matches!(
                ctx.meeting,
                Some(MeetingState::InSession | MeetingState::Closed)
            ) {
                return Err(DomainError::Precondition(
                    "会议尚未召开，不能形成协商意见".into(),
                ));
            }
            (Deliberated, EventKind::OpinionRecorded)
        }
        // More opinions may be formed until every one is ruled on.
        (M::Opinion, Deliberated) => (Deliberated, EventKind::OpinionRecorded),
        // Stays deliberated until the last opinion is ruled on (see `decide`).
        (M::Review, Deliberated) => (Deliberated, EventKind::Reviewed),
        (M::Dispatch, Reviewed) => {
            if !dispatchable(ctx.decision) {
                return Err(DomainError::Precondition("该意见未被采纳，不能交办".into()));
            }
            (Implementing, EventKind::TaskDispatched)
        }
        (M::Dispatch, Implementing | Reopened) => (Implementing, EventKind::TaskDispatched),
        (M::Complete, Implementing | Referred) => {
            if ctx.open_tasks > 0 {
                return Err(DomainError::Precondition("还有未核实的任务".into()));
            }
            (Completed, EventKind::Completed)
        }
        (M::Rate, Completed) => (Evaluated, EventKind::Rated),
        (M::Resume, Reopened) => (Implementing, EventKind::Resumed),
        (M::Uphold, Reopened) => (Evaluated, EventKind::Upheld),
        // Weeks later, someone goes back to see whether the fix held.
        (M::FollowUp, Completed | Evaluated) => (ctx.state, EventKind::FollowedUp),
        (mv, from) => {
            return Err(DomainError::WrongState {
                from: from.label_zh(),
                action: mv.label_zh(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn every_state_has_the_phase_the_public_reads() {
        use TopicState::*;
        let phases: Vec<(TopicState, Phase)> =
            TopicState::ALL.iter().map(|s| (*s, s.phase())).collect();
        for (s, p) in phases {
            let expected = match s {
                Submitted => Phase::Waiting,
                Rejected | Merged => Phase::NotTaken,
                Completed | Evaluated => Phase::Resolved,
                Accepted | Referred | Researching | Scheduled | Deliberated | Reviewed
                | Implementing | Reopened => Phase::Underway,
            };
            assert_eq!(p, expected, "{s:?}");
        }
    }
}
