-- wrk script: POSTs pre-signed webhook requests from a file (see gen_requests.py).
-- usage: wrk -t T -c C -d D -s ingest.lua URL -- REQUEST_FILE THREADS [DELAY_MS [RATE]]
-- DELAY_MS: each connection pauses that long after every answer (closed loop, 0: none).
-- RATE: requests per second over all threads, sent on a fixed schedule (open loop): a slow answer
-- does not lower the offered rate as long as a connection is free. A pause of a few ms after each
-- answer, as DELAY_MS gives, offers less than connections/DELAY_MS once answers take time
-- (16 connections 16 ms apart offered ~600 req/s, not 1,000, at a p50 of 10 ms).
-- Thread k sends lines k, k+T, k+2T, ... so threads never share an id. A thread that runs out
-- of lines starts again from its first: those requests are redeliveries and count as such.
-- Prints one RESULT line with the counts by status and the latency percentiles in ms.

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } sb_timespec;
  int clock_gettime(int clock, sb_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("sb_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  pause = tonumber(args[3] or "0")
  local rate = tonumber(args[4] or "0")
  -- This thread's share of the rate: one request every `interval` ms, the next due at `due`.
  interval = rate > 0 and nthreads * 1000 / rate or 0
  due = nil
  requests = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == id then
      local signature, body = line:match("^([^\t]+)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", "/hooks/bench",
        { ["Content-Type"] = "application/json", ["X-Signature"] = "sha256=" .. signature }, body)
    end
    i = i + 1
  end
  n, accepted, duplicates, other = 0, 0, 0, 0
end

function request()
  n = n + 1
  if n > #requests then n = 1 end
  return requests[n]
end


function delay()
  if interval == 0 then return pause end
  -- Take the next slot of the schedule. A slot already past is taken now, not made up for with a
  -- burst: when every connection is busy the offered rate falls, and the RESULT line's rps says so.
  local now = now_ms()
  local slot = math.max(due or now, now)
  due = slot + interval
  return math.floor(slot - now)
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1
  elseif status == 200 then duplicates = duplicates + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local a, d, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    d = d + thread:get("duplicates")
    o = o + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d accepted=%d duplicates=%d other=%d socket_errors=%d rps=%.1f p50=%.2f p99=%.2f p999=%.2f\n",
    summary.requests, a, d, o, e.connect + e.read + e.write + e.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
