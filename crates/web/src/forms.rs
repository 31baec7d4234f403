//! Input as it arrives (form or JSON, same fields) and its parsing into the
//! domain's value types. Anything malformed becomes a Chinese message.
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use domain::{
    Decision, DepartmentId, DomainError, Instructions, MeetingCommand, MeetingId, Note,
    Participants, RatingComment, Reason, Satisfaction, TaskTitle, TrackingNo,
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
            participants: Participants::parse(i.participants.as_deref().unwrap_or(""))?,
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
            instructions: Instructions::parse(i.instructions.as_deref().unwrap_or(""))?,
        },
        "dispatch" => TopicAction::DispatchTask {
            department: i.department()?,
            title: TaskTitle::parse(required(&i.title, "title", "任务名称")?)?,
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
        comment: RatingComment::parse(i.comment.as_deref().unwrap_or(""))?,
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
    /// Hide the submitter's name in public (where the room allows anonymous submissions).
    #[serde(default, deserialize_with = "flag")]
    #[schema(value_type = Option<bool>)]
    pub anonymous: bool,
    /// Map point (decimal degrees), optional; both or neither.
    #[serde(default, deserialize_with = "number")]
    #[schema(value_type = Option<f64>)]
    pub lat: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    #[schema(value_type = Option<f64>)]
    pub lng: Option<f64>,
    /// A key the phone makes for a draft: sending the same key again returns the topic it made.
    pub client_key: Option<String>,
    /// 委员荐题: why the member recommends the topic (required for that channel).
    pub reason: Option<String>,
}

impl SubmitInput {
    /// The map point in millionths of a degree, checked to lie on Earth.
    pub fn point(&self) -> AppResult<Option<(i64, i64)>> {
        match (self.lat, self.lng) {
            (None, None) => Ok(None),
            (Some(lat), Some(lng))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) =>
            {
                #[allow(clippy::cast_possible_truncation)]
                let e6 = |v: f64| (v * 1e6).round() as i64;
                Ok(Some((e6(lat), e6(lng))))
            }
            _ => Err(invalid("lat", "位置坐标不正确")),
        }
    }

    /// The draft key: 8 to 64 letters, digits, `-` or `_`.
    pub fn client_key(&self) -> AppResult<Option<&str>> {
        match self
            .client_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => Ok(None),
            Some(k)
                if (8..=64).contains(&k.len())
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Ok(Some(k))
            }
            Some(_) => Err(invalid("client_key", "草稿编号不正确，请刷新页面后重试")),
        }
    }
}

/// A checkbox as forms send it ("on") or a JSON boolean.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum F {
        B(bool),
        S(String),
    }
    Ok(match Option::<F>::deserialize(d)? {
        None => false,
        Some(F::B(b)) => b,
        Some(F::S(s)) => matches!(s.as_str(), "on" | "true" | "1" | "yes"),
    })
}

/// A number as JSON sends it, or as text from a form field (empty means none).
fn number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        F(f64),
        S(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::F(f)) if f.is_finite() => Ok(Some(f)),
        Some(N::F(_)) => Err(serde::de::Error::custom("位置坐标不正确")),
        Some(N::S(s)) if s.trim().is_empty() => Ok(None),
        Some(N::S(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("位置坐标不正确")),
    }
}

fn bad_form<E>(_: E) -> AppError {
    AppError::BadRequest("提交的表单内容不正确".into())
}

/// A room page's submission: the form's fields and, when sent as
/// `multipart/form-data`, its photos.
pub struct SubmitForm {
    pub input: SubmitInput,
    pub photos: Vec<axum::body::Bytes>,
}

impl FromRequest<crate::AppState> for SubmitForm {
    type Rejection = AppError;

    async fn from_request(
        req: axum::extract::Request,
        state: &crate::AppState,
    ) -> Result<Self, AppError> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
            });
        if !multipart {
            // Only photos may be large: a plain form keeps the small limit.
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, state.config.body_limit)
                .await
                .map_err(|_| AppError::TooLarge("提交的内容太大".into()))?;
            let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
            let PageForm(input) = PageForm::<SubmitInput>::from_request(req, state).await?;
            return Ok(SubmitForm {
                input,
                photos: Vec::new(),
            });
        }
        let mut form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(bad_form)?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut photos = Vec::new();
        while let Some(field) = form.next_field().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::BadRequest("照片总大小超过了上限，请少选几张或换小一些的照片".into())
            } else {
                AppError::BadRequest("提交的表单内容不正确".into())
            }
        })? {
            let name = field.name().unwrap_or("").to_owned();
            if name == "photos" {
                let bytes = field.bytes().await.map_err(bad_form)?;
                if !bytes.is_empty() {
                    photos.push(bytes);
                }
                if photos.len() > crate::photos::MAX_PHOTOS {
                    return Err(invalid(
                        "photos",
                        &format!("最多上传{}张照片", crate::photos::MAX_PHOTOS),
                    ));
                }
            } else if fields.len() < 32 {
                let text = field.text().await.map_err(bad_form)?;
                fields.push((name, text));
            }
        }
        // The text fields go through the same deserializer as a plain form.
        let encoded = serde_urlencoded::to_string(&fields)
            .map_err(|_| AppError::BadRequest("提交的表单内容不正确".into()))?;
        let input = serde_urlencoded::from_str(&encoded)
            .map_err(|_| AppError::BadRequest("提交的表单内容不正确".into()))?;
        Ok(SubmitForm { input, photos })
    }
}

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
    pub fn statement_id(&self) -> AppResult<domain::StatementId> {
        self.statement
            .as_deref()
            .and_then(|s| s.trim().parse().ok())
            .map(domain::StatementId)
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
