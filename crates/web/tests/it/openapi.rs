//! The API contract: generated from the code, snapshot-tested, covering every API route.
use reqwest::StatusCode;
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::TestApp;

#[test]
fn document_snapshot() {
    let doc = web::api_document();
    assert_eq!(doc["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", doc);
}

/// Every JSON route of the route table is documented, and nothing else is.
#[test]
fn every_api_route_is_documented() {
    let doc = web::api_document();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        // Each move is its own operation; the route takes them all.
        let path = match path.split_once("/actions/") {
            Some((head, _)) => format!("{head}/actions/{{action}}"),
            None => path.clone(),
        };
        for method in ["get", "post"] {
            if item.get(method).is_some() && !documented.contains(&(method.into(), path.clone())) {
                documented.push((method.into(), path.clone()));
            }
        }
    }
    let mut routed: Vec<(String, String)> = web::route_table()
        .into_iter()
        .filter(|r| {
            r.path.starts_with("/api/")
                && r.path != "/api/openapi.json"
                && !r.path.starts_with("/api/docs")
        })
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
}

async fn served_and_browsable(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let (s, doc) = app.get(&c, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let (s, html) = app.page(&c, "/api/docs/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.to_lowercase().contains("swagger"), "{html}");
    let (s, _) = app.page(&c, "/api/docs/swagger-ui.css").await;
    assert_eq!(s, StatusCode::OK);
}
both!(served_and_browsable);

/// Each move the document lists is one the server knows, with the body its
/// schema states: an unknown move is not found, a field the move does not
/// read is refused and changes nothing, and a body the schema allows goes through.
async fn moves_take_the_bodies_documented(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let resident = app.client();
    let no = app.submit(&resident, "村口破损井盖修缮").await;
    let doc = web::api_document();
    let mut moves = 0;
    for path in doc["paths"].as_object().unwrap().keys() {
        if !path.contains("/actions/") {
            continue;
        }
        moves += 1;
        let url = path.replace("{no}", "9999999999").replace("{id}", "999999");
        let (_, v) = app.post(&convener, &url, serde_json::json!({})).await;
        assert_ne!(v["detail"], "操作不存在", "{path}");
    }
    assert!(moves > 30, "{moves} moves");
    let act = |name: &str, body: serde_json::Value| {
        let (c, url) = (convener.clone(), format!("/api/topics/{no}/actions/{name}"));
        let app = &app;
        async move { app.post(&c, &url, body).await }
    };
    let (s, v) = act("promote", serde_json::json!({})).await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::NOT_FOUND, Some("操作不存在"))
    );
    let (s, v) = act("accept", serde_json::json!({"reason": "顺手写的"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("reason"), "{v}");
    assert_eq!(app.topic_state(&no).await, "submitted");
    let (s, v) = act("accept", serde_json::json!({})).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{v}"
    );
    // The document's schema for the move says the same.
    let schema = &doc["paths"]["/api/topics/{no}/actions/reject"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    assert_eq!(schema["required"], serde_json::json!(["reason"]));
    assert_eq!(schema["additionalProperties"], false);
}
both!(moves_take_the_bodies_documented);
