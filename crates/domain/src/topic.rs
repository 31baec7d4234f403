//! The topic state machine: the whole chain from submission to evaluation.
use crate::labels::labelled;
use crate::{
    Actor, Channel, Decision, DepartmentId, DomainError, EventKind, MeetingId, MeetingState,
    Reason, RegionPath, RoomId, Satisfaction, TopicId, UserId,
};

labelled!(
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

impl TopicState {
    /// A result residents can see, rate and like.
    pub fn is_public_result(&self) -> bool {
        matches!(self, TopicState::Completed | TopicState::Evaluated)
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
    User(UserId),
    Device(String),
    Nobody,
}

/// Everything the rules need to know about one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCtx {
    pub state: TopicState,
    pub channel: Channel,
    pub room: RoomId,
    pub region: RegionPath,
    pub submitter: Submitter,
    pub decision: Option<Decision>,
    /// Tasks not yet verified.
    pub open_tasks: u32,
}

/// A move on a topic. `Resume` puts a reopened topic back to work; its
/// timeline event is [`EventKind::Resumed`] (恢复办理), since `TaskSentBack`
/// would tell residents a department's work was rejected when it was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicCommand {
    Accept,
    Reject { reason: Reason },
    Merge { into: TopicId },
    Refer { department: DepartmentId },
    AddResearch,
    Schedule { meeting: MeetingId },
    RecordOpinion { meeting_state: MeetingState },
    Review { decision: Decision },
    DispatchTask { department: DepartmentId },
    Complete,
    Rate { satisfaction: Satisfaction },
    Resume,
}

impl TopicCommand {
    pub fn name_zh(&self) -> &'static str {
        match self {
            TopicCommand::Accept => "受理立项",
            TopicCommand::Reject { .. } => "不予立项",
            TopicCommand::Merge { .. } => "合并",
            TopicCommand::Refer { .. } => "转办",
            TopicCommand::AddResearch => "商前调研",
            TopicCommand::Schedule { .. } => "安排上会",
            TopicCommand::RecordOpinion { .. } => "形成协商意见",
            TopicCommand::Review { .. } => "上会研究",
            TopicCommand::DispatchTask { .. } => "交办任务",
            TopicCommand::Complete => "办结",
            TopicCommand::Rate { .. } => "评价",
            TopicCommand::Resume => "重新办理",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTransition {
    pub to: TopicState,
    pub event: EventKind,
}

/// A new topic: residents may raise one anonymously; committee members
/// recommend within their region; leadership assigns, and its topics are
/// accepted on creation.
pub fn submit(
    channel: Channel,
    actor: &Actor,
    _room: RoomId,
    region: &RegionPath,
) -> Result<TopicTransition, DomainError> {
    let to = match channel {
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

fn is_submitter(ctx: &TopicCtx, actor: &Actor) -> bool {
    ctx.submitter.is(actor)
}

impl Submitter {
    /// Whether this actor raised the topic (by account, or from this phone).
    pub fn is(&self, actor: &Actor) -> bool {
        match self {
            Submitter::User(u) => actor.user == Some(*u),
            Submitter::Device(d) => actor.device.as_deref() == Some(d.as_str()),
            Submitter::Nobody => false,
        }
    }
}

/// Decides one move: first who may take it, then whether the state allows it,
/// then the chain's preconditions.
pub fn decide(
    ctx: &TopicCtx,
    actor: &Actor,
    cmd: &TopicCommand,
) -> Result<TopicTransition, DomainError> {
    use TopicCommand as C;
    use TopicState::*;
    let permitted = match cmd {
        C::Review { .. } | C::DispatchTask { .. } => actor.leads(&ctx.region),
        C::Rate { .. } => is_submitter(ctx, actor),
        _ => actor.is_convener_of(ctx.room),
    };
    if !permitted {
        return Err(DomainError::Forbidden);
    }
    let wrong = || DomainError::WrongState {
        from: ctx.state.label_zh(),
        action: cmd.name_zh(),
    };
    let (to, event) = match (cmd, ctx.state) {
        (C::Accept, Submitted) => (Accepted, EventKind::Accepted),
        (C::Reject { .. }, Submitted) => (Rejected, EventKind::Rejected),
        (C::Merge { .. }, Submitted) => (Merged, EventKind::Merged),
        (C::Refer { .. }, Submitted) => (Referred, EventKind::Referred),
        (C::AddResearch, Accepted | Researching) => (Researching, EventKind::ResearchAdded),
        (C::Schedule { .. }, Researching) => (Scheduled, EventKind::Scheduled),
        // No research, no proposal.
        (C::Schedule { .. }, Accepted) => {
            return Err(DomainError::Precondition(
                "尚未开展商前调研，不能安排上会".into(),
            ));
        }
        (C::RecordOpinion { meeting_state }, Scheduled) => {
            if !matches!(
                meeting_state,
                MeetingState::InSession | MeetingState::Closed
            ) {
                return Err(DomainError::Precondition(
                    "会议尚未召开，不能形成协商意见".into(),
                ));
            }
            (Deliberated, EventKind::OpinionRecorded)
        }
        (C::Review { .. }, Deliberated) => (Reviewed, EventKind::Reviewed),
        (C::DispatchTask { .. }, Reviewed) => {
            if !matches!(ctx.decision, Some(Decision::Adopt | Decision::PartlyAdopt)) {
                return Err(DomainError::Precondition("该意见未被采纳，不能交办".into()));
            }
            (Implementing, EventKind::TaskDispatched)
        }
        (C::DispatchTask { .. }, Implementing | Reopened) => {
            (Implementing, EventKind::TaskDispatched)
        }
        (C::Complete, Implementing | Referred) => {
            if ctx.open_tasks > 0 {
                return Err(DomainError::Precondition("还有未核实的任务".into()));
            }
            (Completed, EventKind::Completed)
        }
        (C::Rate { satisfaction }, Completed) => {
            if satisfaction.is_satisfied() {
                (Evaluated, EventKind::Rated)
            } else {
                (Reopened, EventKind::Reopened)
            }
        }
        (C::Resume, Reopened) => (Implementing, EventKind::Resumed),
        _ => return Err(wrong()),
    };
    Ok(TopicTransition { to, event })
}
