#!/usr/bin/env python3
"""MRPC's training file as `train-paraphrase.py` splits it: a fifth of the
pairs, chosen by a hash of the pair's ids, is held back. Run as a script it
writes those held-back pairs as an MRPC file of their own, so the whole
decision can be scored on pairs the judge never trained on:

    python3 scripts/mrpc_split.py > /tmp/mrpc-held.txt
    python3 ../shared/eval/score_pairs.py --mrpc /tmp/mrpc-held.txt \
        --cmd "target/release/claimgraph similarity"
"""
import hashlib
import os
import sys

HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"


def read_mrpc(path):
    """(key, text a, text b, label) per pair; key is the two ids, `-`-joined."""
    out = []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            # As score_pairs.py reads it: a header line, if any, is skipped.
            if len(p) >= 5 and p[0] in ("0", "1"):
                out.append((p[1] + "-" + p[2], p[3], p[4], int(p[0])))
    return out


def held(key):
    """Whether the pair with this key is held back."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 5 == 0


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "shared", "eval", "mrpc", "msr_paraphrase_train.txt")
    print(HEADER)
    for key, a, b, label in read_mrpc(path):
        if held(key):
            print("\t".join([str(label), *key.split("-", 1), a, b]))
