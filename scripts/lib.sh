# Shared by the load scripts: source it from the project root.

# start_server DATA PORT LOG [SERVE-ARGS...]: run the release server on DATA,
# wait until it answers, stop it when the script exits. Sets SERVER.
start_server() {
  local data=$1 port=$2 log=$3; shift 3
  "${CLAIMGRAPH_BIN:-target/release/claimgraph}" serve --data-dir "$data" --addr 127.0.0.1:"$port" --no-graphiql "$@" >"$log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 100); do curl -sf http://127.0.0.1:"$port"/health >/dev/null && return 0; sleep 0.1; done
  echo "the server did not start:" >&2; cat "$log" >&2; exit 1
}

# claim_ids PORT FILTER: the ids of the first 100 claims matching a GraphQL claim filter.
claim_ids() {
  curl -s http://127.0.0.1:"$1"/graphql -H 'content-type: application/json' \
    -d "{\"query\":\"{ claims(first: 100, filter: $2) { edges { node { id } } } }\"}" |
    python3 -c 'import json,sys; print(" ".join(e["node"]["id"] for e in json.load(sys.stdin)["data"]["claims"]["edges"]))'
}
