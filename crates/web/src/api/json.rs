//! The API's JSON shapes: codes for machines, labels in Chinese for people.
//! Each derives its OpenAPI schema, so the document cannot drift from the code.
use crate::calendar::Deadlines;
use serde::Serialize;
use utoipa::ToSchema;

use crate::view::fmt_time;

/// A deliberation room (议事室).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoomJson {
    /// Permanent short code, as in `/r/{code}`.
    pub code: String,
    pub name: String,
    pub place: String,
    pub description: String,
    pub allow_anonymous: bool,
    /// The region path in Chinese, e.g. "江苏省 / 淮安市 / 涟水县 / 陈师街道 / 陈师村".
    pub region: Option<String>,
    /// The categories a topic here is filed under (its region's list; one
    /// room's answer only): a `category` not among them is filed as 其他.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
}

impl RoomJson {
    pub fn new(r: &store::Room, region: Option<String>) -> Self {
        RoomJson {
            code: r.code.as_str().to_owned(),
            name: r.name.clone(),
            place: r.place.clone(),
            description: r.description.clone(),
            allow_anonymous: r.allow_anonymous,
            region,
            categories: None,
        }
    }
}

/// A topic (议题) as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicJson {
    /// 查询码: ten digits.
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub place: String,
    pub room: String,
    pub room_name: String,
    /// leadership (党政点题), resident (群众出题) or committee (委员荐题).
    pub channel: String,
    pub channel_label: String,
    /// submitted, accepted, rejected, merged, referred, researching, scheduled,
    /// deliberated, reviewed, implementing, completed, evaluated, reopened.
    pub state: String,
    pub state_label: String,
    /// adopt, partly_adopt or not_adopt once reviewed.
    pub decision: Option<String>,
    pub like_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl TopicJson {
    pub fn new(t: &store::Topic, room: &store::Room) -> Self {
        TopicJson {
            tracking_no: t.tracking_no.clone(),
            title: t.title.clone(),
            category: t.category.clone(),
            place: t.place.clone(),
            room: room.code.as_str().to_owned(),
            room_name: room.name.clone(),
            channel: t.channel.code().to_owned(),
            channel_label: t.channel.label_zh().to_owned(),
            state: t.state.code().to_owned(),
            state_label: t.state.label_zh().to_owned(),
            decision: t.decision.map(|d| d.code().to_owned()),
            like_count: t.like_count,
            created_at: t.created_at.to_rfc3339(),
            updated_at: t.updated_at.to_rfc3339(),
        }
    }

    /// Rows whose room is known, in order.
    pub fn list(ts: &[store::Topic], rooms: &[store::Room]) -> Vec<TopicJson> {
        ts.iter()
            .filter_map(|t| {
                rooms
                    .iter()
                    .find(|r| r.id == t.room)
                    .map(|r| TopicJson::new(t, r))
            })
            .collect()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicListJson {
    pub total: u64,
    pub items: Vec<TopicJson>,
}

/// A topic with everything on its public page.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicDetailJson {
    #[serde(flatten)]
    pub topic: TopicJson,
    pub body: String,
    /// Where a merged topic now lives.
    pub merged_into: Option<String>,
    pub timeline: Vec<EventJson>,
    pub tasks: Vec<TaskJson>,
    pub research: ResearchJson,
    pub opinions: Vec<OpinionJson>,
    /// 督办单 on the topic's tasks, with their answers.
    pub orders: Vec<crate::stages::order::OrderJson>,
    /// Co-handling departments' shares of the topic's tasks (联办).
    pub shares: Vec<ShareJson>,
    /// For a result: the token this caller sends with a like
    /// (`POST /api/topics/{no}/likes`), good for two hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub like_token: Option<String>,
    /// Of the likes, those from accounts (phone-verified residents and officials).
    pub verified_likes: u64,
}

/// One entry of a topic's public timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    pub kind: String,
    pub label: String,
    pub actor: String,
    pub role: String,
    pub detail: String,
    pub at: String,
    /// The time in Beijing, as shown on pages.
    pub at_local: String,
}

impl EventJson {
    /// The entry's facts rendered for people, times in Beijing time.
    pub fn new(e: &store::TopicEvent) -> Self {
        EventJson {
            kind: e.kind.code().to_owned(),
            label: e.kind.label_zh().to_owned(),
            actor: e.actor_name.clone(),
            role: e.actor_role.label_zh().to_owned(),
            detail: e.detail.text_zh(),
            at: e.at.to_rfc3339(),
            at_local: fmt_time(e.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResearchJson {
    /// The plan, once set.
    pub plan: Option<ResearchPlanJson>,
    /// Each visit or study, oldest first.
    pub records: Vec<ResearchRecordJson>,
    /// 可行性, 实施措施, 潜在问题与风险, 建议 as far as written.
    pub analysis: AnalysisJson,
    /// What is still missing before the topic may go on an agenda.
    pub missing: Vec<String>,
    /// Research is complete (调研不精准不建议).
    pub complete: bool,
    /// The 调研报告 as PDF and DOCX (present once anything is recorded).
    pub report_pdf: Option<String>,
    pub report_docx: Option<String>,
}

/// The research analysis, section by section (empty while not written).
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisJson {
    pub feasibility: String,
    pub measures: String,
    pub risks: String,
    pub recommendation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResearchPlanJson {
    pub questions: String,
    pub places: String,
    pub period: String,
    pub lead: String,
    /// visit, forum, survey, documents.
    pub methods: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResearchRecordJson {
    /// The day of the visit (none on records from before structured research).
    pub on: Option<String>,
    pub place: String,
    /// visit, forum, survey, documents.
    pub method: Option<String>,
    pub findings: String,
    pub participants: Vec<ParticipantJson>,
    /// Who took part, as typed on older records.
    pub participants_text: String,
    /// Photo store keys of the evidence photos (`/media/{key}`).
    pub photos: Vec<String>,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantJson {
    pub name: String,
    /// A participant category code (expert, party_member, resident_rep, …).
    pub category: String,
    pub category_label: String,
    /// Set when chosen from the registered people.
    pub user_id: Option<i64>,
}

impl ResearchJson {
    pub fn new(r: &store::Research, no: &str) -> Self {
        let any = r.plan.is_some() || !r.records.is_empty();
        ResearchJson {
            plan: r.plan.as_ref().map(|p| ResearchPlanJson {
                questions: p.questions.clone(),
                places: p.places.clone(),
                period: p.period.clone(),
                lead: p.lead.clone(),
                methods: p.methods.iter().map(|m| m.code().to_owned()).collect(),
            }),
            records: r
                .records
                .iter()
                .map(|rec| ResearchRecordJson {
                    on: rec.on.map(|d| d.to_string()),
                    place: rec.place.clone(),
                    method: rec.method.map(|m| m.code().to_owned()),
                    findings: rec.findings.clone(),
                    participants: rec
                        .participants
                        .iter()
                        .map(|p| ParticipantJson {
                            name: p.name.clone(),
                            category: p.category.code().to_owned(),
                            category_label: p.category.label_zh().to_owned(),
                            user_id: p.user.map(|u| u.0),
                        })
                        .collect(),
                    participants_text: rec.participants_text.clone(),
                    photos: rec.photos.iter().map(|p| p.key.clone()).collect(),
                    at: rec.created_at.to_rfc3339(),
                })
                .collect(),
            analysis: AnalysisJson {
                feasibility: r.analysis.feasibility.clone(),
                measures: r.analysis.measures.clone(),
                risks: r.analysis.risks.clone(),
                recommendation: r.analysis.recommendation.clone(),
            },
            missing: r.progress().gaps().into_iter().map(str::to_owned).collect(),
            complete: r.progress().is_complete(),
            report_pdf: any.then(|| format!("/t/{no}/research/report.pdf")),
            report_docx: any.then(|| format!("/t/{no}/research/report.docx")),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpinionJson {
    pub id: i64,
    pub text: String,
    /// adopt, partly_adopt, not_adopt; none while it waits for 上会研究.
    pub decision: Option<String>,
    pub decision_label: String,
    /// 部分采纳: the part adopted.
    pub part: Option<String>,
    /// 不予采纳: the reason, public.
    pub reason: Option<String>,
    pub instructions: String,
    /// The leadership meeting that ruled on it (`GET /api/reviews/{id}`).
    pub session: Option<i64>,
}

impl OpinionJson {
    pub fn new(o: store::Opinion) -> Self {
        OpinionJson {
            id: o.id.0,
            text: o.text,
            decision: o.decision.map(|d| d.code().to_owned()),
            decision_label: o
                .decision
                .map(|d| d.label_zh())
                .unwrap_or("待审议")
                .to_owned(),
            part: o.part,
            reason: o.reason,
            instructions: o.instructions,
            session: o.session.map(|s| s.0),
        }
    }
}

/// A co-handling department's share of a task (协办).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareJson {
    pub task: i64,
    pub department: String,
    /// assigned, signed, done.
    pub state: String,
    pub state_label: String,
    /// What it reported when done.
    pub note: Option<String>,
}

/// A department task (工单).
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskJson {
    pub id: i64,
    pub title: String,
    pub department: String,
    /// assigned, signed, returned, in_progress, extension_requested, done, verified.
    pub state: String,
    pub state_label: String,
    pub due_date: String,
    pub requested_due: Option<String>,
    pub overdue: bool,
    /// In working days on the official calendar: 剩余 N 个工作日, 今天到期,
    /// 超期 N 个工作日; empty once the department is done.
    pub deadline: String,
    /// 黄牌 (`yellow`) or 红牌 (`red`) when it is late to be signed or done.
    pub card: Option<String>,
    /// The user id of the clerk handling it (承办人), once named.
    pub assignee: Option<i64>,
}

impl TaskJson {
    /// The task as it stands today (Beijing's date, from the store's clock).
    pub fn new(t: &store::Task, d: &store::Department, when: &Deadlines) -> Self {
        TaskJson {
            id: t.id.0,
            title: t.title.clone(),
            department: d.name.clone(),
            state: t.state.code().to_owned(),
            state_label: t.state.label_zh().to_owned(),
            due_date: t.due_date.to_string(),
            requested_due: t.requested_due.map(|d| d.to_string()),
            overdue: when.overdue(t),
            deadline: when.text(t),
            card: when.card(t).map(|c| c.code().to_owned()),
            assignee: t.assignee.map(|u| u.0),
        }
    }

    pub fn list(
        ks: &[store::Task],
        depts: &[store::Department],
        when: &Deadlines,
    ) -> Vec<TaskJson> {
        ks.iter()
            .filter_map(|k| {
                depts
                    .iter()
                    .find(|d| d.id == k.department)
                    .map(|d| TaskJson::new(k, d, when))
            })
            .collect()
    }
}

/// A deliberation meeting (协商议事会).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingJson {
    pub id: i64,
    pub title: String,
    pub place: String,
    pub starts_at: String,
    /// planned, notified, in_session, closed.
    pub state: String,
    pub state_label: String,
    /// Tracking numbers of the topics on the agenda, in order.
    pub agenda: Vec<String>,
}

impl MeetingJson {
    pub fn new(m: &store::Meeting, agenda: Vec<store::Topic>) -> Self {
        MeetingJson {
            id: m.id.0,
            title: m.title.clone(),
            place: m.place.clone(),
            starts_at: m.starts_at.to_rfc3339(),
            state: m.state.code().to_owned(),
            state_label: m.state.label_zh().to_owned(),
            agenda: agenda.into_iter().map(|t| t.tracking_no).collect(),
        }
    }
}

/// What waits for the signed-in person.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskJson {
    pub to_triage: Vec<TopicJson>,
    pub in_progress: Vec<TopicJson>,
    pub to_review: Vec<TopicJson>,
    pub tasks: Vec<TaskJson>,
    pub leader_tasks: Vec<TaskJson>,
    pub to_verify: Vec<TaskJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LikeJson {
    /// False when this person or device had already liked it.
    pub new: bool,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub name: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSentJson {
    pub sent: bool,
    /// The number, masked: 138****8000.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OkJson {
    pub ok: bool,
}

/// RFC 9457 problem details; `detail` is a message for people, in Chinese.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
}
