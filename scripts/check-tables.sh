#!/usr/bin/env bash
# Regenerate the learned tables compiled into the binary from their public
# data (the reporting-cue table, the pair models and graded similarity, the
# cross-check rerankers) into a scratch directory and compare each, byte for
# byte, with the committed one. Exits non-zero on any difference. Needs the
# evaluation data beside the project (../shared/eval); about two minutes
# after the build.
#   scripts/check-tables.sh [EVAL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/eval}
cargo build --release --quiet
BIN=$PWD/target/release/claimgraph
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT
# Each command's messages go to a log, shown only if it fails.
run() { "$@" 2>>"$OUT/log" || { cat "$OUT/log" >&2; exit 1; }; }
run "$BIN" train-cues "$EVAL/polnear/train" > "$OUT/cues.tsv"
run "$BIN" train-pairs "$EVAL/mrpc/msr_paraphrase_train.txt" --sts "$EVAL/stsb/sts-train.csv" \
  --out "$OUT/pair_model.tsv" --semantic-out "$OUT/pair_semantic_model.tsv" \
  --graded-out "$OUT/graded_model.tsv" >/dev/null
run "$BIN" train-crosscheck --vclaims "$EVAL/clef2020/verified_claims.docs.tsv" \
  --queries "$EVAL/clef2020/train/tweets.queries.tsv" \
  --qrels "$EVAL/clef2020/train/tweet-vclaim-pairs.qrels" \
  --out "$OUT/crosscheck_model.tsv" --semantic-out "$OUT/crosscheck_semantic_model.tsv" >/dev/null
status=0
for pair in cues.tsv:src/extract/cues.tsv \
  pair_model.tsv:src/corroborate/pair_model.tsv \
  pair_semantic_model.tsv:src/corroborate/pair_semantic_model.tsv \
  graded_model.tsv:src/corroborate/graded_model.tsv \
  crosscheck_model.tsv:src/search/crosscheck_model.tsv \
  crosscheck_semantic_model.tsv:src/search/crosscheck_semantic_model.tsv; do
  if cmp -s "$OUT/${pair%%:*}" "${pair#*:}"; then
    echo "same:    ${pair#*:}"
  else
    echo "differs: ${pair#*:}"; status=1
  fi
done
exit $status
