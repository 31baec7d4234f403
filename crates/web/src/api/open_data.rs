//! 开放数据: a region's topics, meetings, opinions and tasks as CSV or
//! JSON, for anyone to download and reuse, with a data dictionary. No
//! resident's name, phone or words of their own beyond a topic's title and
//! place (as the public topic page shows them) are in it.
//!
//! The data dictionary is `dictionary.rs`. Exports stream: the store is read a page at a time and each page is
//! written out before the next is read, so a city's data takes no more
//! memory than a page.
use std::io;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::{MeetingId, Period, Punctuality, RegionId, TopicId};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::AppResult;
use crate::forms::{ApiPath, ApiQuery};

pub mod dictionary;
#[cfg(test)]
mod tests;

/// Records read from the store at a time.
const PAGE: u64 = 500;

/// The file an export comes as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    /// A JSON array of records.
    #[default]
    Json,
    /// CSV with a header row, UTF-8 with a byte-order mark (so Excel and
    /// WPS read the Chinese).
    Csv,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpenDataQuery {
    /// `json` (the default) or `csv`.
    pub format: Option<DataFormat>,
    /// `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08`; everything when
    /// absent. Topics (and their opinions and tasks) count by the day they
    /// were raised, meetings by the day they start.
    pub period: Option<String>,
}

/// A topic (议题) raised in the region.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicRecord {
    /// 查询码: the topic's number on its public page (`/t/{tracking_no}`).
    pub tracking_no: String,
    /// The room's code (议事室编码).
    pub room: String,
    /// The room's name.
    pub room_name: String,
    /// 来源: leadership (党政点题), resident (群众出题) or committee (委员荐题).
    pub channel: String,
    /// 类别, e.g. 交通出行.
    pub category: String,
    /// 议题: its one-line title.
    pub title: String,
    /// 地点, as typed.
    pub place: String,
    /// 状态: submitted, accepted, … completed, evaluated, reopened.
    pub state: String,
    /// 状态 in Chinese, e.g. 已办结.
    pub state_label: String,
    /// 受理结果: accepted, rejected, merged or referred; empty before triage.
    pub triage: Option<String>,
    /// 提出时间 (Beijing time, RFC 3339).
    pub raised_at: String,
    /// 受理时间.
    pub triaged_at: Option<String>,
    /// 商前调研次数.
    pub research_visits: i64,
    /// 首次协商会议时间.
    pub first_meeting_at: Option<String>,
    /// 协商意见条数.
    pub opinions: i64,
    /// 交办任务件数.
    pub tasks: i64,
    /// 办结时间.
    pub completed_at: Option<String>,
    /// 群众评价: satisfied, basic or unsatisfied; empty before rating.
    pub rating: Option<String>,
    /// 点赞数.
    pub like_count: i64,
}

/// A deliberation meeting (协商议事会) held by a room in the region.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingRecord {
    /// The meeting's number (`/m/{id}`).
    pub id: i64,
    /// The room's code.
    pub room: String,
    /// The room's name.
    pub room_name: String,
    /// 会议名称.
    pub title: String,
    /// 会议地点.
    pub place: String,
    /// 开始时间 (Beijing time, RFC 3339).
    pub starts_at: String,
    /// 状态: planned, notified, in_session or closed.
    pub state: String,
    /// 状态 in Chinese.
    pub state_label: String,
}

/// An opinion (协商意见) a meeting formed on a topic, with leadership's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpinionRecord {
    /// The opinion's number.
    pub id: i64,
    /// 查询码 of its topic.
    pub tracking_no: String,
    /// The meeting that formed it.
    pub meeting: i64,
    /// 意见内容.
    pub text: String,
    /// 采纳情况: adopt, partly_adopt or not_adopt; empty before review.
    pub decision: Option<String>,
    /// 采纳情况 in Chinese.
    pub decision_label: Option<String>,
    /// 形成时间 (Beijing time, RFC 3339).
    pub created_at: String,
}

/// A task (交办任务) given to a department for a topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskRecord {
    /// The task's number.
    pub id: i64,
    /// 查询码 of its topic.
    pub tracking_no: String,
    /// 承办部门.
    pub department: String,
    /// 任务内容.
    pub title: String,
    /// 状态: assigned, signed, in_progress, … done, verified.
    pub state: String,
    /// 状态 in Chinese.
    pub state_label: String,
    /// 交办时间 (Beijing time, RFC 3339).
    pub dispatched_at: String,
    /// 办理期限 (a day, after any extension granted).
    pub due_date: String,
    /// 办结日期: the day the department last reported it done, once accepted.
    pub done_on: Option<String>,
    /// 按期情况: done_on_time, done_late, pending or overdue.
    pub punctuality: String,
    /// 按期情况 in Chinese.
    pub punctuality_label: String,
}

/// A record of a dataset: its columns, in order (the CSV header).
pub trait Record: Serialize + ToSchema + Send + Sync + 'static {
    /// The column names, as the struct declares its fields.
    const COLUMNS: &'static [&'static str];
}

impl Record for TopicRecord {
    const COLUMNS: &'static [&'static str] = &[
        "tracking_no",
        "room",
        "room_name",
        "channel",
        "category",
        "title",
        "place",
        "state",
        "state_label",
        "triage",
        "raised_at",
        "triaged_at",
        "research_visits",
        "first_meeting_at",
        "opinions",
        "tasks",
        "completed_at",
        "rating",
        "like_count",
    ];
}

impl Record for MeetingRecord {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "room",
        "room_name",
        "title",
        "place",
        "starts_at",
        "state",
        "state_label",
    ];
}

impl Record for OpinionRecord {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "tracking_no",
        "meeting",
        "text",
        "decision",
        "decision_label",
        "created_at",
    ];
}

impl Record for TaskRecord {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "tracking_no",
        "department",
        "title",
        "state",
        "state_label",
        "dispatched_at",
        "due_date",
        "done_on",
        "punctuality",
        "punctuality_label",
    ];
}

/// Writes records out as they come, in the asked format.
struct Sink {
    tx: mpsc::Sender<io::Result<Bytes>>,
    format: DataFormat,
    first: bool,
}

impl Sink {
    /// The opening: CSV's byte-order mark and header, or JSON's `[`.
    async fn open<R: Record>(&mut self) -> bool {
        let head = match self.format {
            DataFormat::Json => b"[".to_vec(),
            DataFormat::Csv => {
                let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
                let _ = w.write_record(R::COLUMNS);
                w.into_inner().unwrap_or_default()
            }
        };
        self.send(head).await
    }

    /// One page of records; false when the reader has gone.
    async fn write<R: Record>(&mut self, rows: &[R]) -> bool {
        let mut out = Vec::new();
        match self.format {
            DataFormat::Json => {
                for r in rows {
                    if !self.first {
                        out.push(b',');
                    }
                    self.first = false;
                    if serde_json::to_writer(&mut out, r).is_err() {
                        return false;
                    }
                }
            }
            DataFormat::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut out);
                for r in rows {
                    if w.serialize(r).is_err() {
                        return false;
                    }
                }
                drop(w);
            }
        }
        self.send(out).await
    }

    /// The closing `]` of JSON.
    async fn close(mut self) {
        if self.format == DataFormat::Json {
            self.send(b"]".to_vec()).await;
        }
    }

    async fn send(&mut self, bytes: Vec<u8>) -> bool {
        bytes.is_empty() || self.tx.send(Ok(Bytes::from(bytes))).await.is_ok()
    }

    /// Cuts the download short, so the reader sees it is incomplete.
    async fn fail(self, e: impl std::fmt::Display) {
        tracing::warn!(error = %e, "open data export failed part way");
        let _ = self.tx.send(Err(io::Error::other(e.to_string()))).await;
    }
}

/// Starts `produce` writing into a streamed download named `{name}.{ext}`.
fn streamed<F, Fut>(format: DataFormat, name: &str, produce: F) -> Response
where
    F: FnOnce(Sink) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel(4);
    tokio::spawn(produce(Sink {
        tx,
        format,
        first: true,
    }));
    // The receiver itself: the response compressor asks once more after
    // the end, and a closed channel answers that it ended as often as asked.
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
    let (content_type, ext) = match format {
        DataFormat::Json => ("application/json", "json"),
        DataFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Beijing time, as the records give it.
fn at(t: DateTime<Utc>) -> String {
    t.with_timezone(&domain::BEIJING).to_rfc3339()
}

/// The region and period asked for, and the format.
async fn asked(
    state: &AppState,
    id: RegionId,
    q: &OpenDataQuery,
) -> AppResult<(store::Region, Period, DataFormat)> {
    let period = match q.period.as_deref() {
        Some(s) => Period::parse(s)?,
        None => Period::whole(),
    };
    let region = state.store.region(id).await?;
    Ok((region, period, q.format.unwrap_or_default()))
}

/// What a topic export writes from a page of the 台账.
type Pick<R> = fn(&[store::LedgerRow], &Names) -> Vec<R>;

/// Rooms' and departments' names, read once per export.
struct Names {
    rooms: Vec<store::Room>,
    departments: Vec<store::Department>,
    today: chrono::NaiveDate,
}

impl Names {
    async fn read(state: &AppState) -> AppResult<Names> {
        Ok(Names {
            rooms: state.store.rooms().await?,
            departments: state.store.departments().await?,
            today: state.store.clock().today(),
        })
    }

    fn room(&self, id: domain::RoomId) -> (String, String) {
        self.rooms.iter().find(|r| r.id == id).map_or_else(
            || (String::new(), String::new()),
            |r| (r.code.as_str().to_owned(), r.name.clone()),
        )
    }
}

/// A dataset read from the topics raised in the region, page by page.
async fn from_topics<R: Record>(
    state: AppState,
    id: RegionId,
    q: OpenDataQuery,
    dataset: &str,
    pick: Pick<R>,
) -> AppResult<Response> {
    let (region, period, format) = asked(&state, id, &q).await?;
    let names = Names::read(&state).await?;
    let name = format!("{dataset}-{}-{}", id.0, period.code());
    Ok(streamed(format, &name, move |mut sink| async move {
        if !sink.open::<R>().await {
            return;
        }
        let mut after: Option<TopicId> = None;
        loop {
            let page = match state.store.ledger(&region.path, &period, after, PAGE).await {
                Ok(page) => page,
                Err(e) => return sink.fail(e).await,
            };
            let Some(last) = page.last() else { break };
            after = Some(last.topic.id);
            if !sink.write(&pick(&page, &names)).await {
                return;
            }
        }
        sink.close().await;
    }))
}

fn topics_of(page: &[store::LedgerRow], names: &Names) -> Vec<TopicRecord> {
    page.iter()
        .map(|row| {
            let t = &row.topic;
            let (room, room_name) = names.room(t.room);
            TopicRecord {
                tracking_no: t.tracking_no.clone(),
                room,
                room_name,
                channel: t.channel.code().to_owned(),
                category: t.category.clone(),
                title: t.title.clone(),
                place: t.place.clone(),
                state: t.state.code().to_owned(),
                state_label: t.state.label_zh().to_owned(),
                triage: row.triage.map(|(k, _)| k.code().to_owned()),
                raised_at: at(t.created_at),
                triaged_at: row.triage.map(|(_, when)| at(when)),
                research_visits: row.research_visits as i64,
                first_meeting_at: row.meetings.first().map(|m| at(m.1)),
                opinions: row.opinions.len() as i64,
                tasks: row.tasks.len() as i64,
                completed_at: row.completed_at.map(at),
                rating: row.rating.map(|r| r.code().to_owned()),
                like_count: t.like_count,
            }
        })
        .collect()
}

fn opinions_of(page: &[store::LedgerRow], _: &Names) -> Vec<OpinionRecord> {
    page.iter()
        .flat_map(|row| {
            row.opinions.iter().map(|o| OpinionRecord {
                id: o.id.0,
                tracking_no: row.topic.tracking_no.clone(),
                meeting: o.meeting.0,
                text: o.text.clone(),
                decision: o.decision.map(|d| d.code().to_owned()),
                decision_label: o.decision.map(|d| d.label_zh().to_owned()),
                created_at: at(o.created_at),
            })
        })
        .collect()
}

fn tasks_of(page: &[store::LedgerRow], names: &Names) -> Vec<TaskRecord> {
    page.iter()
        .flat_map(|row| {
            row.tasks.iter().map(|(t, done)| {
                let punctuality = Punctuality::of(t.due_date, *done, names.today);
                TaskRecord {
                    id: t.id.0,
                    tracking_no: row.topic.tracking_no.clone(),
                    department: names
                        .departments
                        .iter()
                        .find(|d| d.id == t.department)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    title: t.title.clone(),
                    state: t.state.code().to_owned(),
                    state_label: t.state.label_zh().to_owned(),
                    dispatched_at: at(t.created_at),
                    due_date: t.due_date.to_string(),
                    done_on: done.map(|d| d.to_string()),
                    punctuality: punctuality.code().to_owned(),
                    punctuality_label: punctuality.label_zh().to_owned(),
                }
            })
        })
        .collect()
}

#[utoipa::path(get, path = "/api/regions/{id}/open-data/topics", tag = "open-data",
    params(("id" = i64, Path, description = "region id"), OpenDataQuery),
    responses((status = 200, description = "the region's topics, streamed",
        content((Vec<TopicRecord> = "application/json"), (String = "text/csv")))))]
pub async fn topics(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<OpenDataQuery>,
) -> AppResult<Response> {
    from_topics(state, id, q, "topics", topics_of).await
}

#[utoipa::path(get, path = "/api/regions/{id}/open-data/opinions", tag = "open-data",
    params(("id" = i64, Path, description = "region id"), OpenDataQuery),
    responses((status = 200, description = "the opinions formed on the region's topics, streamed",
        content((Vec<OpinionRecord> = "application/json"), (String = "text/csv")))))]
pub async fn opinions(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<OpenDataQuery>,
) -> AppResult<Response> {
    from_topics(state, id, q, "opinions", opinions_of).await
}

#[utoipa::path(get, path = "/api/regions/{id}/open-data/tasks", tag = "open-data",
    params(("id" = i64, Path, description = "region id"), OpenDataQuery),
    responses((status = 200, description = "the tasks given for the region's topics, streamed",
        content((Vec<TaskRecord> = "application/json"), (String = "text/csv")))))]
pub async fn tasks(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<OpenDataQuery>,
) -> AppResult<Response> {
    from_topics(state, id, q, "tasks", tasks_of).await
}

#[utoipa::path(get, path = "/api/regions/{id}/open-data/meetings", tag = "open-data",
    params(("id" = i64, Path, description = "region id"), OpenDataQuery),
    responses((status = 200, description = "the meetings of the region's rooms, streamed",
        content((Vec<MeetingRecord> = "application/json"), (String = "text/csv")))))]
pub async fn meetings(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<OpenDataQuery>,
) -> AppResult<Response> {
    let (region, period, format) = asked(&state, id, &q).await?;
    let names = Names::read(&state).await?;
    let name = format!("meetings-{}-{}", id.0, period.code());
    Ok(streamed(format, &name, move |mut sink| async move {
        if !sink.open::<MeetingRecord>().await {
            return;
        }
        let mut after: Option<MeetingId> = None;
        loop {
            let page = match state
                .store
                .meetings_under(&region.path, &period, after, PAGE)
                .await
            {
                Ok(page) => page,
                Err(e) => return sink.fail(e).await,
            };
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            let rows: Vec<MeetingRecord> = page
                .iter()
                .map(|m| {
                    let (room, room_name) = names.room(m.room);
                    MeetingRecord {
                        id: m.id.0,
                        room,
                        room_name,
                        title: m.title.clone(),
                        place: m.place.clone(),
                        starts_at: at(m.starts_at),
                        state: m.state.code().to_owned(),
                        state_label: m.state.label_zh().to_owned(),
                    }
                })
                .collect();
            if !sink.write(&rows).await {
                return;
            }
        }
        sink.close().await;
    }))
}
