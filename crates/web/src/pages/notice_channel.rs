//! 提醒方式: an official chooses whether notices beyond the inbox reach
//! them by text or by e-mail (a letter carries the whole notice and its
//! link, a text only its start), and gives the address.
use askama::Template;
use axum::extract::State;
use axum::response::{Html, Redirect};
use domain::{EmailAddress, NoticeBy};
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, invalid};
use crate::view::{Nav, render};

#[derive(Template)]
#[template(path = "account_notices.html")]
struct NoticesPage {
    nav: Nav,
    phone: String,
    email: String,
    by_email: bool,
}

/// `GET /account/notices`.
pub async fn notices_form(SignedIn(viewer): SignedIn) -> AppResult<Html<String>> {
    let Some(user) = viewer.user.as_ref() else {
        return Err(AppError::Unauthorized);
    };
    Ok(Html(render(&NoticesPage {
        nav: Nav::of(&viewer),
        phone: user
            .phone
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        email: user
            .email
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
        by_email: user.notice_by == NoticeBy::Email,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct NoticesInput {
    /// `sms` or `email`.
    pub by: Option<String>,
    /// Empty: no address on file.
    pub email: Option<String>,
}

/// `POST /account/notices`.
pub async fn set_notices(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(i): PageForm<NoticesInput>,
) -> AppResult<Redirect> {
    let Some(user) = viewer.user.as_ref() else {
        return Err(AppError::Unauthorized);
    };
    let by = NoticeBy::parse(i.by.as_deref().unwrap_or("sms"))
        .ok_or_else(|| invalid("by", "请选择提醒方式"))?;
    let email = match i.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(EmailAddress::parse(e)?),
        None => None,
    };
    state
        .store
        .set_notice_channel(user.id, email.as_ref(), by)
        .await?;
    Ok(Redirect::to("/account/notices"))
}
