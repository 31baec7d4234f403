//! Input as it arrives (form or JSON, same fields) and its parsing into the
//! domain's value types. Anything malformed becomes a Chinese message.
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use chrono::NaiveDate;
use domain::{DepartmentId, DomainError, Note, Reason};

use serde::Deserialize;
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

pub(crate) fn invalid(field: &'static str, message: &str) -> AppError {
    DomainError::Invalid {
        field,
        message: message.to_owned(),
    }
    .into()
}

pub(crate) fn required<'a>(
    v: &'a Option<String>,
    field: &'static str,
    label: &str,
) -> AppResult<&'a str> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(field, &format!("请填写{label}")))
}

/// The field's text when something other than blanks was sent.
pub(crate) fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
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

/// A mobile number a form may leave empty.
pub(crate) fn optional_phone(v: &Option<String>) -> AppResult<Option<domain::PhoneNumber>> {
    match v.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Ok(Some(domain::PhoneNumber::parse(p)?)),
        None => Ok(None),
    }
}

pub(crate) fn date(v: &Option<String>, field: &'static str, label: &str) -> AppResult<NaiveDate> {
    let s = required(v, field, label)?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| invalid(field, &format!("{label}格式应为 2026-01-31")))
}

/// A date field that may be left empty.
pub(crate) fn optional_date(
    v: &Option<String>,
    field: &'static str,
    label: &str,
) -> AppResult<Option<NaiveDate>> {
    match filled(v) {
        Some(_) => date(v, field, label).map(Some),
        None => Ok(None),
    }
}

/// The first instant of a day in Beijing, where every date people type lives.
pub(crate) fn beijing_start(d: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    domain::BEIJING
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

pub(crate) fn id(v: &Option<String>, field: &'static str, label: &str) -> AppResult<i64> {
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
    /// A deadline class (`urgent`, `normal`, `complex`: 5, 15, 30 working
    /// days from today) instead of `due`.
    pub deadline: Option<String>,
    pub note: Option<String>,
    pub participants: Option<String>,
    pub meeting: Option<String>,
    pub text: Option<String>,
    /// `review`: the leadership meeting (`POST /api/reviews`) and the
    /// opinion ruled on; `dispatch`: the adopted opinion the task carries out.
    pub session: Option<String>,
    pub opinion: Option<String>,
    pub decision: Option<String>,
    /// `review` with `partly_adopt`: the part adopted.
    pub part: Option<String>,
    pub instructions: Option<String>,
    pub title: Option<String>,
    pub satisfaction: Option<String>,
    pub comment: Option<String>,
    pub until: Option<String>,
    /// `follow_up`: effective, partial or ineffective (没有效果 reopens the topic).
    pub outcome: Option<String>,
    /// `dispatch`: co-handling departments (协办), their ids separated by commas.
    pub co_departments: Option<String>,
    /// `assign` (a task): the user id of the clerk to handle it (承办人).
    pub clerk: Option<String>,
    /// `research_plan`: what to find out, where, when, who leads, and the
    /// methods (`visit`, `forum`, `survey`, `documents`, separated by commas).
    pub questions: Option<String>,
    pub places: Option<String>,
    pub period: Option<String>,
    pub lead: Option<String>,
    pub methods: Option<String>,
    /// `research`: the day (2026-12-01), place and method of the visit, what
    /// it found (`note`), people typed one per line (「王建国 行家里手」) in
    /// `participants` and registered people's user ids in `people`.
    pub on: Option<String>,
    pub place: Option<String>,
    pub method: Option<String>,
    pub people: Option<String>,
    /// `analysis`: the four sections (each may be left empty while drafting).
    pub feasibility: Option<String>,
    pub measures: Option<String>,
    pub risks: Option<String>,
    pub recommendation: Option<String>,
}

impl ActionInput {
    pub(crate) fn reason(&self) -> AppResult<Reason> {
        Ok(Reason::parse(required(&self.reason, "reason", "理由")?)?)
    }
    pub(crate) fn note(&self) -> AppResult<Note> {
        Ok(Note::parse(required(&self.note, "note", "内容")?)?)
    }
    /// A comma-separated list of ids (checkboxes), without repeats.
    pub(crate) fn ids(
        raw: &Option<String>,
        field: &'static str,
        label: &str,
    ) -> AppResult<Vec<i64>> {
        let mut out = Vec::new();
        for part in filled(raw).unwrap_or("").split(',').map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let n: i64 = part
                .parse()
                .map_err(|_| invalid(field, &format!("{label}不正确")))?;
            if !out.contains(&n) {
                out.push(n);
            }
        }
        if out.len() > 60 {
            return Err(invalid(field, &format!("{label}最多60个")));
        }
        Ok(out)
    }
    pub(crate) fn department(&self) -> AppResult<DepartmentId> {
        Ok(DepartmentId(id(&self.department, "department", "部门")?))
    }
    /// The co-handling departments named, without repeats (at most ten).
    pub(crate) fn co_departments(&self) -> AppResult<Vec<DepartmentId>> {
        let ids = Self::ids(&self.co_departments, "co_departments", "协办部门")?;
        if ids.len() > 10 {
            return Err(invalid("co_departments", "协办部门最多十个"));
        }
        Ok(ids.into_iter().map(DepartmentId).collect())
    }
}
