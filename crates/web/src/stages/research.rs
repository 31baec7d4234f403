//! 商前调研: the plan, each visit or study, and the analysis, as topic
//! moves (`act/research_plan`, `act/research`, `act/analysis`).
use domain::{Analysis, Note, Participant, ResearchMethod, ResearchPlan, ResearchVisit, UserId};
use store::TopicAction;

use crate::error::AppResult;
use crate::forms::{ActionInput, date, invalid, required};

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

/// `research_plan`: what, where, when, who leads, and how.
pub(crate) fn parse_plan(i: &ActionInput) -> AppResult<TopicAction> {
    let mut methods = Vec::new();
    for code in text(&i.methods)
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        methods
            .push(ResearchMethod::parse(code).ok_or_else(|| invalid("methods", "调研方式不正确"))?);
    }
    let plan = ResearchPlan::parse(
        text(&i.questions),
        text(&i.places),
        text(&i.period),
        text(&i.lead),
        methods,
    )?;
    Ok(TopicAction::PlanResearch { plan })
}

/// `research`: a visit's day, place, method, participants and findings
/// (photos are added by the page handler).
pub(crate) fn parse_visit(i: &ActionInput) -> AppResult<TopicAction> {
    let method = ResearchMethod::parse(required(&i.method, "method", "调研方式")?)
        .ok_or_else(|| invalid("method", "调研方式不正确"))?;
    let findings = Note::parse(required(&i.note, "note", "调研发现")?)?;
    let visit = ResearchVisit::new(
        date(&i.on, "on", "调研日期")?,
        text(&i.place),
        method,
        Participant::parse_lines(text(&i.participants))?,
        findings,
    )?;
    let people = ActionInput::ids(&i.people, "people", "参加人员")?
        .into_iter()
        .map(UserId)
        .collect();
    Ok(TopicAction::AddResearch {
        visit,
        people,
        photos: Vec::new(),
    })
}

/// `analysis`: 可行性, 实施措施, 潜在问题与风险, 建议.
pub(crate) fn parse_analysis(i: &ActionInput) -> AppResult<TopicAction> {
    let analysis = Analysis::parse(
        text(&i.feasibility),
        text(&i.measures),
        text(&i.risks),
        text(&i.recommendation),
    )?;
    Ok(TopicAction::WriteAnalysis { analysis })
}
