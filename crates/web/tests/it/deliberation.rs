//! 线上议事 (画出同心圆) end to end: the convener opens it with seed statements,
//! thirty phones vote in two opposing camps, a new statement waits for
//! moderation, and the background worker draws the map with its common ground.
use std::time::{Duration, Instant};

use opinion::matrix::Vote;
use reqwest::{Client, StatusCode};
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

const SEEDS: [&str; 8] = [
    "村口应该建一个停车场",
    "停车场应该收费",
    "晚上八点后不许大车进村",
    "停车场可以占用一部分晒场",
    "应该保留晒场给老人晒粮",
    "停车位优先给本村村民",
    "外来车辆应该停在村外",
    "这件事要开会听取全体村民意见",
];

pub(crate) async fn form(c: &Client, url: String, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post(url).form(fields).send().await.unwrap()
}

/// The page's section with this id, up to its end ("" when absent).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    html.split(&format!("id=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default()
}

pub(crate) fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn online_deliberation(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let no = app.submit(&phone, "村口停车难问题").await;
    let seeds = SEEDS.join("\n");

    // Only the convener of this room may open it.
    for login in ["resident", "convener-b", "leader-a"] {
        let c = app.login(login).await;
        let r = form(
            &c,
            app.url(&format!("/t/{no}/deliberation")),
            &[("seeds", &seeds)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login} opened one");
    }
    let convener = app.login("convener-a").await;
    let (_, topic_html) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(
        topic_html.contains("开启线上议事"),
        "the convener sees the form"
    );
    let r = form(
        &convener,
        app.url(&format!("/t/{no}/deliberation")),
        &[("seeds", &seeds)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = location(&r);
    let id = domain::DeliberationId(at.trim_start_matches("/d/").parse().unwrap());
    let r = form(
        &convener,
        app.url(&format!("/t/{no}/deliberation")),
        &[("seeds", &seeds)],
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "one deliberation per topic"
    );
    let (_, topic_html) = app.page(&phone, &format!("/t/{no}")).await;
    assert!(
        topic_html.contains(&format!("/d/{id}")),
        "the topic links to it"
    );

    let statements = app.store.statements(id).await.unwrap();
    assert_eq!(statements.len(), SEEDS.len());
    let ids: Vec<String> = statements.iter().map(|s| s.id.to_string()).collect();

    // The first voting page shows the first statement with the three buttons.
    let (s, html) = app.page(&phone, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(SEEDS[0])
            && html.contains("赞同")
            && html.contains("反对")
            && html.contains("跳过")
    );
    assert!(html.contains("已表态 0 / 8 条"), "{html}");

    // Thirty phones, two camps taking turns; everyone agrees on the last statement.
    let mut phones = Vec::new();
    let mut first_answered = None;
    for i in 0..30 {
        let c = app.phone().await;
        let camp_a = i % 2 == 0;
        for (j, sid) in ids.iter().enumerate() {
            let vote = if j == 7 || (j < 4) == camp_a {
                "agree"
            } else {
                "disagree"
            };
            let started = Instant::now();
            let r = form(
                &c,
                app.url(&format!("/d/{id}/vote")),
                &[("statement", sid), ("vote", vote)],
            )
            .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "vote of phone {i}");
            assert!(started.elapsed() < Duration::from_secs(2), "a vote waited");
        }
        if i == 0 {
            // Votes never wait for the math: answered while no map exists yet.
            assert!(app.store.deliberation_result(id).await.unwrap().is_none());
            first_answered = Some(());
        }
        phones.push(c);
    }
    assert!(first_answered.is_some());
    // A new vote replaces the old one: still one row per (statement, voter).
    assert_eq!(app.store.count_opinion_votes(id).await.unwrap(), 240);
    for vote in ["pass", "agree"] {
        let r = form(
            &phones[0],
            app.url(&format!("/d/{id}/vote")),
            &[("statement", &ids[7]), ("vote", vote)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.store.count_opinion_votes(id).await.unwrap(), 240);
    let r = form(
        &phones[0],
        app.url(&format!("/d/{id}/vote")),
        &[("statement", &ids[7]), ("vote", "maybe")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (_, html) = app.page(&phones[0], &at).await;
    assert!(
        html.contains("感谢您的参与") && html.contains("已表态 8 / 8 条"),
        "{html}"
    );

    // A new statement stays hidden until the convener approves it.
    let added = "建议在晒场边划出临时停车位";
    let r = form(
        &phones[1],
        app.url(&format!("/d/{id}/statements")),
        &[("text", added)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&phones[2], &at).await;
    assert!(!html.contains(added), "a pending statement is shown");
    let long = "长".repeat(141);
    let r = form(
        &phones[1],
        app.url(&format!("/d/{id}/statements")),
        &[("text", &long)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let pending = app
        .store
        .statements(id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.text == added)
        .unwrap();
    assert_eq!(pending.state, domain::StatementState::Pending);
    let waiting = app.inbox("convener-a").await;
    let told = waiting
        .iter()
        .filter(|t| t.contains("新观点待审核"))
        .count();
    assert_eq!(told, 1, "the convener hears a statement waits: {waiting:?}");
    let sid = pending.id.to_string();
    // Nobody votes on it before approval.
    let r = form(
        &phones[2],
        app.url(&format!("/d/{id}/vote")),
        &[("statement", &sid), ("vote", "agree")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Moderation is the convener's alone.
    for login in ["resident", "convener-b"] {
        let c = app.login(login).await;
        let (s, _) = app.page(&c, &format!("/d/{id}/moderate")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{login} sees the queue");
        let r = form(
            &c,
            app.url(&format!("/d/{id}/moderate")),
            &[("statement", &sid), ("action", "approve")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login} approved");
    }
    let r = form(
        &phones[3],
        app.url(&format!("/d/{id}/moderate")),
        &[("statement", &sid), ("action", "approve")],
    )
    .await;
    assert!(
        location(&r).starts_with("/login"),
        "an anonymous phone approved: {}",
        r.status()
    );
    let (s, html) = app.page(&convener, &format!("/d/{id}/moderate")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(added)
            && html.contains("通过")
            && html.contains("标为议事说明（不计入观点图）")
    );
    let r = form(
        &convener,
        app.url(&format!("/d/{id}/moderate")),
        &[("statement", &sid), ("action", "approve")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&phones[2], &at).await;
    assert!(html.contains(added), "the approved statement is offered");

    // The convener's own statement needs no approval, and is shown as text, not markup.
    let hostile = "<script>window.__xss=1</script>充电桩";
    let r = form(
        &convener,
        app.url(&format!("/d/{id}/statements")),
        &[("text", hostile)],
    )
    .await;
    assert_eq!(location(&r), format!("/d/{id}?added=approved"));
    let (_, html) = app.page(&convener, &format!("/d/{id}/moderate")).await;
    assert!(
        html.contains("&#60;script&#62;window.__xss=1") && !html.contains("<script>window"),
        "{html}"
    );

    // The map appears in the background.
    let deadline = Instant::now() + Duration::from_secs(10);
    let html = loop {
        let (s, html) = app.page(&phones[0], &format!("/d/{id}/results")).await;
        assert_eq!(s, StatusCode::OK);
        if html.contains("<svg") && html.contains("第2组") {
            break html;
        }
        assert!(Instant::now() < deadline, "no map within 10 s: {html}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let common = section(&html, "consensus");
    assert!(
        common.contains("各组都赞同") && common.contains(SEEDS[7]) && common.contains("各组 100%"),
        "the statement both camps agree with is common ground: {common}"
    );
    assert!(
        !common.contains(SEEDS[0]),
        "one camp's statement is not: {common}"
    );
    assert!(html.contains("第1组") && html.contains("赞同：") && html.contains("结果更新于"));
    assert!(
        html.contains("其中 0 人已用手机号验证"),
        "thirty phones, none signed in"
    );
    assert!(
        html.contains(">我</text>"),
        "the viewer is marked on the map"
    );

    // The convener attaches the result to the meeting materials.
    let (_, html) = app.page(&convener, &format!("/d/{id}/results")).await;
    assert!(html.contains("附入会议材料"));
    let (_, html) = app.page(&phones[0], &format!("/d/{id}/results")).await;
    assert!(
        !html.contains("附入会议材料"),
        "a phone sees the convener's button"
    );
    let c = app.login("convener-b").await;
    let r = form(&c, app.url(&format!("/d/{id}/attach")), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = form(&convener, app.url(&format!("/d/{id}/attach")), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&phone, &format!("/t/{no}")).await;
    assert!(
        html.contains("协商意见参考：线上议事结果已附会议材料"),
        "{html}"
    );
}
both!(online_deliberation);

/// Before enough people voted, the results page says so instead of computing.
async fn results_wait_for_voters(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let no = app.submit(&phone, "小区垃圾分类").await;
    let convener = app.login("convener-a").await;
    let r = form(
        &convener,
        app.url(&format!("/t/{no}/deliberation")),
        &[("seeds", "增设垃圾分类督导员\n厨余垃圾定时投放")],
    )
    .await;
    let at = location(&r);
    let (s, html) = app.page(&phone, &format!("{at}/results")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("投票人数还不够，结果稍后显示"));
    let (s, _) = app.page(&phone, "/d/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both!(results_wait_for_voters);

/// A resident's topic on which room A's convener opens a deliberation with
/// the first four seeds; its id.
pub(crate) async fn opened_with_four_seeds(app: &TestApp, title: &str) -> domain::DeliberationId {
    let no = app.submit(&app.client(), title).await;
    let convener = app.login("convener-a").await;
    let r = form(
        &convener,
        app.url(&format!("/t/{no}/deliberation")),
        &[("seeds", &SEEDS[..4].join("\n"))],
    )
    .await;
    domain::DeliberationId(location(&r).trim_start_matches("/d/").parse().unwrap())
}

/// The ids of a deliberation's statements, as its vote form sends them.
pub(crate) async fn statement_ids(app: &TestApp, id: domain::DeliberationId) -> Vec<String> {
    app.store
        .statements(id)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id.to_string())
        .collect()
}

/// Waits until the background worker has saved a map counting `votes` votes.
pub(crate) async fn map_with(app: &TestApp, id: domain::DeliberationId, votes: i64) {
    let started = Instant::now();
    loop {
        let r = app.store.deliberation_result(id).await.unwrap();
        if r.is_some_and(|r| r.votes_counted == votes) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no map of {votes} votes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The k smoother of what the next run continues from.
async fn smoother(app: &TestApp, id: domain::DeliberationId) -> opinion::cluster::KSmoother {
    let json = app.store.analysis_state(id).await.unwrap().expect("kept");
    let kept: opinion::Analysis = serde_json::from_str(&json).unwrap();
    kept.k_smoother.expect("groups were chosen")
}

/// A restarted server continues the map where the last one left it (warm
/// start: same components and clusters, k smoothing counting on), not cold.
async fn warm_start_survives_restart(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = opened_with_four_seeds(&app, "村口停车难问题").await;
    let ids = statement_ids(&app, id).await;
    // Two camps: phones of camp A agree with the first two statements, B with the last two.
    let vote_as = |node: &TestApp, i: usize| {
        let c = node.client();
        let home = node.url("/");
        let ids = ids.clone();
        let url = node.url(&format!("/d/{id}/vote"));
        async move {
            assert!(c.get(home).send().await.unwrap().status().is_success());
            for (j, sid) in ids.iter().enumerate() {
                let vote = if (j < 2) == i.is_multiple_of(2) {
                    "agree"
                } else {
                    "disagree"
                };
                let r = form(&c, url.clone(), &[("statement", sid), ("vote", vote)]).await;
                assert_eq!(r.status(), StatusCode::SEE_OTHER);
            }
        }
    };
    for i in 0..12 {
        vote_as(&app, i).await;
    }
    map_with(&app, id, 48).await;
    let before = smoother(&app, id).await;

    // A new process (nothing in memory) takes the next phone's votes: its
    // first run must continue from what the last one kept.
    let restarted = app.second_node().await;
    vote_as(&restarted, 12).await;
    map_with(&app, id, 52).await;
    let after = smoother(&app, id).await;
    assert_eq!(after.last_k, before.last_k, "two camps both times");
    assert_eq!(
        after.last_k_count,
        before.last_k_count + 1,
        "a cold start would count from 1"
    );
}
both!(warm_start_survives_restart);

/// Votes stored while no process computed their map (a crash between the
/// vote and its map, a bulk load): the next process to start maps them.
async fn missed_map_is_computed_at_start(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = opened_with_four_seeds(&app, "广场舞音量问题").await;
    let statements = app.store.statements(id).await.unwrap();
    // Straight into the database: no running process hears of these votes.
    for i in 0..8 {
        for (j, s) in statements.iter().enumerate() {
            let vote = if (j < 2) == (i % 2 == 0) {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            app.store
                .vote_statement(id, s.id, &format!("d:phone-{i}"), vote, None)
                .await
                .unwrap();
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(app.store.deliberation_result(id).await.unwrap().is_none());
    let _started = app.second_node().await;
    map_with(&app, id, 32).await;
}
both!(missed_map_is_computed_at_start);

/// A resident who scans the room's code finds its open deliberations there,
/// with how many have taken part; a closed one is no longer offered.
async fn room_page_offers_open_deliberations(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let (_, html) = app.page(&phone, "/r/room-a").await;
    assert!(!html.contains("正在线上议事"), "none open yet");
    let id = opened_with_four_seeds(&app, "村口停车难问题").await;
    let first = app.store.statements(id).await.unwrap()[0].id;
    for voter in ["d:phone-1", "d:phone-2"] {
        app.store
            .vote_statement(id, first, voter, Vote::Agree, None)
            .await
            .unwrap();
    }
    let (_, html) = app.page(&phone, "/r/room-a").await;
    let online = section(&html, "online");
    assert!(
        online.contains(&format!("href=\"/d/{id}\""))
            && online.contains("村口停车难问题")
            && online.contains("已有 2 人参与"),
        "{online}"
    );
    let (_, html) = app.page(&phone, "/r/room-b").await;
    assert!(
        !html.contains("正在线上议事"),
        "another room's deliberation"
    );
    let convener = app.login("convener-a").await;
    let r = form(&convener, app.url(&format!("/d/{id}/close")), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&phone, "/r/room-a").await;
    assert!(!html.contains("正在线上议事"), "closed");
}
both!(room_page_offers_open_deliberations);

/// A topic refused at triage is not deliberated: the form is not offered
/// and a posted one is refused, changing nothing.
async fn no_deliberation_on_a_refused_topic(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let no = app.submit(&phone, "广场舞噪音扰民").await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/reject"),
            serde_json::json!({ "reason": "已由社区另行协调" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, html) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(!html.contains("开启线上议事"), "offered on a refused topic");
    let r = form(
        &convener,
        app.url(&format!("/t/{no}/deliberation")),
        &[("seeds", "晚上九点后停止跳舞")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let d = app.store.deliberation_of_topic(topic.id).await.unwrap();
    assert!(d.is_none());
}
both!(no_deliberation_on_a_refused_topic);

/// A statement is published only once the convener approves it: one with a
/// person's name and phone is in no export while it waits and none after it
/// is turned down, and an approved one that looks like a spreadsheet formula
/// is exported as text.
async fn exports_publish_only_approved_statements(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = opened_with_four_seeds(&app, "楼道堆物清理问题").await;
    let phone = app.client();
    assert_eq!(
        app.page(&phone, &format!("/d/{id}")).await.0,
        StatusCode::OK
    );
    let doxxing = "3号楼502的王某某电话13912345678天天堆东西";
    let formula = "=HYPERLINK(\"http://example.com\",\"点我\")";
    for text in [doxxing, formula] {
        let r = form(
            &phone,
            app.url(&format!("/d/{id}/statements")),
            &[("text", text)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let comments = || async {
        let (s, csv) = app
            .page(&app.client(), &format!("/d/{id}/export/comments.csv"))
            .await;
        assert_eq!(s, StatusCode::OK);
        csv
    };
    let csv = comments().await;
    assert!(!csv.contains("13912345678"), "published before moderation");
    assert!(!csv.contains("HYPERLINK"), "published before moderation");

    let statements = app.store.statements(id).await.unwrap();
    let find = |t: &str| statements.iter().find(|s| s.text == t).unwrap().id;
    let convener = app.login("convener-a").await;
    for (sid, action) in [(find(doxxing), "reject"), (find(formula), "approve")] {
        let sid = sid.to_string();
        let r = form(
            &convener,
            app.url(&format!("/d/{id}/moderate")),
            &[("statement", sid.as_str()), ("action", action)],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let csv = comments().await;
    assert!(!csv.contains("13912345678"), "published after rejection");
    assert!(
        csv.contains("'=HYPERLINK("),
        "a formula is exported as text: {csv}"
    );
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"));
}
both!(exports_publish_only_approved_statements);
