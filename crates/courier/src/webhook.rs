//! Webhook deliveries: the body fixed when the event was written, posted
//! with a signature a receiver checks — `X-Shangliang-Signature:
//! t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}" under the secret}`
//! — so it knows the body came from here, unchanged, and recently
//! (a receiver refuses a `t` older than `domain::WEBHOOK_REPLAY_WINDOW_SECS`).
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::sms::SendError;

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// One delivery to post.
pub struct Delivery<'a> {
    /// The endpoint.
    pub url: &'a str,
    /// Its signing key.
    pub secret: &'a str,
    /// `sl-{outbox id}`: the same on every try, for the receiver to drop repeats.
    pub key: &'a str,
    /// The body, exactly as stored.
    pub body: &'a str,
    /// The event's code, also in the body.
    pub event: &'a str,
    /// Signing time (the store's clock).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Posts a delivery; any 2xx answer is a delivery, anything else (or no
/// answer) is tried again, and counts towards pausing the webhook.
pub async fn deliver(client: &reqwest::Client, d: Delivery<'_>) -> Result<(), SendError> {
    let reply = client
        .post(d.url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Shangliang-Webhook/1")
        .header("X-Shangliang-Event", d.event)
        .header("X-Shangliang-Delivery", d.key)
        .header(
            "X-Shangliang-Signature",
            signature(d.secret, d.now.timestamp(), d.body),
        )
        .body(d.body.to_owned())
        .send()
        .await
        .map_err(|e| SendError::Retry(format!("无法连接：{e}")))?;
    let status = reply.status();
    if status.is_success() {
        return Ok(());
    }
    let text = reply.text().await.unwrap_or_default();
    Err(SendError::Retry(format!(
        "对方回复 {status}：{}",
        crate::sms::excerpt(&text)
    )))
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn signs_time_and_body() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            signature("key", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }
}
