//! Bulk import on both databases: a dry run writes nothing, a file with
//! an error anywhere writes nothing, a correct one is written once.
use store::testing::Backend;
use store::{AuditFilter, Authority, both_backends as both};

use crate::admin::setup;

fn sheet(name: &str, header: &[&str], rows: &[&[&str]]) -> domain::Sheet {
    domain::Sheet {
        name: name.into(),
        header: header.iter().map(|s| s.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect(),
    }
}

/// A file of rooms, departments and people: a dry run shows what would
/// happen and writes nothing; a file with errors writes nothing at all;
/// a correct one writes everything once, and again changes nothing.
async fn imports_are_previewed_then_written_whole(backend: Backend) {
    use store::{Change, ImportMode};
    let (store, world, _) = setup(backend).await;
    let admin = store.actor(world.user("admin")).await.unwrap();
    let by = Authority::Administrator(&admin);
    let good = vec![
        sheet(
            "议事室",
            &domain::ROOM_SHEET.1,
            &[&[
                "sanli",
                "三里组议事点",
                "陈师村",
                "文化广场",
                "",
                "允许",
                "",
            ]],
        ),
        sheet(
            "部门",
            &domain::DEPARTMENT_SHEET.1,
            &[&["sanli-shui", "水务站", "水务", "陈师街道", ""]],
        ),
        sheet(
            "人员",
            &domain::PERSON_SHEET.1,
            &[
                &[
                    "shen-sl",
                    "沈三里",
                    "组长",
                    "13800003333",
                    "陈师村",
                    "党员",
                    "召集人:sanli",
                    "",
                ],
                &[
                    "qian-sw",
                    "钱水务",
                    "站长",
                    "",
                    "陈师街道",
                    "",
                    "部门负责人:sanli-shui",
                    "",
                ],
                &["convener-a", "convener-a", "", "", "陈师村", "群众", "", ""],
            ],
        ),
    ];
    let (lines, errors) = domain::read_sheets(&good);
    assert_eq!(errors, vec![]);
    let rooms_before = store.rooms().await.unwrap().len();

    let plan = store.import(by, &lines, ImportMode::DryRun).await.unwrap();
    assert_eq!(plan.errors, vec![]);
    let changes: Vec<&Change> = plan.rows.iter().map(|r| &r.change).collect();
    assert_eq!(changes[..4], [&Change::Create; 4]);
    assert!(matches!(changes[4], Change::Update(f) if f.contains(&"所属地区")));
    assert_eq!(
        store.rooms().await.unwrap().len(),
        rooms_before,
        "a dry run writes nothing"
    );

    // Errors anywhere: nothing is written, and each names its row and column.
    let mut bad = good.clone();
    bad[2].rows.push(
        [
            "outsider",
            "外人",
            "",
            "",
            "城北社区",
            "",
            "召集人:room-b",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    let (bad_lines, errors) = domain::read_sheets(&bad);
    assert_eq!(errors, vec![]);
    let plan = store
        .import(by, &bad_lines, ImportMode::Commit(Default::default()))
        .await
        .unwrap();
    let found: Vec<(usize, &str)> = plan
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert!(found.contains(&(5, "所属地区")), "{found:?}");
    assert_eq!(
        store.rooms().await.unwrap().len(),
        rooms_before,
        "nothing written"
    );
    assert!(store.user_by_username("shen-sl").await.unwrap().is_none());

    let passwords = [
        ("shen-sl".to_owned(), "h1".to_owned()),
        ("qian-sw".to_owned(), "h2".to_owned()),
    ];
    let plan = store
        .import(
            by,
            &lines,
            ImportMode::Commit(passwords.into_iter().collect()),
        )
        .await
        .unwrap();
    assert_eq!(plan.errors, vec![]);
    assert_eq!(store.rooms().await.unwrap().len(), rooms_before + 1);
    let shen = store.user_by_username("shen-sl").await.unwrap().unwrap();
    assert!(shen.must_change_password);
    let room = store.room_by_code("sanli").await.unwrap();
    assert!(store.actor(shen.id).await.unwrap().is_convener_of(room.id));
    let dept = store.department_by_code("sanli-shui").await.unwrap();
    let qian = store.user_by_username("qian-sw").await.unwrap().unwrap();
    assert!(store.actor(qian.id).await.unwrap().is_head_of(dept.id));

    // The same file again: nothing to do.
    let plan = store
        .import(by, &lines, ImportMode::Commit(Default::default()))
        .await
        .unwrap();
    assert!(
        plan.rows.iter().all(|r| r.change == Change::Same),
        "{:?}",
        plan.rows
    );
    let logged = store
        .audit_entries(&AuditFilter::default(), 200)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.detail.contains("\"imported\":true"))
        .count();
    assert_eq!(
        logged, 7,
        "each created row and grant once, and the moved person"
    );
    assert_eq!(store.verify_audit(vec![]).await.unwrap().breaks, vec![]);
}
both!(imports_are_previewed_then_written_whole);
