//! Text messages: the [`SmsSender`] interface and its senders, chosen by
//! configuration — the log (development and demos), Alibaba Cloud and
//! Tencent Cloud from their published HTTP APIs, and a plain JSON API.
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use domain::{SmsTemplate, SmsText};

pub mod aliyun;
pub mod http;
pub mod tencent;

/// One text on its way: the phone, what to say, and the key every try of
/// it carries (the outbox row's), for a provider that drops repeats.
pub struct Outgoing<'a> {
    /// The idempotency key (`sl-{id}`).
    pub key: &'a str,
    /// Eleven digits, mainland China.
    pub phone: &'a str,
    /// The template and its values.
    pub text: &'a SmsText,
    /// The time the request is signed at (the store's clock).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Why a text did not go, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The provider was unreachable, busy or throttling: try later.
    Retry(String),
    /// The provider refused it for good (a wrong number, an unapproved
    /// template, bad credentials): trying again would fail the same way.
    GiveUp(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Retry(e) => write!(f, "稍后重试：{e}"),
            SendError::GiveUp(e) => write!(f, "放弃发送：{e}"),
        }
    }
}

/// What a send returns: the provider's id for the message, if it gives one.
pub type Sent = Result<Option<String>, SendError>;

/// A boxed future, as the trait object needs.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Sent> + Send + 'a>>;

/// Something that sends texts.
pub trait SmsSender: Send + Sync {
    /// Sends one text.
    fn send<'a>(&'a self, msg: Outgoing<'a>) -> SendFuture<'a>;
}

/// Writes each text to the log instead of sending it.
pub struct LogSmsSender {
    /// The signature 【…】 texts start with.
    pub sign_name: String,
    /// The site's public address, for links.
    pub public_url: Option<String>,
}

impl SmsSender for LogSmsSender {
    fn send<'a>(&'a self, msg: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let text = msg.text.signed(&self.sign_name, self.public_url.as_deref());
            tracing::info!(target: "sms", phone = msg.phone, text, "SMS (log only)");
            Ok(None)
        })
    }
}

/// The provider's template id for each of ours (`sms_template_*`).
#[derive(Clone, Debug, Default)]
pub struct TemplateIds(pub BTreeMap<&'static str, String>);

impl TemplateIds {
    /// The id registered for `template`, or a refusal naming the setting.
    pub fn of(&self, template: SmsTemplate) -> Result<&str, SendError> {
        self.0
            .get(template.code())
            .map(String::as_str)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                SendError::GiveUp(format!(
                    "未配置短信模板 sms_template_{}（{}）",
                    template.code(),
                    template.label_zh()
                ))
            })
    }
}

/// A reply's body as the error says it, cut short.
pub(crate) fn excerpt(body: &str) -> String {
    domain::fit(body, 200)
}

/// A provider's refusal: tried again when the provider failed itself (5xx)
/// or its code says trying later helps, else given up.
pub(crate) fn refusal(
    provider: &str,
    status: reqwest::StatusCode,
    code: &str,
    body: &str,
    retryable: bool,
) -> SendError {
    let why = format!("{provider} {status} {code}：{}", excerpt(body));
    if status.is_server_error() || retryable {
        SendError::Retry(why)
    } else {
        SendError::GiveUp(why)
    }
}

/// A transport error (no answer, timeout) is worth another try.
fn unreachable(e: &reqwest::Error) -> SendError {
    SendError::Retry(format!("无法连接短信服务：{e}"))
}

/// Sends a provider request and reads its answer: the status, the body,
/// and the body as JSON (null when it is not JSON).
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, String, serde_json::Value), SendError> {
    let reply = request.send().await.map_err(|e| unreachable(&e))?;
    let status = reply.status();
    let body = reply.text().await.map_err(|e| unreachable(&e))?;
    let answer = serde_json::from_str(&body).unwrap_or_default();
    Ok((status, body, answer))
}
