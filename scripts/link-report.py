#!/usr/bin/env python3
"""What a store asserts, read from a `claimgraph export`: link counts by
stance, how many SUPPORTS links are marked independent and how many of those
join near-verbatim texts, the share of quotes without a speaker, and a
seeded random sample of CONTRADICTS links to read by hand.

    scripts/link-report.py EXPORT.jsonl [--sample 20] [--seed 7] [--speakers 0]

Near-verbatim: difflib's ratio of the two lower-cased claim texts >= 0.8.
"""
import argparse
import collections
import difflib
import json
import random
import re


def norm(t):
    return re.sub(r"\W+", " ", t.lower()).strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--speakers", type=int, default=0, help="print this many speakerless direct quotes")
    ap.add_argument("--stance", default="CONTRADICTS", help="stance of the sampled links")
    args = ap.parse_args()

    claims, speakers, by_pair = {}, {}, {}
    with open(args.export) as f:
        for line in f:
            r = json.loads(line)
            tree = r.get("tree")
            v = r.get("value", {}).get("json")
            if tree == "corroborations" and v is None:
                continue  # a link held once: the reference under its other claim
            if tree == "claims":
                claims[(v["id"]["article"], v["id"]["ordinal"])] = v
            elif tree == "speakers":
                speakers[v["id"]] = v
            elif tree == "corroborations":
                k = bytes.fromhex(r["key"])
                a = (int.from_bytes(k[0:8], "big"), int.from_bytes(k[8:12], "big"))
                b = (v["claim"]["article"], v["claim"]["ordinal"])
                # Keyed by the pair in order: stores written before links
                # were held once keep each both ways.
                by_pair[min(a, b), max(a, b)] = v
    links = [(a, b, v) for (a, b), v in sorted(by_pair.items())]

    by = collections.Counter(v["stance"] for _, _, v in links)
    print(f"links: {len(links)} ({', '.join(f'{s} {n}' for s, n in sorted(by.items()))})")
    sup = [(a, b, v) for a, b, v in links if v["stance"] == "SUPPORTS"]
    ind = [(a, b, v) for a, b, v in sup if v["independent"]]
    verbatim = [
        x for x in ind
        if difflib.SequenceMatcher(None, norm(claims[x[0]]["text"]), norm(claims[x[1]]["text"])).ratio() >= 0.8
    ]
    print(f"SUPPORTS marked independent: {len(ind)} of {len(sup)}; near-verbatim among them: {len(verbatim)}")

    quotes = [c for c in claims.values() if c["kind"] != "ASSERTION"]
    direct = [c for c in quotes if c["kind"] == "DIRECT_QUOTE"]
    nd = sum(1 for c in direct if not c["speakers"])
    nq = sum(1 for c in quotes if not c["speakers"])
    print(f"direct quotes without a speaker: {nd} of {len(direct)} ({nd / max(1, len(direct)):.1%})")
    print(f"quotes and reported speech without a speaker: {nq} of {len(quotes)} ({nq / max(1, len(quotes)):.1%})")

    rng = random.Random(args.seed)
    pick = [x for x in links if x[2]["stance"] == args.stance]
    rng.shuffle(pick)

    def who(c):
        return ", ".join(speakers[s]["name"] for s in c["speakers"] if s in speakers) or "-"

    for i, (a, b, v) in enumerate(pick[: args.sample], 1):
        ca, cb = claims[a], claims[b]
        print(f"\n[{i}] {a} -> {b} score {v['score']:.2f} independent {v['independent']}")
        print(f"  A ({who(ca)}): {ca['text']}")
        print(f"  B ({who(cb)}): {cb['text']}")
        print("  evidence: " + "; ".join(e for e in v["evidence"] if not e.startswith("shared:")))
    nameless = [c for c in direct if not c["speakers"]]
    rng.shuffle(nameless)
    for c in nameless[: args.speakers]:
        print(f"\nno speaker {c['id']['article']}/{c['id']['ordinal']} mention={c['speaker_mention_text']!r} rule={c['attribution']['rule']}: {c['text'][:160]}")


if __name__ == "__main__":
    main()
