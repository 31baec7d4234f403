//! 会议纪要: the minutes page, the convener's form, and the minutes as DOCX
//! and PDF. Time, place, attendance by category, each item's opinions and
//! votes come from the records; the convener writes the chair, the
//! recorder, each item's discussion and anything else.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use document::{Block, Document};
use domain::{MeetingCtx, MeetingId, ParticipantCategory, TopicId};

use crate::AppState;
use crate::auth::Viewer;
use crate::documents::{Format, date_zh, send};
use crate::error::{AppError, AppResult};
use crate::view::{Nav, fmt_time, render};

/// One agenda item as the minutes record it.
pub struct ItemRecord {
    pub topic: i64,
    pub no: String,
    pub title: String,
    pub discussion: String,
    pub opinions: Vec<String>,
    pub votes: Vec<String>,
}

/// Everything the minutes say, from the records and what the convener wrote.
pub struct MinutesRecord {
    pub title: String,
    pub room: String,
    pub starts: String,
    pub day: chrono::NaiveDate,
    pub place: String,
    pub minutes: store::Minutes,
    /// Present, by category: label and names.
    pub present: Vec<(&'static str, Vec<String>)>,
    pub present_total: usize,
    /// Excused (请假).
    pub excused: Vec<String>,
    pub items: Vec<ItemRecord>,
    /// Votes not on an agenda item.
    pub other_votes: Vec<String>,
}

fn vote_line(v: &store::Vote) -> String {
    let result = match (v.open, v.passed()) {
        (true, _) => "表决中",
        (false, true) => "通过",
        (false, false) => "未通过",
    };
    format!(
        "{}（{}）：赞成{}、反对{}、弃权{}，{}",
        v.question,
        v.mode.label_zh(),
        v.counts[0],
        v.counts[1],
        v.counts[2],
        result
    )
}

/// The minutes of a meeting, as far as they go.
pub async fn record(state: &AppState, id: MeetingId) -> AppResult<MinutesRecord> {
    let m = state.store.meeting(id).await?;
    let room = state.store.room(m.room).await?;
    let minutes = state.store.minutes(id).await?;
    let list = state.store.invitations(id).await?;
    let live = state.store.live(id).await?;
    let agenda = state.store.agenda(id).await?;
    let mut present: Vec<(&'static str, Vec<String>)> = Vec::new();
    for c in ParticipantCategory::ALL {
        let names: Vec<String> = list
            .iter()
            .filter(|i| i.present_at.is_some() && i.category == c)
            .map(|i| i.name.clone())
            .collect();
        if !names.is_empty() {
            present.push((c.label_zh(), names));
        }
    }
    let mut items = Vec::new();
    for t in &agenda {
        let opinions = state
            .store
            .opinions(t.id)
            .await?
            .into_iter()
            .filter(|o| o.meeting == id)
            .map(|o| o.text)
            .collect();
        items.push(ItemRecord {
            topic: t.id.0,
            no: t.tracking_no.clone(),
            title: t.title.clone(),
            discussion: minutes
                .discussions
                .iter()
                .find(|(d, _)| *d == t.id)
                .map(|(_, text)| text.clone())
                .unwrap_or_default(),
            opinions,
            votes: live
                .votes
                .iter()
                .filter(|v| v.topic == Some(t.id))
                .map(vote_line)
                .collect(),
        });
    }
    Ok(MinutesRecord {
        present_total: list.iter().filter(|i| i.present_at.is_some()).count(),
        excused: list
            .iter()
            .filter(|i| i.rsvp == domain::Rsvp::Excused && i.present_at.is_none())
            .map(|i| i.name.clone())
            .collect(),
        other_votes: live
            .votes
            .iter()
            .filter(|v| v.topic.is_none_or(|t| !agenda.iter().any(|a| a.id == t)))
            .map(vote_line)
            .collect(),
        title: m.title,
        room: room.name,
        starts: fmt_time(m.starts_at),
        day: domain::beijing_date(m.starts_at),
        place: m.place,
        minutes,
        present,
        items,
    })
}

impl MinutesRecord {
    /// 「共到会12人，其中政协委员1人（惠建英）、群众5人（…）」.
    pub fn attendance_line(&self) -> String {
        let parts: Vec<String> = self
            .present
            .iter()
            .map(|(c, names)| format!("{c}{}人（{}）", names.len(), names.join("、")))
            .collect();
        if parts.is_empty() {
            return "无签到记录".into();
        }
        format!("共到会{}人，其中{}", self.present_total, parts.join("，"))
    }

    fn document(&self) -> Document {
        let mut blocks = vec![
            Block::Line(format!("时间：{}", self.starts)),
            Block::Line(format!("地点：{}", self.place)),
            Block::Line(format!("主持人：{}", self.minutes.chair)),
            Block::Line(format!("记录人：{}", self.minutes.recorder)),
            Block::Line(format!("出席：{}", self.attendance_line())),
        ];
        if !self.excused.is_empty() {
            blocks.push(Block::Line(format!("请假：{}", self.excused.join("、"))));
        }
        for item in &self.items {
            blocks.push(Block::Heading(format!("关于{}", item.title)));
            blocks.push(Block::Subheading("讨论情况".into()));
            blocks.extend(Block::paragraphs(&item.discussion, "（未记录）"));
            if !item.opinions.is_empty() {
                blocks.push(Block::Subheading("协商意见".into()));
                blocks.extend(item.opinions.iter().map(|o| Block::Paragraph(o.clone())));
            }
            if !item.votes.is_empty() {
                blocks.push(Block::Subheading("表决情况".into()));
                blocks.extend(item.votes.iter().map(|v| Block::Paragraph(v.clone())));
            }
        }
        if !self.other_votes.is_empty() || !self.minutes.summary.trim().is_empty() {
            blocks.push(Block::Heading("其他事项".into()));
            blocks.extend(self.other_votes.iter().map(|v| Block::Paragraph(v.clone())));
            blocks.extend(Block::paragraphs(&self.minutes.summary, "（未记录）"));
        }
        Document {
            title: format!("{}会议纪要", self.title),
            addressee: None,
            blocks,
            issuer: self.room.clone(),
            date: date_zh(self.day),
        }
    }
}

/// Whether this viewer may read the minutes: anyone once published, the
/// room's convener while they are a draft.
async fn readable(state: &AppState, viewer: &Viewer, id: MeetingId) -> AppResult<MinutesRecord> {
    let r = record(state, id).await?;
    if r.minutes.published_at.is_none() {
        let m = state.store.meeting(id).await?;
        let ctx = MeetingCtx {
            state: m.state,
            room: m.room,
        };
        if domain::may_write_minutes(&ctx, &viewer.actor).is_err() {
            return Err(AppError::Store(store::StoreError::NotFound("会议纪要")));
        }
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "minutes.html")]
struct MinutesPage {
    nav: Nav,
    id: i64,
    r: MinutesRecord,
    attendance: String,
    published: bool,
}

/// `GET /m/{id}/minutes`.
pub async fn minutes_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<MeetingId>,
) -> AppResult<Html<String>> {
    let r = readable(&state, &viewer, id).await?;
    Ok(Html(render(&MinutesPage {
        nav: Nav::of(&viewer),
        id: id.0,
        attendance: r.attendance_line(),
        published: r.minutes.published_at.is_some(),
        r,
    })))
}

/// `GET /m/{id}/minutes.docx`.
pub async fn minutes_docx(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let r = readable(&state, &viewer, id).await?;
    send(r.document(), Format::Docx, &format!("minutes-{}", id.0)).await
}

/// `GET /m/{id}/minutes.pdf`.
pub async fn minutes_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let r = readable(&state, &viewer, id).await?;
    send(r.document(), Format::Pdf, &format!("minutes-{}", id.0)).await
}

/// The convener's minutes form on the meeting page: the record so far.
pub async fn form_for(
    state: &AppState,
    viewer: &Viewer,
    m: &store::Meeting,
) -> AppResult<Option<MinutesRecord>> {
    let ctx = MeetingCtx {
        state: m.state,
        room: m.room,
    };
    if domain::may_write_minutes(&ctx, &viewer.actor).is_err() {
        return Ok(None);
    }
    Ok(Some(record(state, m.id).await?))
}

/// The discussion fields of the minutes form: `discussion_{topic id}`.
pub fn discussions(input: &std::collections::HashMap<String, String>) -> Vec<(TopicId, String)> {
    input
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("discussion_")?.parse().ok()?;
            Some((TopicId(id), v.trim().to_owned()))
        })
        .collect()
}
