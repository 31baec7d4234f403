//! What a timeline entry says beyond its kind, stored as typed facts and
//! rendered into Chinese — in Beijing time — wherever it is shown: the
//! topic page, the API, an inbox line, a text message. Nothing stores the
//! rendered sentence, so a time can never be frozen in the wrong zone.
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{AnalysisSection, Channel, Decision, ResearchMethod, Satisfaction};

/// China Standard Time (UTC+8, no daylight saving): every person the product serves lives in it.
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("UTC+8 is a valid offset"),
};

/// A moment as people read it: `2026-10-26 09:30`, Beijing time.
pub fn beijing_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&BEIJING)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The calendar day in Beijing at this moment.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&BEIJING).date_naive()
}

/// The instant a Beijing day begins (midnight there, 16:00 UTC the day before).
pub fn beijing_midnight(day: NaiveDate) -> DateTime<Utc> {
    let offset = chrono::Duration::seconds(i64::from(BEIJING.local_minus_utc()));
    (day.and_time(chrono::NaiveTime::MIN) - offset).and_utc()
}

/// The facts of one timeline entry. Each variant carries what its sentence
/// needs; names (departments, meetings) are copied as they were at the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventDetail {
    /// The kind says it all.
    #[default]
    None,
    /// A sentence written before entries were stored as facts.
    Legacy {
        /// The sentence as it was stored.
        text: String,
    },
    /// The topic was raised.
    Submitted {
        /// How it came in.
        channel: Channel,
        /// 党政点题 is accepted on creation.
        accepted: bool,
        /// 委员荐题: why the member recommends it.
        reason: Option<String>,
    },
    /// Refused, or sent back, with a reason the other side reads.
    Reason {
        /// The reason as written.
        reason: String,
    },
    /// This topic went into another one.
    MergedInto {
        /// The 查询码 of the topic it went into.
        tracking_no: String,
    },
    /// Another topic came into this one.
    MergedFrom {
        /// The other topic's title.
        title: String,
        /// The other topic's 查询码.
        tracking_no: String,
    },
    /// Handed straight to a department (转办).
    Referred {
        /// The department's name.
        department: String,
        /// The due date given.
        due: NaiveDate,
    },
    /// A research visit (商前调研).
    Research {
        /// What was found.
        note: String,
        /// Who took part, with their categories; may be empty.
        participants: String,
        /// The day of the visit (older entries have none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
        /// Where, and how (实地走访, 座谈, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<String>,
        /// How it was done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        method: Option<ResearchMethod>,
    },
    /// The research plan was set or changed.
    ResearchPlan {
        /// What the research sets out to find.
        questions: String,
        /// How.
        methods: Vec<ResearchMethod>,
    },
    /// The research analysis was written or revised.
    Analysis {
        /// The sections still empty.
        missing: Vec<AnalysisSection>,
    },
    /// Put on a meeting's agenda.
    Scheduled {
        /// The meeting's name.
        meeting: String,
        /// When the meeting starts.
        starts_at: DateTime<Utc>,
    },
    /// The consultation opinion (协商意见) was recorded.
    Opinion {
        /// The opinion as recorded.
        text: String,
    },
    /// Leadership's ruling (上会研究).
    Reviewed {
        /// Adopted, partly adopted or not.
        decision: Decision,
        /// Leadership's 批示; may be empty.
        instructions: String,
        /// The opinion ruled on (entries before per-opinion rulings have none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        opinion: Option<String>,
        /// 部分采纳: the part adopted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        part: Option<String>,
        /// 不予采纳: why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The leadership meeting, with its date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
    },
    /// A task (工单) was given to a department.
    Dispatched {
        /// The department's name.
        department: String,
        /// The task's title.
        task: String,
        /// The task's due date.
        due: NaiveDate,
    },
    /// The submitter rated the result.
    Rated {
        /// The verdict.
        satisfaction: Satisfaction,
        /// What they said with it; may be empty.
        comment: String,
    },
    /// A reopened topic goes back to work.
    Resumed,
    /// The last task was verified, so the topic is done.
    AllTasksVerified,
    /// A task signed for or verified.
    Task {
        /// The task's title.
        task: String,
    },
    /// A department handed its task back.
    TaskReturned {
        /// The task's title.
        task: String,
        /// Why it was handed back.
        reason: String,
    },
    /// A returned task went to another department.
    TaskReassigned {
        /// The task's title.
        task: String,
        /// The new department's name.
        department: String,
    },
    /// Progress or completion, in the department's words.
    Note {
        /// The department's words.
        text: String,
    },
    /// A department asked for more time.
    ExtensionRequested {
        /// The due date asked for.
        until: NaiveDate,
        /// Why it needs more time.
        reason: String,
    },
    /// A leader allowed the later date.
    ExtensionGranted {
        /// The new due date.
        until: NaiveDate,
    },
    /// A leader kept the original date.
    ExtensionDenied {
        /// The due date that stands.
        due: NaiveDate,
    },
    /// A meeting notified, started or closed.
    Meeting {
        /// The meeting's name.
        meeting: String,
        /// When it starts.
        starts_at: DateTime<Utc>,
        /// Where it is held.
        place: String,
    },
    /// An online deliberation (线上议事) was opened.
    DeliberationOpened {
        /// How many statements it started with.
        statements: u32,
    },
    /// A Pol.is conversation was imported.
    DeliberationImported {
        /// Statements imported.
        statements: u32,
        /// People who took part.
        participants: u32,
        /// Votes cast.
        votes: u32,
    },
    /// The deliberation's result went with the meeting papers (协商意见参考).
    DeliberationAttached {
        /// People who took part.
        participants: u32,
        /// Votes cast.
        votes: u32,
    },
    /// The deliberation ended.
    DeliberationClosed {
        /// Votes cast in all.
        votes: u32,
    },
    /// Supervision reminded a department or showed it a card.
    Supervision {
        /// What it said.
        #[serde(flatten)]
        notice: crate::Notice,
        /// The task's title then.
        task: String,
        /// Its due date then.
        due: NaiveDate,
    },
    /// The department's head named the clerk who handles a task (承办人).
    Clerk {
        /// The task's title.
        task: String,
        /// The clerk's name.
        clerk: String,
    },
    /// A co-handling department (协办) signed or finished its share.
    Share {
        /// The co-handling department's name.
        department: String,
        /// The task's title.
        task: String,
        /// What it reported when done.
        note: Option<String>,
    },
    /// A follow-up check (跟踪问效) went back to see whether the fix held.
    FollowUp {
        /// What it found.
        outcome: crate::FollowUpOutcome,
        /// What was seen.
        note: String,
    },
    /// A 督办单 on a task: issued (with the date to answer by), answered
    /// (with the answer) or escalated for want of an answer.
    Order {
        /// The task's title.
        task: String,
        /// What the order asks, or the department's answer.
        text: String,
        /// The date it is to be answered by.
        answer_by: NaiveDate,
    },
}

impl EventDetail {
    /// The sentence people read, times in Beijing time; empty when the kind says it all.
    pub fn text_zh(&self) -> String {
        use EventDetail as D;
        match self {
            D::None => String::new(),
            D::Legacy { text } => text.clone(),
            D::Submitted {
                channel,
                accepted,
                reason,
            } => {
                let mut s = channel.label_zh().to_owned();
                if *accepted {
                    s.push_str("，直接立项");
                }
                if let Some(r) = reason {
                    s.push_str(&format!("。推荐理由：{r}"));
                }
                s
            }
            D::Reason { reason } => format!("理由：{reason}"),
            D::MergedInto { tracking_no } => format!("并入议题 {tracking_no}"),
            D::MergedFrom { title, tracking_no } => {
                format!("议题「{title}」（{tracking_no}）并入本议题")
            }
            D::Referred { department, due } => format!("转交{department}办理，办理期限 {due}"),
            D::Research {
                note,
                participants,
                on,
                place,
                method,
            } => {
                let mut s = String::new();
                if let Some(on) = on {
                    s.push_str(&format!("{on} "));
                }
                if let Some(place) = place {
                    s.push_str(place);
                }
                if let Some(method) = method {
                    s.push_str(&format!("（{}）", method.label_zh()));
                }
                if !s.is_empty() {
                    s.push('：');
                }
                s.push_str(note);
                if !participants.is_empty() {
                    s.push_str(&format!("（参加：{participants}）"));
                }
                s
            }
            D::ResearchPlan { questions, methods } => {
                let methods: Vec<&str> = methods.iter().map(|m| m.label_zh()).collect();
                format!("调研内容：{questions}；调研方式：{}", methods.join("、"))
            }
            D::Analysis { missing } if missing.is_empty() => {
                "可行性、实施措施、潜在问题与风险、建议均已写明".to_owned()
            }
            D::Analysis { missing } => {
                let missing: Vec<&str> = missing.iter().map(|m| m.label_zh()).collect();
                format!("尚待填写：{}", missing.join("、"))
            }
            D::Scheduled { meeting, starts_at } => {
                format!("列入「{meeting}」议程（{}）", beijing_time(*starts_at))
            }
            D::Opinion { text } | D::Note { text } => text.clone(),
            D::Reviewed {
                decision,
                instructions,
                opinion,
                part,
                reason,
                session,
            } => {
                let mut s = String::new();
                if let Some(session) = session {
                    s.push_str(&format!("{session}审议"));
                }
                if let Some(opinion) = opinion {
                    s.push_str(&format!("「{opinion}」："));
                }
                s.push_str(decision.label_zh());
                if let Some(part) = part {
                    s.push_str(&format!("（采纳部分：{part}）"));
                }
                if let Some(reason) = reason {
                    s.push_str(&format!("（理由：{reason}）"));
                }
                if !instructions.is_empty() {
                    s.push_str(&format!("。批示：{instructions}"));
                }
                s
            }
            D::Dispatched {
                department,
                task,
                due,
            } => format!("交{department}办理「{task}」，办理期限 {due}"),
            D::Rated {
                satisfaction,
                comment,
            } if comment.is_empty() => satisfaction.label_zh().to_owned(),
            D::Rated {
                satisfaction,
                comment,
            } => format!("{}：{comment}", satisfaction.label_zh()),
            D::Resumed => "群众不满意，重新办理".to_owned(),
            D::AllTasksVerified => "全部任务已核实办结".to_owned(),
            D::Task { task } => format!("「{task}」"),
            D::TaskReturned { task, reason } => format!("「{task}」退回，理由：{reason}"),
            D::TaskReassigned { task, department } => format!("「{task}」改交{department}办理"),
            D::ExtensionRequested { until, reason } => {
                format!("申请延期至 {until}，理由：{reason}")
            }
            D::ExtensionGranted { until } => format!("办理期限延至 {until}"),
            D::ExtensionDenied { due } => format!("仍按原期限 {due} 办结"),
            D::Meeting {
                meeting,
                starts_at,
                place,
            } => format!("「{meeting}」，{}，{place}", beijing_time(*starts_at)),
            D::DeliberationOpened { statements } => {
                format!("开启线上议事（画出同心圆），初始观点{statements}条")
            }
            D::DeliberationImported {
                statements,
                participants,
                votes,
            } => {
                format!("导入 Pol.is 议题：观点{statements}条，{participants}人参与，表态{votes}次")
            }
            D::DeliberationAttached {
                participants,
                votes,
            } => format!(
                "协商意见参考：线上议事结果已附会议材料（{participants}人参与，{votes}次表态）"
            ),
            D::DeliberationClosed { votes } => format!("线上议事结束，共{votes}次表态"),
            D::Supervision { notice, task, due } => notice.text_zh(task, *due),
            D::Clerk { task, clerk } => format!("「{task}」由{clerk}承办"),
            D::Share {
                department,
                task,
                note: None,
            } => format!("{department}（协办）：「{task}」"),
            D::Share {
                department,
                task,
                note: Some(note),
            } => format!("{department}（协办）：「{task}」{note}"),
            D::FollowUp { outcome, note } => format!("{}。{note}", outcome.label_zh()),
            D::Order {
                task,
                text,
                answer_by,
            } => format!("任务「{task}」：{text}（答复期限 {answer_by}）"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_meeting_at_half_past_nine_in_beijing_reads_09_30() {
        // 09:30 in Beijing is 01:30 UTC.
        let starts_at = Utc.with_ymd_and_hms(2026, 10, 26, 1, 30, 0).unwrap();
        let d = EventDetail::Scheduled {
            meeting: "陈师社区秋季协商议事会".into(),
            starts_at,
        };
        assert_eq!(
            d.text_zh(),
            "列入「陈师社区秋季协商议事会」议程（2026-10-26 09:30）"
        );
        let m = EventDetail::Meeting {
            meeting: "会".into(),
            starts_at,
            place: "议事室".into(),
        };
        assert!(m.text_zh().contains("2026-10-26 09:30"));
    }

    #[test]
    fn late_evening_utc_is_the_next_day_in_beijing() {
        let t = Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).unwrap();
        assert_eq!(beijing_date(t).to_string(), "2027-01-01");
        assert_eq!(beijing_time(t), "2027-01-01 01:00");
    }
}
