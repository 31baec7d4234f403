-- GET a rotating list of paths (one per line in the file given as first argument),
-- asking for compressed answers as every phone's browser does.
-- Usage: wrk ... -s get.lua URL -- PATHS_FILE [COOKIE]
local C = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local threads = {}
local paths, i, headers

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  paths = C.read_lines(args[1])
  headers = { ["Accept-Encoding"] = "gzip, deflate, br" }
  if args[2] and #args[2] > 0 then headers["Cookie"] = args[2] end
  -- Start each thread at a different place in the list.
  i = (tid * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

function done(summary, latency, requests)
  C.emit(C.summary(summary, latency))
end
