//! Notices by e-mail, for officials who prefer it to texts: the address
//! they give, their choice of channel, and the letter a notice becomes.
//! A letter carries the whole sentence (a text cuts it to a template's
//! variable) and the link to act on.
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::labels::labelled;

labelled!(
    /// How an official wants notices that reach beyond the inbox.
    NoticeBy {
        Sms => "sms", "短信";
        Email => "email", "邮件";
    }
);

impl NoticeBy {
    /// Notices by e-mail need an address to go to.
    pub fn check(self, email: Option<&EmailAddress>) -> Result<(), DomainError> {
        if self == NoticeBy::Email && email.is_none() {
            return Err(DomainError::Invalid {
                field: "email",
                message: "选择邮件提醒，请先填写电子邮箱".into(),
            });
        }
        Ok(())
    }
}

/// Longest address accepted (RFC 5321's path limit).
const ADDRESS_MAX: usize = 254;

/// An e-mail address as an official gives it, checked against RFC 5322's
/// addr-spec and kept as typed (the domain part in lower case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks `raw`: one address, no display name, a domain with a dot.
    pub fn parse(raw: &str) -> Result<EmailAddress, DomainError> {
        let raw = raw.trim();
        let invalid = || DomainError::Invalid {
            field: "email",
            message: "电子邮箱格式不正确，例如 zhangsan@lianshui.gov.cn".into(),
        };
        let plain = !raw.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
        if raw.len() > ADDRESS_MAX || !plain || !email_address::EmailAddress::is_valid(raw) {
            return Err(invalid());
        }
        let (local, domain) = raw.rsplit_once('@').ok_or_else(invalid)?;
        if !domain.contains('.') || domain.starts_with('[') {
            return Err(invalid());
        }
        Ok(EmailAddress(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A notice as an e-mail: subject, the whole sentence, and where to act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// The subject line.
    pub subject: String,
    /// The notice, whole.
    pub body: String,
    /// A path on the platform (`/t/…`), made absolute when sent.
    pub link: Option<String>,
}

impl Letter {
    /// An official's notice.
    pub fn notice(text: &str, link: Option<&str>) -> Letter {
        Letter {
            subject: format!("议事工作提醒：{}", crate::fit(text, 29)),
            body: text.to_owned(),
            link: link.map(str::to_owned),
        }
    }

    /// The body as sent, signed, with the link under `base` when one is
    /// configured.
    pub fn text(&self, sign: &str, base: Option<&str>) -> String {
        let mut out = format!("{}\n", self.body);
        if let (Some(base), Some(path)) = (base, &self.link) {
            out.push_str(&format!(
                "\n查看详情：{}{path}\n",
                base.trim_end_matches('/')
            ));
        }
        out.push_str(&format!(
            "\n——{sign}协商议事平台（本邮件由系统自动发送，请勿直接回复）\n"
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let a = EmailAddress::parse(" Zhang.San@LianShui.Gov.CN ").unwrap();
        assert_eq!(a.as_str(), "Zhang.San@lianshui.gov.cn");
        for bad in [
            "",
            "zhangsan",
            "zhangsan@localhost",
            "张三 <zhangsan@lianshui.gov.cn>",
            "a@b@c.cn",
            "zhang san@lianshui.gov.cn",
            "zhangsan@[127.0.0.1]",
            &format!("{}@lianshui.gov.cn", "a".repeat(250)),
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_letter_keeps_the_whole_notice_and_its_link() {
        let long = "议题「府前路停车秩序整治及周边破损井盖修缮问题反映」的交办任务已逾期3个工作日，请尽快办理并反馈进展";
        let l = Letter::notice(long, Some("/t/2026000001"));
        assert!(l.subject.chars().count() <= 36);
        let text = l.text("商量", Some("https://shangliang.lianshui.gov.cn/"));
        assert!(text.contains(long));
        assert!(text.contains("https://shangliang.lianshui.gov.cn/t/2026000001"));
        assert!(!l.text("商量", None).contains("/t/"));
    }
}
