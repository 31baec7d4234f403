//! The directory as pages read it: regions, rooms, departments and people.
use domain::{
    DepartmentId, EmailAddress, NoticeBy, ParticipantCategory, PhoneNumber, RegionId, RegionLevel,
    RegionPath, RoomCode, RoomId, UserId, Username,
};

use super::parsed;
use crate::StoreError;
use crate::entity::{department, region, room, user};

/// A node of the region tree (province down to village or community).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Its id.
    pub id: RegionId,
    /// The region it belongs to; none for the root.
    pub parent: Option<RegionId>,
    /// Its name, e.g. 陈师街道.
    pub name: String,
    /// Province, city, county, township or village.
    pub level: RegionLevel,
    /// It and its ancestors, root first, as scope checks need them.
    pub path: RegionPath,
    /// Retired (撤销): kept for its history, takes nothing new.
    pub retired: bool,
}

impl TryFrom<region::Model> for Region {
    type Error = StoreError;

    fn try_from(row: region::Model) -> Result<Self, StoreError> {
        Ok(Region {
            id: RegionId(row.id),
            parent: row.parent_id.map(RegionId),
            level: parsed(&row.level, RegionLevel::parse, "regions.level")?,
            path: parsed(&row.path, RegionPath::decode, "regions.path")?,
            name: row.name,
            retired: row.retired_at.is_some(),
        })
    }
}

/// A deliberation room (议事室) and its QR front door.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Room {
    /// Its id.
    pub id: RoomId,
    /// The region (village or community) it serves.
    pub region: RegionId,
    /// The code in its QR link, `/r/{code}`.
    pub code: RoomCode,
    /// Its name, e.g. 陈师社区议事室.
    pub name: String,
    /// Where it is.
    pub place: String,
    /// What it says about itself on its page.
    pub description: String,
    /// Whether residents may submit without giving a name.
    pub allow_anonymous: bool,
    /// Retired (停用): its page says so and it takes no topics.
    pub retired: bool,
    /// Where it is, millionths of a degree (latitude, longitude).
    pub point: Option<(i64, i64)>,
}

impl TryFrom<room::Model> for Room {
    type Error = StoreError;

    fn try_from(row: room::Model) -> Result<Self, StoreError> {
        Ok(Room {
            id: RoomId(row.id),
            region: RegionId(row.region_id),
            code: parsed(&row.code, |c| RoomCode::parse(c).ok(), "rooms.code")?,
            name: row.name,
            place: row.place,
            description: row.description,
            allow_anonymous: row.allow_anonymous,
            retired: row.retired_at.is_some(),
            point: row.lat_e6.zip(row.lng_e6),
        })
    }
}

/// A functional department (职能部门) of a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    /// Its id.
    pub id: DepartmentId,
    /// The region it belongs to; it takes tasks only there and below.
    pub region: RegionId,
    /// Its stable code.
    pub code: String,
    /// Its full name, e.g. 陈师街道城市管理办公室.
    pub name: String,
    /// The short name lists use, e.g. 城管办.
    pub short_name: String,
    /// Retired (停用): takes no new tasks.
    pub retired: bool,
}

impl From<department::Model> for Department {
    fn from(row: department::Model) -> Self {
        Department {
            id: DepartmentId(row.id),
            region: RegionId(row.region_id),
            code: row.code,
            name: row.name,
            short_name: row.short_name,
            retired: row.retired_at.is_some(),
        }
    }
}

/// A person with an account; the password hash stays in the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Their id.
    pub id: UserId,
    /// Their login name, if they sign in with a password.
    pub username: Option<Username>,
    /// Their verified phone number, if any.
    pub phone: Option<PhoneNumber>,
    /// Their name as shown.
    pub display_name: String,
    /// Their post, e.g. 社区书记.
    pub title: String,
    /// Who they are in a meeting's mix (党员, 政协委员, …).
    pub categories: Vec<ParticipantCategory>,
    /// Disabled by an administrator: cannot sign in, sessions ended.
    pub disabled: bool,
    /// After a reset: must choose a new password before anything else.
    pub must_change_password: bool,
    /// The region whose administrators look after this person.
    pub home: Option<RegionId>,
    /// Their e-mail address for notices, if they gave one.
    pub email: Option<EmailAddress>,
    /// Whether notices reach them by text or by e-mail.
    pub notice_by: NoticeBy,
}

impl TryFrom<user::Model> for User {
    type Error = StoreError;

    fn try_from(row: user::Model) -> Result<Self, StoreError> {
        let username = match row.username.as_deref() {
            Some(u) => Some(parsed(u, |u| Username::parse(u).ok(), "users.username")?),
            None => None,
        };
        let phone = match row.phone.as_deref() {
            Some(p) => Some(parsed(p, |p| PhoneNumber::parse(p).ok(), "users.phone")?),
            None => None,
        };
        let categories = row
            .categories
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| parsed(c, ParticipantCategory::parse, "users.categories"))
            .collect::<Result<_, _>>()?;
        Ok(User {
            id: UserId(row.id),
            username,
            phone,
            display_name: row.display_name,
            title: row.title,
            categories,
            disabled: row.disabled_at.is_some(),
            must_change_password: row.must_change_password,
            home: row.region_id.map(RegionId),
            email: match row.email.as_deref() {
                Some(e) => Some(parsed(e, |e| EmailAddress::parse(e).ok(), "users.email")?),
                None => None,
            },
            notice_by: parsed(&row.notice_by, NoticeBy::parse, "users.notice_by")?,
        })
    }
}
