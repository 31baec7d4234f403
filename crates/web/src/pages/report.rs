//! A region's 工作情况报告 for a period, as DOCX and PDF: the summary in
//! the register of a report upward, every figure against the period
//! before, charts drawn on the server, the topics resolved, the places and
//! departments, and how each figure is counted. Public, as its figures are.
use axum::extract::{Path, Query, State};
use axum::response::Response;
use document::{Block, Chart, Document};
use domain::{Kpi, Period, RegionId};

use super::figures::{
    FiguresQuery, GROUPS, Place, departments, period_of, places, ranked_on, summary,
};
use super::screen::FUNNEL;
use crate::AppState;
use crate::documents::{Format, date_zh, send};
use crate::error::AppResult;

/// `GET /figures/{region}/report.docx`.
pub async fn docx(
    state: State<AppState>,
    id: Path<RegionId>,
    q: Query<FiguresQuery>,
) -> AppResult<Response> {
    report(state, id, q, Format::Docx).await
}

/// `GET /figures/{region}/report.pdf`.
pub async fn pdf(
    state: State<AppState>,
    id: Path<RegionId>,
    q: Query<FiguresQuery>,
) -> AppResult<Response> {
    report(state, id, q, Format::Pdf).await
}

async fn report(
    State(state): State<AppState>,
    Path(id): Path<RegionId>,
    Query(q): Query<FiguresQuery>,
    format: Format,
) -> AppResult<Response> {
    let period = period_of(&state, q.period.as_deref())?;
    let doc = written(&state, id, &period).await?;
    send(doc, format, &format!("report-{}-{}", id.0, period.code())).await
}

/// The most topics, places and departments a report lists.
const NOTABLE: u64 = 5;
const CATEGORIES: usize = 8;

/// The report's text and tables, from the kept figures.
async fn written(state: &AppState, id: RegionId, period: &Period) -> AppResult<Document> {
    let store = &state.store;
    let region = store.region(id).await?;
    let now = store.figures(&region.path, period).await?;
    let before = store.figures(&region.path, &period.previous()).await?;
    let notable = store
        .notable_resolved(&region.path, period, NOTABLE)
        .await?;
    let mut blocks = vec![
        Block::Heading("总体情况".into()),
        Block::Paragraph(summary(&region.name, period, &now, &notable)),
        Block::Heading("主要指标".into()),
        Block::Line(format!(
            "下表列出{}各项指标，并与上一统计期（{}）对比。",
            period.label_zh(),
            period.previous().label_zh()
        )),
    ];
    for (title, kpis) in GROUPS {
        blocks.push(Block::Subheading(title.into()));
        blocks.push(Block::Table {
            header: vec!["指标".into(), "本期".into(), "上期".into()],
            rows: kpis
                .iter()
                .map(|k| {
                    vec![
                        k.label_zh().to_owned(),
                        k.reading(&now).text_zh(),
                        k.reading(&before).text_zh(),
                    ]
                })
                .collect(),
        });
    }
    let months = store.figures_by_month(&region.path, period).await?;
    let categories = store.figures_by_category(&region.path, period).await?;
    blocks.push(Block::Chart(Chart {
        title: "图1 协商议事全链条".into(),
        unit: String::new(),
        bars: FUNNEL
            .iter()
            .map(|(name, k)| ((*name).to_owned(), k.reading(&now).value()))
            .collect(),
    }));
    blocks.push(Block::Chart(Chart {
        title: "图2 各月收到议题".into(),
        unit: "个".into(),
        bars: months
            .iter()
            .map(|(m, t)| {
                let label = format!("{}年{}月", m.year(), m.month());
                (label, Kpi::Raised.reading(t).value())
            })
            .collect(),
    }));
    if !categories.is_empty() {
        blocks.push(Block::Chart(Chart {
            title: "图3 议题类别".into(),
            unit: "个".into(),
            bars: categories
                .iter()
                .take(CATEGORIES)
                .map(|(c, n)| (c.clone(), *n as f64))
                .collect(),
        }));
    }
    blocks.push(Block::Heading("典型议题".into()));
    if notable.is_empty() {
        blocks.push(Block::Paragraph("本期暂无办结议题。".into()));
    }
    let rooms = store.rooms().await?;
    for t in &notable {
        let room = rooms
            .iter()
            .find(|r| r.id == t.room)
            .map_or("", |r| r.name.as_str());
        blocks.push(Block::Paragraph(format!(
            "{}（{}，查询码{}）：已办结，群众点赞{}次。",
            t.title, room, t.tracking_no, t.like_count
        )));
    }
    let (places_title, places) = places(state, &region, period).await?;
    blocks.push(Block::Heading(format!("{places_title}情况")));
    blocks.push(table(
        ranked_on(places, Kpi::Raised),
        "名称",
        &[
            Kpi::Raised,
            Kpi::MeetingsHeld,
            Kpi::Completed,
            Kpi::Satisfaction,
        ],
    ));
    blocks.push(Block::Heading("部门办理情况".into()));
    blocks.push(table(
        ranked_on(departments(state, &region, period).await?, Kpi::DoneOnTime),
        "部门",
        &[
            Kpi::TasksDispatched,
            Kpi::DoneOnTime,
            Kpi::OverdueNow,
            Kpi::YellowCards,
            Kpi::RedCards,
        ],
    ));
    blocks.push(Block::Heading("统计口径".into()));
    blocks.extend(
        Kpi::ALL
            .iter()
            .map(|k| Block::Line(format!("{}：{}", k.label_zh(), k.how_counted()))),
    );
    Ok(Document {
        title: format!(
            "{}{}“有事好商量”协商议事工作情况报告",
            region.name,
            period.label_zh()
        ),
        addressee: None,
        blocks,
        issuer: region.name,
        date: date_zh(store.clock().today()),
    })
}

/// Places as a table: their name, then one column per figure.
fn table(places: Vec<Place>, first: &str, kpis: &[Kpi]) -> Block {
    let mut header = vec![first.to_owned()];
    header.extend(kpis.iter().map(|k| k.label_zh().to_owned()));
    let rows = if places.is_empty() {
        vec![vec!["（无）".to_owned()]]
    } else {
        places
            .iter()
            .map(|p| {
                let mut row = vec![p.name.clone()];
                row.extend(kpis.iter().map(|k| k.reading(&p.now).text_zh()));
                row
            })
            .collect()
    };
    Block::Table { header, rows }
}
