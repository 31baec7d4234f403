"""One node against two behind nginx, on PostgreSQL.

The second node starts on the same database as the first, and nginx runs
from the shipped `deploy/nginx.conf` with its placeholders filled in, as
`tests/multinode/run` runs it. The same pages and likes are then measured
through the balancer, so the table can say what a second node gives on
this machine and what each request costs the application and the
database — the per-request figures `bench/README.md` projects a city's
and a province's nodes from.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from harness import HERE, PAGE_CONNS, Server, free_port, log, measured, stop, wait_http, wrk

# The rows measured again through the balancer.
ROWS = [("detail", "GET /t/{no}"), ("room", "GET /r/{code}")]


class Balancer:
    """nginx from deploy/nginx.conf in front of two nodes."""

    def __init__(self, node1: str, node2: str, run: Path):
        self.node1, self.node2, self.run = node1, node2, run
        self.proc = None
        self.url = ""

    def __enter__(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        shutil.rmtree(self.run, ignore_errors=True)
        self.run.mkdir(parents=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        conf = (HERE.parent / "deploy" / "nginx.conf").read_text()
        for slot, value in (("${RUN}", str(self.run)), ("${NODE1}", self.node1.removeprefix("http://")),
                            ("${NODE2}", self.node2.removeprefix("http://")), ("${LISTEN}", f"127.0.0.1:{port}")):
            conf = conf.replace(slot, value)
        # The access log would measure the disk, not the balancer.
        conf = conf.replace(f"access_log {self.run}/nginx-access.log;", "access_log off;")
        (self.run / "nginx.conf").write_text(conf)
        self.proc = subprocess.Popen([nginx, "-p", str(self.run), "-c", str(self.run / "nginx.conf"),
                                      "-e", str(self.run / "nginx-error.log")])
        if not wait_http(self.url + "/healthz", 20, self.proc):
            stop(self.proc)
            raise RuntimeError(f"nginx did not start; see {self.run / 'nginx-error.log'}")
        return self

    def __exit__(self, *exc):
        stop(self.proc)


def available() -> bool:
    return bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


def two_nodes(cfg, db, size: str, first: Server, files: dict, cookie: str, likes, logs: Path, tmp: Path) -> dict:
    """The pages in ROWS and likes at 64 connections through nginx in front of
    `first` and a second node; `likes(url, pids)` runs one likes measurement."""
    out: dict = {"pages": {}}
    server_log = logs / f"{db.backend}-{size}-serve-node2.log"
    server_log.unlink(missing_ok=True)
    with Server(cfg.bin, db.url, server_log, cfg.data) as second, \
            Balancer(first.url, second.url, tmp / "nginx") as lb:
        pids = [first.proc.pid, second.proc.pid, lb.proc.pid]
        wrk(lb.url, "get.lua", [files["warmup"]], PAGE_CONNS, 1)
        for key, label in ROWS:
            r = measured(pids, db.backend, wrk, lb.url, "get.lua", [files[key], cookie], PAGE_CONNS, cfg.duration)
            r["label"] = label + ", 2 nodes"
            out["pages"][key] = r
            log(f"  {r['label']:<28} {r['rps']:>9,.0f} req/s p50 {r['p50_ms']:.2f} ms p99 {r['p99_ms']:.2f} ms")
        out["likes"] = likes(lb.url, pids)
        log(f"  likes at 64 connections, 2 nodes: {out['likes']['acked_per_s']:,.0f} acknowledged/s")
    return out
