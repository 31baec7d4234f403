//! The region's own administration: retiring regions, rooms and departments,
//! disabling accounts and forcing a new password, each person's home
//! region, and the append-only, hash-chained audit log.
use sea_orm::{ConnectionTrait, DbBackend, Schema};
use sea_orm_migration::prelude::*;

use super::m0015_review::add_column;
use crate::entity::{audit_entry, audit_head, department, region, room, user};

pub(super) struct M0028Admin;

impl MigrationName for M0028Admin {
    fn name(&self) -> &str {
        "m0028_admin"
    }
}

fn retired_at<C: IntoIden>(column: C) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0028Admin {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if !manager.has_table("audit_entries").await? {
            Schema::new(backend)
                .builder()
                .register(audit_entry::Entity)
                .register(audit_head::Entity)
                .apply(manager.get_connection())
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO audit_head (id, seq, hash) SELECT 1, 0, '{}' \
             WHERE NOT EXISTS (SELECT 1 FROM audit_head)",
            domain::GENESIS
        ))
        .await?;
        // Append-only at the database too: the application never updates or
        // deletes an entry, and a statement that tries is refused.
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger \
                     LANGUAGE plpgsql AS $$ BEGIN \
                     RAISE EXCEPTION 'audit entries are append-only'; END $$",
                )
                .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_append_only ON audit_entries")
                    .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_entries \
                     FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
                )
                .await?;
            }
            _ => {
                for (name, op) in [("audit_no_update", "UPDATE"), ("audit_no_delete", "DELETE")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON audit_entries \
                         BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
                    ))
                    .await?;
                }
            }
        }
        add_column(
            manager,
            region::Entity,
            "regions",
            retired_at(region::Column::RetiredAt),
        )
        .await?;
        add_column(
            manager,
            room::Entity,
            "rooms",
            retired_at(room::Column::RetiredAt),
        )
        .await?;
        add_column(
            manager,
            department::Entity,
            "departments",
            retired_at(department::Column::RetiredAt),
        )
        .await?;
        add_column(
            manager,
            user::Entity,
            "users",
            retired_at(user::Column::DisabledAt),
        )
        .await?;
        let must_change = ColumnDef::new(user::Column::MustChangePassword)
            .boolean()
            .not_null()
            .default(false)
            .to_owned();
        add_column(manager, user::Entity, "users", must_change).await?;
        let home = ColumnDef::new(user::Column::RegionId)
            .big_integer()
            .null()
            .to_owned();
        add_column(manager, user::Entity, "users", home).await
    }
}
