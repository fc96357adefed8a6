-- wrk script for bench/run.py: wrk -s bench/wrk.lua URL -- MODE TOKEN ID,ID,...
-- MODE is list, detail, patch or mix (60% list, 30% detail, 10% PATCH).
-- PATCH sends If-Match: * (the client accepts whatever version is current) and flips priority.
local mode, token, ids = "list", "", {}
local counter = 0

function init(args)
  mode = args[1] or "list"
  token = args[2] or ""
  for id in string.gmatch(args[3] or "", "%d+") do
    ids[#ids + 1] = id
  end
end

local function headers(extra)
  local h = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local function list()
  local page = (counter % 5) + 1
  return wrk.format("GET", "/api/v1/requests/?status=in_progress&open=true&page_size=100&page=" .. page, headers())
end

local function detail()
  return wrk.format("GET", "/api/v1/requests/" .. ids[(counter % #ids) + 1] .. "/", headers())
end

local function patch()
  local priority = (counter % 2 == 0) and "high" or "normal"
  local body = '{"priority": "' .. priority .. '"}'
  return wrk.format("PATCH", "/api/v1/requests/" .. ids[(counter % #ids) + 1] .. "/",
    headers({ ["Content-Type"] = "application/json", ["If-Match"] = "*" }), body)
end

function request()
  counter = counter + 1
  if mode == "detail" then return detail() end
  if mode == "patch" then return patch() end
  if mode == "mix" then
    local r = counter % 10
    if r < 6 then return list() elseif r < 9 then return detail() else return patch() end
  end
  return list()
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local non2xx = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "non2xx": %d}\n',
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, non2xx))
end
