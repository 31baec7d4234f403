//! `shangliang opinion analyze` on a real Pol.is export.
use std::process::Command;

fn analyze(args: &[&str]) -> std::process::Output {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../opinion/tests/data/polis/brexit-consensus"
    );
    Command::new(env!("CARGO_BIN_EXE_shangliang"))
        .args(["opinion", "analyze"])
        .args(args)
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn json_report_has_the_promised_shape() {
    let out = analyze(&["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let people = v["participants"].as_array().unwrap();
    assert!(people.len() > 100);
    assert!(
        people
            .iter()
            .all(|p| p["pid"].is_u64() && (p["group"].is_null() || p["group"].is_u64()))
    );
    let groups = v["groups"].as_array().unwrap();
    assert!((2..=5).contains(&groups.len()));
    for g in groups {
        assert!(g["members"].as_u64().unwrap() > 0);
        let rep = &g["repness"][0];
        assert!(rep["tid"].is_u64() && rep["agree"].is_boolean() && rep["pa"].is_f64());
    }
    assert!(v["consensus"]["agree"].is_array() && v["consensus"]["disagree"].is_array());
    // Brexit's groups share some ground: every such statement has a majority
    // in every group.
    let common = v["common_ground"]["agree"].as_array().unwrap();
    assert!(!common.is_empty());
    assert!(
        common
            .iter()
            .all(|s| s["min_share"].as_f64().unwrap() > 0.5)
    );
    // Bit-for-bit the same on a second run.
    assert_eq!(analyze(&["--json"]).stdout, out.stdout);
}

#[test]
fn table_is_readable() {
    let out = analyze(&[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("第 1 组") && text.contains("各组都赞同") && text.contains("多数人赞同"),
        "{text}"
    );
}
