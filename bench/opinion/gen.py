"""Deterministic synthetic Pol.is conversations for the opinion-engine benchmark.

Writes, once per conversation, `votes.csv` (pid,tid,vote,timestamp; export
sign: agree = 1, disagree = -1, pass = 0) and `camps.csv` (pid,camp: the
latent camp each participant was drawn from), which both engines read.

The model, per conversation (fixed seed, numpy's PCG64):

- participants belong to one of 2-4 latent camps of unequal size;
- statements are 25 % broadly agreed, 10 % broadly disagreed and 65 %
  divisive (each camp's agree rate drawn from a U-shaped Beta(0.6, 0.6));
  each statement has its own pass rate (Beta(2, 12), mean ~14 %);
- each participant votes on a heavy-tailed number of statements (lognormal,
  median 5 % of the statements, sigma 1.2, capped at all of them: a few vote
  on everything, ~5-8 % cast fewer than 7 votes), early statements being
  seen more often (popularity ~ 1 / (1 + 10 t / m), sampled without
  replacement with the Gumbel top-k trick); overall density ~9-10 %;
- each participant follows their camp except for an idiosyncratic share of
  votes (Beta(2, 8), mean 20 %) cast at random;
- participants arrive over 30 days in pid order and vote every ~8 s.
"""

from __future__ import annotations

import os
import sys

import numpy as np

GEN_VERSION = 1

# name: (participants, statements, camps, camp weights, seed)
SPECS = {
    "synthetic-2k": (2_000, 900, 3, (0.5, 0.3, 0.2), 20_009),
    "synthetic-10k": (10_000, 1_000, 4, (0.4, 0.3, 0.2, 0.1), 100_010),
    "synthetic-33k": (33_000, 783, 3, (0.45, 0.35, 0.2), 330_783),
}


def generate(n: int, m: int, camps: int, weights, seed: int):
    rng = np.random.default_rng(seed)
    camp = rng.choice(camps, size=n, p=np.asarray(weights) / np.sum(weights))

    kind = rng.random(m)
    agree = np.empty((camps, m))
    cons_a = kind < 0.25
    cons_d = (kind >= 0.25) & (kind < 0.35)
    div = kind >= 0.35
    base_a = rng.beta(8, 2, size=m)
    base_d = rng.beta(2, 8, size=m)
    jitter = rng.normal(0, 0.05, size=(camps, m))
    agree[:, cons_a] = base_a[cons_a] + jitter[:, cons_a]
    agree[:, cons_d] = base_d[cons_d] + jitter[:, cons_d]
    agree[:, div] = rng.beta(0.6, 0.6, size=(camps, int(div.sum())))
    agree = np.clip(agree, 0.0, 1.0)
    pass_rate = rng.beta(2, 12, size=m)

    idio = rng.beta(2, 8, size=n)
    k = np.exp(rng.normal(np.log(0.05 * m), 1.2, size=n))
    k = np.clip(np.rint(k), 1, m).astype(np.int64)
    logw = -np.log1p(10.0 * np.arange(m) / m)

    pids, tids, pos = [], [], []
    chunk = 4096
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        keys = logw[None, :] + rng.gumbel(size=(e - s, m))
        order = np.argsort(-keys, axis=1, kind="stable")
        kk = k[s:e]
        mask = np.arange(m)[None, :] < kk[:, None]
        tids.append(order[mask])
        pids.append(np.repeat(np.arange(s, e), kk))
        pos.append(np.broadcast_to(np.arange(m), order.shape)[mask])
    pid = np.concatenate(pids)
    tid = np.concatenate(tids)
    pos = np.concatenate(pos)

    nv = len(pid)
    u = rng.random(nv)
    r = rng.random(nv)
    follow = rng.random(nv) >= idio[pid]
    p_agree = np.where(follow, agree[camp[pid], tid], 0.5)
    vote = np.where(r < p_agree, 1, -1)
    vote = np.where(u < pass_rate[tid], 0, vote)

    start = 1_700_000_000_000
    arrival = np.sort(rng.integers(0, 30 * 86_400_000, size=n))
    ts = start + arrival[pid] + pos * 8_000 + rng.integers(0, 4_000, size=nv)
    order = np.argsort(ts, kind="stable")
    return camp, np.stack([pid[order], tid[order], vote[order], ts[order]], axis=1)


def ensure(name: str, root: str) -> str:
    """Returns the folder of conversation `name`, generating it if missing."""
    n, m, camps, weights, seed = SPECS[name]
    out = os.path.join(root, f"{name}-v{GEN_VERSION}")
    votes = os.path.join(out, "votes.csv")
    if os.path.exists(votes):
        return out
    os.makedirs(out, exist_ok=True)
    camp, rows = generate(n, m, camps, weights, seed)
    tmp = votes + ".tmp"
    np.savetxt(tmp, rows, fmt="%d", delimiter=",", header="pid,tid,vote,timestamp", comments="")
    np.savetxt(
        os.path.join(out, "camps.csv"),
        np.stack([np.arange(n), camp], axis=1),
        fmt="%d",
        delimiter=",",
        header="pid,camp",
        comments="",
    )
    os.replace(tmp, votes)
    return out


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "data"
    for name in sys.argv[2:] or SPECS:
        print(ensure(name, root))
