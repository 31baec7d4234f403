-- Shared helpers for the bench/run wrk scripts (loaded with dofile).
-- Every script prints one line "BENCHJSON {...}" from done(), which
-- bench/bench.py parses; nothing else in wrk's output is relied upon.

local M = {}

local ffi = require("ffi")
pcall(ffi.cdef, [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]])
local ts = ffi.new("bench_timespec")

-- CLOCK_MONOTONIC, the same clock as Python's time.monotonic().
function M.now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function M.read_lines(path)
  local out = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if #line > 0 then out[#out + 1] = line end
  end
  f:close()
  assert(#out > 0, "no lines in " .. path)
  return out
end

local function esc(s)
  return (tostring(s):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

-- A minimal JSON encoder for flat tables of numbers/strings and nested tables.
function M.json(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return string.format("%.17g", v)
  elseif t == "string" then
    return '"' .. esc(v) .. '"'
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "table" then
    if #v > 0 then
      local parts = {}
      for i = 1, #v do parts[i] = M.json(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = M.json(tostring(k)) .. ":" .. M.json(x) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end

-- The common part of every report: counts, errors and latency percentiles (µs).
function M.summary(summary, latency)
  local e = summary.errors
  return {
    requests = summary.requests,
    duration_us = summary.duration,
    bytes = summary.bytes,
    errors = { connect = e.connect, read = e.read, write = e.write, status = e.status, timeout = e.timeout },
    latency_us = {
      p50 = latency:percentile(50), p90 = latency:percentile(90),
      p99 = latency:percentile(99), max = latency.max, mean = latency.mean,
    },
  }
end

function M.emit(report)
  io.stdout:write("BENCHJSON " .. M.json(report) .. "\n")
  io.stdout:flush()
end

return M
