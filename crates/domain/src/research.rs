//! 商前调研: the plan, the records of each visit or study and who took part,
//! and the analysis. "不调研不建议、调研不精准不建议": a topic goes on a
//! meeting's agenda only when its research is complete (see [`ResearchProgress`]).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::labels::labelled;
use crate::values::{Limits, limited};
use crate::{DomainError, Note, ParticipantCategory, PersonName, UserId};

labelled!(
    /// How research finds things out.
    ResearchMethod {
        Visit => "visit", "实地走访";
        Forum => "forum", "座谈";
        Survey => "survey", "问卷";
        Documents => "documents", "查阅资料";
    }
);

labelled!(
    /// A section of the research analysis; the report numbers them in this order.
    AnalysisSection {
        Feasibility => "feasibility", "可行性";
        Measures => "measures", "实施措施";
        Risks => "risks", "潜在问题与风险";
        Recommendation => "recommendation", "建议";
    }
);

/// What the research sets out to find, where, when, led by whom and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResearchPlan {
    /// What to find out.
    pub questions: String,
    /// Where to go.
    pub places: String,
    /// When (free text such as 12月上旬, or dates).
    pub period: String,
    /// Who leads it.
    pub lead: String,
    /// How, at least one way.
    pub methods: Vec<ResearchMethod>,
}

impl ResearchPlan {
    /// What to find out: required, several lines.
    pub const QUESTIONS: Limits = (2, 2000, true);
    /// Where: may be left empty.
    pub const PLACES: Limits = (0, 200, false);
    /// When: may be left empty.
    pub const PERIOD: Limits = (0, 60, false);
    /// Who leads: required.
    pub const LEAD: Limits = (1, 60, false);

    /// Checks each field (errors name it, in Chinese); no method is refused.
    pub fn parse(
        questions: &str,
        places: &str,
        period: &str,
        lead: &str,
        methods: Vec<ResearchMethod>,
    ) -> Result<Self, DomainError> {
        if methods.is_empty() {
            return Err(DomainError::invalid("methods", "请至少选择一种调研方式"));
        }
        let mut unique = Vec::new();
        for m in methods {
            if !unique.contains(&m) {
                unique.push(m);
            }
        }
        Ok(ResearchPlan {
            questions: limited("questions", "调研内容", questions, Self::QUESTIONS)?,
            places: limited("places", "调研地点", places, Self::PLACES)?,
            period: limited("period", "调研时间", period, Self::PERIOD)?,
            lead: limited("lead", "牵头人", lead, Self::LEAD)?,
            methods: unique,
        })
    }
}

/// One person who took part in a research visit or sat in a meeting, with
/// the category that counts them in the mix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Their name as shown.
    pub name: String,
    /// 行家里手, 党员, 村民代表, …
    pub category: ParticipantCategory,
    /// Their account, when chosen from the people registered.
    pub user: Option<UserId>,
}

impl Participant {
    /// A person typed in: 「王建国 行家里手」 or 「王建国（党员）」; without a
    /// category they count as 群众.
    pub fn parse_line(line: &str) -> Result<Self, DomainError> {
        let line = line.trim().trim_end_matches(['）', ')']);
        let (name, category) = match line.rfind([' ', '\u{3000}', '（', '(', '，', ',', '、']) {
            Some(at) => {
                let (name, rest) = line.split_at(at);
                let tag = rest
                    .trim_start_matches([' ', '\u{3000}', '（', '(', '，', ',', '、'])
                    .trim();
                match ParticipantCategory::from_zh(tag) {
                    Some(c) => (name, c),
                    None => {
                        return Err(DomainError::invalid(
                            "participants",
                            format!(
                                "「{tag}」不是参加人员类别，可写：行家里手、党员、村民代表、群众、人大代表、政协委员、部门"
                            ),
                        ));
                    }
                }
            }
            None => (line, ParticipantCategory::Public),
        };
        Ok(Participant {
            name: PersonName::parse(name)?.to_string(),
            category,
            user: None,
        })
    }

    /// Every line of a typed list, blank lines skipped (at most 60 people).
    pub fn parse_lines(raw: &str) -> Result<Vec<Self>, DomainError> {
        let people = raw
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(Participant::parse_line)
            .collect::<Result<Vec<_>, _>>()?;
        if people.len() > 60 {
            return Err(DomainError::invalid("participants", "参加人员最多60人"));
        }
        Ok(people)
    }
}

/// A research visit or study: when, where, how, who, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResearchVisit {
    /// The day it took place (not after today).
    pub on: NaiveDate,
    /// Where.
    pub place: String,
    /// How.
    pub method: ResearchMethod,
    /// Who took part.
    pub participants: Vec<Participant>,
    /// What it found.
    pub findings: Note,
}

impl ResearchVisit {
    /// Where the visit took place: required, one line.
    pub const PLACE: Limits = (1, 100, false);

    /// Checks the place; the day is checked against today when the record is
    /// made (research records what happened, not plans).
    pub fn new(
        on: NaiveDate,
        place: &str,
        method: ResearchMethod,
        participants: Vec<Participant>,
        findings: Note,
    ) -> Result<Self, DomainError> {
        Ok(ResearchVisit {
            on,
            place: limited("place", "调研地点", place, Self::PLACE)?,
            method,
            participants,
            findings,
        })
    }
}

/// A visit is recorded on or after the day it took place.
pub(crate) fn check_visit_day(on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if on > today {
        return Err(DomainError::invalid("on", "调研日期不能晚于今天"));
    }
    Ok(())
}

/// The analysis as far as it is written; a section may be left for later.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// 可行性.
    pub feasibility: String,
    /// 实施措施.
    pub measures: String,
    /// 潜在问题与风险.
    pub risks: String,
    /// 建议.
    pub recommendation: String,
}

impl Analysis {
    /// Each section's limits.
    pub const SECTION: Limits = (0, 5000, true);

    /// Checks each section's text (each may be empty while being written).
    pub fn parse(
        feasibility: &str,
        measures: &str,
        risks: &str,
        recommendation: &str,
    ) -> Result<Self, DomainError> {
        let section =
            |s: AnalysisSection, raw: &str| limited(s.code(), s.label_zh(), raw, Self::SECTION);
        Ok(Analysis {
            feasibility: section(AnalysisSection::Feasibility, feasibility)?,
            measures: section(AnalysisSection::Measures, measures)?,
            risks: section(AnalysisSection::Risks, risks)?,
            recommendation: section(AnalysisSection::Recommendation, recommendation)?,
        })
    }

    /// A section's text.
    pub fn section(&self, s: AnalysisSection) -> &str {
        match s {
            AnalysisSection::Feasibility => &self.feasibility,
            AnalysisSection::Measures => &self.measures,
            AnalysisSection::Risks => &self.risks,
            AnalysisSection::Recommendation => &self.recommendation,
        }
    }

    /// Whether any section has been written.
    pub fn is_started(&self) -> bool {
        self.missing().len() < AnalysisSection::ALL.len()
    }

    /// The sections still empty, in order.
    pub fn missing(&self) -> Vec<AnalysisSection> {
        AnalysisSection::ALL
            .into_iter()
            .filter(|s| self.section(*s).trim().is_empty())
            .collect()
    }
}

/// How far a topic's research has come, as the scheduling rule sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResearchProgress {
    /// Research records (visits, forums, surveys, studies) kept.
    pub records: u32,
    /// Analysis sections still empty.
    pub missing: Vec<AnalysisSection>,
}

impl ResearchProgress {
    /// Nothing written yet: no record, every section missing.
    pub fn none() -> Self {
        ResearchProgress {
            records: 0,
            missing: AnalysisSection::ALL.to_vec(),
        }
    }

    /// What is still missing, in words (empty when research is complete).
    pub fn gaps(&self) -> Vec<&'static str> {
        let mut gaps = Vec::new();
        if self.records == 0 {
            gaps.push("调研记录");
        }
        gaps.extend(self.missing.iter().map(|s| s.label_zh()));
        gaps
    }

    /// At least one record and every analysis section filled.
    pub fn is_complete(&self) -> bool {
        self.gaps().is_empty()
    }

    /// The refusal to schedule a topic whose research is not complete.
    pub(crate) fn check_complete(&self) -> Result<(), DomainError> {
        if self.is_complete() {
            return Ok(());
        }
        Err(DomainError::Precondition(format!(
            "调研不精准不建议：尚缺{}，不能安排上会",
            self.gaps().join("、")
        )))
    }
}
