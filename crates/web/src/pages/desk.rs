//! 工作台: what waits for this person, whatever roles they hold.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::{DepartmentId, RegionPath, Role, RoomId, Scope, TaskState, TopicState};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::pages::public::{MeetingRow, meeting_rows};
use crate::view::{Nav, TopicRow, render};

/// The lists behind the desk page and `/api/desk`.
#[derive(Default)]
pub struct Desk {
    pub to_triage: Vec<store::Topic>,
    pub in_progress: Vec<store::Topic>,
    pub to_review: Vec<store::Topic>,
    pub tasks: Vec<store::Task>,
    pub leader_tasks: Vec<store::Task>,
    pub to_verify: Vec<store::Task>,
    pub meetings: Vec<(store::Room, Vec<store::Meeting>)>,
    pub proposal_rooms: Vec<store::Room>,
}

pub(crate) fn led_regions(v: &Viewer) -> Vec<RegionPath> {
    v.actor
        .grants
        .iter()
        .filter(|g| g.role == Role::Leader)
        .filter_map(|g| {
            if let Scope::Region(p) = &g.scope {
                Some(p.clone())
            } else {
                None
            }
        })
        .collect()
}

pub async fn gather(state: &AppState, v: &Viewer) -> AppResult<Desk> {
    let mut d = Desk::default();
    let Some(user) = &v.user else { return Ok(d) };
    let (rooms, depts) = state.store.scopes_of(user.id).await?;
    for room in &rooms {
        let rid = room.id;
        let f = |states: Vec<TopicState>| store::TopicFilter {
            room: Some(rid),
            states,
            limit: 200,
            ..Default::default()
        };
        d.to_triage
            .extend(state.store.topics(&f(vec![TopicState::Submitted])).await?);
        d.in_progress.extend(
            state
                .store
                .topics(&f(vec![
                    TopicState::Accepted,
                    TopicState::Researching,
                    TopicState::Scheduled,
                    TopicState::Reopened,
                    TopicState::Implementing,
                    TopicState::Referred,
                ]))
                .await?,
        );
        d.meetings
            .push((room.clone(), state.store.meetings_of_room(rid).await?));
    }
    if !rooms.is_empty() {
        let ids: Vec<RoomId> = rooms.iter().map(|r| r.id).collect();
        let all_rooms_tasks = state.store.tasks_of_rooms(&ids, &[TaskState::Done]).await?;
        d.to_verify = all_rooms_tasks;
    }
    let dept_ids: Vec<DepartmentId> = depts.iter().map(|x| x.id).collect();
    if !dept_ids.is_empty() {
        d.tasks = state.store.tasks_of_departments(&dept_ids, true).await?;
    }
    for region in led_regions(v) {
        let f = store::TopicFilter {
            region: Some(region.clone()),
            states: vec![
                TopicState::Deliberated,
                TopicState::Reviewed,
                TopicState::Reopened,
            ],
            limit: 200,
            ..Default::default()
        };
        d.to_review
            .extend(state.store.topics(&f).await?.into_iter().filter(|t| {
                matches!(t.state, TopicState::Deliberated | TopicState::Reopened)
                    || t.decision.is_some_and(|x| x != domain::Decision::NotAdopt)
            }));
        d.leader_tasks.extend(
            state
                .store
                .tasks_in_region(
                    &region,
                    &[TaskState::Returned, TaskState::ExtensionRequested],
                )
                .await?,
        );
    }
    if v.actor.has_role(Role::CommitteeMember) || v.actor.has_role(Role::Leader) {
        let all = state.store.rooms().await?;
        let regions = state.store.regions().await?;
        d.proposal_rooms = all
            .into_iter()
            .filter(|r| {
                regions
                    .iter()
                    .find(|g| g.id == r.region)
                    .map(|g| g.path.clone())
                    .is_some_and(|p| v.actor.is_committee_member_for(&p) || v.actor.leads(&p))
            })
            .collect();
    }
    Ok(d)
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    nav: Nav,
    roles: String,
    /// Convenes a room: links to the triage inbox.
    convener: bool,
    /// Leads a region: offered the 督办 page.
    leader: bool,
    /// An administrator sets the region's deadline classes.
    admin: bool,
    to_triage: Vec<TopicRow>,
    in_progress: Vec<TopicRow>,
    to_review: Vec<TopicRow>,
    /// The department's tasks the chosen filter shows.
    tasks: Vec<TaskLine>,
    /// The filters over them, with counts.
    task_filters: Vec<TaskFilter>,
    /// All of the department's open tasks.
    all_task_count: usize,
    /// How many of them wait to be signed.
    to_sign: usize,
    leader_tasks: Vec<TaskLine>,
    to_verify: Vec<TaskLine>,
    meetings: Vec<RoomMeetings>,
    proposal_rooms: Vec<(String, String)>,
    can_propose_leadership: bool,
    categories: Vec<String>,
}

struct RoomMeetings {
    code: String,
    name: String,
    meetings: Vec<MeetingRow>,
}

pub(crate) struct TaskLine {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) department: String,
    pub(crate) state_label: String,
    pub(crate) due: String,
    pub(crate) overdue: bool,
    /// 剩余 / 超期 N 个工作日.
    pub(crate) deadline: String,
    /// 黄牌 / 红牌, or empty.
    pub(crate) card: String,
    pub(crate) tracking_no: String,
    /// The room (village or community) the topic came from.
    pub(crate) room: String,
    /// Waiting to be signed (a clerk may sign several at once).
    pub(crate) to_sign: bool,
    /// A 督办单 on it waits for the department's answer.
    pub(crate) ordered: bool,
    /// The clerk handling it (承办人), once named.
    pub(crate) assignee: Option<domain::UserId>,
}

/// The clerk's filters over the department's tasks, with their counts.
const TASK_FILTERS: [(&str, &str); 7] = [
    ("all", "全部"),
    ("red", "红牌"),
    ("yellow", "黄牌"),
    ("overdue", "超期"),
    ("unsigned", "待签收"),
    ("ordered", "督办"),
    ("mine", "我承办"),
];

/// Whether a task line passes a filter (`mine`: handled by `me`).
fn passes(line: &TaskLine, filter: &str, me: Option<domain::UserId>) -> bool {
    match filter {
        "red" => line.card == "红牌",
        "yellow" => line.card == "黄牌",
        "overdue" => line.overdue,
        "unsigned" => line.to_sign,
        "ordered" => line.ordered,
        "mine" => me.is_some() && line.assignee == me,
        _ => true,
    }
}

/// One filter link: its code, label, count, and whether it is the one shown.
pub(crate) struct TaskFilter {
    code: &'static str,
    label: &'static str,
    count: usize,
    current: bool,
}

#[derive(Debug, Deserialize)]
pub struct DeskQuery {
    /// A task filter (`red`, `yellow`, `overdue`, `unsigned`, `ordered`, `mine`).
    pub show: Option<String>,
}

/// Tasks as a clerk works through them: 红牌 first, then 黄牌, then by due
/// date, soonest first; each with its room and its deadline in working days.
pub(crate) async fn task_lines(
    state: &AppState,
    tasks: &[store::Task],
) -> AppResult<Vec<TaskLine>> {
    let depts = state.store.departments().await?;
    let rooms = state.store.rooms().await?;
    let when = crate::calendar::Deadlines::now(state).await?;
    let ids: Vec<domain::TaskId> = tasks.iter().map(|k| k.id).collect();
    let ordered: Vec<domain::TaskId> = state
        .store
        .open_orders(&ids)
        .await?
        .into_iter()
        .map(|o| o.task)
        .collect();
    let mut order: Vec<&store::Task> = tasks.iter().collect();
    order.sort_by_key(|k| {
        let urgency = match when.card(k) {
            Some(domain::Card::Red) => 0,
            Some(domain::Card::Yellow) => 1,
            None if ordered.contains(&k.id) => 2,
            None => 3,
        };
        (urgency, k.due_date, k.id)
    });
    let mut out = Vec::with_capacity(tasks.len());
    for k in order {
        let topic = state.store.topic(k.topic).await?;
        out.push(TaskLine {
            to_sign: k.state == TaskState::Assigned,
            ordered: ordered.contains(&k.id),
            assignee: k.assignee,
            room: rooms
                .iter()
                .find(|r| r.id == topic.room)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            id: k.id.0,
            title: k.title.clone(),
            department: depts
                .iter()
                .find(|d| d.id == k.department)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            state_label: k.state.label_zh().to_owned(),
            due: k.due_date.to_string(),
            overdue: when.overdue(k),
            deadline: when.text(k),
            card: when
                .card(k)
                .map(|c| c.label_zh())
                .unwrap_or_default()
                .to_owned(),
            tracking_no: topic.tracking_no,
        });
    }
    Ok(out)
}

pub async fn desk(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Query(q): Query<DeskQuery>,
) -> AppResult<Html<String>> {
    let d = gather(&state, &viewer).await?;
    let me = viewer.user.as_ref().map(|u| u.id);
    let show = q
        .show
        .as_deref()
        .and_then(|s| TASK_FILTERS.iter().find(|(c, _)| *c == s))
        .map_or("all", |(c, _)| *c);
    let all_tasks = task_lines(&state, &d.tasks).await?;
    let task_filters = TASK_FILTERS
        .iter()
        .map(|(code, label)| TaskFilter {
            code,
            label,
            count: all_tasks.iter().filter(|l| passes(l, code, me)).count(),
            current: *code == show,
        })
        .collect();
    let tasks: Vec<TaskLine> = all_tasks
        .into_iter()
        .filter(|l| passes(l, show, me))
        .collect();
    let rooms = state.store.rooms().await?;
    let mut roles: Vec<&str> = viewer
        .actor
        .grants
        .iter()
        .map(|g| g.role.label_zh())
        .collect();
    roles.dedup();
    let page = DeskPage {
        nav: Nav::of(&viewer),
        roles: roles.join("、"),
        convener: viewer.actor.has_role(Role::Convener),
        leader: viewer.actor.has_role(Role::Leader),
        admin: viewer.actor.has_role(Role::Administrator),
        to_triage: TopicRow::list(&d.to_triage, &rooms),
        in_progress: TopicRow::list(&d.in_progress, &rooms),
        to_review: TopicRow::list(&d.to_review, &rooms),
        to_sign: tasks.iter().filter(|l| l.to_sign).count(),
        tasks,
        task_filters,
        all_task_count: d.tasks.len(),
        leader_tasks: task_lines(&state, &d.leader_tasks).await?,
        to_verify: task_lines(&state, &d.to_verify).await?,
        meetings: d
            .meetings
            .iter()
            .map(|(r, ms)| RoomMeetings {
                code: r.code.as_str().to_owned(),
                name: r.name.clone(),
                meetings: meeting_rows(ms),
            })
            .collect(),
        proposal_rooms: d
            .proposal_rooms
            .iter()
            .map(|r| (r.code.as_str().to_owned(), r.name.clone()))
            .collect(),
        can_propose_leadership: viewer.actor.has_role(Role::Leader),
        categories: super::categories_of(&state, &d.proposal_rooms).await?,
    };
    Ok(Html(render(&page)))
}
