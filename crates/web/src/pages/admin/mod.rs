//! 管理后台: a region's administrator keeps its tree, rooms, departments,
//! people and grants, and reads the audit log. Every page shows only what
//! lies in the regions the viewer administers; every change goes through
//! the store's `admin_*` calls, which ask the domain the same question.
pub mod api_keys;
pub mod audit;
pub mod calendar;
pub mod files;
pub mod people;
pub mod regions;
pub mod webhooks;

use domain::{RegionPath, Role};
use store::{Authority, Region};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;

/// The regions the viewer administers.
pub(crate) fn administered(viewer: &Viewer) -> Vec<RegionPath> {
    viewer
        .actor
        .regions_as(Role::Administrator)
        .cloned()
        .collect()
}

/// The viewer's authority for a change.
pub(crate) fn by(viewer: &Viewer) -> Authority<'_> {
    Authority::Administrator(&viewer.actor)
}

/// Every region the viewer administers or that lies below one, in tree order.
pub(crate) async fn regions_in_reach(state: &AppState, viewer: &Viewer) -> AppResult<Vec<Region>> {
    let mine = administered(viewer);
    Ok(state
        .store
        .regions()
        .await?
        .into_iter()
        .filter(|r| mine.iter().any(|m| m.covers(&r.path)))
        .collect())
}

/// A region's name with the names above it inside the viewer's reach,
/// e.g. 陈师街道 · 陈师社区, for pickers.
pub(crate) fn long_name(region: &Region, all: &[Region]) -> String {
    region
        .path
        .0
        .iter()
        .filter_map(|id| all.iter().find(|r| r.id == *id))
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// (id, long name) of the regions in reach that are still in use.
pub(crate) fn region_options(all: &[Region]) -> Vec<(i64, String)> {
    all.iter()
        .filter(|r| !r.retired)
        .map(|r| (r.id.0, long_name(r, all)))
        .collect()
}
