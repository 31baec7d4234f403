//! A region's 工作情况报告 (DOCX, PDF with charts), its 工作台账 (XLSX read
//! back by openpyxl and opened by LibreOffice) and its open data (CSV and
//! JSON with a data dictionary), all from the same small chain.
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::TestApp;
use crate::research::{rand_suffix, read_back};

/// Runs a Python snippet over a downloaded file; its printed output.
pub(crate) fn python(code: &str, bytes: &[u8], ext: &str) -> String {
    let path = std::env::temp_dir().join(format!(
        "shangliang-{}-{}.{ext}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(code)
        .arg(&path)
        .output()
        .expect("python3 runs");
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The file LibreOffice makes of an XLSX when it opens it and saves the
/// first sheet as CSV.
fn libreoffice_csv(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!(
        "shangliang-lo-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ledger.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
        ])
        .arg("--outdir")
        .arg(&dir)
        .arg(&path)
        .output()
        .expect("LibreOffice (libreoffice-calc-nogui) opens the XLSX");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("ledger.csv")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice wrote no CSV ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    std::fs::remove_dir_all(&dir).ok();
    csv
}

async fn download(c: &reqwest::Client, url: String) -> (StatusCode, String, Vec<u8>) {
    let r = c.get(url).send().await.unwrap();
    let s = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (s, kind, r.bytes().await.unwrap().to_vec())
}

async fn reports_ledger_and_open_data(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = &app.world;
    let a = w.subdistrict_a.0;
    let public = app.client();
    let resident = app.phone().await;
    let road = app.submit(&resident, "陈师村三组农路改造").await;
    let parking = app.submit(&resident, "小区停车秩序整治").await;
    let cover = app.submit(&resident, "破损井盖修缮").await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{road}/actions/accept"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let reason = json!({ "reason": "属于物业管理范围，已告知业主委员会。" });
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{parking}/actions/reject"),
            reason,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.resolve_by_referral(&cover).await;
    let (s, v) = app
        .post(
            &resident,
            &format!("/api/topics/{cover}/rating"),
            json!({ "satisfaction": "satisfied", "comment": "修得及时" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.like(&app.phone().await, &cover).await.1["count"], 1);
    let dept = app.store.department(w.dept_a).await.unwrap().name;
    let room = app.store.room_by_code("room-a").await.unwrap().name;

    // The summary names the resolved topic after the numbers.
    let (_, page) = app.page(&public, &format!("/figures/{a}")).await;
    assert!(
        page.contains("群众点赞1次。其中，“破损井盖修缮”等群众关心的问题经协商得到解决。"),
        "{page}"
    );
    assert!(
        page.contains(&format!("/figures/{a}/report.pdf?period=")),
        "{page}"
    );
    assert!(
        !page.contains("ledger.xlsx"),
        "the 台账 is for staff: {page}"
    );

    // The report, as PDF and DOCX, read back by real readers.
    let (s, kind, pdf) = download(&public, app.url(&format!("/figures/{a}/report.pdf"))).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let text = read_back(&pdf, "pdf").replace([' ', '\n'], "");
    for e in [
        "“有事好商量”协商议事工作情况报告",
        "一、总体情况",
        "共收到议题3个",
        "图1协商议事全链条",
        "图2各月收到议题",
        "图3议题类别",
        "破损井盖修缮",
        "部门办理情况",
        &dept,
        "统计口径",
    ] {
        assert!(text.contains(e), "{e}: {text}");
    }
    let (s, _, docx) = download(&public, app.url(&format!("/figures/{a}/report.docx"))).await;
    assert_eq!(s, StatusCode::OK);
    let text = read_back(&docx, "docx");
    for e in [
        "二、主要指标",
        "共收到议题3个",
        "议题总数",
        "按期办结率",
        "破损井盖修缮",
    ] {
        assert!(text.contains(e), "{e}: {text}");
    }
    let pictures = python(
        "import sys, docx\nprint(len(docx.Document(sys.argv[1]).inline_shapes))",
        &docx,
        "docx",
    );
    assert_eq!(
        pictures.trim(),
        "3",
        "the three charts are pictures in the DOCX"
    );

    // The 工作台账: staff only; a 汇总 sheet, then one sheet per room.
    let (s, _, _) = download(&public, app.url(&format!("/figures/{a}/ledger.xlsx"))).await;
    assert!(s.is_redirection() || s == StatusCode::UNAUTHORIZED, "{s}");
    let (_, page) = app.page(&convener, &format!("/figures/{a}")).await;
    assert!(page.contains("ledger.xlsx"), "{page}");
    let (s, _, book) = download(&convener, app.url(&format!("/figures/{a}/ledger.xlsx"))).await;
    assert_eq!(s, StatusCode::OK);
    let sheets = python(
        "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n\
         print(wb.sheetnames)\n\
         for ws in wb.worksheets:\n\
         \x20   print('#', ws.title, ws.freeze_panes, ws.auto_filter.ref)\n\
         \x20   for row in ws.iter_rows(values_only=True): print('|'.join('' if c is None else str(c) for c in row))\n\
         print(type(wb.worksheets[1]['G2'].value).__name__)",
        &book,
        "xlsx",
    );
    assert!(
        sheets.starts_with(&format!("['汇总', '{room}']")),
        "{sheets}"
    );
    for e in [
        "# 汇总 A2 A1:I2".to_owned(),
        format!("{room}|3|1|0|1|1|0|1|1"),
        format!("# {room} A2 A1:T4"),
        "查询码|议题|类别|地点|来源|状态|提出日期|受理日期|调研次数".to_owned(),
        format!("{cover}|破损井盖修缮|交通出行|陈师村三组|群众出题|已评价|"),
        format!("|{dept}|2030-01-01 00:00:00|按期办结|"),
        "|满意|1".to_owned(),
        format!("{parking}|小区停车秩序整治|交通出行|陈师村三组|群众出题|不予立项|"),
        "datetime".to_owned(),
    ] {
        assert!(sheets.contains(&e), "{e}: {sheets}");
    }
    let csv = libreoffice_csv(&book);
    assert!(
        csv.contains("议事室,议题,受理立项") && csv.contains(&format!("{room},3,1,0,1,1,0,1,1")),
        "LibreOffice reads the 汇总 sheet: {csv}"
    );

    // Open data: JSON and CSV, without the resident's name or phone.
    let (s, kind, body) = download(
        &public,
        app.url(&format!("/api/regions/{a}/open-data/topics")),
    )
    .await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "application/json"));
    let topics: Value = serde_json::from_slice(&body).unwrap();
    let topics = topics.as_array().unwrap();
    assert_eq!(topics.len(), 3);
    let row = topics.iter().find(|t| t["tracking_no"] == cover).unwrap();
    assert_eq!(row["state"], "evaluated");
    assert_eq!(row["triage"], "referred");
    assert_eq!(row["tasks"], 1);
    assert_eq!(row["rating"], "satisfied");
    assert_eq!(row["like_count"], 1);
    assert!(
        row["raised_at"].as_str().unwrap().ends_with("+08:00"),
        "{row}"
    );
    for key in ["submitter_name", "submitter_phone", "body"] {
        assert!(row.get(key).is_none(), "{key} in {row}");
    }
    let (s, kind, body) = download(
        &public,
        app.url(&format!("/api/regions/{a}/open-data/tasks?format=csv")),
    )
    .await;
    assert_eq!(
        (s, kind.as_str()),
        (StatusCode::OK, "text/csv; charset=utf-8")
    );
    let csv = String::from_utf8(body).unwrap();
    assert!(
        csv.starts_with('\u{feff}'),
        "Excel needs the byte-order mark"
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "id,tracking_no,department,title,state,state_label,dispatched_at,due_date,done_on,punctuality,punctuality_label"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains(&format!(",{cover},{dept},"))
            && lines[1].ends_with(",done_on_time,按期办结"),
        "{csv}"
    );
    for dataset in ["meetings", "opinions"] {
        let (s, _, body) = download(
            &public,
            app.url(&format!("/api/regions/{a}/open-data/{dataset}?period=2026")),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), json!([]));
    }
    // Another subdistrict's data is not this one's.
    let b = w.subdistrict_b.0;
    let (_, b_topics) = app
        .get(&public, &format!("/api/regions/{b}/open-data/topics"))
        .await;
    assert_eq!(b_topics, json!([]));

    // The data dictionary describes every column the files have.
    let (s, dict) = app.get(&public, "/api/open-data").await;
    assert_eq!(s, StatusCode::OK);
    let datasets = dict["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 4);
    let tasks = datasets.iter().find(|d| d["name"] == "tasks").unwrap();
    let names: Vec<&str> = tasks["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.join(","), lines[0]);
    for d in datasets {
        for f in d["fields"].as_array().unwrap() {
            assert!(!f["description"].as_str().unwrap().is_empty(), "{f}");
        }
    }
    let done_on = tasks["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "done_on")
        .unwrap();
    assert_eq!(
        (done_on["type"].as_str(), done_on["nullable"].as_bool()),
        (Some("string"), Some(true))
    );

    // Bad asks are explained and change nothing.
    for (q, status) in [
        ("format=xml", StatusCode::BAD_REQUEST),
        ("period=2026-13", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (s, v) = app
            .get(&public, &format!("/api/regions/{a}/open-data/topics?{q}"))
            .await;
        assert!(s == status || s.is_client_error(), "{q}: {s} {v}");
        assert!(v["detail"].is_string(), "{q}: {v}");
    }
    let (s, _) = app
        .get(&public, "/api/regions/999999/open-data/topics")
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, page) = app
        .page(&public, &format!("/figures/{a}/report.pdf?period=明年"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("统计期"), "{page}");
}
both!(reports_ledger_and_open_data);
