//! Tencent Cloud SMS (`sms.tencentcloudapi.com`, API version 2021-01-11):
//! `SendSms` as a JSON POST signed with TC3-HMAC-SHA256 — a canonical
//! request hashed with SHA-256, signed with a key derived from the secret
//! through the date, the service and `tc3_request`.
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{Outgoing, SendError, SendFuture, SmsSender, TemplateIds, exchange, refusal};

/// The account and templates Tencent Cloud sends with.
pub struct Tencent {
    /// `https://sms.tencentcloudapi.com` (another address for tests).
    pub endpoint: String,
    /// SecretId.
    pub secret_id: String,
    /// SecretKey.
    pub secret_key: String,
    /// The SMS application's SdkAppId.
    pub app_id: String,
    /// Region, e.g. `ap-guangzhou`.
    pub region: String,
    /// The approved signature (签名内容), without 【】.
    pub sign_name: String,
    /// Approved template ids for ours.
    pub templates: TemplateIds,
    /// The HTTP client.
    pub client: reqwest::Client,
}

const SERVICE: &str = "sms";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The `Authorization` header for a POST of `payload` to `host` at
/// `timestamp` (seconds), as TC3-HMAC-SHA256 specifies.
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    host: &str,
    payload: &str,
    timestamp: i64,
) -> String {
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    let signed_headers = "content-type;host";
    let canonical = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\n{signed_headers}\n{}",
        hex::encode(Sha256::digest(payload.as_bytes()))
    );
    let scope = format!("{date}/{SERVICE}/tc3_request");
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let key = hmac(format!("TC3{secret_key}").as_bytes(), &date);
    let key = hmac(&key, SERVICE);
    let key = hmac(&key, "tc3_request");
    let signature = hex::encode(hmac(&key, &to_sign));
    format!(
        "TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// Whether an error code is worth another try: internal errors and the
/// short per-number limits (30 s, an hour); not the daily limit, a wrong
/// number or an unapproved template or signature.
pub fn retryable(code: &str) -> bool {
    code.starts_with("InternalError")
        || code == "RequestLimitExceeded"
        || code == "LimitExceeded.PhoneNumberThirtySecondLimit"
        || code == "LimitExceeded.PhoneNumberOneHourLimit"
        || code == "FailedOperation.InsufficientBalanceInSmsPackage"
}

impl Tencent {
    fn host(&self) -> &str {
        let rest = self
            .endpoint
            .split_once("://")
            .map_or(self.endpoint.as_str(), |(_, r)| r);
        rest.trim_end_matches('/')
    }

    fn payload(&self, msg: &Outgoing<'_>) -> Result<String, SendError> {
        let template = self.templates.of(msg.text.template)?;
        // Tencent's variables are positional ({1}, {2}, …), in our order.
        let values: Vec<&str> = msg
            .text
            .template
            .variables()
            .iter()
            .map(|(name, _)| msg.text.params.get(*name).map_or("", String::as_str))
            .collect();
        Ok(serde_json::json!({
            "PhoneNumberSet": [format!("+86{}", msg.phone)],
            "SmsSdkAppId": self.app_id,
            "SignName": self.sign_name,
            "TemplateId": template,
            "TemplateParamSet": values,
            "SessionContext": msg.key,
        })
        .to_string())
    }
}

impl SmsSender for Tencent {
    fn send<'a>(&'a self, msg: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let payload = self.payload(&msg)?;
            let timestamp = msg.now.timestamp();
            let auth = authorization(
                &self.secret_id,
                &self.secret_key,
                self.host(),
                &payload,
                timestamp,
            );
            let request = self
                .client
                .post(&self.endpoint)
                .header("Authorization", auth)
                .header("Content-Type", CONTENT_TYPE)
                .header("Host", self.host())
                .header("X-TC-Action", "SendSms")
                .header("X-TC-Timestamp", timestamp.to_string())
                .header("X-TC-Version", "2021-01-11")
                .header("X-TC-Region", &self.region)
                .body(payload);
            let (status, body, answer) = exchange(request).await?;
            let response = &answer["Response"];
            let code = response["Error"]["Code"]
                .as_str()
                .or_else(|| response["SendStatusSet"][0]["Code"].as_str())
                .unwrap_or_default();
            if status.is_success() && code == "Ok" {
                return Ok(response["SendStatusSet"][0]["SerialNo"]
                    .as_str()
                    .map(str::to_owned));
            }
            Err(refusal("腾讯云短信", status, code, &body, retryable(code)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_its_scope_and_headers() {
        let auth = authorization(
            "AKIDtest",
            "secret",
            "sms.tencentcloudapi.com",
            "{}",
            1_551_113_065,
        );
        assert!(auth.starts_with(
            "TC3-HMAC-SHA256 Credential=AKIDtest/2019-02-25/sms/tc3_request, SignedHeaders=content-type;host, Signature="
        ));
        let signature = auth.rsplit('=').next().unwrap_or_default();
        assert_eq!(signature.len(), 64);
    }

    #[test]
    fn short_limits_are_retried_and_the_daily_one_is_not() {
        assert!(retryable("LimitExceeded.PhoneNumberThirtySecondLimit"));
        assert!(retryable("InternalError.Timeout"));
        assert!(!retryable("LimitExceeded.PhoneNumberDailyLimit"));
        assert!(!retryable("InvalidParameterValue.IncorrectPhoneNumber"));
        assert!(!retryable("AuthFailure.SignatureFailure"));
    }
}
