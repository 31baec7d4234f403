//! The department task state machine.
use chrono::NaiveDate;

use crate::labels::labelled;
use crate::{
    Actor, DepartmentId, DepartmentRef, DomainError, EventKind, Reason, RegionPath, Role, RoomId,
};

labelled!(
    /// Where a department task (工单) stands.
    TaskState {
        Assigned => "assigned", "待签收";
        Signed => "signed", "已签收";
        Returned => "returned", "已退回";
        InProgress => "in_progress", "办理中";
        ExtensionRequested => "extension_requested", "申请延期";
        AwaitingApproval => "awaiting_approval", "待负责人审核";
        Done => "done", "已办结";
        Verified => "verified", "已核实";
    }
);

impl TaskState {
    /// Still with the department: supervised, reminded, carded.
    pub const WITH_DEPARTMENT: [TaskState; 5] = [
        TaskState::Assigned,
        TaskState::Signed,
        TaskState::InProgress,
        TaskState::ExtensionRequested,
        TaskState::AwaitingApproval,
    ];

    /// Still open: not yet verified by the convener.
    pub fn is_open(&self) -> bool {
        !matches!(self, TaskState::Verified)
    }

    /// Overdue: still open after its due date. (Finished but unverified work is not
    /// the department's delay, so Done does not count.)
    pub fn is_overdue(&self, due: NaiveDate, today: NaiveDate) -> bool {
        self.is_open() && !matches!(self, TaskState::Done) && today > due
    }
}

labelled!(
    /// A task against its due date, as a 台账 reports it.
    Punctuality {
        DoneOnTime => "done_on_time", "按期办结";
        DoneLate => "done_late", "逾期办结";
        Pending => "pending", "办理中";
        Overdue => "overdue", "已逾期";
    }
);

impl Punctuality {
    /// Done by its due date (the day the department last reported it
    /// done, Beijing), late, or still open before or after it on `today`.
    pub fn of(due: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> Punctuality {
        match done_on {
            Some(on) if on <= due => Punctuality::DoneOnTime,
            Some(_) => Punctuality::DoneLate,
            None if today > due => Punctuality::Overdue,
            None => Punctuality::Pending,
        }
    }
}

labelled!(
    /// Where a co-handling department's share of a task (协办) stands.
    ShareState {
        Assigned => "assigned", "协办待签收";
        Signed => "signed", "协办中";
        Done => "done", "协办完成";
    }
);

/// A co-handling department (协办单位) and how far its share has come; the
/// task's own department leads (主办) and completes only when every share is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// The co-handling department.
    pub department: DepartmentId,
    /// Its share's state.
    pub state: ShareState,
}

/// Co-handlers serve the topic's place too, and are not the lead itself.
pub fn check_co_departments(
    topic_region: &RegionPath,
    lead: DepartmentId,
    co: &[DepartmentRef],
) -> Result<(), DomainError> {
    for d in co {
        if d.id == lead {
            return Err(DomainError::invalid(
                "co_departments",
                "协办部门不能与主办部门相同",
            ));
        }
        check_department(topic_region, d)?;
    }
    Ok(())
}

/// Work goes to a department serving the topic's place: one of the region
/// the topic is in or above it, never a neighbouring subdistrict's.
pub(crate) fn check_department(
    topic_region: &RegionPath,
    department: &DepartmentRef,
) -> Result<(), DomainError> {
    if department.region.covers(topic_region) {
        Ok(())
    } else {
        Err(DomainError::Precondition(
            "只能交给本辖区的职能部门办理".into(),
        ))
    }
}

/// A due date given to a department: today at the earliest (Beijing's today).
pub(crate) fn check_due(due: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if due < today {
        return Err(DomainError::invalid("due", "办理期限不能早于今天"));
    }
    Ok(())
}

/// Everything the rules need to know about one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCtx {
    /// Where the task stands now.
    pub state: TaskState,
    /// The department that handles it; its staff make most moves.
    pub department: DepartmentId,
    /// The topic's room, whose convener verifies the work or sends it back.
    pub room: RoomId,
    /// The topic's region, whose leaders reassign and rule on extensions.
    pub region: RegionPath,
    /// Co-handling departments' shares (联办), if any.
    pub shares: Vec<Share>,
    /// The department's region asks its head to approve a completion
    /// before it goes to the convener.
    pub needs_approval: bool,
}

/// A move on a task with the data it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskCommand {
    /// The department takes the task on (签收).
    Sign,
    /// The department hands the task back instead of signing for it (退回).
    Return {
        /// Why it is handed back.
        reason: Reason,
    },
    /// A leader gives a returned task to another department.
    Reassign {
        /// The department that takes it over.
        department: DepartmentRef,
    },
    /// The department reports progress.
    PostProgress,
    /// The department asks for a later due date.
    RequestExtension {
        /// The due date asked for.
        until: NaiveDate,
    },
    /// A leader accepts the date asked for.
    GrantExtension,
    /// A leader keeps the original due date.
    DenyExtension,
    /// The department reports the work done (办结).
    Complete,
    /// The convener confirms the work is done (核实).
    Verify,
    /// The convener sends finished work back to be redone (退回重办).
    SendBack {
        /// What is still wrong, for the department to read.
        reason: Reason,
    },
    /// A co-handling department takes its share on (协办签收).
    ShareSign,
    /// A co-handling department reports its share done (协办完成).
    ShareDone,
    /// The department's head approves a completion (审核通过).
    Approve,
    /// The department's head sends a completion back (审核退回).
    Decline {
        /// What is still missing, for the clerk to read.
        reason: Reason,
    },
    /// The department's head names the clerk who handles it (承办人).
    Assign {
        /// Whether the named person works in the task's department.
        clerk_works_here: bool,
    },
}

labelled!(
    /// A kind of move on a task, without its data; the code is its stable slug.
    TaskMove {
        Sign => "sign", "签收";
        Return => "return", "退回";
        Reassign => "reassign", "重新交办";
        Progress => "progress", "反馈进展";
        Extend => "extend", "申请延期";
        GrantExtension => "grant-extension", "同意延期";
        DenyExtension => "deny-extension", "不同意延期";
        Complete => "complete", "办结";
        Verify => "verify", "核实";
        SendBack => "send-back", "退回重办";
        ShareSign => "share-sign", "协办签收";
        ShareDone => "share-done", "协办完成";
        Assign => "assign", "指定承办人";
        Approve => "approve", "审核通过";
        Decline => "decline", "审核退回";
    }
);

impl TaskCommand {
    /// The kind of move, without its data.
    pub fn kind(&self) -> TaskMove {
        use TaskCommand as C;
        match self {
            C::Sign => TaskMove::Sign,
            C::Return { .. } => TaskMove::Return,
            C::Reassign { .. } => TaskMove::Reassign,
            C::PostProgress => TaskMove::Progress,
            C::RequestExtension { .. } => TaskMove::Extend,
            C::GrantExtension => TaskMove::GrantExtension,
            C::DenyExtension => TaskMove::DenyExtension,
            C::Complete => TaskMove::Complete,
            C::Verify => TaskMove::Verify,
            C::SendBack { .. } => TaskMove::SendBack,
            C::ShareSign => TaskMove::ShareSign,
            C::ShareDone => TaskMove::ShareDone,
            C::Assign { .. } => TaskMove::Assign,
            C::Approve => TaskMove::Approve,
            C::Decline { .. } => TaskMove::Decline,
        }
    }

    /// The move's name in Chinese, as refusals quote it.
    pub fn name_zh(&self) -> &'static str {
        self.kind().label_zh()
    }
}

impl TaskMove {
    /// The role a move is taken in, as the timeline names it.
    pub fn role(&self) -> Role {
        match self {
            TaskMove::Reassign | TaskMove::GrantExtension | TaskMove::DenyExtension => Role::Leader,
            TaskMove::Verify | TaskMove::SendBack => Role::Convener,
            TaskMove::Assign | TaskMove::Approve | TaskMove::Decline => Role::DepartmentHead,
            _ => Role::DepartmentStaff,
        }
    }
}

/// What a permitted move on a task leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTransition {
    /// The task's state after the move.
    pub to: TaskState,
    /// The entry written on the topic's timeline.
    pub event: EventKind,
}

/// The moves this actor may make on this task now.
pub fn allowed_task(ctx: &TaskCtx, actor: &Actor) -> Vec<TaskMove> {
    TaskMove::ALL
        .into_iter()
        .filter(|m| check(ctx, actor, *m).is_ok())
        .collect()
}

/// Decides one move on a task: who may make it, and from which state.
/// Whether this actor may make this kind of move on the task now, before
/// the data it carries is looked at.
pub fn may_task(ctx: &TaskCtx, actor: &Actor, mv: TaskMove) -> Result<(), DomainError> {
    check(ctx, actor, mv).map(|_| ())
}

/// Decides one move on a task: who, from which state, then the data it carries.
pub fn decide_task(
    ctx: &TaskCtx,
    actor: &Actor,
    cmd: &TaskCommand,
) -> Result<TaskTransition, DomainError> {
    let (to, event) = check(ctx, actor, cmd.kind())?;
    if let TaskCommand::Reassign { department } = cmd {
        check_department(&ctx.region, department)?;
    }
    if let TaskCommand::Assign {
        clerk_works_here: false,
    } = cmd
    {
        return Err(DomainError::invalid("clerk", "承办人须是本部门的工作人员"));
    }
    Ok(TaskTransition { to, event })
}

/// Who may make a kind of move on a task, and from which state. While an
/// extension waits for the leader, the department keeps working: it may
/// still report progress and finish.
fn check(
    ctx: &TaskCtx,
    actor: &Actor,
    mv: TaskMove,
) -> Result<(TaskState, EventKind), DomainError> {
    use TaskMove as M;
    use TaskState::*;
    let permitted = match mv {
        M::Reassign | M::GrantExtension | M::DenyExtension => actor.leads(&ctx.region),
        M::Verify | M::SendBack => actor.is_convener_of(ctx.room),
        M::ShareSign | M::ShareDone => own_share(ctx, actor).is_some(),
        M::Assign | M::Approve | M::Decline => actor.is_head_of(ctx.department),
        _ => actor.is_staff_of(ctx.department),
    };
    if !permitted {
        return Err(DomainError::Forbidden);
    }
    if let (M::ShareSign | M::ShareDone, Some(share)) = (mv, own_share(ctx, actor)) {
        return share_move(ctx.state, share.state, mv);
    }
    if mv == M::Complete
        && matches!(ctx.state, Signed | InProgress | ExtensionRequested)
        && ctx.shares.iter().any(|s| s.state != ShareState::Done)
    {
        return Err(DomainError::Precondition(
            "协办部门尚未全部完成，主办部门暂不能办结".into(),
        ));
    }
    Ok(match (mv, ctx.state) {
        (M::Sign, Assigned) => (Signed, EventKind::TaskSigned),
        (M::Return, Assigned) => (Returned, EventKind::TaskReturned),
        (M::Reassign, Returned) => (Assigned, EventKind::TaskReassigned),
        (M::Progress, Signed | InProgress) => (InProgress, EventKind::ProgressPosted),
        (M::Progress, ExtensionRequested) => (ExtensionRequested, EventKind::ProgressPosted),
        (M::Extend, Signed | InProgress) => (ExtensionRequested, EventKind::ExtensionRequested),
        (M::GrantExtension, ExtensionRequested) => (InProgress, EventKind::ExtensionGranted),
        (M::DenyExtension, ExtensionRequested) => (InProgress, EventKind::ExtensionDenied),
        // Where the region asks for it, a clerk's completion waits for the head.
        (M::Complete, Signed | InProgress | ExtensionRequested)
            if ctx.needs_approval && !actor.is_head_of(ctx.department) =>
        {
            (AwaitingApproval, EventKind::CompletionSubmitted)
        }
        (M::Complete, Signed | InProgress | ExtensionRequested) => (Done, EventKind::TaskDone),
        (M::Approve, AwaitingApproval) => (Done, EventKind::TaskDone),
        (M::Decline, AwaitingApproval) => (InProgress, EventKind::CompletionDeclined),
        (M::Verify, Done) => (Verified, EventKind::TaskVerified),
        (M::SendBack, Done) => (InProgress, EventKind::TaskSentBack),
        // The head names (or changes) the clerk while the work is open.
        (M::Assign, Assigned | Signed | InProgress | ExtensionRequested) => {
            (ctx.state, EventKind::ClerkAssigned)
        }
        (mv, s) => {
            return Err(DomainError::WrongState {
                from: s.label_zh(),
                action: mv.label_zh(),
            });
        }
    })
}

/// The share of a co-handling department this actor works in.
pub fn own_share(ctx: &TaskCtx, actor: &Actor) -> Option<Share> {
    ctx.shares
        .iter()
        .find(|s| actor.is_staff_of(s.department))
        .copied()
}

/// A co-handler signs its share while the task is still being worked on,
/// then reports it done; the task itself stays where it is.
fn share_move(
    task: TaskState,
    share: ShareState,
    mv: TaskMove,
) -> Result<(TaskState, EventKind), DomainError> {
    use TaskState::*;
    let working = matches!(task, Assigned | Signed | InProgress | ExtensionRequested);
    match (mv, share) {
        (TaskMove::ShareSign, ShareState::Assigned) if working => {
            Ok((task, EventKind::ShareSigned))
        }
        (TaskMove::ShareDone, ShareState::Signed) if working => Ok((task, EventKind::ShareDone)),
        _ => Err(DomainError::WrongState {
            from: share.label_zh(),
            action: mv.label_zh(),
        }),
    }
}

impl TaskMove {
    /// The share state a co-handler's move leaves behind.
    pub fn share_state(&self) -> Option<ShareState> {
        match self {
            TaskMove::ShareSign => Some(ShareState::Signed),
            TaskMove::ShareDone => Some(ShareState::Done),
            _ => None,
        }
    }
}

/// Whether a department of this region needs its head's approval of a
/// completion: the setting of the nearest region above it that made one.
pub fn head_approval(settings: &[(RegionPath, bool)], department_region: &RegionPath) -> bool {
    settings
        .iter()
        .filter(|(r, _)| r.covers(department_region))
        .max_by_key(|(r, _)| r.0.len())
        .is_some_and(|(_, on)| *on)
}

/// An administrator of a region (or above) decides whether its departments'
/// completions need their head's approval.
pub fn set_head_approval(actor: &Actor, region: &RegionPath) -> Result<(), DomainError> {
    if actor.administers(region) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}
