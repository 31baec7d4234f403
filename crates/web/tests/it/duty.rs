//! 委员履职档案 through the real server: a member's record fills itself from
//! what they did — a topic recommended, research joined, a meeting attended
//! and spoken at — and the subdistrict's figure counts the meeting a county
//! CPPCC member attended; the yearly duty sheet is read back from XLSX
//! (openpyxl) and PDF (pdftotext).
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use crate::meeting_day::{door_code, form};
use store::both_backends as both;

async fn a_members_record_fills_itself(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-12-20T08:40:00+08:00"));
    let app = TestApp::init(backend).with_clock(clock).start().await;
    let room = app.store.room_by_code("room-a").await.unwrap();
    // A county CPPCC member linked to room A.
    let county = app.store.region_path(app.world.county).await.unwrap();
    let phone = domain::PhoneNumber::parse("13900009001").unwrap();
    let hui = app
        .store
        .create_user(store::NewUser {
            username: None,
            phone: Some(&phone),
            display_name: "惠建英",
            title: "县政协委员",
            categories: &[domain::ParticipantCategory::CppccMember],
            password_hash: None,
        })
        .await
        .unwrap();
    let grant =
        domain::Grant::new(domain::Role::CommitteeMember, domain::Scope::Region(county)).unwrap();
    app.store.grant(hui, &grant).await.unwrap();
    app.store.link_to_room(room.id, hui).await.unwrap();
    let member = app.store.user_by_username("member").await.unwrap().unwrap();

    // The member recommends a topic (委员荐题) and joins its research.
    let m = app.login("member").await;
    let r = m
        .post(app.url("/desk/propose"))
        .form(&[
            ("room", "room-a"),
            ("channel", "committee"),
            ("reason", "群众反映多次。"),
            ("title", "建议在陈师村建设老年助餐点"),
            ("body", "村里独居老人多，吃饭不方便。"),
            ("category", "民生服务"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let no = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/t/")
        .to_owned();
    let convener = app.login("convener-a").await;
    app.post(
        &convener,
        &format!("/api/topics/{no}/actions/accept"),
        json!({}),
    )
    .await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/research"),
            json!({ "on": "2026-12-19", "place": "陈师村村部", "method": "visit",
                    "note": "走访独居老人二十户。", "people": member.id.0.to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // A meeting at 09:00: both invited; 惠建英 signs in with her number and asks to speak.
    let (_, v) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "助餐点议事会", "starts_at": "2026-12-20T09:00" }),
        )
        .await;
    let mid = v["id"].as_i64().unwrap();
    let people = format!("{},{}", hui.0, member.id.0);
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{mid}/invitations")),
        &[("people", &people)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let her = app.phone().await;
    let code = door_code(&app, &convener, mid).await;
    her.get(app.url(&code)).send().await.unwrap();
    form(
        &her,
        app.url(&format!("/m/{mid}/checkin")),
        &[
            ("name", "惠建英"),
            ("category", "cppcc_member"),
            ("phone", "13900009001"),
        ],
    )
    .await;
    // The recommended topic, fully researched, is on the agenda and gets its opinion.
    app.research(&convener, &no).await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/schedule"),
            json!({ "meeting": mid.to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.post(
        &convener,
        &format!("/api/meetings/{mid}/actions/start"),
        json!({}),
    )
    .await;
    let (s, _) = form(&her, app.url(&format!("/m/{mid}/live/ask")), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/opinion"),
            json!({ "text": "同意利用闲置村部建设助餐点。" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.post(
        &convener,
        &format!("/api/meetings/{mid}/actions/close"),
        json!({}),
    )
    .await;

    // The list and its figure: one meeting held, one with a county CPPCC member.
    let (s, page) = app.page(&app.client(), "/members").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("2026年共开展协商议事活动1场，其中县政协委员参加议事活动1场"),
        "{page}"
    );
    assert!(page.contains("惠建英"), "{page}");

    let (_, hers) = app
        .page(&app.client(), &format!("/members/{}", hui.0))
        .await;
    assert!(
        hers.contains("受邀参加协商议事会1场，出席1场，发言1次，参与形成协商意见1条"),
        "{hers}"
    );
    let (_, his) = app
        .page(&app.client(), &format!("/members/{}", member.id.0))
        .await;
    assert!(
        his.contains("出席0场") && his.contains("委员荐题1件") && his.contains("参加商前调研1次"),
        "{his}"
    );
    assert!(his.contains("建议在陈师村建设老年助餐点"), "{his}");
    // Last year's record is empty; someone who is not a member has none.
    let (_, old) = app
        .page(
            &app.client(),
            &format!("/members/{}?year=2025", member.id.0),
        )
        .await;
    assert!(old.contains("受邀参加协商议事会0场"), "{old}");
    let resident = app
        .store
        .user_by_username("resident")
        .await
        .unwrap()
        .unwrap();
    let (s, _) = app
        .page(&app.client(), &format!("/members/{}", resident.id.0))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The duty sheet: XLSX with real dates, and PDF.
    let res = app
        .client()
        .get(app.url(&format!("/members/{}/duty.xlsx", member.id.0)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let path = std::env::temp_dir().join(format!(
        "duty-{}-{}.xlsx",
        std::process::id(),
        crate::research::rand_suffix()
    ));
    std::fs::write(&path, res.bytes().await.unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1]).active\n\
             print(ws.freeze_panes, ws.auto_filter.ref)\n\
             for row in ws.iter_rows(values_only=True): print('|'.join(str(c) for c in row))\n\
             print(type(ws['A2'].value).__name__)",
        )
        .arg(&path)
        .output()
        .expect("openpyxl reads the XLSX");
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sheet = String::from_utf8(out.stdout).unwrap();
    assert!(sheet.starts_with("A2 A1:D4"), "{sheet}");
    for text in [
        "日期|履职事项|内容|情况",
        "|委员荐题|建议在陈师村建设老年助餐点|已协商",
        "2026-12-19 00:00:00|参加商前调研|建议在陈师村建设老年助餐点|已协商",
        "|受邀协商议事会|助餐点议事会（陈师村议事室）|未出席（待答复）",
        "datetime",
    ] {
        assert!(sheet.contains(text), "{text}: {sheet}");
    }
    let res = app
        .client()
        .get(app.url(&format!("/members/{}/duty.pdf", hui.0)))
        .send()
        .await
        .unwrap();
    let text =
        crate::research::read_back(&res.bytes().await.unwrap(), "pdf").replace(['\n', ' '], "");
    for e in [
        "惠建英2026年度履职档案",
        "受邀参加协商议事会1场，出席1场，发言1次，参与形成协商意见1条",
        "出席，发言1次",
    ] {
        assert!(text.contains(e), "{e}: {text}");
    }
}
both!(a_members_record_fills_itself);
