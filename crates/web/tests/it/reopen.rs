//! A 不满意 rating leads somewhere: the reopened topic goes to the region's
//! leaders with the resident's words, who either give new tasks or keep
//! the result and say why, in public.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

async fn a_reopened_topic_goes_back_to_the_leader(backend: Backend) {
    let app = TestApp::start(backend).await;
    let resident = app.phone().await;
    let no = app.submit(&resident, "村口路灯不亮").await;
    app.resolve_by_referral(&no).await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &resident,
            &format!("/api/topics/{no}/rating"),
            json!({ "satisfaction": "unsatisfied", "comment": "换了灯泡第二天又不亮了，是线路问题" }),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("reopened")),
        "{v}"
    );

    // On the leader's desk and in their inbox, with the resident's words.
    let leader = app.login("leader-a").await;
    let (_, inbox) = app.page(&leader, "/inbox").await;
    assert!(
        inbox.contains("的办理结果不满意：换了灯泡第二天又不亮了"),
        "{inbox}"
    );
    let (_, desk) = app.get(&leader, "/api/desk").await;
    let to_review: Vec<&str> = desk["to_review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tracking_no"].as_str().unwrap())
        .collect();
    assert!(to_review.contains(&no.as_str()), "{desk}");
    let (_, page) = app.page(&leader, &format!("/t/{no}")).await;
    assert!(
        page.contains("群众评价：不满意。换了灯泡第二天又不亮了"),
        "the resident's words"
    );
    assert!(
        page.contains("维持办理结果") && page.contains("交办任务"),
        "both ways on"
    );

    // Only a leader may keep the result, and only with a reason.
    let (s, _) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/uphold"),
            json!({ "reason": "已处理" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            &leader,
            &format!("/api/topics/{no}/actions/uphold"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "线路改造已列入明年农路改造计划，届时一并解决";
    let (s, v) = app
        .post(
            &leader,
            &format!("/api/topics/{no}/actions/uphold"),
            json!({ "reason": reason }),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("evaluated")),
        "{v}"
    );
    let (_, public) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        public.contains("维持办理结果") && public.contains(reason),
        "said in public"
    );
    let (_, desk) = app.get(&leader, "/api/desk").await;
    assert!(!desk.to_string().contains(&no), "off the desk once decided");
}
both!(a_reopened_topic_goes_back_to_the_leader);
