//! 码上议 intake: a topic raised from a room page, a member's desk or the API,
//! with its photos and draft key; 附议 and 关注 on a topic.
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Channel, PhoneNumber, TopicBody, TopicTitle};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{LikeJson, TopicJson};
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::invalid;
use crate::forms::{self, ApiJson, ApiPath};
use crate::limits::{Act, ClientIp};
use crate::photos;

/// A topic as submitted from a room page, a member's desk or the API.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SubmitInput {
    pub title: Option<String>,
    pub body: Option<String>,
    pub category: Option<String>,
    pub place: Option<String>,
    pub phone: Option<String>,
    /// resident (default), committee or leadership.
    pub channel: Option<String>,
    /// The room, when submitting from a desk rather than a room page.
    pub room: Option<String>,
    /// Hide the submitter's name in public (where the room allows anonymous submissions).
    #[serde(default, deserialize_with = "flag")]
    #[schema(value_type = Option<bool>)]
    pub anonymous: bool,
    /// Map point (decimal degrees), optional; both or neither.
    #[serde(default, deserialize_with = "number")]
    #[schema(value_type = Option<f64>)]
    pub lat: Option<f64>,
    #[serde(default, deserialize_with = "number")]
    #[schema(value_type = Option<f64>)]
    pub lng: Option<f64>,
    /// A key the phone makes for a draft: sending the same key again returns the topic it made.
    pub client_key: Option<String>,
    /// 委员荐题: why the member recommends the topic (required for that channel).
    pub reason: Option<String>,
}

impl SubmitInput {
    /// The map point in millionths of a degree, checked to lie on Earth.
    pub fn point(&self) -> AppResult<Option<(i64, i64)>> {
        match (self.lat, self.lng) {
            (None, None) => Ok(None),
            (Some(lat), Some(lng))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) =>
            {
                #[allow(clippy::cast_possible_truncation)]
                let e6 = |v: f64| (v * 1e6).round() as i64;
                Ok(Some((e6(lat), e6(lng))))
            }
            _ => Err(invalid("lat", "位置坐标不正确")),
        }
    }

    /// The draft key: 8 to 64 letters, digits, `-` or `_`.
    pub fn client_key(&self) -> AppResult<Option<&str>> {
        match self
            .client_key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => Ok(None),
            Some(k)
                if (8..=64).contains(&k.len())
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Ok(Some(k))
            }
            Some(_) => Err(invalid("client_key", "草稿编号不正确，请刷新页面后重试")),
        }
    }
}

/// A checkbox as forms send it ("on") or a JSON boolean.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum F {
        B(bool),
        S(String),
    }
    Ok(match Option::<F>::deserialize(d)? {
        None => false,
        Some(F::B(b)) => b,
        Some(F::S(s)) => match s.as_str() {
            "on" | "true" | "1" | "yes" => true,
            "" | "off" | "false" | "0" | "no" => false,
            _ => return Err(serde::de::Error::custom("勾选项的值不正确")),
        },
    })
}

/// A number as JSON sends it, or as text from a form field (empty means none).
fn number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        F(f64),
        S(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::F(f)) if f.is_finite() => Ok(Some(f)),
        Some(N::F(_)) => Err(serde::de::Error::custom("位置坐标不正确")),
        Some(N::S(s)) if s.trim().is_empty() => Ok(None),
        Some(N::S(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("位置坐标不正确")),
    }
}

/// A room page's submission: the form's fields and, when sent as
/// `multipart/form-data`, its photos.
pub type SubmitForm = photos::PhotoForm<SubmitInput>;

/// Raises a topic: fields checked first, then the limits, then photos made
/// safe and stored, then the topic and its first event in one transaction.
/// A draft sent again with the same key finds the topic it already made.
async fn submit(
    state: &AppState,
    viewer: &Viewer,
    ip: ClientIp,
    code: &str,
    form: SubmitForm,
    channel: Channel,
) -> AppResult<store::Topic> {
    let input = &form.input;
    let client_key = input.client_key()?;
    if let Some(key) = client_key
        && let Some(done) = state.store.topic_by_client_key(key).await?
    {
        return Ok(done);
    }
    let room = state.store.room_by_code(code).await?;
    let title = TopicTitle::parse(input.title.as_deref().unwrap_or(""))?;
    let body = TopicBody::parse(input.body.as_deref().unwrap_or(""))?;
    let category = domain::category_in(
        input.category.as_deref().unwrap_or(""),
        &state.store.region_categories(room.region).await?,
    )?;
    let place = forms::plain(input.place.as_deref(), "place", "地点", 100)?;
    let point = input.point()?;
    let phone = forms::optional_phone(&input.phone)?;
    if input.anonymous && channel != Channel::Resident {
        return Err(AppError::BadRequest("只有群众出题可以匿名".into()));
    }
    let reason = match channel {
        Channel::Committee => Some(domain::Reason::parse(
            input.reason.as_deref().unwrap_or(""),
        )?),
        _ => None,
    };
    if channel == Channel::Resident {
        state
            .limits
            .check(
                Act::Submit,
                &viewer.device,
                phone.as_ref().map(PhoneNumber::as_str),
                ip.0,
            )
            .await?;
    }
    let mut who = viewer.who();
    if viewer.user.is_none()
        && let Some(p) = &phone
    {
        who.name = format!("群众（手机{}）", p.masked());
    }
    let photos = photos::save(state, form.photos).await?;
    let new = store::NewTopic {
        room: room.id,
        channel,
        title: &title,
        body: &body,
        category: &category,
        place: &place,
        phone: phone.as_ref(),
        anonymous: input.anonymous,
        point,
        client_key,
        photos: &photos,
        reason: reason.as_ref(),
        external_ref: None,
    };
    Ok(state.store.submit_topic(new, &who).await?)
}

fn channel_of(input: &SubmitInput) -> AppResult<Channel> {
    match input
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => Ok(Channel::Resident),
        Some(c) => Channel::parse(c).ok_or_else(|| AppError::BadRequest("议题来源不正确".into())),
    }
}

pub async fn submit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    Path(code): Path<String>,
    form: SubmitForm,
) -> AppResult<Redirect> {
    let topic = submit(&state, &viewer, ip, &code, form, Channel::Resident).await?;
    Ok(Redirect::to(&format!(
        "/t/{}?submitted=1",
        topic.tracking_no
    )))
}

/// Raises a topic in a room (群众出题 by default; committee and leadership channels need those roles).
#[utoipa::path(post, path = "/api/rooms/{code}/topics", tag = "topics", params(("code" = String, Path)), request_body = SubmitInput,
    responses((status = 201, body = TopicJson)))]
pub async fn submit_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<SubmitInput>,
) -> AppResult<Response> {
    let channel = channel_of(&input)?;
    let form = SubmitForm {
        input,
        photos: Vec::new(),
    };
    let topic = submit(&state, &viewer, ip, &code, form, channel).await?;
    let room = state.store.room(topic.room).await?;
    Ok((StatusCode::CREATED, Json(TopicJson::new(&topic, &room))).into_response())
}

/// 委员荐题 and 党政点题 from a member's or leader's desk.
pub async fn propose_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: ClientIp,
    form: SubmitForm,
) -> AppResult<Redirect> {
    let code = form.input.room.clone().unwrap_or_default();
    let channel = channel_of(&form.input)?;
    let topic = submit(&state, &viewer, ip, &code, form, channel).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

async fn support(
    state: &AppState,
    viewer: &Viewer,
    ip: ClientIp,
    no: &str,
) -> AppResult<store::SupportOutcome> {
    let topic = state.store.topic_by_tracking(no).await?;
    let supporter = viewer.participant_key()?;
    state
        .limits
        .check(Act::Support, &viewer.device, None, ip.0)
        .await?;
    let phone = viewer.user.as_ref().and_then(|u| u.phone.clone());
    Ok(state
        .store
        .support(topic.id, &supporter, phone.as_ref().map(|p| p.as_str()))
        .await?)
}

/// 附议 from a topic page; with htmx only the button is swapped.
pub async fn support_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path(no): Path<String>,
) -> AppResult<Response> {
    let o = support(&state, &viewer, ip, &no).await?;
    if headers.contains_key("hx-request") {
        return Ok(axum::response::Html(crate::view::render(
            &crate::pages::topic::SupportButton {
                no,
                supported: true,
                count: o.count,
            },
        ))
        .into_response());
    }
    Ok(Redirect::to(&format!("/t/{no}#support")).into_response())
}

/// Supports (附议) a topic, at most once per person or device; the supporter then follows it.
#[utoipa::path(post, path = "/api/topics/{no}/supports", tag = "topics", params(("no" = String, Path)), responses((status = 200, body = LikeJson)))]
pub async fn support_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    ApiPath(no): ApiPath<String>,
) -> AppResult<Json<LikeJson>> {
    let o = support(&state, &viewer, ip, &no).await?;
    Ok(Json(LikeJson {
        new: o.new,
        count: o.count,
    }))
}

/// 关注: a resident signed in by phone follows a topic and is texted about its moves.
pub async fn follow_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
) -> AppResult<Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    let phone = viewer.user.as_ref().and_then(|u| u.phone.clone());
    state
        .store
        .follow(
            topic.id,
            &viewer.liker_key(),
            phone.as_ref().map(|p| p.as_str()),
        )
        .await?;
    Ok(Redirect::to(&format!("/t/{no}#follow")))
}
