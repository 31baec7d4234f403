//! Configuration: built once at start from defaults, an optional TOML file,
//! `SHANGLIANG_*` environment variables and command-line flags (in that
//! order of precedence, last wins), then passed to whatever needs it.
use std::sync::Arc;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// `sqlite://file.db` (default, created if missing) or `postgres://…`.
    pub database_url: String,
    pub listen: String,
    /// `text` (readable) or `json`.
    pub log_format: String,
    pub secure_cookies: bool,
    pub session_hours: i64,
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    /// How often the background worker runs its housekeeping.
    pub worker_interval_secs: u64,
    /// Largest submission with photos.
    pub upload_limit_bytes: usize,
    /// Memory the bodies of submissions with photos may hold at once.
    pub upload_memory_bytes: usize,
    /// The site's public address, printed in QR codes and posters.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Rate limits on submissions, supports and code requests.
    pub rate_limits: bool,
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// The longest a kept public page is served without hearing of a write.
    pub page_fresh_secs: u64,
    /// Memory the kept pages and page data may take together, in MiB.
    pub cache_mb: u64,
    /// Redis for rate limits shared by every node (`redis://127.0.0.1:6379`).
    #[serde(default)]
    pub redis_url: Option<String>,
    /// Prefixes this deployment's keys in Redis.
    pub redis_namespace: String,
    /// Topics up to which a 工作台账 downloads at once; larger ones are
    /// made in the background with progress shown.
    pub ledger_at_once: u64,
    /// Where residents' photos are kept, unless `photo_s3_bucket` is set.
    pub photo_dir: String,
    /// An S3-compatible bucket for the photos instead (what several nodes
    /// share); the other `photo_s3_*` settings say where and how.
    #[serde(default)]
    pub photo_s3_bucket: Option<String>,
    /// The service's address when it is not AWS (MinIO, OSS, COS).
    #[serde(default)]
    pub photo_s3_endpoint: Option<String>,
    #[serde(default)]
    pub photo_s3_region: Option<String>,
    /// Without these two, the usual `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY` are used.
    #[serde(default)]
    pub photo_s3_access_key: Option<String>,
    #[serde(default)]
    pub photo_s3_secret_key: Option<String>,
    /// A folder of the bucket the photos go under.
    #[serde(default)]
    pub photo_s3_prefix: Option<String>,
    /// The bearer token `/metrics` requires; unset, metrics are not served.
    #[serde(default)]
    pub metrics_token: Option<String>,
    /// Days after completion a follow-up check (跟踪问效) falls due.
    pub follow_up_days: i64,
    /// Supervision, in working days: a reminder this many before the due date.
    pub remind_before_days: i64,
    /// Not signed this many working days after dispatch: 黄牌, then 红牌.
    pub unsigned_yellow_days: i64,
    pub unsigned_red_days: i64,
    /// This many working days past the due date: 黄牌, then 红牌.
    pub overdue_yellow_days: i64,
    pub overdue_red_days: i64,
    /// Who sends texts: `log` (the server log only), `aliyun`, `tencent` or `http`.
    pub sms_provider: String,
    /// The approved signature texts carry, without 【】.
    pub sms_sign_name: String,
    /// Texts one number may receive a day.
    pub sms_daily_cap: u32,
    /// The provider's address (required for `http`; the public one otherwise).
    #[serde(default)]
    pub sms_endpoint: Option<String>,
    /// AccessKey ID (Alibaba Cloud) or SecretId (Tencent Cloud).
    #[serde(default)]
    pub sms_key_id: Option<String>,
    /// AccessKey secret (Alibaba Cloud) or SecretKey (Tencent Cloud).
    #[serde(default)]
    pub sms_key_secret: Option<String>,
    /// Tencent Cloud's SmsSdkAppId.
    #[serde(default)]
    pub sms_app_id: Option<String>,
    /// Tencent Cloud's region.
    pub sms_region: String,
    /// The bearer token of an `http` gateway.
    #[serde(default)]
    pub sms_token: Option<String>,
    /// The provider's template ids for ours.
    #[serde(default)]
    pub sms_template_login_code: Option<String>,
    #[serde(default)]
    pub sms_template_topic_progress: Option<String>,
    #[serde(default)]
    pub sms_template_notice: Option<String>,
    /// The SMTP server for notices by e-mail (none: e-mail is off).
    #[serde(default)]
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    /// `starttls` (port 587), `tls` (port 465) or `none` (a local relay).
    pub smtp_security: String,
    #[serde(default)]
    pub smtp_username: Option<String>,
    #[serde(default)]
    pub smtp_password: Option<String>,
    /// The sender, e.g. `商量协商议事平台 <noreply@example.gov.cn>`.
    #[serde(default)]
    pub smtp_from: Option<String>,
    /// A PEM file of a certificate authority to trust besides the system's.
    #[serde(default)]
    pub smtp_ca_file: Option<String>,
}

/// Values given on the command line, which override every other source.
#[derive(Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub log_format: Option<String>,
}

/// The default supervision thresholds (a configuration may change each).
const CARDS: domain::Thresholds = domain::Thresholds::DEFAULT;

impl Config {
    pub fn load(file: Option<&str>, o: Overrides) -> anyhow::Result<Config> {
        let mut b = config::Config::builder()
            .set_default("database_url", "sqlite://shangliang.db")?
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("log_format", "text")?
            .set_default("secure_cookies", false)?
            .set_default("session_hours", 12)?
            .set_default("body_limit_bytes", 1 << 20)?
            .set_default("request_timeout_secs", 30)?
            .set_default("worker_interval_secs", 300)?
            .set_default("upload_limit_bytes", 64 << 20)?
            .set_default("upload_memory_bytes", 512 << 20)?
            .set_default("rate_limits", true)?
            .set_default("trust_forwarded_for", false)?
            .set_default("page_fresh_secs", 1)?
            .set_default("cache_mb", web::DEFAULT_CACHE_MB)?
            .set_default("redis_namespace", "shangliang")?
            .set_default("ledger_at_once", domain::LEDGER_AT_ONCE)?
            .set_default("photo_dir", "photos")?
            .set_default("follow_up_days", store::DEFAULT_FOLLOW_UP_DAYS)?
            .set_default("remind_before_days", CARDS.remind_before)?
            .set_default("unsigned_yellow_days", CARDS.unsigned_yellow)?
            .set_default("unsigned_red_days", CARDS.unsigned_red)?
            .set_default("overdue_yellow_days", CARDS.overdue_yellow)?
            .set_default("overdue_red_days", CARDS.overdue_red)?
            .set_default("sms_provider", "log")?
            .set_default("sms_sign_name", "商量")?
            .set_default("sms_daily_cap", domain::SMS_DAILY_CAP)?
            .set_default("sms_region", "ap-guangzhou")?
            .set_default("smtp_port", 587)?
            .set_default("smtp_security", "starttls")?;
        b = match file {
            Some(path) => b.add_source(config::File::with_name(path).required(true)),
            None => b.add_source(config::File::with_name("shangliang").required(false)),
        };
        b = b.add_source(config::Environment::with_prefix("SHANGLIANG").try_parsing(true));
        b = b
            .set_override_option("database_url", o.database_url)?
            .set_override_option("listen", o.listen)?
            .set_override_option("log_format", o.log_format)?;
        let mut cfg: Config = b.build()?.try_deserialize()?;
        if cfg.database_url.starts_with("sqlite:") && !cfg.database_url.contains("mode=") {
            cfg.database_url = with_param(&cfg.database_url, "mode=rwc");
        }
        Ok(cfg)
    }

    /// When supervision reminds and cards.
    pub fn thresholds(&self) -> domain::Thresholds {
        domain::Thresholds {
            remind_before: self.remind_before_days,
            unsigned_yellow: self.unsigned_yellow_days,
            unsigned_red: self.unsigned_red_days,
            overdue_yellow: self.overdue_yellow_days,
            overdue_red: self.overdue_red_days,
        }
    }

    /// The photo bucket, when `photo_s3_bucket` names one.
    fn photo_bucket(&self) -> Option<media::BucketConfig> {
        let set = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        Some(media::BucketConfig {
            bucket: set(&self.photo_s3_bucket)?,
            endpoint: set(&self.photo_s3_endpoint),
            region: set(&self.photo_s3_region),
            access_key: set(&self.photo_s3_access_key),
            secret_key: set(&self.photo_s3_secret_key),
            prefix: set(&self.photo_s3_prefix).unwrap_or_default(),
        })
    }

    pub fn web(&self) -> web::WebConfig {
        web::WebConfig {
            secure_cookies: self.secure_cookies,
            session_hours: self.session_hours,
            body_limit: self.body_limit_bytes,
            upload_limit: self.upload_limit_bytes,
            upload_memory: self.upload_memory_bytes,
            request_timeout_secs: self.request_timeout_secs,
            public_url: self.public_url.clone().filter(|u| !u.trim().is_empty()),
            rate_limits: self.rate_limits,
            trust_forwarded_for: self.trust_forwarded_for,
            photo_dir: self.photo_dir.clone().into(),
            photo_bucket: self.photo_bucket(),
            metrics_token: self.metrics_token.clone().filter(|t| !t.trim().is_empty()),
            thresholds: self.thresholds(),
            sms_daily_cap: self.sms_daily_cap,
            page_fresh: std::time::Duration::from_secs(self.page_fresh_secs.max(1)),
            cache_bytes: self.cache_mb.max(1) << 20,
            redis_url: self.redis_url.clone().filter(|u| !u.trim().is_empty()),
            redis_namespace: self.redis_namespace.clone(),
            ledger_at_once: self.ledger_at_once.max(1),
        }
    }

    /// The text sender `sms_provider` names, with its settings checked.
    pub fn sms_sender(&self) -> anyhow::Result<Arc<dyn courier::SmsSender>> {
        use courier::sms::{aliyun::Aliyun, http::HttpSms, tencent::Tencent};
        let client = courier::http_client();
        let sign_name = self.sms_sign_name.clone();
        let templates = || {
            let ids = [
                (
                    domain::SmsTemplate::LoginCode,
                    &self.sms_template_login_code,
                ),
                (
                    domain::SmsTemplate::TopicProgress,
                    &self.sms_template_topic_progress,
                ),
                (domain::SmsTemplate::Notice, &self.sms_template_notice),
            ];
            courier::sms::TemplateIds(
                ids.into_iter()
                    .filter_map(|(t, id)| Some((t.code(), id.clone()?)))
                    .collect(),
            )
        };
        let endpoint = |default: &str| {
            self.sms_endpoint
                .clone()
                .unwrap_or_else(|| default.to_owned())
        };
        Ok(match self.sms_provider.as_str() {
            "log" => Arc::new(courier::LogSmsSender {
                sign_name,
                public_url: self.public_url.clone(),
            }),
            "aliyun" => Arc::new(Aliyun {
                endpoint: endpoint("https://dysmsapi.aliyuncs.com"),
                access_key_id: required(&self.sms_key_id, "sms_key_id")?,
                access_key_secret: required(&self.sms_key_secret, "sms_key_secret")?,
                sign_name,
                templates: templates(),
                client,
            }),
            "tencent" => Arc::new(Tencent {
                endpoint: endpoint("https://sms.tencentcloudapi.com"),
                secret_id: required(&self.sms_key_id, "sms_key_id")?,
                secret_key: required(&self.sms_key_secret, "sms_key_secret")?,
                app_id: required(&self.sms_app_id, "sms_app_id")?,
                region: self.sms_region.clone(),
                sign_name,
                templates: templates(),
                client,
            }),
            "http" => Arc::new(HttpSms {
                url: required(&self.sms_endpoint, "sms_endpoint")?,
                token: self.sms_token.clone(),
                sign_name,
                public_url: self.public_url.clone(),
                client,
            }),
            other => {
                anyhow::bail!("sms_provider 应为 log、aliyun、tencent 或 http，而不是「{other}」")
            }
        })
    }
}

impl Config {
    /// The courier for the outbox: texts through `sms` (the sender
    /// `sms_provider` names), letters through `smtp_host` when one is set.
    pub fn courier(
        &self,
        store: store::Store,
        sms: Arc<dyn courier::SmsSender>,
    ) -> anyhow::Result<courier::Courier> {
        let courier = courier::Courier::new(store, sms, self.sms_daily_cap);
        let Some(host) = self.smtp_host.clone().filter(|h| !h.trim().is_empty()) else {
            return Ok(courier);
        };
        let security = courier::mail::Security::parse(&self.smtp_security).ok_or_else(|| {
            anyhow::anyhow!(
                "smtp_security 应为 starttls、tls 或 none，而不是「{}」",
                self.smtp_security
            )
        })?;
        let from = self
            .smtp_from
            .clone()
            .filter(|f| !f.trim().is_empty())
            .ok_or_else(|| anyhow::anyhow!("smtp_host 需要设置 smtp_from（发件人）"))?;
        let extra_root = match &self.smtp_ca_file {
            Some(path) => {
                Some(std::fs::read(path).map_err(|e| anyhow::anyhow!("smtp_ca_file {path}：{e}"))?)
            }
            None => None,
        };
        let credentials = match (&self.smtp_username, &self.smtp_password) {
            (Some(u), Some(p)) => Some((u.clone(), p.clone())),
            (None, None) => None,
            _ => anyhow::bail!("smtp_username 与 smtp_password 需同时设置"),
        };
        let mailer = courier::Mailer::new(courier::MailSettings {
            host,
            port: self.smtp_port,
            security,
            credentials,
            from,
            extra_root,
            sign_name: self.sms_sign_name.clone(),
            public_url: self.public_url.clone(),
        })?;
        Ok(courier.with_mail(mailer))
    }
}

/// A setting the chosen provider cannot do without.
fn required(value: &Option<String>, name: &str) -> anyhow::Result<String> {
    value
        .clone()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("sms_provider 需要设置 {name}"))
}

fn with_param(url: &str, param: &str) -> String {
    if url.contains('?') {
        format!("{url}&{param}")
    } else {
        format!("{url}?{param}")
    }
}
