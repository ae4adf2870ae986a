#!/usr/bin/env bash
# How ingest cost grows past a first corpus: ingest BASE (default: the BBC
# corpus), then GROWTH (default: the Reuters-21578 stories, one JSON line
# each) by one `claimgraph ingest` run into the same store, and print per
# tenth of GROWTH (from the run's own "ingest tenth done" log lines):
# articles/s, peak RSS so far, bytes on disk per article when the tenth
# ended; then the last tenth's time per article over the first's.
# SEPARATE=1 ingests the ten parts by ten runs instead (a process and a cold
# cache per part, as a daily batch would).
#   scripts/ingest-growth.sh [BASE] [GROWTH.jsonl] [ingest options...]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-../shared/corpus/bbc}; shift || true
GROWTH=${1:-../shared/corpus/reuters21578/reuters21578.jsonl}; shift || true
cargo build --release --quiet
BIN=$PWD/target/release/claimgraph
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
run() { /usr/bin/time -f "%e s, peak RSS %M KB" "$BIN" ingest --data-dir "$WORK/store" "$@" 2>&1 | grep -e "^ingested" -e "peak RSS"; }
out=$(run "$BASE" "$@"); echo "base: $(tr '\n' ' ' <<<"$out")"
base=$(sed -n 's/^ingested \([0-9]*\) new.*/\1/p' <<<"$out")
if [ "${SEPARATE:-0}" != 1 ]; then
  python3 - "$BIN" "$WORK/store" "$base" "$GROWTH" "$@" <<'PY'
import json, os, subprocess, sys
bin_, store, base, growth, opts = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]
def disk():
    total = 0
    for d, _, fs in os.walk(store):
        for f in fs:
            try:
                total += os.path.getsize(os.path.join(d, f))
            except OSError:  # a file sled removed meanwhile
                pass
    return total
env = dict(os.environ, CLAIMGRAPH_LOG_FORMAT="json")
p = subprocess.Popen([bin_, "ingest", "--data-dir", store, growth, *opts],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
print(f"{'tenth':<5} {'articles':>9} {'articles/s':>10} {'peak RSS MB':>12} {'disk KB/article':>15}")
done, rows = base, []
for line in p.stderr:
    try:
        f = json.loads(line)["fields"]
    except (ValueError, KeyError):
        continue
    if f.get("message") != "ingest tenth done":
        continue
    done += f["articles"]
    rows.append(f["seconds"] / f["articles"])
    print(f"{f['tenth']:<5} {f['articles']:>9} {f['per_second']:>10.1f} {f.get('peak_rss_mb') or 0:>12} "
          f"{disk() / 1024 / done:>15.1f}", flush=True)
print(p.stdout.read().strip())
if p.wait() != 0 or len(rows) != 10:
    sys.exit(f"the growth run failed or reported {len(rows)} tenths")
print(f"last tenth's time per article / first tenth's = {rows[-1] / rows[0]:.2f}")
PY
  exit 0
fi
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
