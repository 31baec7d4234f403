-- POST /api/topics/{no}/likes, every request from a new device (a unique
-- sl_device cookie) with its like token, spread over the resolved topics in
-- TOPICS_FILE.
--
-- Usage: wrk ... -s likes.lua URL -- TOPICS_FILE SALT QUOTA DEVICES_FILE PER_THREAD
--   DEVICES_FILE  the likes bench.py prepared for this run, "cookie topic
--          token": a signed device cookie (the server counts likes only from
--          phones it issued a device to), the topic, and the like token its
--          page hands out; thread t's n-th like uses line t*PER_THREAD+n.
--   SALT   8 hex digits, different for every run, so that the likes of a run
--          can be counted in the database: liker LIKE 'd:SALT%'.
--   QUOTA  likes per thread; 0 = as many as fit in the duration. With a
--          quota each thread sends exactly QUOTA likes, prints
--          "THREADDONE tid first last" when the last is answered and stops;
--          bench.py interrupts wrk (SIGINT) when every thread is done.
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

local topics, salt, quota, devices, per_thread
sent, answered = 0, 0
new, dup, failed, other = 0, 0, 0, 0
first, last = 0, 0
local codes = {}
local finished = false

function init(args)
  topics = C.read_lines(args[1])
  salt = args[2]
  assert(salt and #salt == 8, "SALT must be 8 hex digits")
  quota = tonumber(args[3] or "0") or 0
  devices = C.read_lines(args[4])
  per_thread = tonumber(args[5])
end

local calls = 0

function request()
  calls = calls + 1
  if calls == 1 then
    -- wrk 4.1 calls request() once on thread 0 before it starts, only to
    -- check for pipelining, and never sends that request. Make the first call
    -- of every thread a cheap GET that is not counted as a like.
    return wrk.format("GET", "/healthz")
  end
  if quota > 0 and sent >= quota then
    -- Quota sent: keep the remaining connections busy with something cheap
    -- until the last like is answered (these are not counted as likes).
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  if first == 0 then first = C.now() end
  -- A prepared line: "cookie topic token". Past them a like goes unsigned,
  -- without a token, and is refused (counted as failed).
  local line = devices[tid * per_thread + sent]
  local cookie, no, token
  if line then
    cookie, no, token = line:match("^(%S+) (%S+) (%S+)$")
  else
    cookie = string.format("%s%04x%020d", salt, tid, sent)
    no, token = topics[(sent * 7919 + tid * 104729) % #topics + 1], ""
  end
  return wrk.format("POST", "/api/topics/" .. no .. "/likes",
    { ["Cookie"] = "sl_device=" .. cookie, ["Content-Type"] = "application/json" },
    '{"token":"' .. token .. '"}')
end

function response(status, headers, body)
  local is_like
  if status >= 200 and status < 300 then
    if body:find('"new":true', 1, true) then
      new = new + 1; is_like = true
    elseif body:find('"new":false', 1, true) then
      dup = dup + 1; is_like = true
    elseif body:find('"count"', 1, true) then
      other = other + 1; is_like = true
    end
  else
    failed = failed + 1; is_like = true
    codes[status] = (codes[status] or 0) + 1
  end
  if is_like then
    answered = answered + 1
    last = C.now()
  end
  if quota > 0 and answered >= quota and not finished then
    finished = true
    io.stdout:write(string.format("THREADDONE %d %.6f %.6f\n", tid, first, last))
    io.stdout:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local r = C.summary(summary, latency)
  r.new, r.dup, r.failed, r.other = 0, 0, 0, 0
  r.threads = {}
  for _, t in ipairs(threads) do
    r.new = r.new + t:get("new")
    r.dup = r.dup + t:get("dup")
    r.failed = r.failed + t:get("failed")
    r.other = r.other + t:get("other")
    r.threads[#r.threads + 1] = { first = t:get("first"), last = t:get("last"),
                                  sent = t:get("sent"), answered = t:get("answered") }
  end
  C.emit(r)
end
