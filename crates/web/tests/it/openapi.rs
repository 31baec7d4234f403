//! The API contract: generated from the code, snapshot-tested, covering every API route.
use reqwest::StatusCode;
use store::both_backends as both;
use store::testing::Backend;
use utoipa::OpenApi;

use crate::helpers::TestApp;

#[test]
fn document_snapshot() {
    let doc = serde_json::to_value(web::ApiDoc::openapi()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", doc);
}

/// Every JSON route of the route table is documented, and nothing else is.
#[test]
fn every_api_route_is_documented() {
    let doc = web::ApiDoc::openapi();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        if item.get.is_some() {
            documented.push(("get".into(), path.clone()));
        }
        if item.post.is_some() {
            documented.push(("post".into(), path.clone()));
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
