//! Residents' photos: made safe by the `media` crate on the blocking pool,
//! kept in the photo store under content-addressed keys, and shown only
//! where their topic is public.
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};

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
