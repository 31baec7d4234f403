//! The demo subdistrict: 江苏省 / 淮安市 / 涟水县 / 陈师街道 with 23 rooms,
//! its departments and people, and 200 topics walked through the real chain
//! (the same store calls the web uses), spread over the past months.
use std::collections::HashMap;

use anyhow::Context;
use chrono::{Duration, Utc};
use domain::{
    Actor, Channel, Decision, DepartmentId, Grant, Instructions, MeetingCommand, MeetingId, Note,
    ParticipantCategory, Participants, Password, PhoneNumber, RatingComment, Reason, RegionId,
    RegionLevel, Role, RoomCode, RoomId, Satisfaction, Scope, TaskTitle, TopicBody, TopicId,
    TopicTitle, TrackingNo, UserId, Username,
};
use serde::Deserialize;
use store::{
    NewDepartment, NewMeeting, NewRegion, NewRoom, NewTopic, NewUser, Store, TaskAction,
    TopicAction, Who,
};

mod deliberation;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "shangliang2026";

#[derive(Deserialize)]
struct Data {
    other_regions: Vec<OtherRegion>,
    lianshui_townships: Vec<Named>,
    rooms: Vec<DemoRoom>,
    departments: Vec<DemoDept>,
    people: Vec<Person>,
    residents: Vec<Resident>,
    topics: Vec<DemoTopic>,
    templates: Templates,
    deliberations: Vec<deliberation::DemoDeliberation>,
}

#[derive(Deserialize)]
struct OtherRegion {
    province: String,
    city: String,
    county: String,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct DemoRoom {
    code: String,
    village: String,
    name: String,
    place: String,
    convener: String,
    convener_login: String,
    description: String,
    allow_anonymous: bool,
}

#[derive(Deserialize)]
struct DemoDept {
    code: String,
    name: String,
    short: String,
    head: String,
    head_login: String,
    staff: String,
    staff_login: String,
}

#[derive(Deserialize)]
struct Person {
    login: String,
    name: String,
    role: String,
    region: String,
    categories: Vec<String>,
    title: String,
}

#[derive(Deserialize)]
struct Resident {
    name: String,
    phone: String,
}

#[derive(Deserialize)]
struct DemoTopic {
    room: String,
    channel: String,
    category: String,
    title: String,
    body: String,
    place: String,
}

#[derive(Deserialize)]
struct Templates {
    research: Vec<String>,
    opinion: Vec<String>,
    instruction: Vec<String>,
    progress: Vec<String>,
    completion: Vec<String>,
    reject_reason: Vec<String>,
    meeting_title: Vec<String>,
}

fn data() -> anyhow::Result<Data> {
    toml::from_str(include_str!("demo/data.toml")).context("demo data")
}

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

struct People {
    conveners: HashMap<String, (Who, RoomId)>,
    dept_staff: Vec<(DepartmentId, Who)>,
    leader: Who,
    members: Vec<Who>,
    residents: Vec<(Who, PhoneNumber)>,
}

async fn who(store: &Store, id: UserId, name: &str) -> anyhow::Result<Who> {
    Ok(Who {
        actor: store.actor(id).await?,
        name: name.to_owned(),
    })
}

async fn user(
    store: &Store,
    login: &str,
    name: &str,
    title: &str,
    cats: &[ParticipantCategory],
    hash: &str,
) -> anyhow::Result<UserId> {
    let username = Username::parse(login)?;
    Ok(store
        .create_user(NewUser {
            username: Some(&username),
            phone: None,
            display_name: name,
            title,
            categories: cats,
            password_hash: Some(hash.to_owned()),
        })
        .await?)
}

fn pick(list: &[String], i: usize) -> &str {
    list.get(i % list.len().max(1)).map_or("", String::as_str)
}

fn fill(t: &str, title: &str, place: &str) -> String {
    t.replace("{title}", title)
        .replace("{place}", if place.is_empty() { "现场" } else { place })
}

/// Loads everything; meant for an empty database.
pub async fn load(store: &Store) -> anyhow::Result<()> {
    let d = data()?;
    println!("正在生成演示数据（陈师街道）…");
    let hash = web::hash_password(Password::parse(DEMO_PASSWORD)?).await?;

    // Regions: the real hierarchy down to the villages of 陈师街道.
    let region = |parent: Option<RegionId>, name: String, level: RegionLevel| async move {
        store
            .create_region(NewRegion {
                parent,
                name: &name,
                level,
            })
            .await
    };
    let jiangsu = region(None, "江苏省".into(), RegionLevel::Province).await?;
    let huaian = region(Some(jiangsu), "淮安市".into(), RegionLevel::City).await?;
    let lianshui = region(Some(huaian), "涟水县".into(), RegionLevel::County).await?;
    let chenshi = region(Some(lianshui), "陈师街道".into(), RegionLevel::Township).await?;
    let mut region_ids: HashMap<String, RegionId> = [
        ("涟水县".to_owned(), lianshui),
        ("陈师街道".to_owned(), chenshi),
    ]
    .into_iter()
    .collect();
    for t in &d.lianshui_townships {
        region_ids.insert(
            t.name.clone(),
            region(Some(lianshui), t.name.clone(), RegionLevel::Township).await?,
        );
    }
    let mut provinces: HashMap<String, RegionId> =
        [("江苏省".to_owned(), jiangsu)].into_iter().collect();
    let mut cities: HashMap<String, RegionId> = HashMap::new();
    for o in &d.other_regions {
        let p = match provinces.get(&o.province) {
            Some(p) => *p,
            None => {
                let p = region(None, o.province.clone(), RegionLevel::Province).await?;
                provinces.insert(o.province.clone(), p);
                p
            }
        };
        let c = match cities.get(&o.city) {
            Some(c) => *c,
            None => {
                let c = region(Some(p), o.city.clone(), RegionLevel::City).await?;
                cities.insert(o.city.clone(), c);
                c
            }
        };
        region(Some(c), o.county.clone(), RegionLevel::County).await?;
    }

    // Rooms, one per village or community, each with its convener.
    let mut people = People {
        conveners: HashMap::new(),
        dept_staff: Vec::new(),
        leader: Who {
            actor: Actor::anonymous(None),
            name: String::new(),
        },
        members: Vec::new(),
        residents: Vec::new(),
    };
    for r in &d.rooms {
        let village = region(Some(chenshi), r.village.clone(), RegionLevel::Village).await?;
        let code = RoomCode::parse(&r.code)?;
        let room = store
            .create_room(NewRoom {
                region: village,
                code: &code,
                name: &r.name,
                place: &r.place,
                description: &r.description,
                allow_anonymous: r.allow_anonymous,
            })
            .await?;
        let uid = user(
            store,
            &r.convener_login,
            &r.convener,
            &format!("{}召集人", r.village),
            &[ParticipantCategory::PartyMember],
            &hash,
        )
        .await?;
        store
            .grant(uid, &Grant::new(Role::Convener, Scope::Room(room))?)
            .await?;
        people
            .conveners
            .insert(r.code.clone(), (who(store, uid, &r.convener).await?, room));
    }

    // Departments with a head and a clerk each.
    let chenshi_path = store.region_path(chenshi).await?;
    for x in &d.departments {
        let dept = store
            .create_department(NewDepartment {
                region: chenshi,
                code: &x.code,
                name: &x.name,
                short_name: &x.short,
            })
            .await?;
        let head = user(
            store,
            &x.head_login,
            &x.head,
            &format!("{}负责人", x.name),
            &[ParticipantCategory::DepartmentRepresentative],
            &hash,
        )
        .await?;
        store
            .grant(
                head,
                &Grant::new(Role::DepartmentHead, Scope::Department(dept))?,
            )
            .await?;
        let staff = user(
            store,
            &x.staff_login,
            &x.staff,
            &format!("{}工作人员", x.name),
            &[ParticipantCategory::DepartmentRepresentative],
            &hash,
        )
        .await?;
        store
            .grant(
                staff,
                &Grant::new(Role::DepartmentStaff, Scope::Department(dept))?,
            )
            .await?;
        people
            .dept_staff
            .push((dept, who(store, staff, &x.staff).await?));
    }

    // Leaders, administrators and committee members.
    for p in &d.people {
        let cats: Vec<ParticipantCategory> = p
            .categories
            .iter()
            .filter_map(|c| ParticipantCategory::parse(c))
            .collect();
        let uid = user(store, &p.login, &p.name, &p.title, &cats, &hash).await?;
        let role = Role::parse(&p.role).context("demo role")?;
        let rid = *region_ids.get(&p.region).context("demo region")?;
        store
            .grant(
                uid,
                &Grant::new(role, Scope::Region(store.region_path(rid).await?))?,
            )
            .await?;
        let w = who(store, uid, &p.name).await?;
        if role == Role::Leader && rid == chenshi && people.leader.name.is_empty() {
            people.leader = w;
        } else if role == Role::CommitteeMember {
            people.members.push(w);
        }
    }
    anyhow::ensure!(
        people.leader.actor.leads(&chenshi_path),
        "demo needs a leader of 陈师街道"
    );

    // Residents sign in by phone; they have no password.
    for r in &d.residents {
        let phone = PhoneNumber::parse(&r.phone)?;
        let uid = store
            .create_user(NewUser {
                username: None,
                phone: Some(&phone),
                display_name: &r.name,
                title: "",
                categories: &[ParticipantCategory::Public],
                password_hash: None,
            })
            .await?;
        store
            .grant(uid, &Grant::new(Role::Resident, Scope::Global)?)
            .await?;
        people
            .residents
            .push((who(store, uid, &r.name).await?, phone));
    }

    walk_topics(store, &d, &people).await?;
    println!(
        "演示数据已生成：{} 个议事室，{} 个议题，{} 场线上议事。",
        d.rooms.len(),
        d.topics.len(),
        d.deliberations.len()
    );
    Ok(())
}

/// Each room gets a past meeting (held, closed) and a coming one; every topic
/// is submitted and moved along the chain to its stop.
async fn walk_topics(store: &Store, d: &Data, people: &People) -> anyhow::Result<()> {
    let seasons = ["春季", "夏季", "秋季", "冬季"];
    let mut n = 0usize;
    let mut first_in_room: HashMap<String, TrackingNo> = HashMap::new();
    let mut online_topics: Vec<(usize, TopicId, Who)> = Vec::new();
    for (ri, r) in d.rooms.iter().enumerate() {
        let (convener, room) = people.conveners.get(&r.code).context("convener")?;
        let past_title = fill(pick(&d.templates.meeting_title, ri), "", "")
            .replace("{village}", &r.village)
            .replace("{season}", seasons[2]);
        let next_title = fill(pick(&d.templates.meeting_title, ri + 1), "", "")
            .replace("{village}", &r.village)
            .replace("{season}", seasons[3]);
        let past = store
            .plan_meeting(
                NewMeeting {
                    room: *room,
                    title: &past_title,
                    place: &r.place,
                    starts_at: local_time(-40 - ri as i64, 9, 30),
                },
                convener,
            )
            .await?;
        let next = store
            .plan_meeting(
                NewMeeting {
                    room: *room,
                    title: &next_title,
                    place: &r.place,
                    starts_at: local_time(9 + (ri as i64 % 12), 14, 30),
                },
                convener,
            )
            .await?;
        let past_id = MeetingId(past.id);
        store
            .apply_meeting(past_id, convener, MeetingCommand::Notify)
            .await?;

        let topics: Vec<&DemoTopic> = d.topics.iter().filter(|t| t.room == r.code).collect();
        let mut walked = Vec::new();
        for t in topics {
            let mut stop = STOPS[n % STOPS.len()];
            let channel = Channel::parse(&t.channel).unwrap_or(Channel::Resident);
            if channel != Channel::Resident && stop <= Stop::Referred {
                stop = Stop::Researching; // only residents' topics wait in triage
            }
            if stop == Stop::Merged && !first_in_room.contains_key(&r.code) {
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
                        point: None,
                        client_key: None,
                        photos: &[],
                        reason: None,
                    },
                    &submitter,
                )
                .await?;
            let id = TopicId(topic.id);
            if let Some(k) = online {
                online_topics.push((k, id, convener.clone()));
            }
            let no = TrackingNo::parse(&topic.tracking_no)?;
            let act = |who: &Who, a: TopicAction| {
                let who = who.clone();
                async move { store.apply_topic(id, &who, a).await }
            };
            let (_, dept_who) = &people.dept_staff[n % people.dept_staff.len()];
            let dept = people.dept_staff[n % people.dept_staff.len()].0;
            let due = (Utc::now() + Duration::days(30)).date_naive();
            match stop {
                Stop::Submitted => {}
                Stop::Rejected => {
                    act(
                        convener,
                        TopicAction::Reject {
                            reason: Reason::parse(&fill(
                                pick(&d.templates.reject_reason, n),
                                &t.title,
                                &t.place,
                            ))?,
                        },
                    )
                    .await?;
                }
                Stop::Merged => {
                    let into = first_in_room
                        .get(&r.code)
                        .cloned()
                        .context("merge target")?;
                    act(convener, TopicAction::Merge { into }).await?;
                }
                Stop::Referred => {
                    act(
                        convener,
                        TopicAction::Refer {
                            department: dept,
                            due,
                        },
                    )
                    .await?;
                }
                _ => {
                    if channel == Channel::Resident || channel == Channel::Committee {
                        act(convener, TopicAction::Accept).await?;
                    }
                    first_in_room
                        .entry(r.code.clone())
                        .or_insert_with(|| no.clone());
                    if stop >= Stop::Researching {
                        let note =
                            Note::parse(&fill(pick(&d.templates.research, n), &t.title, &t.place))?;
                        act(
                            convener,
                            TopicAction::AddResearch {
                                note,
                                participants: Participants::parse("党员、村民代表、行家里手")?,
                            },
                        )
                        .await?;
                    }
                    if stop == Stop::Scheduled {
                        act(
                            convener,
                            TopicAction::Schedule {
                                meeting: MeetingId(next.id),
                            },
                        )
                        .await?;
                    } else if stop > Stop::Scheduled {
                        act(convener, TopicAction::Schedule { meeting: past_id }).await?;
                    }
                    walked.push((id, stop, submitter, t, dept, dept_who.clone(), n));
                }
            }
            n += 1;
        }

        // The past meeting is held: opinions recorded, then the rest of the chain.
        store
            .apply_meeting(past_id, convener, MeetingCommand::Start)
            .await?;
        for (id, stop, submitter, t, dept, dept_who, i) in walked {
            if stop < Stop::Deliberated {
                continue;
            }
            let act = |who: &Who, a: TopicAction| {
                let who = who.clone();
                async move { store.apply_topic(id, &who, a).await }
            };
            act(
                convener,
                TopicAction::RecordOpinion {
                    text: Note::parse(&fill(pick(&d.templates.opinion, i), &t.title, &t.place))?,
                },
            )
            .await?;
            if stop >= Stop::Reviewed {
                let instructions = fill(pick(&d.templates.instruction, i), &t.title, &t.place);
                let decision = if i % 7 == 3 {
                    Decision::PartlyAdopt
                } else {
                    Decision::Adopt
                };
                act(
                    &people.leader,
                    TopicAction::Review {
                        decision,
                        instructions: Instructions::parse(&instructions)?,
                    },
                )
                .await?;
            }
            if stop >= Stop::Implementing {
                let due = (Utc::now() + Duration::days(20 + (i as i64 % 25))).date_naive();
                act(
                    &people.leader,
                    TopicAction::DispatchTask {
                        department: dept,
                        title: TaskTitle::parse(&t.title)?,
                        due,
                    },
                )
                .await?;
                let task = store
                    .tasks_of_topic(id)
                    .await?
                    .into_iter()
                    .next_back()
                    .context("task")?;
                let tid = domain::TaskId(task.id);
                store.apply_task(tid, &dept_who, TaskAction::Sign).await?;
                let note = Note::parse(&fill(pick(&d.templates.progress, i), &t.title, &t.place))?;
                store
                    .apply_task(tid, &dept_who, TaskAction::PostProgress { note })
                    .await?;
                if stop >= Stop::Completed {
                    let note =
                        Note::parse(&fill(pick(&d.templates.completion, i), &t.title, &t.place))?;
                    store
                        .apply_task(tid, &dept_who, TaskAction::Complete { note })
                        .await?;
                    store.apply_task(tid, convener, TaskAction::Verify).await?;
                }
            }
            if stop >= Stop::Evaluated {
                let satisfaction = if stop == Stop::Reopened {
                    Satisfaction::Unsatisfied
                } else if i % 5 == 0 {
                    Satisfaction::Basic
                } else {
                    Satisfaction::Satisfied
                };
                let comment = if stop == Stop::Reopened {
                    "路面修了一半就停工了，希望尽快把剩下的部分修好。"
                } else {
                    "办得实在，感谢村里和部门！"
                };
                act(
                    &submitter,
                    TopicAction::Rate {
                        satisfaction,
                        comment: RatingComment::parse(comment)?,
                    },
                )
                .await?;
            }
            if matches!(stop, Stop::Completed | Stop::Evaluated) {
                let likes = 20 + (i * 37) % 480;
                let likers: Vec<String> =
                    (0..likes).map(|k| format!("d:demo{i:03}{k:05}")).collect();
                store.bulk_likes(id, &likers).await?;
            }
        }
        store
            .apply_meeting(past_id, convener, MeetingCommand::Close)
            .await?;
    }

    let residents: Vec<Who> = people.residents.iter().map(|r| r.0.clone()).collect();
    for (k, topic, convener) in online_topics {
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

    // Spread every topic's history over the past months.
    let all = store
        .topics(&store::TopicFilter {
            limit: 500,
            ..Default::default()
        })
        .await?;
    for (i, t) in all.iter().enumerate() {
        let days = 10 + (i as i64 * 13) % 170;
        let start = Utc::now() - Duration::days(days) - Duration::hours((i as i64 * 5) % 9);
        let events = store.timeline(TopicId(t.id)).await?.len().max(1) as i64;
        let step = Duration::minutes((days * 24 * 60 * 8 / 10) / events);
        store.backdate_topic(TopicId(t.id), start, step).await?;
    }
    Ok(())
}

/// A Beijing wall-clock time `days` from today, as UTC.
fn local_time(days: i64, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let date = Utc::now().with_timezone(&tz).date_naive() + Duration::days(days);
    let naive = date.and_hms_opt(hour, minute, 0).unwrap_or_default();
    naive
        .and_local_timezone(tz)
        .single()
        .map_or_else(Utc::now, |t| t.to_utc())
}

/// Prints who to sign in as, so a visitor can try every role.
pub fn print_logins() {
    let Ok(d) = data() else { return };
    println!("\n演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password {DEMO_PASSWORD}):");
    for p in &d.people {
        let role = Role::parse(&p.role).map_or("", |r| r.label_zh());
        println!("  {:<24} {}（{}，{}）", p.login, p.name, role, p.region);
    }
    if let Some(r) = d.rooms.first() {
        println!(
            "  {:<24} {}（召集人，{}）  — 共 {} 个议事室，召集人账号 convener-*",
            r.convener_login,
            r.convener,
            r.name,
            d.rooms.len()
        );
    }
    if let Some(x) = d.departments.first() {
        println!(
            "  {:<24} {}（部门工作人员，{}）",
            x.staff_login, x.staff, x.name
        );
        println!(
            "  {:<24} {}（部门负责人，{}）",
            x.head_login, x.head, x.name
        );
    }
    if let Some(r) = d.residents.first() {
        println!(
            "  群众：在登录页输入手机号 {}，验证码会打印在服务器日志中（{}）",
            r.phone, r.name
        );
    }
    if let Some(r) = d.rooms.first() {
        println!("  议事室页面示例：/r/{}", r.code);
    }
    if !d.deliberations.is_empty() {
        println!("  线上议事（意见地图和共识）示例：/d/1/results");
    }
    println!();
}
