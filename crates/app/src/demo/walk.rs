//! Every demo topic walked along the chain through the real store calls,
//! each move at the time the demo's clock is set to, so timelines, tasks
//! and meetings tell one story: a room's autumn meeting weeks ago with its
//! topics researched before it and carried out after it, and its winter
//! meeting still to come with the topics raised since.
use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use domain::{
    AdoptedPart, Channel, Decision, DepartmentId, FollowUpOutcome, Instructions, MeetingCommand,
    MeetingId, MeetingTitle, Note, Participants, RatingComment, Reason, ReviewSessionId, Ruling,
    Satisfaction, TaskTitle, TopicBody, TopicId, TopicTitle, TrackingNo,
};
use store::{NewMeeting, NewReviewSession, NewTopic, Store, TaskAction, TopicAction, Who};

use super::pace::{Pace, beijing};
use super::{Data, DemoTopic, People, deliberation, fill, pick};

/// Where a demo topic's walk along the chain stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stop {
    Submitted,
    Rejected,
    Merged,
    Referred,
    Accepted,
    Researching,
    Scheduled,
    Deliberated,
    Reviewed,
    Implementing,
    Completed,
    Evaluated,
    Reopened,
}

/// A fixed mix, so every stage of the chain has topics and results dominate.
const STOPS: [Stop; 20] = [
    Stop::Evaluated,
    Stop::Submitted,
    Stop::Implementing,
    Stop::Completed,
    Stop::Researching,
    Stop::Evaluated,
    Stop::Rejected,
    Stop::Scheduled,
    Stop::Implementing,
    Stop::Deliberated,
    Stop::Evaluated,
    Stop::Accepted,
    Stop::Referred,
    Stop::Reviewed,
    Stop::Completed,
    Stop::Evaluated,
    Stop::Merged,
    Stop::Submitted,
    Stop::Reopened,
    Stop::Implementing,
];

/// A topic on the autumn meeting's agenda, carried on after the meeting.
struct Heard<'a> {
    id: TopicId,
    stop: Stop,
    submitter: Who,
    topic: &'a DemoTopic,
    dept: DepartmentId,
    dept_who: Who,
    n: usize,
}

/// The first day on or after `day` that is a weekday.
fn weekday(mut day: chrono::NaiveDate) -> chrono::NaiveDate {
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = day.succ_opt().unwrap_or(day);
    }
    day
}

/// Each room gets an autumn meeting (held weeks ago, closed) and a winter
/// one (coming); every topic is submitted and moved along the chain to its stop.
pub async fn walk_topics(
    store: &Store,
    pace: &Pace,
    d: &Data,
    people: &People,
) -> anyhow::Result<()> {
    let today = pace.today();
    let mut n = 0usize;
    let mut online_topics: Vec<(usize, TopicId, Who, DateTime<Utc>)> = Vec::new();
    for (ri, r) in d.rooms.iter().enumerate() {
        let (convener, room) = people.conveners.get(&r.code).context("convener")?;
        let autumn_at = beijing(weekday(today - Duration::days(50 + 3 * ri as i64)), 9, 30);
        let winter_at = beijing(weekday(today + Duration::days(9 + ri as i64 % 12)), 14, 30);
        // Topics for the autumn meeting were raised in the seven weeks before it;
        // the rest in the last five weeks.
        let autumn_window = autumn_at - Duration::days(48);
        let recent_window = pace.now - Duration::days(36);
        let title = |k: usize, season: &str| {
            fill(pick(&d.templates.meeting_title, ri + k), "", "")
                .replace("{village}", &r.village)
                .replace("{season}", season)
        };
        pace.office(autumn_window, -3, ri);
        let autumn = store
            .plan_meeting(
                NewMeeting {
                    room: *room,
                    title: &title(0, "秋季"),
                    place: &r.place,
                    starts_at: autumn_at,
                },
                convener,
            )
            .await?;
        pace.office(recent_window, -2, ri);
        let winter = store
            .plan_meeting(
                NewMeeting {
                    room: *room,
                    title: &title(1, "冬季"),
                    place: &r.place,
                    starts_at: winter_at,
                },
                convener,
            )
            .await?;
        super::meeting_day::invite(
            store, pace, d, convener, *room, winter.id, winter_at, ri, false,
        )
        .await?;
        let autumn_id = autumn.id;

        let topics: Vec<&DemoTopic> = d.topics.iter().filter(|t| t.room == r.code).collect();
        let mut heard: Vec<Heard> = Vec::new();
        // The room's first accepted topic and when it was accepted: others may merge into it.
        let mut merge_target: Option<(TrackingNo, DateTime<Utc>)> = None;
        for (k, t) in topics.into_iter().enumerate() {
            let mut stop = STOPS[n % STOPS.len()];
            let channel = Channel::parse(&t.channel).unwrap_or(Channel::Resident);
            if channel != Channel::Resident && stop <= Stop::Referred {
                stop = Stop::Researching; // only residents' topics wait in triage
            }
            if stop == Stop::Merged && merge_target.is_none() {
                stop = Stop::Accepted;
            }
            // Deliberated online before the coming meeting.
            let online = d.deliberations.iter().position(|x| x.topic == t.title);
            if online.is_some() {
                stop = Stop::Scheduled;
            }
            let resident = &people.residents[n % people.residents.len()];
            let submitter = match channel {
                Channel::Resident => resident.0.clone(),
                Channel::Committee => people.members[n % people.members.len().max(1)].clone(),
                Channel::Leadership => people.leader.clone(),
            };
            let window = if stop > Stop::Scheduled {
                autumn_window
            } else {
                recent_window
            };
            let days = k as i64 * 3 / 2;
            let raised = match channel {
                Channel::Resident => pace.resident(window, days, n),
                _ => pace.office(window, days, n),
            };
            let title = TopicTitle::parse(&t.title)?;
            let body = TopicBody::parse(&t.body)?;
            let phone = (channel == Channel::Resident).then_some(&resident.1);
            let topic = store
                .submit_topic(
                    NewTopic {
                        room: *room,
                        channel,
                        title: &title,
                        body: &body,
                        category: &t.category,
                        place: &t.place,
                        phone,
                        anonymous: false,
                        point: (channel == Channel::Resident)
                            .then(|| super::marked_near(r.point, k))
                            .flatten(),
                        client_key: None,
                        photos: &[],
                        reason: None,
                        external_ref: None,
                    },
                    &submitter,
                )
                .await?;
            let id = topic.id;
            let act = |who: &Who, a: TopicAction| {
                let who = who.clone();
                async move { store.apply_topic(id, &who, a).await }
            };
            let (dept, dept_who) = &people.dept_staff[n % people.dept_staff.len()];
            // The convener looks at a new submission within a working day or two.
            let triaged = pace.office(raised, 1 + (n % 2) as i64, n);
            match stop {
                Stop::Submitted => {}
                Stop::Rejected => {
                    let reason = fill(pick(&d.templates.reject_reason, n), &t.title, &t.place);
                    act(
                        convener,
                        TopicAction::Reject {
                            reason: Reason::parse(&reason)?,
                        },
                    )
                    .await?;
                }
                Stop::Merged => {
                    let (into, accepted) = merge_target.clone().context("merge target")?;
                    pace.office(triaged.max(accepted), 0, n + 9);
                    act(convener, TopicAction::Merge { into }).await?;
                }
                Stop::Referred => {
                    let due = domain::beijing_date(triaged) + Duration::days(15);
                    act(
                        convener,
                        TopicAction::Refer {
                            department: *dept,
                            due,
                        },
                    )
                    .await?;
                }
                _ => {
                    if channel != Channel::Leadership {
                        act(convener, TopicAction::Accept).await?;
                    }
                    if merge_target.is_none() {
                        merge_target = Some((TrackingNo::parse(&topic.tracking_no)?, triaged));
                    }
                    let mut at = triaged;
                    if stop >= Stop::Researching {
                        let complete = stop > Stop::Researching;
                        at = super::research::research(
                            store, pace, d, convener, *room, id, t, at, n, complete,
                        )
                        .await?;
                    }
                    if stop >= Stop::Scheduled {
                        at = pace.office(at, 1, n + 2);
                        let meeting = if stop == Stop::Scheduled {
                            winter.id
                        } else {
                            autumn_id
                        };
                        act(convener, TopicAction::Schedule { meeting }).await?;
                    }
                    if let Some(k) = online {
                        online_topics.push((k, id, convener.clone(), at));
                    }
                    if stop > Stop::Scheduled {
                        heard.push(Heard {
                            id,
                            stop,
                            submitter,
                            topic: t,
                            dept: *dept,
                            dept_who: dept_who.clone(),
                            n,
                        });
                    }
                }
            }
            n += 1;
        }
        super::meeting_day::invite(
            store, pace, d, convener, *room, autumn_id, autumn_at, ri, true,
        )
        .await?;
        hold_autumn_meeting(
            store, pace, d, people, convener, autumn_id, autumn_at, &heard,
        )
        .await?;
    }

    let residents: Vec<Who> = people.residents.iter().map(|r| r.0.clone()).collect();
    for (k, topic, convener, scheduled) in online_topics {
        pace.office(scheduled, 1, k);
        let seed = k as u64 + 1;
        deliberation::open(
            store,
            &d.deliberations[k],
            topic,
            &convener,
            &residents,
            seed,
        )
        .await?;
    }
    Ok(())
}

/// The autumn meeting: notified a week before, held at its time with an
/// opinion on each topic, closed; then leadership review, tasks, and the
/// residents' ratings, each days after the one before.
#[allow(clippy::too_many_arguments)]
async fn hold_autumn_meeting(
    store: &Store,
    pace: &Pace,
    d: &Data,
    people: &People,
    convener: &Who,
    meeting: MeetingId,
    starts_at: DateTime<Utc>,
    heard: &[Heard<'_>],
) -> anyhow::Result<()> {
    pace.office(starts_at, -7, 3);
    store
        .apply_meeting(meeting, convener, MeetingCommand::Notify)
        .await?;
    super::meeting_day::sign_in(store, pace, convener, meeting, starts_at).await?;
    pace.set(starts_at);
    store
        .apply_meeting(meeting, convener, MeetingCommand::Start)
        .await?;
    for (k, h) in heard.iter().enumerate() {
        super::meeting_day::discuss(
            store,
            pace,
            convener,
            meeting,
            starts_at,
            k,
            h.id,
            &h.topic.title,
        )
        .await?;
        pace.minutes_after(starts_at, 10 + 12 * k as i64);
        store
            .apply_topic(
                h.id,
                convener,
                TopicAction::RecordOpinion {
                    text: Note::parse(&fill(
                        pick(&d.templates.opinion, h.n),
                        &h.topic.title,
                        &h.topic.place,
                    ))?,
                },
            )
            .await?;
    }
    pace.minutes_after(starts_at, 20 + 12 * heard.len() as i64);
    store
        .apply_meeting(meeting, convener, MeetingCommand::Close)
        .await?;
    let titles: Vec<(TopicId, String)> = heard
        .iter()
        .map(|h| (h.id, h.topic.title.clone()))
        .collect();
    super::meeting_day::minutes(store, pace, convener, meeting, starts_at, &titles).await?;

    // The subdistrict's leadership meets a few days later and rules on
    // each opinion of the meeting.
    let session_at = pace.office(starts_at, 3, 1);
    let region = people
        .leader
        .actor
        .led_regions()
        .next()
        .and_then(|r| r.id())
        .context("the demo leader leads a region")?;
    let session = store
        .create_review_session(
            NewReviewSession {
                region,
                title: MeetingTitle::parse("陈师街道党工委（扩大）会议")?,
                held_on: domain::beijing_date(session_at),
                attendees: Participants::parse(
                    "街道党工委书记、办事处主任、分管副主任、社会事务办、城建办负责人",
                )?,
            },
            &people.leader,
        )
        .await?;
    for h in heard {
        carry_out(
            store,
            pace,
            d,
            people,
            convener,
            (session.id, session_at),
            h,
        )
        .await?;
    }
    Ok(())
}

/// One heard topic after the meeting: review, dispatch, the department's
/// work, verification, the submitter's rating and residents' likes.
async fn carry_out(
    store: &Store,
    pace: &Pace,
    d: &Data,
    people: &People,
    convener: &Who,
    (session, session_at): (ReviewSessionId, DateTime<Utc>),
    h: &Heard<'_>,
) -> anyhow::Result<()> {
    let (i, t) = (h.n, h.topic);
    let act = |who: &Who, a: TopicAction| {
        let who = who.clone();
        async move { store.apply_topic(h.id, &who, a).await }
    };
    if h.stop < Stop::Reviewed {
        return Ok(());
    }
    let reviewed = pace.minutes_after(session_at, 5 + 7 * (i % 12) as i64);
    let instructions = fill(pick(&d.templates.instruction, i), &t.title, &t.place);
    let (decision, part) = if i % 7 == 3 {
        let part = format!("先行实施{}的整治，其余部分列入明年计划统筹安排", t.place);
        (Decision::PartlyAdopt, Some(AdoptedPart::parse(&part)?))
    } else {
        (Decision::Adopt, None)
    };
    let opinion = store
        .opinions(h.id)
        .await?
        .into_iter()
        .next_back()
        .context("opinion")?;
    act(
        &people.leader,
        TopicAction::Review {
            session,
            opinion: opinion.id,
            ruling: Ruling::new(decision, part, None, Instructions::parse(&instructions)?)?,
        },
    )
    .await?;
    if h.stop < Stop::Implementing {
        return Ok(());
    }
    let dispatched = pace.minutes_after(reviewed, 45);
    let due = domain::beijing_date(dispatched) + Duration::days(20 + (i % 25) as i64);
    // Some work is shared (联办): the next department co-handles it.
    let co = people
        .dept_staff
        .iter()
        .position(|(d, _)| *d == h.dept)
        .map(|k| &people.dept_staff[(k + 1) % people.dept_staff.len()])
        .filter(|(d, _)| i % 5 == 2 && *d != h.dept);
    act(
        &people.leader,
        TopicAction::DispatchTask {
            department: h.dept,
            title: TaskTitle::parse(&t.title)?,
            due,
            opinion: Some(opinion.id),
            co_departments: co.iter().map(|(d, _)| *d).collect(),
        },
    )
    .await?;
    let task = store
        .tasks_of_topic(h.id)
        .await?
        .into_iter()
        .next_back()
        .context("task")?;
    let tid = task.id;
    let signed = pace.office(dispatched, 1, i + 3);
    store.apply_task(tid, &h.dept_who, TaskAction::Sign).await?;
    if let Some((_, co_who)) = co {
        store.apply_task(tid, co_who, TaskAction::ShareSign).await?;
    }
    let progressed = pace.office(signed, 4 + (i % 3) as i64, i + 4);
    let note = Note::parse(&fill(pick(&d.templates.progress, i), &t.title, &t.place))?;
    store
        .apply_task(tid, &h.dept_who, TaskAction::PostProgress { note })
        .await?;
    if h.stop < Stop::Completed {
        // Work still going on: the leader presses on some of it with a
        // 督办单; the department has answered every other one.
        if i % 3 == 0 {
            let issued = pace.office(progressed, 2, i + 8);
            let answer_by = domain::beijing_date(issued) + Duration::days(5 + (i % 2) as i64 * 30);
            let text = format!("请于期限内报告「{}」的施工进度和完工时间", t.title);
            let order = store
                .issue_order(tid, &people.leader, &Note::parse(&text)?, answer_by)
                .await?;
            if i % 2 == 0 {
                pace.office(issued, 1, i + 9);
                let answer = format!("已组织施工队进场，{}预计两周内完工，完工后报告", t.place);
                store
                    .answer_order(order.id, &h.dept_who, &Note::parse(&answer)?)
                    .await?;
            }
        }
        return Ok(());
    }
    if let Some((_, co_who)) = co {
        pace.office(progressed, 3, i + 11);
        let note = Note::parse(&format!("协办部分已完成，{}周边配套已同步整改", t.place))?;
        store
            .apply_task(tid, co_who, TaskAction::ShareDone { note })
            .await?;
    }
    let done = pace.office(progressed, 6 + (i % 8) as i64, i + 5);
    let note = Note::parse(&fill(pick(&d.templates.completion, i), &t.title, &t.place))?;
    store
        .apply_task(
            tid,
            &h.dept_who,
            TaskAction::Complete {
                note,
                photos: Vec::new(),
            },
        )
        .await?;
    let verified = pace.office(done, 1 + (i % 2) as i64, i + 6);
    store.apply_task(tid, convener, TaskAction::Verify).await?;
    if h.stop >= Stop::Evaluated {
        pace.resident(verified, 1 + (i % 3) as i64, i + 7);
        let satisfaction = if h.stop == Stop::Reopened {
            Satisfaction::Unsatisfied
        } else if i % 5 == 0 {
            Satisfaction::Basic
        } else {
            Satisfaction::Satisfied
        };
        let comment = if h.stop == Stop::Reopened {
            "路面修了一半就停工了，希望尽快把剩下的部分修好。"
        } else {
            "办得实在，感谢村里和部门！"
        };
        act(
            &h.submitter,
            TopicAction::Rate {
                satisfaction,
                comment: RatingComment::parse(comment)?,
            },
        )
        .await?;
    }
    if matches!(h.stop, Stop::Completed | Stop::Evaluated) {
        let likes = 20 + (i * 37) % 480;
        let likers: Vec<String> = (0..likes).map(|k| format!("d:demo{i:03}{k:05}")).collect();
        store.bulk_likes(h.id, &likers).await?;
    }
    // 跟踪问效: the convener goes back to some of the results; one of those
    // visits finds the fix did not hold and reopens the topic.
    let visit = verified + Duration::days(10);
    if h.stop == Stop::Evaluated && i % 4 == 1 && visit + Duration::days(3) < pace.now {
        pace.office(visit, 0, i + 10);
        let (outcome, note) = if i % 8 == 1 {
            (
                FollowUpOutcome::Ineffective,
                format!(
                    "回访发现{}的问题又出现了，群众反映强烈，需重新整改",
                    t.place
                ),
            )
        } else {
            (
                FollowUpOutcome::Effective,
                format!("回访{}，整改效果良好，群众满意", t.place),
            )
        };
        let note = Note::parse(&note)?;
        act(
            convener,
            TopicAction::FollowUp {
                outcome,
                note,
                photos: Vec::new(),
            },
        )
        .await?;
    }
    Ok(())
}
