#!/usr/bin/env python3
"""The engine behind bench/run: baselines, data, load, checks, table, JSON.

Every figure is reported beside a baseline measured in the same run: an
axum hello-world for request rates and latency, a 4 KiB write + fdatasync
probe for durable writes. Goals are printed beside the figures, never
asserted.

Progress goes to stderr, the table to stdout, everything to
bench/results/<timestamp>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import json
import math
import os
import platform
import queue
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import bulk
import nodes
from report import GOALS, PAGES, SUBMIT_CONNS, costs, table
from harness import (  # noqa: F401 (re-exported for the run)
    HERE, LUA, PAGE_CONNS, THREADS, log, free_port, clean_env, wait_http, stop, proc_cpu,
    postgres_cpu, postgres_cpu_since, host_busy, children_cpu, measured, Server, wrk_cmd,
    parse_report, wrk_env, wrk, wrk_until_done, hello_baseline, fsync_around, fsync_probe,
)


MODES = {
    "full": dict(duration=10, warmup=2, burst=300_000, burst_cap=180, fsync_n=200,
                 sizes=["demo", "large", "city"], backends=["sqlite", "postgres"]),
    "short": dict(duration=2, warmup=1, burst=10_000, burst_cap=15, fsync_n=50,
                  sizes=["demo"], backends=["sqlite", "postgres"]),
}
LARGE_TOPICS = 100_000
LARGE_LIKES = 1_000_000
# A city's year and more: the size the memory and start-up goals are set at.
CITY_TOPICS = 1_000_000
CITY_LIKES = 10_000_000


# ---------------------------------------------------------------- databases


class Db:
    def __init__(self, backend: str, url: str, sqlite_path: Path | None = None):
        self.backend, self.url, self.sqlite_path = backend, url, sqlite_path

    def rows(self, sql: str) -> list[list[str]]:
        if self.backend == "sqlite":
            con = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30)
            try:
                return [[("" if v is None else str(v)) for v in r] for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        return [r for r in (line.split("\t") for line in bulk.psql(self.url, sql).splitlines()) if r != [""]]

    def scalar(self, sql: str) -> int:
        return int(self.rows(sql)[0][0])


def pg_admin(base: str, sql: str) -> None:
    bulk.psql(base.rstrip("/") + "/postgres", sql)


def run_cli(binary: str, args: list[str], cwd: Path, logfile: Path, timeout: int = 600) -> None:
    with open(logfile, "ab") as f:
        out = subprocess.run([binary, *args], stdout=f, stderr=subprocess.STDOUT, cwd=cwd,
                             env=clean_env(), timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed; see {logfile}")


def prepare(backend: str, size: str, cfg, data: Path, logs: Path) -> tuple[Db, dict]:
    """A fresh database with the demo subdistrict (and for "large" and "city" the bulk rows)."""
    t0 = time.monotonic()
    if backend == "sqlite":
        path = data / f"{size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        db = Db("sqlite", f"sqlite://{path}", path)
    else:
        name = f"shangliang_bench_{size}"
        pg_admin(cfg.postgres, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        pg_admin(cfg.postgres, f"CREATE DATABASE {name}")
        db = Db("postgres", f"{cfg.postgres.rstrip('/')}/{name}")
    logfile = logs / f"{backend}-{size}-prepare.log"
    logfile.unlink(missing_ok=True)
    run_cli(cfg.bin, ["--database-url", db.url, "demo"], data, logfile)
    info = {"demo_seconds": round(time.monotonic() - t0, 1)}
    log(f"  demo loaded in {info['demo_seconds']} s")
    if size in ("large", "city"):
        topics, likes = (cfg.large_topics, cfg.large_likes) if size == "large" else (CITY_TOPICS, CITY_LIKES)
        if backend == "sqlite":
            info["bulk"] = bulk.bulk_sqlite(str(db.sqlite_path), topics, likes, log=log)
        else:
            info["bulk"] = bulk.bulk_pg(db.url, topics, likes, log=log)
        t1 = time.monotonic()
        run_cli(cfg.bin, ["--database-url", db.url, "migrate"], data, logfile)
        info["figures_seconds"] = round(time.monotonic() - t1, 1)
        log(f"  figures counted and texts indexed for search in {info['figures_seconds']} s")
    info["topics"] = db.scalar("SELECT COUNT(*) FROM topics")
    info["likes"] = db.scalar("SELECT COUNT(*) FROM likes")
    info["seconds"] = round(time.monotonic() - t0, 1)
    return db, info


def device_signer(db: Db, url: str):
    """Signs as the server does (HMAC-SHA256 with the key it keeps in
    `settings`): device cookies, so simulated phones are ones it vouches
    for, and like tokens, as a topic's page hands them out."""
    urllib.request.urlopen(url + "/", timeout=30).read()  # the key is made on first use
    secret = db.rows("SELECT value FROM settings WHERE key = 'device_cookie'")[0][0].encode()

    def sig(message: str) -> str:
        return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:32]

    def sign(token: str) -> str:
        return f"{token}.{sig(token)}"

    def like_token(liker: str, no: str, expires: int) -> str:
        return f"{expires}.{sig(f'like|{liker}|{no}|{expires}')}"

    sign.like_token = like_token
    return sign


def device_file(sign, salt: str, per_thread: int, tmp: Path, topics: Path) -> Path:
    """Likes for likes.lua: thread t's n-th like (from 1) is line t*per_thread+n,
    "cookie topic token": a phone, the resolved topic it likes, and the like
    token that topic's page would have handed it (good for two hours)."""
    nos = topics.read_text().split()
    expires = int(time.time()) + 7200
    p = tmp / f"devices-{salt}.txt"
    with p.open("w") as f:
        for tid in range(THREADS):
            for n in range(1, per_thread + 1):
                token = f"{salt}{tid:04x}{n:020d}"
                no = nos[(n * 7919 + tid * 104729) % len(nos)]
                f.write(f"{sign(token)} {no} {sign.like_token('d:' + token, no, expires)}\n")
    return p


# Words looked for by the search benchmark: common ones of the bulk topics'
# problems and places, and one no topic has (the LIKE scan's worst case).
SEARCH_TERMS = ["路灯", "井盖", "秸秆", "快递", "敬老院", "地铁"]


def search_vs_like(db: Db, base: str, runs: int = 5) -> dict:
    """Each search term's newest 20 hits, through the index (with the terms
    the server makes of it, from /api/search) and by a LIKE '%…%' scan of
    titles and bodies, timed inside the database: the median of `runs`, in
    milliseconds."""
    def timed(sql: str) -> float:
        times = []
        if db.backend == "sqlite":
            con = sqlite3.connect(f"file:{db.sqlite_path}?mode=ro", uri=True, timeout=30)
            try:
                for _ in range(runs):
                    t0 = time.perf_counter()
                    con.execute(sql).fetchall()
                    times.append((time.perf_counter() - t0) * 1000)
            finally:
                con.close()
        else:
            for _ in range(runs):
                out = bulk.psql(db.url, "EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                times.append(json.loads(out)[0]["Execution Time"])
        return statistics.median(times)

    out = {}
    for term in SEARCH_TERMS:
        url = f"{base}/api/search?limit=1&q={urllib.parse.quote(term)}"
        terms = json.load(urllib.request.urlopen(url, timeout=30))["terms"]
        if db.backend == "sqlite":
            match = " ".join(f'"{t}"' for t in terms)
            index = ("SELECT e.id FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
                     f"WHERE search_fts MATCH '{match}' ORDER BY search_fts.rowid DESC LIMIT 20")
        else:
            # As the store does: the newest 10,000 entries walked, then, if
            # they hold fewer than 20 hits, the older matches from the GIN index.
            query = " & ".join(f"''{t}''" for t in terms)
            floor = db.scalar("SELECT COALESCE(MAX(id), 0) FROM search_entries") - 10_000
            newest = (f"SELECT e.id FROM search_entries e WHERE e.lexemes @@ '{query}'::tsquery "
                      f"AND e.id > {floor} ORDER BY e.id DESC LIMIT 20")
            older = (f"WITH matched AS MATERIALIZED (SELECT id FROM search_entries WHERE lexemes "
                     f"@@ '{query}'::tsquery AND id <= {floor}) SELECT e.id FROM matched JOIN "
                     "search_entries e ON e.id = matched.id ORDER BY e.id DESC LIMIT 20")
            index = [newest] + ([older] if floor > 0 and len(db.rows(newest)) < 20 else [])
        like = (f"SELECT id FROM topics WHERE title LIKE '%{term}%' OR body LIKE '%{term}%' "
                "ORDER BY id DESC LIMIT 20")
        i = sum(timed(q) for q in (index if isinstance(index, list) else [index]))
        l = timed(like)
        out[term] = {"index_ms": round(i, 3), "like_ms": round(l, 3), "times": round(l / i, 1) if i else None}
    return out


def path_files(db: Db, tmp: Path) -> dict:
    order = "RANDOM()"
    files = {}

    def write(name, lines):
        p = tmp / f"{name}.paths"
        p.write_text("\n".join(lines) + "\n")
        files[name] = p

    write("home", ["/"])
    write("api", ["/api/topics?limit=50"])
    write("detail", [f"/t/{r[0]}" for r in db.rows(f"SELECT tracking_no FROM topics ORDER BY {order} LIMIT 2000")])
    write("hot", [f"/t/{r[0]}" for r in db.rows("SELECT tracking_no FROM topics ORDER BY like_count DESC LIMIT 1")])
    write("room", [f"/r/{r[0]}" for r in db.rows("SELECT code FROM rooms ORDER BY id")])
    write("lookup", [f"/lookup?no={r[0]}" for r in db.rows(f"SELECT tracking_no FROM topics ORDER BY {order} LIMIT 2000")])
    write("meeting", [f"/m/{r[0]}" for r in db.rows("SELECT id FROM meetings ORDER BY id")] or ["/m/1"])
    write("vote", [f"/d/{r[0]}" for r in db.rows("SELECT id FROM deliberations ORDER BY id")] or ["/d/1"])
    write("search", [f"/api/search?q={urllib.parse.quote(t)}" for t in SEARCH_TERMS])
    # 议事公开: each subdistrict's first page, all of it and its resolved
    # topics, and a county's (each with its map of marked topics).
    write("portal", [f"/open/{r[0]}{q}" for r in db.rows(
        "SELECT id FROM regions WHERE level IN ('county', 'township') ORDER BY id")
        for q in ("", "?state=completed")] or ["/open/1"])
    # A county's 工作指标 (the demo's 涟水县, over every topic of the bench).
    write("figures", [f"/figures/{r[0]}" for r in db.rows("SELECT id FROM regions WHERE level = 'county' ORDER BY id")]
          or ["/figures/1"])
    write("campaign", [f"/campaigns/{r[0]}" for r in db.rows("SELECT id FROM campaigns ORDER BY id")]
          or ["/campaigns/1"])
    # Opinion maps as a phone that did not vote reads them (the demo saves each one).
    write("results", [f"/d/{r[0]}/results" for r in db.rows(
        "SELECT deliberation_id FROM deliberation_results ORDER BY deliberation_id")] or ["/d/1/results"])
    write("warmup", ["/", "/api/topics?limit=50"] + [f"/r/{r[0]}" for r in db.rows("SELECT code FROM rooms")]
          + [f"/t/{r[0]}" for r in db.rows(f"SELECT tracking_no FROM topics ORDER BY {order} LIMIT 200")])
    write("resolved", [r[0] for r in db.rows(
        f"SELECT tracking_no FROM topics WHERE state IN ('completed', 'evaluated') ORDER BY {order} LIMIT 50000")])
    write("anon_rooms", [r[0] for r in db.rows(
        "SELECT code FROM rooms WHERE allow_anonymous = " + ("1" if db.backend == "sqlite" else "true"))])
    return files


# WeChat's browser on an Android phone, as the browser tests use it.
PHONE_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 10; M2006C3LC) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 MicroMessenger/8.0.47",
    "Accept-Encoding": "gzip, deflate, br",
}


def first_visit(base: str, path: str) -> dict:
    """What a phone's first visit to a page transfers: the page and every
    stylesheet and script it links, as sent (compressed where the server
    compresses; headers not counted)."""
    def fetch(p: str, headers: dict) -> bytes:
        with urllib.request.urlopen(urllib.request.Request(base + p, headers=headers), timeout=10) as r:
            return r.read()
    html = fetch(path, {"User-Agent": PHONE_HEADERS["User-Agent"]}).decode("utf-8", "replace")
    linked = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html)))
    sizes = {p: len(fetch(p, PHONE_HEADERS)) for p in [path] + linked}
    return {"path": path, "bytes": sum(sizes.values()), "uncompressed_page": len(html.encode()), "files": sizes}


def scan_log(path: Path) -> dict:
    """Warnings, errors and 5xx answers the server logged; warnings and errors
    grouped by message (timestamps, request spans and numbers taken out)."""
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    span = re.compile(r"^\S+\s+(WARN|ERROR)\s+(?:\w+\{[^}]*\}:\s*)*")
    numbers = re.compile(r"\d+(\.\d+)?")
    warn = err = s5xx = 0
    kinds: dict[str, int] = {}
    if path.exists():
        with open(path, "rb") as f:
            for raw in f:
                line = ansi.sub("", raw.decode("utf-8", "replace")).strip()
                is_warn, is_err = " WARN " in line, " ERROR " in line
                warn += is_warn
                err += is_err
                # /readyz answers 503 by design until the server is ready.
                if re.search(r"status=5\d\d", line) and "path=/readyz" not in line:
                    s5xx += 1
                if is_warn or is_err:
                    m = span.match(line)
                    msg = (m.group(1) + " " + line[m.end():]) if m else line
                    msg = numbers.sub("N", msg)[:300]
                    kinds[msg] = kinds.get(msg, 0) + 1
    top = sorted(kinds.items(), key=lambda kv: -kv[1])[:5]
    return {"warnings": warn, "errors": err, "status_5xx": s5xx,
            "samples": [f"{n}× {msg}" for msg, n in top]}


# ---------------------------------------------------------------- one backend x size


def run_group(backend: str, size: str, cfg, tmp: Path, logs: Path) -> dict:
    g: dict = {"backend": backend, "size": size}
    log(f"== {backend} / {size} ==")
    db, g["data"] = prepare(backend, size, cfg, cfg.data, logs)
    files = path_files(db, tmp)
    g["resolved_topics"] = sum(1 for _ in open(files["resolved"]))

    g["loadavg"] = open("/proc/loadavg").read().split()[0]
    log("  baseline: hello-world")
    g["hello"] = hello_baseline(cfg.hello, cfg.duration, tmp)
    g["fsync"] = fsync_probe(cfg.data, cfg.fsync_n)
    log(f"  hello {g['hello']['rps']:,.0f} req/s p99 {g['hello']['p99_ms']:.2f} ms; "
        f"fdatasync p50 {g['fsync']['p50_ms']:.3f} ms")

    server_log = logs / f"{backend}-{size}-serve.log"
    server_log.unlink(missing_ok=True)
    with Server(cfg.bin, db.url, server_log, cfg.data) as srv:
        if cfg.warmup:
            wrk(srv.url, "get.lua", [files["warmup"]], PAGE_CONNS, cfg.warmup)
        g["pages"] = {}
        sign = device_signer(db, srv.url)
        cookie = "sl_device=" + sign("b" * 32)
        # Likes per thread a timed run can reach (the burst brings its own quota).
        per_thread = 40_000 if cfg.duration <= 2 else 200_000
        for key, label, fname in PAGES:
            r = srv.measure(backend, wrk, srv.url, "get.lua", [files[fname], cookie], PAGE_CONNS, cfg.duration)
            r["label"] = label
            g["pages"][key] = r
            log(f"  {label:<28} {r['rps']:>9,.0f} req/s p50 {r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms"
                f" errors {r['non_2xx_or_errors']}")

        g["search_vs_like"] = search_vs_like(db, srv.url)
        for term, r in g["search_vs_like"].items():
            log(f"  search {term}: index {r['index_ms']:.2f} ms, LIKE scan {r['like_ms']:.2f} ms ({r['times']}×)")

        g["rss_mb"] = srv.rss_mb()
        g["ready_seconds"] = srv.ready_seconds
        log(f"  resident set after the page mix {g['rss_mb']:.0f} MB; ready {g['ready_seconds']:.2f} s after start")

        room = open(files["room"]).readline().strip()
        g["first_visit"] = first_visit(srv.url, room)
        log(f"  first visit to {room} from a phone: {g['first_visit']['bytes'] / 1024:.1f} KB "
            f"({len(g['first_visit']['files'])} files)")

        def likes_run(url, pids, conns, label):
            before = fsync_probe(cfg.data, cfg.fsync_n)
            salt = secrets.token_hex(4)
            devices = device_file(sign, salt, per_thread, tmp, files["resolved"])
            r = measured(pids, backend, wrk, url, "likes.lua",
                         [files["resolved"], salt, 0, devices, per_thread], conns, cfg.duration)
            fs = fsync_around(before, fsync_probe(cfg.data, cfg.fsync_n))
            r.update(salt=salt, fsync=fs, label=label)
            r["acked_per_s"] = r["new"] / r["seconds"]
            r["likes_per_fsync"] = r["acked_per_s"] * fs["p50_ms"] / 1000
            log(f"  {label}: {r['acked_per_s']:,.0f} acknowledged/s "
                f"(dup {r['dup']}, failed {r['failed']}), p50 {r['p50_ms']:.2f} ms, "
                f"{r['likes_per_fsync']:.1f} likes/fsync (fdatasync p50 {fs['p50_ms']:.3f} ms)")
            return r

        g["likes"] = {}
        for conns in (8, 64):
            g["likes"][f"c{conns}"] = likes_run(srv.url, srv.proc.pid, conns, f"likes, {conns} conn")

        before = fsync_probe(cfg.data, cfg.fsync_n)
        salt = secrets.token_hex(4)
        quota = math.ceil(cfg.burst / THREADS)
        log(f"  burst: {quota * THREADS:,} likes at {PAGE_CONNS} connections (at most {cfg.burst_cap} s)")
        devices = device_file(sign, salt, quota, tmp, files["resolved"])
        r, finished = srv.measure(backend, wrk_until_done, srv.url, "likes.lua",
                                  [files["resolved"], salt, quota, devices, quota], PAGE_CONNS, cfg.burst_cap)
        fs = fsync_around(before, fsync_probe(cfg.data, cfg.fsync_n))
        firsts = [t["first"] for t in r["threads"] if t["first"]]
        lasts = [t["last"] for t in r["threads"] if t["last"]]
        # From the first like sent to the last one answered (when the burst did
        # not drain within the cap: to the last one answered so far).
        span = (max(lasts) - min(firsts)) if firsts and lasts else None
        answered = r["new"] + r["dup"] + r["failed"] + r["other"]
        r.update(salt=salt, fsync=fs, sent=quota * THREADS, finished=finished, answered=answered,
                 drain_seconds=span if finished else None, elapsed_seconds=span,
                 acked_per_s=(r["new"] / span) if span else 0.0)
        r["likes_per_fsync"] = r["acked_per_s"] * fs["p50_ms"] / 1000
        r["projected_300k_seconds"] = GOALS["burst_likes"] / r["acked_per_s"] if r["acked_per_s"] else None
        r["p50_ms"] = r["latency_us"]["p50"] / 1000
        r["p99_ms"] = r["latency_us"]["p99"] / 1000
        g["burst"] = r
        log(f"  burst: {'drained' if finished else 'NOT drained'}: {answered:,} answered, {r['new']:,} acknowledged "
            f"in {span or 0:.1f} s, failed {r['failed']}")

        before = fsync_probe(cfg.data, cfg.fsync_n)
        salt = secrets.token_hex(4)
        r = srv.measure(backend, wrk, srv.url, "submit.lua", [files["anon_rooms"], salt], SUBMIT_CONNS, cfg.duration)
        r.update(salt=salt, acked_per_s=r["created"] / r["seconds"],
                 fsync=fsync_around(before, fsync_probe(cfg.data, cfg.fsync_n)))
        r["per_fsync"] = r["acked_per_s"] * r["fsync"]["p50_ms"] / 1000
        g["submissions"] = r
        log(f"  submissions: {r['acked_per_s']:,.0f}/s p50 {r['p50_ms']:.2f} ms failed {r['failed']}")

        if backend == "postgres" and nodes.available():
            g["two_nodes"] = nodes.two_nodes(
                cfg, db, size, srv, files, cookie,
                lambda url, pids: likes_run(url, pids, 64, "likes, 64 conn, 2 nodes"), logs, tmp)

    # Checks, with the server stopped (every acknowledged write must be there).
    checks = {}
    runs = list(g["likes"].items()) + [("burst", g["burst"])]
    if "two_nodes" in g:
        runs.append(("two_nodes", g["two_nodes"]["likes"]))
    for key, r in runs:
        stored = db.scalar(f"SELECT COUNT(*) FROM likes WHERE liker LIKE 'd:{r['salt']}%'")
        r["stored"] = stored
        r["lost"] = max(0, r["new"] - stored)
        r["stored_unacknowledged"] = max(0, stored - r["new"])
        checks[key] = {"acknowledged": r["new"], "stored": stored, "lost": r["lost"],
                       "stored_unacknowledged": r["stored_unacknowledged"]}
    s = g["submissions"]
    s["stored"] = db.scalar(f"SELECT COUNT(*) FROM topics WHERE body LIKE '压测提交 {s['salt']}-%'")
    s["lost"] = max(0, s["created"] - s["stored"])
    checks["submissions"] = {"acknowledged": s["created"], "stored": s["stored"], "lost": s["lost"]}
    checks["doubled"] = db.scalar(
        "SELECT COUNT(*) FROM (SELECT topic_id, liker FROM likes GROUP BY topic_id, liker HAVING COUNT(*) > 1) d")
    checks["like_count_mismatch"] = db.scalar(
        "SELECT COUNT(*) FROM topics t LEFT JOIN (SELECT topic_id, COUNT(*) AS n FROM likes GROUP BY topic_id) l "
        "ON l.topic_id = t.id WHERE t.like_count <> COALESCE(l.n, 0)")
    g["checks"] = checks
    if backend == "postgres":
        g["cpu_ms_per_request"] = dict(costs(g))
    g["server_log"] = scan_log(server_log)
    g["server_log"]["path"] = str(server_log)
    log(f"  checks: {json.dumps(checks)}; server log: {g['server_log']['warnings']} warnings, "
        f"{g['server_log']['errors']} errors, {g['server_log']['status_5xx']} 5xx")
    return g


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=MODES, default="full")
    ap.add_argument("--bin", required=True, help="the shangliang binary")
    ap.add_argument("--hello", required=True, help="the hello example binary")
    ap.add_argument("--profile", default="release")
    ap.add_argument("--backends", help="comma-separated: sqlite,postgres")
    ap.add_argument("--sizes", help="comma-separated: demo,large,city")
    ap.add_argument("--duration", type=int, help="seconds per measurement")
    ap.add_argument("--burst", type=int, help="likes in the burst")
    ap.add_argument("--burst-cap", type=int, help="give the burst at most this many seconds")
    ap.add_argument("--large-topics", type=int, default=LARGE_TOPICS)
    ap.add_argument("--large-likes", type=int, default=LARGE_LIKES)
    ap.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--results", default=str(HERE / "results"))
    cfg = ap.parse_args()
    m = MODES[cfg.mode]
    cfg.duration = cfg.duration or m["duration"]
    cfg.warmup = m["warmup"]
    cfg.burst = cfg.burst or m["burst"]
    cfg.burst_cap = cfg.burst_cap or m["burst_cap"]
    cfg.fsync_n = m["fsync_n"]
    cfg.backends = cfg.backends.split(",") if cfg.backends else m["backends"]
    cfg.sizes = cfg.sizes.split(",") if cfg.sizes else m["sizes"]
    cfg.data = Path(cfg.data).resolve()
    results = Path(cfg.results)
    cfg.data.mkdir(parents=True, exist_ok=True)
    results.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    tmp = cfg.data / "tmp"
    logs = cfg.data / "logs"
    tmp.mkdir(exist_ok=True)
    logs.mkdir(exist_ok=True)

    # Run copies, so that a rebuild during the run (the target directory is
    # shared) cannot swap the binary between groups.
    bindir = cfg.data / "bin"
    bindir.mkdir(exist_ok=True)
    cfg.bin_source, cfg.hello_source = cfg.bin, cfg.hello
    for attr, name in (("bin", "shangliang"), ("hello", "hello")):
        dst = bindir / name
        dst.unlink(missing_ok=True)
        shutil.copy2(getattr(cfg, attr), dst)
        setattr(cfg, attr, str(dst))

    started = time.monotonic()
    groups = []
    for size in cfg.sizes:
        for backend in cfg.backends:
            try:
                groups.append(run_group(backend, size, cfg, tmp, logs))
            except Exception as e:  # keep going: one backend failing must not hide the others
                log(f"  {backend}/{size} FAILED: {e}")
                groups.append({"backend": backend, "size": size, "error": str(e)})
    elapsed = time.monotonic() - started

    text = table(groups, cfg)
    print(text)
    print(f"total {elapsed:.0f} s (without the build)")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    doc = {
        "started": stamp,
        "mode": cfg.mode,
        "profile": cfg.profile,
        "seconds": round(elapsed, 1),
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
                    "wrk": wrk_version[0] if wrk_version else ""},
        "binary": {"path": cfg.bin_source, "hello": cfg.hello_source,
                   "mtime": dt.datetime.fromtimestamp(os.path.getmtime(cfg.bin)).isoformat()},
        "config": {"duration_s": cfg.duration, "warmup_s": cfg.warmup, "burst": cfg.burst,
                   "burst_cap_s": cfg.burst_cap, "fsync_probe_n": cfg.fsync_n, "wrk_threads": THREADS,
                   "page_connections": PAGE_CONNS, "submit_connections": SUBMIT_CONNS,
                   "large_topics": cfg.large_topics, "large_likes": cfg.large_likes},
        "goals": GOALS,
        "groups": groups,
        "table": text,
    }
    out = results / f"{stamp}.json"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1))
    print(f"results: {out}")
    return 1 if any("error" in g for g in groups) else 0


if __name__ == "__main__":
    sys.exit(main())
