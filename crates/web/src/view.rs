//! Shared bits of every page: the layout's navigation, time in Beijing,
//! labels, and rendering.
use askama::Template;
use chrono::{DateTime, FixedOffset, Utc};

use crate::auth::Viewer;

/// China Standard Time; the product's people all live in it.
pub fn beijing() -> FixedOffset {
    domain::BEIJING
}

/// A moment as pages show it, in Beijing time.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    domain::beijing_time(t)
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Renders a page; a template error is logged and shown as a plain apology.
pub fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template");
        "<!doctype html><meta charset=utf-8><p>页面生成出错，请稍后再试。</p>".to_owned()
    })
}

/// The header's view of who is signed in, and how pages should look for them.
#[derive(Clone, Debug)]
pub struct Nav {
    pub name: Option<String>,
    pub official: bool,
    /// 适老化: large text, large targets (remembered in a cookie).
    pub care: bool,
    pub assets: &'static crate::assets::Urls,
}

impl Nav {
    pub fn of(v: &Viewer) -> Nav {
        Nav {
            name: v.user.as_ref().map(|u| u.display_name.clone()),
            official: v.is_official(),
            care: v.care,
            assets: &crate::assets::URLS,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

/// A topic row in any list.
#[derive(Clone, Debug)]
pub struct TopicRow {
    pub tracking_no: String,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub channel_label: String,
    pub room_name: String,
    pub updated: String,
    pub like_count: i64,
}

impl TopicRow {
    pub fn new(t: &store::Topic, rooms: &[store::Room]) -> TopicRow {
        TopicRow {
            tracking_no: t.tracking_no.clone(),
            title: t.title.clone(),
            state: t.state.code().to_owned(),
            state_label: t.state.label_zh().to_owned(),
            channel_label: t.channel.label_zh().to_owned(),
            room_name: rooms
                .iter()
                .find(|r| r.id == t.room)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            updated: fmt_time(t.updated_at),
            like_count: t.like_count,
        }
    }

    pub fn list(ts: &[store::Topic], rooms: &[store::Room]) -> Vec<TopicRow> {
        ts.iter().map(|t| TopicRow::new(t, rooms)).collect()
    }
}
