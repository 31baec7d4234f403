//! The one route table: every path, its method, its handler and who may call it.
//!
//! The policy column is enforced here, before the handler runs; the finer
//! rule (convener of *this* room, staff of *this* department, leader *above*
//! this village) is the domain state machine's, asked by the handler.
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use domain::Role;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::auth::Viewer;
use crate::error::{AppError, problem};
use crate::{AppState, api, assets, open311, ops, pages, photos, share, similar, stages};

/// Who may call a route at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Reading public pages and data.
    Public,
    /// Writes open to anonymous residents (submit, like, rate as submitter, sign in).
    Anyone,
    /// Any signed-in person.
    SignedIn,
    /// A signed-in person holding one of these roles somewhere; scope is checked by the domain.
    AnyOf(&'static [Role]),
    /// The operator's scraper, bearing the configured token (checked by the handler).
    Operator,
}

#[derive(Clone, Debug)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub policy: Policy,
}

const CONVENER: &[Role] = &[Role::Convener];
const LEADER: &[Role] = &[Role::Leader];
const ADMIN: &[Role] = &[Role::Administrator];
const DEPARTMENT: &[Role] = &[Role::DepartmentStaff, Role::DepartmentHead];
/// Who moves topics: conveners and leaders, and committee members for 跟踪问效.
const OFFICIAL: &[Role] = &[Role::Convener, Role::Leader, Role::CommitteeMember];
/// Everyone who works in the chain (every role but a resident's): the 工作台账.
const STAFF: &[Role] = &[
    Role::CommitteeMember,
    Role::Convener,
    Role::DepartmentStaff,
    Role::DepartmentHead,
    Role::Leader,
    Role::Administrator,
];
const TASK_ACTORS: &[Role] = &[
    Role::DepartmentStaff,
    Role::DepartmentHead,
    Role::Leader,
    Role::Convener,
];
const PROPOSERS: &[Role] = &[Role::CommitteeMember, Role::Leader];

macro_rules! table {
    ($( $method:ident $path:literal $policy:expr => $handler:path; )*) => {
        /// Every route with its policy, for the router and for the authorization tests.
        pub fn route_table() -> Vec<RouteInfo> {
            vec![$( RouteInfo { method: stringify!($method), path: $path, policy: $policy } ),*]
        }

        fn routes(body_limit: usize) -> Router<AppState> {
            let mut r = Router::new();
            $( r = r.route($path, guarded($method($handler), $policy, $path, body_limit)); )*
            r
        }
    };
}

table! {
    get  "/"                               Policy::Public   => pages::public::home;
    get  "/r/{code}"                       Policy::Public   => pages::public::room;
    get  "/r/{code}/similar"               Policy::Public   => similar::draft_page;
    get  "/r/{code}/qr.svg"                Policy::Public   => share::room_qr;
    get  "/r/{code}/poster.svg"            Policy::Public   => share::poster_svg;
    get  "/r/{code}/poster.png"            Policy::Public   => share::poster_png;
    get  "/r/{code}/poster.pdf"            Policy::Public   => share::poster_pdf;
    post "/r/{code}/topics"                Policy::Anyone   => stages::intake::submit_page;
    post "/r/{code}/meetings"              Policy::AnyOf(CONVENER) => stages::meeting::plan_meeting_page;
    get  "/t/{no}"                         Policy::Public   => pages::topic::topic;
    get  "/t/{no}/qr.svg"                  Policy::Public   => share::topic_qr;
    get  "/t/{no}/research/report.docx"    Policy::Public   => pages::research::research_report_docx;
    get  "/t/{no}/research/report.pdf"     Policy::Public   => pages::research::research_report_pdf;
    post "/t/{no}/support"                 Policy::Anyone   => stages::intake::support_page;
    post "/t/{no}/follow"                  Policy::SignedIn => stages::intake::follow_page;
    get  "/open311/v2/{file}"              Policy::Public   => open311::resource;
    post "/open311/v2/{file}"              Policy::Anyone   => open311::post_request;
    get  "/open311/v2/services/{file}"     Policy::Public   => open311::service_definition;
    get  "/open311/v2/requests/{file}"     Policy::Public   => open311::one_request;
    get  "/open311/v2/tokens/{file}"       Policy::Public   => open311::token;
    post "/api/hotline/orders"             Policy::Anyone   => open311::hotline::take_order;
    get  "/media/{*key}"                   Policy::Public   => photos::photo;
    get  "/inbox"                          Policy::Public   => pages::inbox::inbox;
    get  "/mine"                           Policy::SignedIn => pages::mine::mine;
    post "/t/{no}/phone"                   Policy::AnyOf(CONVENER) => pages::mine::reveal_page;
    post "/care"                           Policy::Anyone   => pages::inbox::care;
    get  "/lookup"                         Policy::Public   => pages::public::lookup;
    post "/t/{no}/act/{action}"            Policy::AnyOf(OFFICIAL) => stages::topic::topic_action_page;
    post "/t/{no}/rate"                    Policy::Anyone   => stages::evaluation::rate_page;
    post "/t/{no}/like"                    Policy::Anyone   => stages::evaluation::like_page;
    post "/tasks/{id}/act/{action}"        Policy::AnyOf(TASK_ACTORS) => stages::task::task_action_page;
    post "/tasks/sign"                     Policy::AnyOf(DEPARTMENT) => stages::task::sign_many_page;
    post "/tasks/{id}/orders"              Policy::AnyOf(LEADER) => stages::order::issue_page;
    post "/orders/{id}/answer"             Policy::AnyOf(DEPARTMENT) => stages::order::answer_page;
    post "/t/{no}/deliberation"            Policy::AnyOf(CONVENER) => stages::deliberation::open_deliberation_page;
    post "/t/{no}/deliberation/import"     Policy::AnyOf(CONVENER) => stages::deliberation_io::import_page;
    get  "/d/{id}"                         Policy::Public   => pages::deliberation::vote_page;
    post "/d/{id}/vote"                    Policy::Anyone   => stages::deliberation::vote_page;
    post "/d/{id}/statements"              Policy::Anyone   => stages::deliberation::add_statement_page;
    get  "/d/{id}/results"                 Policy::Public   => pages::deliberation::results;
    get  "/d/{id}/moderate"                Policy::AnyOf(CONVENER) => pages::deliberation::moderate;
    post "/d/{id}/moderate"                Policy::AnyOf(CONVENER) => stages::deliberation::moderate_page;
    post "/d/{id}/attach"                  Policy::AnyOf(CONVENER) => stages::deliberation::attach_deliberation_page;
    post "/d/{id}/close"                   Policy::AnyOf(CONVENER) => stages::deliberation_io::close_page;
    post "/d/{id}/participation"           Policy::AnyOf(CONVENER) => stages::deliberation_io::participation_page;
    post "/t/{no}/photos/publish"          Policy::AnyOf(CONVENER) => photos::publish;
    post "/d/{id}/discount"                Policy::AnyOf(CONVENER) => stages::deliberation_io::discount_page;
    get  "/d/{id}/export/{file}"           Policy::Public   => stages::deliberation_io::export_file;
    get  "/m/{id}"                         Policy::Public   => pages::meeting::meeting;
    get  "/m/{id}/qr.svg"                  Policy::Public   => share::meeting_qr;
    post "/m/{id}/act/{action}"            Policy::AnyOf(CONVENER) => stages::meeting::meeting_action_page;
    post "/m/{id}/invitations"             Policy::AnyOf(CONVENER) => stages::meeting_day::invite_page;
    post "/m/{id}/invitations/{inv}/present" Policy::AnyOf(CONVENER) => stages::meeting_day::present_page;
    post "/m/{id}/mix"                     Policy::AnyOf(CONVENER) => stages::meeting_day::mix_page;
    get  "/m/{id}/rsvp/{token}"            Policy::Public   => pages::meeting_day::rsvp;
    post "/m/{id}/rsvp/{token}"            Policy::Anyone   => stages::meeting_day::rsvp_answer;
    get  "/m/{id}/door"                    Policy::AnyOf(CONVENER) => pages::meeting_day::door_page;
    get  "/m/{id}/door/panel"              Policy::AnyOf(CONVENER) => pages::meeting_day::door_panel_fragment;
    get  "/m/{id}/checkin/{code}"          Policy::Public   => stages::meeting_day::scan;
    get  "/m/{id}/checkin"                 Policy::Public   => pages::meeting_day::checkin_page;
    post "/m/{id}/checkin"                 Policy::Anyone   => stages::meeting_day::check_in;
    get  "/m/{id}/minutes"                 Policy::Public   => pages::minutes::minutes_page;
    get  "/m/{id}/minutes.docx"            Policy::Public   => pages::minutes::minutes_docx;
    get  "/m/{id}/minutes.pdf"             Policy::Public   => pages::minutes::minutes_pdf;
    post "/m/{id}/minutes"                 Policy::AnyOf(CONVENER) => stages::minutes::save_page;
    post "/m/{id}/minutes/publish"         Policy::AnyOf(CONVENER) => stages::minutes::publish_page;
    get  "/m/{id}/live"                    Policy::Public   => pages::live::live_page;
    get  "/m/{id}/live/panel"              Policy::Public   => pages::live::live_panel;
    post "/m/{id}/live/current"            Policy::AnyOf(CONVENER) => stages::live::current_page;
    post "/m/{id}/live/speakers"           Policy::AnyOf(CONVENER) => stages::live::speaker_page;
    post "/m/{id}/live/next"               Policy::AnyOf(CONVENER) => stages::live::next_page;
    post "/m/{id}/live/votes"              Policy::AnyOf(CONVENER) => stages::live::open_vote_page;
    post "/m/{id}/live/votes/{vote}/close" Policy::AnyOf(CONVENER) => stages::live::close_vote_page;
    post "/m/{id}/live/ask"                Policy::Anyone   => stages::live::ask_page;
    post "/m/{id}/live/votes/{vote}/ballot" Policy::Anyone  => stages::live::ballot_page;
    post "/reviews"                        Policy::AnyOf(LEADER) => stages::review::create_page;
    get  "/reviews/{id}"                   Policy::Public   => stages::review::session_page;
    get  "/admin"                          Policy::AnyOf(ADMIN) => pages::admin::regions::console;
    post "/admin/regions"                  Policy::AnyOf(ADMIN) => pages::admin::regions::add_region;
    get  "/admin/regions/{id}"             Policy::AnyOf(ADMIN) => pages::admin::regions::region_page;
    post "/admin/regions/{id}/rename"      Policy::AnyOf(ADMIN) => pages::admin::regions::rename_region;
    post "/admin/regions/{id}/move"        Policy::AnyOf(ADMIN) => pages::admin::regions::move_region;
    post "/admin/regions/{id}/retire"      Policy::AnyOf(ADMIN) => pages::admin::regions::retire_region;
    post "/admin/rooms"                    Policy::AnyOf(ADMIN) => pages::admin::regions::add_room;
    get  "/admin/rooms/{id}"               Policy::AnyOf(ADMIN) => pages::admin::regions::room_page;
    post "/admin/rooms/{id}"               Policy::AnyOf(ADMIN) => pages::admin::regions::edit_room;
    post "/admin/rooms/{id}/retire"        Policy::AnyOf(ADMIN) => pages::admin::regions::retire_room;
    post "/admin/rooms/{id}/conveners"     Policy::AnyOf(ADMIN) => pages::admin::regions::add_convener;
    post "/admin/departments"              Policy::AnyOf(ADMIN) => pages::admin::regions::add_department;
    post "/admin/departments/{id}"         Policy::AnyOf(ADMIN) => pages::admin::regions::edit_department;
    get  "/admin/people"                   Policy::AnyOf(ADMIN) => pages::admin::people::people;
    post "/admin/people"                   Policy::AnyOf(ADMIN) => pages::admin::people::add_person;
    get  "/admin/people/{id}"              Policy::AnyOf(ADMIN) => pages::admin::people::person_page;
    post "/admin/people/{id}"              Policy::AnyOf(ADMIN) => pages::admin::people::edit_person;
    post "/admin/people/{id}/disable"      Policy::AnyOf(ADMIN) => pages::admin::people::disable_person;
    post "/admin/people/{id}/reset"        Policy::AnyOf(ADMIN) => pages::admin::people::reset_password;
    post "/admin/people/{id}/grants"       Policy::AnyOf(ADMIN) => pages::admin::people::grant;
    post "/admin/people/{id}/revoke"       Policy::AnyOf(ADMIN) => pages::admin::people::revoke;
    post "/admin/people/{id}/second-factor" Policy::AnyOf(ADMIN) => pages::admin::people::reset_second_factor;
    get  "/admin/audit"                    Policy::AnyOf(ADMIN) => pages::admin::audit::audit;
    get  "/admin/calendar"                 Policy::AnyOf(ADMIN) => pages::admin::calendar::calendar;
    post "/admin/calendar"                 Policy::AnyOf(ADMIN) => pages::admin::calendar::enter_year;
    get  "/admin/export.xlsx"              Policy::AnyOf(ADMIN) => pages::admin::files::export;
    get  "/admin/import"                   Policy::AnyOf(ADMIN) => pages::admin::files::import_form;
    post "/admin/import"                   Policy::AnyOf(ADMIN) => pages::admin::files::import;
    get  "/account/password"               Policy::SignedIn => pages::account::password_form;
    post "/account/password"               Policy::SignedIn => pages::account::change_password;
    get  "/account/notices"                Policy::SignedIn => pages::notice_channel::notices_form;
    post "/account/notices"                Policy::SignedIn => pages::notice_channel::set_notices;
    get  "/account/sessions"               Policy::SignedIn => pages::account::sessions;
    post "/account/sessions/others"        Policy::SignedIn => pages::account::end_others;
    get  "/account/second-factor"          Policy::SignedIn => pages::second_factor::factor_form;
    post "/account/second-factor/start"    Policy::SignedIn => pages::second_factor::start;
    post "/account/second-factor/confirm"  Policy::SignedIn => pages::second_factor::confirm;
    post "/account/second-factor/recovery" Policy::SignedIn => pages::second_factor::renew;
    post "/account/second-factor/off"      Policy::SignedIn => pages::second_factor::turn_off;
    get  "/admin/api-keys"                 Policy::AnyOf(ADMIN) => pages::admin::api_keys::api_keys;
    post "/admin/api-keys"                 Policy::AnyOf(ADMIN) => pages::admin::api_keys::issue;
    post "/admin/api-keys/{id}/retire"     Policy::AnyOf(ADMIN) => pages::admin::api_keys::retire;
    get  "/admin/webhooks"                 Policy::AnyOf(ADMIN) => pages::admin::webhooks::webhooks;
    post "/admin/webhooks"                 Policy::AnyOf(ADMIN) => pages::admin::webhooks::add_webhook;
    get  "/admin/webhooks/{id}"            Policy::AnyOf(ADMIN) => pages::admin::webhooks::webhook_page;
    post "/admin/webhooks/{id}/resume"     Policy::AnyOf(ADMIN) => pages::admin::webhooks::resume_webhook;
    post "/admin/webhooks/{id}/retire"     Policy::AnyOf(ADMIN) => pages::admin::webhooks::retire_webhook;
    get  "/admin/deadlines"                Policy::AnyOf(ADMIN) => pages::deadlines::deadlines_page;
    post "/admin/deadlines"                Policy::AnyOf(ADMIN) => pages::deadlines::set_page;
    post "/admin/approval"                 Policy::AnyOf(ADMIN) => pages::deadlines::approval_page;
    post "/admin/regions/{id}/second-factor" Policy::AnyOf(ADMIN) => pages::admin::regions::second_factor_rule;
    post "/admin/regions/{id}/categories"  Policy::AnyOf(ADMIN) => pages::admin::regions::set_categories;
    get  "/desk"                           Policy::SignedIn => pages::desk::desk;
    get  "/members"                        Policy::Public   => pages::duty::members;
    get  "/search"                         Policy::Public   => pages::search::page;
    get  "/open"                           Policy::Public   => pages::portal::top;
    get  "/open/{id}"                      Policy::Public   => pages::portal::portal;
    get  "/figures"                        Policy::Public   => pages::figures::top;
    get  "/figures/{id}"                   Policy::Public   => pages::figures::region;
    get  "/figures/{id}/screen"            Policy::Public   => pages::screen::screen;
    get  "/figures/{id}/screen.json"       Policy::Public   => pages::screen::screen_data;
    get  "/figures/{id}/report.docx"       Policy::Public   => pages::report::docx;
    get  "/figures/{id}/report.pdf"        Policy::Public   => pages::report::pdf;
    get  "/figures/{id}/ledger.xlsx"       Policy::AnyOf(STAFF) => pages::ledger::xlsx;
    get  "/exports/{id}"                   Policy::AnyOf(STAFF) => pages::export::export;
    get  "/exports/{id}/ledger.xlsx"       Policy::AnyOf(STAFF) => pages::export::file;
    get  "/figures/{id}/{kpi}"             Policy::Public   => pages::figures::behind;
    get  "/campaigns"                      Policy::Public   => pages::campaign::campaigns;
    post "/campaigns"                      Policy::AnyOf(LEADER) => pages::campaign::create_page;
    get  "/campaigns/{id}"                 Policy::Public   => pages::campaign::campaign;
    post "/t/{no}/campaign"                Policy::AnyOf(CONVENER) => pages::campaign::join_topic_page;
    post "/m/{id}/campaign"                Policy::AnyOf(CONVENER) => pages::campaign::join_meeting_page;
    get  "/members/{id}"                   Policy::Public   => pages::duty::member;
    get  "/members/{id}/duty.xlsx"         Policy::Public   => pages::duty::duty_xlsx;
    get  "/members/{id}/duty.pdf"          Policy::Public   => pages::duty::duty_pdf;
    get  "/supervision"                    Policy::AnyOf(LEADER) => pages::supervision::supervision;
    get  "/desk/triage"                    Policy::AnyOf(CONVENER) => pages::triage::triage;
    post "/desk/propose"                   Policy::AnyOf(PROPOSERS) => stages::intake::propose_page;
    get  "/login"                          Policy::Public   => pages::login::login_form;
    post "/login"                          Policy::Anyone   => pages::login::login;
    post "/login/code"                     Policy::Anyone   => pages::login::request_code;
    post "/login/phone"                    Policy::Anyone   => pages::login::phone_login;
    get  "/login/second-factor"            Policy::Public   => pages::second_factor::step_form;
    post "/login/second-factor"            Policy::Anyone   => pages::second_factor::step;
    post "/logout"                         Policy::SignedIn => pages::login::logout;
    get  "/static/{file}"                  Policy::Public   => assets::file;
    get  "/healthz"                        Policy::Public   => ops::healthz;
    get  "/readyz"                         Policy::Public   => ops::readyz;
    get  "/metrics"                        Policy::Operator => ops::metrics;

    get  "/api/openapi.json"               Policy::Public   => api::openapi::openapi_json;
    get  "/api/docs"                       Policy::Public   => api::openapi::docs_redirect;
    get  "/api/docs/"                      Policy::Public   => api::openapi::docs_index;
    get  "/api/docs/{*file}"               Policy::Public   => api::openapi::docs_file;
    get  "/api/rooms"                      Policy::Public   => api::rooms;
    get  "/api/regions/{id}/figures"       Policy::Public   => api::figures::figures;
    get  "/api/regions/{id}/open-data/topics" Policy::Public => api::open_data::topics;
    get  "/api/regions/{id}/open-data/meetings" Policy::Public => api::open_data::meetings;
    get  "/api/regions/{id}/open-data/opinions" Policy::Public => api::open_data::opinions;
    get  "/api/regions/{id}/open-data/tasks" Policy::Public => api::open_data::tasks;
    get  "/api/open-data"                  Policy::Public   => api::open_data::dictionary::dictionary_json;
    get  "/api/search"                     Policy::Public   => pages::search::api;
    get  "/api/rooms/{code}"               Policy::Public   => api::room;
    get  "/api/rooms/{code}/similar"       Policy::Public   => similar::draft_api;
    post "/api/rooms/{code}/topics"        Policy::Anyone   => stages::intake::submit_api;
    post "/api/rooms/{code}/meetings"      Policy::AnyOf(CONVENER) => stages::meeting::plan_meeting_api;
    get  "/api/topics"                     Policy::Public   => api::topics;
    get  "/api/topics/{no}"                Policy::Public   => api::topic;
    post "/api/topics/{no}/actions/{action}" Policy::AnyOf(OFFICIAL) => stages::topic::topic_action_api;
    post "/api/topics/{no}/rating"         Policy::Anyone   => stages::evaluation::rate_api;
    post "/api/topics/{no}/likes"          Policy::Anyone   => stages::evaluation::like_api;
    post "/api/topics/{no}/supports"       Policy::Anyone   => stages::intake::support_api;
    get  "/api/tasks/{id}"                 Policy::AnyOf(TASK_ACTORS) => api::task;
    post "/api/tasks/{id}/actions/{action}" Policy::AnyOf(TASK_ACTORS) => stages::task::task_action_api;
    post "/api/tasks/{id}/orders"          Policy::AnyOf(LEADER) => stages::order::issue_api;
    post "/api/orders/{id}/answer"         Policy::AnyOf(DEPARTMENT) => stages::order::answer_api;
    get  "/api/meetings/{id}"              Policy::Public   => api::meeting;
    post "/api/meetings/{id}/actions/{action}" Policy::AnyOf(CONVENER) => stages::meeting::meeting_action_api;
    post "/api/reviews"                    Policy::AnyOf(LEADER) => stages::review::create_api;
    get  "/api/reviews/{id}"               Policy::Public   => stages::review::session_api;
    get  "/api/regions/{id}/deadline-classes" Policy::Public => pages::deadlines::classes_api;
    post "/api/regions/{id}/deadline-classes" Policy::AnyOf(ADMIN) => pages::deadlines::set_api;
    get  "/api/desk"                       Policy::SignedIn => api::desk;
    post "/api/session"                    Policy::Anyone   => api::login;
    get  "/api/session"                    Policy::SignedIn => api::me;
    get  "/api/session/topics"             Policy::SignedIn => pages::mine::mine_api;
    post "/api/topics/{no}/phone"          Policy::AnyOf(CONVENER) => pages::mine::reveal_api;
    post "/api/session/logout"             Policy::SignedIn => api::logout;
    post "/api/otp"                        Policy::Anyone   => api::request_code;
    post "/api/otp/verify"                 Policy::Anyone   => api::verify_code;
}

/// Routes that take photos get the larger upload limit; every other body
/// is held to the small one.
const UPLOADS: &[&str] = &[
    "/r/{code}/topics",
    "/tasks/{id}/act/{action}",
    "/t/{no}/act/{action}",
    "/desk/propose",
    "/t/{no}/deliberation/import",
];

fn guarded(
    route: MethodRouter<AppState>,
    policy: Policy,
    path: &str,
    body_limit: usize,
) -> MethodRouter<AppState> {
    let route = route.route_layer(middleware::from_fn(move |req: Request, next: Next| {
        enforce(policy, req, next)
    }));
    if UPLOADS.contains(&path) {
        // The router-wide limit is the upload limit; lift axum's own 2 MB default.
        route.layer(axum::extract::DefaultBodyLimit::disable())
    } else {
        route.layer(RequestBodyLimitLayer::new(body_limit))
    }
}

async fn enforce(policy: Policy, req: Request, next: Next) -> Response {
    let viewer = req.extensions().get::<Viewer>();
    let signed_in = viewer.is_some_and(|v| v.user.is_some());
    let allowed = match policy {
        Policy::Public | Policy::Anyone | Policy::Operator => Ok(()),
        Policy::SignedIn => {
            if signed_in {
                Ok(())
            } else {
                Err(AppError::Unauthorized)
            }
        }
        Policy::AnyOf(roles) => match viewer {
            Some(v) if signed_in && roles.iter().any(|r| v.actor.has_role(*r)) => Ok(()),
            _ if !signed_in => Err(AppError::Unauthorized),
            _ => Err(AppError::from(domain::DomainError::Forbidden)),
        },
    };
    match allowed {
        Ok(()) => next.run(req).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

/// Request ids: this process's random prefix and a counter. Unique across
/// nodes and restarts like a UUID, without asking the OS for randomness on
/// every request.
#[derive(Clone)]
struct SequentialIds {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl SequentialIds {
    fn new() -> Self {
        SequentialIds {
            prefix: crate::auth::new_token().into(),
            next: std::sync::Arc::default(),
        }
    }
}

impl MakeRequestId for SequentialIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The router with every cross-cutting layer (outermost last).
pub fn router(state: AppState) -> Router {
    let cfg = state.config.clone();
    let x_request_id = HeaderName::from_static("x-request-id");
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
               frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    routes(cfg.body_limit)
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "页面不存在".into(), None) })
        .layer(middleware::from_fn_with_state(state.clone(), crate::auth::identify))
        .layer(middleware::from_fn(ops::track_metrics))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(x_request_id.clone(), SequentialIds::new()))
                .layer(TraceLayer::new(ops::ProbesAreNotFailures).make_span_with(|req: &Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }).on_response(DefaultOnResponse::new().level(tracing::Level::INFO)))
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(CatchPanicLayer::new())
                .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)))
                .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
                .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
                .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                // Behind HTTPS (secure cookies), browsers are told to stay on it.
                .option_layer(cfg.secure_cookies.then(|| SetResponseHeaderLayer::if_not_present(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                )))
                .layer(CsrfLayer::new())
                .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(cfg.request_timeout_secs)))
                .layer(RequestBodyLimitLayer::new(cfg.body_limit.max(cfg.upload_limit))),
        )
        .layer(middleware::from_fn(crate::error::render_errors))
        .layer(middleware::from_fn(crate::page_cache::send_compressed))
        .layer(compression())
}

/// Pages and JSON go out compressed (brotli, else gzip) to a browser that
/// asks, for a rural phone's slow connection. What is rendered per visit is
/// compressed at the fastest levels: brotli's default took a third of the
/// CPU of a topic's page, and kept pages, sent most often, are compressed
/// harder once (`page_cache::send_compressed`). Files compressed already
/// (pictures, PDF, Office files, the static files this server compresses
/// ahead) pass untouched.
pub(crate) fn compression() -> CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate};
    let already = DefaultPredicate::new()
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/vnd."));
    CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Fastest)
        .compress_when(already)
}
