//! Messages that leave the building: the text-message templates a provider
//! approves, how a failed send is tried again, the daily cap per phone, and
//! when a webhook that keeps failing is paused.
//!
//! Chinese SMS providers send only templates registered and approved in
//! advance, with short variables and, for notices, no links; so a text is
//! a template and its values, each cut to the provider's variable limit,
//! and the same template renders the full sentence for a sender that takes
//! free text.
use std::collections::BTreeMap;

use chrono::Duration;

use crate::labels::labelled;

labelled!(
    /// What a queued message is carried by.
    OutChannel {
        Sms => "sms", "短信";
        Email => "email", "邮件";
        Webhook => "webhook", "Webhook";
    }
);

labelled!(
    /// The text-message templates an operator registers with the provider
    /// (the pattern of each is what they register).
    SmsTemplate {
        LoginCode => "login_code", "登录验证码";
        TopicProgress => "topic_progress", "议题进展";
        Notice => "notice", "工作提醒";
    }
);

/// Longest value any template variable may carry, in characters (the
/// providers' limit for a notice's variable).
pub const SMS_VARIABLE_MAX: usize = 35;

impl SmsTemplate {
    /// The variables the template takes, in order, each with the most
    /// characters it may carry.
    pub fn variables(self) -> &'static [(&'static str, usize)] {
        match self {
            SmsTemplate::LoginCode => &[("code", 6), ("minutes", 2)],
            SmsTemplate::TopicProgress => {
                &[("title", 20), ("status", 12), ("detail", 35), ("no", 12)]
            }
            SmsTemplate::Notice => &[("content", SMS_VARIABLE_MAX)],
        }
    }

    /// The template as registered with the provider (`${name}` variables,
    /// no links: providers refuse links in notices unless whitelisted).
    pub fn pattern(self) -> &'static str {
        match self {
            SmsTemplate::LoginCode => {
                "您的验证码是${code}，${minutes}分钟内有效。如非本人操作请忽略。"
            }
            SmsTemplate::TopicProgress => {
                "您关注的议题「${title}」有新进展：${status}${detail}。凭查询码${no}可查看详情。"
            }
            SmsTemplate::Notice => "您有一条新的议事工作提醒：${content}，请登录平台查看。",
        }
    }
}

/// One text message: a template and its values, cut to fit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SmsText {
    /// Which template.
    pub template: SmsTemplate,
    /// Each variable's value.
    pub params: BTreeMap<String, String>,
    /// The page it is about (a path), added where the sender may carry
    /// links; template providers leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl SmsText {
    /// The template with `values` in the order of its variables; a value
    /// longer than its variable takes is cut short with an ellipsis.
    pub fn new(template: SmsTemplate, values: &[&str]) -> SmsText {
        let params = template
            .variables()
            .iter()
            .zip(values)
            .map(|((name, max), value)| ((*name).to_owned(), fit(value, *max)))
            .collect();
        SmsText {
            template,
            params,
            link: None,
        }
    }

    /// The same text pointing at a page (a path such as `/t/2026000001`).
    pub fn with_link(mut self, path: impl Into<String>) -> SmsText {
        self.link = Some(path.into());
        self
    }

    /// The whole sentence, for senders that take free text (and the log).
    pub fn sentence(&self) -> String {
        let mut text = self.template.pattern().to_owned();
        for (name, value) in &self.params {
            text = text.replace(&format!("${{{name}}}"), value);
        }
        text
    }

    /// The sentence signed 【sign】, with the link under `base` when there
    /// is one of each: what a free-text sender sends.
    pub fn signed(&self, sign: &str, base: Option<&str>) -> String {
        let sentence = self.sentence();
        match (base, &self.link) {
            (Some(base), Some(path)) => {
                format!(
                    "【{sign}】{sentence}详情：{}{path}",
                    base.trim_end_matches('/')
                )
            }
            _ => format!("【{sign}】{sentence}"),
        }
    }
}

/// `text` cut to `max` characters, the last of them an ellipsis.
pub fn fit(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// How many times a message is tried before it is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// When to try again after `attempts` failed tries: 30 s, then doubling up
/// to an hour; `None` once [`MAX_ATTEMPTS`] have failed (about four hours
/// in all), when the message is given up and the failure shown.
pub fn retry_after(attempts: u32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let seconds = 30i64 << attempts.saturating_sub(1).min(7);
    Some(Duration::seconds(seconds.min(3600)))
}

/// Texts one phone may receive in a day (Beijing date), whatever they say:
/// residents' numbers are not a channel to flood, and providers block a
/// number that gets too many.
pub const SMS_DAILY_CAP: u32 = 10;

/// Whether one more text may go to a number that has had `sent_today`.
pub fn within_daily_cap(sent_today: u64, cap: u32) -> bool {
    sent_today < u64::from(cap)
}

/// Failed deliveries in a row after which a webhook is paused until an
/// administrator resumes it (its queued deliveries wait, none is lost).
pub const WEBHOOK_PAUSE_AFTER: u32 = 10;

/// Whether a webhook with `failures` failed deliveries in a row is paused.
pub fn webhook_paused(failures: u32) -> bool {
    failures >= WEBHOOK_PAUSE_AFTER
}

/// How old a signed webhook's timestamp may be before a receiver should
/// refuse it as a replay (documented for receivers; five minutes).
pub const WEBHOOK_REPLAY_WINDOW_SECS: i64 = 300;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_fills_its_template_and_cuts_long_values() {
        let t = SmsText::new(
            SmsTemplate::TopicProgress,
            &[
                "府前路停车秩序整治及周边破损井盖修缮问题反映",
                "办结",
                "",
                "2026000001",
            ],
        );
        assert_eq!(t.params["title"].chars().count(), 20);
        assert!(t.params["title"].ends_with('…'));
        assert_eq!(
            t.sentence(),
            "您关注的议题「府前路停车秩序整治及周边破损井盖修缮问…」有新进展：办结。凭查询码2026000001可查看详情。"
        );
        let code = SmsText::new(SmsTemplate::LoginCode, &["042137", "5"]);
        assert_eq!(
            code.sentence(),
            "您的验证码是042137，5分钟内有效。如非本人操作请忽略。"
        );
    }

    #[test]
    fn a_free_text_sender_gets_the_signed_sentence_and_its_link() {
        let t = SmsText::new(SmsTemplate::Notice, &["议题已办结"]).with_link("/t/2026000001");
        assert_eq!(
            t.signed("商量", Some("https://yishi.example.gov.cn/")),
            "【商量】您有一条新的议事工作提醒：议题已办结，请登录平台查看。详情：https://yishi.example.gov.cn/t/2026000001"
        );
        assert_eq!(
            t.signed("商量", None),
            "【商量】您有一条新的议事工作提醒：议题已办结，请登录平台查看。"
        );
    }

    #[test]
    fn no_template_carries_a_link() {
        for t in SmsTemplate::ALL {
            assert!(!t.pattern().contains("http"), "{t:?}");
            for (v, max) in t.variables() {
                assert!(t.pattern().contains(&format!("${{{v}}}")), "{t:?} {v}");
                assert!(*max <= SMS_VARIABLE_MAX);
            }
        }
    }

    #[test]
    fn retries_back_off_to_an_hour_then_give_up() {
        assert_eq!(retry_after(1), Some(Duration::seconds(30)));
        assert_eq!(retry_after(2), Some(Duration::seconds(60)));
        assert_eq!(retry_after(3), Some(Duration::seconds(120)));
        assert_eq!(retry_after(7), Some(Duration::seconds(1920)));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
        let total: i64 = (1..MAX_ATTEMPTS)
            .filter_map(retry_after)
            .map(|d| d.num_seconds())
            .sum();
        assert!(total < 4 * 3600, "{total}");
    }

    #[test]
    fn caps_and_pauses() {
        assert!(within_daily_cap(9, SMS_DAILY_CAP));
        assert!(!within_daily_cap(10, SMS_DAILY_CAP));
        assert!(!webhook_paused(WEBHOOK_PAUSE_AFTER - 1));
        assert!(webhook_paused(WEBHOOK_PAUSE_AFTER));
    }
}
