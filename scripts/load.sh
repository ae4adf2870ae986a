#!/usr/bin/env bash
# Load test of the GraphQL endpoint with wrk: the nested claim query against
# `{ __typename }` (the framework's floor), same server, same run.
#   scripts/load.sh [--data-dir DIR] [--corpus DIR] [--connections N] [--duration S] [-- SERVE-ARGS...]
# e.g. `scripts/load.sh -- --response-cache 0` measures execution without the response cache.
# Builds release, ingests the corpus into DIR if it is empty, starts the
# server, runs wrk for each query, prints requests/s, latency percentiles and
# the ratio. Needs wrk (Debian: apt-get install wrk).
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
cargo build --release --quiet
BIN=target/release/claimgraph
if [ ! -d "$DATA" ]; then "$BIN" ingest --data-dir "$DATA" "$CORPUS"; fi
"$BIN" serve --data-dir "$DATA" --addr 127.0.0.1:$PORT --no-graphiql "${SERVE_ARGS[@]}" >/tmp/claimgraph-load.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$PORT/health >/dev/null || { echo "the server did not start:" >&2; cat /tmp/claimgraph-load.log >&2; exit 1; }
# Claims that have corroborations, so every branch of the nested query has data.
IDS=$(curl -s http://127.0.0.1:$PORT/graphql -H 'content-type: application/json' \
  -d '{"query":"{ claims(first: 100, filter: {kind: DIRECT_QUOTE}) { edges { node { id corroborationCount } } } }"}' |
  python3 -c 'import json,sys; e=json.load(sys.stdin)["data"]["claims"]["edges"]; print(" ".join(x["node"]["id"] for x in e))')
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
