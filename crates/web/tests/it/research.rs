//! 商前调研 through the real server: a plan, a visit with a linked member,
//! typed-in villagers and a photo, the analysis, the rule that refuses to
//! schedule incomplete research, and the 调研报告 read back by real readers
//! (pdftotext for the PDF, python-docx for the DOCX).
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::helpers::{Multipart, TestApp, beijing};
use crate::intake::picture;
use store::both_backends as both;

/// The text a real reader finds in a downloaded document.
pub(crate) fn read_back(bytes: &[u8], ext: &str) -> String {
    let dir = std::env::temp_dir().join(format!("shangliang-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("report-{}.{ext}", rand_suffix()));
    std::fs::write(&path, bytes).unwrap();
    let out = match ext {
        "pdf" => std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) reads the PDF"),
        _ => std::process::Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, docx\nd = docx.Document(sys.argv[1])\n\
                 print('\\n'.join(p.text for p in d.paragraphs))\n\
                 print('\\n'.join(c.text for t in d.tables for r in t.rows for c in r.cells))",
            )
            .arg(&path)
            .output()
            .expect("python-docx reads the DOCX"),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(&path).ok();
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn research_is_planned_recorded_analysed_and_reported(backend: Backend) {
    // Friday 4 December 2026 in Beijing.
    let clock = store::Clock::at(beijing("2026-12-04T10:00:00+08:00"));
    let app = TestApp::init(backend).with_clock(clock).start().await;
    let room = app.store.room_by_code("room-a").await.unwrap();
    let member = app.store.user_by_username("member").await.unwrap().unwrap();
    app.store.link_to_room(room.id, member.id).await.unwrap();
    let no = app.submit(&app.client(), "陈师村三组农路改造").await;
    let convener = app.login("convener-a").await;
    let act = |a: &str| format!("/api/topics/{no}/actions/{a}");
    let ok = |(s, v): (StatusCode, Value)| {
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    };
    ok(app.post(&convener, &act("accept"), json!({})).await);
    let (_, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "农路改造议事会", "starts_at": "2026-12-20T09:00" }),
        )
        .await;
    let meeting = json!({ "meeting": m["id"].to_string() });

    // The plan: at least one method, a lead.
    let (s, v) = app
        .post(
            &convener,
            &act("research_plan"),
            json!({ "questions": "路面破损范围和群众意愿", "lead": "陈主任" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("调研方式"), "{v}");
    let v = ok(app
        .post(
            &convener,
            &act("research_plan"),
            json!({ "questions": "路面破损范围和群众意愿", "places": "三组", "period": "12月上旬",
                    "lead": "陈主任", "methods": "visit,forum" }),
        )
        .await);
    assert_eq!(v["state"], "researching");

    // Planned is not researched: scheduling is refused, naming what is missing.
    let (s, v) = app.post(&convener, &act("schedule"), meeting.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.contains("调研记录") && detail.contains("可行性"),
        "{v}"
    );

    // A visit tomorrow has not happened yet; a category nobody knows is refused.
    let visit = |on: &str, who: &str| {
        json!({ "on": on, "place": "三组村道", "method": "visit", "note": "路面破损约三百米，雨天积水。",
                "participants": who, "people": member.id.0.to_string() })
    };
    let (s, v) = app
        .post(
            &convener,
            &act("research"),
            visit("2026-12-05", "王建国 行家里手"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app
        .post(
            &convener,
            &act("research"),
            visit("2026-12-03", "王建国 厨师"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("厨师"), "{v}");
    ok(app
        .post(
            &convener,
            &act("research"),
            visit("2026-12-03", "王建国 行家里手\n李梅（党员）\n张大爷"),
        )
        .await);
    // A second visit from the page, with a photo.
    let r = Multipart::new()
        .text("on", "2026-12-04")
        .text("place", "三组会议室")
        .text("method", "forum")
        .text("note", "召开群众座谈会，十二户村民同意投工投劳。")
        .text("participants", "孙七 村民代表")
        .file(
            "photos",
            "IMG_1.jpg",
            "image/jpeg",
            &picture(image::ImageFormat::Jpeg, 60),
        )
        .send(&convener, app.url(&format!("/t/{no}/act/research")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Half an analysis is not enough either.
    ok(app
        .post(
            &convener,
            &act("analysis"),
            json!({ "feasibility": "村集体同意出资。", "measures": "分两段施工。" }),
        )
        .await);
    let (s, v) = app.post(&convener, &act("schedule"), meeting.clone()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        !detail.contains("调研记录") && detail.contains("潜在问题与风险"),
        "{v}"
    );
    ok(app
        .post(
            &convener,
            &act("analysis"),
            json!({ "feasibility": "村集体同意出资。", "measures": "分两段施工。",
                    "risks": "施工期间出行不便。", "recommendation": "建议列入冬季农路改造计划。" }),
        )
        .await);

    // What the public reads: records with categories, the photo, complete.
    let (_, t) = app.get(&app.client(), &format!("/api/topics/{no}")).await;
    let r = &t["research"];
    assert_eq!(r["complete"], true, "{r}");
    assert_eq!(r["plan"]["methods"], json!(["visit", "forum"]));
    let first = &r["records"][0];
    let people: Vec<(String, String)> = first["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["category"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        people[..3],
        [
            ("王建国".into(), "expert".into()),
            ("李梅".into(), "party_member".into()),
            ("张大爷".into(), "public".into()),
        ]
    );
    assert_eq!(
        first["participants"][3]["user_id"], member.id.0,
        "the linked member"
    );
    assert_eq!(r["records"][1]["photos"].as_array().unwrap().len(), 1);
    let (_, html) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        html.contains("调研照片1") && html.contains("research/report.pdf"),
        "{html}"
    );
    ok(app.post(&convener, &act("schedule"), meeting).await);

    // The report, as a real reader sees it.
    for ext in ["pdf", "docx"] {
        let res = app
            .client()
            .get(app.url(&format!("/t/{no}/research/report.{ext}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let text = read_back(&res.bytes().await.unwrap(), ext).replace(['\n', ' '], "");
        for expected in [
            "关于陈师村三组农路改造的调研报告",
            "党（工）委、办事处：",
            "一、基本情况",
            "二、调研开展情况",
            "路面破损约三百米，雨天积水。",
            "王建国（专家/行家里手）",
            "三、分析",
            "（三）潜在问题与风险",
            "四、建议",
            "建议列入冬季农路改造计划。",
            "2026年12月4日",
        ] {
            assert!(text.contains(expected), "{ext} lacks {expected}: {text}");
        }
    }
    // No research, no report.
    let other = app.submit(&app.client(), "府前路停车秩序整治").await;
    let res = app
        .client()
        .get(app.url(&format!("/t/{other}/research/report.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
both!(research_is_planned_recorded_analysed_and_reported);
