//! A provider with a plain JSON API (many regional gateways have one):
//! `POST {url}` with `{"phone", "text", "template", "params", "key"}`, a
//! bearer token, and the key again as `Idempotency-Key`, so a gateway that
//! keeps keys drops a repeat. 2xx is sent (an `id` in the answer is kept);
//! 408, 429 and 5xx are tried again; any other answer is given up.
use super::{Outgoing, SendError, SendFuture, SmsSender, excerpt, exchange};

/// The gateway's address and token.
pub struct HttpSms {
    /// Where texts are posted.
    pub url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<String>,
    /// The signature 【…】 the text starts with.
    pub sign_name: String,
    /// The site's public address, for links.
    pub public_url: Option<String>,
    /// The HTTP client.
    pub client: reqwest::Client,
}

impl SmsSender for HttpSms {
    fn send<'a>(&'a self, msg: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let body = serde_json::json!({
                "phone": msg.phone,
                "text": msg.text.signed(&self.sign_name, self.public_url.as_deref()),
                "template": msg.text.template.code(),
                "params": msg.text.params,
                "key": msg.key,
            });
            let mut request = self
                .client
                .post(&self.url)
                .header("Idempotency-Key", msg.key)
                .json(&body);
            if let Some(token) = &self.token {
                request = request.bearer_auth(token);
            }
            let (status, text, answer) = exchange(request).await?;
            if status.is_success() {
                return Ok(answer["id"].as_str().map(str::to_owned));
            }
            let why = format!("短信网关 {status}：{}", excerpt(&text));
            if status.is_server_error() || matches!(status.as_u16(), 408 | 429) {
                Err(SendError::Retry(why))
            } else {
                Err(SendError::GiveUp(why))
            }
        })
    }
}
