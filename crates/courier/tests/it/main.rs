//! The outbox sent through each SMS provider and to webhooks, against
//! local fakes (`fake_providers.py`) that check every request as the
//! provider documents it, signature included, with their own code.
#![allow(clippy::unwrap_used)]
mod mail;

use std::sync::Arc;

use chrono::TimeDelta;
use courier::sms::{TemplateIds, aliyun::Aliyun, http::HttpSms, tencent::Tencent};
use courier::{Courier, SmsSender};
use domain::{OutChannel, PhoneNumber, SmsTemplate, SmsText};
use serde_json::Value;
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{Authority, Clock, OutState, Store, Who};

/// The fake providers, running until the test ends.
struct Fake {
    child: std::process::Child,
    base: String,
}

impl Fake {
    fn start() -> Fake {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fake_providers.py");
        let mut child = std::process::Command::new("python3")
            .arg(script)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the fake providers");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Fake {
            child,
            base: format!("http://127.0.0.1:{}", line.trim()),
        }
    }

    async fn log(&self) -> Vec<Value> {
        let v: Value = reqwest::get(format!("{}/_log", self.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v.as_array().unwrap().clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn templates() -> TemplateIds {
    TemplateIds(
        [
            ("login_code", "SMS_0001".to_owned()),
            ("topic_progress", "SMS_0002".to_owned()),
            ("notice", "SMS_0003".to_owned()),
        ]
        .into_iter()
        .collect(),
    )
}

fn provider(name: &str, base: &str) -> Arc<dyn SmsSender> {
    let client = courier::http_client();
    match name {
        "aliyun" => Arc::new(Aliyun {
            endpoint: format!("{base}/aliyun"),
            access_key_id: "LTAI-test-id".into(),
            access_key_secret: "aliyun-test-secret".into(),
            sign_name: "商量".into(),
            templates: templates(),
            client,
        }),
        "tencent" => Arc::new(Tencent {
            endpoint: format!("{base}/tencent"),
            secret_id: "AKID-test-id".into(),
            secret_key: "tencent-test-key".into(),
            app_id: "1400000001".into(),
            region: "ap-guangzhou".into(),
            sign_name: "商量".into(),
            templates: templates(),
            client,
        }),
        _ => Arc::new(HttpSms {
            url: format!("{base}/http"),
            token: Some("gateway-token".into()),
            sign_name: "商量".into(),
            public_url: None,
            client,
        }),
    }
}

async fn store_at(backend: Backend) -> Store {
    let store = Store::connect(&fresh_database(backend).await)
        .await
        .unwrap()
        .with_clock(Clock::at(
            "2026-12-04T02:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        ));
    store.migrate().await.unwrap();
    store
}

/// Queues a sign-in code's text to `phone`, as the sign-in page does.
async fn code_to(store: &Store, phone: &str, code: &str) -> store::OutboxId {
    let text = SmsText::new(SmsTemplate::LoginCode, &[code, "5"]);
    store
        .store_otp(
            &PhoneNumber::parse(phone).unwrap(),
            format!("hash-{code}"),
            TimeDelta::minutes(5),
            &text,
        )
        .await
        .unwrap()
}

async fn each_provider_sends_retries_and_gives_up(backend: Backend) {
    let fake = Fake::start();
    for name in ["aliyun", "tencent", "http"] {
        let store = store_at(backend).await;
        let courier = Courier::new(store.clone(), provider(name, &fake.base), 10);

        // Accepted: signed as documented, the template and its values, the key.
        let id = code_to(&store, "13900000001", "042137").await;
        assert_eq!(courier.send_now(id).await.unwrap(), Some(OutState::Sent));
        let item = store.outbox_item(id).await.unwrap();
        assert_eq!(item.state, OutState::Sent);
        let log = fake.log().await;
        let got = log.last().unwrap();
        assert_eq!(got["signed"], true, "{name}: {got}");
        assert_eq!(got["key"], id.key(), "{name}: {got}");
        match name {
            "aliyun" => {
                assert_eq!(got["phone"], "13900000001");
                assert_eq!(got["template"], "SMS_0001");
                assert_eq!(got["params"]["code"], "042137");
                assert_eq!(got["sign"], "商量");
            }
            "tencent" => {
                assert_eq!(got["phone"], "+8613900000001");
                assert_eq!(got["template"], "SMS_0001");
                assert_eq!(got["params"], serde_json::json!(["042137", "5"]));
                assert_eq!(got["app"], "1400000001");
            }
            _ => assert_eq!(
                got["text"],
                "【商量】您的验证码是042137，5分钟内有效。如非本人操作请忽略。"
            ),
        }
        assert!(item.provider_ref.is_some(), "{name}: {item:?}");

        // A wrong number is given up at once, the provider's answer kept.
        let id = code_to(&store, "13800000000", "111111").await;
        assert_eq!(courier.send_now(id).await.unwrap(), Some(OutState::Failed));
        let item = store.outbox_item(id).await.unwrap();
        assert!(item.last_error.is_some(), "{name}");

        // Throttled: tried again after the backoff, then sent.
        let id = code_to(&store, "13900000009", "222222").await;
        assert_eq!(courier.send_now(id).await.unwrap(), Some(OutState::Pending));
        assert_eq!(
            courier.send_due().await.unwrap().sent,
            0,
            "not before its time"
        );
        store.clock().advance(TimeDelta::seconds(31));
        assert_eq!(courier.send_due().await.unwrap().sent, 1, "{name}");
        let item = store.outbox_item(id).await.unwrap();
        assert_eq!((item.state, item.attempts), (OutState::Sent, 2), "{name}");
    }
}
store::both_backends!(each_provider_sends_retries_and_gives_up);

async fn a_crash_between_send_and_mark_resends_under_the_same_key(backend: Backend) {
    let fake = Fake::start();
    let store = store_at(backend).await;
    let gateway = provider("http", &fake.base);
    let id = code_to(&store, "13900000002", "333333").await;

    // A worker claims the text and sends it, then dies before marking it.
    let claimed = store.claim_outbox(10, TimeDelta::minutes(2)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let text = claimed[0].sms().unwrap();
    let key = claimed[0].id.key();
    let msg = courier::sms::Outgoing {
        key: &key,
        phone: "13900000002",
        text: &text,
        now: store.clock().now(),
    };
    gateway.send(msg).await.unwrap();

    // Nobody else takes it while the lease holds; afterwards it goes again,
    // under the same key, and the gateway knows the repeat.
    let courier = Courier::new(store.clone(), gateway, 10);
    assert_eq!(courier.send_due().await.unwrap().sent, 0);
    store.clock().advance(TimeDelta::minutes(3));
    assert_eq!(courier.send_due().await.unwrap().sent, 1);
    assert_eq!(
        courier.send_due().await.unwrap().sent,
        0,
        "sent, never again"
    );
    let log = fake.log().await;
    let tries: Vec<&Value> = log.iter().filter(|e| e["key"] == key.as_str()).collect();
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[1]["repeat"], true, "the gateway drops it by its key");
    assert_eq!(store.outbox_item(id).await.unwrap().state, OutState::Sent);
}
store::both_backends!(a_crash_between_send_and_mark_resends_under_the_same_key);

async fn a_number_gets_at_most_the_daily_cap(backend: Backend) {
    let fake = Fake::start();
    let store = store_at(backend).await;
    let courier = Courier::new(store.clone(), provider("http", &fake.base), 2);
    let mut states = Vec::new();
    for code in ["100001", "100002", "100003"] {
        let id = code_to(&store, "13900000003", code).await;
        states.push(courier.send_now(id).await.unwrap());
    }
    assert_eq!(
        states,
        [
            Some(OutState::Sent),
            Some(OutState::Sent),
            Some(OutState::Failed)
        ]
    );
    let failed = store
        .outbox_to(OutChannel::Sms, Some("13900000003"), 1)
        .await
        .unwrap();
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("每日上限")
    );
    // Another number is not held back, and the next Beijing day starts again.
    let id = code_to(&store, "13900000004", "100004").await;
    assert_eq!(courier.send_now(id).await.unwrap(), Some(OutState::Sent));
    store.clock().advance(TimeDelta::hours(24));
    let id = code_to(&store, "13900000003", "100005").await;
    assert_eq!(courier.send_now(id).await.unwrap(), Some(OutState::Sent));
}
store::both_backends!(a_number_gets_at_most_the_daily_cap);

async fn submit(store: &Store, world: &World, title: &str) -> store::Topic {
    let who = Who {
        actor: domain::Actor::anonymous(Some("device-1".into())),
        name: "匿名群众".into(),
    };
    let title = domain::TopicTitle::parse(title).unwrap();
    let body = domain::TopicBody::parse("具体情况说明，请尽快处理").unwrap();
    store
        .submit_topic(plain_submission(world.room_a, &title, &body), &who)
        .await
        .unwrap()
}

async fn webhooks_are_signed_retried_and_paused(backend: Backend) {
    let fake = Fake::start();
    let store = store_at(backend).await;
    let world = World::build(&store, "unused").await.unwrap();
    let courier = Courier::new(store.clone(), provider("http", &fake.base), 10);
    let events = [domain::EventKind::Submitted];
    let (ok, secret) = store
        .admin_add_webhook(
            Authority::CommandLine,
            world.subdistrict_a,
            &format!("{}/hook/ok", fake.base),
            &events,
        )
        .await
        .unwrap();
    reqwest::Client::new()
        .post(format!("{}/_secret/ok", fake.base))
        .body(secret)
        .send()
        .await
        .unwrap();
    let (down, _) = store
        .admin_add_webhook(
            Authority::CommandLine,
            world.subdistrict_a,
            &format!("{}/hook/down", fake.base),
            &events,
        )
        .await
        .unwrap();
    // A region elsewhere hears nothing of this one.
    store
        .admin_add_webhook(
            Authority::CommandLine,
            world.subdistrict_b,
            &format!("{}/hook/elsewhere", fake.base),
            &events,
        )
        .await
        .unwrap();

    let topic = submit(&store, &world, "府前路破损井盖修缮").await;
    let round = courier.send_due().await.unwrap();
    assert_eq!(round.retrying, 1, "{round:?}");
    let log = fake.log().await;
    let hooks: Vec<&Value> = log.iter().filter(|e| e["provider"] == "hook").collect();
    assert_eq!(hooks.len(), 2, "{hooks:?}");
    let got = hooks.iter().find(|e| e["name"] == "ok").unwrap();
    assert_eq!(got["signed"], true, "verified by Python's hmac: {got}");
    assert_eq!(got["event"], "submitted");
    assert_eq!(got["t"], store.clock().now().timestamp());
    let body = &got["body"];
    assert_eq!(body["schema"], "shangliang.event.v1");
    assert_eq!(body["topic"]["tracking_no"], topic.tracking_no.as_str());
    assert_eq!(body["topic"]["title"], "府前路破损井盖修缮");
    assert!(
        !body.to_string().contains("device-1"),
        "no personal data: {body}"
    );

    // The failing endpoint is tried with backoff; after ten failures in a
    // row it is paused and the administrators are told.
    for n in 0..4 {
        submit(&store, &world, &format!("陈师村第{n}组路灯维修")).await;
    }
    for _ in 0..8 {
        store.clock().advance(TimeDelta::hours(1));
        courier.send_due().await.unwrap();
    }
    let hook = store
        .admin_webhook(Authority::CommandLine, down)
        .await
        .unwrap();
    assert!(hook.paused, "{hook:?}");
    let waiting = store
        .outbox_to(OutChannel::Webhook, Some(&down.0.to_string()), 50)
        .await
        .unwrap();
    let tries: u32 = waiting.iter().map(|d| d.attempts).sum();
    assert!(tries >= domain::WEBHOOK_PAUSE_AFTER, "{tries}");
    assert!(waiting.iter().any(|d| d.state == OutState::Pending));
    store.clock().advance(TimeDelta::hours(1));
    courier.send_due().await.unwrap();
    let tries_after: u32 = store
        .outbox_to(OutChannel::Webhook, Some(&down.0.to_string()), 50)
        .await
        .unwrap()
        .iter()
        .map(|d| d.attempts)
        .sum();
    assert_eq!(tries_after, tries, "nothing is tried while paused");
    let admin = world.user("admin");
    let inbox = store
        .notifications(&[store::user_key(admin)], 10)
        .await
        .unwrap();
    assert!(inbox.iter().any(|n| n.text.contains("已暂停")), "{inbox:?}");
    // The working endpoint got every event once.
    let ok_hook = store
        .admin_webhook(Authority::CommandLine, ok)
        .await
        .unwrap();
    assert_eq!(ok_hook.failures, 0);
    let log = fake.log().await;
    let to_ok = log.iter().filter(|e| e["name"] == "ok").count();
    assert_eq!(to_ok, 5);
    assert!(!log.iter().any(|e| e["name"] == "elsewhere"));

    // Resumed, the waiting deliveries go again.
    store
        .admin_resume_webhook(Authority::CommandLine, down)
        .await
        .unwrap();
    store.clock().advance(TimeDelta::hours(1));
    let round = courier.send_due().await.unwrap();
    assert!(round.retrying > 0, "{round:?}");
}
store::both_backends!(webhooks_are_signed_retried_and_paused);
