//! A demo topic's 商前调研: the plan, a site visit with the room's linked
//! members and typed-in villagers, and the analysis — complete for topics
//! that went on to a meeting, half-written for one still being researched.
use chrono::{DateTime, Utc};
use domain::{
    Analysis, Note, Participant, ResearchMethod, ResearchPlan, ResearchVisit, RoomId, TopicId,
};
use store::{Store, TopicAction, Who};

use super::pace::Pace;
use super::{Data, DemoTopic, fill, pick};

/// Researches topic `id` from `at` on; returns when the research was done.
#[allow(clippy::too_many_arguments)]
pub(super) async fn research(
    store: &Store,
    pace: &Pace,
    d: &Data,
    convener: &Who,
    room: RoomId,
    id: TopicId,
    t: &DemoTopic,
    at: DateTime<Utc>,
    n: usize,
    complete: bool,
) -> anyhow::Result<DateTime<Utc>> {
    let act = |a: TopicAction| store.apply_topic(id, convener, a);
    let r = &d.research;
    let f = |list: &[String]| fill(pick(list, n), &t.title, &t.place);
    let mut at = pace.office(at, 1, n + 1);
    let plan = ResearchPlan::parse(
        &f(&r.questions),
        &t.place,
        "立项后一周内",
        &convener.name,
        vec![ResearchMethod::Visit, ResearchMethod::Forum],
    )?;
    act(TopicAction::PlanResearch { plan }).await?;
    at = pace.office(at, 1 + (n % 3) as i64, n + 2);
    let linked = store.people_of_room(room).await?;
    let visit = ResearchVisit::new(
        domain::beijing_date(at),
        if t.place.is_empty() {
            "现场"
        } else {
            &t.place
        },
        ResearchMethod::Visit,
        Participant::parse_lines(pick(&r.people, n))?,
        Note::parse(&f(&d.templates.research))?,
    )?;
    act(TopicAction::AddResearch {
        visit,
        people: linked.iter().take(2).map(|u| u.id).collect(),
        photos: Vec::new(),
    })
    .await?;
    at = pace.office(at, 1, n + 3);
    let analysis = if complete {
        Analysis::parse(
            &f(&r.feasibility),
            &f(&r.measures),
            &f(&r.risks),
            &f(&r.recommendation),
        )?
    } else {
        Analysis::parse(&f(&r.feasibility), &f(&r.measures), "", "")?
    };
    act(TopicAction::WriteAnalysis { analysis }).await?;
    Ok(at)
}
