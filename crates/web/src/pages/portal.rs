//! 议事公开: a region's topics for anyone to browse, filtered by room,
//! category, channel, state and period, with the search beside them; the
//! places residents marked, drawn with the rooms on a plane (no map
//! tiles); and the region's figures, none of which is about a person.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use domain::{Channel, Kpi, Period, Phase, RegionId, TopicState};
use serde::Deserialize;
use store::{Region, Room, TopicFilter};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::plane::{Mark, Plane, Spot};
use crate::view::{Nav, TopicRow, render};

use super::search::{bad, given};

/// Topics a page lists.
const PAGE_TOPICS: u64 = 20;
/// The deepest page: past it, a filter or the search finds sooner.
const LAST_PAGE: u64 = 500;
/// The most marked topics drawn: the latest that match.
const DRAWN_TOPICS: u64 = 300;
/// The longest category a filter takes.
const CATEGORY_CHARS: usize = 40;
/// The figures at the top, each linking to what it counts.
const HEADLINE: [Kpi; 7] = [
    Kpi::Raised,
    Kpi::Accepted,
    Kpi::MeetingsHeld,
    Kpi::Completed,
    Kpi::DoneOnTime,
    Kpi::Satisfaction,
    Kpi::Likes,
];

#[derive(Debug, Default, Deserialize)]
pub struct PortalQuery {
    /// A room's code.
    pub room: Option<String>,
    pub category: Option<String>,
    /// `resident`, `leadership` or `committee`.
    pub channel: Option<String>,
    /// A topic state's code.
    pub state: Option<String>,
    /// `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08`; all time when absent.
    pub period: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

/// The filters as read and checked.
struct Chosen {
    /// The room's code as given; the room itself once read ([`Chosen::with_room`]).
    room_code: Option<String>,
    room: Option<Room>,
    category: Option<String>,
    channel: Option<Channel>,
    state: Option<TopicState>,
    period: Option<Period>,
    page: u64,
}

impl Chosen {
    /// The filters as a query string, without the page.
    fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(r) = &self.room_code {
            pairs.push(("room", r.clone()));
        }
        if let Some(c) = &self.category {
            pairs.push(("category", c.clone()));
        }
        if let Some(c) = self.channel {
            pairs.push(("channel", c.code().to_owned()));
        }
        if let Some(s) = self.state {
            pairs.push(("state", s.code().to_owned()));
        }
        if let Some(p) = &self.period {
            pairs.push(("period", p.code()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    fn filter(&self, region: &Region) -> TopicFilter {
        let (since, until) = match &self.period {
            Some(p) => {
                let (from, to) = p.bounds();
                (Some(from), Some(to))
            }
            None => (None, None),
        };
        TopicFilter {
            region: Some(region.path.clone()),
            room: self.room.as_ref().map(|r| r.id),
            category: self.category.clone(),
            channel: self.channel,
            states: self.state.into_iter().collect(),
            since,
            until,
            ..Default::default()
        }
    }
}

impl Chosen {
    /// Reads the room filtered by, which must be one of the region's.
    async fn with_room(mut self, state: &AppState, region: &Region) -> AppResult<Chosen> {
        if let Some(code) = &self.room_code {
            let room = state.store.room_by_code(code).await?;
            let path = state.store.region_path(room.region).await?;
            if !region.path.covers(&path) {
                return Err(AppError::BadRequest(format!(
                    "{}不在{}",
                    room.name, region.name
                )));
            }
            self.room = Some(room);
        }
        Ok(self)
    }
}

/// Reads the filters and checks their form, without reading the database:
/// what they name is read with the page, which is kept under them.
fn chosen(q: &PortalQuery) -> AppResult<Chosen> {
    let room_code = match given(&q.room) {
        Some(c) => Some(
            domain::RoomCode::parse(c)
                .map_err(|_| bad("议事室"))?
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let category = given(&q.category).map(str::to_owned);
    if category
        .as_ref()
        .is_some_and(|c| c.chars().count() > CATEGORY_CHARS)
    {
        return Err(bad("类别"));
    }
    let page = match given(&q.page) {
        Some(p) => p
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=LAST_PAGE).contains(p))
            .ok_or_else(|| bad("页码"))?,
        None => 1,
    };
    Ok(Chosen {
        room_code,
        room: None,
        category,
        channel: match given(&q.channel) {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| bad("来源"))?),
            None => None,
        },
        state: match given(&q.state) {
            Some(s) => Some(TopicState::parse(s).ok_or_else(|| bad("状态"))?),
            None => None,
        },
        period: match given(&q.period) {
            Some(p) => Some(Period::parse(&p.to_uppercase().replace('～', "~"))?),
            None => None,
        },
        page,
    })
}

/// `GET /open`: the top region's portal.
pub async fn top(State(state): State<AppState>) -> AppResult<Redirect> {
    let id = super::figures::top_region(&state).await?;
    Ok(Redirect::to(&format!("/open/{}", id.0)))
}

/// `GET /open/{region}`.
pub async fn portal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<RegionId>,
    Query(q): Query<PortalQuery>,
) -> AppResult<Response> {
    let chosen = chosen(&q)?;
    let key = format!("/open/{}?{}&page={}", id.0, chosen.query(), chosen.page);
    // A kept page is served without a query; an unknown region or room
    // is an error, never kept.
    let page = async {
        let region = state.store.region(id).await?;
        let chosen = chosen.with_room(&state, &region).await?;
        render_portal(&state, &viewer, region, chosen).await
    };
    state.pages.html(&state, &viewer, key, page).await
}

/// One headline figure as shown.
struct Headline {
    code: &'static str,
    label: &'static str,
    text: String,
    how: &'static str,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    nav: Nav,
    region: Region,
    /// Regions above, root first, and those directly below: (id, name).
    above: Vec<(i64, String)>,
    below: Vec<(i64, String)>,
    /// The figures' period (the one chosen, or this year).
    figures_period: String,
    figures_label: String,
    headline: Vec<Headline>,
    /// The filters as given, to keep them in the form and the links.
    room: String,
    category: String,
    channel: String,
    state: String,
    query: String,
    rooms: Vec<(String, String)>,
    categories: Vec<String>,
    channels: &'static [(&'static str, &'static str)],
    states: &'static [(&'static str, &'static str)],
    /// (code, label, chosen) of the periods offered.
    periods: Vec<(String, String, bool)>,
    plane: Option<Plane>,
    /// Each phase drawn: (code, label, how many).
    legend: Vec<(&'static str, &'static str, usize)>,
    /// Topics drawn, and the most that are.
    drawn: u64,
    drawn_limit: u64,
    rows: Vec<TopicRow>,
    total: u64,
    page: u64,
    pages: u64,
}

async fn render_portal(
    state: &AppState,
    viewer: &Viewer,
    region: Region,
    chosen: Chosen,
) -> AppResult<String> {
    let store = &state.store;
    let regions = store.regions().await?;
    let rooms = rooms_within(store.rooms().await?, &regions, &region);
    let filter = chosen.filter(&region);
    let total = store.count_topics(&filter).await?;
    let listed = store
        .topics(&TopicFilter {
            limit: PAGE_TOPICS,
            offset: (chosen.page - 1) * PAGE_TOPICS,
            ..filter.clone()
        })
        .await?;
    let marked = store
        .topics(&TopicFilter {
            marked: true,
            limit: DRAWN_TOPICS,
            ..filter
        })
        .await?;
    let (plane, legend) = drawing(&region, &rooms, &chosen, &marked);
    let figures_period = chosen
        .period
        .unwrap_or_else(|| Period::this_year(store.clock().today()));
    let tally = store.figures(&region.path, &figures_period).await?;
    let mut periods: Vec<(String, String, bool)> = Period::choices(store.clock().today())
        .iter()
        .map(|p| (p.code(), p.label_zh(), Some(*p) == chosen.period))
        .collect();
    if let Some(p) = chosen.period
        && !periods.iter().any(|c| c.2)
    {
        periods.push((p.code(), p.label_zh(), true));
    }
    let open: Vec<&Room> = rooms.iter().filter(|r| !r.retired).collect();
    let categories = super::categories_of(state, open).await?;
    let keep = |v: Option<String>| v.unwrap_or_default();
    Ok(render(&PortalPage {
        nav: Nav::of(viewer),
        above: regions_above(state, &region).await?,
        below: regions
            .iter()
            .filter(|r| r.parent == Some(region.id) && !r.retired)
            .map(|r| (r.id.0, r.name.clone()))
            .collect(),
        figures_label: figures_period.label_zh(),
        headline: HEADLINE
            .iter()
            .map(|k| Headline {
                code: k.code(),
                label: k.label_zh(),
                text: k.reading(&tally).text_zh(),
                how: k.how_counted(),
            })
            .collect(),
        figures_period: figures_period.code(),
        room: keep(chosen.room.as_ref().map(|r| r.code.as_str().to_owned())),
        category: keep(chosen.category.clone()),
        channel: keep(chosen.channel.map(|c| c.code().to_owned())),
        state: keep(chosen.state.map(|s| s.code().to_owned())),
        query: chosen.query(),
        rows: TopicRow::list(&listed, &rooms),
        rooms: rooms
            .iter()
            .map(|r| (r.code.as_str().to_owned(), r.name.clone()))
            .collect(),
        categories,
        channels: &Channel::CHOICES,
        states: &TopicState::CHOICES,
        periods,
        plane,
        legend,
        drawn: marked.len() as u64,
        drawn_limit: DRAWN_TOPICS,
        total,
        page: chosen.page,
        pages: total.div_ceil(PAGE_TOPICS).clamp(1, LAST_PAGE),
        region,
    }))
}

/// The rooms of `region` and the regions below it.
fn rooms_within(rooms: Vec<Room>, regions: &[Region], region: &Region) -> Vec<Room> {
    rooms
        .into_iter()
        .filter(|r| {
            regions
                .iter()
                .find(|g| g.id == r.region)
                .is_some_and(|g| region.path.covers(&g.path))
        })
        .collect()
}

/// The regions above this one, root first: (id, name).
async fn regions_above(state: &AppState, region: &Region) -> AppResult<Vec<(i64, String)>> {
    Ok(state
        .store
        .region_chain(region.id)
        .await?
        .into_iter()
        .filter(|r| r.id != region.id)
        .map(|r| (r.id.0, r.name))
        .collect())
}

/// The rooms (only the chosen one, when one is) and the marked topics on
/// a plane, and the legend's count of each phase drawn.
fn drawing(
    region: &Region,
    rooms: &[Room],
    chosen: &Chosen,
    marked: &[store::Topic],
) -> (Option<Plane>, Vec<(&'static str, &'static str, usize)>) {
    let shown_rooms = rooms
        .iter()
        .filter(|r| !r.retired && chosen.room.as_ref().is_none_or(|c| c.id == r.id));
    let mut spots: Vec<Spot> = shown_rooms
        .filter_map(|r| {
            Some(Spot {
                point: r.point?,
                mark: Mark::Room,
                label: format!("{}（{}）", r.name, r.place),
                caption: Some(short_name(&r.name)),
                link: format!("/open/{}?room={}#map", region.id.0, r.code.as_str()),
            })
        })
        .collect();
    spots.extend(marked.iter().filter_map(|t| {
        Some(Spot {
            point: t.point?,
            mark: Mark::Topic(t.state.phase()),
            label: format!("{}（{}）", t.title, t.state.label_zh()),
            caption: None,
            link: format!("/t/{}", t.tracking_no),
        })
    }));
    let legend = Phase::ALL
        .iter()
        .map(|p| {
            let n = marked.iter().filter(|t| t.state.phase() == *p).count();
            (p.code(), p.label_zh(), n)
        })
        .collect();
    (Plane::of(spots), legend)
}

/// A room's name as written beside its mark: 陈师社区 for
/// 陈师社区有事好商量议事室.
fn short_name(name: &str) -> String {
    let short = name
        .trim_end_matches("议事室")
        .trim_end_matches("有事好商量");
    if short.is_empty() { name } else { short }.to_owned()
}
