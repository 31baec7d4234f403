//! Versioned migrations, shared by both backends.
//!
//! `m0001` creates the schema from the entity definitions as they stood at
//! that version; every later change must be a new, explicit migration.
use sea_orm::Schema;
use sea_orm_migration::prelude::*;

use crate::entity::*;

mod event_facts;
mod m0015_review;
mod m0016_orders;
mod m0017_follow_ups;
mod m0018_phone_reveals;
mod m0019_task_shares;
mod m0020_assignees;
mod m0021_deadline_settings;
mod m0022_region_rules;
mod m0023_raters;
mod m0024_research;
mod m0025_meeting_day;
mod m0026_live;
mod m0027_campaigns;
mod m0028_admin;
mod m0029_session_address;
mod m0030_second_factor;
mod m0031_region_categories;
mod m0032_outbox;
mod m0033_notice_email;
mod m0034_api_keys;
mod m0035_figures;
mod m0036_search;
mod m0037_search_synonyms;
mod m0038_search_vector;
mod m0039_exports;
mod m0040_marked_topics;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Initial),
            Box::new(M0002Deliberation),
            Box::new(M0003TopicListIndexes),
            Box::new(M0004Intake),
            Box::new(M0005ChannelCounts),
            Box::new(M0006AnalysisStates),
            Box::new(M0007DeliberationChanges),
            Box::new(M0008EventFacts),
            Box::new(M0009Settings),
            Box::new(M0010VerifiedOnly),
            Box::new(M0011Participants),
            Box::new(M0012PhotosPublished),
            Box::new(M0013Calendar),
            Box::new(M0014TaskNotices),
            Box::new(m0015_review::M0015Review),
            Box::new(m0016_orders::M0016Orders),
            Box::new(m0017_follow_ups::M0017FollowUps),
            Box::new(m0018_phone_reveals::M0018PhoneReveals),
            Box::new(m0019_task_shares::M0019TaskShares),
            Box::new(m0020_assignees::M0020Assignees),
            Box::new(m0021_deadline_settings::M0021DeadlineSettings),
            Box::new(m0022_region_rules::M0022RegionRules),
            Box::new(m0023_raters::M0023Raters),
            Box::new(m0024_research::M0024Research),
            Box::new(m0025_meeting_day::M0025MeetingDay),
            Box::new(m0026_live::M0026Live),
            Box::new(m0027_campaigns::M0027Campaigns),
            Box::new(m0028_admin::M0028Admin),
            Box::new(m0029_session_address::M0029SessionAddress),
            Box::new(m0030_second_factor::M0030SecondFactor),
            Box::new(m0031_region_categories::M0031RegionCategories),
            Box::new(m0032_outbox::M0032Outbox),
            Box::new(m0033_notice_email::M0033NoticeEmail),
            Box::new(m0034_api_keys::M0034ApiKeys),
            Box::new(m0035_figures::M0035Figures),
            Box::new(m0036_search::M0036Search),
            Box::new(m0037_search_synonyms::M0037SearchSynonyms),
            Box::new(m0038_search_vector::M0038SearchVector),
            Box::new(m0039_exports::M0039Exports),
            Box::new(m0040_marked_topics::M0040MarkedTopics),
        ]
    }
}

#[derive(DeriveMigrationName)]
struct M0001Initial;

#[async_trait::async_trait]
impl MigrationTrait for M0001Initial {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(region::Entity)
            .register(room::Entity)
            .register(department::Entity)
            .register(user::Entity)
            .register(grant::Entity)
            .register(session::Entity)
            .register(otp_code::Entity)
            .register(topic::Entity)
            .register(topic_event::Entity)
            .register(research_record::Entity)
            .register(meeting::Entity)
            .register(agenda_item::Entity)
            .register(opinion::Entity)
            .register(task::Entity)
            .register(rating::Entity)
            .register(topic_like::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// 线上议事: deliberations, their statements and votes, and the saved opinion map.
/// Named by hand: `DeriveMigrationName` names a migration after its file,
/// which `m0001` already took.
struct M0002Deliberation;

impl MigrationName for M0002Deliberation {
    fn name(&self) -> &str {
        "m0002_deliberation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Deliberation {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(deliberation::Entity)
            .register(statement::Entity)
            .register(opinion_vote::Entity)
            .register(deliberation_result::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// Topic lists are newest-first, overall and per room: without these indexes
/// every list sorts the whole table (measured: 6 pages/s at 100,000 topics).
struct M0003TopicListIndexes;

impl MigrationName for M0003TopicListIndexes {
    fn name(&self) -> &str {
        "m0003_topic_list_indexes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003TopicListIndexes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use topic::Column::{Id, RoomId, State, UpdatedAt};
        let indexes = [
            ("idx_topics_updated", vec![UpdatedAt, Id]),
            ("idx_topics_room_updated", vec![RoomId, UpdatedAt, Id]),
            ("idx_topics_state_updated", vec![State, UpdatedAt, Id]),
        ];
        for (name, cols) in indexes {
            let mut index = Index::create();
            index.name(name).table(topic::Entity);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }
}

/// 码上议 intake: supports, followers, the inbox, photos, submission keys,
/// and the topic's new columns (support count, anonymity, map point).
///
/// `m0001` builds `topics` from the entity as it is now, so on a fresh
/// database those columns already exist; on an older one they are added here.
struct M0004Intake;

impl MigrationName for M0004Intake {
    fn name(&self) -> &str {
        "m0004_intake"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004Intake {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use topic::Column as C;
        let columns = [
            (
                C::SupportCount,
                ColumnDef::new(C::SupportCount)
                    .big_integer()
                    .not_null()
                    .default(0)
                    .to_owned(),
            ),
            (
                C::Anonymous,
                ColumnDef::new(C::Anonymous)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ),
            (
                C::LatE6,
                ColumnDef::new(C::LatE6).big_integer().null().to_owned(),
            ),
            (
                C::LngE6,
                ColumnDef::new(C::LngE6).big_integer().null().to_owned(),
            ),
        ];
        for (col, mut def) in columns {
            if !manager
                .has_column("topics", &sea_orm::Iden::to_string(&col))
                .await?
            {
                let alter = Table::alter()
                    .table(topic::Entity)
                    .add_column(&mut def)
                    .to_owned();
                manager.alter_table(alter).await?;
            }
        }
        Schema::new(manager.get_database_backend())
            .builder()
            .register(support::Entity)
            .register(follower::Entity)
            .register(notification::Entity)
            .register(photo::Entity)
            .register(submission_key::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// A room page counts its topics by channel on every view: with this index
/// the count reads the index alone instead of every topic of the room.
struct M0005ChannelCounts;

impl MigrationName for M0005ChannelCounts {
    fn name(&self) -> &str {
        "m0005_channel_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005ChannelCounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_topics_room_channel")
                    .table(topic::Entity)
                    .col(topic::Column::RoomId)
                    .col(topic::Column::Channel)
                    .to_owned(),
            )
            .await
    }
}

/// What each deliberation's next opinion-map run continues from, so a
/// restart does not lose the warm start (components, clusters, k smoothing).
struct M0006AnalysisStates;

impl MigrationName for M0006AnalysisStates {
    fn name(&self) -> &str {
        "m0006_analysis_states"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006AnalysisStates {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(analysis_state::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// When a deliberation's statements were last moderated, so a process
/// starting after a crash knows a map older than that is stale.
///
/// `m0002` builds `deliberations` from the entity as it is now, so on a fresh
/// database the column already exists; on an older one it is added here.
struct M0007DeliberationChanges;

impl MigrationName for M0007DeliberationChanges {
    fn name(&self) -> &str {
        "m0007_deliberation_changes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007DeliberationChanges {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use deliberation::Column as C;
        if manager
            .has_column("deliberations", &sea_orm::Iden::to_string(&C::ModeratedAt))
            .await?
        {
            return Ok(());
        }
        let alter = Table::alter()
            .table(deliberation::Entity)
            .add_column(
                ColumnDef::new(C::ModeratedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .to_owned();
        manager.alter_table(alter).await
    }
}

/// Timeline entries as facts (`topic_events.data`) rendered where shown, and
/// roles stored as codes; old meeting times, written as UTC text, become
/// facts (and inbox lines read Beijing time). See [`event_facts`].
struct M0008EventFacts;

impl MigrationName for M0008EventFacts {
    fn name(&self) -> &str {
        "m0008_event_facts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008EventFacts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use topic_event::Column as C;
        if !manager
            .has_column("topic_events", &sea_orm::Iden::to_string(&C::Data))
            .await?
        {
            let alter = Table::alter()
                .table(topic_event::Entity)
                .add_column(ColumnDef::new(C::Data).text().null())
                .to_owned();
            manager.alter_table(alter).await?;
        }
        event_facts::convert(manager.get_connection()).await
    }
}

/// Values every app node shares, such as the key that signs device cookies.
struct M0009Settings;

impl MigrationName for M0009Settings {
    fn name(&self) -> &str {
        "m0009_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009Settings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(setting::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// A convener may let only phone-verified residents take part in an
/// online deliberation.
struct M0010VerifiedOnly;

impl MigrationName for M0010VerifiedOnly {
    fn name(&self) -> &str {
        "m0010_verified_only"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010VerifiedOnly {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use deliberation::Column as C;
        if manager
            .has_column("deliberations", &sea_orm::Iden::to_string(&C::VerifiedOnly))
            .await?
        {
            return Ok(());
        }
        let alter = Table::alter()
            .table(deliberation::Entity)
            .add_column(
                ColumnDef::new(C::VerifiedOnly)
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .to_owned();
        manager.alter_table(alter).await
    }
}

/// Where and when each phone first voted in a deliberation, so bursts of
/// new phones from one address can be flagged and left out.
struct M0011Participants;

impl MigrationName for M0011Participants {
    fn name(&self) -> &str {
        "m0011_deliberation_participants"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011Participants {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(deliberation_participant::Entity)
            .apply(manager.get_connection())
            .await
    }
}

/// A convener publishes the photos of a topic merged straight from triage.
struct M0012PhotosPublished;

impl MigrationName for M0012PhotosPublished {
    fn name(&self) -> &str {
        "m0012_photos_published"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012PhotosPublished {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use topic::Column as C;
        if manager
            .has_column("topics", &sea_orm::Iden::to_string(&C::PhotosPublished))
            .await?
        {
            return Ok(());
        }
        let alter = Table::alter()
            .table(topic::Entity)
            .add_column(
                ColumnDef::new(C::PhotosPublished)
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .to_owned();
        manager.alter_table(alter).await
    }
}

/// The official calendar, seeded with the schedules shipped (2024 onwards).
struct M0013Calendar;

impl MigrationName for M0013Calendar {
    fn name(&self) -> &str {
        "m0013_calendar"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013Calendar {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(calendar_year::Entity)
            .register(calendar_day::Entity)
            .apply(manager.get_connection())
            .await?;
        let shipped = domain::parse_schedules(
            crate::calendar::SHIPPED_DAYS,
            crate::calendar::SHIPPED_SOURCES,
        )
        .map_err(|e| DbErr::Custom(e.to_string()))?;
        crate::calendar::save_on(manager.get_connection(), &shipped)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }
}

/// Supervision notices sent, one per task and notice.
struct M0014TaskNotices;

impl MigrationName for M0014TaskNotices {
    fn name(&self) -> &str {
        "m0014_task_notices"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014TaskNotices {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        Schema::new(manager.get_database_backend())
            .builder()
            .register(task_notice::Entity)
            .apply(manager.get_connection())
            .await
    }
}
