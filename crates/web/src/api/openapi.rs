//! The OpenAPI 3.1 document, generated from the handlers' annotations and the
//! JSON types, and Swagger UI to read it (served from the binary, offline).
use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::json::*;
use crate::forms::ActionInput;
use crate::stages::evaluation::LikeInput;
use crate::stages::intake::SubmitInput;
use crate::stages::meeting::MeetingInput;

#[derive(OpenApi)]
#[openapi(
    info(title = "商量 Shangliang API", description = "基层协商议事平台的公开接口：议事室、议题、会议、任务。Errors are RFC 9457 problem documents with a Chinese `detail`."),
    paths(
        super::rooms, super::room, super::topics, super::topic, super::task, super::meeting, super::desk,
        super::session::login, super::session::logout, super::session::me, super::session::request_code, super::session::verify_code,
        crate::stages::intake::submit_api, crate::stages::topic::topic_action_api, crate::stages::evaluation::rate_api, crate::stages::evaluation::like_api,
        crate::stages::intake::support_api, crate::similar::draft_api,
        crate::stages::task::task_action_api, crate::stages::meeting::plan_meeting_api, crate::stages::meeting::meeting_action_api,
        crate::stages::review::create_api, crate::stages::review::session_api,
        crate::stages::order::issue_api, crate::stages::order::answer_api,
        crate::pages::mine::mine_api, crate::pages::mine::reveal_api,
        crate::pages::deadlines::classes_api, crate::pages::deadlines::set_api,
        crate::open311::hotline::take_order, super::figures::figures,
        super::open_data::topics, super::open_data::meetings, super::open_data::opinions,
        super::open_data::tasks, super::open_data::dictionary::dictionary_json, crate::pages::search::api,
    ),
    components(schemas(Problem, SubmitInput, ActionInput, MeetingInput, LikeInput, super::open_data::DataFormat)),
    modifiers(&Common),
    tags((name = "rooms", description = "议事室"), (name = "topics", description = "议题"), (name = "tasks", description = "工单"),
         (name = "meetings", description = "协商议事会"), (name = "session", description = "登录"),
         (name = "interop", description = "系统对接（12345热线）"), (name = "figures", description = "工作指标"),
         (name = "open-data", description = "开放数据"),
         (name = "search", description = "搜索"))
)]
pub struct ApiDoc;

/// Adds the session cookie scheme and, to every operation, the problem
/// responses any request can meet (bad input, sign-in, forbidden, state, limits).
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sl_session"))),
        );
        components.add_security_scheme(
            "hotline_key",
            SecurityScheme::Http(utoipa::openapi::security::Http::new(
                utoipa::openapi::security::HttpAuthScheme::Bearer,
            )),
        );
        let errors = [
            (400, "请求格式不正确"),
            (401, "需要登录"),
            (403, "无权进行此操作"),
            (404, "不存在"),
            (409, "当前状态不允许此操作"),
            (413, "内容太大"),
            (415, "格式不支持"),
            (422, "内容不符合要求"),
            (429, "操作太频繁"),
            (503, "系统繁忙"),
        ];
        for item in doc.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post].into_iter().flatten() {
                for (code, text) in errors {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(text)
                                    .content(
                                        "application/problem+json",
                                        ContentBuilder::new()
                                            .schema(Some(RefOr::Ref(
                                                utoipa::openapi::Ref::from_schema_name("Problem"),
                                            )))
                                            .build(),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// The document as served: the generated one refined with each move as its
/// own operation, the domain's limits in the bodies and the chain's links.
pub fn document() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document is JSON");
        super::refine::refine(&mut doc);
        doc
    })
}

pub async fn openapi_json() -> Json<&'static serde_json::Value> {
    Json(document())
}

fn swagger_config() -> Arc<utoipa_swagger_ui::Config<'static>> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(utoipa_swagger_ui::Config::from("/api/openapi.json")))
        .clone()
}

/// Swagger UI loads its files relative to the page, so the page lives at `/api/docs/`.
pub async fn docs_redirect() -> axum::response::Redirect {
    axum::response::Redirect::permanent("/api/docs/")
}

pub async fn docs_index() -> Response {
    docs_file(Path(String::new())).await
}

/// Swagger UI's files, embedded at build time.
pub async fn docs_file(Path(rest): Path<String>) -> Response {
    let rest = if rest.is_empty() {
        "index.html".to_owned()
    } else {
        rest
    };
    match utoipa_swagger_ui::serve(&rest, swagger_config()) {
        Ok(Some(file)) => (
            [(header::CONTENT_TYPE, file.content_type)],
            file.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => crate::error::problem(StatusCode::NOT_FOUND, "文件不存在".into(), None),
        Err(e) => {
            crate::error::AppError::Internal(anyhow::anyhow!("swagger ui: {e}")).into_response()
        }
    }
}
