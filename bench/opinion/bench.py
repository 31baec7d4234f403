"""Opinion-engine benchmark: Shangliang's `opinion` crate against red-dwarf.

Called by bench/opinion/run (see README.md there); runs in the bench venv.

    python bench.py --bin PATH [--short] [--runs N] [--only NAME ...]

For each conversation it runs the Rust example `bench` (cold and warm
recomputes, in one process) and reddwarf_bench.py (red-dwarf's pipeline, in
another), each on the same input file, then prints the table and the goals
and writes results/<YYYYmmdd-HHMMSS>-<mode>.json. Exits non-zero only when a
measurement could not be made; goals are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import gen

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

GOAL_SPEEDUP = 20.0
GOAL_33K_S = 5.0
GOAL_33K_CORES = 2


def brexit_dir() -> str:
    # The shared Pol.is data beside the repository when present (its full
    # text), else the numbers-only copy in the repository.
    shared = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "polis", "brexit-consensus"))
    if os.path.exists(os.path.join(shared, "votes.csv")):
        return shared
    return os.path.join(ROOT, "crates/opinion/tests/data/polis/brexit-consensus")


def say(msg: str) -> None:
    print(f"[bench/opinion] {msg}", file=sys.stderr, flush=True)


def run_json(cmd: list[str], timeout: float) -> tuple[dict | None, str | None]:
    """Runs a child that prints one JSON object; returns (json, error)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    if p.returncode != 0:
        tail = (p.stderr or p.stdout).strip().splitlines()[-5:]
        return None, f"exit {p.returncode}: " + " | ".join(tail)
    try:
        return json.loads(p.stdout.strip().splitlines()[-1]), None
    except (ValueError, IndexError):
        return None, "no JSON on stdout: " + p.stdout[-300:]


def load_assign(path: str) -> dict[int, int | None]:
    with open(path) as f:
        return {int(k): v for k, v in json.load(f).items()}


def ari(a: dict[int, int | None], b: dict[int, int | None]) -> tuple[float | None, int]:
    """Adjusted Rand index over the participants both label (sklearn)."""
    from sklearn.metrics import adjusted_rand_score

    common = sorted(p for p in a if a[p] is not None and b.get(p) is not None)
    if len(common) < 2:
        return None, len(common)
    return float(adjusted_rand_score([a[p] for p in common], [b[p] for p in common])), len(common)


def load_camps(folder: str) -> dict[int, int | None] | None:
    path = os.path.join(folder, "camps.csv")
    if not os.path.exists(path):
        return None
    out: dict[int, int | None] = {}
    with open(path) as f:
        next(f)
        for line in f:
            p, c = line.strip().split(",")
            out[int(p)] = int(c)
    return out


def fmt_n(x: int) -> str:
    return f"{x:,}"


def fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 1:
        return f"{x:.3f}"
    if x < 100:
        return f"{x:.2f}"
    return f"{x:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the release example `bench`")
    ap.add_argument("--short", action="store_true")
    ap.add_argument("--runs", type=int, help="runs per side (default 3, short 1)")
    ap.add_argument("--budget", type=float, default=600.0,
                    help="red-dwarf: stop repeating once its runs pass this many seconds")
    ap.add_argument("--only", nargs="*", help="conversation names to run")
    a = ap.parse_args()
    mode = "short" if a.short else "full"
    runs = a.runs or (1 if a.short else 3)

    names = ["brexit", "synthetic-2k"] if a.short else ["brexit", "synthetic-2k", "synthetic-10k", "synthetic-33k"]
    if a.only:
        names = [n for n in names if n in a.only] or a.only
    data_root = os.path.join(HERE, "data")

    convs = []
    for name in names:
        if name == "brexit":
            convs.append({"name": name, "input": brexit_dir(), "folder": brexit_dir(), "target": None})
        else:
            t0 = time.perf_counter()
            folder = gen.ensure(name, data_root)
            took = time.perf_counter() - t0
            if took > 0.5:
                say(f"generated {folder} in {took:.1f} s")
            n, m = gen.SPECS[name][:2]
            convs.append({"name": name, "input": os.path.join(folder, "votes.csv"), "folder": folder,
                          "target": (n, m)})

    load_start = os.getloadavg()
    failed = False
    results = []
    tmp = tempfile.mkdtemp(prefix="opinion-bench-")
    for c in convs:
        name = c["name"]
        ours_assign = os.path.join(tmp, f"{name}-ours.json")
        rd_assign = os.path.join(tmp, f"{name}-rd.json")
        say(f"{name}: ours ({runs} cold + {runs} warm runs)")
        ours, ours_err = run_json([a.bin, c["input"], "--runs", str(runs), "--assign", ours_assign], 600)
        if ours_err:
            say(f"{name}: ours failed: {ours_err}")
            failed = True
        say(f"{name}: red-dwarf (up to {runs} runs, budget {a.budget:.0f} s)")
        rd, rd_err = run_json(
            [sys.executable, os.path.join(HERE, "reddwarf_bench.py"), c["input"], "--runs", str(runs),
             "--budget", str(a.budget), "--assign", rd_assign],
            max(900.0, 3 * a.budget),
        )
        if rd_err:
            say(f"{name}: red-dwarf failed: {rd_err}")
            failed = True
        r = {"name": name, "input": c["input"], "ours": ours, "ours_error": ours_err,
             "red_dwarf": rd, "red_dwarf_error": rd_err}
        if ours and rd:
            r["speedup"] = rd["median_s"] / ours["cold_median_s"]
            ao, ar = load_assign(ours_assign), load_assign(rd_assign)
            r["ari_ours_vs_red_dwarf"], r["ari_common_participants"] = ari(ao, ar)
        camps = load_camps(c["folder"])
        if camps is not None:
            if ours:
                r["ari_ours_vs_camps"] = ari(load_assign(ours_assign), camps)[0]
            if rd:
                r["ari_red_dwarf_vs_camps"] = ari(load_assign(rd_assign), camps)[0]
        results.append(r)

    # ---- table
    rows = [("conversation", "size (participants × statements, votes)", "red-dwarf s", "ours cold s",
             "ours warm s", "speed-up")]
    notes = []
    for r in results:
        o, rd = r["ours"], r["red_dwarf"]
        src = rd or o
        if src:
            p = rd["participants"] if rd else o["participants"]
            s = rd["statements"] if rd else o["statements"]
            v = rd["votes"] if rd else o["votes_read"]
            size = f"{fmt_n(p)} × {fmt_n(s)}, {fmt_n(v)}"
        else:
            size = "?"
        rds = "failed" if not rd else fmt_s(rd["median_s"])
        if rd and rd["runs"] < runs:
            rds += f" ({rd['runs']} run)"
            notes.append(f"{r['name']}: red-dwarf made {rd['runs']} of {runs} runs (budget {a.budget:.0f} s)")
        rows.append((
            r["name"], size, rds,
            fmt_s(o["cold_median_s"]) if o else "failed",
            fmt_s(o["warm_median_s"]) if o else "failed",
            f"{r['speedup']:.1f}×" if "speedup" in r else "—",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])] + [x.rjust(w) for x, w in zip(row[2:], widths[2:])]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    cores = os.cpu_count() or 1
    threads = next((r["ours"]["threads"] for r in results if r["ours"]), cores)
    lines.append("")
    lines.append(f"Wall-clock medians of {runs} run{'s' if runs > 1 else ''} per side; ours on {threads} threads "
                 f"({cores} cores); red-dwarf with BLAS on all cores. Input reading, Python start-up and imports "
                 f"are not timed on either side.")
    load_end = os.getloadavg()
    busy = max(load_start[0], load_end[0])
    lines.append(f"Load average (1 min) {load_start[0]:.1f} at start, {load_end[0]:.1f} at end, on {cores} cores.")
    if busy > cores * 0.75:
        notes.append("the machine was busy with other work, so these times are distorted (red-dwarf's "
                     "OpenMP/BLAS threads suffer most from contention); rerun when it is idle")
    for n in notes:
        lines.append("note: " + n)

    # ---- goals
    lines.append("")
    sp = [(r["name"], r["speedup"]) for r in results if "speedup" in r]
    if sp:
        worst = min(sp, key=lambda x: x[1])
        met = all(s >= GOAL_SPEEDUP for _, s in sp)
        lines.append(f"goal ≥ {GOAL_SPEEDUP:.0f}× faster than red-dwarf: {'MET' if met else 'NOT MET'} "
                     f"(lowest {worst[1]:.1f}× on {worst[0]})")
    big = next((r for r in results if r["name"] == "synthetic-33k" and r["ours"]), None)
    if big:
        t = big["ours"]["cold_median_s"]
        on = big["ours"]["threads"]
        verdict = "MET" if t <= GOAL_33K_S else "NOT MET"
        caveat = "" if on == GOAL_33K_CORES else f" (measured on {on} threads, not {GOAL_33K_CORES}: indicative only)"
        lines.append(f"goal 33,000×783 fully recomputed in ≤ {GOAL_33K_S:.0f} s on {GOAL_33K_CORES} cores: {verdict} "
                     f"({t:.2f} s cold, {big['ours']['warm_median_s']:.2f} s warm){caveat}")
    else:
        lines.append(f"goal 33,000×783 in ≤ {GOAL_33K_S:.0f} s on {GOAL_33K_CORES} cores: not measured in {mode} mode")

    # ---- groups
    lines.append("")
    for r in results:
        o, rd = r["ours"], r["red_dwarf"]
        if not (o and rd):
            continue
        parts = [f"{r['name']}: groups red-dwarf {rd['groups']} {rd['group_sizes']}, ours {o['groups']} "
                 f"{sorted(o['group_sizes'], reverse=True)}"]
        if r.get("ari_ours_vs_red_dwarf") is not None:
            parts.append(f"ARI ours vs red-dwarf {r['ari_ours_vs_red_dwarf']:.3f} "
                         f"over {fmt_n(r['ari_common_participants'])} participants both clustered")
        if r.get("ari_ours_vs_camps") is not None:
            parts.append(f"vs latent camps: ours {r['ari_ours_vs_camps']:.3f}, "
                         f"red-dwarf {r['ari_red_dwarf_vs_camps']:.3f}")
        lines.append("; ".join(parts))

    mem = [f"{r['name']} ours {r['ours']['peak_rss_mib']:.0f} / red-dwarf {r['red_dwarf']['peak_rss_mib']:.0f}"
           for r in results if r["ours"] and r["red_dwarf"] and r["ours"].get("peak_rss_mib") is not None]
    if mem:
        lines.append("peak RSS MiB (whole process, parsed input included): " + "; ".join(mem))

    ph = [f"{r['name']} matrix {fmt_s(p['vote_matrix'])} + in-conv replay {fmt_s(p['in_conv_replay'])} "
          f"+ analyze {fmt_s(p['analyze_matrix'])}"
          for r in results if r["ours"] and (p := r["ours"].get("phases_s"))]
    if ph:
        lines.append("ours, one more cold run split (s): " + "; ".join(ph))

    text = "\n".join(lines)
    print(text)

    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = os.path.join(HERE, "results", f"{stamp}-{mode}.json")
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    with open(out, "w") as f:
        json.dump({
            "mode": mode, "runs": runs, "red_dwarf_budget_s": a.budget,
            "machine": {"cores": cores, "loadavg_start": load_start, "loadavg_end": load_end, "cpu": cpu, "platform": platform.platform(),
                        "python": platform.python_version()},
            "generator_version": gen.GEN_VERSION, "specs": {k: list(v) for k, v in gen.SPECS.items()},
            "goals": {"speedup": GOAL_SPEEDUP, "33k_seconds": GOAL_33K_S, "33k_cores": GOAL_33K_CORES},
            "results": results, "table": text,
        }, f, indent=1)
    say(f"wrote {os.path.relpath(out, ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
