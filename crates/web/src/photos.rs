//! Residents' photos: made safe by the `media` crate on the blocking pool,
//! kept in the photo store under content-addressed keys, and shown only
//! where their topic is public.
use axum::extract::{FromRequest, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, invalid};

/// The most photos one submission may carry.
pub const MAX_PHOTOS: usize = 9;

/// Makes each upload safe and stores it; the first refused photo stops the
/// submission with its reason (which photo, and why, in Chinese).
pub async fn save(
    state: &AppState,
    uploads: Vec<axum::body::Bytes>,
) -> AppResult<Vec<store::NewPhoto>> {
    if uploads.len() > MAX_PHOTOS {
        return Err(AppError::BadRequest(format!("最多上传{MAX_PHOTOS}张照片")));
    }
    let mut saved = Vec::with_capacity(uploads.len());
    for (i, bytes) in uploads.into_iter().enumerate() {
        let _slot = state
            .photo_slots
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let safe =
            tokio::task::spawn_blocking(move || media::process(&bytes, &media::Limits::default()))
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| {
                    store::StoreError::Domain(domain::DomainError::Invalid {
                        field: "photos",
                        message: format!("第{}张照片：{e}", i + 1),
                    })
                })?;
        let (key, thumb_key) = (safe.full_key(), safe.thumb_key());
        state
            .photos
            .put(&key, safe.full)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        state
            .photos
            .put(&thumb_key, safe.thumb)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        saved.push(store::NewPhoto {
            key,
            thumb_key,
            width: safe.width,
            height: safe.height,
        });
    }
    Ok(saved)
}

fn bad_form<E>(_: E) -> AppError {
    AppError::BadRequest("提交的表单内容不正确".into())
}

/// A form's fields and, when sent as `multipart/form-data`, its photos
/// (field `photos`, up to [`MAX_PHOTOS`]): a resident's submission, a
/// department's completion report, a follow-up check.
pub struct PhotoForm<T> {
    pub input: T,
    pub photos: Vec<axum::body::Bytes>,
}

impl<T: serde::de::DeserializeOwned + Send> FromRequest<crate::AppState> for PhotoForm<T> {
    type Rejection = AppError;

    async fn from_request(
        req: axum::extract::Request,
        state: &crate::AppState,
    ) -> Result<Self, AppError> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
            });
        if !multipart {
            // Only photos may be large: a plain form keeps the small limit.
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, state.config.body_limit)
                .await
                .map_err(|_| AppError::TooLarge("提交的内容太大".into()))?;
            let urlencoded = parts
                .headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.trim_start()
                        .to_ascii_lowercase()
                        .starts_with("application/x-www-form-urlencoded")
                });
            if urlencoded && parts.method == axum::http::Method::POST {
                let fields: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&bytes).map_err(bad_form)?;
                return Ok(PhotoForm {
                    input: decode_fields(fields)?,
                    photos: Vec::new(),
                });
            }
            let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
            let PageForm(input) = PageForm::<T>::from_request(req, state).await?;
            return Ok(PhotoForm {
                input,
                photos: Vec::new(),
            });
        }
        // Refused before a byte is read when the body says it is too big.
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > state.config.upload_limit) {
            return Err(AppError::TooLarge(
                "照片总大小超过了上限，请少选几张或换小一些的照片".into(),
            ));
        }
        // A few bodies with photos are read at once; others wait their turn,
        // so many large uploads together cannot exhaust memory.
        let _slot = state
            .upload_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        let mut form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(bad_form)?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut photos = Vec::new();
        while let Some(field) = form.next_field().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::BadRequest("照片总大小超过了上限，请少选几张或换小一些的照片".into())
            } else {
                AppError::BadRequest("提交的表单内容不正确".into())
            }
        })? {
            let name = field.name().unwrap_or("").to_owned();
            if name == "photos" {
                // Read chunk by chunk, and refused the moment one photo is too big.
                let mut field = field;
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                    if bytes.len() + chunk.len() > media::Limits::default().max_bytes {
                        return Err(invalid("photos", "照片太大了（最大 10 MB）"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !bytes.is_empty() {
                    photos.push(bytes.into());
                }
                if photos.len() > MAX_PHOTOS {
                    return Err(invalid("photos", &format!("最多上传{}张照片", MAX_PHOTOS)));
                }
            } else if fields.len() < 32 {
                let text = field.text().await.map_err(bad_form)?;
                fields.push((name, text));
            }
        }
        Ok(PhotoForm {
            input: decode_fields(fields)?,
            photos,
        })
    }
}

/// Fields a form may repeat (checkboxes); their values are joined with
/// commas. Any other field sent twice is refused, as by a plain form.
const LIST_FIELDS: &[&str] = &["categories", "co_departments", "methods", "people", "rooms"];

/// A form's text fields into its input type, through the same
/// deserializer as a plain form.
fn decode_fields<T: serde::de::DeserializeOwned>(fields: Vec<(String, String)>) -> AppResult<T> {
    let mut merged: Vec<(String, String)> = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        match merged.iter_mut().find(|(m, _)| *m == k) {
            Some((_, joined)) if LIST_FIELDS.contains(&k.as_str()) => {
                joined.push(',');
                joined.push_str(&v);
            }
            _ => merged.push((k, v)),
        }
    }
    let encoded = serde_urlencoded::to_string(&merged).map_err(bad_form)?;
    serde_urlencoded::from_str(&encoded).map_err(bad_form)
}

/// Whether this viewer sees the topic's photos (`domain::photos_visible`).
pub fn visible(topic: &store::Topic, viewer: &Viewer) -> bool {
    domain::photos_visible(&topic.photo_ctx(), &viewer.actor)
}

/// The convener publishes the photos of a topic merged from triage.
pub async fn publish(
    State(state): State<AppState>,
    crate::auth::SignedIn(viewer): crate::auth::SignedIn,
    Path(no): Path<String>,
) -> AppResult<axum::response::Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    state.store.publish_photos(topic.id, &viewer.actor).await?;
    Ok(axum::response::Redirect::to(&format!("/t/{no}?stay=1")))
}

/// One stored photo or thumbnail.
pub async fn photo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(key): Path<String>,
) -> AppResult<Response> {
    let p = state.store.photo_by_key(&key).await?;
    let topic = state.store.topic(p.topic).await?;
    if !visible(&topic, &viewer) {
        return Err(store::StoreError::NotFound("照片").into());
    }
    let bytes = state
        .photos
        .get(&key)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .ok_or(store::StoreError::NotFound("照片"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}
