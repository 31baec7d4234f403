//! People, their accounts and their roles, as a region's administrator keeps them.
use domain::{
    AuditAction, AuditWhat, DepartmentId, Grant, ParticipantCategory, PhoneNumber, RegionId,
    RegionPath, Role, RoomId, Scope, UserId,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::Authority;
use crate::directory;
use crate::entity::{department, grant, room, session, user};
use crate::{Result, Store, StoreError, User, WriteTx};

/// What an administrator may change about a person.
pub struct PersonEdit<'a> {
    /// The name shown.
    pub display_name: &'a str,
    /// Their post.
    pub title: &'a str,
    /// The phone texts go to.
    pub phone: Option<&'a PhoneNumber>,
    /// Who they are in a meeting's mix.
    pub categories: &'a [ParticipantCategory],
}

fn user_target(id: UserId) -> String {
    format!("user:{}", id.0)
}

impl Store {
    /// Where a person belongs, for [`domain::may_manage_person`]: their
    /// home region and the place of every role they hold.
    pub async fn places_of(&self, id: UserId) -> Result<Vec<RegionPath>> {
        let person = self.user(id).await?;
        let mut places = Vec::new();
        if let Some(home) = person.home {
            places.push(self.region_path(home).await?);
        }
        for g in self.actor(id).await?.grants {
            match g.scope {
                Scope::Global => {}
                Scope::Region(p) => places.push(p),
                Scope::Room(r) => places.push(self.region_path(self.room(r).await?.region).await?),
                Scope::Department(d) => {
                    places.push(self.region_path(self.department(d).await?.region).await?)
                }
            }
        }
        Ok(places)
    }

    async fn person_for(&self, by: Authority<'_>, id: UserId) -> Result<User> {
        let person = self.user(id).await?;
        if let Authority::Administrator(_) = by {
            let places = self.places_of(id).await?;
            by.check(|a| domain::may_manage_person(a, &places))?;
        }
        Ok(person)
    }

    /// Adds a person whose home is a region the administrator covers.
    pub async fn admin_add_person(
        &self,
        by: Authority<'_>,
        home: RegionId,
        new: crate::NewUser<'_>,
    ) -> Result<UserId> {
        let r = self.region(home).await?;
        by.check(|a| domain::may_administer(a, &r.path))?;
        let name = new.display_name.to_owned();
        let must_change = new.password_hash.is_some();
        let w = self.write().await?;
        let id = directory::insert_user(&w, new).await?;
        user::Entity::update_many()
            .col_expr(user::Column::RegionId, Expr::value(home.0))
            .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::PersonCreated),
            user_target(id),
            Some(&r.path),
            json!({ "name": name }),
        );
        w.commit().await?;
        Ok(id)
    }

    /// Changes a person's name, post, phone or categories.
    pub async fn admin_edit_person(
        &self,
        by: Authority<'_>,
        id: UserId,
        edit: PersonEdit<'_>,
    ) -> Result<()> {
        let before = self.person_for(by, id).await?;
        let categories: Vec<&str> = edit.categories.iter().map(|c| c.code()).collect();
        let w = self.write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::DisplayName, Expr::value(edit.display_name))
            .col_expr(user::Column::Title, Expr::value(edit.title))
            .col_expr(
                user::Column::Phone,
                Expr::value(edit.phone.map(|p| p.as_str().to_owned())),
            )
            .col_expr(user::Column::Categories, Expr::value(categories.join(",")))
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => StoreError::Conflict("该手机号已被他人使用".into()),
                other => other,
            })?;
        w.audit(
            AuditWhat::Other(AuditAction::PersonUpdated),
            user_target(id),
            None,
            json!({
                "name": [before.display_name, edit.display_name],
                "title": [before.title, edit.title],
                "phone_changed": before.phone.as_ref() != edit.phone,
                "categories": categories,
            }),
        );
        w.commit().await
    }

    /// Disables an account (ending its sessions) or enables it again.
    pub async fn admin_set_disabled(
        &self,
        by: Authority<'_>,
        id: UserId,
        disabled: bool,
    ) -> Result<()> {
        self.person_for(by, id).await?;
        let w = self.write().await?;
        user::Entity::update_many()
            .col_expr(
                user::Column::DisabledAt,
                Expr::value(disabled.then_some(w.now)),
            )
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        if disabled {
            end_sessions(&w, id).await?;
        }
        let what = if disabled {
            AuditAction::PersonDisabled
        } else {
            AuditAction::PersonEnabled
        };
        w.audit(AuditWhat::Other(what), user_target(id), None, json!({}));
        w.commit().await
    }

    /// Sets a temporary password (hashing is the caller's job): the person
    /// must choose their own at the next sign-in, and is signed out everywhere.
    pub async fn admin_reset_password(
        &self,
        by: Authority<'_>,
        id: UserId,
        hash: String,
    ) -> Result<()> {
        self.person_for(by, id).await?;
        let w = self.write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(true))
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        end_sessions(&w, id).await?;
        w.audit(
            AuditWhat::Other(AuditAction::PasswordReset),
            user_target(id),
            None,
            json!({}),
        );
        w.commit().await
    }

    /// Clears the second factor of a person who lost their phone, where the
    /// administrator may; they sign in with their password and set it up again.
    pub async fn admin_reset_second_factor(&self, by: Authority<'_>, id: UserId) -> Result<()> {
        self.person_for(by, id).await?;
        let w = self.write().await?;
        crate::second_factor::reset_factor(&w, id).await?;
        w.commit().await
    }

    /// Gives a person a role where the administrator may; a role held
    /// already is a [`StoreError::Conflict`].
    pub async fn admin_grant(&self, by: Authority<'_>, id: UserId, g: &Grant) -> Result<()> {
        self.user(id).await?;
        let place = self.place_of_scope(&g.scope).await?;
        by.check(|a| domain::may_grant(a, g, &place))?;
        let w = self.write().await?;
        directory::insert_grant(&w, id, g)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::Conflict("此人已有该角色".into()),
                other => other,
            })?;
        w.audit(
            AuditWhat::Other(AuditAction::GrantAdded),
            user_target(id),
            Some(&place),
            json!({ "role": g.role.code(), "scope": scope_code(&g.scope) }),
        );
        w.commit().await
    }

    /// Takes a role away where the administrator may; the person's
    /// sessions end, so the role stops working at once.
    pub async fn admin_revoke(&self, by: Authority<'_>, id: UserId, g: &Grant) -> Result<()> {
        let place = self.place_of_scope(&g.scope).await?;
        by.check(|a| domain::may_grant(a, g, &place))?;
        let (kind, scope_id) = scope_code(&g.scope);
        let w = self.write().await?;
        let gone = grant::Entity::delete_many()
            .filter(grant::Column::UserId.eq(id.0))
            .filter(grant::Column::Role.eq(g.role.code()))
            .filter(grant::Column::ScopeKind.eq(kind))
            .filter(grant::Column::ScopeId.eq(scope_id))
            .exec(&w.tx)
            .await?;
        if gone.rows_affected == 0 {
            return Err(StoreError::NotFound("该角色"));
        }
        end_sessions(&w, id).await?;
        w.audit(
            AuditWhat::Other(AuditAction::GrantRevoked),
            user_target(id),
            Some(&place),
            json!({ "role": g.role.code(), "scope": (kind, scope_id) }),
        );
        w.commit().await
    }

    /// The region a scope lies in (a room's or department's region).
    pub async fn place_of_scope(&self, scope: &Scope) -> Result<RegionPath> {
        Ok(match scope {
            Scope::Global => RegionPath(Vec::new()),
            Scope::Region(p) => p.clone(),
            Scope::Room(r) => self.region_path(self.room(*r).await?.region).await?,
            Scope::Department(d) => self.region_path(self.department(*d).await?.region).await?,
        })
    }
}

/// How a grant's scope is stored: its kind and id.
pub fn scope_code(scope: &Scope) -> (&'static str, i64) {
    match scope {
        Scope::Global => ("global", 0),
        Scope::Region(path) => ("region", path.id().map_or(0, |r| r.0)),
        Scope::Room(r) => ("room", r.0),
        Scope::Department(d) => ("department", d.0),
    }
}

pub(crate) async fn end_sessions(w: &WriteTx, id: UserId) -> Result<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id.0))
        .exec(&w.tx)
        .await?;
    Ok(())
}

/// Roles an administrator hands out, in the order forms list them.
pub const GRANTABLE: [Role; 6] = [
    Role::Convener,
    Role::CommitteeMember,
    Role::Leader,
    Role::DepartmentStaff,
    Role::DepartmentHead,
    Role::Administrator,
];

/// A person as the console lists them: the account, the roles held and
/// every place those roles (and their home) put them in.
#[derive(Clone, Debug)]
pub struct Person {
    /// The account.
    pub user: User,
    /// The roles held, residents' aside.
    pub grants: Vec<Grant>,
    /// Their home region and the place of each role, as
    /// [`domain::may_manage_person`] weighs them.
    pub places: Vec<RegionPath>,
    /// They confirmed a second factor (动态验证码).
    pub second_factor: bool,
}

impl Store {
    /// Officials and members with a place in one of `regions` (every one
    /// when `regions` is empty: the command line), by name.
    pub async fn admin_people(&self, regions: &[RegionPath]) -> Result<Vec<Person>> {
        let paths: std::collections::HashMap<i64, RegionPath> = self
            .regions()
            .await?
            .into_iter()
            .map(|r| (r.id.0, r.path))
            .collect();
        let room_region: std::collections::HashMap<i64, i64> = room::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|r| (r.id, r.region_id))
            .collect();
        let dept_region: std::collections::HashMap<i64, i64> = department::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|d| (d.id, d.region_id))
            .collect();
        let grants = grant::Entity::find()
            .filter(grant::Column::Role.ne(Role::Resident.code()))
            .all(self.conn())
            .await?;
        let mut by_user: std::collections::BTreeMap<i64, Vec<Grant>> = Default::default();
        let mut places: std::collections::BTreeMap<i64, Vec<RegionPath>> = Default::default();
        for g in grants {
            let Some(role) = Role::parse(&g.role) else {
                return Err(StoreError::Corrupt(format!("grants.role {}", g.role)));
            };
            let (scope, region) = match g.scope_kind.as_str() {
                "region" => (
                    paths.get(&g.scope_id).cloned().map(Scope::Region),
                    Some(g.scope_id),
                ),
                "room" => (
                    Some(Scope::Room(RoomId(g.scope_id))),
                    room_region.get(&g.scope_id).copied(),
                ),
                "department" => (
                    Some(Scope::Department(DepartmentId(g.scope_id))),
                    dept_region.get(&g.scope_id).copied(),
                ),
                _ => (None, None),
            };
            if let Some(scope) = scope {
                by_user
                    .entry(g.user_id)
                    .or_default()
                    .push(Grant { role, scope });
            }
            if let Some(p) = region.and_then(|r| paths.get(&r)) {
                places.entry(g.user_id).or_default().push(p.clone());
            }
        }
        let rows = user::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(user::Column::Id.is_in(by_user.keys().copied()))
                    .add(user::Column::RegionId.is_not_null()),
            )
            .all(self.conn())
            .await?;
        let factors: std::collections::BTreeSet<i64> = crate::entity::second_factor::Entity::find()
            .filter(crate::entity::second_factor::Column::ConfirmedAt.is_not_null())
            .all(self.conn())
            .await?
            .into_iter()
            .map(|f| f.user_id)
            .collect();
        let mut people = Vec::new();
        for row in rows {
            let id = row.id;
            let user = User::try_from(row)?;
            let mut at = places.remove(&id).unwrap_or_default();
            if let Some(home) = user.home.and_then(|h| paths.get(&h.0)) {
                at.insert(0, home.clone());
            }
            let visible =
                regions.is_empty() || at.iter().any(|p| regions.iter().any(|r| r.covers(p)));
            if visible {
                people.push(Person {
                    grants: by_user.remove(&id).unwrap_or_default(),
                    places: at,
                    second_factor: factors.contains(&id),
                    user,
                });
            }
        }
        people.sort_by(|a, b| a.user.display_name.cmp(&b.user.display_name));
        Ok(people)
    }
}
