//! `GET /api/regions/{id}/figures`: a region's 工作指标 for a period, as
//! the figures page shows them, for other systems and open data.
use axum::Json;
use axum::extract::State;
use domain::{Kpi, Period, RegionId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::AppResult;
use crate::forms::{ApiPath, ApiQuery};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08`; this year when absent.
    pub period: Option<String>,
}

/// One figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureJson {
    /// Stable code, e.g. `satisfaction`.
    pub code: &'static str,
    /// Its name, e.g. 群众满意率.
    pub label: &'static str,
    /// `count`, `percent` or `days`.
    pub unit: &'static str,
    /// The number; null for a share or a median with nothing to count.
    pub value: Option<f64>,
    /// As shown, e.g. `87.5%`.
    pub text: String,
    /// 口径: how it is counted.
    pub how_counted: &'static str,
}

/// A region's figures for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresJson {
    pub region: i64,
    pub region_name: String,
    /// The period's code, as `period` takes it.
    pub period: String,
    /// Its name, e.g. 2026年第四季度.
    pub period_label: String,
    /// The period's summary, in the words of a report.
    pub summary: String,
    pub figures: Vec<FigureJson>,
}

#[utoipa::path(get, path = "/api/regions/{id}/figures", tag = "figures",
    params(("id" = i64, Path, description = "region id"), FiguresQuery),
    responses((status = 200, body = FiguresJson)))]
pub async fn figures(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<RegionId>,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> AppResult<Json<FiguresJson>> {
    // Exactly as the document says: an empty or padded period is refused.
    let period = match q.period.as_deref() {
        Some(s) => Period::parse(s)?,
        None => Period::this_year(state.store.clock().today()),
    };
    let region = state.store.region(id).await?;
    let tally = state.store.figures(&region.path, &period).await?;
    let notable = state
        .store
        .notable_resolved(&region.path, &period, 3)
        .await?;
    let figures = Kpi::ALL
        .iter()
        .map(|k| {
            let reading = k.reading(&tally);
            FigureJson {
                code: k.code(),
                label: k.label_zh(),
                unit: reading.unit(),
                value: reading.number(),
                text: reading.text_zh(),
                how_counted: k.how_counted(),
            }
        })
        .collect();
    Ok(Json(FiguresJson {
        region: id.0,
        summary: crate::pages::figures::summary(&region.name, &period, &tally, &notable),
        region_name: region.name,
        period: period.code(),
        period_label: period.label_zh(),
        figures,
    }))
}
