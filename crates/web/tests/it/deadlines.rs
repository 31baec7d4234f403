//! Deadlines in working days on the official calendar: a referral by
//! deadline class lands on the right date across 中秋 and 国庆 (with the
//! 调休 Saturday after them), pages and the API read 剩余 / 超期 N 个工作日,
//! and a year whose schedule is not entered is refused rather than guessed.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

fn beijing(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

async fn deadlines_count_working_days(backend: Backend) {
    // Thursday 24 September 2026, ten in the morning in Beijing.
    let clock = store::Clock::at(beijing("2026-09-24T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .with_user(domain::Role::Convener)
        .start()
        .await;
    let convener = app.user(domain::Role::Convener);
    let no = app.submit(&app.phone().await, "村口路灯不亮").await;
    let dept = app.world.dept_a.0.to_string();
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{no}/actions/refer"),
            json!({ "department": dept, "deadline": "urgent" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, topic) = app.get(convener, &format!("/api/topics/{no}")).await;
    let task = &topic["tasks"][0];
    // Five working days: 9-28, 9-29, 9-30, then 中秋 and 国庆 off, 10-08, 10-09.
    assert_eq!(task["due_date"], "2026-10-09", "{task}");
    assert_eq!(task["deadline"], "剩余 5 个工作日");

    // Tuesday 13 October: the 调休 Saturday 10-10 counts.
    clock.set(beijing("2026-10-13T09:00:00+08:00"));
    let (_, topic) = app.get(convener, &format!("/api/topics/{no}")).await;
    assert_eq!(topic["tasks"][0]["deadline"], "超期 3 个工作日");
    assert_eq!(topic["tasks"][0]["overdue"], true);
    let (_, page) = app.page(convener, &format!("/t/{no}")).await;
    assert!(
        page.contains("超期 3 个工作日"),
        "the topic page says it too"
    );

    // Thirty working days from late December run into a year not entered.
    clock.set(beijing("2026-12-21T09:00:00+08:00"));
    let convener = &app.login("convener-a").await; // the morning's session has ended
    let other = app.submit(&app.phone().await, "府前路井盖缺失").await;
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "deadline": "complex" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("2027年"), "{v}");
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "deadline": "someday" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A date given by hand still works.
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "due": "2027-01-29" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(deadlines_count_working_days);
