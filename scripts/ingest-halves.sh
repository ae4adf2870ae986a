#!/usr/bin/env bash
# Ingest throughput of a corpus (default: the BBC corpus), timing the second
# half against the first in one store. The halves interleave (even and odd
# files in path order), so both hold the same mix of topics and the ratio
# measures the store's growth, not a change of content.
#   scripts/ingest-halves.sh [CORPUS] [--jobs N]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/bbc}; shift || true
cargo build --release --quiet
BIN=$PWD/target/release/claimgraph
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/a" "$WORK/b"
i=0
while IFS= read -r f; do
  if [ $((i % 2)) -eq 0 ]; then ln -s "$(realpath "$f")" "$WORK/a/$(printf %05d $i).txt"; else ln -s "$(realpath "$f")" "$WORK/b/$(printf %05d $i).txt"; fi
  i=$((i + 1))
done < <(find "$CORPUS" -name '*.txt' | sort)
run() { /usr/bin/time -f "%e s, peak RSS %M KB, CPU %P" "$BIN" ingest --data-dir "$WORK/store" "$@" 2>&1 | grep -v '^$'; }
echo "first half:";  A=$(run "$WORK/a" "$@"); echo "$A"
echo "second half:"; B=$(run "$WORK/b" "$@"); echo "$B"
python3 - "$A" "$B" <<'PY'
import re, sys
ra = float(re.search(r"\((\d+) articles/s\)", sys.argv[1]).group(1)); rb = float(re.search(r"\((\d+) articles/s\)", sys.argv[2]).group(1))
print(f"second half time / first half time = {ra / rb:.2f} ({ra:.0f} vs {rb:.0f} articles/s)")
PY
