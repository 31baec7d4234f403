//! The meeting day through the real server: invitations by inbox and text
//! with a signed link, answers without an account, the wanted mix, the
//! door code that changes every half minute (an old one refused), sign-in
//! as invitee, walk-in and by the convener's hand.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use store::both_backends as both;

/// Posts a plain form; returns the status and the redirect target.
pub(crate) async fn form(c: &Client, url: String, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let r = c.post(url).form(fields).send().await.unwrap();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), to)
}

/// The door code the screen shows now: its path on this server.
pub(crate) async fn door_code(app: &TestApp, convener: &Client, m: i64) -> String {
    let (s, panel) = app.page(convener, &format!("/m/{m}/door/panel")).await;
    assert_eq!(s, StatusCode::OK, "{panel}");
    assert!(panel.contains("<svg"), "the code is drawn: {panel}");
    let url = panel
        .split("data-url=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let path = url
        .split_once("/m/")
        .map(|(_, p)| format!("/m/{p}"))
        .unwrap();
    assert!(path.starts_with(&format!("/m/{m}/checkin/")), "{path}");
    path
}

async fn invitations_answers_and_sign_in_at_the_door(backend: Backend) {
    // Friday 18 December 2026, 10:00 in Beijing; the meeting is on Sunday at 09:00.
    let clock = store::Clock::at(beijing("2026-12-18T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let room = app.store.room_by_code("room-a").await.unwrap();
    let member = app.store.user_by_username("member").await.unwrap().unwrap();
    app.store.link_to_room(room.id, member.id).await.unwrap();
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "三组农路改造议事会", "starts_at": "2026-12-20T09:00" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let m = v["id"].as_i64().unwrap();

    // The convener's page offers the linked member and a box for others.
    let (_, page) = app.page(&convener, &format!("/m/{m}")).await;
    assert!(
        page.contains("邀请参会人员") && page.contains(&member.display_name),
        "{page}"
    );
    let (_, public) = app.page(&app.client(), &format!("/m/{m}")).await;
    assert!(
        !public.contains("邀请参会人员"),
        "only the convener sees the list"
    );

    // Invite: the member by ticking, two villagers by typing; a repeated number is one person.
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{m}/invitations")),
        &[
            ("people", &member.id.0.to_string()),
            (
                "named",
                "王建国 行家里手 13900000101\n李秀英 群众 13900000102\n王建国 行家里手 13900000101",
            ),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let list = app.store.invitations(domain::MeetingId(m)).await.unwrap();
    assert_eq!(list.len(), 3);
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{m}/invitations")),
        &[("named", "王五 厨师")],
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown category is refused"
    );
    // Someone else's convener cannot invite to this meeting.
    let other = app.login("convener-b").await;
    let (s, _) = form(
        &other,
        app.url(&format!("/m/{m}/invitations")),
        &[("named", "赵六")],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The villagers are texted a link; the member reads it in the inbox.
    let texts = app.texts(None).await;
    let (_, to_wang, link) = texts
        .iter()
        .find(|(phone, ..)| phone == "13900000101")
        .expect("王建国 is texted");
    assert!(to_wang.contains("三组农路改造议事会"), "{to_wang}");
    let link = link.clone().unwrap();
    assert!(link.starts_with(&format!("/m/{m}/rsvp/")), "{link}");
    let inbox = app.inbox("member").await;
    assert!(inbox.iter().any(|l| l.contains("邀请您参加")), "{inbox:?}");

    // 王建国 answers from his phone, without an account; a forged link is not found.
    let wang = app.phone().await;
    let (s, rsvp) = app.page(&wang, &link).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        rsvp.contains("王建国") && rsvp.contains("参加") && rsvp.contains("请假"),
        "{rsvp}"
    );
    let (s, back) = form(&wang, app.url(&link), &[("answer", "attending")]).await;
    assert_eq!((s, back.as_str()), (StatusCode::SEE_OTHER, link.as_str()));
    let (_, rsvp) = app.page(&wang, &link).await;
    assert!(rsvp.contains("您已答复：<strong>参加</strong>"), "{rsvp}");
    let forged = format!("{}0", link.trim_end_matches(char::is_alphanumeric));
    let (s, _) = app.page(&app.client(), &forged).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let li_link = texts
        .iter()
        .find(|(phone, ..)| phone == "13900000102")
        .and_then(|(.., link)| link.clone())
        .unwrap();
    form(&app.client(), app.url(&li_link), &[("answer", "excused")]).await;

    // The wanted mix: at least one 政协委员, at least a third 群众.
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{m}/mix")),
        &[("min_cppcc_member", "1"), ("share_public", "34")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{m}/mix")),
        &[("share_public", "120")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = app.page(&convener, &format!("/m/{m}")).await;
    assert!(
        page.contains("不少于34%") && page.contains("至少1人"),
        "{page}"
    );

    // Two days early the door is shut.
    let (s, body) = app.page(&convener, &format!("/m/{m}/door")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("签到时间"), "{body}");

    // Sunday 08:40: the door is open; 王建国 scans the screen with the phone that opened his link.
    clock.set(beijing("2026-12-20T08:40:00+08:00"));
    let convener = app.login("convener-a").await;
    let (s, _) = app.page(&convener, &format!("/m/{m}/door")).await;
    assert_eq!(s, StatusCode::OK);
    let code = door_code(&app, &convener, m).await;
    let r = wang.get(app.url(&code)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&wang, &format!("/m/{m}/checkin")).await;
    assert!(page.contains("我是王建国，签到"), "{page}");
    let (s, _) = form(
        &wang,
        app.url(&format!("/m/{m}/checkin")),
        &[("invited", "1")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&wang, &format!("/m/{m}/checkin")).await;
    assert!(page.contains("签到成功：王建国"), "{page}");

    // A photo of that code sent home stops working a minute later.
    clock.set(beijing("2026-12-20T08:41:05+08:00"));
    let home = app.phone().await;
    let (s, body) = app.page(&home, &code).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(body.contains("签到码已失效"), "{body}");
    let (s, _) = form(
        &home,
        app.url(&format!("/m/{m}/checkin")),
        &[("name", "冒名"), ("category", "public")],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "no sign-in without a fresh scan");
    let (_, page) = app.page(&home, &format!("/m/{m}/checkin")).await;
    assert!(page.contains("请用手机扫描会场大屏"), "{page}");

    // A walk-in scans the new code and registers; 李秀英 gives her number and is matched to her invitation.
    let code = door_code(&app, &convener, m).await;
    let walk_in = app.phone().await;
    walk_in.get(app.url(&code)).send().await.unwrap();
    let (s, _) = form(
        &walk_in,
        app.url(&format!("/m/{m}/checkin")),
        &[
            ("name", "孙七"),
            ("category", "resident_rep"),
            ("phone", ""),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let li = app.phone().await;
    li.get(app.url(&code)).send().await.unwrap();
    form(
        &li,
        app.url(&format!("/m/{m}/checkin")),
        &[
            ("name", "李秀英"),
            ("category", "public"),
            ("phone", "13900000102"),
        ],
    )
    .await;
    // Someone invited by number who signs in with that number (a phone code)
    // is known at the door without the link.
    let resident = app
        .store
        .user_by_username("resident")
        .await
        .unwrap()
        .unwrap();
    let number = resident.phone.clone().unwrap();
    let line = format!("张三 群众 {}", number.as_str());
    form(
        &convener,
        app.url(&format!("/m/{m}/invitations")),
        &[("named", line.as_str())],
    )
    .await;
    let zhang = app.login("resident").await;
    zhang.get(app.url(&code)).send().await.unwrap();
    let (_, page) = app.page(&zhang, &format!("/m/{m}/checkin")).await;
    assert!(page.contains("我是张三，签到"), "{page}");
    form(
        &zhang,
        app.url(&format!("/m/{m}/checkin")),
        &[("invited", "1")],
    )
    .await;
    // The convener signs the member in by hand.
    let list = app.store.invitations(domain::MeetingId(m)).await.unwrap();
    let member_inv = list.iter().find(|i| i.user == Some(member.id)).unwrap().id;
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{m}/invitations/{member_inv}/present")),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    let list = app.store.invitations(domain::MeetingId(m)).await.unwrap();
    assert_eq!(list.len(), 5, "four invited and one walk-in");
    let how: Vec<(String, Option<domain::CheckIn>)> =
        list.iter().map(|i| (i.name.clone(), i.check_in)).collect();
    assert!(
        how.contains(&("王建国".into(), Some(domain::CheckIn::Link))),
        "{how:?}"
    );
    assert!(
        how.contains(&("李秀英".into(), Some(domain::CheckIn::WalkIn))),
        "{how:?}"
    );
    assert!(
        how.contains(&("孙七".into(), Some(domain::CheckIn::WalkIn))),
        "{how:?}"
    );
    assert!(
        how.contains(&(member.display_name.clone(), Some(domain::CheckIn::ByHand))),
        "{how:?}"
    );
    // Live on the door screen: everyone present, the mix against its rule.
    let (_, panel) = app.page(&convener, &format!("/m/{m}/door/panel")).await;
    assert!(panel.contains("已签到 <strong>5</strong> 人"), "{panel}");

    // After the meeting no one signs in or answers any more.
    for action in ["start", "close"] {
        app.post(
            &convener,
            &format!("/api/meetings/{m}/actions/{action}"),
            json!({}),
        )
        .await;
    }
    let (s, _) = app.page(&convener, &format!("/m/{m}/door")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = form(&wang, app.url(&link), &[("answer", "excused")]).await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both!(invitations_answers_and_sign_in_at_the_door);
