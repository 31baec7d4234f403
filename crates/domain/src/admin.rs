//! What a region's administrator (管理员) may change: only what lies in the
//! regions they administer, never above or beside them.
use crate::{Actor, DomainError, Grant, RegionLevel, RegionPath, Role, Scope};

/// Whether the actor administers this place (or a region above it).
pub fn may_administer(actor: &Actor, place: &RegionPath) -> Result<(), DomainError> {
    if actor.administers(place) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// A new region goes one level below its parent.
pub fn new_region_fits(parent_level: RegionLevel, level: RegionLevel) -> Result<(), DomainError> {
    if parent_level.child_level() != Some(level) {
        return Err(DomainError::invalid(
            "level",
            format!(
                "{}之下应为{}",
                parent_level.label_zh(),
                parent_level
                    .child_level()
                    .map_or("（不能再分）", |l| l.label_zh())
            ),
        ));
    }
    Ok(())
}

/// A region the actor may rename, move or retire: strictly below one they
/// administer, so nobody changes the region their own authority rests on.
pub fn may_change_region(actor: &Actor, region: &RegionPath) -> Result<(), DomainError> {
    let above = RegionPath(region.0[..region.0.len().saturating_sub(1)].to_vec());
    if actor.administers(&above) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Moving a region goes under a parent of the level above it, never
/// under itself or below. (Who may: [`may_change_region`] for the region
/// and [`may_administer`] for its new parent.)
pub fn move_fits(
    region: &RegionPath,
    level: RegionLevel,
    new_parent: &RegionPath,
    parent_level: RegionLevel,
) -> Result<(), DomainError> {
    if region.covers(new_parent) {
        return Err(DomainError::invalid("parent", "不能调整到自身或其下级之下"));
    }
    if parent_level.child_level() != Some(level) {
        return Err(DomainError::invalid(
            "parent",
            format!("{}只能隶属于上一级地区", level.label_zh()),
        ));
    }
    Ok(())
}

/// The holiday calendar is the State Council's, the same for every region:
/// only an administrator of a top region (one with nothing above it)
/// enters a year's notice; everyone else reads it.
pub fn may_edit_calendar(actor: &Actor) -> Result<(), DomainError> {
    if actor
        .regions_as(Role::Administrator)
        .any(|p| p.0.len() == 1)
    {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// What still works under a region that is to be retired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveBelow {
    /// Regions directly below that are not retired.
    pub regions: u32,
    /// Rooms in it that are not retired.
    pub rooms: u32,
    /// Departments of it that are not retired.
    pub departments: u32,
}

/// A region is retired only once nothing below it still works, so no room
/// is left taking topics in a region that no longer exists. (Who may:
/// [`may_change_region`].)
pub fn retire_fits(below: LiveBelow) -> Result<(), DomainError> {
    let mut left = Vec::new();
    if below.regions > 0 {
        left.push(format!("下级地区{}个", below.regions));
    }
    if below.rooms > 0 {
        left.push(format!("议事室{}个", below.rooms));
    }
    if below.departments > 0 {
        left.push(format!("部门{}个", below.departments));
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Precondition(format!(
            "请先撤销或停用其下的{}",
            left.join("、")
        )))
    }
}

/// Granting or revoking a role: its place (for a room or a department, the
/// region it belongs to) must lie in the actor's regions. Residents need no
/// grant from anyone.
pub fn may_grant(actor: &Actor, grant: &Grant, place: &RegionPath) -> Result<(), DomainError> {
    if grant.role == Role::Resident || matches!(grant.scope, Scope::Global) {
        return Err(DomainError::Forbidden);
    }
    may_administer(actor, place)
}

/// Looking after a person's account (disable, reset the password, edit):
/// every place the person holds a role in, and their home region, lies in
/// the actor's regions. A county official is not reset by a village's
/// administrator, even if they also convene a room there.
pub fn may_manage_person(actor: &Actor, places: &[RegionPath]) -> Result<(), DomainError> {
    if !places.is_empty() && places.iter().all(|p| actor.administers(p)) {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionId;

    fn path(ids: &[i64]) -> RegionPath {
        RegionPath(ids.iter().map(|i| RegionId(*i)).collect())
    }

    fn admin_of(ids: &[i64]) -> Actor {
        Actor::user(
            crate::UserId(1),
            vec![Grant {
                role: Role::Administrator,
                scope: Scope::Region(path(ids)),
            }],
        )
    }

    fn check_new_region(
        a: &Actor,
        parent: &RegionPath,
        parent_level: RegionLevel,
        level: RegionLevel,
    ) -> Result<(), DomainError> {
        may_administer(a, parent).and(new_region_fits(parent_level, level))
    }

    fn check_move_region(
        a: &Actor,
        region: &RegionPath,
        level: RegionLevel,
        parent: &RegionPath,
        parent_level: RegionLevel,
    ) -> Result<(), DomainError> {
        may_change_region(a, region)
            .and(may_administer(a, parent))
            .and(move_fits(region, level, parent, parent_level))
    }

    fn check_retire_region(
        a: &Actor,
        region: &RegionPath,
        below: LiveBelow,
    ) -> Result<(), DomainError> {
        may_change_region(a, region).and(retire_fits(below))
    }

    #[test]
    fn regions_are_added_one_level_down_inside_ones_own() {
        let a = admin_of(&[1, 2, 3]);
        let (county, town, village) = (
            RegionLevel::County,
            RegionLevel::Township,
            RegionLevel::Village,
        );
        assert_eq!(
            check_new_region(&a, &path(&[1, 2, 3]), county, town),
            Ok(())
        );
        assert!(matches!(
            check_new_region(&a, &path(&[1, 2, 3]), county, village),
            Err(DomainError::Invalid { field: "level", .. })
        ));
        assert_eq!(
            check_new_region(&a, &path(&[1, 2, 9]), county, town),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            check_new_region(&a, &path(&[1, 2]), RegionLevel::City, county),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn ones_own_region_is_not_changed_by_oneself() {
        let a = admin_of(&[1, 2, 3]);
        assert_eq!(may_change_region(&a, &path(&[1, 2, 3, 4])), Ok(()));
        assert_eq!(
            may_change_region(&a, &path(&[1, 2, 3])),
            Err(DomainError::Forbidden)
        );
        assert_eq!(
            may_change_region(&a, &path(&[1, 2, 8, 4])),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn moves_stay_inside_and_never_loop() {
        let a = admin_of(&[1, 2, 3]);
        let (town, village) = (RegionLevel::Township, RegionLevel::Village);
        let v = path(&[1, 2, 3, 4, 5]);
        assert_eq!(
            check_move_region(&a, &v, village, &path(&[1, 2, 3, 6]), town),
            Ok(())
        );
        assert_eq!(
            check_move_region(&a, &v, village, &path(&[1, 2, 7, 6]), town),
            Err(DomainError::Forbidden)
        );
        assert!(matches!(
            check_move_region(
                &a,
                &path(&[1, 2, 3, 4]),
                town,
                &path(&[1, 2, 3, 4, 5]),
                village
            ),
            Err(DomainError::Invalid { .. })
        ));
        assert!(matches!(
            check_move_region(&a, &v, village, &path(&[1, 2, 3]), RegionLevel::County),
            Err(DomainError::Invalid { .. })
        ));
    }

    #[test]
    fn retiring_waits_for_what_still_works_below() {
        let a = admin_of(&[1, 2, 3]);
        let v = path(&[1, 2, 3, 4]);
        assert_eq!(check_retire_region(&a, &v, LiveBelow::default()), Ok(()));
        let busy = LiveBelow {
            regions: 0,
            rooms: 2,
            departments: 1,
        };
        assert_eq!(
            check_retire_region(&a, &v, busy),
            Err(DomainError::Precondition(
                "请先撤销或停用其下的议事室2个、部门1个".into()
            ))
        );
    }

    #[test]
    fn only_a_top_administrator_enters_the_calendar() {
        assert_eq!(may_edit_calendar(&admin_of(&[1])), Ok(()));
        assert_eq!(
            may_edit_calendar(&admin_of(&[1, 2, 3])),
            Err(DomainError::Forbidden)
        );
    }

    #[test]
    fn grants_and_people_stay_inside() {
        let a = admin_of(&[1, 2, 3]);
        let convener = Grant {
            role: Role::Convener,
            scope: Scope::Room(crate::RoomId(9)),
        };
        assert_eq!(may_grant(&a, &convener, &path(&[1, 2, 3, 4])), Ok(()));
        assert_eq!(
            may_grant(&a, &convener, &path(&[1, 2, 5])),
            Err(DomainError::Forbidden)
        );
        let resident = Grant {
            role: Role::Resident,
            scope: Scope::Global,
        };
        assert_eq!(
            may_grant(&a, &resident, &path(&[1, 2, 3])),
            Err(DomainError::Forbidden)
        );
        assert_eq!(may_manage_person(&a, &[path(&[1, 2, 3, 4])]), Ok(()));
        assert_eq!(
            may_manage_person(&a, &[path(&[1, 2, 3, 4]), path(&[1, 2])]),
            Err(DomainError::Forbidden)
        );
        assert_eq!(may_manage_person(&a, &[]), Err(DomainError::Forbidden));
    }
}
