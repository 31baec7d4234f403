//! Server-rendered pages, one module per part of the chain.
pub mod account;
pub mod admin;
pub mod campaign;
pub mod deadlines;
pub mod deliberation;
pub mod desk;
pub mod duty;
pub mod export;
pub mod figures;
pub mod inbox;
pub mod ledger;
pub mod live;
pub mod login;
pub mod meeting;
pub mod meeting_day;
pub mod mine;
pub mod minutes;
pub mod notice_channel;
pub mod portal;
pub mod public;
pub mod report;
pub mod research;
pub mod screen;
pub mod search;
pub mod second_factor;
pub mod supervision;
pub mod topic;
pub mod topic_data;
pub mod triage;

/// The categories topics in these rooms are filed under (each room's
/// region's list, `domain::categories_for`), in order and without repeats:
/// what a form or a filter offers for them.
pub(crate) async fn categories_of(
    state: &crate::AppState,
    rooms: impl IntoIterator<Item = &store::Room>,
) -> crate::error::AppResult<Vec<String>> {
    let mut rooms = rooms.into_iter().peekable();
    if rooms.peek().is_none() {
        return Ok(domain::default_categories());
    }
    let settings = state.store.category_settings().await?;
    // Every region's path in one read, however many rooms.
    let paths: std::collections::HashMap<domain::RegionId, domain::RegionPath> = state
        .store
        .regions()
        .await?
        .into_iter()
        .map(|r| (r.id, r.path))
        .collect();
    let mut all: Vec<String> = Vec::new();
    for room in rooms {
        let path = paths
            .get(&room.region)
            .ok_or(store::StoreError::NotFound("地区"))?;
        for c in domain::categories_for(&settings, path) {
            if !all.contains(&c) {
                all.push(c);
            }
        }
    }
    // 其他 closes the merged list too.
    all.retain(|c| c != domain::OTHER);
    all.push(domain::OTHER.to_owned());
    Ok(all)
}
