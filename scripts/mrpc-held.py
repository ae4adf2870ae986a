#!/usr/bin/env python3
"""Write the MRPC pairs `train-paraphrase.py` holds back (a fifth of the
training file, chosen by a hash of the pair's ids) as an MRPC file of their
own, so the whole decision can be scored on pairs the judge never trained on:

    python3 scripts/mrpc-held.py > /tmp/mrpc-held.txt
    python3 ../shared/eval/score_pairs.py --mrpc /tmp/mrpc-held.txt \
        --cmd "target/release/claimgraph similarity"
"""
import hashlib
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    here, "..", "..", "shared", "eval", "mrpc", "msr_paraphrase_train.txt")
print("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String")
with open(path, encoding="utf-8-sig") as f:
    for line in f:
        p = line.rstrip("\n").split("\t")
        # The same pairs and the same hash as train-paraphrase.py.
        if len(p) >= 5 and p[0] in ("0", "1"):
            key = p[1] + "-" + p[2]
            if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 5 == 0:
                print("\t".join(p[:5]))
