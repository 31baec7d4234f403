//! Officials hear about their work: inbox lines (and a text or an e-mail,
//! as each chose) to the people who hold a role over a room, a department or
//! a region, written in the same transaction as the move they report.
use domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{department, grant, notification, topic, user};
use crate::outbox::{Outgoing, enqueue};
use crate::{Result, WriteTx};

/// The conveners of a room.
pub(crate) async fn conveners_of(w: &WriteTx, room: i64) -> Result<Vec<i64>> {
    holders(w, "room", &[room], &[Role::Convener]).await
}

/// Everyone working in a department (staff and head).
pub(crate) async fn department_people(w: &WriteTx, department: i64) -> Result<Vec<i64>> {
    let roles = [Role::DepartmentStaff, Role::DepartmentHead];
    holders(w, "department", &[department], &roles).await
}

/// Who hears a supervision notice about a department's task: the clerk
/// handling it or else its staff (its heads when it has none), then its
/// heads, then the leaders of the region it serves.
pub(crate) async fn audience(
    w: &WriteTx,
    department: i64,
    assignee: Option<i64>,
    audience: domain::Audience,
) -> Result<Vec<i64>> {
    use domain::Audience as A;
    // A named clerk (承办人) hears for the department's staff.
    let mut people = match assignee {
        Some(clerk) => vec![clerk],
        None => holders(w, "department", &[department], &[Role::DepartmentStaff]).await?,
    };
    if people.is_empty() || audience >= A::Head {
        people.extend(holders(w, "department", &[department], &[Role::DepartmentHead]).await?);
    }
    if audience >= A::Leaders
        && let Some(d) = department::Entity::find_by_id(department)
            .one(&w.tx)
            .await?
    {
        people.extend(holders(w, "region", &[d.region_id], &[Role::Leader]).await?);
    }
    people.sort_unstable();
    people.dedup();
    Ok(people)
}

/// The leaders whose region covers a place (its encoded region path).
pub(crate) async fn leaders_over(w: &WriteTx, region_path: &str) -> Result<Vec<i64>> {
    let regions: Vec<i64> = domain::RegionPath::decode(region_path)
        .map(|p| p.0.iter().map(|r| r.0).collect())
        .unwrap_or_default();
    holders(w, "region", &regions, &[Role::Leader]).await
}

async fn holders(w: &WriteTx, kind: &str, scopes: &[i64], roles: &[Role]) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = grant::Entity::find()
        .filter(grant::Column::ScopeKind.eq(kind))
        .filter(grant::Column::ScopeId.is_in(scopes.iter().copied()))
        .filter(grant::Column::Role.is_in(roles.iter().map(Role::code)))
        .all(&w.tx)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The administrators whose region covers a place (its encoded path).
pub(crate) async fn admins_over(w: &WriteTx, region_path: &str) -> Result<Vec<i64>> {
    let regions: Vec<i64> = domain::RegionPath::decode(region_path)
        .map(|p| p.0.iter().map(|r| r.0).collect())
        .unwrap_or_default();
    holders(w, "region", &regions, &[Role::Administrator]).await
}

/// One inbox line about a topic to each of these people, texted to those
/// with a phone on file.
pub(crate) async fn tell(w: &WriteTx, topic_id: i64, people: &[i64], text: &str) -> Result<()> {
    tell_linked(w, topic_id, None, people, text).await
}

/// [`tell`], for a line that leads to a page of its own (`topic_id` 0).
pub(crate) async fn tell_linked(
    w: &WriteTx,
    topic_id: i64,
    link: Option<&str>,
    people: &[i64],
    text: &str,
) -> Result<()> {
    if people.is_empty() {
        return Ok(());
    }
    let people_rows = user::Entity::find()
        .filter(user::Column::Id.is_in(people.iter().copied()))
        .all(&w.tx)
        .await?;
    let sms = domain::SmsText::new(domain::SmsTemplate::Notice, &[text]);
    let sms = match link {
        Some(path) => sms.with_link(path),
        None => sms,
    };
    // Each person by the channel they chose: e-mail where they gave an
    // address and asked for it, else a text where a phone is on file.
    let mut out = Vec::new();
    let mut texted = Vec::new();
    let mut emailed = Vec::new();
    for u in &people_rows {
        let by_email = domain::NoticeBy::parse(&u.notice_by) == Some(domain::NoticeBy::Email);
        match (&u.email, &u.phone) {
            (Some(address), _) if by_email => emailed.push(address.as_str()),
            (_, Some(phone)) => {
                out.push(Outgoing::sms(phone, &sms)?);
                texted.push((u.id, phone.clone()));
            }
            _ => {}
        }
    }
    if !emailed.is_empty() {
        // A letter has room for the link: the topic's page when none is given.
        let topic_page = match (link, topic_id) {
            (None, id) if id > 0 => topic::Entity::find_by_id(id)
                .one(&w.tx)
                .await?
                .map(|t| format!("/t/{}", t.tracking_no)),
            _ => None,
        };
        let letter = domain::Letter::notice(text, link.or(topic_page.as_deref()));
        for address in emailed {
            out.push(Outgoing::email(address, &letter)?);
        }
    }
    let rows: Vec<notification::ActiveModel> = people
        .iter()
        .map(|id| notification::ActiveModel {
            recipient: Set(crate::user_key(domain::UserId(*id))),
            topic_id: Set(topic_id),
            text: Set(text.to_owned()),
            created_at: Set(w.now),
            read_at: Set(None),
            sms_to: Set(texted.iter().find(|(u, _)| u == id).map(|(_, p)| p.clone())),
            link: Set(link.map(str::to_owned)),
            ..Default::default()
        })
        .collect();
    notification::Entity::insert_many(rows)
        .exec_without_returning(&w.tx)
        .await?;
    enqueue(w, out).await.map(drop)
}
