//! The 工作台账 as XLSX: one row per topic raised in the period with its
//! whole chain, one sheet per room after a 汇总 sheet. Dates are dates, the
//! header stays in view and filters. No resident's name or phone is in it.
use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use document::{Cell, Sheet};
use domain::{EventKind, ExportId, Period, Punctuality, RegionId, TopicId, beijing_date};
use store::{Department, LedgerRow, Region, Room};

use super::figures::{FiguresQuery, period_of};
use crate::AppState;
use crate::auth::Viewer;
use crate::documents::send_sheets;
use crate::error::AppResult;

/// Topics read from the store at a time.
const PAGE: u64 = 500;

/// A topic row's columns.
const HEADER: [&str; 20] = [
    "查询码",
    "议题",
    "类别",
    "地点",
    "来源",
    "状态",
    "提出日期",
    "受理日期",
    "调研次数",
    "首次调研日期",
    "协商会议",
    "会议日期",
    "协商意见",
    "采纳情况",
    "承办部门",
    "办理期限",
    "按期情况",
    "办结日期",
    "群众评价",
    "点赞数",
];

/// The 汇总 sheet's columns.
const SUMMARY: [&str; 9] = [
    "议事室",
    "议题",
    "受理立项",
    "上会协商",
    "交办任务",
    "按期办结",
    "已逾期",
    "办结议题",
    "点赞数",
];

/// A room's totals on the 汇总 sheet.
#[derive(Default)]
struct Totals {
    topics: u64,
    accepted: u64,
    deliberated: u64,
    tasks: u64,
    on_time: u64,
    overdue: u64,
    completed: u64,
    likes: i64,
}

/// `GET /figures/{region}/ledger.xlsx`: sent while the request waits when
/// it is small; a large region's is made in the background, and the asker
/// is sent to a page that shows how far it has got (`export`).
pub async fn xlsx(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<RegionId>,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let period = period_of(&state, q.period.as_deref())?;
    let region = state.store.region(id).await?;
    let total = state.store.ledger_size(&region.path, &period).await?;
    if total <= state.config.ledger_at_once {
        let sheets = sheets(&state, &region, &period, None).await?;
        return send_sheets(sheets, &file_name(id, &period)).await;
    }
    super::export::start(&state, &viewer, region, period, total).await
}

/// The download's name: `ledger-{region}-{period}.xlsx`.
pub(super) fn file_name(region: RegionId, period: &Period) -> String {
    format!("ledger-{}-{}", region.0, period.code())
}

/// The 台账's sheets: 汇总, then one per room. Made for an export, its
/// count of topics written moves after each page.
pub(super) async fn sheets(
    state: &AppState,
    region: &Region,
    period: &Period,
    export: Option<ExportId>,
) -> AppResult<Vec<Sheet>> {
    let store = &state.store;
    let rooms = store.rooms().await?;
    let departments = store.departments().await?;
    let today = store.clock().today();
    let mut by_room: BTreeMap<i64, (Vec<Vec<Cell>>, Totals)> = BTreeMap::new();
    let mut after: Option<TopicId> = None;
    let mut done = 0;
    loop {
        let page = store.ledger(&region.path, period, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.topic.id);
        for row in &page {
            let (rows, totals) = by_room.entry(row.topic.room.0).or_default();
            totals.add(row, today);
            rows.push(cells(row, &departments, today));
        }
        done += page.len() as u64;
        if let Some(export) = export {
            store.export_moved(export, done).await?;
        }
    }
    let name_of = |room: i64| {
        rooms
            .iter()
            .find(|r| r.id.0 == room)
            .map_or_else(|| format!("议事室{room}"), |r: &Room| r.name.clone())
    };
    let mut summary = Sheet {
        name: "汇总".into(),
        header: SUMMARY.iter().map(|h| (*h).to_owned()).collect(),
        rows: Vec::new(),
    };
    let mut sheets = Vec::new();
    let mut names = vec![summary.name.clone()];
    for (room, (rows, totals)) in by_room {
        let name = name_of(room);
        summary.rows.push(totals.cells(&name));
        sheets.push(Sheet {
            name: unique_sheet_name(&name, &mut names),
            header: HEADER.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        });
    }
    sheets.insert(0, summary);
    Ok(sheets)
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`, and
/// not one already used.
fn unique_sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{clean}（{n}）");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

fn day(at: Option<DateTime<Utc>>) -> Cell {
    date(at.map(beijing_date))
}

fn date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Text(String::new()), Cell::Date)
}

/// One topic's chain as a row.
fn cells(row: &LedgerRow, departments: &[Department], today: NaiveDate) -> Vec<Cell> {
    let t = &row.topic;
    let text = |s: String| Cell::Text(s);
    let dept = |id| {
        departments
            .iter()
            .find(|d| d.id == id)
            .map_or("", |d| d.name.as_str())
    };
    let meetings = row
        .meetings
        .iter()
        .map(|(title, _)| title.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let opinions = row
        .opinions
        .iter()
        .map(|o| o.text.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let decisions = row
        .opinions
        .iter()
        .map(|o| o.decision.map_or("待研究", |d| d.label_zh()))
        .collect::<Vec<_>>()
        .join("；");
    let tasks = row
        .tasks
        .iter()
        .map(|(task, _)| dept(task.department))
        .collect::<Vec<_>>()
        .join("；");
    let punctuality = row
        .tasks
        .iter()
        .map(|(task, done)| Punctuality::of(task.due_date, *done, today).label_zh())
        .collect::<Vec<_>>()
        .join("；");
    vec![
        text(t.tracking_no.clone()),
        text(t.title.clone()),
        text(t.category.clone()),
        text(t.place.clone()),
        text(t.channel.label_zh().to_owned()),
        text(t.state.label_zh().to_owned()),
        day(Some(t.created_at)),
        day(row.triage.map(|(_, at)| at)),
        Cell::Number(row.research_visits as f64),
        date(row.researched_on),
        text(meetings),
        day(row.meetings.first().map(|m| m.1)),
        text(opinions),
        text(decisions),
        text(tasks),
        date(row.tasks.iter().map(|(task, _)| task.due_date).max()),
        text(punctuality),
        day(row.completed_at),
        text(row.rating.map_or("", |r| r.label_zh()).to_owned()),
        Cell::Number(t.like_count as f64),
    ]
}

impl Totals {
    fn add(&mut self, row: &LedgerRow, today: NaiveDate) {
        self.topics += 1;
        self.accepted += u64::from(matches!(row.triage, Some((EventKind::Accepted, _))));
        self.deliberated += u64::from(!row.meetings.is_empty());
        for (task, done) in &row.tasks {
            self.tasks += 1;
            match Punctuality::of(task.due_date, *done, today) {
                Punctuality::DoneOnTime => self.on_time += 1,
                Punctuality::Overdue => self.overdue += 1,
                _ => {}
            }
        }
        self.completed += u64::from(row.completed_at.is_some());
        self.likes += row.topic.like_count;
    }

    fn cells(&self, room: &str) -> Vec<Cell> {
        let n = |v: u64| Cell::Number(v as f64);
        vec![
            Cell::Text(room.to_owned()),
            n(self.topics),
            n(self.accepted),
            n(self.deliberated),
            n(self.tasks),
            n(self.on_time),
            n(self.overdue),
            n(self.completed),
            Cell::Number(self.likes as f64),
        ]
    }
}
