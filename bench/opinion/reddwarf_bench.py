"""Times red-dwarf's full Pol.is pipeline on one conversation; prints JSON.

    python reddwarf_bench.py INPUT [--runs N] [--budget SECONDS] [--assign FILE]

INPUT is an openData folder (votes.csv with timestamp,comment-id,voter-id,vote
and comments.csv, whose moderated = -1 and is-meta statements are passed to
red-dwarf as moderated out, as the Rust side does) or a votes CSV with the
header pid,tid,vote,timestamp (agree = 1). An untimed warm-up call on a tiny conversation
comes first (modules numpy, scipy and scikit-learn load on first use are
start-up cost, not pipeline cost). Reading the CSV into the list of
vote dicts red-dwarf takes, and removing repeated votes (the latest timestamp
wins, the later record among equal ones, as in the Rust engine; red-dwarf's
pivot refuses duplicates), is not timed. Each timed run is one call of
`reddwarf.implementations.polis.run_pipeline` (vote matrix pivot, PCA,
k-means for k = 2..5 with silhouette choice, repness, consensus,
group-aware consensus, priorities).

Runs stop early once their total passes --budget (the JSON says how many were
made). --assign writes {"pid": cluster id or null} from the first run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import time
import warnings


def read_votes(path: str):
    mod_out: list[int] = []
    meta: list[int] = []
    if os.path.isdir(path):
        cpath = os.path.join(path, "comments.csv")
        if os.path.exists(cpath):
            with open(cpath, newline="") as f:
                for row in csv.DictReader(f):
                    tid = int(row["comment-id"])
                    is_meta = (row.get("is-meta") or "").strip().lower() in ("1", "true")
                    moderated = (row.get("moderated") or "0").strip()
                    if is_meta:
                        meta.append(tid)
                    if is_meta or moderated == "-1":
                        mod_out.append(tid)
        vpath = os.path.join(path, "votes.csv")
        keys = ("voter-id", "comment-id", "vote", "timestamp")
    else:
        vpath = path
        keys = ("pid", "tid", "vote", "timestamp")
    latest: dict[tuple[int, int], tuple[int, int]] = {}
    with open(vpath, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        ip, it, iv, its = (header.index(k) for k in keys)
        for row in r:
            if not row:
                continue
            p, t, v = int(row[ip]), int(row[it]), int(row[iv])
            ts = int(float(row[its])) if row[its].strip() else 0
            old = latest.get((p, t))
            if old is None or ts >= old[1]:
                latest[(p, t)] = (v, ts)
    votes = [
        {"participant_id": p, "statement_id": t, "vote": v, "modified": ts}
        for (p, t), (v, ts) in latest.items()
    ]
    return votes, sorted(set(mod_out)), sorted(set(meta))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=float("inf"))
    ap.add_argument("--assign")
    a = ap.parse_args()

    # red-dwarf's pydantic models warn on import; harmless.
    warnings.filterwarnings("ignore", message=".*'exclude' attribute.*")
    t0 = time.perf_counter()
    import numpy as np
    import pandas as pd
    import sklearn
    from importlib.metadata import version
    from threadpoolctl import threadpool_info

    from reddwarf.implementations.polis import run_pipeline
    from reddwarf.utils.matrix import generate_raw_matrix

    import_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    votes, mod_out, meta = read_votes(a.input)
    read_s = time.perf_counter() - t0

    # One untimed call on a tiny conversation first: numpy, scipy, pandas and
    # scikit-learn load some modules on first use, which is start-up cost.
    t0 = time.perf_counter()
    rnd = random.Random(0)
    tiny = [
        {"participant_id": p, "statement_id": t, "vote": rnd.choice((-1, 0, 1)), "modified": p * 100 + t}
        for p in range(40)
        for t in range(12)
    ]
    run_pipeline(votes=tiny, random_state=42)
    warmup_s = time.perf_counter() - t0

    times: list[float] = []
    first = None
    for i in range(max(1, a.runs)):
        t0 = time.perf_counter()
        res = run_pipeline(
            votes=votes,
            mod_out_statement_ids=mod_out,
            meta_statement_ids=meta,
            random_state=42,
        )
        times.append(time.perf_counter() - t0)
        if first is None:
            first = res
        else:
            del res
        if sum(times) + times[-1] > a.budget and i + 1 < a.runs:
            break

    # The pivot alone (part of every run above), to show its share.
    t0 = time.perf_counter()
    generate_raw_matrix(votes=votes)
    pivot_s = time.perf_counter() - t0

    pdf = first.participants_df
    labels = pdf["cluster_id"]
    clustered = labels.dropna()
    groups = int(clustered.nunique())
    sizes = sorted((int(x) for x in clustered.value_counts().tolist()), reverse=True)
    if a.assign:
        with open(a.assign, "w") as f:
            json.dump(
                {str(int(p)): (None if pd.isna(g) else int(g)) for p, g in labels.items()},
                f,
            )
    out = {
        "input": a.input,
        "votes": len(votes),
        "participants": int(first.raw_vote_matrix.shape[0]),
        "statements": int(first.raw_vote_matrix.shape[1]),
        "mod_out": mod_out,
        "import_s": import_s,
        "warmup_s": warmup_s,
        "read_s": read_s,
        "run_s": times,
        "runs": len(times),
        "median_s": statistics.median(times),
        "pivot_s": pivot_s,
        "clustered": int(len(clustered)),
        "groups": groups,
        "group_sizes": sizes,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "versions": {
            "python": sys.version.split()[0],
            "red-dwarf": version("red-dwarf"),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "blas": [
            {k: d.get(k) for k in ("internal_api", "num_threads", "architecture", "version")}
            for d in threadpool_info()
        ],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
