//! 商前调研 (research before deliberation): the plan, each visit or study
//! with who took part and its photos, and the analysis. Scheduling asks
//! [`progress`] whether the research is complete.
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Analysis, AnalysisSection, EventDetail, Participant, ParticipantCategory, ResearchMethod,
    ResearchPlan, ResearchProgress, ResearchVisit, TopicId, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::intake::{NewPhoto, PhotoOwner, attach_photos};
use crate::entity::{
    photo, research_analysis, research_participant, research_plan, research_record, user,
};
use crate::model::parsed;
use crate::{Photo, Result, Store, TopicRow, Who, WriteTx};

/// A research record (商前调研记录) with who took part and its photos.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResearchRecord {
    /// Its row id.
    pub id: i64,
    /// The topic researched.
    pub topic: TopicId,
    /// The day of the visit (records made before structured research have none).
    pub on: Option<NaiveDate>,
    /// Where.
    pub place: String,
    /// How (none on older records).
    pub method: Option<ResearchMethod>,
    /// What was found.
    pub findings: String,
    /// Who took part, each with a category.
    pub participants: Vec<Participant>,
    /// Who took part as typed on older records.
    pub participants_text: String,
    /// Evidence photos.
    pub photos: Vec<Photo>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Everything a topic's research holds: the report is written from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Research {
    /// The plan, once set.
    pub plan: Option<ResearchPlan>,
    /// The records, oldest first.
    pub records: Vec<ResearchRecord>,
    /// The analysis as far as written.
    pub analysis: Analysis,
    /// When the plan or analysis last changed, or the last record was made.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Research {
    /// How far it has come, as the scheduling rule sees it.
    pub fn progress(&self) -> ResearchProgress {
        ResearchProgress {
            records: crate::count(self.records.len() as u64),
            missing: self.analysis.missing(),
        }
    }

    /// Everyone who took part in any record, counted once per name, by category.
    pub fn people_by_category(&self) -> Vec<(ParticipantCategory, Vec<String>)> {
        let mut out: Vec<(ParticipantCategory, Vec<String>)> = Vec::new();
        for p in self.records.iter().flat_map(|r| &r.participants) {
            match out.iter_mut().find(|(c, _)| *c == p.category) {
                Some((_, names)) if names.contains(&p.name) => {}
                Some((_, names)) => names.push(p.name.clone()),
                None => out.push((p.category, vec![p.name.clone()])),
            }
        }
        out.sort_by_key(|(c, _)| ParticipantCategory::ALL.iter().position(|x| x == c));
        out
    }
}

/// Research progress for the rules: records kept and analysis sections still empty.
pub(crate) async fn progress<C: ConnectionTrait>(
    conn: &C,
    topic_id: i64,
) -> Result<ResearchProgress> {
    let records = research_record::Entity::find()
        .filter(research_record::Column::TopicId.eq(topic_id))
        .count(conn)
        .await?;
    let analysis = research_analysis::Entity::find()
        .filter(research_analysis::Column::TopicId.eq(topic_id))
        .one(conn)
        .await?
        .map(analysis_of)
        .unwrap_or_default();
    Ok(ResearchProgress {
        records: crate::count(records),
        missing: analysis.missing(),
    })
}

fn analysis_of(row: research_analysis::Model) -> Analysis {
    Analysis {
        feasibility: row.feasibility,
        measures: row.measures,
        risks: row.risks,
        recommendation: row.recommendation,
    }
}

fn methods_of(codes: &str) -> Result<Vec<ResearchMethod>> {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| parsed(c, ResearchMethod::parse, "research_plans.methods"))
        .collect()
}

/// Sets the plan (one per topic, rewritten in place).
pub(crate) async fn plan(w: &WriteTx, row: &TopicRow, plan: &ResearchPlan) -> Result<EventDetail> {
    let existing = research_plan::Entity::find()
        .filter(research_plan::Column::TopicId.eq(row.id))
        .one(&w.tx)
        .await?;
    let methods: Vec<&str> = plan.methods.iter().map(|m| m.code()).collect();
    let mut am = match existing {
        Some(r) => r.into(),
        None => research_plan::ActiveModel {
            topic_id: Set(row.id),
            ..Default::default()
        },
    };
    am.questions = Set(plan.questions.clone());
    am.places = Set(plan.places.clone());
    am.period = Set(plan.period.clone());
    am.lead = Set(plan.lead.clone());
    am.methods = Set(methods.join(","));
    am.updated_at = Set(w.now);
    am.save(&w.tx).await?;
    Ok(EventDetail::ResearchPlan {
        questions: plan.questions.clone(),
        methods: plan.methods.clone(),
    })
}

/// Writes the analysis (one per topic, rewritten in place).
pub(crate) async fn analyse(w: &WriteTx, row: &TopicRow, a: &Analysis) -> Result<EventDetail> {
    let existing = research_analysis::Entity::find()
        .filter(research_analysis::Column::TopicId.eq(row.id))
        .one(&w.tx)
        .await?;
    let mut am = match existing {
        Some(r) => r.into(),
        None => research_analysis::ActiveModel {
            topic_id: Set(row.id),
            ..Default::default()
        },
    };
    am.feasibility = Set(a.feasibility.clone());
    am.measures = Set(a.measures.clone());
    am.risks = Set(a.risks.clone());
    am.recommendation = Set(a.recommendation.clone());
    am.updated_at = Set(w.now);
    am.save(&w.tx).await?;
    Ok(EventDetail::Analysis {
        missing: a.missing(),
    })
}

/// Keeps one research record with its participants (registered people
/// looked up by id, counted by their [primary category](ParticipantCategory::primary))
/// and photos, and says what it found for the timeline.
pub(crate) async fn add(
    w: &WriteTx,
    row: &TopicRow,
    who: &Who,
    visit: &ResearchVisit,
    people: &[UserId],
    photos: &[NewPhoto],
) -> Result<EventDetail> {
    let mut participants = visit.participants.clone();
    for u in user::Entity::find()
        .filter(user::Column::Id.is_in(people.iter().map(|u| u.0)))
        .all(&w.tx)
        .await?
    {
        let user = crate::User::try_from(u)?;
        participants.push(Participant {
            name: user.display_name,
            category: ParticipantCategory::primary(&user.categories),
            user: Some(user.id),
        });
    }
    let record = research_record::ActiveModel {
        topic_id: Set(row.id),
        note: Set(visit.findings.to_string()),
        participants: Set(String::new()),
        created_by: Set(who.actor.user.map_or(0, |u| u.0)),
        created_at: Set(w.now),
        visited_on: Set(Some(visit.on)),
        place: Set(visit.place.clone()),
        method: Set(visit.method.code().to_owned()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    crate::search::index_research(&w.tx, &record, row.room_id).await?;
    for p in &participants {
        research_participant::ActiveModel {
            record_id: Set(record.id),
            topic_id: Set(row.id),
            name: Set(p.name.clone()),
            category: Set(p.category.code().to_owned()),
            user_id: Set(p.user.map(|u| u.0)),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
    }
    attach_photos(w, row.id, photos, PhotoOwner::Research(record.id)).await?;
    Ok(EventDetail::Research {
        note: visit.findings.to_string(),
        participants: names_with_categories(&participants),
        on: Some(visit.on),
        place: Some(visit.place.clone()),
        method: Some(visit.method),
    })
}

/// 「王建国（行家里手）、李梅（党员）」.
pub fn names_with_categories(people: &[Participant]) -> String {
    people
        .iter()
        .map(|p| format!("{}（{}）", p.name, p.category.label_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

impl Store {
    /// A topic's research: plan, records (with participants and photos) and analysis.
    pub async fn research(&self, id: TopicId) -> Result<Research> {
        let conn = self.conn();
        let plan_row = research_plan::Entity::find()
            .filter(research_plan::Column::TopicId.eq(id.0))
            .one(conn)
            .await?;
        let analysis_row = research_analysis::Entity::find()
            .filter(research_analysis::Column::TopicId.eq(id.0))
            .one(conn)
            .await?;
        let rows = research_record::Entity::find()
            .filter(research_record::Column::TopicId.eq(id.0))
            .order_by_asc(research_record::Column::Id)
            .all(conn)
            .await?;
        let people = research_participant::Entity::find()
            .filter(research_participant::Column::TopicId.eq(id.0))
            .order_by_asc(research_participant::Column::Id)
            .all(conn)
            .await?;
        let photos = photo::Entity::find()
            .filter(photo::Column::TopicId.eq(id.0))
            .filter(photo::Column::ResearchRecordId.is_not_null())
            .order_by_asc(photo::Column::Id)
            .all(conn)
            .await?;
        let mut updated_at = rows.last().map(|r| r.created_at);
        let mut records = Vec::with_capacity(rows.len());
        for r in rows {
            let mut participants = Vec::new();
            for p in people.iter().filter(|p| p.record_id == r.id) {
                participants.push(Participant {
                    name: p.name.clone(),
                    category: parsed(
                        &p.category,
                        ParticipantCategory::parse,
                        "research_participants.category",
                    )?,
                    user: p.user_id.map(UserId),
                });
            }
            let method = match r.method.as_str() {
                "" => None,
                m => Some(parsed(m, ResearchMethod::parse, "research_records.method")?),
            };
            records.push(ResearchRecord {
                id: r.id,
                topic: id,
                on: r.visited_on,
                place: r.place,
                method,
                findings: r.note,
                participants,
                participants_text: r.participants,
                photos: photos
                    .iter()
                    .filter(|p| p.research_record_id == Some(r.id))
                    .cloned()
                    .map(Photo::from)
                    .collect(),
                created_at: r.created_at,
            });
        }
        let plan = match plan_row {
            Some(p) => {
                updated_at = updated_at.max(Some(p.updated_at));
                Some(ResearchPlan {
                    methods: methods_of(&p.methods)?,
                    questions: p.questions,
                    places: p.places,
                    period: p.period,
                    lead: p.lead,
                })
            }
            None => None,
        };
        let analysis = match analysis_row {
            Some(a) => {
                updated_at = updated_at.max(Some(a.updated_at));
                analysis_of(a)
            }
            None => Analysis::default(),
        };
        Ok(Research {
            plan,
            records,
            analysis,
            updated_at,
        })
    }
}

/// The analysis sections in report order, with their text.
pub fn sections(a: &Analysis) -> Vec<(AnalysisSection, &str)> {
    AnalysisSection::ALL
        .into_iter()
        .map(|s| (s, a.section(s)))
        .collect()
}
