//! The README's "run it for real" walk, done by the binary: an empty
//! database, `admin bootstrap`, the administrator's first room and its
//! poster through the console, then the `admin` and `audit` commands.
use std::process::Output;

use reqwest::StatusCode;
use store::both_backends as both;
use store::testing::{Backend, fresh_database};

use crate::server::{Server, cli, ok, pg_lock};

fn shangliang(url: &str, args: &[&str], password: Option<&str>) -> Output {
    match password {
        Some(p) => cli(url, args, &[("SHANGLIANG_PASSWORD", p.as_ref())]),
        None => cli(url, args, &[]),
    }
}

async fn a_new_region_from_an_empty_database(backend: Backend) {
    let _one_at_a_time = pg_lock(backend).await;
    let url = fresh_database(backend).await;
    let bootstrap = [
        "admin",
        "bootstrap",
        "--region",
        "江苏省/淮安市/涟水县/陈师街道",
        "--username",
        "admin-chenshi",
        "--name",
        "王管理",
    ];
    // A weak password is refused, with the reason, and nothing is made.
    let weak = shangliang(&url, &bootstrap, Some("12345678"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("太常见"));
    let said = ok(&shangliang(&url, &bootstrap, Some("chenshi-2027")));
    assert!(
        said.contains("江苏省 · 淮安市 · 涟水县 · 陈师街道"),
        "{said}"
    );
    // Only once.
    assert!(
        !shangliang(&url, &bootstrap, Some("chenshi-2027"))
            .status
            .success()
    );

    let server = Server::start(&url).await;
    let admin = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = admin
        .post(format!("{}/login", server.base))
        .form(&[("username", "admin-chenshi"), ("password", "chenshi-2027")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin
        .get(format!("{}/admin", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("陈师街道") && page.contains("新增地区"),
        "{page}"
    );
    let town = store::Store::connect(&url)
        .await
        .unwrap()
        .regions()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "陈师街道")
        .unwrap()
        .id
        .0
        .to_string();
    let r = admin
        .post(format!("{}/admin/regions", server.base))
        .form(&[("parent", town.as_str()), ("name", "陈师社区")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let community = r.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let r = admin
        .post(format!("{}/admin/rooms", server.base))
        .form(&[
            ("region", community.as_str()),
            ("code", "chenshi-sq"),
            ("name", "陈师社区议事室"),
            ("place", "陈师社区党群服务中心"),
            ("allow_anonymous", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let poster = admin
        .get(format!("{}/r/chenshi-sq/poster.pdf", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(poster.status(), StatusCode::OK);
    assert!(poster.bytes().await.unwrap().starts_with(b"%PDF"));
    drop(server);

    // The command line does what the console does.
    ok(&shangliang(
        &url,
        &[
            "admin",
            "create-user",
            "--username",
            "li-sq",
            "--name",
            "李召集",
        ],
        Some("lisq-2027ok"),
    ));
    ok(&shangliang(
        &url,
        &[
            "admin",
            "grant",
            "--username",
            "li-sq",
            "--role",
            "convener",
            "--room",
            "chenshi-sq",
        ],
        None,
    ));
    let users = ok(&shangliang(
        &url,
        &["admin", "users", "--region", "陈师街道"],
        None,
    ));
    assert!(
        users.contains("li-sq") && users.contains("convener@room:"),
        "{users}"
    );
    let reset = ok(&shangliang(
        &url,
        &["admin", "reset-password", "--username", "li-sq"],
        None,
    ));
    assert!(reset.contains("临时密码"), "{reset}");
    let cleared = ok(&shangliang(
        &url,
        &["admin", "reset-second-factor", "--username", "li-sq"],
        None,
    ));
    assert!(cleared.contains("动态验证码"), "{cleared}");
    ok(&shangliang(
        &url,
        &["admin", "disable", "--username", "li-sq"],
        None,
    ));
    let users = ok(&shangliang(&url, &["admin", "users"], None));
    assert!(
        users
            .lines()
            .any(|l| l.starts_with("li-sq") && l.contains("停用")),
        "{users}"
    );
    ok(&shangliang(
        &url,
        &["admin", "enable", "--username", "li-sq"],
        None,
    ));
    ok(&shangliang(
        &url,
        &[
            "admin",
            "revoke",
            "--username",
            "li-sq",
            "--role",
            "convener",
            "--room",
            "chenshi-sq",
        ],
        None,
    ));
    let users = ok(&shangliang(&url, &["admin", "users"], None));
    assert!(!users.contains("convener@room:"), "{users}");

    // The directory goes out as a workbook and comes back through a dry run.
    let book = std::env::temp_dir().join(format!("directory-{}.xlsx", std::process::id()));
    let book = book.to_str().unwrap();
    ok(&shangliang(
        &url,
        &["admin", "export", book, "--region", "陈师街道"],
        None,
    ));
    let preview = ok(&shangliang(
        &url,
        &["admin", "import", book, "--dry-run"],
        None,
    ));
    assert!(
        preview.contains("chenshi-sq") && preview.contains("预览完毕"),
        "{preview}"
    );
    std::fs::write(book, "登录名,姓名,所属地区\nbad name,王,陈师街道\n").unwrap();
    let refused = shangliang(&url, &["admin", "import", book], None);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("「人员」第2行「登录名」"));

    // Every step is in the chain, which verifies; a checkpoint it does not
    // match fails the check with a reason.
    let head = ok(&shangliang(&url, &["audit", "head"], None));
    let head = head.trim();
    let verified = ok(&shangliang(
        &url,
        &["audit", "verify", "--checkpoint", head],
        None,
    ));
    assert!(verified.contains("日志链完好"), "{verified}");
    let seq = head.split(':').next().unwrap();
    let wrong = format!("{seq}:{}", "0".repeat(64));
    let out = shangliang(&url, &["audit", "verify", "--checkpoint", &wrong], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("检查点不符"));
    let entries = store::Store::connect(&url)
        .await
        .unwrap()
        .audit_entries(&store::AuditFilter::default(), 100)
        .await
        .unwrap();
    let by_cli = entries.iter().filter(|e| e.actor_name == "命令行").count();
    let by_admin = entries.iter().filter(|e| e.actor_name == "王管理").count();
    assert!(by_cli >= 6 && by_admin >= 3, "{entries:?}");
}
both!(a_new_region_from_an_empty_database);
