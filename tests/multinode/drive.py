"""Drives two Shangliang nodes through the load balancer (see ./run).

usage: drive.py BASE_URL NODE1_PID DATABASE_URL

1. The chain, each request answered by whichever node nginx picks: a
   resident raises topics, the convener accepts one and refers another to
   a department, which signs and completes the task, and the convener's
   verification completes the topic. Both nodes must have answered, and every signed-in
   request must have worked on either (sessions live in the database).
2. A kept page follows a write on the other node at once: the topic page,
   read through both nodes, shows 已立项 right after the accept, although
   the nodes keep pages for an hour unless told of a write.
3. A photo sent through one node is shown by the other, from the bucket
   both keep photos in.
4. A node is killed (SIGKILL) in the middle of a burst of submissions:
   every submission acknowledged (201) must be there afterwards, once, and
   the survivor must serve every page.
"""
import http.cookiejar
import json
import re
import struct
import zlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BASE, NODE1, DB = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ROOM = "chenshi-sq"
PASSWORD = "shangliang2026"
seen_nodes = set()


class Client:
    def __init__(self):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(BASE + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        try:
            with self.opener.open(req, timeout=30) as r:
                status, raw, upstream = r.status, r.read(), r.headers.get("x-upstream")
        except urllib.error.HTTPError as e:
            status, raw, upstream = e.code, e.read(), e.headers.get("x-upstream")
        if upstream:
            seen_nodes.add(upstream)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def raw(self, method, path, data=None, content_type=None):
        """Status, body bytes and the node that answered."""
        req = urllib.request.Request(BASE + path, data=data, method=method)
        if content_type:
            req.add_header("content-type", content_type)
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read(), r.headers.get("x-upstream")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers.get("x-upstream")

    def ok(self, method, path, body=None, want=(200, 201)):
        status, v = self.call(method, path, body)
        if status not in want:
            sys.exit(f"{method} {path} → {status}: {v}")
        return v

    def login(self, username):
        self.ok("POST", "/api/session", {"username": username, "password": PASSWORD})
        return self


def sql(query):
    out = subprocess.run(["psql", DB, "-tAc", query], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def chain():
    resident = Client()
    t = resident.ok("POST", f"/api/rooms/{ROOM}/topics", {
        "title": "府前路破损井盖修缮", "body": "府前路与建设路交叉口的井盖破损，夜里行人容易踩空。",
        "category": "市政设施", "place": "府前路与建设路交叉口", "phone": "13900001111"})
    no = t["tracking_no"]
    anon = Client()
    for _ in range(4):  # kept on both nodes
        status, page = anon.call("GET", f"/t/{no}")
        assert status == 200 and "待受理" in page, status
    convener = Client().login("convener-chenshisq")
    convener.ok("POST", f"/api/topics/{no}/actions/accept", {})
    # Both nodes keep pages for an hour unless told: they must have been told.
    started, answers = time.monotonic(), []
    while time.monotonic() - started < 2:
        answers = [anon.call("GET", f"/t/{no}")[1] for _ in range(4)]
        if all("已立项" in a for a in answers):
            break
        time.sleep(0.05)
    else:
        sys.exit("a node kept showing the topic as 待受理 after the other accepted it")
    print(f"kept pages followed the accept on both nodes in {time.monotonic() - started:.2f} s")
    # A second topic goes straight to a department (转办) and is resolved there.
    no = resident.ok("POST", f"/api/rooms/{ROOM}/topics", {
        "title": "建设路路灯不亮", "body": "建设路东段三盏路灯连续一周不亮。", "place": "建设路东段",
        "phone": "13900002222"})["tracking_no"]
    dept = sql("SELECT id FROM departments WHERE name LIKE '%城市管理%' ORDER BY id LIMIT 1")
    convener.ok("POST", f"/api/topics/{no}/actions/refer", {"department": dept, "deadline": "normal"})
    task = convener.ok("GET", f"/api/topics/{no}")["tasks"][0]["id"]
    staff = Client().login("dept-chengguan")
    staff.ok("POST", f"/api/tasks/{task}/actions/sign", {})
    staff.ok("POST", f"/api/tasks/{task}/actions/complete", {"note": "已更换为防坠落井盖，并加装警示标识。"})
    convener.ok("POST", f"/api/tasks/{task}/actions/verify", {})
    topic = anon.ok("GET", f"/api/topics/{no}")
    assert topic["state"] == "completed", topic["state"]
    assert len(seen_nodes) == 2, f"answered by {seen_nodes} only"
    print(f"chain through the balancer: {no} completed, answered by both nodes {sorted(seen_nodes)}")


def png(width, height, rgb):
    """A plain PNG of one colour, as a phone's screenshot."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def photos():
    phone = Client()
    phone.raw("GET", f"/r/{ROOM}")  # the device cookie every submission needs
    boundary = "----shangliang-multinode"
    fields = {"title": "新村路井盖缺失", "body": "新村路中段井盖缺失，已用树枝临时围挡。",
              "category": "市政设施", "place": "新村路中段", "anonymous": "on"}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="IMG_0001.png"'
                 f'\r\nContent-Type: image/png\r\n\r\n'.encode() + png(80, 60, (200, 120, 40)) + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    status, page, _ = phone.raw("POST", f"/r/{ROOM}/topics", body, f"multipart/form-data; boundary={boundary}")
    links = re.findall(r'<a href="(/media/[^"]+)"', page.decode())
    if status != 200 or len(links) != 1:
        sys.exit(f"submission with a photo → {status}, links {links}")
    by_node = {}
    for _ in range(6):
        status, data, upstream = phone.raw("GET", links[0])
        if status != 200:
            sys.exit(f"GET {links[0]} from {upstream} → {status}")
        by_node.setdefault(upstream, set()).add(data)
    if len(by_node) != 2 or len({d for ds in by_node.values() for d in ds}) != 1:
        sys.exit(f"the photo must come from both nodes, the same: {[(n, len(d)) for n, d in by_node.items()]}")
    print(f"a photo sent through the balancer is shown by both nodes ({len(next(iter(by_node.values())).pop())} bytes)")


def burst():
    acked, failed, lock, stop = [], [], threading.Lock(), threading.Event()

    def submit(worker):
        c, n = Client(), 0
        while not stop.is_set():
            n += 1
            status, v = c.call("POST", f"/api/rooms/{ROOM}/topics", {
                "title": f"停车秩序整治{worker}-{n}", "body": "小区门口车辆乱停，消防通道被占。",
                "client_key": f"multinode-{worker}-{n:06d}"})
            with lock:
                (acked if status == 201 else failed).append(v["tracking_no"] if status == 201 else status)

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    time.sleep(2)
    os.kill(NODE1, signal.SIGKILL)
    before_kill = len(acked)
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) > before_kill, "nothing was acknowledged after the kill"
    stored = int(sql("SELECT count(*) FROM submission_keys WHERE client_key LIKE 'multinode-%'"))
    missing = [no for no in acked
               if sql(f"SELECT count(*) FROM topics WHERE tracking_no = '{no}'") != "1"]
    print(f"burst: {len(acked)} acknowledged ({before_kill} before the kill), "
          f"{len(failed)} refused in flight {sorted(set(failed))}, {stored} stored, {len(missing)} lost")
    assert not missing, f"acknowledged but not stored: {missing[:5]}"
    assert stored >= len(acked), (stored, len(acked))
    # The survivor serves everything.
    anon = Client()
    for path in ["/", f"/r/{ROOM}", "/api/topics?limit=5", f"/t/{acked[-1]}", f"/api/topics/{acked[0]}"]:
        status, _ = anon.call("GET", path)
        assert status == 200, f"{path} → {status} after the kill"
    print("the surviving node serves every page")


chain()
photos()
burst()
