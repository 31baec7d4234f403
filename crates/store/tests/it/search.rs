//! The search index follows the tables its terms are made from: an index
//! built before a thing's names were grouped (水渠 with 排水沟) lacks the
//! group's term, so a database whose index was built under other tables
//! indexes everything again as it opens.
use domain::{Actor, SearchKind, TopicBody, TopicTitle};
use sea_orm::{ConnectionTrait, Database, DbBackend};
use store::both_backends as both;
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{SearchFilter, Store, Who};

/// A fresh database with the test world: its URL, for writing under the
/// store, the store and the world.
async fn opened(backend: Backend) -> (String, Store, World) {
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(&store, "hash").await.unwrap();
    (url, store, world)
}

/// A resident's topic in room A.
async fn raise(store: &Store, world: &World, title: &str) -> store::Topic {
    let who = Who {
        actor: Actor::anonymous(Some("phone".into())),
        name: "匿名群众".into(),
    };
    let title = TopicTitle::parse(title).unwrap();
    let body = TopicBody::parse("一下雨庄稼地就泡在水里").unwrap();
    store
        .submit_topic(plain_submission(world.room_a, &title, &body), &who)
        .await
        .unwrap()
}

async fn found(store: &Store, q: &str) -> Vec<String> {
    found_in(
        store,
        q,
        SearchFilter {
            limit: 10,
            ..Default::default()
        },
    )
    .await
}

async fn found_in(store: &Store, q: &str, filter: SearchFilter) -> Vec<String> {
    store
        .search(&text::query_terms(q), &filter)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|h| h.topic.map(|t| t.0))
        .collect()
}

async fn an_index_built_from_other_tables_is_built_again(backend: Backend) {
    let (url, store, world) = opened(backend).await;
    let ditch = raise(&store, &world, "杨口村排水沟淤积").await;
    let lamp = raise(&store, &world, "杨口村路灯不亮").await;
    assert_eq!(
        found(&store, "水渠淤积").await,
        vec![ditch.tracking_no.clone()]
    );

    // The ditch's entry goes missing, as a text indexed under older tables
    // misses the terms a query now looks for.
    let raw = Database::connect(&url).await.unwrap();
    let lose = async |version: Option<&str>| {
        let entry = format!(
            "SELECT id FROM search_entries WHERE kind = '{}' AND ref_id = {}",
            SearchKind::Topic.code(),
            ditch.id.0
        );
        if raw.get_database_backend() == DbBackend::Sqlite {
            raw.execute_unprepared(&format!("DELETE FROM search_fts WHERE rowid IN ({entry})"))
                .await
                .unwrap();
        }
        raw.execute_unprepared(&format!("DELETE FROM search_entries WHERE id IN ({entry})"))
            .await
            .unwrap();
        if let Some(v) = version {
            raw.execute_unprepared(&format!(
                "UPDATE settings SET value = '{v}' WHERE key = 'search_version'"
            ))
            .await
            .unwrap();
        }
    };
    lose(None).await;
    assert!(found(&store, "水渠淤积").await.is_empty());
    // Opened again under the same tables, the index is left as it is.
    store.migrate().await.unwrap();
    assert!(found(&store, "水渠淤积").await.is_empty());

    // Built under other tables, it is built again as the database opens.
    lose(Some("0000000000000000")).await;
    store.migrate().await.unwrap();
    assert_eq!(
        found(&store, "水渠淤积").await,
        vec![ditch.tracking_no.clone()]
    );
    assert_eq!(found(&store, "路灯").await, vec![lamp.tracking_no.clone()]);
}
both!(an_index_built_from_other_tables_is_built_again);

/// Behind many newer entries, an older text is still found, after the
/// newer ones (PostgreSQL walks only the newest entries and takes older
/// matches from its index; SQLite's FTS5 walks them all).
async fn old_texts_are_found_behind_many_new_ones(backend: Backend) {
    let (url, store, world) = opened(backend).await;
    let ditch = raise(&store, &world, "杨口村排水沟淤积").await.tracking_no;
    // 15,000 entries no query finds, as a city's texts in between.
    let raw = Database::connect(&url).await.unwrap();
    let rows = if raw.get_database_backend() == DbBackend::Postgres {
        "SELECT g FROM generate_series(1, 15000) g"
    } else {
        "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 15000) SELECT g FROM s"
    };
    raw.execute_unprepared(&format!(
        "INSERT INTO search_entries (kind, ref_id, topic_id, room_id, at, terms) \
         SELECT '{}', 1000000 + g, NULL, {}, '2026-01-01 00:00:00+00:00', '填充' FROM ({rows}) AS n",
        SearchKind::Opinion.code(),
        world.room_a.0
    ))
    .await
    .unwrap();
    let lamp = raise(&store, &world, "杨口村路灯不亮").await.tracking_no;

    assert_eq!(found(&store, "排水沟").await, vec![ditch.clone()]);
    assert_eq!(found(&store, "路灯").await, vec![lamp.clone()]);
    assert_eq!(
        found(&store, "杨口村").await,
        vec![lamp.clone(), ditch.clone()]
    );
    let first = SearchFilter {
        limit: 1,
        ..Default::default()
    };
    assert_eq!(found_in(&store, "杨口村", first).await, vec![lamp]);
    let elsewhere = SearchFilter {
        limit: 10,
        room: Some(world.room_b),
        ..Default::default()
    };
    assert!(found_in(&store, "排水沟", elsewhere).await.is_empty());
    let here = SearchFilter {
        limit: 10,
        room: Some(world.room_a),
        ..Default::default()
    };
    assert_eq!(found_in(&store, "排水沟", here).await, vec![ditch]);
    assert!(found(&store, "地铁").await.is_empty());
}
both!(old_texts_are_found_behind_many_new_ones);
