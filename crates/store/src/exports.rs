//! 导出: a large region's 工作台账, made in the background. The row keeps
//! the count of topics written, which any node reads to show progress, and
//! then the made file, which any node sends; so the page that watches it
//! may be served by another node than the one making it. When and whether
//! an export is reused or given up is `domain::ExportStatus`'s to say.
use chrono::{DateTime, Utc};
use domain::{EXPORT_KEPT_FOR, ExportId, ExportStatus, Period, RegionId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::export;
use crate::model::parsed;
use crate::{Result, Store, StoreError};

/// An export, without its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// Its id.
    pub id: ExportId,
    /// The region whose 台账 it is.
    pub region: RegionId,
    /// The period it covers.
    pub period: Period,
    /// Who asked for it first.
    pub requested_by: UserId,
    /// Where it stands, as of the store's clock.
    pub status: ExportStatus,
    /// When it was made.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The columns of an export but its file.
type Row = (
    i64,
    i64,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

const COLUMNS: [export::Column; 9] = [
    export::Column::Id,
    export::Column::RegionId,
    export::Column::Period,
    export::Column::RequestedBy,
    export::Column::Total,
    export::Column::Done,
    export::Column::Failure,
    export::Column::MovedAt,
    export::Column::FinishedAt,
];

impl Store {
    /// The 台账 export of `region` for `period` that a request is answered
    /// with: one being made, or made a short while ago; otherwise a new one
    /// of `total` topics, asked for by `by`. The flag says it is new, so
    /// the caller starts making it. Exports older than a day go first.
    pub async fn ledger_export(
        &self,
        region: RegionId,
        period: &Period,
        by: UserId,
        total: u64,
    ) -> Result<(Export, bool)> {
        let w = self.write().await?;
        export::Entity::delete_many()
            .filter(export::Column::CreatedAt.lt(w.now - EXPORT_KEPT_FOR))
            .exec(&w.tx)
            .await?;
        let latest: Option<Row> = export::Entity::find()
            .select_only()
            .columns(COLUMNS)
            .filter(export::Column::RegionId.eq(region.0))
            .filter(export::Column::Period.eq(period.code()))
            .order_by_desc(export::Column::Id)
            .into_tuple()
            .one(&w.tx)
            .await?;
        if let Some(row) = latest {
            let found = Export::from_row(row, w.now)?;
            if found.status.serves_again(found.finished_at, w.now) {
                w.commit().await?;
                return Ok((found, false));
            }
        }
        let row = export::ActiveModel {
            region_id: Set(region.0),
            period: Set(period.code()),
            requested_by: Set(by.0),
            total: Set(total as i64),
            done: Set(0),
            file: Set(None),
            failure: Set(None),
            created_at: Set(w.now),
            moved_at: Set(w.now),
            finished_at: Set(None),
            ..Default::default()
        };
        let id = export::Entity::insert(row)
            .exec(&w.tx)
            .await?
            .last_insert_id;
        w.commit().await?;
        let made = Export {
            id: ExportId(id),
            region,
            period: *period,
            requested_by: by,
            status: ExportStatus::Making { done: 0, total },
            finished_at: None,
        };
        Ok((made, true))
    }

    /// An export, as it stands now.
    pub async fn export(&self, id: ExportId) -> Result<Export> {
        let row: Row = export::Entity::find_by_id(id.0)
            .select_only()
            .columns(COLUMNS)
            .into_tuple()
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("export"))?;
        Export::from_row(row, self.now())
    }

    /// A made export's file.
    pub async fn export_file(&self, id: ExportId) -> Result<Vec<u8>> {
        let file: Option<Option<Vec<u8>>> = export::Entity::find_by_id(id.0)
            .select_only()
            .column(export::Column::File)
            .into_tuple()
            .one(self.conn())
            .await?;
        file.flatten().ok_or(StoreError::NotFound("export"))
    }

    /// `done` topics of an export are written.
    pub async fn export_moved(&self, id: ExportId, done: u64) -> Result<()> {
        self.update_export(id, |now| {
            vec![
                (export::Column::Done, Expr::value(done as i64)),
                (export::Column::MovedAt, Expr::value(now)),
            ]
        })
        .await
    }

    /// An export is made: its file is kept for download.
    pub async fn export_made(&self, id: ExportId, file: Vec<u8>) -> Result<()> {
        self.update_export(id, |now| {
            vec![
                (export::Column::Done, Expr::col(export::Column::Total)),
                (export::Column::File, Expr::value(file)),
                (export::Column::MovedAt, Expr::value(now)),
                (export::Column::FinishedAt, Expr::value(now)),
            ]
        })
        .await
    }

    /// Making an export failed; asking again starts a new one.
    pub async fn export_failed(&self, id: ExportId, why: &str) -> Result<()> {
        self.update_export(id, |now| {
            vec![
                (export::Column::Failure, Expr::value(why.to_owned())),
                (export::Column::MovedAt, Expr::value(now)),
            ]
        })
        .await
    }

    async fn update_export(
        &self,
        id: ExportId,
        values: impl FnOnce(DateTime<Utc>) -> Vec<(export::Column, Expr)>,
    ) -> Result<()> {
        let w = self.write().await?;
        let mut update = export::Entity::update_many().filter(export::Column::Id.eq(id.0));
        for (column, value) in values(w.now) {
            update = update.col_expr(column, value);
        }
        update.exec(&w.tx).await?;
        w.commit().await
    }
}

impl Export {
    fn from_row(row: Row, now: DateTime<Utc>) -> Result<Export> {
        let (id, region, period, by, total, done, failure, moved_at, finished_at) = row;
        Ok(Export {
            id: ExportId(id),
            region: RegionId(region),
            period: parsed(&period, |p| Period::parse(p).ok(), "exports.period")?,
            requested_by: UserId(by),
            status: ExportStatus::of(
                done.max(0) as u64,
                total.max(0) as u64,
                finished_at.is_some(),
                failure.is_some(),
                moved_at,
                now,
            ),
            finished_at,
        })
    }
}
