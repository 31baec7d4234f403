//! 12345 热线 work orders: the hotline's system posts an order (its number,
//! what the caller said, where, the caller's phone) with its API key; the
//! order becomes a 群众出题 topic in the room named, or the nearest one,
//! keeping the order's number. Posting the same number again answers with
//! the topic it made. What happens next reaches the hotline through its
//! webhook, each delivery carrying the number back (`external_ref`).
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Intake, api_key, point, room_for, take};
use crate::AppState;
use crate::error::AppResult;
use crate::forms::ApiJson;

/// A work order as the hotline sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrder {
    /// The order's number in the hotline's system (工单编号).
    #[schema(min_length = 1, max_length = 40, pattern = "^[A-Za-z0-9_-]+$")]
    pub order_no: String,
    /// What the caller reported.
    #[schema(min_length = 1, max_length = 5000)]
    pub content: String,
    /// A title; the content's first sentence when left out.
    #[schema(max_length = 60)]
    pub title: Option<String>,
    /// The room's code (`chenshi-sq`); else the room nearest `lat`/`long`.
    pub room: Option<String>,
    /// The category; 其他 when left out or not on the room's list.
    pub category: Option<String>,
    /// Where, as the caller said.
    #[schema(max_length = 100)]
    pub place: Option<String>,
    /// The caller's mobile number, for the convener to call back.
    #[schema(pattern = "^1[3-9][0-9]{9}$")]
    pub phone: Option<String>,
    /// Latitude, degrees.
    pub lat: Option<f64>,
    /// Longitude, degrees.
    pub long: Option<f64>,
}

/// What the hotline gets back.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderTaken {
    /// The topic's 查询码.
    pub tracking_no: String,
    /// The order's number, as sent.
    pub order_no: String,
    /// False when this number had already been taken.
    pub created: bool,
    /// The topic's public page.
    pub url: String,
}

/// The bearer key of `Authorization`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// `POST /api/hotline/orders`.
#[utoipa::path(
    post,
    path = "/api/hotline/orders",
    tag = "interop",
    request_body = WorkOrder,
    security(("hotline_key" = [])),
    responses(
        (status = 201, description = "已生成议题", body = OrderTaken),
        (status = 200, description = "该工单号此前已生成议题", body = OrderTaken),
        (status = 401, description = "密钥缺失、无效或已停用"),
        (status = 422, description = "内容不符合要求"),
    )
)]
pub async fn take_order(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(o): ApiJson<WorkOrder>,
) -> AppResult<Response> {
    let key = api_key(&state, bearer(&headers)).await?;
    let number = o.order_no.trim();
    let well_formed = (1..=40).contains(&number.len())
        && number
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !well_formed {
        return Err(crate::forms::invalid(
            "order_no",
            "工单编号应为1到40位字母、数字、-或_",
        ));
    }
    let degrees = |v: Option<f64>| v.map(|v| v.to_string());
    let (lat, long) = (degrees(o.lat), degrees(o.long));
    let at = point(lat.as_deref(), long.as_deref())?;
    let room = room_for(&state, &key, o.room.as_deref(), at).await?;
    let categories = state.store.region_categories(room.region).await?;
    let category = domain::category_in(o.category.as_deref().unwrap_or(""), &categories)?;
    let order = Intake {
        key: &key,
        room: &room,
        category: &category,
        description: &o.content,
        title: o.title.as_deref(),
        place: o.place.as_deref().unwrap_or(""),
        phone: o.phone.as_deref(),
        name: "12345热线",
        point: at,
        external: Some((
            format!("12345/{}/{number}", key.region.0),
            format!("12345:{number}"),
        )),
    };
    let (t, created) = take(&state, order).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let answer = OrderTaken {
        url: format!("/t/{}", t.tracking_no),
        tracking_no: t.tracking_no,
        order_no: number.to_owned(),
        created,
    };
    Ok((status, Json(answer)).into_response())
}
