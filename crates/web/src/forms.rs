//! Input as it arrives (form or JSON, same fields) and its parsing into the
//! domain's value types. Anything malformed becomes a Chinese message.
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use domain::{
    Decision, DepartmentId, DomainError, MeetingCommand, MeetingId, Note, Reason, Satisfaction,
    TrackingNo,
};
use serde::Deserialize;
use store::{TaskAction, TopicAction};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};

/// A JSON object body: anything else (an array, a number, bad JSON, the wrong
/// content type) is refused with a problem document.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || m.to_ascii_lowercase().ends_with("+json")
            });
        if !json {
            return Err(AppError::UnsupportedMediaType(
                "请以 application/json 格式提交".into(),
            ));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("请求内容读取失败".into()))?;
        if body.trim_ascii_start().first() != Some(&b'{') {
            return Err(AppError::BadRequest("请求内容应为JSON对象".into()));
        }
        // Straight into the type: duplicate keys, wrong types and deep nesting are all refused.
        serde_json::from_slice(&body)
            .map(ApiJson)
            .map_err(|e| AppError::BadRequest(format!("请求内容不是有效的JSON或字段不正确：{e}")))
    }
}

/// `Form<T>` whose rejections are Chinese error pages.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct PageForm<T>(pub T);

/// `Path<T>` whose rejections are problem documents.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// `Query<T>` whose rejections are problem documents.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::BadRequest("地址中的参数不正确".into())
    }
}

impl From<QueryRejection> for AppError {
    fn from(_: QueryRejection) -> Self {
        AppError::BadRequest("查询参数不正确".into())
    }
}

impl From<FormRejection> for AppError {
    fn from(_: FormRejection) -> Self {
        AppError::BadRequest("提交的表单内容不正确".into())
    }
}

fn invalid(field: &'static str, message: &str) -> AppError {
    DomainError::Invalid {
        field,
        message: message.to_owned(),
    }
    .into()
}

fn required<'a>(v: &'a Option<String>, field: &'static str, label: &str) -> AppResult<&'a str> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(field, &format!("请填写{label}")))
}

/// Plain text with a length limit and no control, zero-width or bidi characters.
pub fn plain(v: Option<&str>, field: &'static str, label: &str, max: usize) -> AppResult<String> {
    let s = v.unwrap_or("").trim();
    if s.chars().count() > max {
        return Err(invalid(field, &format!("{label}不能超过{max}字")));
    }
    if domain::has_hidden_chars(s, true) {
        return Err(invalid(field, &format!("{label}含有不允许的字符")));
    }
    Ok(s.to_owned())
}

fn date(v: &Option<String>, field: &'static str, label: &str) -> AppResult<NaiveDate> {
    let s = required(v, field, label)?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| invalid(field, &format!("{label}格式应为 2026-01-31")))
}

fn id(v: &Option<String>, field: &'static str, label: &str) -> AppResult<i64> {
    required(v, field, label)?
        .parse()
        .map_err(|_| invalid(field, &format!("请选择{label}")))
}

/// Fields of every stage action; each action reads the ones it needs.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ActionInput {
    pub reason: Option<String>,
    pub into: Option<String>,
    pub department: Option<String>,
    pub due: Option<String>,
    pub note: Option<String>,
    pub participants: Option<String>,
    pub meeting: Option<String>,
    pub text: Option<String>,
    pub decision: Option<String>,
    pub instructions: Option<String>,
    pub title: Option<String>,
    pub satisfaction: Option<String>,
    pub comment: Option<String>,
    pub until: Option<String>,
}

impl ActionInput {
    fn reason(&self) -> AppResult<Reason> {
        Ok(Reason::parse(required(&self.reason, "reason", "理由")?)?)
    }
    fn note(&self) -> AppResult<Note> {
        Ok(Note::parse(required(&self.note, "note", "内容")?)?)
    }
    fn department(&self) -> AppResult<DepartmentId> {
        Ok(DepartmentId(id(&self.department, "department", "部门")?))
    }
}

pub fn topic_action(name: &str, i: &ActionInput) -> AppResult<TopicAction> {
    Ok(match name {
        "accept" => TopicAction::Accept,
        "reject" => TopicAction::Reject {
            reason: i.reason()?,
        },
        "merge" => TopicAction::Merge {
            into: TrackingNo::parse(required(&i.into, "into", "目标议题查询码")?)?,
        },
        "refer" => TopicAction::Refer {
            department: i.department()?,
            due: date(&i.due, "due", "办理期限")?,
        },
        "research" => TopicAction::AddResearch {
            note: i.note()?,
            participants: plain(i.participants.as_deref(), "participants", "参加人员", 200)?,
        },
        "schedule" => TopicAction::Schedule {
            meeting: MeetingId(id(&i.meeting, "meeting", "会议")?),
        },
        "opinion" => TopicAction::RecordOpinion {
            text: Note::parse(required(&i.text, "text", "协商意见")?)?,
        },
        "review" => TopicAction::Review {
            decision: Decision::parse(required(&i.decision, "decision", "审议结果")?)
                .ok_or_else(|| invalid("decision", "请选择审议结果"))?,
            instructions: plain(i.instructions.as_deref(), "instructions", "批示", 2000)?,
        },
        "dispatch" => TopicAction::DispatchTask {
            department: i.department()?,
            title: plain(
                Some(required(&i.title, "title", "任务名称")?),
                "title",
                "任务名称",
                100,
            )?,
            due: date(&i.due, "due", "办理期限")?,
        },
        "complete" => TopicAction::Complete,
        "resume" => TopicAction::Resume,
        "rate" => rate(i)?,
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

pub fn rate(i: &ActionInput) -> AppResult<TopicAction> {
    Ok(TopicAction::Rate {
        satisfaction: Satisfaction::parse(required(&i.satisfaction, "satisfaction", "满意程度")?)
            .ok_or_else(|| invalid("satisfaction", "请选择满意程度"))?,
        comment: plain(i.comment.as_deref(), "comment", "评价", 500)?,
    })
}

pub fn task_action(name: &str, i: &ActionInput) -> AppResult<TaskAction> {
    Ok(match name {
        "sign" => TaskAction::Sign,
        "return" => TaskAction::Return {
            reason: i.reason()?,
        },
        "reassign" => TaskAction::Reassign {
            department: i.department()?,
        },
        "progress" => TaskAction::PostProgress { note: i.note()? },
        "extend" => TaskAction::RequestExtension {
            until: date(&i.until, "until", "延期后的期限")?,
            reason: i.reason()?,
        },
        "grant-extension" => TaskAction::GrantExtension,
        "deny-extension" => TaskAction::DenyExtension,
        "complete" => TaskAction::Complete { note: i.note()? },
        "verify" => TaskAction::Verify,
        "send-back" => TaskAction::SendBack {
            reason: i.reason()?,
        },
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

pub fn meeting_command(name: &str) -> AppResult<MeetingCommand> {
    Ok(match name {
        "notify" => MeetingCommand::Notify,
        "start" => MeetingCommand::Start,
        "close" => MeetingCommand::Close,
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

/// A topic as submitted from a room page, a member's desk or the API.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SubmitInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub place: Option<String>,
    pub phone: Option<String>,
    /// resident (default), committee or leadership.
    pub channel: Option<String>,
    /// The room, when submitting from a desk rather than a room page.
    pub room: Option<String>,
}

pub const CATEGORIES: &[&str] = &[
    "交通出行",
    "市容环境",
    "公共设施",
    "社会治理",
    "民生服务",
    "农业农村",
    "移风易俗",
    "生态环保",
    "安全生产",
    "教育卫生",
    "其他",
];

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MeetingInput {
    pub title: Option<String>,
    pub place: Option<String>,
    /// Local (Beijing) time as a `datetime-local` field sends it: 2026-12-01T09:30.
    pub starts_at: Option<String>,
}

impl MeetingInput {
    pub fn starts_at(&self) -> AppResult<chrono::DateTime<chrono::Utc>> {
        let s = required(&self.starts_at, "starts_at", "会议时间")?;
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
            .map_err(|_| invalid("starts_at", "会议时间格式应为 2026-12-01T09:30"))?;
        crate::view::beijing()
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.to_utc())
            .ok_or_else(|| invalid("starts_at", "会议时间无效"))
    }
}

/// The fields of the online deliberation's forms.
#[derive(Debug, Default, Deserialize)]
pub struct DeliberationInput {
    /// Seed statements, one per line (opening).
    pub seeds: Option<String>,
    /// A new statement.
    pub text: Option<String>,
    /// The statement voted on or moderated.
    pub statement: Option<String>,
    /// agree, disagree or pass.
    pub vote: Option<String>,
    /// approve, reject or meta.
    pub action: Option<String>,
}

impl DeliberationInput {
    pub fn statement_id(&self) -> AppResult<i64> {
        self.statement
            .as_deref()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| AppError::BadRequest("请选择观点".into()))
    }

    pub fn vote(&self) -> AppResult<opinion::matrix::Vote> {
        use opinion::matrix::Vote;
        match self.vote.as_deref().map(str::trim) {
            Some("agree") => Ok(Vote::Agree),
            Some("disagree") => Ok(Vote::Disagree),
            Some("pass") => Ok(Vote::Pass),
            _ => Err(AppError::BadRequest("请选择赞同、反对或跳过".into())),
        }
    }

    /// Seed statements: one per non-empty line, at most 50.
    pub fn seeds(&self) -> AppResult<Vec<String>> {
        let seeds: Vec<String> = self
            .seeds
            .as_deref()
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if seeds.len() > 50 {
            return Err(DomainError::Invalid {
                field: "seeds",
                message: "初始观点不能超过50条".into(),
            }
            .into());
        }
        Ok(seeds)
    }
}
