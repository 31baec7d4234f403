//! A topic's public page: what was raised, where it stands, its whole
//! timeline — and, for whoever may move it on, the forms to do so.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::{DepartmentId, EventKind, MeetingState, TaskCtx, TopicMove, TopicState};
use serde::Deserialize;

use super::topic_data::{TopicData, topic_data};
use crate::AppState;
use crate::api::EventJson;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::view::{Nav, fmt_time, render};

#[derive(Template)]
#[template(path = "topic.html")]
struct TopicPage {
    nav: Nav,
    t: store::Topic,
    state_label: String,
    channel_label: String,
    room_code: String,
    room_name: String,
    created: String,
    submitted: bool,
    merged_into: Option<String>,
    timeline: Vec<EventJson>,
    research: super::research::ResearchView,
    opinions: Vec<crate::api::OpinionJson>,
    /// Published minutes of the meetings that heard it: meeting id, name.
    minutes: Vec<(i64, String)>,
    /// The campaign it counts in, and (for its convener) the room's others.
    campaign: Option<(i64, String)>,
    campaigns_to_join: Vec<(i64, String)>,
    /// 跟踪问效: each check with the photos taken at it.
    follow_ups: Vec<(store::FollowUp, Vec<store::Photo>)>,
    /// For a leader about to rule: the leadership meetings that may (id, name and date).
    review_sessions: Vec<(i64, String)>,
    /// The adopted opinions (or parts) a task may carry out: id and what.
    dispatchable: Vec<(i64, String)>,
    tasks: Vec<TaskRow>,
    actions: Vec<&'static str>,
    can_rate: bool,
    /// The rating form is a supporter's (附议): it reopens nothing.
    supporter_rates: bool,
    can_like: bool,
    liked: bool,
    /// Photos of a topic merged from triage, which its convener may publish.
    can_publish_photos: bool,
    /// Its submitter sees how many others met the same problem, without a button.
    own_supporters: Option<i64>,
    /// The deadline classes a dispatch or referral offers.
    deadline_classes: [domain::DeadlineClass; 3],
    /// Likes from accounts (phone-verified residents and officials).
    verified_likes: u64,
    departments: Vec<(DepartmentId, String)>,
    meetings: Vec<(i64, String)>,
    today: String,
    /// The topic's online deliberation, if one was opened.
    deliberation: Option<domain::DeliberationId>,
    /// The room's convener may open one.
    can_open_deliberation: bool,
    /// 附议 button, when the topic still takes supports.
    support: Option<SupportButton>,
    following: bool,
    signed_in: bool,
    /// The submitter as the public sees them (匿名群众 for an anonymous topic).
    submitter: String,
    /// The room's convener may look up the number the submitter left.
    can_reveal_phone: bool,
    photos: Vec<store::Photo>,
    /// The tracking number of a topic that was merged into this one (after its redirect).
    merged_from: Option<String>,
    /// Likely duplicates beside a submission waiting for triage (for its convener).
    similar: Vec<crate::similar::Similar>,
    /// The form the convener needs next stands open: research after acceptance.
    open_research: bool,
    /// And dispatch right after review.
    open_dispatch: bool,
    /// What the resident said when they were not satisfied (a reopened topic).
    reopened_because: Option<String>,
}

/// The 附议 button, also returned alone to htmx after a support.
#[derive(Template)]
#[template(path = "_support.html")]
pub struct SupportButton {
    pub no: String,
    pub supported: bool,
    pub count: i64,
}

impl TopicPage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

struct TaskRow {
    id: i64,
    title: String,
    department: String,
    state_label: String,
    due: String,
    overdue: bool,
    /// 剩余 / 超期 N 个工作日.
    deadline: String,
    /// 黄牌 / 红牌, or empty.
    card: String,
    requested_due: String,
    /// Why the extension is asked for, while a request waits.
    extension_reason: String,
    actions: Vec<&'static str>,
    /// 督办单 on it, with their answers.
    orders: Vec<crate::stages::order::OrderJson>,
    /// The viewer may issue a 督办单 (a leader over the topic, work still open).
    can_order: bool,
    /// The viewer works in its department (answers its 督办单).
    can_answer: bool,
    /// Photos the department sent with its completion report.
    photos: Vec<store::Photo>,
    /// Co-handling departments (协办): name, how far, what they reported.
    shares: Vec<(String, &'static str, String)>,
    /// The clerk handling it (承办人), or empty.
    clerk: String,
    /// For the department's head: the people it may name (id, name).
    clerks: Vec<(i64, String)>,
}

impl TaskRow {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

#[derive(Debug, Deserialize)]
pub struct TopicQuery {
    pub submitted: Option<String>,
    /// Set by the redirect from a merged topic to the one it joined.
    pub merged: Option<String>,
    /// Show a merged topic itself instead of following its redirect.
    pub stay: Option<String>,
}

pub async fn topic(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(no): Path<String>,
    Query(q): Query<TopicQuery>,
) -> AppResult<Response> {
    let read = topic_data(&state, &no);
    let data = state
        .topics
        .get_for(&state, &viewer, no.clone(), read)
        .await?;
    if let Some(target) = &data.merged_into
        && q.stay.is_none()
    {
        return Ok(
            Redirect::to(&format!("/t/{target}?merged={}", data.t.tracking_no)).into_response(),
        );
    }
    let visit = Visit::of(&state, &viewer, &data).await?;
    let mut response = if viewer.user.is_none() && q.submitted.is_none() && q.merged.is_none() {
        // A visitor without a sign-in is shown nothing of their own but
        // what the visit names: visitors alike share one rendering, kept
        // and compressed once like the room pages.
        let key = format!("t:{no}:{}", visit.key());
        let render = async { Ok(render(&page(&state, &viewer, &data, &q, &visit).await?)) };
        state.pages.html(&state, &viewer, key, render).await?
    } else {
        Html(render(&page(&state, &viewer, &data, &q, &visit).await?)).into_response()
    };
    // The like token goes with the page, beside it rather than in it (see
    // `auth::like_cookie`), bound to the topic's own number, which its like
    // form posts to (the path may carry it with spaces around).
    let no = &data.t.tracking_no;
    if visit.can_like
        && let Some(token) = crate::auth::like_token(&state, &viewer, no).await
        && let Some(cookie) = crate::auth::like_cookie(&state, no, &token)
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// What a topic's page shows about the one viewing it, beyond their roles.
struct Visit {
    marks: store::VisitorMarks,
    /// What the viewer may do with the topic, as the domain answers it.
    moves: Vec<TopicMove>,
    /// A resident who supported it rates the result too, once.
    supporter_rates: bool,
    /// They raised it themselves.
    mine: bool,
    photos_visible: bool,
    can_like: bool,
}

impl Visit {
    async fn of(state: &AppState, viewer: &Viewer, data: &TopicData) -> AppResult<Visit> {
        let t = &data.t;
        // A phone handed its device just now has no marks to look up.
        let marks = if viewer.fresh {
            store::VisitorMarks::default()
        } else {
            state
                .store
                .visitor_marks(t.id, &viewer.liker_key(), &viewer.inbox_keys())
                .await?
        };
        let moves = domain::allowed(&data.ctx, &viewer.actor);
        let supporter_rates = !moves.contains(&TopicMove::Rate)
            && marks.supported
            && match viewer.participant_key() {
                Ok(key) => {
                    let rated = state.store.rated_by(t.id, &key).await?;
                    domain::check_supporter_rating(
                        data.ctx.state,
                        &t.submitter,
                        &viewer.actor,
                        true,
                        rated,
                    )
                    .is_ok()
                }
                Err(_) => false,
            };
        Ok(Visit {
            marks,
            moves,
            supporter_rates,
            mine: t.submitter.is(&viewer.actor),
            photos_visible: crate::photos::visible(t, viewer),
            can_like: data.ctx.state.is_public_result(),
        })
    }

    /// Everything of the visit the page depends on, for telling renderings apart.
    fn key(&self) -> String {
        let bits = [
            self.marks.liked,
            self.marks.supported,
            self.marks.following,
            self.supporter_rates,
            self.mine,
            self.photos_visible,
        ];
        let mut key: String = bits.iter().map(|b| if *b { '1' } else { '0' }).collect();
        for m in &self.moves {
            key.push(':');
            key.push_str(m.code());
        }
        key
    }
}

/// The page as this viewer sees it.
async fn page(
    state: &AppState,
    viewer: &Viewer,
    data: &TopicData,
    q: &TopicQuery,
    visit: &Visit,
) -> AppResult<TopicPage> {
    let TopicData {
        t,
        room,
        ctx,
        depts,
        tasks,
        opinions,
        orders,
        shares,
        follow_ups,
        work_photos,
        meetings,
        merged_into,
        deliberation,
        timeline,
        research,
        minutes,
        campaign,
        photos,
        verified_likes,
        clerks: clerk_of,
        last_rating,
    } = data.clone();
    let today = state.store.clock().today();
    // Why it came back: the resident's 不满意, or a follow-up that found 没有效果.
    let reopened_by = timeline
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Reopened | EventKind::FollowUpFailed));
    let reopened_because = match (t.state, reopened_by) {
        (TopicState::Reopened, Some(e)) if e.kind == EventKind::FollowUpFailed => {
            Some(format!("跟踪回访：{}", e.detail.text_zh()))
        }
        (TopicState::Reopened, _) => last_rating,
        _ => None,
    };
    let when = crate::calendar::Deadlines::now(state).await?;
    let dept_name = |id: DepartmentId| {
        depts
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let region = t.region.clone();
    // 承办人: each task's named clerk, and whom a department's head may name.
    let mut staff_of = Vec::new();
    for k in &tasks {
        if viewer.actor.is_head_of(k.department) {
            let staff = state.store.department_staff(k.department).await?;
            let staff: Vec<(i64, String)> = staff
                .into_iter()
                .map(|u| (u.id.0, u.display_name))
                .collect();
            staff_of.push((k.id, staff));
        }
    }
    let tasks = tasks
        .into_iter()
        .map(|k| {
            let own: Vec<&store::TaskShare> = shares.iter().filter(|s| s.task == k.id).collect();
            let tctx = TaskCtx {
                state: k.state,
                department: k.department,
                room: t.room,
                region: region.clone(),
                shares: own
                    .iter()
                    .map(|s| domain::Share {
                        department: s.department,
                        state: s.state,
                    })
                    .collect(),
                // Whether a completion waits for the head changes where it
                // lands, not whether it is offered.
                needs_approval: false,
            };
            let actions = domain::allowed_task(&tctx, &viewer.actor)
                .iter()
                .map(|m| m.code())
                .collect();
            TaskRow {
                id: k.id.0,
                title: k.title.clone(),
                department: dept_name(k.department),
                state_label: k.state.label_zh().to_owned(),
                due: k.due_date.to_string(),
                overdue: when.overdue(&k),
                deadline: when.text(&k),
                card: when
                    .card(&k)
                    .map(|c| c.label_zh())
                    .unwrap_or_default()
                    .to_owned(),
                requested_due: k.requested_due.map(|d| d.to_string()).unwrap_or_default(),
                // Why more time is asked, beside the buttons that answer it.
                extension_reason: k
                    .requested_due
                    .and_then(|_| {
                        timeline.iter().rev().find_map(|e| match &e.detail {
                            domain::EventDetail::ExtensionRequested { reason, .. }
                                if e.task == Some(k.id) =>
                            {
                                Some(reason.clone())
                            }
                            _ => None,
                        })
                    })
                    .unwrap_or_default(),
                actions,
                orders: orders
                    .iter()
                    .filter(|o| o.task == k.id)
                    .map(crate::stages::order::OrderJson::new)
                    .collect(),
                can_order: domain::issue_order(&viewer.actor, &region, k.state, today, today)
                    .is_ok(),
                can_answer: viewer.actor.is_staff_of(k.department),
                photos: work_photos
                    .iter()
                    .filter(|p| p.task == Some(k.id))
                    .cloned()
                    .collect(),
                clerk: clerk_of
                    .iter()
                    .find(|(id, _)| *id == k.id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                clerks: staff_of
                    .iter()
                    .find(|(id, _)| *id == k.id)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default(),
                shares: own
                    .iter()
                    .map(|s| {
                        let note = s.note.clone().unwrap_or_default();
                        (dept_name(s.department), s.state.label_zh(), note)
                    })
                    .collect(),
            }
        })
        .collect();
    let dispatchable = opinions
        .iter()
        .filter(|o| domain::dispatchable(o.decision))
        .map(|o| {
            let what = o.part.as_deref().unwrap_or(&o.text);
            let label = o.decision.map(|d| d.label_zh()).unwrap_or_default();
            (o.id.0, format!("{label}：{what}"))
        })
        .collect();
    let opinions: Vec<_> = opinions
        .into_iter()
        .map(crate::api::OpinionJson::new)
        .collect();
    let follow_ups = follow_ups
        .into_iter()
        .map(|f| {
            let taken = work_photos
                .iter()
                .filter(|p| p.follow_up == Some(f.id))
                .cloned()
                .collect();
            (f, taken)
        })
        .collect();
    let meetings = meetings
        .into_iter()
        .filter(|m| matches!(m.state, MeetingState::Planned | MeetingState::Notified))
        .map(|m| (m.id.0, format!("{}（{}）", m.title, fmt_time(m.starts_at))))
        .collect();
    // What the viewer may do here, as the domain answers it (no probing).
    let can_rate = visit.moves.contains(&TopicMove::Rate);
    let actions: Vec<&'static str> = visit
        .moves
        .iter()
        .filter(|m| **m != TopicMove::Rate)
        .map(|m| m.code())
        .collect();
    let review_sessions = if actions.contains(&"review") {
        state
            .store
            .review_sessions_over(&t.region)
            .await?
            .into_iter()
            .map(|s| (s.id.0, format!("{}（{}）", s.title, s.held_on)))
            .collect()
    } else {
        Vec::new()
    };
    let can_like = visit.can_like;
    let marks = visit.marks;
    let liked = can_like && marks.liked;
    let supporter_rates = visit.supporter_rates;
    let can_open_deliberation =
        domain::open_deliberation(&viewer.actor, t.room, ctx.state, deliberation.is_some()).is_ok();
    let is_convener = viewer.actor.is_convener_of(t.room);
    // A result is liked and rated, no longer supported (附议); nobody
    // supports their own topic.
    let support =
        if can_like || domain::check_support(ctx.state, &t.submitter, &viewer.actor).is_err() {
            None
        } else {
            Some(SupportButton {
                no: t.tracking_no.clone(),
                supported: marks.supported,
                count: t.support_count,
            })
        };
    let can_publish_photos =
        !photos.is_empty() && domain::publish_photos(&t.photo_ctx(), &viewer.actor).is_ok();
    let photos = if visit.photos_visible {
        photos
    } else {
        Vec::new()
    };
    let similar = if is_convener && ctx.state == TopicState::Submitted {
        crate::similar::for_topic(state, &t).await?
    } else {
        Vec::new()
    };
    let submitter =
        domain::shown_submitter(t.anonymous, &t.submitter_name, t.room, &viewer.actor).to_owned();
    let merged_from = q
        .merged
        .as_deref()
        .and_then(|m| domain::TrackingNo::parse(m).ok())
        .map(|m| m.as_str().to_owned());
    let own_supporters = (support.is_none() && !can_like && visit.mine).then_some(t.support_count);
    // Only those who give work need the region's deadline classes.
    let deadline_classes = if actions.iter().any(|a| *a == "dispatch" || *a == "refer") {
        let overrides = state.store.deadline_overrides().await?;
        domain::deadline_classes(&overrides, &t.region)
    } else {
        domain::DEADLINE_CLASSES
    };
    let can_reveal_phone =
        t.submitter_phone.is_some() && domain::reveal_phone(&viewer.actor, t.room).is_ok();
    // The convener ticks who took part from the room's linked people.
    let people = if actions.contains(&"research") {
        state.store.people_of_room(t.room).await?
    } else {
        Vec::new()
    };
    let research = super::research::ResearchView::new(&research, &people);
    let campaigns_to_join =
        super::campaign::campaigns_to_join(state, viewer, t.room, campaign.as_ref().map(|c| c.0))
            .await?;
    let page = TopicPage {
        can_reveal_phone,
        support,
        following: marks.following,
        signed_in: viewer.user.is_some(),
        submitter,
        photos,
        merged_from,
        similar,
        deliberation,
        can_open_deliberation,
        nav: Nav::of(viewer),
        state_label: t.state.label_zh().to_owned(),
        channel_label: t.channel.label_zh().to_owned(),
        room_code: room.code.as_str().to_owned(),
        room_name: room.name,
        created: fmt_time(t.created_at),
        submitted: q.submitted.is_some(),
        merged_into,
        timeline: timeline.iter().map(EventJson::new).collect(),
        research,
        minutes: minutes.into_iter().map(|(m, name)| (m.0, name)).collect(),
        campaign,
        campaigns_to_join,
        opinions,
        review_sessions,
        follow_ups,
        dispatchable,
        tasks,
        actions,
        can_rate: can_rate || supporter_rates,
        supporter_rates,
        can_like,
        liked,
        can_publish_photos,
        own_supporters,
        deadline_classes,
        verified_likes,
        departments: depts.iter().map(|d| (d.id, d.name.clone())).collect(),
        meetings,
        today: today.to_string(),
        open_research: t.state == TopicState::Accepted,
        open_dispatch: matches!(t.state, TopicState::Reviewed | TopicState::Reopened),
        reopened_because,
        t,
    };
    Ok(page)
}
