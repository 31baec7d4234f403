//! 工作指标: a region's figures for a period, each with its 口径 and a link
//! to what it counts; the regions or rooms below and the departments
//! ranked on any figure, with the change from the period before; and the
//! period's summary in the register of a report upward. Public: no figure
//! here is about a person.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect, Response};
use domain::{Behind, Kpi, Period, Reading, RegionId, RegionLevel, Tally, one_decimal};
use serde::Deserialize;
use store::Region;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::view::{Nav, render};

/// The page's sections, in the order of the chain.
pub const GROUPS: [(&str, &[Kpi]); 6] = [
    (
        "议题来源",
        &[
            Kpi::Raised,
            Kpi::ByLeadership,
            Kpi::ByResidents,
            Kpi::ByMembers,
        ],
    ),
    (
        "受理",
        &[
            Kpi::Accepted,
            Kpi::Rejected,
            Kpi::Merged,
            Kpi::Referred,
            Kpi::TriageDays,
        ],
    ),
    (
        "调研与协商",
        &[
            Kpi::ResearchedFirst,
            Kpi::MeetingsHeld,
            Kpi::MeetingsWithMembers,
            Kpi::Opinions,
            Kpi::OpinionsAdopted,
        ],
    ),
    ("交办与督办", &Kpi::FOR_DEPARTMENTS),
    (
        "办理成效",
        &[
            Kpi::Completed,
            Kpi::Satisfaction,
            Kpi::ReopenRate,
            Kpi::FollowUpsFailed,
        ],
    ),
    (
        "群众参与",
        &[Kpi::Likes, Kpi::Deliberations, Kpi::DeliberationVotes],
    ),
];

#[derive(Debug, Default, Deserialize)]
pub struct FiguresQuery {
    /// `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08`.
    pub period: Option<String>,
    /// The figure the rankings are ordered by.
    pub rank: Option<String>,
}

/// One figure as shown.
struct Shown {
    code: &'static str,
    label: &'static str,
    text: String,
    how: &'static str,
}

/// One line of a ranking.
struct Line {
    place: usize,
    name: String,
    link: Option<String>,
    text: String,
    before: String,
    change: String,
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    nav: Nav,
    region: Region,
    /// Regions above, root first: (id, name).
    above: Vec<(i64, String)>,
    period: String,
    period_label: String,
    /// (code, label, current).
    choices: Vec<(String, String, bool)>,
    summary: String,
    groups: Vec<(&'static str, Vec<Shown>)>,
    rank: Kpi,
    /// (code, label, current) of every figure, for the ranking's choice.
    rank_choices: Vec<(&'static str, &'static str, bool)>,
    /// 下级地区 or 议事室, and its lines.
    places_title: &'static str,
    places: Vec<Line>,
    departments: Vec<Line>,
    department_rank: Kpi,
    /// Open data's datasets: (name, label).
    datasets: [(&'static str, &'static str); 4],
}

/// The period asked for, or this year.
pub(super) fn period_of(state: &AppState, q: Option<&str>) -> AppResult<Period> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        // People type 2026q2 or a full-width tilde; the page forgives both.
        Some(s) => Ok(Period::parse(&s.to_uppercase().replace('～', "~"))?),
        None => Ok(Period::this_year(state.store.clock().today())),
    }
}

/// The region at the top of the tree (the first, if several are).
pub(super) async fn top_region(state: &AppState) -> AppResult<RegionId> {
    let regions = state.store.regions().await?;
    let top = regions
        .iter()
        .filter(|r| !r.retired)
        .min_by_key(|r| (r.path.0.len(), r.id.0))
        .ok_or(AppError::Store(store::StoreError::NotFound("地区")))?;
    Ok(top.id)
}

/// `GET /figures`: the top region's figures.
pub async fn top(State(state): State<AppState>) -> AppResult<Redirect> {
    let id = top_region(&state).await?;
    Ok(Redirect::to(&format!("/figures/{}", id.0)))
}

/// `GET /figures/{region}`.
pub async fn region(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<RegionId>,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Response> {
    let period = period_of(&state, q.period.as_deref())?;
    let rank = match q.rank.as_deref() {
        Some(code) => Kpi::parse(code)
            .ok_or_else(|| AppError::BadRequest(format!("没有「{code}」这项指标")))?,
        None => Kpi::Raised,
    };
    // The same for every visitor without a sign-in: kept for all of them,
    // under what was parsed (so only pages that rendered are kept).
    let key = format!(
        "/figures/{}?period={}&rank={}",
        id.0,
        period.code(),
        rank.code()
    );
    let page = render_region(&state, &viewer, id, period, rank);
    state.pages.html(&state, &viewer, key, page).await
}

async fn render_region(
    state: &AppState,
    viewer: &Viewer,
    id: RegionId,
    period: Period,
    rank: Kpi,
) -> AppResult<String> {
    let store = &state.store;
    let region = store.region(id).await?;
    let tally = store.figures(&region.path, &period).await?;
    let chain = store.region_chain(id).await?;
    let above = chain
        .iter()
        .filter(|r| r.id != id)
        .map(|r| (r.id.0, r.name.clone()))
        .collect();
    let (places_title, places) = places(state, &region, &period).await?;
    let places = ranking(places, rank);
    let department_rank = if Kpi::FOR_DEPARTMENTS.contains(&rank) {
        rank
    } else {
        Kpi::DoneOnTime
    };
    let departments = ranking(departments(state, &region, &period).await?, department_rank);
    let notable = store.notable_resolved(&region.path, &period, 3).await?;
    let groups = GROUPS
        .iter()
        .map(|(title, kpis)| {
            let shown = kpis
                .iter()
                .map(|k| Shown {
                    code: k.code(),
                    label: k.label_zh(),
                    text: k.reading(&tally).text_zh(),
                    how: k.how_counted(),
                })
                .collect();
            (*title, shown)
        })
        .collect();
    let mut choices: Vec<(String, String, bool)> = Period::choices(store.clock().today())
        .iter()
        .map(|p| (p.code(), p.label_zh(), *p == period))
        .collect();
    if !choices.iter().any(|c| c.2) {
        choices.push((period.code(), period.label_zh(), true));
    }
    Ok(render(&FiguresPage {
        nav: Nav::of(viewer),
        summary: summary(&region.name, &period, &tally, &notable),
        above,
        period: period.code(),
        period_label: period.label_zh(),
        choices,
        groups,
        rank,
        rank_choices: Kpi::ALL
            .iter()
            .map(|k| (k.code(), k.label_zh(), *k == rank))
            .collect(),
        places_title,
        places,
        departments,
        department_rank,
        datasets: [
            ("topics", "议题"),
            ("meetings", "会议"),
            ("opinions", "协商意见"),
            ("tasks", "交办任务"),
        ],
        region,
    }))
}

/// A region, room or department with its figures for the period and the
/// one before, as the rankings and the report list them.
pub(super) struct Place {
    pub name: String,
    pub link: Option<String>,
    pub now: Tally,
    pub before: Tally,
}

/// The places a region ranks: a county its subdistricts, a subdistrict or
/// village its rooms; 下级地区 or 议事室, and each with its figures.
pub(super) async fn places(
    state: &AppState,
    region: &Region,
    period: &Period,
) -> AppResult<(&'static str, Vec<Place>)> {
    let store = &state.store;
    let regions = store.regions().await?;
    let below: Vec<&Region> = regions
        .iter()
        .filter(|r| r.parent == Some(region.id) && !r.retired)
        .collect();
    if below.iter().any(|r| r.level != RegionLevel::Village) {
        let ids: Vec<RegionId> = below.iter().map(|r| r.id).collect();
        let places = store
            .figures_below(&ids, period)
            .await?
            .into_iter()
            .filter_map(|r| {
                let name = below.iter().find(|b| b.id == r.id)?.name.clone();
                Some(Place {
                    name,
                    link: Some(format!("/figures/{}?period={}", r.id.0, period.code())),
                    now: r.now,
                    before: r.before,
                })
            })
            .collect();
        return Ok(("下级地区", places));
    }
    let rooms = store.rooms().await?;
    let places = store
        .room_figures(&region.path, period)
        .await?
        .into_iter()
        .filter_map(|r| {
            let room = rooms.iter().find(|x| x.id == r.id)?;
            Some(Place {
                name: room.name.clone(),
                link: Some(format!("/r/{}", room.code.as_str())),
                now: r.now,
                before: r.before,
            })
        })
        .collect();
    Ok(("议事室", places))
}

/// The departments with tasks for topics under a region, with their figures.
pub(super) async fn departments(
    state: &AppState,
    region: &Region,
    period: &Period,
) -> AppResult<Vec<Place>> {
    let departments = state.store.departments().await?;
    let ranked = state.store.department_figures(&region.path, period).await?;
    Ok(ranked
        .into_iter()
        .filter_map(|r| {
            let name = departments.iter().find(|x| x.id == r.id)?.name.clone();
            Some(Place {
                name,
                link: None,
                now: r.now,
                before: r.before,
            })
        })
        .collect())
}

/// Places ordered best first on `kpi` (ties by name).
pub(super) fn ranked_on(mut places: Vec<Place>, kpi: Kpi) -> Vec<Place> {
    places.sort_by(|a, b| {
        let (x, y) = (kpi.reading(&a.now).value(), kpi.reading(&b.now).value());
        let order = if kpi.higher_is_better() {
            y.total_cmp(&x)
        } else {
            x.total_cmp(&y)
        };
        order.then_with(|| a.name.cmp(&b.name))
    });
    places
}

/// Places ordered best first on `kpi`, with the change.
fn ranking(places: Vec<Place>, kpi: Kpi) -> Vec<Line> {
    ranked_on(places, kpi)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let (now, before) = (kpi.reading(&p.now), kpi.reading(&p.before));
            Line {
                place: i + 1,
                change: change(now, before),
                text: now.text_zh(),
                before: before.text_zh(),
                name: p.name,
                link: p.link,
            }
        })
        .collect()
}

/// The change from the period before: +3, −2, +2.5 个百分点, or — .
fn change(now: Reading, before: Reading) -> String {
    let sign = |d: f64| {
        if d > 0.0 {
            "+"
        } else if d < 0.0 {
            "−"
        } else {
            ""
        }
    };
    match (now, before) {
        (Reading::Count(a), Reading::Count(b)) => {
            format!("{}{}", sign((a - b) as f64), (a - b).abs())
        }
        (Reading::Percent(Some(a)), Reading::Percent(Some(b))) => {
            let d = ((a - b) * 10.0).round() / 10.0;
            format!("{}{} 个百分点", sign(d), one_decimal(d.abs()))
        }
        (Reading::Days(Some(a)), Reading::Days(Some(b))) => {
            let d = ((a - b) * 10.0).round() / 10.0;
            format!("{}{} 天", sign(d), one_decimal(d.abs()))
        }
        _ => "—".to_owned(),
    }
}

/// The period's summary, as a report upward words it: the numbers first,
/// then the topics resolved that residents liked most.
pub fn summary(region: &str, period: &Period, t: &Tally, notable: &[store::Topic]) -> String {
    let n = |k: Kpi| k.reading(t).text_zh();
    let mut s = format!(
        "{}，{}共收到议题{}个，其中党政点题{}个、群众出题{}个、委员荐题{}个；受理立项{}个，",
        period.label_zh(),
        region,
        n(Kpi::Raised),
        n(Kpi::ByLeadership),
        n(Kpi::ByResidents),
        n(Kpi::ByMembers),
        n(Kpi::Accepted),
    );
    s += &format!(
        "共开展协商议事活动{}场，其中政协委员参加议事活动{}场，形成协商意见{}条、采纳{}条；",
        n(Kpi::MeetingsHeld),
        n(Kpi::MeetingsWithMembers),
        n(Kpi::Opinions),
        n(Kpi::OpinionsAdopted),
    );
    s += &format!(
        "交办任务{}件，按期办结率{}；办结议题{}个，群众满意率{}，经协商解决的议题群众点赞{}次。",
        n(Kpi::TasksDispatched),
        n(Kpi::DoneOnTime),
        n(Kpi::Completed),
        n(Kpi::Satisfaction),
        n(Kpi::Likes),
    );
    if !notable.is_empty() {
        let titles: Vec<String> = notable.iter().map(|t| format!("“{}”", t.title)).collect();
        s += &format!(
            "其中，{}等群众关心的问题经协商得到解决。",
            titles.join("、")
        );
    }
    s
}

/// `GET /figures/{region}/{kpi}`: what a figure counts.
pub async fn behind(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, code)): Path<(RegionId, String)>,
    Query(q): Query<FiguresQuery>,
) -> AppResult<Html<String>> {
    let kpi = Kpi::parse(&code).ok_or(AppError::Store(store::StoreError::NotFound("指标")))?;
    let period = period_of(&state, q.period.as_deref())?;
    let region = state.store.region(id).await?;
    let items = state
        .store
        .figure_topics(&region.path, &period, kpi.behind(), LIST_LIMIT)
        .await?;
    let tally = state.store.figures(&region.path, &period).await?;
    let rooms = state.store.rooms().await?;
    let rows = items
        .into_iter()
        .map(|t| {
            let room = rooms
                .iter()
                .find(|r| r.id == t.room)
                .map(|r| r.name.clone());
            let link = match (&t.tracking_no, t.meeting) {
                (Some(no), _) => format!("/t/{no}"),
                (None, Some(m)) => format!("/m/{}", m.0),
                _ => String::new(),
            };
            let state = t.state.map(|s| s.label_zh()).unwrap_or("会议");
            (
                link,
                t.title,
                room.unwrap_or_default(),
                state,
                crate::view::fmt_time(t.at),
            )
        })
        .collect();
    Ok(Html(render(&BehindPage {
        nav: Nav::of(&viewer),
        region,
        period: period.code(),
        period_label: period.label_zh(),
        label: kpi.label_zh(),
        how: kpi.how_counted(),
        value: kpi.reading(&tally).text_zh(),
        liked: kpi.behind() == Behind::Liked,
        rows,
        limit: LIST_LIMIT,
    })))
}

/// The most a figure's list shows.
const LIST_LIMIT: u64 = 200;

#[derive(Template)]
#[template(path = "figure_topics.html")]
struct BehindPage {
    nav: Nav,
    region: Region,
    period: String,
    period_label: String,
    label: &'static str,
    how: &'static str,
    value: String,
    liked: bool,
    /// (link, title, room, state, when).
    rows: Vec<(String, String, String, &'static str, String)>,
    limit: u64,
}
