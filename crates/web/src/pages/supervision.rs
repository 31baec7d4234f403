//! 督办: a leader's page of every task below their region that is late,
//! carded or under a 督办单 waiting for an answer, by department, worst first — who to call today.
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::TaskState;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::pages::desk::{TaskLine, led_regions, task_lines};
use crate::view::{Nav, render};

/// One department's late and carded tasks.
struct DepartmentGroup {
    name: String,
    red: usize,
    yellow: usize,
    overdue: usize,
    /// 督办单 waiting for an answer.
    ordered: usize,
    lines: Vec<TaskLine>,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct SupervisionPage {
    nav: Nav,
    groups: Vec<DepartmentGroup>,
}

pub async fn supervision(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    let mut tasks = Vec::new();
    for region in led_regions(&viewer) {
        let open = &TaskState::WITH_DEPARTMENT;
        tasks.extend(state.store.tasks_in_region(&region, open).await?);
    }
    tasks.sort_by_key(|k| k.id);
    tasks.dedup_by_key(|k| k.id);
    let lines = task_lines(&state, &tasks).await?;
    let mut groups: Vec<DepartmentGroup> = Vec::new();
    for line in lines
        .into_iter()
        .filter(|l| l.overdue || !l.card.is_empty() || l.ordered)
    {
        let i = match groups.iter().position(|g| g.name == line.department) {
            Some(i) => i,
            None => {
                groups.push(DepartmentGroup {
                    name: line.department.clone(),
                    red: 0,
                    yellow: 0,
                    overdue: 0,
                    ordered: 0,
                    lines: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.red += usize::from(line.card == "红牌");
        g.yellow += usize::from(line.card == "黄牌");
        g.overdue += usize::from(line.overdue);
        g.ordered += usize::from(line.ordered);
        g.lines.push(line);
    }
    groups.sort_by_key(|g| (std::cmp::Reverse(g.red), std::cmp::Reverse(g.yellow)));
    let page = SupervisionPage {
        nav: Nav::of(&viewer),
        groups,
    };
    Ok(Html(render(&page)))
}
