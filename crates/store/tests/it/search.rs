//! The search index follows the tables its terms are made from: an index
//! built before a thing's names were grouped (水渠 with 排水沟) lacks the
//! group's term, so a database whose index was built under other tables
//! indexes everything again as it opens.
use domain::{Actor, SearchKind, TopicBody, TopicTitle};
use sea_orm::{ConnectionTrait, Database, DbBackend};
use store::both_backends as both;
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{SearchFilter, Store, Who};

async fn found(store: &Store, q: &str) -> Vec<String> {
    let filter = SearchFilter {
        limit: 10,
        ..Default::default()
    };
    store
        .search(&text::query_terms(q), &filter)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|h| h.topic.map(|t| t.0))
        .collect()
}

async fn an_index_built_from_other_tables_is_built_again(backend: Backend) {
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(&store, "hash").await.unwrap();
    let who = Who {
        actor: Actor::anonymous(Some("phone".into())),
        name: "匿名群众".into(),
    };
    let mut topics = Vec::new();
    for title in ["杨口村排水沟淤积", "杨口村路灯不亮"] {
        let title = TopicTitle::parse(title).unwrap();
        let body = TopicBody::parse("一下雨庄稼地就泡在水里").unwrap();
        let t = store
            .submit_topic(plain_submission(world.room_a, &title, &body), &who)
            .await
            .unwrap();
        topics.push(t);
    }
    let ditch = &topics[0];
    assert_eq!(found(&store, "水渠淤积").await, vec![ditch.tracking_no.clone()]);

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
    assert_eq!(found(&store, "水渠淤积").await, vec![ditch.tracking_no.clone()]);
    assert_eq!(found(&store, "路灯").await, vec![topics[1].tracking_no.clone()]);
}
both!(an_index_built_from_other_tables_is_built_again);
