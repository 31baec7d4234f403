//! 委员履职档案: the list of committee members and deputies with the year's
//! figures, each member's record (filled from the chain, never typed), and
//! the yearly duty sheet as XLSX and PDF.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use chrono::Datelike;
use document::{Block, Cell, Document, Sheet};
use domain::{ParticipantCategory, RegionLevel, UserId, beijing_date};
use serde::Deserialize;
use store::DutyRecord;

use crate::AppState;
use crate::auth::Viewer;
use crate::documents::{Format, date_zh, send, send_sheets};
use crate::error::{AppError, AppResult};
use crate::view::{Nav, render};

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

fn year_of(state: &AppState, q: &YearQuery) -> i32 {
    q.year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| state.store.clock().today().year())
}

fn categories(u: &store::User) -> String {
    let c: Vec<&str> = u
        .categories
        .iter()
        .map(ParticipantCategory::label_zh)
        .collect();
    c.join("、")
}

/// One member on the list with the year's counts.
struct MemberRow {
    id: i64,
    name: String,
    categories: String,
    title: String,
    rooms: String,
    attended: usize,
    invited: usize,
    recommended: usize,
    research: usize,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    nav: Nav,
    year: i32,
    /// Per subdistrict: 「共开展协商议事活动N场，其中县政协委员参加议事活动M场」.
    figures: Vec<String>,
    members: Vec<MemberRow>,
}

/// `GET /members`: the year's members and figures.
pub async fn members(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<YearQuery>,
) -> AppResult<Html<String>> {
    let year = year_of(&state, &q);
    let mut figures = Vec::new();
    for r in state.store.regions().await? {
        if r.level != RegionLevel::Township {
            continue;
        }
        let (held, with) = state.store.meetings_with_cppcc(&r.path, year).await?;
        if held > 0 {
            figures.push(format!(
                "{}：{year}年共开展协商议事活动{held}场，其中县政协委员参加议事活动{with}场",
                r.name
            ));
        }
    }
    let mut rows = Vec::new();
    for u in state.store.members().await? {
        let d = state.store.duty_record(u.id, year).await?;
        rows.push(MemberRow {
            id: u.id.0,
            name: u.display_name.clone(),
            categories: categories(&u),
            title: u.title.clone(),
            rooms: d.rooms.join("、"),
            attended: d.attended(),
            invited: d.meetings.len(),
            recommended: d.recommended.len(),
            research: d.research.len(),
        });
    }
    Ok(Html(render(&MembersPage {
        nav: Nav::of(&viewer),
        year,
        figures,
        members: rows,
    })))
}

/// A member's record, or not found for someone who is not a member.
async fn record(state: &AppState, id: UserId, year: i32) -> AppResult<DutyRecord> {
    if !state.store.members().await?.iter().any(|u| u.id == id) {
        return Err(AppError::Store(store::StoreError::NotFound("委员")));
    }
    Ok(state.store.duty_record(id, year).await?)
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    nav: Nav,
    id: i64,
    year: i32,
    d: DutyRecord,
    categories: String,
    /// date, meeting, room, answer, attended, speeches, opinions.
    meetings: Vec<(String, String, String, &'static str, bool, u32, u32)>,
}

/// `GET /members/{id}`: one member's record for the year.
pub async fn member(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<UserId>,
    Query(q): Query<YearQuery>,
) -> AppResult<Html<String>> {
    let year = year_of(&state, &q);
    let d = record(&state, id, year).await?;
    Ok(Html(render(&MemberPage {
        nav: Nav::of(&viewer),
        id: id.0,
        year,
        categories: categories(&d.user),
        meetings: d
            .meetings
            .iter()
            .map(|m| {
                (
                    beijing_date(m.starts_at).to_string(),
                    m.title.clone(),
                    m.room.clone(),
                    m.rsvp.label_zh(),
                    m.attended,
                    m.speeches,
                    m.opinions,
                )
            })
            .collect(),
        d,
    })))
}

/// The duty sheet's columns (XLSX and PDF alike).
const SHEET_HEADER: [&str; 4] = ["日期", "履职事项", "内容", "情况"];

/// The duty sheet's rows: one per thing done, by date.
fn activities(d: &DutyRecord) -> Vec<(chrono::NaiveDate, &'static str, String, String)> {
    let mut rows = Vec::new();
    for m in &d.meetings {
        let what = if m.attended {
            "参加协商议事会"
        } else {
            "受邀协商议事会"
        };
        let mut how = match (m.attended, m.speeches) {
            (false, _) => format!("未出席（{}）", m.rsvp.label_zh()),
            (true, 0) => "出席".to_owned(),
            (true, n) => format!("出席，发言{n}次"),
        };
        if m.opinions > 0 {
            how.push_str(&format!("，会议形成协商意见{}条", m.opinions));
        }
        rows.push((
            beijing_date(m.starts_at),
            what,
            format!("{}（{}）", m.title, m.room),
            how,
        ));
    }
    for t in &d.recommended {
        rows.push((
            t.on,
            "委员荐题",
            t.title.clone(),
            t.state.label_zh().to_owned(),
        ));
    }
    for t in &d.research {
        rows.push((
            t.on,
            "参加商前调研",
            t.title.clone(),
            t.state.label_zh().to_owned(),
        ));
    }
    rows.sort_by_key(|r| r.0);
    rows
}

fn summary(d: &DutyRecord) -> String {
    format!(
        "{}年，受邀参加协商议事会{}场，出席{}场，发言{}次，参与形成协商意见{}条；委员荐题{}件；参加商前调研{}次。",
        d.year,
        d.meetings.len(),
        d.attended(),
        d.speeches(),
        d.opinions(),
        d.recommended.len(),
        d.research.len()
    )
}

/// `GET /members/{id}/duty.xlsx`: the yearly duty sheet.
pub async fn duty_xlsx(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&state, &q);
    let d = record(&state, id, year).await?;
    let sheet = Sheet {
        name: format!("{}年履职档案", year),
        header: SHEET_HEADER.map(str::to_owned).to_vec(),
        rows: activities(&d)
            .into_iter()
            .map(|(on, what, content, how)| {
                vec![
                    Cell::Date(on),
                    Cell::Text(what.into()),
                    Cell::Text(content),
                    Cell::Text(how),
                ]
            })
            .collect(),
    };
    send_sheets(vec![sheet], &format!("duty-{}-{year}", id.0)).await
}

/// `GET /members/{id}/duty.pdf`: the yearly duty sheet to print.
pub async fn duty_pdf(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&state, &q);
    let d = record(&state, id, year).await?;
    let rows: Vec<Vec<String>> = activities(&d)
        .into_iter()
        .map(|(on, what, content, how)| vec![on.to_string(), what.into(), content, how])
        .collect();
    let doc = Document {
        title: format!("{}{}年度履职档案", d.user.display_name, year),
        addressee: None,
        blocks: vec![
            Block::Line(format!("身份：{}", categories(&d.user))),
            Block::Line(format!("职务：{}", d.user.title)),
            Block::Line(format!("挂钩议事室：{}", d.rooms.join("、"))),
            Block::Heading("履职概况".into()),
            Block::Paragraph(summary(&d)),
            Block::Heading("履职明细".into()),
            Block::Table {
                header: SHEET_HEADER.map(str::to_owned).to_vec(),
                rows,
            },
        ],
        issuer: "有事好商量协商议事平台".into(),
        date: date_zh(state.store.clock().today()),
    };
    send(doc, Format::Pdf, &format!("duty-{}-{year}", id.0)).await
}

impl MemberPage {
    fn summary(&self) -> String {
        summary(&self.d)
    }
}
