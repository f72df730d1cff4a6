#!/usr/bin/env bash
# Load on memory-graph serve from wrk: GET a node, POST a node, POST a query and an MCP
# tools/call over HTTP, each at CONNECTIONS keep-alive connections for DURATION seconds, and
# in the same run /health, the server's trivial route (the framework's floor), against which
# GET node is reported as a share.
#   Benchmarks/serve-load/serve-load.sh BINARY [DURATION] [CONNECTIONS] [NODES]
# With BACKEND=postgres://… the instances serve that database, and INSTANCES=N (default 1) starts
# N of them: each scenario then runs one wrk per instance, CONNECTIONS/N connections each, and
# reports the sum.
set -euo pipefail
binary=$1 duration=${2:-10} connections=${3:-64} nodes=${4:-10000}
instances=${INSTANCES:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
servers=()
trap 'kill "${servers[@]}" 2>/dev/null; wait "${servers[@]}" 2>/dev/null; rm -rf "$work"' EXIT

token=$("$binary" token add --tokens "$work/tokens.json" --agent load | tail -n 1)
location=(--path "$work/store")
if [ -n "${BACKEND:-}" ]; then location=(--backend "$BACKEND"); fi
urls=()
for ((i = 0; i < instances; i++)); do
    "$binary" serve "${location[@]}" --tokens "$work/tokens.json" --listen 127.0.0.1:0 >"$work/out$i" 2>"$work/err$i" &
    servers+=($!)
    for _ in $(seq 100); do grep -q listening "$work/out$i" 2>/dev/null && break; sleep 0.1; done
    urls+=("$(awk '{print $3}' "$work/out$i")")
done
url=${urls[0]}
auth="Authorization: Bearer $token"

# The store: NODES nodes in 8 contexts, written in batches of 1 000.
for ((start = 0; start < nodes; start += 1000)); do
    python3 -c "import json,sys; s=int(sys.argv[1]); print(json.dumps({'nodes': [{'context': f'c{n % 8}', \
'result': {'type': 'fact', 'confidence_score': (n % 100) / 100, 'n': n}} for n in range(s, min(s + 1000, int(sys.argv[2])))]}))" \
        "$start" "$nodes" >"$work/batch.json"
    curl -sf -X POST "$url/v1/nodes" -H "$auth" -H 'Content-Type: application/json' --data-binary @"$work/batch.json" |
        python3 -c "import json,sys; print('\n'.join(n['id'] for n in json.load(sys.stdin)['nodes']))" >>"$work/ids"
done

# An MCP session on each instance for the tools/call scenario (a session lives on its instance).
sessions=()
for instance_url in "${urls[@]}"; do
    session=$(curl -s -D - -o /dev/null -X POST "$instance_url/mcp" -H "$auth" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' \
        -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load","version":"1"}}}' |
        awk 'tolower($1) == "mcp-session-id:" {print $2}' | tr -d '\r')
    curl -sf -o /dev/null -X POST "$instance_url/mcp" -H "$auth" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: $session" -H 'MCP-Protocol-Version: 2025-06-18' \
        -d '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    sessions+=("$session")
done

# One wrk per instance at once; their rates add up, their latencies are the first instance's.
run() {
    local name=$1
    shift
    local i loads=()
    for ((i = 0; i < instances; i++)); do
        env "$@" LOAD_TOKEN="$token" LOAD_SESSION="${sessions[$i]}" wrk -t 2 -c $((connections / instances)) \
            -d "${duration}s" -s "$here/request.lua" "${urls[$i]}" | grep '^RESULT' >"$work/result$i" &
        loads+=($!)
    done
    wait "${loads[@]}"
    read -r _ rate p50 p99 p999 total failed <"$work/result0"
    for ((i = 1; i < instances; i++)); do
        read -r _ more _ _ _ more_total more_failed <"$work/result$i"
        rate=$(python3 -c "print(round($rate + $more))") total=$((total + more_total)) failed=$((failed + more_failed))
    done
    printf '| %-22s | %9s | %8s | %8s | %8s | %9s | %6s |\n' "$name" "$rate" "$p50" "$p99" "$p999" "$total" "$failed"
    eval "rate_${name//[^a-z]/_}=$rate"
}

echo "memory-graph serve under wrk: $connections connections, ${duration} s a scenario, $nodes nodes," \
    "$instances instance(s) on $([ -n "${BACKEND:-}" ] && echo PostgreSQL || echo LMDB)"
echo
echo '| scenario               | requests/s | p50 ms | p99 ms | p99.9 ms | requests | non-2xx |'
echo '|---|---:|---:|---:|---:|---:|---:|'
run health LOAD_PATH=/health
run get_node LOAD_PATH='/v1/nodes/{id}' LOAD_IDS="$work/ids"
run post_node LOAD_METHOD=POST LOAD_PATH=/v1/nodes LOAD_BODY='{"context":"load","result":{"type":"fact","confidence_score":0.5}}'
run post_query LOAD_METHOD=POST LOAD_PATH=/v1/query LOAD_BODY='{"contexts":["c3"],"min_confidence":0.5,"limit":10}'
run mcp_tools_call LOAD_METHOD=POST LOAD_PATH=/mcp \
    LOAD_BODY='{"jsonrpc":"2.0","id":{rpc},"method":"tools/call","params":{"name":"get_nodes","arguments":{"ids":["'"$(head -n 1 "$work/ids")"'"]}}}'
echo
python3 -c "import sys; print(f'GET node: {float(sys.argv[1]) / float(sys.argv[2]):.0%} of the /health floor')" \
    "$rate_get_node" "$rate_health"
