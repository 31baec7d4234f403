use std::sync::Arc;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use store::testing::{Backend, WORLD_PASSWORD, World, fresh_database};

/// Keeps every SMS instead of sending it, so tests can read the codes.
#[derive(Default)]
pub struct SmsOutbox(pub std::sync::Mutex<Vec<(String, String)>>);

impl web::SmsSender for SmsOutbox {
    fn send<'a>(&'a self, msg: courier::sms::Outgoing<'a>) -> courier::sms::SendFuture<'a> {
        self.0
            .lock()
            .unwrap()
            .push((msg.phone.to_owned(), msg.text.signed("商量", None)));
        Box::pin(async { Ok(None) })
    }
}

impl SmsOutbox {
    /// The six-digit code in the latest message to `phone`.
    pub fn last_code(&self, phone: &str) -> String {
        let msgs = self.0.lock().unwrap();
        let text = &msgs
            .iter()
            .rev()
            .find(|(p, _)| p == phone)
            .expect("no SMS sent")
            .1;
        text.chars().filter(char::is_ascii_digit).take(6).collect()
    }
}

pub struct TestApp {
    pub sms: Arc<SmsOutbox>,
    /// Clients signed in as the world's account of each role asked for with
    /// [`TestAppBuilder::with_user`].
    users: Vec<(domain::Role, Client)>,
    pub base: String,
    pub store: store::Store,
    pub world: World,
    /// The database, for a second app node on it.
    pub database_url: String,
}

/// How a test's app is built: `TestApp::init(backend).with_config(|c| …).start()`.
pub struct TestAppBuilder {
    backend: Backend,
    config: web::WebConfig,
    roles: Vec<domain::Role>,
    clock: Option<store::Clock>,
}

impl TestAppBuilder {
    /// Changes the app's configuration before it starts.
    pub fn with_config(mut self, change: impl FnOnce(&mut web::WebConfig)) -> Self {
        change(&mut self.config);
        self
    }

    /// Runs the app on a clock the test sets by hand (`clock.set(…)`), so a
    /// month of deadlines passes in a line.
    pub fn with_clock(mut self, clock: store::Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Signs in, once the app is up, as the world's account holding `role`
    /// in subdistrict A (read it back with [`TestApp::user`]).
    pub fn with_user(mut self, role: domain::Role) -> Self {
        self.roles.push(role);
        self
    }

    /// The real app on a free port over a fresh database with a small world in it.
    pub async fn start(self) -> TestApp {
        let url = fresh_database(self.backend).await;
        let store = store::Store::connect(&url).await.expect("connect");
        let store = match self.clock {
            Some(clock) => store.with_clock(clock),
            None => store,
        };
        store.migrate().await.expect("migrate");
        let hash = web::hash_password(domain::Password::parse(WORLD_PASSWORD).unwrap())
            .await
            .unwrap();
        let world = World::build(&store, &hash).await.expect("world");
        let mut app = TestApp::serve(url, store, world, self.config).await;
        for role in self.roles {
            let client = app.login(world_login(role)).await;
            app.users.push((role, client));
        }
        app
    }
}

/// The world's account that holds `role` (in subdistrict A where it is scoped).
fn world_login(role: domain::Role) -> &'static str {
    use domain::Role::*;
    match role {
        Resident => "resident",
        CommitteeMember => "member",
        Convener => "convener-a",
        DepartmentStaff => "staff-a",
        Leader => "leader-a",
        Administrator => "admin",
        DepartmentHead => "head-a",
    }
}

impl TestApp {
    /// A builder for the app; rate limits are off (tests send many requests
    /// from one address) and photos go to a fresh directory.
    pub fn init(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            config: web::WebConfig {
                photo_dir: photo_dir(),
                rate_limits: false,
                ..web::WebConfig::default()
            },
            roles: Vec::new(),
            clock: None,
        }
    }

    /// The client signed in as `role`, asked for with [`TestAppBuilder::with_user`].
    pub fn user(&self, role: domain::Role) -> &Client {
        self.users
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, c)| c)
            .unwrap_or_else(|| panic!("start the app .with_user({role:?})"))
    }

    /// The app as most tests want it.
    pub async fn start(backend: Backend) -> TestApp {
        TestApp::init(backend).start().await
    }

    /// The app with rate limits on, as in production.
    pub async fn start_limited(backend: Backend) -> TestApp {
        TestApp::init(backend)
            .with_config(|c| c.rate_limits = true)
            .start()
            .await
    }

    /// Another app process on the same database, as behind a load balancer.
    pub async fn second_node(&self) -> TestApp {
        self.second_node_with(|_| {}).await
    }

    /// [`TestApp::second_node`] with its settings changed.
    pub async fn second_node_with(&self, change: impl FnOnce(&mut web::WebConfig)) -> TestApp {
        let store = store::Store::connect(&self.database_url)
            .await
            .expect("connect");
        let mut config = web::WebConfig {
            photo_dir: photo_dir(),
            rate_limits: false,
            ..web::WebConfig::default()
        };
        change(&mut config);
        TestApp::serve(self.database_url.clone(), store, self.world.clone(), config).await
    }

    async fn serve(
        url: String,
        store: store::Store,
        world: World,
        config: web::WebConfig,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let sms = Arc::new(SmsOutbox::default());
        let state = web::AppState::new(store.clone(), config, sms.clone()).expect("state");
        tokio::spawn(web::serve(listener, state, std::future::pending()));
        TestApp {
            sms,
            users: Vec::new(),
            base,
            store,
            world,
            database_url: url,
        }
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A phone as a resident holds it: it has opened a page, so it carries
    /// the device cookie the server signed (votes, likes, supports need one).
    pub async fn phone(&self) -> Client {
        let c = self.client();
        let r = c.get(self.url("/")).send().await.unwrap();
        assert!(r.status().is_success(), "opening the home page");
        c
    }

    /// A client signed in as one of the world's people.
    pub async fn login(&self, login: &str) -> Client {
        let c = self.client();
        let r = c
            .post(self.url("/api/session"))
            .json(&json!({ "username": login, "password": WORLD_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login as {login}");
        c
    }

    /// Likes a result as a phone would: with the token its page hands out.
    pub async fn like(&self, c: &Client, no: &str) -> (StatusCode, Value) {
        let (_, topic) = self.get(c, &format!("/api/topics/{no}")).await;
        let token = topic["like_token"].as_str().unwrap_or_default().to_owned();
        self.post(
            c,
            &format!("/api/topics/{no}/likes"),
            json!({ "token": token }),
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, c: &Client, path: &str, body: Value) -> (StatusCode, Value) {
        let r = c.post(self.url(path)).json(&body).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        let r = c.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn page(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        (s, r.text().await.unwrap())
    }

    /// The convener opens an online deliberation on topic `no` with these
    /// seed statements (one a line); returns its id.
    pub async fn open_deliberation(&self, convener: &Client, no: &str, seeds: &str) -> i64 {
        let r = convener
            .post(self.url(&format!("/t/{no}/deliberation")))
            .form(&[("seeds", seeds)])
            .send()
            .await
            .unwrap();
        r.headers()["location"].to_str().unwrap()[3..]
            .parse()
            .unwrap()
    }

    /// Takes a submitted topic of room A to 办结 the short way: convener-a
    /// refers it to department A, staff-a signs and completes the task, the
    /// convener verifies it.
    pub async fn resolve_by_referral(&self, no: &str) {
        let convener = self.login("convener-a").await;
        let dept = self.world.dept_a.0.to_string();
        let refer = json!({ "department": dept, "due": "2030-01-01" });
        let (s, v) = self
            .post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
            .await;
        assert_eq!(s, StatusCode::OK, "refer: {v}");
        let topic = self.store.topic_by_tracking(no).await.unwrap();
        let task = self.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
        let staff = self.login("staff-a").await;
        for (who, action, body) in [
            (&staff, "sign", json!({})),
            (&staff, "complete", json!({ "note": "已按要求办结" })),
            (&convener, "verify", json!({})),
        ] {
            let (s, v) = self
                .post(who, &format!("/api/tasks/{task}/actions/{action}"), body)
                .await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
        }
    }

    /// Texts in the outbox (to one phone), newest first: the phone, the
    /// sentence as a free-text sender sends it, and its link.
    pub async fn texts(&self, phone: Option<&str>) -> Vec<(String, String, Option<String>)> {
        self.store
            .outbox_to(domain::OutChannel::Sms, phone, 500)
            .await
            .unwrap()
            .into_iter()
            .map(|item| {
                let text = item.sms().unwrap();
                (item.recipient, text.sentence(), text.link)
            })
            .collect()
    }

    /// The texts of a world user's inbox, newest first.
    pub async fn inbox(&self, login: &str) -> Vec<String> {
        let id = self.world.user(login);
        self.store
            .notifications(&[store::user_key(id)], 100)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect()
    }

    /// Today in Beijing on the app's clock, as date fields send it.
    pub fn today(&self) -> String {
        self.store.clock().today().to_string()
    }

    /// `convener` researches topic `no` completely — a site visit today and
    /// every section of the analysis — so that it may go on an agenda.
    pub async fn research(&self, convener: &Client, no: &str) -> Value {
        let visit = json!({
            "on": self.today(), "place": "三组村道", "method": "visit",
            "note": "实地踏勘三组道路，路面破损约三百米。",
            "participants": "王建国 行家里手\n李梅 党员",
        });
        let analysis = json!({
            "feasibility": "村集体同意出资，具备施工条件。",
            "measures": "分两段施工，先修排水再铺路面。",
            "risks": "施工期间村民出行不便，需提前告知。",
            "recommendation": "建议列入今年冬季农路改造计划。",
        });
        let mut last = Value::Null;
        for (action, body) in [("research", visit), ("analysis", analysis)] {
            let (s, v) = self
                .post(
                    convener,
                    &format!("/api/topics/{no}/actions/{action}"),
                    body,
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
            last = v;
        }
        last
    }

    /// `leader` records a leadership meeting held today; returns its id.
    pub async fn review_session(&self, leader: &Client) -> i64 {
        let body = json!({ "title": "街道党工委会议", "held_on": self.today(), "attendees": "党工委书记、办事处主任、分管副主任" });
        let (s, v) = self.post(leader, "/api/reviews", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["id"].as_i64().unwrap()
    }

    /// `leader` rules on every open opinion of topic `no` at a new leadership
    /// meeting, with `ruling` (decision, part, reason, instructions); returns
    /// the topic as the last ruling left it.
    pub async fn review(&self, leader: &Client, no: &str, ruling: Value) -> Value {
        let session = self.review_session(leader).await;
        let topic = self.store.topic_by_tracking(no).await.unwrap();
        let mut last = Value::Null;
        for o in self.store.opinions(topic.id).await.unwrap() {
            if o.decision.is_some() {
                continue;
            }
            let mut body = ruling.clone();
            body["session"] = json!(session.to_string());
            body["opinion"] = json!(o.id.to_string());
            let (s, v) = self
                .post(leader, &format!("/api/topics/{no}/actions/review"), body)
                .await;
            assert_eq!(s, StatusCode::OK, "review: {v}");
            last = v;
        }
        last
    }

    /// Submits a topic to room A as `c` and returns its tracking number.
    pub async fn submit(&self, c: &Client, title: &str) -> String {
        let (s, v) = self
            .post(
                c,
                "/api/rooms/room-a/topics",
                json!({ "title": title, "body": "路面坑洼积水，老人孩子出行不便，希望尽快修缮。", "category": "交通出行", "place": "陈师村三组" }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["tracking_no"].as_str().unwrap().to_owned()
    }

    pub async fn topic_state(&self, no: &str) -> String {
        self.store
            .topic_by_tracking(no)
            .await
            .unwrap()
            .state
            .code()
            .to_owned()
    }
}

/// An instant written with its offset, e.g. `2026-11-02T10:00:00+08:00`.
pub fn beijing(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A fresh folder for one test app's photos.
fn photo_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "shangliang-photos-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A `multipart/form-data` body as a phone's browser sends a form with files.
pub struct Multipart {
    boundary: &'static str,
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart {
            boundary: "----shangliang-test-boundary-7f3a9c",
            body: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n",
            self.boundary
        );
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    pub fn file(mut self, name: &str, filename: &str, mime: &str, bytes: &[u8]) -> Multipart {
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n",
            self.boundary
        );
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    pub async fn send(mut self, c: &Client, url: String) -> Response {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        c.post(url)
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={}", self.boundary),
            )
            .body(self.body)
            .send()
            .await
            .unwrap()
    }
}

/// A client sending these headers on every request. A forged cookie is
/// sent as a header and nothing the server answers is kept, so every
/// request carries the same forgery; a client standing for an address
/// (`X-Forwarded-For`) keeps its cookies like a phone does.
pub fn client_with(header: &str, value: &str, keep_cookies: bool) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::HeaderName::from_bytes(header.as_bytes()).unwrap(),
        value.parse().unwrap(),
    );
    Client::builder()
        .default_headers(headers)
        .cookie_store(keep_cookies)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client carrying a cookie the server never issued.
pub fn with_cookie(cookie: &str) -> Client {
    client_with("cookie", cookie, false)
}

/// A client whose requests say they come from `ip` (the app trusts
/// `X-Forwarded-For` in these tests, as behind a reverse proxy).
pub fn from_address(ip: &str) -> Client {
    client_with("x-forwarded-for", ip, true)
}
