//! Sending one-time codes. Real SMS gateways plug in behind [`SmsSender`];
//! the default only writes the code to the log, for development and demos.
use std::future::Future;
use std::pin::Pin;

pub trait SmsSender: Send + Sync {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// Logs the message instead of sending it.
pub struct LogSmsSender;

impl SmsSender for LogSmsSender {
    fn send<'a>(
        &'a self,
        phone: &'a str,
        text: &'a str,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            tracing::info!(target: "sms", phone, text, "SMS (log only)");
            Ok(())
        })
    }
}
