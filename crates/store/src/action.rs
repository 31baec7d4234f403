//! A move on a topic as the store takes it: the domain's command plus the
//! data the stage writes (texts, photos, the records it names by id).
use chrono::NaiveDate;
use domain::{
    Analysis, DepartmentId, FollowUpOutcome, MeetingId, Note, OpinionId, RatingComment, Reason,
    ResearchPlan, ResearchVisit, ReviewSessionId, Ruling, Satisfaction, TaskTitle, TopicMove,
    TrackingNo, UserId,
};

/// A move on a topic with the data it carries; the domain decides whether it may happen.
#[derive(Clone, Debug)]
pub enum TopicAction {
    /// Take the submission on (受理立项).
    Accept,
    /// Refuse the submission (不予立项).
    Reject {
        /// Why, for the submitter to read.
        reason: Reason,
    },
    /// Fold the submission into a topic already being handled (合并).
    Merge {
        /// The 查询码 of the topic that takes it.
        into: TrackingNo,
    },
    /// Hand the submission straight to a department (转办).
    Refer {
        /// The department that handles it.
        department: DepartmentId,
        /// Its due date, today at the earliest.
        due: NaiveDate,
    },
    /// Set or change the research plan (调研方案).
    PlanResearch {
        /// What, where, when, who leads, how.
        plan: ResearchPlan,
    },
    /// Record a research visit or study (商前调研).
    AddResearch {
        /// When, where, how, who took part as typed, what it found.
        visit: ResearchVisit,
        /// Registered people who took part (their names and categories are looked up).
        people: Vec<UserId>,
        /// Evidence photos, already made safe and stored.
        photos: Vec<crate::NewPhoto>,
    },
    /// Write or revise the research analysis (调研分析).
    WriteAnalysis {
        /// The four sections, as far as written.
        analysis: Analysis,
    },
    /// Put the topic on a meeting's agenda (安排上会).
    Schedule {
        /// A meeting of the topic's room that has not started.
        meeting: MeetingId,
    },
    /// Record the meeting's consultation opinion (协商意见).
    RecordOpinion {
        /// The opinion as agreed.
        text: Note,
    },
    /// Leadership rules on one consultation opinion at a leadership meeting
    /// (上会研究); the topic is reviewed when its last opinion is ruled on.
    Review {
        /// The leadership meeting.
        session: ReviewSessionId,
        /// The topic's opinion ruled on.
        opinion: OpinionId,
        /// What was decided, with the part, the reason and the 批示.
        ruling: Ruling,
    },
    /// Give a department a task (工单) that carries the decision out.
    DispatchTask {
        /// The department that does the work.
        department: DepartmentId,
        /// What it is asked to do.
        title: TaskTitle,
        /// Its due date, today at the earliest.
        due: NaiveDate,
        /// The adopted opinion (or part) it carries out, when named.
        opinion: Option<OpinionId>,
        /// Co-handling departments (协办), each with a share to sign and finish.
        co_departments: Vec<DepartmentId>,
    },
    /// Close the work once every task is verified (办结).
    Complete,
    /// The submitter rates the result; not satisfied reopens the topic.
    Rate {
        /// The submitter's verdict.
        satisfaction: Satisfaction,
        /// What they add; may be empty.
        comment: RatingComment,
    },
    /// Put a reopened topic back to work.
    Resume,
    /// Keep the result of a reopened topic, saying why (a leader; it ends).
    Uphold {
        /// Why no new task is given.
        reason: Reason,
    },
    /// 跟踪问效: the convener or a committee member went back to see whether
    /// the fix held; 没有效果 reopens the topic.
    FollowUp {
        /// What they found.
        outcome: FollowUpOutcome,
        /// What they saw.
        note: Note,
        /// Photos taken, already made safe and stored.
        photos: Vec<crate::NewPhoto>,
    },
}

impl TopicAction {
    /// The kind of move, without its data.
    pub fn kind(&self) -> TopicMove {
        match self {
            TopicAction::Accept => TopicMove::Accept,
            TopicAction::Reject { .. } => TopicMove::Reject,
            TopicAction::Merge { .. } => TopicMove::Merge,
            TopicAction::Refer { .. } => TopicMove::Refer,
            TopicAction::PlanResearch { .. } => TopicMove::Plan,
            TopicAction::AddResearch { .. } => TopicMove::Research,
            TopicAction::WriteAnalysis { .. } => TopicMove::Analyse,
            TopicAction::Schedule { .. } => TopicMove::Schedule,
            TopicAction::RecordOpinion { .. } => TopicMove::Opinion,
            TopicAction::Review { .. } => TopicMove::Review,
            TopicAction::DispatchTask { .. } => TopicMove::Dispatch,
            TopicAction::Complete => TopicMove::Complete,
            TopicAction::Rate { .. } => TopicMove::Rate,
            TopicAction::Resume => TopicMove::Resume,
            TopicAction::Uphold { .. } => TopicMove::Uphold,
            TopicAction::FollowUp { .. } => TopicMove::FollowUp,
        }
    }
}
