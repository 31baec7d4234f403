//! A cast of actors around one room, for the exhaustive state-machine tests.
use crate::{Actor, DepartmentId, Grant, RegionId, RegionPath, Role, RoomId, Scope, UserId};

pub const ROOM: RoomId = RoomId(1);
pub const DEPT: DepartmentId = DepartmentId(1);
pub const SUBMITTER: UserId = UserId(11);
pub const SUBMITTER_DEVICE: &str = "device-of-submitter";

fn path(ids: &[i64]) -> RegionPath {
    RegionPath(ids.iter().map(|i| RegionId(*i)).collect())
}

/// The room's village, in subdistrict [1,2,3,4] of county [1,2,3].
pub fn village() -> RegionPath {
    path(&[1, 2, 3, 4, 5])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// A phone that refused the device cookie.
    Nobody,
    SubmitterDevice,
    OtherDevice,
    SubmitterUser,
    OtherResident,
    Member,
    Convener,
    OtherConvener,
    Staff,
    Head,
    OtherStaff,
    Leader,
    ParentLeader,
    SiblingLeader,
    Admin,
}

pub fn everyone() -> [Who; 15] {
    use Who::*;
    [
        Nobody,
        SubmitterDevice,
        OtherDevice,
        SubmitterUser,
        OtherResident,
        Member,
        Convener,
        OtherConvener,
        Staff,
        Head,
        OtherStaff,
        Leader,
        ParentLeader,
        SiblingLeader,
        Admin,
    ]
}

fn grant(role: Role, scope: Scope) -> Vec<Grant> {
    vec![Grant::new(role, scope).expect("valid test grant")]
}

pub fn actor_for(who: Who) -> Actor {
    match who {
        Who::Nobody => Actor::anonymous(None),
        Who::SubmitterDevice => Actor::anonymous(Some(SUBMITTER_DEVICE.into())),
        Who::OtherDevice => Actor::anonymous(Some("another-device".into())),
        Who::SubmitterUser => Actor::user(SUBMITTER, grant(Role::Resident, Scope::Global)),
        Who::OtherResident => Actor::user(UserId(12), grant(Role::Resident, Scope::Global)),
        Who::Member => Actor::user(
            UserId(13),
            grant(Role::CommitteeMember, Scope::Region(path(&[1, 2, 3]))),
        ),
        Who::Convener => Actor::user(UserId(14), grant(Role::Convener, Scope::Room(ROOM))),
        Who::OtherConvener => {
            Actor::user(UserId(15), grant(Role::Convener, Scope::Room(RoomId(2))))
        }
        Who::Staff => Actor::user(
            UserId(16),
            grant(Role::DepartmentStaff, Scope::Department(DEPT)),
        ),
        Who::Head => Actor::user(
            UserId(17),
            grant(Role::DepartmentHead, Scope::Department(DEPT)),
        ),
        Who::OtherStaff => Actor::user(
            UserId(18),
            grant(Role::DepartmentStaff, Scope::Department(DepartmentId(2))),
        ),
        Who::Leader => Actor::user(
            UserId(19),
            grant(Role::Leader, Scope::Region(path(&[1, 2, 3, 4]))),
        ),
        Who::ParentLeader => Actor::user(
            UserId(20),
            grant(Role::Leader, Scope::Region(path(&[1, 2, 3]))),
        ),
        Who::SiblingLeader => Actor::user(
            UserId(21),
            grant(Role::Leader, Scope::Region(path(&[1, 2, 3, 9]))),
        ),
        Who::Admin => Actor::user(
            UserId(22),
            grant(Role::Administrator, Scope::Region(path(&[1, 2, 3, 4]))),
        ),
    }
}
