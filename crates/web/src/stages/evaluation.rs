//! 群众评价 and 点赞: the submitter rates the result; anyone likes a resolved topic.
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::cookie::CookieJar;
use domain::{RatingComment, Satisfaction};
use store::TopicAction;

use crate::AppState;
use crate::api::{LikeJson, TopicJson};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::forms::{ActionInput, ApiJson, ApiPath, PageForm};
use crate::forms::{invalid, required};
use crate::limits::{Act, ClientIp};

pub(crate) fn parse_rating(i: &ActionInput) -> AppResult<TopicAction> {
    Ok(TopicAction::Rate {
        satisfaction: Satisfaction::parse(required(&i.satisfaction, "satisfaction", "满意程度")?)
            .ok_or_else(|| invalid("satisfaction", "请选择满意程度"))?,
        comment: RatingComment::parse(i.comment.as_deref().unwrap_or(""))?,
    })
}

/// The submitter's rating moves the topic (不满意 reopens it); a
/// supporter's is recorded beside it, once.
async fn rate(
    state: &AppState,
    viewer: &Viewer,
    no: &str,
    input: &ActionInput,
) -> AppResult<store::Topic> {
    let action = parse_rating(input)?;
    let topic = state.store.topic_by_tracking(no).await?;
    match action {
        TopicAction::Rate {
            satisfaction,
            comment,
        } if !topic.submitter.is(&viewer.actor) => {
            let key = viewer.participant_key()?;
            let who = viewer.who();
            Ok(state
                .store
                .rate_as_supporter(topic.id, &who, &key, satisfaction, &comment)
                .await?)
        }
        action => crate::stages::topic::topic_action(state, viewer, no, action).await,
    }
}

pub async fn rate_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(no): Path<String>,
    PageForm(input): PageForm<ActionInput>,
) -> AppResult<Redirect> {
    let topic = rate(&state, &viewer, &no, &input).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

/// The submitter rates the result: satisfied or basic closes it, unsatisfied
/// reopens it. A resident who supported (附议) the topic rates it too, once;
/// their rating is recorded and reopens nothing.
#[utoipa::path(post, path = "/api/topics/{no}/rating", tag = "topics", params(("no" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = TopicJson)))]
pub async fn rate_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(no): ApiPath<String>,
    ApiJson(body): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> AppResult<Json<TopicJson>> {
    let input = crate::api::bodies::read_one(&crate::api::bodies::RATE, body)?;
    let topic = rate(&state, &viewer, &no, &input).await?;
    let room = state.store.room(topic.room).await?;
    Ok(Json(TopicJson::new(&topic, &room)))
}

/// What a like sends: the token handed out with the topic's page.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LikeInput {
    /// The `like_token` of the topic's page (or of `GET /api/topics/{no}`).
    #[serde(default)]
    pub token: String,
}

/// A like counts from a signed-in account or a phone the server vouches
/// for, with the token of the topic's page, within the phone's and the
/// address's hourly limits.
async fn like(
    state: &AppState,
    viewer: &Viewer,
    ip: ClientIp,
    no: &str,
    input: &LikeInput,
) -> AppResult<store::LikeOutcome> {
    let liker = viewer.participant_key()?;
    state
        .limits
        .check(Act::Like, &viewer.device, None, ip.0)
        .await?;
    if let Err(refused) = crate::auth::check_like_token(state, viewer, no, &input.token).await {
        // A topic that cannot be liked at all says so, whatever the token.
        state
            .store
            .topic_by_tracking(no)
            .await?
            .state
            .check_likeable()?;
        return Err(refused);
    }
    Ok(state.likes.like(no.to_owned(), liker).await?)
}

/// The page's like form: its token comes with the page's cookie (see
/// `auth::LIKE_COOKIE`), or in the form from a page of before.
pub async fn like_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    jar: CookieJar,
    Path(no): Path<String>,
    PageForm(mut input): PageForm<LikeInput>,
) -> AppResult<Redirect> {
    if input.token.is_empty()
        && let Some(c) = jar.get(crate::auth::LIKE_COOKIE)
    {
        input.token = c.value().to_owned();
    }
    like(&state, &viewer, ip, &no, &input).await?;
    Ok(Redirect::to(&format!("/t/{no}")))
}

/// Likes a resolved topic, at most once per person or device, with the
/// `like_token` its page or `GET /api/topics/{no}` handed out.
#[utoipa::path(post, path = "/api/topics/{no}/likes", tag = "topics", params(("no" = String, Path)),
    request_body = LikeInput, responses((status = 200, body = LikeJson)))]
pub async fn like_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    ApiPath(no): ApiPath<String>,
    ApiJson(input): ApiJson<LikeInput>,
) -> AppResult<Json<LikeJson>> {
    let o = like(&state, &viewer, ip, &no, &input).await?;
    Ok(Json(LikeJson {
        new: o.new,
        count: o.count,
    }))
}
