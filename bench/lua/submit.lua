-- POST /api/rooms/{code}/topics with a JSON {title, body} built from
-- fragments (titles 4-60 characters), rooms from ROOMS_FILE (anonymous
-- submissions allowed).
-- Usage: wrk ... -s submit.lua URL -- ROOMS_FILE SALT
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

local rooms, salt
local n = 0
created, failed = 0, 0

local places = { "幸福路", "惠民小区", "陈师大道", "农贸市场", "村部门口", "学校南门", "盐河北路", "老街" }
local problems = { "路灯不亮", "积水严重", "垃圾清运不及时", "停车混乱", "井盖松动", "噪音扰民", "缺少健身器材", "道路破损" }

function init(args)
  rooms = C.read_lines(args[1])
  salt = args[2] or "bench"
end

function request()
  n = n + 1
  local title = places[n % #places + 1] .. problems[(n * 3 + tid) % #problems + 1] .. "（" .. tid .. "-" .. n .. "）"
  local body = string.format('{"title":"%s","body":"压测提交 %s-%d-%d：希望有关部门尽快处理。","category":"公共设施"}',
    title, salt, tid, n)
  return wrk.format("POST", "/api/rooms/" .. rooms[n % #rooms + 1] .. "/topics",
    { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local r = C.summary(summary, latency)
  r.created, r.failed = 0, 0
  for _, t in ipairs(threads) do
    r.created = r.created + t:get("created")
    r.failed = r.failed + t:get("failed")
  end
  C.emit(r)
end
