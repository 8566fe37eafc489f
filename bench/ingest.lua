-- wrk script: POSTs pre-signed webhook requests from a file (see gen_requests.py).
-- usage: wrk -t T -c C -d D -s ingest.lua URL -- REQUEST_FILE THREADS [DELAY_MS]
-- Thread k sends lines k, k+T, k+2T, ... so threads never share an id. A thread that runs out
-- of lines starts again from its first: those requests are redeliveries and count as such.
-- Prints one RESULT line with the counts by status and the latency percentiles in ms.

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
  return pause
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
