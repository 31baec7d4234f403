//! The department task state machine.
use chrono::NaiveDate;

use crate::labels::labelled;
use crate::{Actor, DepartmentId, DomainError, EventKind, Reason, RegionPath, RoomId};

labelled!(
    TaskState {
        Assigned => "assigned", "待签收";
        Signed => "signed", "已签收";
        Returned => "returned", "已退回";
        InProgress => "in_progress", "办理中";
        ExtensionRequested => "extension_requested", "申请延期";
        Done => "done", "已办结";
        Verified => "verified", "已核实";
    }
);

impl TaskState {
    pub fn is_open(&self) -> bool {
        !matches!(self, TaskState::Verified)
    }

    /// Overdue: still open after its due date. (Finished but unverified work is not
    /// the department's delay, so Done does not count.)
    pub fn is_overdue(&self, due: NaiveDate, today: NaiveDate) -> bool {
        self.is_open() && !matches!(self, TaskState::Done) && today > due
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCtx {
    pub state: TaskState,
    pub department: DepartmentId,
    pub room: RoomId,
    pub region: RegionPath,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskCommand {
    Sign,
    Return { reason: Reason },
    Reassign { department: DepartmentId },
    PostProgress,
    RequestExtension { until: NaiveDate },
    GrantExtension,
    DenyExtension,
    Complete,
    Verify,
    SendBack { reason: Reason },
}

impl TaskCommand {
    pub fn name_zh(&self) -> &'static str {
        match self {
            TaskCommand::Sign => "签收",
            TaskCommand::Return { .. } => "退回",
            TaskCommand::Reassign { .. } => "重新交办",
            TaskCommand::PostProgress => "反馈进展",
            TaskCommand::RequestExtension { .. } => "申请延期",
            TaskCommand::GrantExtension => "同意延期",
            TaskCommand::DenyExtension => "不同意延期",
            TaskCommand::Complete => "办结",
            TaskCommand::Verify => "核实",
            TaskCommand::SendBack { .. } => "退回重办",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTransition {
    pub to: TaskState,
    pub event: EventKind,
}

pub fn decide_task(
    ctx: &TaskCtx,
    actor: &Actor,
    cmd: &TaskCommand,
) -> Result<TaskTransition, DomainError> {
    use TaskCommand as C;
    use TaskState::*;
    let permitted = match cmd {
        C::Reassign { .. } | C::GrantExtension | C::DenyExtension => actor.leads(&ctx.region),
        C::Verify | C::SendBack { .. } => actor.is_convener_of(ctx.room),
        _ => actor.is_staff_of(ctx.department),
    };
    if !permitted {
        return Err(DomainError::Forbidden);
    }
    let (to, event) = match (cmd, ctx.state) {
        (C::Sign, Assigned) => (Signed, EventKind::TaskSigned),
        (C::Return { .. }, Assigned) => (Returned, EventKind::TaskReturned),
        (C::Reassign { .. }, Returned) => (Assigned, EventKind::TaskReassigned),
        (C::PostProgress, Signed | InProgress) => (InProgress, EventKind::ProgressPosted),
        (C::RequestExtension { .. }, Signed | InProgress) => {
            (ExtensionRequested, EventKind::ExtensionRequested)
        }
        (C::GrantExtension, ExtensionRequested) => (InProgress, EventKind::ExtensionGranted),
        (C::DenyExtension, ExtensionRequested) => (InProgress, EventKind::ExtensionDenied),
        (C::Complete, Signed | InProgress) => (Done, EventKind::TaskDone),
        (C::Verify, Done) => (Verified, EventKind::TaskVerified),
        (C::SendBack { .. }, Done) => (InProgress, EventKind::TaskSentBack),
        (_, s) => {
            return Err(DomainError::WrongState {
                from: s.label_zh(),
                action: cmd.name_zh(),
            });
        }
    };
    Ok(TaskTransition { to, event })
}
