#!/usr/bin/env bash
# Load test of the GraphQL endpoint with wrk: the nested claim query against
# `{ __typename }` (the framework's floor), same server, same run.
#   scripts/load.sh [--data-dir DIR] [--corpus DIR] [--connections N] [--duration S] [-- SERVE-ARGS...]
# e.g. `scripts/load.sh -- --response-cache 0` measures execution without the response cache.
# Builds release, ingests the corpus into DIR if it is empty, starts the
# server, runs wrk for each query, prints requests/s, latency percentiles and
# the ratio, then the request counts scraped from /metrics. Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=target/load-store; CORPUS=../shared/corpus/bbc; CONNS=64; DUR=10; THREADS=2; PORT=18080
SERVE_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA=$2; shift 2;; --corpus) CORPUS=$2; shift 2;;
    --connections) CONNS=$2; shift 2;; --duration) DUR=$2; shift 2;;
    --port) PORT=$2; shift 2;;
    --) shift; SERVE_ARGS=("$@"); break;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# CLAIMGRAPH_BIN=path measures another build (an A/B in one sitting).
[ -n "${CLAIMGRAPH_BIN:-}" ] || cargo build --release --quiet
BIN=${CLAIMGRAPH_BIN:-target/release/claimgraph}
if [ ! -d "$DATA" ]; then "$BIN" ingest --data-dir "$DATA" "$CORPUS"; fi
. scripts/lib.sh
start_server "$DATA" "$PORT" /tmp/claimgraph-load.log "${SERVE_ARGS[@]}"
# Direct quotes: every one has a speaker, so the speaker branch has data.
IDS=$(claim_ids "$PORT" '{kind: DIRECT_QUOTE}')
LUA=$(mktemp --suffix=.lua)
python3 - "$LUA" $IDS <<'PY'
import json, sys
out, ids = sys.argv[1], sys.argv[2:]
nested = open("schema/queries/nested.graphql").read()
bodies = [json.dumps({"query": nested, "variables": {"id": i}}) for i in ids]
with open(out, "w") as f:
    f.write("wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n")
    f.write("local bodies = {" + ",".join("[[" + b + "]]" for b in bodies) + "}\n")
    f.write("local n = 0\nrequest = function()\n  n = n + 1\n  return wrk.format(nil, '/graphql', nil, bodies[(n % #bodies) + 1])\nend\n")
    f.write("done = function(summary, latency, requests)\n  io.write(string.format('RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\\n', summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\nend\n")
PY
TYPENAME=$(mktemp --suffix=.lua)
cat > "$TYPENAME" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- Built per request like the nested bodies, so wrk spends alike on both.
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/graphql", nil, '{"query":"{ __typename }"}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
run() { wrk -t$THREADS -c$CONNS -d${DUR}s --latency -s "$2" http://127.0.0.1:$PORT/graphql | grep RESULT | sed "s/RESULT/$1/"; }
echo "connections=$CONNS duration=${DUR}s threads=$THREADS store=$DATA claims=$(echo $IDS | wc -w) rotating"
run warmup "$LUA" >/dev/null
A=$(run typename "$TYPENAME"); echo "$A"
B=$(run nested "$LUA"); echo "$B"
python3 - "$A" "$B" <<'PY'
import sys, re
a = float(re.search(r"rps=(\d+)", sys.argv[1]).group(1)); b = float(re.search(r"rps=(\d+)", sys.argv[2]).group(1))
print(f"ratio nested/typename = {b / a:.2f}")
PY
# What the server counted meanwhile, as Prometheus would scrape it.
echo "--- /metrics after the runs:"
curl -s http://127.0.0.1:$PORT/metrics | grep -E '^claimgraph_(http_responses_total|response_cache_hits_total|graphql_operations_total|graphql_errors_total)' || true
