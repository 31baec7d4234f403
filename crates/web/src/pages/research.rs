//! 商前调研 on a topic's page, and the 调研报告 written from it (DOCX, PDF).
use axum::extract::{Path, State};
use axum::response::Response;
use document::{Block, Document};
use domain::{AnalysisSection, ParticipantCategory, ResearchMethod, beijing_date};
use store::{Research, names_with_categories};

use crate::AppState;
use crate::documents::{Format, date_zh, send};
use crate::error::{AppError, AppResult};
use crate::view::fmt_time;

/// One record as the page shows it.
pub struct RecordView {
    pub heading: String,
    pub findings: String,
    pub participants: String,
    pub photos: Vec<store::Photo>,
}

/// The research part of a topic's page: what was found so far, what is
/// missing, and for the convener the choices its forms offer.
pub struct ResearchView {
    pub plan: Option<domain::ResearchPlan>,
    pub plan_methods: String,
    pub records: Vec<RecordView>,
    pub analysis: domain::Analysis,
    pub sections: Vec<(&'static str, &'static str, String)>,
    pub gaps: Vec<&'static str>,
    /// Anything written at all (the section and the report show only then).
    pub any: bool,
    /// The room's linked people (挂钩代表) the convener may tick: id, name, category.
    pub people: Vec<(i64, String, &'static str)>,
    pub methods: [ResearchMethod; 4],
}

impl ResearchView {
    pub fn new(r: &Research, people: &[store::User]) -> Self {
        let records = r
            .records
            .iter()
            .map(|rec| RecordView {
                heading: record_heading(rec),
                findings: rec.findings.clone(),
                participants: if rec.participants.is_empty() {
                    rec.participants_text.clone()
                } else {
                    names_with_categories(&rec.participants)
                },
                photos: rec.photos.clone(),
            })
            .collect();
        ResearchView {
            plan_methods: r.plan.as_ref().map(methods_text).unwrap_or_default(),
            plan: r.plan.clone(),
            records,
            sections: AnalysisSection::ALL
                .into_iter()
                .map(|s| (s.code(), s.label_zh(), r.analysis.section(s).to_owned()))
                .collect(),
            analysis: r.analysis.clone(),
            gaps: r.progress().gaps(),
            any: r.plan.is_some() || !r.records.is_empty() || r.analysis.is_started(),
            people: people
                .iter()
                .map(|u| {
                    let c = ParticipantCategory::primary(&u.categories);
                    (u.id.0, u.display_name.clone(), c.label_zh())
                })
                .collect(),
            methods: ResearchMethod::ALL,
        }
    }

    /// Whether the plan uses this method (the form's ticks).
    pub fn plans(&self, m: &ResearchMethod) -> bool {
        self.plan.as_ref().is_some_and(|p| p.methods.contains(m))
    }
}

fn methods_text(p: &domain::ResearchPlan) -> String {
    let m: Vec<&str> = p.methods.iter().map(|m| m.label_zh()).collect();
    m.join("、")
}

/// 「2026-12-01 实地走访 · 王庄村三组」; older records show when they were written.
fn record_heading(r: &store::ResearchRecord) -> String {
    let when =
        r.on.map_or_else(|| fmt_time(r.created_at), |d| d.to_string());
    let how = r
        .method
        .map(|m| format!(" {}", m.label_zh()))
        .unwrap_or_default();
    let place = if r.place.is_empty() {
        String::new()
    } else {
        format!(" · {}", r.place)
    };
    format!("{when}{how}{place}")
}

/// The 调研报告 written from the research, addressed to the leadership
/// of the subdistrict (or the nearest region) over the topic's room.
async fn report(state: &AppState, no: &str) -> AppResult<Document> {
    let t = state.store.topic_by_tracking(no).await?;
    let r = state.store.research(t.id).await?;
    if r.records.is_empty() && r.plan.is_none() {
        return Err(AppError::Store(store::StoreError::NotFound("调研报告")));
    }
    let room = state.store.room(t.room).await?;
    let chain = state.store.region_chain(room.region).await?;
    let leadership = chain
        .iter()
        .rev()
        .find(|g| g.level == domain::RegionLevel::Township)
        .or(chain.last())
        .map(|g| format!("{}党（工）委、办事处", g.name));
    let mut blocks = vec![
        Block::Heading("基本情况".into()),
        Block::Paragraph(format!(
            "{}，{}「{}」（查询码 {}）：{}",
            date_zh(beijing_date(t.created_at)),
            t.channel.label_zh(),
            t.title,
            t.tracking_no,
            t.body
        )),
        Block::Heading("调研开展情况".into()),
    ];
    if let Some(p) = &r.plan {
        let mut s = format!("本次调研围绕{}展开", p.questions.trim_end_matches('。'));
        if !p.lead.is_empty() {
            s.push_str(&format!("，由{}牵头", p.lead));
        }
        if !p.period.is_empty() {
            s.push_str(&format!("，于{}", p.period));
        }
        if !p.places.is_empty() {
            s.push_str(&format!("在{}", p.places));
        }
        s.push_str(&format!("采取{}等方式进行。", methods_text(p)));
        blocks.push(Block::Paragraph(s));
    }
    let people = r.people_by_category();
    if !people.is_empty() {
        let counted: Vec<String> = people
            .iter()
            .map(|(c, names)| format!("{}{}人", c.label_zh(), names.len()))
            .collect();
        blocks.push(Block::Paragraph(format!(
            "共开展调研{}次，参加人员中{}。",
            r.records.len(),
            counted.join("、")
        )));
    }
    for rec in &r.records {
        blocks.push(Block::Subheading(record_heading(rec)));
        blocks.push(Block::Paragraph(rec.findings.clone()));
        let who = if rec.participants.is_empty() {
            rec.participants_text.clone()
        } else {
            names_with_categories(&rec.participants)
        };
        if !who.is_empty() {
            blocks.push(Block::Paragraph(format!("参加人员：{who}。")));
        }
    }
    blocks.push(Block::Heading("分析".into()));
    for s in [
        AnalysisSection::Feasibility,
        AnalysisSection::Measures,
        AnalysisSection::Risks,
    ] {
        blocks.push(Block::Subheading(s.label_zh().into()));
        blocks.extend(Block::paragraphs(r.analysis.section(s), "（尚未填写）"));
    }
    blocks.push(Block::Heading("建议".into()));
    blocks.extend(Block::paragraphs(
        &r.analysis.recommendation,
        "（尚未填写）",
    ));
    let day = r
        .updated_at
        .map_or_else(|| state.store.clock().today(), beijing_date);
    Ok(Document {
        title: format!("关于{}的调研报告", t.title),
        addressee: leadership,
        blocks,
        issuer: room.name,
        date: date_zh(day),
    })
}

/// `GET /t/{no}/research/report.docx`: the 调研报告 for Word or WPS.
pub async fn research_report_docx(
    State(state): State<AppState>,
    Path(no): Path<String>,
) -> AppResult<Response> {
    send(
        report(&state, &no).await?,
        Format::Docx,
        &format!("research-{no}"),
    )
    .await
}

/// `GET /t/{no}/research/report.pdf`: the 调研报告 to print.
pub async fn research_report_pdf(
    State(state): State<AppState>,
    Path(no): Path<String>,
) -> AppResult<Response> {
    send(
        report(&state, &no).await?,
        Format::Pdf,
        &format!("research-{no}"),
    )
    .await
}
