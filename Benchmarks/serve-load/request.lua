-- One wrk scenario of serve-load.sh, described by environment variables:
--   LOAD_METHOD, LOAD_PATH (with {id} replaced by a random line of LOAD_IDS), LOAD_BODY,
--   LOAD_TOKEN, LOAD_SESSION (an MCP session id). Reports requests/s, latency percentiles and
--   the responses that were not 2xx as one line starting with "RESULT".
local method = os.getenv("LOAD_METHOD") or "GET"
local path = os.getenv("LOAD_PATH") or "/health"
local body = os.getenv("LOAD_BODY")
local ids = {}

local file = os.getenv("LOAD_IDS") and io.open(os.getenv("LOAD_IDS"))
if file then
    for line in file:lines() do ids[#ids + 1] = line end
    file:close()
end

wrk.method = method
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
if os.getenv("LOAD_TOKEN") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("LOAD_TOKEN") end
if os.getenv("LOAD_SESSION") then
    wrk.headers["Mcp-Session-Id"] = os.getenv("LOAD_SESSION")
    wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
end

local failures = 0
local threads_made = 0
local sent = 0

-- Each thread has a number (the global thread_number) and numbers its requests, so that
-- JSON-RPC ids (the body's {rpc}) stay unique.
setup = function(thread)
    threads_made = threads_made + 1
    thread:set("thread_number", threads_made)
end

request = function()
    if body and body:find("{rpc}", 1, true) then
        sent = sent + 1
        return wrk.format(nil, path, nil, (body:gsub("{rpc}", '"' .. thread_number .. "-" .. sent .. '"')))
    end
    if #ids > 0 then
        return wrk.format(nil, (path:gsub("{id}", ids[math.random(#ids)])))
    end
    return wrk.format(nil, path)
end

response = function(status)
    if status < 200 or status > 299 then failures = failures + 1 end
end

done = function(summary, latency)
    local seconds = summary.duration / 1e6
    io.write(string.format("RESULT %.0f %.3f %.3f %.3f %d %d\n", summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
        summary.requests, failures + summary.errors.status + summary.errors.connect + summary.errors.read
            + summary.errors.write + summary.errors.timeout))
end
