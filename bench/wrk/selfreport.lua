-- wrk script: valid self-reports, each about a person of its own and from an address of its own (the server is
-- started with --trusted-proxy 127.0.0.1, so X-Forwarded-For counts and no rate limit is met).
local W = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local C = "10X98765432"
local threads = {}
local counter, base = 0, 0

function setup(thread)
  thread:set("base", #threads * 1000000 + math.random(0, 99) * 10000000)
  table.insert(threads, thread)
end

local function resident_id(n)
  local body = string.format("430481%04d%02d%02d%03d", 1950 + math.floor(n / 336) % 60, math.floor(n / 28) % 12 + 1, n % 28 + 1, 100 + math.floor(n / 20160) % 900)
  local s = 0
  for i = 1, 17 do s = s + tonumber(body:sub(i, i)) * W[i] end
  local k = s % 11 + 1
  return body .. C:sub(k, k)
end

function request()
  counter = counter + 1
  local n = base + counter
  local body = string.format('{"name":"压测","residentId":"%s","mobile":"139%08d","regionCode":"430481001001","riskKinds":["illness"],"description":"","consent":true}',
    resident_id(n), n % 100000000)
  local headers = {["Content-Type"] = "application/json", ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)}
  return wrk.format("POST", "/api/v1/public/self-reports", headers, body)
end

-- Beside this script: the result line shared with the other scripts.
local report = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "result.lua")

function done(summary, latency, requests)
  report(summary, latency)
end
