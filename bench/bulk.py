"""Bulk data for the "large" size: many topics and likes added to the demo subdistrict.

Rows are written straight into the schema that `shangliang migrate` creates
(crates/store/src/entity/): topics, each with its `submitted` timeline row in
topic_events, and likes on resolved topics with every topic's `like_count`
equal to its likes. SQLite gets one executemany transaction; PostgreSQL gets
COPY through psql. Generation is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sqlite3
import subprocess
import time

# --- text fragments: titles are PREFIX + PLACE + PROBLEM, 4..60 characters ---

PREFIXES = ["", "", "", "关于", "建议解决", "反映", "请求整治"]

PLACES = [
    "陈师新苑", "惠民小区", "幸福家园", "盐河北路", "陈师大道", "农贸市场东门", "中心小学南门",
    "卫生院门口", "村部广场", "老街巷道", "安东路口", "金城花园", "朱庄组", "王渡桥头",
    "李集村道", "前进组", "新港河堤", "刘圩桥", "张马村部", "杨口码头", "江庄渡口", "河西菜场",
    "东湖公园", "花园小区", "葛集小学", "徐洼组", "唐圩路", "三里桥", "涟水五中北侧",
    "205国道沿线", "滨河步道", "敬老院旁",
]

PROBLEMS = [
    "路灯长期不亮", "雨后积水严重", "垃圾清运不及时", "车辆乱停乱放", "井盖松动破损",
    "夜间施工噪音扰民", "缺少健身器材", "道路坑洼破损", "占道经营严重", "污水外溢",
    "监控探头缺失", "公交站台无遮雨棚", "电动车充电难", "绿化带被毁种菜", "楼道堆放杂物",
    "自来水水压不足", "红绿灯时长过短", "学生上下学交通拥堵", "广场舞音响过大", "河道漂浮物多",
    "桥梁护栏锈蚀", "农田灌溉渠淤塞", "养殖异味扰民", "快递无处存放", "老人就餐不便",
    "无障碍通道被占", "网络信号差", "秸秆焚烧", "流浪犬伤人隐患", "排水沟堵塞",
]

DETAILS = [
    "已经持续两个多月，多次向物业反映没有结果",
    "早晚高峰尤其突出，老人孩子出行很不安全",
    "夏天气味很大，周边住户意见很大",
    "上个月还有人因此摔倒受伤",
    "涉及周边三百多户居民",
    "雨季时情况更加严重",
    "附近商户和居民多次协商未能解决",
]

ASKS = [
    "希望街道协调有关部门尽快处理",
    "建议划定范围并安排专人管理",
    "请求纳入今年民生实事项目",
    "希望召开议事会听取各方意见",
    "建议增设设施并定期维护",
]

CATEGORIES = [
    "交通出行", "市容环境", "公共设施", "社会治理", "民生服务", "农业农村",
    "移风易俗", "生态环保", "安全生产", "教育卫生", "其他",
]

# (state, weight): spread over the chain, most of them completed or evaluated.
STATES = [
    ("evaluated", 36), ("completed", 24), ("implementing", 9), ("reopened", 2),
    ("reviewed", 3), ("deliberated", 3), ("scheduled", 3), ("researching", 5),
    ("accepted", 4), ("submitted", 4), ("referred", 3), ("rejected", 2), ("merged", 2),
]
DECIDED = {"reviewed", "implementing", "completed", "evaluated", "reopened"}
RESOLVED = {"completed", "evaluated"}

TOPIC_COLS = [
    "id", "tracking_no", "room_id", "region_path", "channel", "state", "title", "body",
    "category", "place", "submitter_user_id", "submitter_device", "submitter_name",
    "submitter_phone", "decision", "merged_into", "like_count", "created_at", "updated_at",
]
EVENT_COLS = [
    "id", "topic_id", "task_id", "kind", "actor_user_id", "actor_name", "actor_role",
    "detail", "data", "created_at",
]
LIKE_COLS = ["id", "topic_id", "liker", "created_at"]


def ts(t: dt.datetime) -> str:
    # e.g. 2026-07-13T06:52:16.823506+00:00 (RFC 3339, as the app writes it)
    return t.isoformat(timespec="microseconds")


class Context:
    """What the demo put in the database that new rows refer to."""

    def __init__(self, rooms, residents, members, leaders, tracking_nos, max_topic, max_event, max_like):
        self.rooms = rooms            # [(room id, region path)]
        self.residents = residents    # [(user id, name, phone)]
        self.members = members        # [(user id, name)]
        self.leaders = leaders        # [(user id, name)]
        self.tracking_nos = tracking_nos
        self.max_topic = max_topic
        self.max_event = max_event
        self.max_like = max_like


CONTEXT_QUERIES = {
    "rooms": "SELECT r.id, g.path FROM rooms r JOIN regions g ON g.id = r.region_id ORDER BY r.id",
    "residents": "SELECT id, display_name, phone FROM users WHERE phone IS NOT NULL ORDER BY id",
    "members": "SELECT DISTINCT u.id, u.display_name FROM users u JOIN grants g ON g.user_id = u.id "
               "WHERE g.role = 'committee_member' ORDER BY u.id",
    "leaders": "SELECT DISTINCT u.id, u.display_name FROM users u JOIN grants g ON g.user_id = u.id "
               "WHERE g.role = 'leader' ORDER BY u.id",
    "tracking": "SELECT tracking_no FROM topics",
    "max": "SELECT (SELECT COALESCE(MAX(id), 0) FROM topics), (SELECT COALESCE(MAX(id), 0) FROM topic_events), "
           "(SELECT COALESCE(MAX(id), 0) FROM likes)",
}


def generate(ctx: Context, n_topics: int, n_likes: int, seed: int = 2026):
    """Returns (topics, events, likes) as lists of tuples in column order."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    states, weights = zip(*STATES)
    cum = []
    acc = 0
    for w in weights:
        acc += w
        cum.append(acc)
    taken = set(ctx.tracking_nos)
    numbers = []
    for n in rng.sample(range(1_000_000_000, 10_000_000_000), n_topics + len(taken) + 10):
        s = str(n)
        if s not in taken:
            numbers.append(s)
            if len(numbers) == n_topics:
                break

    topics, events = [], []
    resolved = []  # (index into topics, updated_at)
    tid, eid = ctx.max_topic, ctx.max_event
    for i in range(n_topics):
        tid += 1
        eid += 1
        state = rng.choices(states, cum_weights=cum)[0]
        r = rng.random()
        channel = "resident" if r < 0.65 else ("committee" if r < 0.85 else "leadership")
        if channel == "leadership" and state == "submitted":
            channel = "resident"  # 党政点题 is accepted on creation
        room_id, region_path = ctx.rooms[rng.randrange(len(ctx.rooms))]
        place = rng.choice(PLACES)
        problem = rng.choice(PROBLEMS)
        title = f"{rng.choice(PREFIXES)}{place}{problem}"
        body = f"{place}{problem}，{rng.choice(DETAILS)}。{rng.choice(ASKS)}。"
        created = now - dt.timedelta(seconds=rng.randrange(3600, 365 * 86400))
        if state == "submitted":
            updated = created
        else:
            age = (now - created).total_seconds()
            updated = created + dt.timedelta(seconds=rng.uniform(0, min(age - 60, 150 * 86400)))
        if channel == "resident":
            if rng.random() < 0.5:
                uid, name, phone, device = None, "匿名群众", None, "%032x" % rng.getrandbits(128)
            else:
                uid, name, phone = rng.choice(ctx.residents)
                device = None
            role = "resident"
        elif channel == "committee":
            uid, name = rng.choice(ctx.members)
            phone, device = None, None
            role = "committee_member"
        else:
            uid, name = rng.choice(ctx.leaders)
            phone, device = None, None
            role = "leader"
        decision = ("adopt" if rng.random() < 0.85 else "partly_adopt") if state in DECIDED else None
        merged_into = None
        if state == "merged":
            merged_into = rng.randint(max(1, tid - 500), tid - 1) if tid > 1 else None
            if merged_into is None:
                state = "rejected"
        c, u = ts(created), ts(updated)
        topics.append([
            tid, numbers[i], room_id, region_path, channel, state, title, body,
            rng.choice(CATEGORIES), place, uid, device, name, phone, decision, merged_into, 0, c, u,
        ])
        # The entry's facts as the store writes them (domain::EventDetail), text rendered where shown.
        facts = json.dumps({"type": "submitted", "channel": channel,
                            "accepted": channel == "leadership", "reason": None})
        events.append((eid, tid, None, "submitted", uid, name, role, "", facts, c))
        if state in RESOLVED:
            resolved.append((i, updated))

    # Likes: a heavy tail (a few topics get thousands, most get a handful).
    likes = []
    if resolved and n_likes > 0:
        # Pareto weights, capped so that no topic holds more than 3% of all likes.
        w = [rng.paretovariate(1.1) for _ in resolved]
        cap = sum(w) * 0.03
        w = [min(x, cap) for x in w]
        total_w = sum(w)
        counts = [int(x / total_w * n_likes) for x in w]
        short = n_likes - sum(counts)
        for k in range(short):
            counts[k % len(counts)] += 1
        lid = ctx.max_like
        getbits = rng.getrandbits
        for (i, updated), n in zip(resolved, counts):
            if n == 0:
                continue
            row = topics[i]
            row[16] = n
            span = max(60.0, (now - updated).total_seconds())
            stamps = [ts(updated + dt.timedelta(seconds=span * k / 4)) for k in range(4)]
            t_id = row[0]
            for k in range(n):
                lid += 1
                likes.append((lid, t_id, "d:%032x" % getbits(128), stamps[k & 3]))
    return [tuple(t) for t in topics], events, likes


def _ctx_sqlite(con: sqlite3.Connection) -> Context:
    q = lambda k: con.execute(CONTEXT_QUERIES[k]).fetchall()  # noqa: E731
    m = q("max")[0]
    return Context(q("rooms"), q("residents"), q("members"), q("leaders"),
                   [r[0] for r in q("tracking")], m[0], m[1], m[2])


# Rows written around the store: its figures (工作指标) are counted again from
# the timeline, and its texts indexed for search, the next time `shangliang
# migrate` runs.
PENDING_FIGURES = ("INSERT INTO settings (key, value) VALUES ('figures_pending', '1'), ('search_pending', '1') "
                   "ON CONFLICT DO NOTHING")


def bulk_sqlite(path: str, n_topics: int, n_likes: int, log=print) -> dict:
    t0 = time.monotonic()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA busy_timeout = 10000")
    ctx = _ctx_sqlite(con)
    topics, events, likes = generate(ctx, n_topics, n_likes)
    t1 = time.monotonic()
    log(f"  generated {len(topics):,} topics, {len(likes):,} likes in {t1 - t0:.1f} s")

    def ins(table, cols, rows):
        ph = ",".join("?" * len(cols))
        con.executemany(f'INSERT INTO "{table}" ({",".join(cols)}) VALUES ({ph})', rows)

    con.execute("BEGIN")
    ins("topics", TOPIC_COLS, topics)
    ins("topic_events", EVENT_COLS, events)
    ins("likes", LIKE_COLS, likes)
    con.execute(PENDING_FIGURES)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    t2 = time.monotonic()
    log(f"  inserted into SQLite in {t2 - t1:.1f} s")
    return {"topics": len(topics), "likes": len(likes), "seconds": round(t2 - t0, 1)}


def psql(url: str, sql: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        ["psql", url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-F", "\t"] + (["-c", sql] if stdin is None else ["-f", "-"]),
        input=stdin, capture_output=True, text=True, timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr.strip()[:2000]}")
    return out.stdout


def _rows(text: str):
    return [line.split("\t") for line in text.splitlines() if line]


def _ctx_pg(url: str) -> Context:
    q = lambda k: _rows(psql(url, CONTEXT_QUERIES[k]))  # noqa: E731
    m = q("max")[0]
    return Context([(int(a), b) for a, b in q("rooms")],
                   [(int(a), b, c) for a, b, c in q("residents")],
                   [(int(a), b) for a, b in q("members")],
                   [(int(a), b) for a, b in q("leaders")],
                   [r[0] for r in q("tracking")], int(m[0]), int(m[1]), int(m[2]))


def _copy_text(v) -> str:
    if v is None:
        return r"\N"
    s = str(v)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def bulk_pg(url: str, n_topics: int, n_likes: int, log=print) -> dict:
    t0 = time.monotonic()
    ctx = _ctx_pg(url)
    topics, events, likes = generate(ctx, n_topics, n_likes)
    t1 = time.monotonic()
    log(f"  generated {len(topics):,} topics, {len(likes):,} likes in {t1 - t0:.1f} s")
    buf = io.StringIO()
    buf.write("BEGIN;\n")
    for table, cols, rows in (("topics", TOPIC_COLS, topics), ("topic_events", EVENT_COLS, events),
                              ("likes", LIKE_COLS, likes)):
        buf.write(f'COPY "{table}" ({",".join(cols)}) FROM STDIN;\n')
        for r in rows:
            buf.write("\t".join(_copy_text(v) for v in r))
            buf.write("\n")
        buf.write("\\.\n")
    for table in ("topics", "topic_events", "likes"):
        buf.write(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM \"{table}\"));\n")
    buf.write(PENDING_FIGURES + ";\n")
    buf.write("COMMIT;\nVACUUM ANALYZE;\n")
    psql(url, "", stdin=buf.getvalue())
    t2 = time.monotonic()
    log(f"  copied into PostgreSQL in {t2 - t1:.1f} s")
    return {"topics": len(topics), "likes": len(likes), "seconds": round(t2 - t0, 1)}
