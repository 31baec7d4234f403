//! The administrator's console through the real pages: a new room and a new
//! person, a convener who signs in with a temporary password, must choose
//! their own, and then works in that room only; the audit log tells it all.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

pub(crate) async fn form(
    app: &TestApp,
    c: &Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, String) {
    answer(c.post(app.url(path)).form(fields).send().await.unwrap()).await
}

/// A response's status, where it redirects to, and its body.
pub(crate) async fn answer(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let to = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, to, r.text().await.unwrap())
}

/// The file a dry run's page sends back with its confirmation.
fn hidden_file(page: &str) -> String {
    page.split("name=\"again\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the preview offers to confirm")
        .to_owned()
}

/// The text between `<strong class="code" id="temporary-password">` and `</strong>`.
fn temporary_password(page: &str) -> String {
    let start = page
        .find("id=\"temporary-password\">")
        .map(|i| i + "id=\"temporary-password\">".len())
        .expect("the page shows a temporary password");
    page[start..].split('<').next().unwrap().to_owned()
}

async fn a_region_sets_up_a_room_and_its_convener(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.login("admin").await;
    let village = app.store.room(app.world.room_a).await.unwrap().region;
    let village = village.0.to_string();

    // A room, with a code already taken refused and nothing written.
    let (s, _, page) = form(
        &app,
        &admin,
        "/admin/rooms",
        &[
            ("region", &village),
            ("code", "room-a"),
            ("name", "重复的议事室"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(page.contains("room-a 已被使用"), "{page}");
    let (s, to, _) = form(
        &app,
        &admin,
        "/admin/rooms",
        &[
            ("region", &village),
            ("code", "sanli"),
            ("name", "三里组议事点"),
            ("place", "三里组文化广场"),
            ("allow_anonymous", "on"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let room_id = to.rsplit('/').next().unwrap().to_owned();
    let (s, page) = app.page(&admin, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("三里组议事点") && page.contains("/r/sanli/poster.pdf"));

    // Its point on the map: a latitude without a longitude is refused and
    // changes nothing; both are kept and shown again.
    let fields = |lat: &'static str, lng: &'static str| {
        [
            ("name", "三里组议事点"),
            ("place", "三里组文化广场"),
            ("lat", lat),
            ("lng", lng),
        ]
    };
    let (s, _, page) = form(&app, &admin, &to, &fields("33.7961", "")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请同时填写经度"), "{page}");
    let (s, _, page) = form(&app, &admin, &to, &fields("133.7961", "119.2613")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("坐标格式不正确"), "{page}");
    let room = domain::RoomId(room_id.parse().unwrap());
    assert_eq!(app.store.room(room).await.unwrap().point, None);
    let (s, _, _) = form(&app, &admin, &to, &fields("33.7961", "119.2613")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.room(room).await.unwrap().point,
        Some((33_796_100, 119_261_300))
    );
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("value=\"33.796100\"") && page.contains("value=\"119.261300\""),
        "{page}"
    );

    // A person, with a temporary password shown once.
    let (s, _, page) = form(
        &app,
        &admin,
        "/admin/people",
        &[
            ("username", "zhang-sanli"),
            ("name", "张三里"),
            ("title", "三里组组长"),
            ("phone", "13800001111"),
            ("region", &village),
            ("categories", "party_member"),
            ("categories", "resident_rep"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let temporary = temporary_password(&page);
    let person = app
        .store
        .admin_people(&[])
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.user.display_name == "张三里")
        .unwrap();
    assert_eq!(person.user.categories.len(), 2);
    assert!(person.user.must_change_password);
    let pid = person.user.id.0.to_string();
    let (s, to, _) = form(
        &app,
        &admin,
        &format!("/admin/rooms/{room_id}/conveners"),
        &[("person", &pid)],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (
            StatusCode::SEE_OTHER,
            format!("/admin/rooms/{room_id}").as_str()
        )
    );

    // The convener signs in and is sent to choose a password first.
    let convener = app.client();
    let (s, _, _) = form(
        &app,
        &convener,
        "/login",
        &[("username", "zhang-sanli"), ("password", &temporary)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = convener.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
    let (s, _) = app.get(&convener, "/api/desk").await;
    assert_eq!(s, StatusCode::CONFLICT, "the API says so too");
    let (s, _, page) = form(
        &app,
        &convener,
        "/account/password",
        &[
            ("current", &temporary),
            ("new", "12345678"),
            ("again", "12345678"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("太常见"), "{page}");
    let (s, to, _) = form(
        &app,
        &convener,
        "/account/password",
        &[
            ("current", &temporary),
            ("new", "sanli-2027ok"),
            ("again", "sanli-2027ok"),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/desk"));

    // Now a convener of the new room, and of it only.
    let (s, page) = app.page(&convener, "/desk/triage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("三里组议事点"), "{page}");
    assert!(!page.contains("城北社区议事室"));
    let (s, _) = app
        .post(
            &convener,
            "/api/rooms/room-b/meetings",
            json!({ "title": "越权的会议", "starts_at": "2030-03-01T09:00" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The administrator sees it all in the log, with who and what.
    let (s, page) = app.page(&admin, "/admin/audit").await;
    assert_eq!(s, StatusCode::OK);
    for seen in ["新增议事室", "新增人员", "授予角色", "修改密码", "登录"] {
        assert!(page.contains(seen), "{seen} in the log");
    }
    let (_, page) = app.page(&admin, "/admin/audit?verify=1").await;
    assert!(page.contains("日志链完好"), "{page}");
    let (_, page) = app.page(&admin, "/admin/audit?what=room_created").await;
    assert!(page.contains("room:sanli") && !page.contains("<td>新增人员</td>"));
}
both!(a_region_sets_up_a_room_and_its_convener);

async fn administrators_stay_in_their_region(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.login("admin").await;
    // Room B and its convener lie in subdistrict B: not this administrator's.
    for path in [
        format!("/admin/rooms/{}", app.world.room_b.0),
        format!("/admin/people/{}", app.world.user("convener-b").0),
        format!("/admin/people/{}", app.world.user("leader-county").0),
    ] {
        let (s, _) = app.page(&admin, &path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    let (s, _, _) = form(
        &app,
        &admin,
        &format!("/admin/people/{}/reset", app.world.user("convener-b").0),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, page) = form(
        &app,
        &admin,
        &format!("/admin/people/{}/grants", app.world.user("staff-a").0),
        &[
            ("role", "convener"),
            ("scope", &format!("room:{}", app.world.room_b.0)),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{page}");
    let (_, page) = app.page(&admin, "/admin/people").await;
    assert!(page.contains("convener-a") && !page.contains("convener-b"));

    // A role with the wrong kind of place is explained, not refused blankly.
    let (s, _, page) = form(
        &app,
        &admin,
        &format!("/admin/people/{}/grants", app.world.user("staff-a").0),
        &[
            ("role", "convener"),
            ("scope", &format!("department:{}", app.world.dept_a.0)),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("召集人的范围应选择议事室"), "{page}");

    // Disabling signs the person out at once and keeps them out.
    let convener = app.login("convener-a").await;
    let (s, _) = app.get(&convener, "/api/session").await;
    assert_eq!(s, StatusCode::OK);
    let id = app.world.user("convener-a").0;
    let (s, _, _) = form(
        &app,
        &admin,
        &format!("/admin/people/{id}/disable"),
        &[("disabled", "on")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = app.get(&convener, "/api/session").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let again = app.client();
    let (s, _, page) = form(
        &app,
        &again,
        "/login",
        &[
            ("username", "convener-a"),
            ("password", store::testing::WORLD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(page.contains("账号已停用"));
    let (_, page) = app.page(&admin, "/admin/audit?what=sign_in_failed").await;
    assert!(page.contains("账号已停用"), "the refusal is in the log");
    // A retired room takes no topics; its page says so.
    let (s, _, _) = form(
        &app,
        &admin,
        &format!("/admin/rooms/{}/retire", app.world.room_a.0),
        &[("retired", "on")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = app.page(&app.client(), "/r/room-a").await;
    assert!(page.contains("本议事室已停用"));
    let (s, _) = app
        .post(
            &app.phone().await,
            "/api/rooms/room-a/topics",
            json!({ "title": "停用后提交", "body": "不应受理" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both!(administrators_stay_in_their_region);

/// The export comes back unchanged through the import; a CSV of new people
/// is previewed, refused whole while a row is wrong, then written once.
async fn export_and_import_through_the_console(backend: Backend) {
    use crate::helpers::Multipart;
    let app = TestApp::start(backend).await;
    let admin = app.login("admin").await;
    // Exported, imported as it is: nothing new, no error. People made
    // before they had a home region get the place of their first role as
    // one; after that the round trip changes nothing.
    for round in 0..2 {
        let r = admin
            .get(app.url("/admin/export.xlsx"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let book = r.bytes().await.unwrap();
        assert!(book.starts_with(b"PK"));
        let r = Multipart::new()
            .file("file", "directory.xlsx", "application/octet-stream", &book)
            .send(&admin, app.url("/admin/import"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("convener-a") && page.contains("不变"),
            "{page}"
        );
        assert!(
            !page.contains("<td>新增</td>"),
            "nothing new in one's own export"
        );
        if round == 1 {
            assert!(!page.contains("修改："), "{page}");
            break;
        }
        let again = hidden_file(&page);
        let r = Multipart::new()
            .text("again", &again)
            .text("confirm", "1")
            .send(&admin, app.url("/admin/import"))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }

    let village = app.store.room(app.world.room_a).await.unwrap();
    let village = app.store.region(village.region).await.unwrap().name;
    let csv = format!(
        "登录名,姓名,职务,手机号,所属地区,人员类别,角色\n\
         sun-cw,孙村委,村委委员,13800004444,{village},\"党员、村民代表\",召集人:room-a\n\
         li-wrong,李,,12345,{village},,\n"
    );
    let r = Multipart::new()
        .file("file", "people.csv", "text/csv", csv.as_bytes())
        .send(&admin, app.url("/admin/import"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("「人员」第3行「姓名」") && page.contains("「人员」第3行「手机号」"),
        "{page}"
    );
    assert!(!page.contains("确认导入"));
    let csv = csv.lines().take(2).collect::<Vec<_>>().join("\n");
    let r = Multipart::new()
        .file("file", "people.csv", "text/csv", csv.as_bytes())
        .send(&admin, app.url("/admin/import"))
        .await;
    let page = r.text().await.unwrap();
    assert!(page.contains("确认导入") && page.contains("新增"), "{page}");
    assert!(
        app.store
            .user_by_username("sun-cw")
            .await
            .unwrap()
            .is_none(),
        "a preview writes nothing"
    );
    let again = hidden_file(&page);
    let r = Multipart::new()
        .text("again", &again)
        .text("confirm", "1")
        .send(&admin, app.url("/admin/import"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("已导入") && page.contains("sun-cw"), "{page}");
    let sun = app.store.user_by_username("sun-cw").await.unwrap().unwrap();
    assert!(
        app.store
            .actor(sun.id)
            .await
            .unwrap()
            .is_convener_of(app.world.room_a)
    );
    // The temporary password shown signs in (and must be changed).
    let password = page
        .split("<td class=\"code\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap();
    let c = app.client();
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "sun-cw"), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/account/password");
}
both!(export_and_import_through_the_console);

/// Someone signed in on two devices sees both, from where, and signs the
/// other out from this one.
async fn one_signs_out_ones_other_devices(backend: Backend) {
    let app = TestApp::start(backend).await;
    let here = app.login("leader-a").await;
    let there = app.login("leader-a").await;
    let (s, page) = app.page(&here, "/account/sessions").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page.matches("127.0.0.1").count(), 2, "{page}");
    assert!(page.contains("（本设备）"));
    let (s, _, page) = form(&app, &here, "/account/sessions/others", &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("已退出其他 1 处登录"), "{page}");
    let (s, _) = app.get(&there, "/api/session").await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the other device is signed out"
    );
    let (s, _) = app.get(&here, "/api/session").await;
    assert_eq!(s, StatusCode::OK, "this one is not");
}
both!(one_signs_out_ones_other_devices);

/// A new year's holiday notice entered in the console by an administrator
/// of the top region; a subdistrict's administrator only reads it.
async fn a_new_years_holidays_are_entered(backend: Backend) {
    let app = TestApp::start(backend).await;
    let province = app.store.region_chain(app.world.county).await.unwrap()[0]
        .path
        .clone();
    let top = app.world.user("leader-county");
    let g =
        domain::Grant::new(domain::Role::Administrator, domain::Scope::Region(province)).unwrap();
    app.store.grant(top, &g).await.unwrap();
    let top = app.login("leader-county").await;
    let (s, page) = app.page(&top, "/admin/calendar").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("2026 年") && page.contains("录入一年的安排"));
    let (s, _, page) = form(
        &app,
        &top,
        "/admin/calendar",
        &[
            ("year", "2027"),
            ("source", "国务院办公厅关于2027年部分节假日安排的通知"),
            ("days", "2027-01-01,off,元旦\n2027-13-40,off,坏日子"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("无法识别") || page.contains("2027-13-40"),
        "{page}"
    );
    let (s, _, _) = form(
        &app,
        &top,
        "/admin/calendar",
        &[
            ("year", "2027"),
            ("source", "国务院办公厅关于2027年部分节假日安排的通知"),
            ("days", "2027-01-01,off,元旦\n2027-02-06,work,春节"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let calendar = app.store.calendar().await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2027, 2, 6).unwrap();
    assert!(
        calendar.is_working_day(day).unwrap(),
        "a 调休 Saturday is worked"
    );
    let admin = app.login("admin").await;
    let (_, page) = app.page(&admin, "/admin/calendar").await;
    assert!(page.contains("2027 年") && !page.contains("录入一年的安排"));
    let (_, page) = app.page(&top, "/admin/audit?what=setting_changed").await;
    assert!(page.contains("calendar:2027"), "{page}");
}
both!(a_new_years_holidays_are_entered);
