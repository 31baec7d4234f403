//! Regions, rooms, departments, people and their roles.
use domain::{
    Actor, DepartmentId, Grant, RegionId, RegionLevel, RegionPath, Role, RoomId, Scope, UserId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entity::{department, grant, region, room, room_person, user};
use crate::model::all;
use crate::{Department, Region, Result, Room, Store, StoreError, User, WriteTx};

/// A region to add to the tree.
pub struct NewRegion<'a> {
    /// The region it lies in; `None` for a root.
    pub parent: Option<RegionId>,
    /// What people call it, e.g. 陈师街道.
    pub name: &'a str,
    /// Its level in the tree (省, 市 … 村/社区).
    pub level: RegionLevel,
}

/// A deliberation room (议事室) to add.
pub struct NewRoom<'a> {
    /// The region it serves, usually a village or community.
    pub region: RegionId,
    /// Its permanent short code, printed under its QR code.
    pub code: &'a domain::RoomCode,
    /// What people call it, e.g. 陈师村议事室.
    pub name: &'a str,
    /// Where it meets; also a meeting's place when none is given.
    pub place: &'a str,
    /// A few words about the room, shown with it.
    pub description: &'a str,
    /// Whether residents may submit without signing in.
    pub allow_anonymous: bool,
}

/// A functional department (职能部门) to add.
pub struct NewDepartment<'a> {
    /// The region it works for.
    pub region: RegionId,
    /// A unique code to find it by (see [`Store::department_by_code`]).
    pub code: &'a str,
    /// Its full name, e.g. 交通运输局.
    pub name: &'a str,
    /// A short form for tight spaces, e.g. 交通.
    pub short_name: &'a str,
}

/// A person to add, with or without a password.
pub struct NewUser<'a> {
    /// Login name, for those who sign in with a password.
    pub username: Option<&'a domain::Username>,
    /// Mobile number, for signing in by 验证码.
    pub phone: Option<&'a domain::PhoneNumber>,
    /// The name pages and the timeline show.
    pub display_name: &'a str,
    /// Position shown with the name (e.g. 陈师村召集人); may be empty.
    pub title: &'a str,
    /// Which groups they count in for a meeting's mix (党员, 人大代表 …).
    pub categories: &'a [domain::ParticipantCategory],
    /// An argon2id PHC string; hashing is the caller's job (it is CPU-heavy).
    pub password_hash: Option<String>,
}

impl Store {
    /// Adds a region below its parent and stores its path.
    pub async fn create_region(&self, new: NewRegion<'_>) -> Result<RegionId> {
        let w = self.write().await?;
        let id = insert_region(&w, new).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One region, or [`StoreError::NotFound`].
    pub async fn region(&self, id: RegionId) -> Result<Region> {
        region::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("地区"))?
            .try_into()
    }

    /// Every region, ordered by path so each comes after its parent.
    pub async fn regions(&self) -> Result<Vec<Region>> {
        all(region::Entity::find()
            .order_by_asc(region::Column::Path)
            .all(self.conn())
            .await?)
    }

    /// The region and its ancestors, root first.
    pub async fn region_chain(&self, id: RegionId) -> Result<Vec<Region>> {
        let ids = self.region(id).await?.path.0;
        let mut rows: Vec<Region> = all(region::Entity::find()
            .filter(region::Column::Id.is_in(ids.iter().map(|r| r.0)))
            .all(self.conn())
            .await?)?;
        rows.sort_by_key(|row| ids.iter().position(|i| *i == row.id));
        Ok(rows)
    }

    /// A region with its ancestors, as the domain's rules need it.
    pub async fn region_path(&self, id: RegionId) -> Result<RegionPath> {
        Ok(self.region(id).await?.path)
    }

    /// Adds a room to an existing region.
    pub async fn create_room(&self, new: NewRoom<'_>) -> Result<RoomId> {
        self.region(new.region).await?;
        let w = self.write().await?;
        let id = insert_room(&w, new).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One room, or [`StoreError::NotFound`].
    pub async fn room(&self, id: RoomId) -> Result<Room> {
        room::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议事室"))?
            .try_into()
    }

    /// A room by its code; anything that is not a room code is simply not found.
    pub async fn room_by_code(&self, code: &str) -> Result<Room> {
        let code = domain::RoomCode::parse(code).map_err(|_| StoreError::NotFound("议事室"))?;
        room::Entity::find()
            .filter(room::Column::Code.eq(code.as_str()))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("议事室"))?
            .try_into()
    }

    /// Every room, oldest first.
    pub async fn rooms(&self) -> Result<Vec<Room>> {
        all(room::Entity::find()
            .order_by_asc(room::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// Adds a department; its code must not be taken.
    pub async fn create_department(&self, new: NewDepartment<'_>) -> Result<DepartmentId> {
        let w = self.write().await?;
        let id = insert_department(&w, new).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One department, or [`StoreError::NotFound`].
    pub async fn department(&self, id: DepartmentId) -> Result<Department> {
        department::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .map(Department::from)
            .ok_or(StoreError::NotFound("部门"))
    }

    /// A department by its code, or [`StoreError::NotFound`].
    pub async fn department_by_code(&self, code: &str) -> Result<Department> {
        if code.contains('\0') {
            return Err(StoreError::NotFound("部门"));
        }
        department::Entity::find()
            .filter(department::Column::Code.eq(code))
            .one(self.conn())
            .await?
            .map(Department::from)
            .ok_or(StoreError::NotFound("部门"))
    }

    /// Every department, oldest first.
    pub async fn departments(&self) -> Result<Vec<Department>> {
        self.departments_where(department::Entity::find()).await
    }

    /// The departments that may take work about a place: those of its region
    /// or a region above it (the domain's rule, read as one query), by id.
    pub async fn departments_serving(&self, place: &RegionPath) -> Result<Vec<Department>> {
        let ids = place.0.iter().map(|r| r.0);
        self.departments_where(
            department::Entity::find().filter(department::Column::RegionId.is_in(ids)),
        )
        .await
    }

    async fn departments_where(
        &self,
        query: sea_orm::Select<department::Entity>,
    ) -> Result<Vec<Department>> {
        let rows = query
            .order_by_asc(department::Column::Id)
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(Department::from).collect())
    }

    /// Adds a person; a login name or phone already in use is a [`StoreError::Conflict`].
    pub async fn create_user(&self, new: NewUser<'_>) -> Result<UserId> {
        let w = self.write().await?;
        let id = insert_user(&w, new).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One person's account, or [`StoreError::NotFound`].
    pub async fn user(&self, id: UserId) -> Result<User> {
        user::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("用户"))?
            .try_into()
    }

    /// Marks where a room is (millionths of a degree), or clears it: a
    /// request that brings only a point goes to the nearest room.
    pub async fn set_room_point(&self, room: RoomId, point: Option<(i64, i64)>) -> Result<()> {
        let w = self.write().await?;
        room::Entity::update_many()
            .col_expr(room::Column::LatE6, Expr::value(point.map(|p| p.0)))
            .col_expr(room::Column::LngE6, Expr::value(point.map(|p| p.1)))
            .filter(room::Column::Id.eq(room.0))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// Where a person's notices go: by text, or by e-mail to `email`.
    pub async fn set_notice_channel(
        &self,
        id: UserId,
        email: Option<&domain::EmailAddress>,
        by: domain::NoticeBy,
    ) -> Result<()> {
        by.check(email)?;
        let w = self.write().await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::Email,
                Expr::value(email.map(|e| e.as_str().to_owned())),
            )
            .col_expr(user::Column::NoticeBy, Expr::value(by.code()))
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.commit().await
    }

    /// A user by login name; a string that cannot be a login name finds nobody.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        self.credentials(username)
            .await?
            .map(|(row, _)| row.try_into())
            .transpose()
    }

    /// The account behind a login name and its password hash, for signing in.
    pub async fn password_of(&self, username: &str) -> Result<Option<(UserId, Option<String>)>> {
        Ok(self
            .credentials(username)
            .await?
            .map(|(row, hash)| (UserId(row.id), hash)))
    }

    async fn credentials(&self, username: &str) -> Result<Option<(user::Model, Option<String>)>> {
        let Ok(name) = domain::Username::parse(username) else {
            return Ok(None);
        };
        Ok(user::Entity::find()
            .filter(user::Column::Username.eq(name.as_str()))
            .one(self.conn())
            .await?
            .map(|row| {
                let hash = row.password_hash.clone();
                (row, hash)
            }))
    }

    /// The resident account behind a verified phone number, created on first use.
    pub async fn resident_by_phone(&self, phone: &domain::PhoneNumber) -> Result<UserId> {
        let existing = user::Entity::find()
            .filter(user::Column::Phone.eq(phone.as_str()))
            .one(self.conn())
            .await?;
        if let Some(u) = existing {
            return Ok(UserId(u.id));
        }
        let id = self
            .create_user(NewUser {
                username: None,
                phone: Some(phone),
                display_name: &format!("居民{}", &phone.as_str()[7..]),
                title: "",
                categories: &[domain::ParticipantCategory::Public],
                password_hash: None,
            })
            .await?;
        self.grant(id, &Grant::new(Role::Resident, Scope::Global)?)
            .await?;
        Ok(id)
    }

    /// Gives a person a role in a scope.
    pub async fn grant(&self, user: UserId, g: &Grant) -> Result<()> {
        let w = self.write().await?;
        insert_grant(&w, user, g).await?;
        w.commit().await
    }

    /// Everything the domain needs to know about a signed-in user.
    pub async fn actor(&self, id: UserId) -> Result<Actor> {
        let rows = grant::Entity::find()
            .filter(grant::Column::UserId.eq(id.0))
            .all(self.conn())
            .await?;
        let mut grants = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(role) = Role::parse(&row.role) else {
                continue;
            };
            let scope = match row.scope_kind.as_str() {
                "region" => Scope::Region(self.region_path(RegionId(row.scope_id)).await?),
                "room" => Scope::Room(RoomId(row.scope_id)),
                "department" => Scope::Department(DepartmentId(row.scope_id)),
                _ => Scope::Global,
            };
            grants.push(Grant::new(role, scope)?);
        }
        Ok(Actor::user(id, grants))
    }

    /// Rooms this user convenes and departments this user works in.
    pub async fn scopes_of(&self, id: UserId) -> Result<(Vec<Room>, Vec<Department>)> {
        let rows = grant::Entity::find()
            .filter(grant::Column::UserId.eq(id.0))
            .all(self.conn())
            .await?;
        let room_ids: Vec<i64> = rows
            .iter()
            .filter(|g| g.scope_kind == "room")
            .map(|g| g.scope_id)
            .collect();
        let dept_ids: Vec<i64> = rows
            .iter()
            .filter(|g| g.scope_kind == "department")
            .map(|g| g.scope_id)
            .collect();
        let rooms = all(room::Entity::find()
            .filter(room::Column::Id.is_in(room_ids))
            .all(self.conn())
            .await?)?;
        let depts = department::Entity::find()
            .filter(department::Column::Id.is_in(dept_ids))
            .all(self.conn())
            .await?;
        Ok((rooms, depts.into_iter().map(Department::from).collect()))
    }
}

impl Store {
    /// The people working in a department (staff and head), to name a 承办人 from.
    pub async fn department_staff(&self, id: DepartmentId) -> Result<Vec<User>> {
        let roles = [Role::DepartmentStaff, Role::DepartmentHead];
        self.holders(&roles, "department", id.0).await
    }

    /// The people who convene a room (for its poster and page).
    pub async fn conveners_of_room(&self, id: RoomId) -> Result<Vec<User>> {
        self.holders(&[Role::Convener], "room", id.0).await
    }

    /// Everyone holding one of these roles in this scope.
    async fn holders(&self, roles: &[Role], kind: &str, scope: i64) -> Result<Vec<User>> {
        let ids: Vec<i64> = grant::Entity::find()
            .filter(grant::Column::Role.is_in(roles.iter().map(Role::code)))
            .filter(grant::Column::ScopeKind.eq(kind))
            .filter(grant::Column::ScopeId.eq(scope))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|g| g.user_id)
            .collect();
        all(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .order_by_asc(user::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// Links a registered person to a room (挂钩代表); linking twice is a no-op.
    pub async fn link_to_room(&self, room: RoomId, user: UserId) -> Result<()> {
        let w = self.write().await?;
        let exists = room_person::Entity::find()
            .filter(room_person::Column::RoomId.eq(room.0))
            .filter(room_person::Column::UserId.eq(user.0))
            .one(&w.tx)
            .await?
            .is_some();
        if !exists {
            room_person::ActiveModel {
                room_id: Set(room.0),
                user_id: Set(user.0),
                created_at: Set(w.now),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
        }
        w.commit().await
    }

    /// The people linked to a room (挂钩代表), by name: whom research and
    /// meetings pick participants from.
    pub async fn people_of_room(&self, room: RoomId) -> Result<Vec<User>> {
        let ids: Vec<i64> = room_person::Entity::find()
            .filter(room_person::Column::RoomId.eq(room.0))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|p| p.user_id)
            .collect();
        all(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .order_by_asc(user::Column::DisplayName)
            .all(self.conn())
            .await?)
    }
}

/// Adds a region below its parent and stores its path, inside a write.
pub(crate) async fn insert_region(w: &WriteTx, new: NewRegion<'_>) -> Result<RegionId> {
    let parent_path = match new.parent {
        Some(p) => {
            region::Entity::find_by_id(p.0)
                .one(&w.tx)
                .await?
                .ok_or(StoreError::NotFound("上级地区"))?
                .path
        }
        None => "/".to_owned(),
    };
    let row = region::ActiveModel {
        parent_id: Set(new.parent.map(|p| p.0)),
        name: Set(new.name.to_owned()),
        level: Set(new.level.code().to_owned()),
        path: Set(String::new()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    let path = format!("{parent_path}{}/", row.id);
    let mut row: region::ActiveModel = row.into();
    row.path = Set(path);
    let row = row.update(&w.tx).await?;
    Ok(RegionId(row.id))
}

/// Adds a room, inside a write.
pub(crate) async fn insert_room(w: &WriteTx, new: NewRoom<'_>) -> Result<RoomId> {
    let row = room::ActiveModel {
        region_id: Set(new.region.0),
        code: Set(new.code.as_str().to_owned()),
        name: Set(new.name.to_owned()),
        place: Set(new.place.to_owned()),
        description: Set(new.description.to_owned()),
        allow_anonymous: Set(new.allow_anonymous),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(RoomId(row.id))
}

/// Adds a department, inside a write.
pub(crate) async fn insert_department(w: &WriteTx, new: NewDepartment<'_>) -> Result<DepartmentId> {
    let row = department::ActiveModel {
        region_id: Set(new.region.0),
        code: Set(new.code.to_owned()),
        name: Set(new.name.to_owned()),
        short_name: Set(new.short_name.to_owned()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(DepartmentId(row.id))
}

/// Adds a person, inside a write.
pub(crate) async fn insert_user(w: &WriteTx, new: NewUser<'_>) -> Result<UserId> {
    let categories: Vec<&str> = new.categories.iter().map(|c| c.code()).collect();
    let row = user::ActiveModel {
        username: Set(new.username.map(|u| u.as_str().to_owned())),
        phone: Set(new.phone.map(|p| p.as_str().to_owned())),
        display_name: Set(new.display_name.to_owned()),
        title: Set(new.title.to_owned()),
        categories: Set(categories.join(",")),
        password_hash: Set(new.password_hash),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(w.now),
        must_change_password: Set(false),
        notice_by: Set(domain::NoticeBy::Sms.code().to_owned()),
        ..Default::default()
    }
    .insert(&w.tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict("用户名或手机号已被使用".into()),
        other => other,
    })?;
    Ok(UserId(row.id))
}

/// Gives a person a role in a scope, inside a write.
pub(crate) async fn insert_grant(w: &WriteTx, user: UserId, g: &Grant) -> Result<()> {
    let (kind, scope_id) = crate::admin::scope_code(&g.scope);
    grant::ActiveModel {
        user_id: Set(user.0),
        role: Set(g.role.code().to_owned()),
        scope_kind: Set(kind.to_owned()),
        scope_id: Set(scope_id),
        ..Default::default()
    }
    .insert(&w.tx)
    .await?;
    Ok(())
}
