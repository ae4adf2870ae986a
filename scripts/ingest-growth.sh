#!/usr/bin/env bash
# How ingest cost grows past a first corpus: ingest BASE (default: the BBC
# corpus), then GROWTH (default: the Reuters-21578 stories, one JSON line
# each) in ten consecutive parts, each by its own `claimgraph ingest` run
# into the same store, and print per part: articles/s, peak RSS, bytes on
# disk per article; then the last part's time per article over the first's.
#   scripts/ingest-growth.sh [BASE] [GROWTH.jsonl] [ingest options...]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-../shared/corpus/bbc}; shift || true
GROWTH=${1:-../shared/corpus/reuters21578/reuters21578.jsonl}; shift || true
cargo build --release --quiet
BIN=$PWD/target/release/claimgraph
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
run() { /usr/bin/time -f "%e s, peak RSS %M KB" "$BIN" ingest --data-dir "$WORK/store" "$@" 2>&1 | grep -v -e '^$' -e WARN; }
out=$(run "$BASE" "$@"); echo "base: $(tr '\n' ' ' <<<"$out")"
base=$(sed -n 's/^ingested \([0-9]*\) new.*/\1/p' <<<"$out")
python3 - "$GROWTH" "$WORK" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
n = len(lines)
for i in range(10):
    with open(f"{sys.argv[2]}/part{i}.jsonl", "w", encoding="utf-8") as f:
        f.write("\n".join(lines[i * n // 10:(i + 1) * n // 10]) + "\n")
PY
printf "%-5s %9s %10s %12s %14s\n" part articles articles/s "peak RSS MB" "disk KB/article"
first=""; total=0
for i in $(seq 0 9); do
  out=$(run "$WORK/part$i.jsonl" "$@")
  n=$(sed -n 's/^ingested \([0-9]*\) new.*/\1/p' <<<"$out"); total=$((total + n))
  secs=$(sed -n 's/^\([0-9.]*\) s, peak.*/\1/p' <<<"$out")
  rss=$(sed -n 's/.*peak RSS \([0-9]*\) KB/\1/p' <<<"$out")
  all=$(du -sk "$WORK/store" | cut -f1)
  printf "%-5s %9s %10.1f %12d %14.1f\n" $((i + 1)) "$n" "$(echo "$n / $secs" | bc -l)" $((rss / 1024)) "$(echo "$all / ($total + $base)" | bc -l)"
  [ -z "$first" ] && first=$(echo "$secs / $n" | bc -l)
  last=$(echo "$secs / $n" | bc -l)
done
echo "last part's time per article / first part's = $(printf %.2f "$(echo "$last / $first" | bc -l)")"
