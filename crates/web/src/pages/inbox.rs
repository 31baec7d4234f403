//! 我的消息: what happened to the topics this person or phone raised,
//! supported or follows; and the 适老化 switch every page links to.
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CARE_COOKIE, Viewer};
use crate::error::AppResult;
use crate::forms::PageForm;
use crate::view::{Nav, fmt_time, render};

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: Nav,
    threads: Vec<Thread>,
    unread: u64,
}

struct Item {
    text: String,
    when: String,
    unread: bool,
    /// Where the line leads: its topic's page, or (an invitation) its own link.
    href: String,
}

/// The messages about one topic, newest first: a topic that went through
/// triage, a meeting and a task is one line with its latest news, not a
/// dozen; a message about no topic (an invitation) stands alone.
struct Thread {
    topic: Option<domain::TopicId>,
    latest: Item,
    earlier: Vec<Item>,
}

impl Thread {
    fn unread(&self) -> usize {
        usize::from(self.latest.unread) + self.earlier.iter().filter(|i| i.unread).count()
    }
}

/// Newest-first messages into threads, each placed where its newest is.
fn threads(items: Vec<(Option<domain::TopicId>, Item)>) -> Vec<Thread> {
    let mut threads: Vec<Thread> = Vec::new();
    for (topic, item) in items {
        match threads
            .iter_mut()
            .find(|t| topic.is_some() && t.topic == topic)
        {
            Some(t) => t.earlier.push(item),
            None => threads.push(Thread {
                topic,
                latest: item,
                earlier: Vec::new(),
            }),
        }
    }
    threads
}

pub async fn inbox(State(state): State<AppState>, viewer: Viewer) -> AppResult<Html<String>> {
    let keys = viewer.inbox_keys();
    let unread = state.store.unread_notifications(&keys).await?;
    let rows = state.store.notifications(&keys, 100).await?;
    let numbers = state
        .store
        .tracking_numbers(rows.iter().filter_map(|n| n.topic))
        .await?;
    let items = rows
        .into_iter()
        .map(|n| {
            let item = Item {
                href: match (&n.link, n.topic.and_then(|t| numbers.get(&t))) {
                    (Some(link), _) => link.clone(),
                    (None, Some(no)) => format!("/t/{no}"),
                    (None, None) => "/inbox".to_owned(),
                },
                text: n.text,
                when: fmt_time(n.created_at),
                unread: n.read_at.is_none(),
            };
            (n.topic.filter(|_| n.link.is_none()), item)
        })
        .collect();
    if unread > 0 {
        state.store.mark_notifications_read(&keys).await?;
    }
    Ok(Html(render(&InboxPage {
        nav: Nav::of(&viewer),
        threads: threads(items),
        unread,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct CareInput {
    pub care: Option<String>,
}

/// Switches 适老化 mode on or off for this phone and returns to the page it was switched on.
pub async fn care(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(input): PageForm<CareInput>,
) -> AppResult<Response> {
    let on = input.care.as_deref() != Some("off");
    let cookie = Cookie::build((CARE_COOKIE, if on { "1" } else { "0" }))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::days(365 * 3))
        .build();
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or_else(|| "/".to_owned());
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = cookie.to_string().parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The path (and query) of a referring page on this site; never another site.
fn same_site_path(referer: &str) -> Option<String> {
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = &rest[rest.find('/')?..];
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    ok.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{Item, threads};
    use domain::TopicId;

    fn item(text: &str, unread: bool) -> Item {
        Item {
            text: text.into(),
            when: String::new(),
            unread,
            href: String::new(),
        }
    }

    #[test]
    fn messages_about_one_topic_are_one_thread_where_the_newest_is() {
        let (a, b) = (Some(TopicId(1)), Some(TopicId(2)));
        let t = threads(vec![
            (a, item("a3", true)),
            (None, item("invitation", true)),
            (b, item("b2", false)),
            (a, item("a2", true)),
            (None, item("invitation 2", false)),
            (a, item("a1", false)),
        ]);
        let latest: Vec<&str> = t.iter().map(|t| t.latest.text.as_str()).collect();
        assert_eq!(latest, ["a3", "invitation", "b2", "invitation 2"]);
        assert_eq!(t[0].earlier.len(), 2);
        assert_eq!(t[0].unread(), 2);
        assert_eq!(t[2].unread(), 0);
    }
}
