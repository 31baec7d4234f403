//! Is ranking every topic of a subdistrict on each keystroke cheap?
//! Builds 5,000 synthetic topics and times `rank` of one query against all
//! of them (goal: under 5 ms in release). As a baseline measured in the same
//! run, a plain substring test of the query title against every title.
//!
//! `cargo run --release -p text --example rank_bench`

use std::hint::black_box;
use std::time::Instant;

use text::{DUPLICATE_THRESHOLD, Doc, rank};

const PLACES: &[&str] = &[
    "陈师社区",
    "府前社区",
    "东门社区",
    "安东社区",
    "城南社区",
    "朱码村",
    "新河村",
    "杨口村",
    "五港村",
    "三里村",
    "大庄村",
    "徐圩村",
    "府前路",
    "安东路",
    "红日大道",
    "涟城大道",
    "幸福里小区",
    "阳光花园",
    "东湖小区",
    "书香苑",
    "锦绣华庭",
    "金色家园",
    "陈师菜市场",
];
const PROBLEMS: &[(&str, &str)] = &[
    ("井盖破损", "井盖裂了，晚上走路容易踩空。"),
    ("路灯不亮", "路灯坏了好久，晚上黑漆漆的。"),
    ("停车乱", "车辆乱停乱放，出门都困难。"),
    ("垃圾清运不及时", "垃圾池满了好几天没人拉，味道很大。"),
    ("广场舞噪音扰民", "晚上音响开得很大，一直到十点多。"),
    ("加装电梯", "老楼没有电梯，老人爬楼太困难。"),
    ("排水管道堵塞", "下水道堵了，污水冒到路面上。"),
    ("占道经营", "摊贩把摊子摆到马路上，走不过去。"),
    ("楼道堆物", "楼道里堆满杂物，消防通道被堵。"),
    ("电动车飞线充电", "从楼上拉电线给电动车充电，有火灾隐患。"),
    ("河道漂浮垃圾", "河面上漂着塑料瓶和水草，没人打捞。"),
    ("快递柜不够用", "快递柜太少，包裹只能堆在门口。"),
];
const DETAILS: &[&str] = &[
    "希望尽快处理。",
    "已经反映过好几次了。",
    "老人孩子都不方便。",
    "请相关部门来看看。",
    "周边居民意见很大。",
    "下雨天更严重。",
];

/// A fixed pseudo-random sequence, so every run builds the same topics.
struct Lcg(u64);

impl Lcg {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let i = (self.0 >> 33) as usize % items.len();
        &items[i]
    }
}

fn main() {
    let n = 5_000;
    let mut rng = Lcg(2024);
    let topics: Vec<(String, String)> = (0..n)
        .map(|_| {
            let (place, (problem, body)) = (rng.pick(PLACES), rng.pick(PROBLEMS));
            (
                format!("{place}{problem}"),
                format!("{place}{body}{}", rng.pick(DETAILS)),
            )
        })
        .collect();

    let start = Instant::now();
    black_box(Doc::new("预热", ""));
    println!(
        "first Doc (loads jieba's and OpenCC's dictionaries): {:.0} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let start = Instant::now();
    let docs: Vec<(i64, Doc)> = topics
        .iter()
        .zip(1..)
        .map(|((t, b), id)| (id, Doc::new(t, b)))
        .collect();
    let build_ms = start.elapsed().as_secs_f64() * 1e3;
    println!(
        "built {n} docs in {build_ms:.0} ms ({:.1} µs each)",
        build_ms * 1e3 / n as f64
    );

    let query = Doc::new("府前路上的窨井盖坏了", "农商行门口井盖碎了");
    let runs = 200;
    let mut hits = Vec::new();
    let start = Instant::now();
    for _ in 0..runs {
        hits = rank(
            black_box(&query),
            docs.iter().map(|(id, d)| (*id, d)),
            DUPLICATE_THRESHOLD,
            10,
        );
    }
    let rank_ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs);
    let start = Instant::now();
    for _ in 0..runs {
        black_box(rank(
            black_box(&query),
            docs.iter().map(|(id, d)| (*id, d)),
            0.0,
            10,
        ));
    }
    let full_ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs);

    let needle = "井盖";
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..runs {
        found = topics
            .iter()
            .filter(|(t, _)| black_box(t).contains(needle))
            .count();
    }
    let scan_ms = start.elapsed().as_secs_f64() * 1e3 / f64::from(runs);

    println!(
        "rank against {n}: {rank_ms:.3} ms per query ({} hits ≥ {DUPLICATE_THRESHOLD})",
        hits.len()
    );
    println!("rank against {n} with min_score 0 (every pair scored): {full_ms:.3} ms");
    println!("baseline, substring test of {n} titles: {scan_ms:.3} ms ({found} found)");
    println!("rank / baseline: {:.1}×", rank_ms / scan_ms);
    for (id, score) in hits.iter().take(3) {
        println!("  {score:.3} {}", topics[(*id - 1) as usize].0);
    }
}
