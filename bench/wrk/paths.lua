-- wrk script: GET the paths of a file in turn (one per line), with a bearer token. Usage: wrk ... -s paths.lua URL -- FILE TOKEN
local paths, token, i = {}, nil, 0

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  token = args[2]
  i = math.random(1, #paths)
end

function request()
  i = i % #paths + 1
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", paths[i], headers)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"seconds":%.3f,"non2xx":%d,"errors":%d,"p50ms":%.2f,"p99ms":%.2f,"maxms":%.2f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
