-- wrk script for tests/load/soak.sh: reads and writes of the JSON API mixed,
-- on keep-alive connections.
--
--   SOAK_TOKEN  an API token of the partner's editor (Authorization: Bearer)
--   SOAK_A      the assessment's id
--   SOAK_ITEMS  the items the partner answers, space-separated
--   SOAK_WRITES percentage of requests that are saves (default 30)
--
-- Of each hundred requests SOAK_WRITES are PUTs of a partner answer with
-- the version this thread last saw for that item (so saves from other
-- threads make some of them conflict: 409 is a correct answer, not an
-- error); the rest are GETs of the assessment (two in three) and of the
-- assessment list.  done() prints one line per status class and a line
-- "SOAK requests=N 2xx=N 409=N 4xx=N 5xx=N socket=N" for soak.sh.

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   token = os.getenv("SOAK_TOKEN")
   aid = os.getenv("SOAK_A")
   writes = tonumber(os.getenv("SOAK_WRITES") or "30")
   items = {}
   for no in string.gmatch(os.getenv("SOAK_ITEMS") or "1", "%d+") do
      table.insert(items, tonumber(no))
   end
   version = {}
   for _, no in ipairs(items) do version[no] = 0 end
   n = 0
   c2xx, c409, c4xx, c5xx, cother = 0, 0, 0, 0, 0
   math.randomseed(os.time() + id * 7919)
end

function request()
   n = n + 1
   local h = { ["Authorization"] = "Bearer " .. token }
   local r = math.random(100)
   if r <= writes then
      local no = items[math.random(#items)]
      h["Content-Type"] = "application/json"
      local body = string.format(
         '{"status":"partial","current":"soak %d-%d","gap":"gap","plan":"plan","version":%d}',
         id, n, version[no])
      return wrk.format("PUT", "/api/v1/assessments/" .. aid .. "/items/" .. no ..
                        "/answers/partner", h, body)
   elseif r <= writes + (100 - writes) * 2 / 3 then
      return wrk.format("GET", "/api/v1/assessments/" .. aid, h)
   else
      return wrk.format("GET", "/api/v1/assessments", h)
   end
end

function response(status, headers, body)
   if status == 409 then
      c409 = c409 + 1
   elseif status >= 200 and status < 300 then
      c2xx = c2xx + 1
   elseif status >= 400 and status < 500 then
      c4xx = c4xx + 1
   elseif status >= 500 then
      c5xx = c5xx + 1
   else
      cother = cother + 1
   end
   -- A save (200) or a conflict (409, the stored answer in error.current)
   -- tells the item's current version; GETs of the whole assessment are
   -- not parsed (too costly for the load generator).
   if (status == 200 or status == 409) and body and #body < 2048 then
      local no = tonumber(string.match(body, '"no":(%d+)'))
      local v = tonumber(string.match(body, '"version":(%d+)'))
      if no and v and version[no] then
         if v > version[no] then version[no] = v end
      end
   end
end

function done(summary, latency, requests)
   local t2, t409, t4, t5, to = 0, 0, 0, 0, 0
   for _, t in ipairs(threads) do
      t2 = t2 + t:get("c2xx")
      t409 = t409 + t:get("c409")
      t4 = t4 + t:get("c4xx")
      t5 = t5 + t:get("c5xx")
      to = to + t:get("cother")
   end
   local e = summary.errors
   local socket = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      "SOAK requests=%d 2xx=%d 409=%d 4xx=%d 5xx=%d other=%d socket=%d connect=%d read=%d write=%d timeout=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      summary.requests, t2, t409, t4, t5, to, socket, e.connect, e.read, e.write, e.timeout,
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
