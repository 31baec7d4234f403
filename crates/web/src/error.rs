//! One error type, mapped to HTTP once: problem JSON for the API, a friendly
//! Chinese page for everything else (see [`render_errors`]).
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::DomainError;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("请先登录")]
    Unauthorized,
    /// A vote, like, support or statement from a phone the server did not vouch for.
    #[error("无法确认您的手机，请刷新页面后再试")]
    Unvouched,
    /// A like without the token its topic's page hands out, or with a stale one.
    #[error("请在议题页面上点赞（页面停留过久请刷新后再试）")]
    LikeToken,
    #[error("{0}")]
    BadRequest(String),
    /// Credentials that do not match: a password, a code sent by text, or
    /// another system's key (missing, wrong or retired).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    TooMany(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Store(StoreError::Domain(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Attached to error responses so [`render_errors`] can re-render them as pages.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message: String,
}

impl AppError {
    /// The status, the Chinese message and the field at fault, if any.
    pub(crate) fn parts(&self) -> (StatusCode, String, Option<&'static str>) {
        match self {
            AppError::Store(StoreError::Domain(d)) => {
                let status = match d {
                    DomainError::Forbidden | DomainError::InvalidGrant => StatusCode::FORBIDDEN,
                    DomainError::WrongState { .. } | DomainError::Precondition(_) => {
                        StatusCode::CONFLICT
                    }
                    DomainError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let field = if let DomainError::Invalid { field, .. } = d {
                    Some(*field)
                } else {
                    None
                };
                (status, d.message_zh(), field)
            }
            AppError::Store(StoreError::NotFound(what)) => {
                (StatusCode::NOT_FOUND, format!("{what}不存在"), None)
            }
            AppError::Store(StoreError::Conflict(m)) => (StatusCode::CONFLICT, m.clone(), None),
            AppError::Store(StoreError::Db(e)) => {
                tracing::error!(error = %e, "database error");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "系统繁忙，请稍后再试".into(),
                    None,
                )
            }
            AppError::Store(StoreError::Corrupt(what)) => {
                tracing::error!(what = %what, "unreadable stored value");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统出现问题，请稍后再试".into(),
                    None,
                )
            }
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "请先登录".into(), None),
            AppError::Unvouched => (
                StatusCode::FORBIDDEN,
                "无法确认您的手机，请刷新页面后再试".into(),
                None,
            ),
            AppError::LikeToken => (StatusCode::FORBIDDEN, self.to_string(), None),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone(), None),
            AppError::Refused(m) => (StatusCode::UNAUTHORIZED, m.clone(), None),
            AppError::TooMany(m) => (StatusCode::TOO_MANY_REQUESTS, m.clone(), None),
            AppError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m.clone(), None),
            AppError::UnsupportedMediaType(m) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, m.clone(), None)
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统出现问题，请稍后再试".into(),
                    None,
                )
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, message, field) = self.parts();
        problem(status, message, field)
    }
}

/// An RFC 9457 problem document, tagged for page rendering.
pub fn problem(status: StatusCode, message: String, field: Option<&'static str>) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": message,
        "field": field,
    });
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        Json(body),
    )
        .into_response();
    resp.extensions_mut().insert(ErrorInfo { status, message });
    resp
}

/// Outside /api, errors become a page in Chinese; an anonymous visitor
/// sent to a page that needs a login is taken to the login page instead.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    // Open311 answers its errors in the specification's own shape.
    if path.starts_with("/open311/") {
        return next.run(req).await;
    }
    let api = path.starts_with("/api/");
    let resp = next.run(req).await;
    if api {
        // Errors raised below the handlers (wrong method, body too large,
        // cross-site) become problem documents too.
        let s = resp.status();
        if (s.is_client_error() || s.is_server_error())
            && resp.extensions().get::<ErrorInfo>().is_none()
        {
            let mut p = problem(s, generic_message(s), None);
            if let Some(allow) = resp.headers().get(header::ALLOW).cloned() {
                p.headers_mut().insert(header::ALLOW, allow);
            }
            return p;
        }
        return resp;
    }
    // A page that rendered itself (even with an error status) stands, and
    // so does a challenge to a machine's bearer token (`/metrics`).
    if is_html(&resp) || resp.headers().contains_key(header::WWW_AUTHENTICATE) {
        return resp;
    }
    let info = resp.extensions().get::<ErrorInfo>().cloned().or_else(|| {
        // Errors from layers and extractors (body too large, bad form, timeout…).
        let s = resp.status();
        (s.is_client_error() || s.is_server_error()).then(|| ErrorInfo {
            status: s,
            message: generic_message(s),
        })
    });
    match info {
        Some(i) if i.status == StatusCode::UNAUTHORIZED => {
            Redirect::to(&format!("/login?next={}", crate::view::urlencode(&path))).into_response()
        }
        Some(i) => {
            let page = crate::view::ErrorPage {
                status: i.status.as_u16(),
                message: i.message,
            };
            (i.status, Html(crate::view::render(&page))).into_response()
        }
        _ => resp,
    }
}

fn is_html(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

fn generic_message(s: StatusCode) -> String {
    match s {
        StatusCode::NOT_FOUND => "页面不存在".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容太大".into(),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => "处理超时，请稍后再试".into(),
        StatusCode::METHOD_NOT_ALLOWED => "不支持这种请求方式".into(),
        StatusCode::FORBIDDEN => "无权进行此操作".into(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的格式不正确".into(),
        StatusCode::TOO_MANY_REQUESTS => "操作太频繁，请稍后再试".into(),
        s if s.is_server_error() => "系统出现问题，请稍后再试".into(),
        _ => "请求有误，请检查后重试".into(),
    }
}
