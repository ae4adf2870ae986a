#!/usr/bin/env bash
# Soak: mixed reads and writes at 256 connections for 60 s against a release
# server over the BBC store; fails on any error; reports memory over time.
#   scripts/soak.sh [--duration S] [--connections N] [--data-dir DIR]
# Reads: the nested claim query (rotating ids), crossCheck, claim search.
# Writes (1 in 10): ingestArticle with a new body each time.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=target/soak-store; CORPUS=../shared/corpus/bbc; CONNS=256; DUR=60; PORT=18081
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA=$2; shift 2;; --corpus) CORPUS=$2; shift 2;;
    --connections) CONNS=$2; shift 2;; --duration) DUR=$2; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/claimgraph
rm -rf "$DATA"; "$BIN" ingest --data-dir "$DATA" "$CORPUS" >/dev/null
. scripts/lib.sh
start_server "$DATA" "$PORT" /tmp/claimgraph-soak.log
IDS=$(claim_ids "$PORT" '{}')
LUA=$(mktemp --suffix=.lua)
python3 - "$LUA" $IDS <<'PY'
import json, sys
out, ids = sys.argv[1], sys.argv[2:]
nested = open("schema/queries/nested.graphql").read()
reads = [json.dumps({"query": nested, "variables": {"id": i}}) for i in ids]
reads += [json.dumps({"query": "query($t: String!) { crossCheck(text: $t, first: 5) { score stance claim { text } } }", "variables": {"t": t}})
          for t in ["Shares in the bank fell sharply after the results", "The minister said the economy would grow by 3% next year", "The film won best picture at the Oscars"]]
reads += [json.dumps({"query": "{ claims(first: 10, filter: {search: \"economy\"}) { totalCount edges { node { text speakers { name } } } } }"})]
with open(out, "w") as f:
    f.write("""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local reads = {%s}
local threads = {}
local id = 0
function setup(thread) id = id + 1; thread:set("tid", id); table.insert(threads, thread) end
function init(args) n = 0; writes = 0; gql_errors = 0 end
function request()
  n = n + 1
  if n %% 10 == 0 then
    writes = writes + 1
    local body = string.format('{"query":"mutation($b: String!) { ingestArticle(input: {body: $b, publisher: \\\\"Soak\\\\"}) { id claimCount } }","variables":{"b":"Soak thread %%d request %%d. \\\\"We will open the harbour in April,\\\\" Mayor Anna Kowalski said on day %%d."}}', tid, n, n)
    return wrk.format(nil, "/graphql", nil, body)
  end
  return wrk.format(nil, "/graphql", nil, reads[(n %% #reads) + 1])
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then gql_errors = gql_errors + 1 end
end
function done(summary, latency, requests)
  local e, w = 0, 0
  for _, t in ipairs(threads) do e = e + t:get("gql_errors"); w = w + t:get("writes") end
  io.write(string.format("RESULT requests=%%d rps=%%.0f writes=%%d p50_ms=%%.2f p99_ms=%%.2f http_errors=%%d graphql_errors=%%d\\n",
    summary.requests, summary.requests / (summary.duration / 1e6), w, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, e))
end
""" % ",".join("[[" + r + "]]" for r in reads))
PY
rss() { ps -o rss= -p $SERVER | tr -d ' '; }
echo "rss before: $(rss) KB"
( for s in $(seq $DUR); do sleep 1; echo "$s $(rss)"; done ) > /tmp/claimgraph-soak-rss.txt &
SAMPLER=$!
OUT=$(wrk -t2 -c$CONNS -d${DUR}s --timeout 10s --latency -s "$LUA" http://127.0.0.1:$PORT/graphql)
wait $SAMPLER || true
echo "$OUT" | grep RESULT
python3 - <<'PY'
rows = [tuple(map(int, l.split())) for l in open("/tmp/claimgraph-soak-rss.txt") if len(l.split()) == 2]
if rows:
    q = len(rows) // 4 or 1
    first, last = rows[:q], rows[-q:]
    avg = lambda xs: sum(r[1] for r in xs) / len(xs)
    print(f"rss KB: first quarter avg {avg(first):.0f}, last quarter avg {avg(last):.0f}, max {max(r[1] for r in rows)}")
PY
echo "$OUT" | grep -q "http_errors=0 graphql_errors=0" || { echo "errors during the soak" >&2; exit 1; }
