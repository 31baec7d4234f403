"""The printed table of a benchmark run: every figure beside its same-run
baseline and its goal (see bench/README.md)."""
from __future__ import annotations

from harness import THREADS

GOALS = {
    "page_pct_hello": 25.0,     # pages: req/s >= 25 % of hello-world req/s
    "page_p99_x_hello": 3.0,    # pages: p99 <= 3 x hello-world p99
    "likes_pct_hello": 25.0,    # likes: acknowledged/s >= 25 % of hello-world req/s
    "burst_likes": 300_000,     # a burst of 300,000 likes ...
    "burst_seconds": 15.0,      # ... drains in <= 15 s
    "lost": 0,
    "doubled": 0,
    "first_visit_kb": 100,      # a phone's first visit to a room page transfers <= 100 KB
    "rss_mb": 150,              # resident set after the page mix <= 150 MB
    "ready_seconds": 1.0,       # /readyz answers <= 1 s after the process starts
    "search_p95_ms": 20.0,      # search answers within 20 ms at the 95th percentile ...
    "search_x_like": 50.0,      # ... and >= 50 x faster than a LIKE '%…%' scan
}

SUBMIT_CONNS = 8

# (key, label, paths file) of every page measured.
PAGES = [
    ("list", "GET /", "home"),
    ("api_list", "GET /api/topics?limit=50", "api"),
    ("detail", "GET /t/{no}", "detail"),
    ("hot", "GET /t/{no}, one hot topic", "hot"),
    ("room", "GET /r/{code}", "room"),
    ("lookup", "GET /lookup?no=…", "lookup"),
    ("meeting", "GET /m/{id}", "meeting"),
    ("vote", "GET /d/{id}", "vote"),
    ("results", "GET /d/{id}/results", "results"),
    ("campaign", "GET /campaigns/{id}", "campaign"),
    ("figures", "GET /figures/{county}", "figures"),
    ("search", "GET /api/search?q=…", "search"),
    ("portal", "GET /open/{region}", "portal"),
]


def fmt_n(x, nd=0) -> str:
    if x is None:
        return "—"
    return f"{x:,.{nd}f}"


def cpu(r: dict) -> str:
    c = r.get("cpu_cores")
    if not c:
        return ""
    pg = "-" if c["postgres"] is None else f"{c['postgres']:.1f}"
    return f"{c['app']:.1f}/{pg}/{c['wrk']:.1f}/{c['rest']:.1f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def costs(g: dict) -> list[tuple[str, tuple[float, float]]]:
    """CPU milliseconds one request costs the application and PostgreSQL,
    for each page and likes run of one node: the unit costs a deployment is
    sized from."""
    rows = [(r["label"], r, r["rps"]) for r in g["pages"].values()]
    rows += [(r["label"], r, r["acked_per_s"]) for r in g["likes"].values()]
    rows.append(("submissions", g["submissions"], g["submissions"]["acked_per_s"]))
    out = []
    for label, r, rate in rows:
        if rate:
            c = r["cpu_cores"]
            out.append((label, (1000 * c["app"] / rate, 1000 * (c["postgres"] or 0.0) / rate)))
    return out


def table(groups: list[dict], cfg) -> str:
    out = []
    w = 110
    out.append("=" * w)
    out.append(f"Shangliang benchmark — {cfg.mode} mode, {cfg.duration} s runs, wrk {THREADS} threads, "
               f"binary {cfg.profile}")
    out.append("Ratios are to baselines measured in the same run, before each group: "
               "hello = axum hello-world (64 conn), fsync = 4 KiB pwrite+fdatasync p50.")
    out.append("CPU app/pg/wrk/rest = cores used during the run by the server, PostgreSQL, wrk and everything "
               "else on the machine (2 cores in all).")
    for g in groups:
        out.append("=" * w)
        if "error" in g:
            out.append(f"{g['backend']} / {g['size']}: FAILED — {g['error']}")
            continue
        h, fs, d = g["hello"], g["fsync"], g["data"]
        out.append(f"{g['backend']} / {g['size']}  ({d['topics']:,} topics, {d['likes']:,} likes, "
                   f"{g['resolved_topics']:,} resolved topics liked)")
        out.append(f"  baselines: hello {fmt_n(h['rps'])} req/s, p99 {h['p99_ms']:.2f} ms (CPU app/-/wrk/rest "
                   f"{cpu(h)});  fdatasync p50 {fs['p50_ms']:.3f} ms;  load average {g.get('loadavg', '?')}")
        out.append(f"  {'measure':<27}{'rate/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'% hello':>9}{'p99×hello':>10}"
                   f"{'per fsync':>10}{'errors':>7}{'CPU app/pg/wrk/rest':>20}   goal")
        for key, label, _ in PAGES:
            r = g["pages"][key]
            pct = 100 * r["rps"] / h["rps"]
            px = r["p99_ms"] / h["p99_ms"] if h["p99_ms"] else float("inf")
            ok = pct >= GOALS["page_pct_hello"] and px <= GOALS["page_p99_x_hello"]
            out.append(f"  {label:<27}{fmt_n(r['rps']):>9}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{pct:>8.1f}%"
                       f"{px:>9.1f}×{'':>10}{r['non_2xx_or_errors']:>7}{cpu(r):>20}   ≥25%, ≤3× — {verdict(ok)}")
        f, t = g["pages"].get("figures"), g["pages"].get("detail")
        if f and t:
            ok = f["p50_ms"] <= t["p50_ms"]
            out.append(f"  {'a county 工作指标, p50':<27}{f['p50_ms']:>27.2f} ms against a topic page's "
                       f"{t['p50_ms']:.2f} ms   within one topic page's latency — {verdict(ok)}")
        s = g["pages"].get("search")
        if s:
            ok = s["p99_ms"] <= GOALS["search_p95_ms"]
            out.append(f"  {'search, p99 (goal is p95)':<27}{s['p99_ms']:>27.2f} ms   "
                       f"≤ {GOALS['search_p95_ms']} ms — {verdict(ok)}")
        sl = g.get("search_vs_like")
        if sl:
            times = [r["times"] for r in sl.values() if r["times"]]
            worst = min(times) if times else 0
            out.append(f"  {'search: index / LIKE scan':<27}" + ", ".join(
                f"{t} {r['index_ms']:.2f}/{r['like_ms']:.2f} ms" for t, r in sl.items()))
            out.append(f"  {'':<27}fewest times faster {worst}×   ≥{GOALS['search_x_like']}× — "
                       f"{verdict(worst >= GOALS['search_x_like'])}")
        tn = g.get("two_nodes")
        if tn:
            for key, r in tn["pages"].items():
                one = g["pages"][key]["rps"]
                out.append(f"  {r['label']:<27}{fmt_n(r['rps']):>9}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                           f"{100 * r['rps'] / h['rps']:>8.1f}%{'':>20}{r['non_2xx_or_errors']:>7}{cpu(r):>20}"
                           f"   {r['rps'] / one:.2f}× one node")
        for key in ("c8", "c64"):
            r = g["likes"][key]
            pct = 100 * r["acked_per_s"] / h["rps"]
            ok = pct >= GOALS["likes_pct_hello"]
            out.append(f"  {r['label'] + ' (acked)':<27}{fmt_n(r['acked_per_s']):>9}{r['p50_ms']:>9.2f}"
                       f"{r['p99_ms']:>9.2f}{pct:>8.1f}%{'':>10}{r['likes_per_fsync']:>10.1f}"
                       f"{r['failed'] + r['non_2xx_or_errors'] - r['errors']['status']:>7}{cpu(r):>20}"
                       f"   ≥25% — {verdict(ok)}")
        if tn:
            r, one = tn["likes"], g["likes"]["c64"]["acked_per_s"]
            out.append(f"  {r['label'] + ' (acked)':<27}{fmt_n(r['acked_per_s']):>9}{r['p50_ms']:>9.2f}"
                       f"{r['p99_ms']:>9.2f}{100 * r['acked_per_s'] / h['rps']:>8.1f}%{'':>10}"
                       f"{r['likes_per_fsync']:>10.1f}{r['failed']:>7}{cpu(r):>20}"
                       f"   {r['acked_per_s'] / one:.2f}× one node" if one else "")
        b = g["burst"]
        pct = 100 * b["acked_per_s"] / h["rps"]
        out.append(f"  {'burst ' + fmt_n(b['sent']) + ' likes':<27}{fmt_n(b['acked_per_s']):>9}{b['p50_ms']:>9.2f}"
                   f"{b['p99_ms']:>9.2f}{pct:>8.1f}%{'':>10}{b['likes_per_fsync']:>10.1f}{b['failed']:>7}{cpu(b):>20}")
        c = g["checks"]
        proj = b["projected_300k_seconds"] or float("inf")
        if b["finished"]:
            drain_txt = f"drained in {b['drain_seconds']:.1f} s" + (
                "" if b["sent"] == GOALS["burst_likes"] else f" (≈ {proj:.0f} s for 300,000 at this rate)")
        else:
            proj = max(proj, cfg.burst_cap)
            drain_txt = (f"NOT drained in {cfg.burst_cap} s: {b['answered']:,} of {b['sent']:,} answered "
                         f"(≈ {proj:.0f} s for 300,000 at this rate)")
        ok = proj <= GOALS["burst_seconds"] and c["burst"]["lost"] == 0 and c["doubled"] == 0
        out.append(f"    {drain_txt}; lost {c['burst']['lost']}, doubled {c['doubled']}, "
                   f"like_count ≠ likes on {c['like_count_mismatch']} topics   "
                   f"goal 300,000 in ≤15 s, 0 lost, 0 doubled — {verdict(ok)}")
        lost_runs = ", ".join(f"{k}: {v['acknowledged']:,} acked / {v['stored']:,} stored"
                              for k, v in c.items() if isinstance(v, dict) and k in ("c8", "c64"))
        out.append(f"    likes runs: {lost_runs} (stored may exceed acked by requests in flight when wrk stopped)")
        if "rss_mb" in g:
            ok = g["rss_mb"] <= GOALS["rss_mb"] and g["ready_seconds"] <= GOALS["ready_seconds"]
            out.append(f"  resident set after the page mix {g['rss_mb']:.0f} MB; /readyz {g['ready_seconds']:.2f} s "
                       f"after start   goal ≤{GOALS['rss_mb']} MB, ≤{GOALS['ready_seconds']:.0f} s — {verdict(ok)}")
        fv = g.get("first_visit")
        if fv:
            kb = fv["bytes"] / 1024
            out.append(f"  first visit to {fv['path']} from a phone: {kb:.1f} KB in {len(fv['files'])} files "
                       f"(page {fv['uncompressed_page'] / 1024:.1f} KB before compression)   "
                       f"goal ≤{GOALS['first_visit_kb']} KB — {verdict(kb <= GOALS['first_visit_kb'])}")
        s = g["submissions"]
        out.append(f"  {'submissions, ' + str(SUBMIT_CONNS) + ' conn':<27}{fmt_n(s['acked_per_s']):>9}{s['p50_ms']:>9.2f}"
                   f"{s['p99_ms']:>9.2f}{100 * s['acked_per_s'] / h['rps']:>8.1f}%{'':>10}"
                   f"{s['per_fsync']:>10.2f}{s['failed']:>7}{cpu(s):>20}   "
                   f"(acked {s['created']:,}, stored {s['stored']:,}, lost {s['lost']})")
        if g["backend"] == "postgres":
            out.append("  CPU per request, ms (app / PostgreSQL), one node: " + "; ".join(
                f"{label} {c[0]:.2f} / {c[1]:.2f}" for label, c in costs(g)))
        sl = g["server_log"]
        out.append(f"  server log: {sl['warnings']} warnings, {sl['errors']} errors, {sl['status_5xx']} 5xx responses")
        for line in sl["samples"][:3]:
            out.append(f"    | {line[:240]}")
    out.append("=" * w)
    return "\n".join(out)


