//! 上会研究 as a record: leadership meetings, a ruling per opinion (the part
//! adopted, the public reason for not adopting), and tasks naming the
//! opinion they carry out.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::{opinion, review_session, task};

pub(super) struct M0015Review;

impl MigrationName for M0015Review {
    fn name(&self) -> &str {
        "m0015_review"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015Review {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(review_session::Entity)
            .apply(manager.get_connection())
            .await?;
        use opinion::Column as O;
        for column in [
            ColumnDef::new(O::ReviewSessionId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(O::Part).text().null().to_owned(),
            ColumnDef::new(O::Reason).text().null().to_owned(),
            ColumnDef::new(O::ReviewedAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            add_column(manager, opinion::Entity, "opinions", column).await?;
        }
        let column = ColumnDef::new(task::Column::OpinionId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, task::Entity, "tasks", column).await
    }
}

/// Adds a column unless the table already has it (a database created at
/// `m0001` after the entity grew it).
pub(super) async fn add_column<T: Iden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    name: &str,
    mut column: ColumnDef,
) -> Result<(), DbErr> {
    if manager.has_column(name, &column.get_column_name()).await? {
        return Ok(());
    }
    let alter = Table::alter()
        .table(table)
        .add_column(&mut column)
        .to_owned();
    manager.alter_table(alter).await
}
