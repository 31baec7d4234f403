"""Processes, wrk and baselines for bench.py: starting and stopping the
server, CPU accounting, the wrk runs, the hello-world and fsync baselines.
Standard library only, like the rest of the benchmark."""

from __future__ import annotations

import argparse
import datetime as dt
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
import urllib.request
from pathlib import Path


HERE = Path(__file__).resolve().parent
LUA = HERE / "lua"
THREADS = 2  # wrk threads (the machine has 2 cores; wrk shares them with the server)
PAGE_CONNS = 64  # connections for page loads (and the hello-world baseline)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict:
    """The environment for the server: no SHANGLIANG_* settings leak in from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHANGLIANG_")}
    env.setdefault("RUST_LOG", "info")
    # Every load comes from one address and a few devices: limits would measure themselves.
    env["SHANGLIANG_RATE_LIMITS"] = "false"
    return env


def wait_http(url: str, seconds: float, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(0.02)
    return False


def stop(proc: subprocess.Popen, grace: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def postgres_cpu() -> dict[int, float]:
    """CPU seconds used so far by each process named postgres (a read-only look at /proc)."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
            except OSError:
                continue
            out[int(d)] = proc_cpu(int(d))
    return out


def postgres_cpu_since(before: dict[int, float]) -> float:
    """CPU seconds PostgreSQL used since `before` (processes that exited meanwhile are missed)."""
    return sum(max(0.0, t - before.get(pid, 0.0)) for pid, t in postgres_cpu().items())


def host_busy() -> float:
    """CPU seconds the whole machine has been busy (not idle, not waiting for I/O)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / CLK_TCK


def children_cpu() -> float:
    """CPU seconds of finished child processes (here: the wrk runs)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured(app_pid: int | list[int], backend: str | None, fn, *args):
    """Runs fn (a wrk run) and adds where the CPU went meanwhile, in cores:
    the server (every process in `app_pid` when it is a list: nodes and
    their balancer), PostgreSQL, wrk, and everything else on the machine."""
    pids = app_pid if isinstance(app_pid, list) else [app_pid]
    app_cpu = lambda: sum(proc_cpu(p) for p in pids)  # noqa: E731
    t0, a0, h0, w0 = time.monotonic(), app_cpu(), host_busy(), children_cpu()
    p0 = postgres_cpu() if backend == "postgres" else {}
    r = fn(*args)
    secs = max(time.monotonic() - t0, 1e-6)
    res = r[0] if isinstance(r, tuple) else r
    app = (app_cpu() - a0) / secs
    pg = postgres_cpu_since(p0) / secs if backend == "postgres" else 0.0
    wrk_ = (children_cpu() - w0) / secs
    host = (host_busy() - h0) / secs
    res["cpu_cores"] = {"app": app, "postgres": pg if backend == "postgres" else None, "wrk": wrk_,
                        "host": host, "rest": max(0.0, host - app - pg - wrk_)}
    return r


class Server:
    """`shangliang serve --no-worker` on a free port of 127.0.0.1."""

    def __init__(self, binary: str, db_url: str, logfile: Path, cwd: Path):
        self.binary, self.db_url, self.logfile, self.cwd = binary, db_url, logfile, cwd
        self.proc = None
        self.url = ""

    def __enter__(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(self.logfile, "ab")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [self.binary, "--database-url", self.db_url, "serve", "--no-worker",
             "--listen", f"127.0.0.1:{port}"],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=self.cwd, env=clean_env())
        if not wait_http(self.url + "/readyz", 60, self.proc):
            stop(self.proc)
            raise RuntimeError(f"server did not become ready; see {self.logfile}")
        self.ready_seconds = time.monotonic() - started
        return self

    def rss_mb(self) -> float:
        """The server's resident set now."""
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def __exit__(self, *exc):
        stop(self.proc)
        self._log.close()

    def measure(self, backend: str, fn, *args):
        return measured(self.proc.pid, backend, fn, *args)


# ---------------------------------------------------------------- wrk


def wrk_cmd(url, script, args, conns, seconds, timeout="10s"):
    return ["wrk", f"-t{THREADS}", f"-c{max(conns, THREADS)}", f"-d{seconds}s", f"--timeout={timeout}",
            "-s", str(LUA / script), url, "--", *map(str, args)]


def parse_report(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON "):])
    raise RuntimeError("wrk printed no report:\n" + stdout[-2000:])


def wrk_env() -> dict:
    env = dict(os.environ)
    env["BENCH_LUA_DIR"] = str(LUA)
    return env


def wrk(url, script, args, conns, seconds) -> dict:
    cmd = wrk_cmd(url, script, args, conns, seconds)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, env=wrk_env())
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr[-2000:]}")
    r = parse_report(out.stdout)
    secs = r["duration_us"] / 1e6
    r["seconds"] = secs
    r["rps"] = r["requests"] / secs if secs else 0.0
    r["p50_ms"] = r["latency_us"]["p50"] / 1000
    r["p99_ms"] = r["latency_us"]["p99"] / 1000
    r["non_2xx_or_errors"] = sum(r["errors"].values())
    r["connections"] = conns
    return r


def wrk_until_done(url, script, args, conns, cap: float) -> tuple[dict, bool]:
    """Runs a quota script (likes.lua with QUOTA > 0) until every thread has
    printed THREADDONE, then interrupts wrk; gives up after `cap` seconds."""
    cmd = wrk_cmd(url, script, args, conns, int(cap) + 10, timeout="30s")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=wrk_env())
    lines: queue.Queue = queue.Queue()

    def reader():
        for line in p.stdout:
            lines.put(line)
        lines.put(None)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    out, done, finished = [], 0, False
    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if p.poll() is not None:
                break
            continue
        if line is None:
            break
        out.append(line)
        if line.startswith("THREADDONE"):
            done += 1
            if done == THREADS:
                finished = True
                break
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=10)
    t.join(timeout=10)
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            break
        if line is not None:
            out.append(line)
    return parse_report("".join(out)), finished


# ---------------------------------------------------------------- baselines


def hello_baseline(hello_bin: str, seconds: int, tmp: Path) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([hello_bin, f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_http(url + "/", 30, proc):
            raise RuntimeError("hello example did not answer")
        paths = tmp / "hello.paths"
        paths.write_text("/\n")
        r = measured(proc.pid, None, wrk, url, "get.lua", [paths], PAGE_CONNS, seconds)
    finally:
        stop(proc, grace=5)
    return r


def fsync_around(before: dict, after: dict) -> dict:
    """The probe taken before and after a run; their mean p50 is the one used."""
    return {"before": before, "after": after, "p50_ms": (before["p50_ms"] + after["p50_ms"]) / 2}


def fsync_probe(directory: Path, n: int, max_seconds: float = 30) -> dict:
    """p50 of n (4 KiB pwrite + fdatasync) over a preallocated file, like a
    write-ahead log in steady state (SQLite reuses its WAL, PostgreSQL
    preallocates its segments)."""
    path = directory / "fsync-probe.bin"
    block = os.urandom(4096)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    times = []
    try:
        os.write(fd, b"\0" * 4096 * n)
        os.fsync(fd)
        deadline = time.monotonic() + max_seconds
        for i in range(n):
            t0 = time.perf_counter()
            os.pwrite(fd, block, 4096 * i)
            os.fdatasync(fd)
            times.append(time.perf_counter() - t0)
            if time.monotonic() > deadline:
                break
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    times.sort()
    return {
        "n": len(times),
        "p50_ms": statistics.median(times) * 1000,
        "p90_ms": times[int(len(times) * 0.9) - 1] * 1000 if len(times) >= 10 else max(times) * 1000,
        "mean_ms": statistics.fmean(times) * 1000,
    }
