//! Alibaba Cloud SMS (短信服务, `dysmsapi`, API version 2017-05-25):
//! `SendSms` as an RPC call signed with the documented V1 signature —
//! parameters sorted and percent-encoded (RFC 3986), the string
//! `GET&%2F&{encoded query}` signed with HMAC-SHA1 under `secret&`, in Base64.
use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Outgoing, SendError, SendFuture, SmsSender, TemplateIds, exchange, refusal};

/// Everything but RFC 3986's unreserved characters is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The account and templates Alibaba Cloud sends with.
pub struct Aliyun {
    /// `https://dysmsapi.aliyuncs.com` (another address for tests).
    pub endpoint: String,
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: String,
    /// The approved signature (签名), without 【】.
    pub sign_name: String,
    /// Approved template codes (`SMS_…`) for ours.
    pub templates: TemplateIds,
    /// The HTTP client.
    pub client: reqwest::Client,
}

/// RFC 3986 percent-encoding, as the signature specifies.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The signed query string for `params` (without `Signature`).
pub fn signed_query(params: &[(&str, String)], secret: &str) -> String {
    let mut sorted: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    sorted.sort();
    let query = sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("GET&{}&{}", encode("/"), encode(&query));
    let signature = sign(secret, &to_sign);
    format!("Signature={}&{query}", encode(&signature))
}

/// Base64(HMAC-SHA1(`secret&`, `to_sign`)).
pub fn sign(secret: &str, to_sign: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether an error code is worth another try: the system's own errors
/// and flow control; everything about the request itself is not.
pub fn retryable(code: &str) -> bool {
    code.starts_with("isp.")
        || code.starts_with("Throttling")
        || code.starts_with("ServiceUnavailable")
        || code == "isv.BUSINESS_LIMIT_CONTROL"
        || code == "isv.AMOUNT_NOT_ENOUGH"
}

impl Aliyun {
    fn params(&self, msg: &Outgoing<'_>) -> Result<Vec<(&'static str, String)>, SendError> {
        let template = self.templates.of(msg.text.template)?;
        let values = serde_json::to_string(&msg.text.params)
            .map_err(|e| SendError::GiveUp(e.to_string()))?;
        Ok(vec![
            ("AccessKeyId", self.access_key_id.clone()),
            ("Action", "SendSms".into()),
            ("Format", "JSON".into()),
            ("OutId", msg.key.to_owned()),
            ("PhoneNumbers", msg.phone.to_owned()),
            ("RegionId", "cn-hangzhou".into()),
            ("SignName", self.sign_name.clone()),
            ("SignatureMethod", "HMAC-SHA1".into()),
            (
                "SignatureNonce",
                format!("{}-{}", msg.key, rand::random::<u64>()),
            ),
            ("SignatureVersion", "1.0".into()),
            ("TemplateCode", template.to_owned()),
            ("TemplateParam", values),
            (
                "Timestamp",
                msg.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
            ("Version", "2017-05-25".into()),
        ])
    }
}

impl SmsSender for Aliyun {
    fn send<'a>(&'a self, msg: Outgoing<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let query = signed_query(&self.params(&msg)?, &self.access_key_secret);
            let url = format!("{}/?{query}", self.endpoint.trim_end_matches('/'));
            let (status, body, answer) = exchange(self.client.get(url)).await?;
            let code = answer["Code"].as_str().unwrap_or_default();
            if status.is_success() && code == "OK" {
                return Ok(answer["BizId"].as_str().map(str::to_owned));
            }
            Err(refusal("阿里云短信", status, code, &body, retryable(code)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Alibaba Cloud's signature documentation
    /// (DescribeRegions with `testid`/`testsecret`).
    #[test]
    fn signs_the_documented_example() {
        let params = [
            ("AccessKeyId", "testid".to_owned()),
            ("Action", "DescribeRegions".into()),
            ("Format", "XML".into()),
            ("SignatureMethod", "HMAC-SHA1".into()),
            (
                "SignatureNonce",
                "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf".into(),
            ),
            ("SignatureVersion", "1.0".into()),
            ("Timestamp", "2016-02-23T12:46:24Z".into()),
            ("Version", "2014-05-26".into()),
        ];
        let query = signed_query(&params, "testsecret");
        assert!(
            query.starts_with("Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D&"),
            "{query}"
        );
    }

    #[test]
    fn encodes_as_rfc_3986() {
        assert_eq!(encode("a b*c~d/中"), "a%20b%2Ac~d%2F%E4%B8%AD");
    }

    #[test]
    fn flow_control_is_retried_and_a_wrong_number_is_not() {
        assert!(retryable("isv.BUSINESS_LIMIT_CONTROL"));
        assert!(retryable("isp.SYSTEM_ERROR"));
        assert!(!retryable("isv.MOBILE_NUMBER_ILLEGAL"));
        assert!(!retryable("isv.SMS_TEMPLATE_ILLEGAL"));
        assert!(!retryable("SignatureDoesNotMatch"));
    }
}
