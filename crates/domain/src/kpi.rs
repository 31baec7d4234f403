//! The figures a region's page shows, in order, each with how it is counted
//! (口径), whether more is better (for rankings) and what lies behind it
//! (for the link to the topics it counts).
use crate::figures::{Counter as C, Reading, Tally};
use crate::labels::labelled;
use crate::{Channel, EventKind};

labelled!(
    /// A figure on a region's page.
    Kpi {
        Raised => "raised", "议题总数";
        ByLeadership => "by_leadership", "党政点题";
        ByResidents => "by_residents", "群众出题";
        ByMembers => "by_members", "委员荐题";
        Accepted => "accepted", "受理立项";
        Rejected => "rejected", "不予立项";
        Merged => "merged", "合并办理";
        Referred => "referred", "转办";
        TriageDays => "triage_days", "受理用时中位数";
        ResearchedFirst => "researched_first", "先调研后上会";
        MeetingsHeld => "meetings_held", "召开协商议事会";
        MeetingsWithMembers => "meetings_with_members", "政协委员参加的议事会";
        Opinions => "opinions", "形成协商意见";
        OpinionsAdopted => "opinions_adopted", "意见被采纳";
        TasksDispatched => "tasks_dispatched", "交办任务";
        SignedOnTime => "signed_on_time", "按时签收率";
        DoneOnTime => "done_on_time", "按期办结率";
        OverdueNow => "overdue_now", "当前超期任务";
        YellowCards => "yellow_cards", "黄牌";
        RedCards => "red_cards", "红牌";
        Extensions => "extensions", "同意延期";
        Completed => "completed", "议题办结";
        Satisfaction => "satisfaction", "群众满意率";
        ReopenRate => "reopen_rate", "重新办理率";
        FollowUpsFailed => "follow_ups_failed", "回访无效";
        Likes => "likes", "群众点赞";
        Deliberations => "deliberations", "线上议事";
        DeliberationVotes => "deliberation_votes", "线上议事投票";
    }
);

/// What a figure's link lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// Topics with one of these entries in the period (and of this channel).
    Events(&'static [EventKind], Option<Channel>),
    /// Meetings closed in the period.
    Meetings,
    /// Tasks overdue now.
    Overdue,
    /// Topics liked, most liked first.
    Liked,
}

const TRIAGE: &[EventKind] = &[
    EventKind::Accepted,
    EventKind::Rejected,
    EventKind::Merged,
    EventKind::Referred,
];

impl Kpi {
    /// Its reading from a tally.
    pub fn reading(&self, t: &Tally) -> Reading {
        use Reading::Count as N;
        match self {
            Kpi::Raised => N(t.get(C::Raised)),
            Kpi::ByLeadership => N(t.get(C::ByLeadership)),
            Kpi::ByResidents => N(t.get(C::ByResidents)),
            Kpi::ByMembers => N(t.get(C::ByMembers)),
            Kpi::Accepted => N(t.get(C::Accepted)),
            Kpi::Rejected => N(t.get(C::Rejected)),
            Kpi::Merged => N(t.get(C::Merged)),
            Kpi::Referred => N(t.get(C::Referred)),
            Kpi::TriageDays => Reading::Days(t.median_triage_days()),
            Kpi::ResearchedFirst => {
                Reading::Percent(t.percent(C::ScheduledResearched, C::Scheduled))
            }
            Kpi::MeetingsHeld => N(t.get(C::MeetingsHeld)),
            Kpi::MeetingsWithMembers => N(t.get(C::MeetingsWithMembers)),
            Kpi::Opinions => N(t.get(C::Opinions)),
            Kpi::OpinionsAdopted => N(t.get(C::OpinionsAdopted)),
            Kpi::TasksDispatched => N(t.get(C::TasksDispatched)),
            Kpi::SignedOnTime => Reading::Percent(t.percent(C::TasksSignedOnTime, C::TasksSigned)),
            Kpi::DoneOnTime => Reading::Percent(t.percent(C::TasksDoneOnTime, C::TasksDone)),
            Kpi::OverdueNow => N(t.overdue_now),
            Kpi::YellowCards => N(t.get(C::YellowCards)),
            Kpi::RedCards => N(t.get(C::RedCards)),
            Kpi::Extensions => N(t.get(C::Extensions)),
            Kpi::Completed => N(t.get(C::Completed)),
            Kpi::Satisfaction => Reading::Percent(t.percent(C::Satisfied, C::Ratings)),
            Kpi::ReopenRate => Reading::Percent(t.percent(C::Reopened, C::Completed)),
            Kpi::FollowUpsFailed => N(t.get(C::FollowUpsFailed)),
            Kpi::Likes => N(t.get(C::Likes)),
            Kpi::Deliberations => N(t.get(C::Deliberations)),
            Kpi::DeliberationVotes => N(t.get(C::DeliberationVotes)),
        }
    }

    /// 口径: how it is counted, in a sentence.
    pub fn how_counted(&self) -> &'static str {
        match self {
            Kpi::Raised => "统计期内提出的议题，含党政点题、群众出题、委员荐题，按提出日期计",
            Kpi::ByLeadership => "统计期内党委政府点题的议题",
            Kpi::ByResidents => "统计期内群众通过码上议等渠道提出的议题",
            Kpi::ByMembers => "统计期内政协委员推荐的议题",
            Kpi::Accepted => "统计期内受理立项的议题，按受理日期计（党政点题提出即立项，一并计入）",
            Kpi::Rejected => "统计期内不予立项的议题，按答复日期计",
            Kpi::Merged => "统计期内与相同诉求合并办理的议题",
            Kpi::Referred => "统计期内直接转职能部门办理的议题",
            Kpi::TriageDays => {
                "统计期内完成受理（立项、不予立项、合并或转办）的议题，从提出到受理所用自然日的中位数；党政点题不计"
            }
            Kpi::ResearchedFirst => "统计期内安排上会的议题中，上会前已有调研记录的比例",
            Kpi::MeetingsHeld => "统计期内结束的协商议事会场次，按会议结束日期计",
            Kpi::MeetingsWithMembers => "统计期内结束、且有政协委员签到参加的协商议事会场次",
            Kpi::Opinions => "统计期内协商议事会形成的协商意见条数",
            Kpi::OpinionsAdopted => "统计期内经上会研究采纳或部分采纳的协商意见条数，按研究日期计",
            Kpi::TasksDispatched => "统计期内交办职能部门的任务件数，按交办日期计",
            Kpi::SignedOnTime => {
                "统计期内签收的任务中，交办当天签收（未满 1 个工作日、未被亮牌）的比例"
            }
            Kpi::DoneOnTime => {
                "统计期内核实办结的任务中，部门报告办结之日不晚于期限（含同意的延期）的比例"
            }
            Kpi::OverdueNow => "此刻已过期限、尚未办结的任务件数，不随统计期变化",
            Kpi::YellowCards => "统计期内督办亮出的黄牌次数（签收迟缓或超期 1 个工作日）",
            Kpi::RedCards => "统计期内督办亮出的红牌次数（签收迟缓 3 个或超期 5 个工作日）",
            Kpi::Extensions => "统计期内领导同意延期的次数",
            Kpi::Completed => "统计期内全部任务核实通过、办结的议题",
            Kpi::Satisfaction => "统计期内群众评价中，满意与基本满意所占比例",
            Kpi::ReopenRate => "统计期内因不满意而重新办理的次数与办结议题数之比",
            Kpi::FollowUpsFailed => "统计期内跟踪问效发现没有效果、重新办理的次数",
            Kpi::Likes => "统计期内群众对办理结果的点赞次数，按点赞日期计",
            Kpi::Deliberations => "统计期内开启的线上议事",
            Kpi::DeliberationVotes => "统计期内结束的线上议事中，群众投出的赞同、反对、跳过票数",
        }
    }

    /// Whether a higher reading is better, for rankings.
    pub fn higher_is_better(&self) -> bool {
        !matches!(
            self,
            Kpi::Rejected
                | Kpi::TriageDays
                | Kpi::OverdueNow
                | Kpi::YellowCards
                | Kpi::RedCards
                | Kpi::Extensions
                | Kpi::ReopenRate
                | Kpi::FollowUpsFailed
        )
    }

    /// The figures departments are ranked on: their tasks.
    pub const FOR_DEPARTMENTS: [Kpi; 7] = [
        Kpi::TasksDispatched,
        Kpi::SignedOnTime,
        Kpi::DoneOnTime,
        Kpi::OverdueNow,
        Kpi::YellowCards,
        Kpi::RedCards,
        Kpi::Extensions,
    ];

    /// What its link lists.
    pub fn behind(&self) -> Behind {
        use EventKind as E;
        let events = |kinds: &'static [EventKind]| Behind::Events(kinds, None);
        match self {
            Kpi::Raised => events(&[E::Submitted]),
            Kpi::ByLeadership => Behind::Events(&[E::Submitted], Some(Channel::Leadership)),
            Kpi::ByResidents => Behind::Events(&[E::Submitted], Some(Channel::Resident)),
            Kpi::ByMembers => Behind::Events(&[E::Submitted], Some(Channel::Committee)),
            Kpi::Accepted => events(&[E::Accepted]),
            Kpi::Rejected => events(&[E::Rejected]),
            Kpi::Merged => events(&[E::Merged]),
            Kpi::Referred => events(&[E::Referred]),
            Kpi::TriageDays => events(TRIAGE),
            Kpi::ResearchedFirst => events(&[E::Scheduled]),
            Kpi::MeetingsHeld | Kpi::MeetingsWithMembers => Behind::Meetings,
            Kpi::Opinions => events(&[E::OpinionRecorded]),
            Kpi::OpinionsAdopted => events(&[E::Reviewed]),
            Kpi::TasksDispatched => events(&[E::TaskDispatched]),
            Kpi::SignedOnTime => events(&[E::TaskSigned]),
            Kpi::DoneOnTime => events(&[E::TaskVerified]),
            Kpi::OverdueNow => Behind::Overdue,
            Kpi::YellowCards | Kpi::RedCards => events(&[E::Carded]),
            Kpi::Extensions => events(&[E::ExtensionGranted]),
            Kpi::Completed => events(&[E::Completed]),
            Kpi::Satisfaction => events(&[E::Rated, E::Reopened]),
            Kpi::ReopenRate => events(&[E::Reopened]),
            Kpi::FollowUpsFailed => events(&[E::FollowUpFailed]),
            Kpi::Likes => Behind::Liked,
            Kpi::Deliberations => events(&[E::DeliberationOpened]),
            Kpi::DeliberationVotes => events(&[E::DeliberationClosed]),
        }
    }
}
