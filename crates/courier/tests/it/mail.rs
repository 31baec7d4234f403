//! Notices by e-mail against a local SMTP server (`smtp_sink.py`) that
//! demands STARTTLS and a login, refuses or defers some recipients, and
//! records what it accepted.
use chrono::TimeDelta;
use courier::mail::Security;
use courier::{Courier, MailSettings, Mailer};
use domain::{EmailAddress, NoticeBy, OutChannel};
use serde_json::Value;
use store::testing::{Backend, World};
use store::{OutState, Store};

use crate::{Fake, provider, store_at, submit};

/// The SMTP sink, running until the test ends.
struct Sink {
    child: std::process::Child,
    port: u16,
    folder: String,
}

impl Sink {
    fn start(plain: bool) -> Sink {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut cmd = std::process::Command::new("python3");
        cmd.arg(script).stdout(std::process::Stdio::piped());
        if plain {
            cmd.arg("plain");
        }
        let mut child = cmd.spawn().expect("python3 runs the SMTP sink");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let (port, folder) = line.trim().split_once(' ').expect("PORT DIR");
        Sink {
            child,
            port: port.parse().unwrap(),
            folder: folder.to_owned(),
        }
    }

    fn mailer(&self, password: &str) -> Mailer {
        Mailer::new(MailSettings {
            host: "localhost".into(),
            port: self.port,
            security: Security::StartTls,
            credentials: Some(("shangliang".into(), password.into())),
            from: "商量协商议事平台 <noreply@lianshui.gov.cn>".into(),
            extra_root: Some(std::fs::read(format!("{}/ca.pem", self.folder)).unwrap()),
            sign_name: "商量".into(),
            public_url: Some("https://shangliang.lianshui.gov.cn".into()),
        })
        .unwrap()
    }

    /// What it accepted, in order.
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(format!("{}/mail.jsonl", self.folder))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Sets a world account's notices to go by e-mail to `address`.
async fn by_email(store: &Store, world: &World, login: &str, address: &str) {
    let email = EmailAddress::parse(address).unwrap();
    store
        .set_notice_channel(world.user(login), Some(&email), NoticeBy::Email)
        .await
        .unwrap();
}

async fn a_convener_who_chose_email_gets_letters(backend: Backend) {
    let sink = Sink::start(false);
    let fake = Fake::start();
    let store = store_at(backend).await;
    let world = World::build(&store, "unused").await.unwrap();
    let texts = provider("http", &fake.base);
    let courier =
        Courier::new(store.clone(), texts.clone(), 10).with_mail(sink.mailer("mail-secret"));

    // E-mail needs an address; without one nothing changes.
    let refused = store
        .set_notice_channel(world.user("convener-a"), None, NoticeBy::Email)
        .await;
    assert!(refused.is_err());
    by_email(&store, &world, "convener-a", "Convener.A@LianShui.gov.cn").await;

    // A new topic in room A: the convener hears by e-mail, not by text.
    let topic = submit(&store, &world, "陈师社区府前路停车秩序整治及破损井盖修缮").await;
    let letters = store.outbox_to(OutChannel::Email, None, 10).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].recipient, "Convener.A@lianshui.gov.cn");
    let convener_phone = store
        .user(world.user("convener-a"))
        .await
        .unwrap()
        .phone
        .unwrap();
    let texts_to_convener = store
        .outbox_to(OutChannel::Sms, Some(convener_phone.as_str()), 10)
        .await
        .unwrap();
    assert!(texts_to_convener.is_empty(), "{texts_to_convener:?}");

    let round = courier.send_due().await.unwrap();
    assert_eq!(round.failed, 0, "{round:?}");
    let item = store.outbox_item(letters[0].id).await.unwrap();
    assert_eq!(item.state, OutState::Sent, "{item:?}");
    assert!(item.provider_ref.unwrap().contains("Queued as sink-"));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert_eq!(mail["tls"], true, "sent only after STARTTLS");
    assert_eq!(mail["authenticated"], true);
    assert_eq!(mail["from"], "noreply@lianshui.gov.cn");
    assert_eq!(
        mail["to"],
        serde_json::json!(["Convener.A@lianshui.gov.cn"])
    );
    // Read back by Python's own e-mail parser, not ours.
    let data = mail["data"].as_str().unwrap();
    let parsed = python_reads(data);
    assert!(
        parsed["subject"]
            .as_str()
            .unwrap()
            .starts_with("【商量】议事工作提醒："),
        "{parsed}"
    );
    assert_eq!(
        parsed["message_id"],
        format!("<{}@lianshui.gov.cn>", item.id.key())
    );
    let body = parsed["body"].as_str().unwrap();
    assert!(
        body.contains("陈师社区府前路停车秩序整治及破损井盖修缮"),
        "the whole title: {body}"
    );
    assert!(
        body.contains(&format!(
            "https://shangliang.lianshui.gov.cn/t/{}",
            topic.tracking_no
        )),
        "{body}"
    );

    // A mailbox that does not exist is given up; a busy one is tried again.
    for (login, address) in [
        ("convener-b", "nobody@lianshui.gov.cn"),
        ("convener-a", "busy@lianshui.gov.cn"),
    ] {
        by_email(&store, &world, login, address).await;
    }
    let a = store_letter(&store, &world, "convener-b").await;
    let b = store_letter(&store, &world, "convener-a").await;
    courier.send_due().await.unwrap();
    assert_eq!(store.outbox_item(a).await.unwrap().state, OutState::Failed);
    let busy = store.outbox_item(b).await.unwrap();
    assert_eq!(busy.state, OutState::Pending);
    assert!(busy.last_error.unwrap().contains("451"));
    store.clock().advance(TimeDelta::seconds(31));
    courier.send_due().await.unwrap();
    assert_eq!(store.outbox_item(b).await.unwrap().state, OutState::Sent);
    assert_eq!(sink.received().len(), 2);

    // A wrong password is the server's refusal for good; a server that
    // offers no STARTTLS is never sent to in the clear.
    let plain = Sink::start(true);
    for (courier, (why, state)) in [
        (
            Courier::new(store.clone(), texts.clone(), 10).with_mail(sink.mailer("wrong")),
            ("535", OutState::Failed),
        ),
        (
            Courier::new(store.clone(), texts.clone(), 10).with_mail(plain.mailer("mail-secret")),
            ("STARTTLS", OutState::Pending),
        ),
    ] {
        let id = store_letter(&store, &world, "convener-a").await;
        courier.send_due().await.unwrap();
        let item = store.outbox_item(id).await.unwrap();
        assert_eq!(item.state, state, "{why}: {item:?}");
        assert!(item.last_error.unwrap().contains(why), "{why}");
    }
    assert_eq!(sink.received().len(), 2);
    assert!(plain.received().is_empty(), "nothing went out in the clear");

    // Without an SMTP server configured a letter is given up, saying why.
    let unconfigured = Courier::new(store.clone(), texts, 10);
    let id = store_letter(&store, &world, "convener-a").await;
    store.clock().advance(TimeDelta::hours(2));
    unconfigured.send_due().await.unwrap();
    let item = store.outbox_item(id).await.unwrap();
    assert_eq!(item.state, OutState::Failed);
    assert!(item.last_error.unwrap().contains("smtp_host"));
}
store::both_backends!(a_convener_who_chose_email_gets_letters);

/// Queues a notice to a room's convener (a topic submitted in room B for
/// convener-b, else in room A) and returns the letter's id.
async fn store_letter(store: &Store, world: &World, login: &str) -> store::OutboxId {
    let before = store.outbox_to(OutChannel::Email, None, 1).await.unwrap();
    let last = before.first().map_or(0, |i| i.id.0);
    match login {
        "convener-b" => {
            let who = store::Who {
                actor: domain::Actor::anonymous(Some("device-2".into())),
                name: "匿名群众".into(),
            };
            let title = domain::TopicTitle::parse("水渠清淤").unwrap();
            let body = domain::TopicBody::parse("水渠堵塞，请尽快清淤").unwrap();
            store
                .submit_topic(
                    store::testing::plain_submission(world.room_b, &title, &body),
                    &who,
                )
                .await
                .unwrap();
        }
        _ => {
            submit(store, world, "养殖场异味扰民").await;
        }
    }
    let after = store.outbox_to(OutChannel::Email, None, 10).await.unwrap();
    let address = store.user(world.user(login)).await.unwrap().email.unwrap();
    after
        .into_iter()
        .find(|i| i.id.0 > last && i.recipient == address.as_str())
        .unwrap_or_else(|| panic!("a letter to {login}"))
        .id
}

/// The subject, Message-ID and text of a raw message, read by Python's
/// standard `email` package.
fn python_reads(raw: &str) -> Value {
    use std::io::Write;
    let script = "import email,email.policy,json,sys\n\
        m=email.message_from_bytes(sys.stdin.buffer.read(),policy=email.policy.default)\n\
        print(json.dumps({'subject':m['subject'],'message_id':m['message-id'],'body':m.get_content()}))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(raw.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}
