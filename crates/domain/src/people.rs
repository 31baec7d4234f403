//! People, their roles and where those roles apply.
use serde::{Deserialize, Serialize};

use crate::labels::labelled;
use crate::{DepartmentId, DomainError, RegionPath, RoomId, UserId};

labelled!(
    /// Who someone is in a meeting's mix of participants.
    ParticipantCategory {
        PartyMember => "party_member", "党员";
        DeputyPeoplesCongress => "npc_deputy", "人大代表";
        CppccMember => "cppcc_member", "政协委员";
        ResidentRepresentative => "resident_rep", "村/居民代表";
        Expert => "expert", "专家/行家里手";
        DepartmentRepresentative => "department_rep", "部门代表";
        Public => "public", "群众";
    }
);

labelled!(
    /// What someone may do; always held within a scope (see [`Role::scope_kind`]).
    Role {
        Resident => "resident", "群众";
        CommitteeMember => "committee_member", "委员";
        Convener => "convener", "召集人";
        DepartmentStaff => "department_staff", "部门工作人员";
        DepartmentHead => "department_head", "部门负责人";
        Leader => "leader", "领导";
        Administrator => "admin", "管理员";
    }
);

/// The kind of place a role is held in; each role needs exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScopeKind {
    /// Everywhere (residents).
    Global,
    /// A region and everything below it.
    Region,
    /// One deliberation room (议事室).
    Room,
    /// One functional department (职能部门).
    Department,
}

impl ParticipantCategory {
    /// The category a person typed: its code, its label, or the short words
    /// people use (行家里手, 专家, 村民代表, 居民代表, 部门, 群众 …).
    pub fn from_zh(word: &str) -> Option<Self> {
        use ParticipantCategory::*;
        let word = word.trim();
        Self::parse(word)
            .or_else(|| Self::ALL.into_iter().find(|c| c.label_zh() == word))
            .or(match word {
                "行家里手" | "专家" | "行家" => Some(Expert),
                "村民代表" | "居民代表" | "村代表" | "居代表" => {
                    Some(ResidentRepresentative)
                }
                "部门" | "部门代表" | "职能部门" => Some(DepartmentRepresentative),
                "群众" | "居民" | "村民" => Some(Public),
                "党员" | "党员代表" => Some(PartyMember),
                "人大代表" => Some(DeputyPeoplesCongress),
                "政协委员" | "委员" => Some(CppccMember),
                _ => None,
            })
    }

    /// The one category that counts a person with several in a mix: the
    /// rarer seat first (a 政协委员 who is also a 党员 counts as 政协委员).
    pub fn primary(of: &[ParticipantCategory]) -> ParticipantCategory {
        use ParticipantCategory::*;
        [
            CppccMember,
            DeputyPeoplesCongress,
            Expert,
            DepartmentRepresentative,
            ResidentRepresentative,
            PartyMember,
        ]
        .into_iter()
        .find(|c| of.contains(c))
        .unwrap_or(Public)
    }

    /// The words [`ParticipantCategory::from_zh`] takes, for a refusal to quote.
    pub fn short_list() -> &'static str {
        "行家里手、党员、村民代表、群众、人大代表、政协委员、部门"
    }
}

impl Role {
    /// The kind of place this role is held in.
    pub fn scope_kind(&self) -> ScopeKind {
        match self {
            Role::Resident => ScopeKind::Global,
            Role::CommitteeMember | Role::Leader | Role::Administrator => ScopeKind::Region,
            Role::Convener => ScopeKind::Room,
            Role::DepartmentStaff | Role::DepartmentHead => ScopeKind::Department,
        }
    }
}

/// The place a role is held in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Everywhere; the only scope of a resident.
    Global,
    /// A region and everything below it.
    Region(RegionPath),
    /// One room, for its convener (召集人).
    Room(RoomId),
    /// One department, for its staff and head.
    Department(DepartmentId),
}

impl Scope {
    /// The kind of this scope, to match against [`Role::scope_kind`].
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Global => ScopeKind::Global,
            Scope::Region(_) => ScopeKind::Region,
            Scope::Room(_) => ScopeKind::Room,
            Scope::Department(_) => ScopeKind::Department,
        }
    }
}

/// A role held in a scope of the right kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// What the holder may do.
    pub role: Role,
    /// Where the role applies.
    pub scope: Scope,
}

impl Grant {
    /// A grant, or [`DomainError::InvalidGrant`] when the scope is the wrong kind for the role.
    pub fn new(role: Role, scope: Scope) -> Result<Grant, DomainError> {
        if role.scope_kind() != scope.kind() {
            return Err(DomainError::InvalidGrant);
        }
        Ok(Grant { role, scope })
    }
}

/// Whoever is acting: a signed-in person with grants, or an anonymous phone with a device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The signed-in account, if any.
    pub user: Option<UserId>,
    /// The phone's device token when acting without an account.
    pub device: Option<String>,
    /// Roles and where they apply; empty for residents.
    pub grants: Vec<Grant>,
}

impl Actor {
    /// Someone not signed in, known at most by a device token.
    pub fn anonymous(device: Option<String>) -> Actor {
        Actor {
            user: None,
            device,
            grants: Vec::new(),
        }
    }

    /// A signed-in person with these grants.
    pub fn user(user: UserId, grants: Vec<Grant>) -> Actor {
        Actor {
            user: Some(user),
            device: None,
            grants,
        }
    }

    /// Whether this role is held anywhere.
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    fn region_role_covers(&self, role: Role, path: &RegionPath) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && matches!(&g.scope, Scope::Region(r) if r.covers(path)))
    }

    /// Whether this actor is the convener (召集人) of this room.
    pub fn is_convener_of(&self, room: RoomId) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::Convener && g.scope == Scope::Room(room))
    }

    /// A leader of this region or of one above it.
    pub fn leads(&self, path: &RegionPath) -> bool {
        self.region_role_covers(Role::Leader, path)
    }

    /// The nearest region this actor leads that covers `path` (the
    /// subdistrict before the county): whose leadership meeting rules there.
    pub fn nearest_led_region(&self, path: &RegionPath) -> Option<&RegionPath> {
        self.grants
            .iter()
            .filter_map(|g| match &g.scope {
                Scope::Region(r) if g.role == Role::Leader && r.covers(path) => Some(r),
                _ => None,
            })
            .max_by_key(|r| r.0.len())
    }

    /// The regions this actor leads.
    pub fn led_regions(&self) -> impl Iterator<Item = &RegionPath> {
        self.regions_as(Role::Leader)
    }

    /// The regions this actor holds this role in.
    pub fn regions_as(&self, role: Role) -> impl Iterator<Item = &RegionPath> {
        self.grants.iter().filter_map(move |g| match &g.scope {
            Scope::Region(r) if g.role == role => Some(r),
            _ => None,
        })
    }

    /// A committee member (委员) of this region or of one above it.
    pub fn is_committee_member_for(&self, path: &RegionPath) -> bool {
        self.region_role_covers(Role::CommitteeMember, path)
    }

    /// An administrator of this region or of one above it.
    pub fn administers(&self, path: &RegionPath) -> bool {
        self.region_role_covers(Role::Administrator, path)
    }

    /// Whether this actor works in this department (its head counts too).
    pub fn is_staff_of(&self, dept: DepartmentId) -> bool {
        self.grants.iter().any(|g| {
            matches!(g.role, Role::DepartmentStaff | Role::DepartmentHead)
                && g.scope == Scope::Department(dept)
        })
    }

    /// Whether this actor heads this department.
    pub fn is_head_of(&self, dept: DepartmentId) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == Role::DepartmentHead && g.scope == Scope::Department(dept))
    }

    /// Anyone we could recognise again: an account or a device token.
    pub fn is_identified(&self) -> bool {
        self.user.is_some() || self.device.is_some()
    }

    /// Whether this actor's region roles reach a place (below it, never beside it).
    pub fn sees(&self, path: &RegionPath) -> bool {
        self.leads(path) || self.administers(path) || self.is_committee_member_for(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionId;

    #[test]
    fn grants_need_the_right_kind_of_scope() {
        let region = Scope::Region(RegionPath(vec![RegionId(1)]));
        for role in Role::ALL {
            for scope in [
                Scope::Global,
                region.clone(),
                Scope::Room(RoomId(1)),
                Scope::Department(DepartmentId(1)),
            ] {
                assert_eq!(
                    Grant::new(role, scope.clone()).is_ok(),
                    role.scope_kind() == scope.kind(),
                    "{role:?} {scope:?}"
                );
            }
        }
    }

    #[test]
    fn a_subdistrict_leader_sees_below_not_beside() {
        let sub_a = RegionPath(vec![RegionId(1), RegionId(2)]);
        let village_a = RegionPath(vec![RegionId(1), RegionId(2), RegionId(5)]);
        let village_b = RegionPath(vec![RegionId(1), RegionId(3), RegionId(6)]);
        let a = Actor::user(
            UserId(1),
            vec![Grant::new(Role::Leader, Scope::Region(sub_a)).unwrap()],
        );
        assert!(a.leads(&village_a) && a.sees(&village_a));
        assert!(!a.leads(&village_b) && !a.sees(&village_b));
        assert!(!a.is_committee_member_for(&village_a) && !a.administers(&village_a));
    }

    #[test]
    fn department_roles() {
        let head = Actor::user(
            UserId(1),
            vec![Grant::new(Role::DepartmentHead, Scope::Department(DepartmentId(4))).unwrap()],
        );
        let staff = Actor::user(
            UserId(2),
            vec![Grant::new(Role::DepartmentStaff, Scope::Department(DepartmentId(4))).unwrap()],
        );
        assert!(head.is_staff_of(DepartmentId(4)) && head.is_head_of(DepartmentId(4)));
        assert!(staff.is_staff_of(DepartmentId(4)) && !staff.is_head_of(DepartmentId(4)));
        assert!(!staff.is_staff_of(DepartmentId(5)));
        assert!(Actor::anonymous(Some("d".into())).is_identified());
        assert!(!Actor::anonymous(None).is_identified());
    }
}
