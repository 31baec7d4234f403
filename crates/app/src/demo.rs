//! The demo subdistrict: 江苏省 / 淮安市 / 涟水县 / 陈师街道 with 23 rooms,
//! its departments and people, and 200 topics walked through the real chain
//! (the same store calls the web uses), spread over the past months.
use std::collections::HashMap;

use anyhow::Context;
use domain::{
    Actor, DepartmentId, Grant, ParticipantCategory, Password, PhoneNumber, RegionId, RegionLevel,
    Role, RoomCode, RoomId, Scope, UserId, Username,
};
use serde::Deserialize;
use store::{NewDepartment, NewRegion, NewRoom, NewUser, Store, Who};

mod campaign;
mod deliberation;
mod meeting_day;
mod pace;
mod research;
mod walk;

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
    research: ResearchTexts,
    meeting_day: MeetingDayTexts,
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
    /// Where the room is: latitude, longitude in degrees.
    #[serde(default)]
    point: Option<[f64; 2]>,
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

/// Texts of the research the demo records (each with {title} and {place}).
#[derive(Deserialize)]
struct ResearchTexts {
    questions: Vec<String>,
    /// Typed-in participants, one per line: 姓名 类别.
    people: Vec<String>,
    feasibility: Vec<String>,
    measures: Vec<String>,
    risks: Vec<String>,
    recommendation: Vec<String>,
}

/// The villagers each room's meetings invite (「姓名 类别」 per line).
#[derive(Deserialize)]
struct MeetingDayTexts {
    invitees: Vec<String>,
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
    // Every move below is made at a time the demo sets (see `pace`).
    let pace = pace::Pace::new(store.clock().now());
    let store = &store.clone().with_clock(pace.clock.clone());
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
        store
            .set_room_point(room, r.point.map(|[lat, lng]| (e6(lat), e6(lng))))
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

    // 挂钩代表: each room has a committee member linked to it (each member
    // three or four rooms).
    let mut rooms: Vec<RoomId> = people.conveners.values().map(|(_, r)| *r).collect();
    rooms.sort();
    for (i, room) in rooms.iter().enumerate() {
        if let Some(m) = people.members.get(i % people.members.len().max(1))
            && let Some(u) = m.actor.user
        {
            store.link_to_room(*room, u).await?;
        }
    }

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

    walk::walk_topics(store, &pace, &d, &people).await?;
    campaign::run(store, &people, chenshi).await?;
    println!(
        "演示数据已生成：{} 个议事室，{} 个议题，{} 场线上议事。",
        d.rooms.len(),
        d.topics.len(),
        d.deliberations.len()
    );
    Ok(())
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

/// Degrees as the store keeps them, in millionths.
fn e6(degrees: f64) -> i64 {
    (degrees * 1e6).round() as i64
}

/// Where a resident marked the `k`th topic of a room: around the room, as
/// a village's problems are (170 m to 650 m away), turning by the golden
/// angle from one topic to the next so the marks spread evenly. One in
/// three residents leaves the map alone.
fn marked_near(room: Option<[f64; 2]>, k: usize) -> Option<(i64, i64)> {
    let [lat, lng] = room?;
    if k % 3 == 2 {
        return None;
    }
    let turn = k as f64 * 2.399_963;
    let reach = 0.0015 + 0.001 * (k % 5) as f64;
    let east = reach * turn.cos() / lat.to_radians().cos();
    Some((e6(lat + reach * turn.sin()), e6(lng + east)))
}
