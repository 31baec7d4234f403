//! 承办人: the clerk a department's head names to handle a task.
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::task;

pub(super) struct M0020Assignees;

impl MigrationName for M0020Assignees {
    fn name(&self) -> &str {
        "m0020_assignees"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0020Assignees {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(task::Column::AssigneeId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, task::Entity, "tasks", column).await
    }
}
