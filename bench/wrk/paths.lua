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

-- Beside this script: the result line shared with the other scripts.
local report = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "result.lua")

function done(summary, latency, requests)
  report(summary, latency)
end
