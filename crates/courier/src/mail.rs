//! Notices by e-mail, over SMTP with STARTTLS (or TLS from the first byte,
//! port 465), for officials who chose e-mail over texts. Each letter
//! carries its outbox key as its `Message-ID`, so a repeat after a crash
//! is recognisable; a server's 5xx refusal is given up, anything else is
//! tried again.
use std::time::Duration;

use domain::Letter;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::SendError;

/// The longest one letter may take, connection to last reply.
const WHOLE_SEND: Duration = Duration::from_secs(30);

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded by STARTTLS, which the server must offer
    /// (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

impl Security {
    /// Reads `starttls`, `tls` or `none`.
    pub fn parse(s: &str) -> Option<Security> {
        match s {
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// Where and how letters are sent.
#[derive(Clone, Debug)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Login and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `商量协商议事平台 <noreply@lianshui.gov.cn>`.
    pub from: String,
    /// A PEM certificate to trust besides the system's (a private CA).
    pub extra_root: Option<Vec<u8>>,
    /// The sign name at the foot of a letter.
    pub sign_name: String,
    /// The site's address, for links.
    pub public_url: Option<String>,
}

/// Sends letters through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    sign_name: String,
    public_url: Option<String>,
}

impl Mailer {
    /// A mailer for `settings`, checked: the sender must be an address and
    /// an extra certificate must read.
    pub fn new(settings: MailSettings) -> anyhow::Result<Mailer> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("smtp_from 不是有效的发件人地址：{e}"))?;
        let tls = || -> anyhow::Result<TlsParameters> {
            let mut b = TlsParameters::builder(settings.host.clone());
            if let Some(pem) = &settings.extra_root {
                b = b.add_root_certificate(Certificate::from_pem(pem)?);
            }
            Ok(b.build_rustls()?)
        };
        let tls = match settings.security {
            Security::StartTls => Tls::Required(tls()?),
            Security::Tls => Tls::Wrapper(tls()?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let Some((user, password)) = settings.credentials {
            // PLAIN, inside the TLS the connection requires: what every
            // submission server takes.
            builder = builder
                .credentials(Credentials::new(user, password))
                .authentication(vec![Mechanism::Plain]);
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            sign_name: settings.sign_name,
            public_url: settings.public_url,
        })
    }

    /// Sends `letter` to `to` under `key`; the server's reply is the reference.
    pub async fn send(
        &self,
        key: &str,
        to: &str,
        letter: &Letter,
    ) -> Result<Option<String>, SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::GiveUp(format!("收件地址无效：{e}")))?;
        let domain = self.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("【{}】{}", self.sign_name, letter.subject))
            .message_id(Some(format!("<{key}@{domain}>")))
            .header(ContentType::TEXT_PLAIN)
            .body(letter.text(&self.sign_name, self.public_url.as_deref()))
            .map_err(|e| SendError::GiveUp(format!("邮件无法生成：{e}")))?;
        // A server that stops answering mid-conversation holds no round up.
        let sent = tokio::time::timeout(WHOLE_SEND, self.transport.send(message)).await;
        let Ok(sent) = sent else {
            return Err(SendError::Retry("邮件服务器无响应".into()));
        };
        match sent {
            Ok(reply) => Ok(Some(reply.message().collect::<Vec<_>>().join(" "))),
            Err(e) if e.is_permanent() => Err(SendError::GiveUp(format!("邮件服务器拒收：{e}"))),
            Err(e) => Err(SendError::Retry(format!("邮件发送失败：{e}"))),
        }
    }
}
