#!/usr/bin/env python3
"""Compare two `claimgraph export` dumps as data, timestamps aside.

    scripts/compare-exports.py OLD.jsonl NEW.jsonl

Every tree is compared entry by entry. Times of writing (`ingested_at`,
`created_at`, a review's `date_published`) are ignored. Index terms are
compared as sets of (term, owner, count, length) wherever they are kept:
the `claim_terms` and `fact_check_terms` trees of stores written before the
change log, or the `changes` tree after it. A link held once with a
reference (empty) under its other claim reads as one held both ways, as
stores written before references hold it. Exits non-zero on a difference.
"""
import json
import sys

TIMES = {"ingested_at", "created_at", "date_published"}
POSTINGS = {"claim_terms", "fact_check_terms", "changes"}


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMES}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def postings(entries):
    """(kind, term, owner, tf, len) from either layout."""
    out = set()
    for tree, key, value in entries:
        if tree == "claim_terms":
            k = bytes.fromhex(key)
            term, claim = k[:-13].decode(), k[-12:]
            article, ordinal = int.from_bytes(claim[:8], "big"), int.from_bytes(claim[8:], "big")
            v = bytes.fromhex(value["hex"])
            out.add(("c", term, (article, ordinal), int.from_bytes(v[:2], "big"), int.from_bytes(v[2:], "big")))
        elif tree == "fact_check_terms":
            k = bytes.fromhex(key)
            term, fc = k[:-9].decode(), int.from_bytes(k[-8:], "big")
            v = bytes.fromhex(value["hex"])
            out.add(("f", term, fc, int.from_bytes(v[:2], "big"), int.from_bytes(v[2:], "big")))
        elif tree == "changes":
            r = value["json"]
            if r["kind"] == "article":
                for c in r["claims"]:
                    for term, tf in c["terms"]:
                        out.add(("c", term, (r["id"], c["ordinal"]), tf, c["len"]))
            elif r["kind"] == "fact_check":
                for term, tf in r["terms"]:
                    out.add(("f", term, r["id"], tf, r["length"]))
    return out


def load(path):
    trees, index = {}, []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == 0:
                continue
            e = json.loads(line)
            if e["tree"] in POSTINGS:
                index.append((e["tree"], e["key"], e["value"]))
            else:
                trees.setdefault(e["tree"], {})[e["key"]] = strip(e["value"])
    links = trees.get("corroborations", {})
    for key, value in list(links.items()):
        if value.get("hex") == "":
            back = links.get(key[24:] + key[:24], {}).get("json")
            if back is not None:
                other = bytes.fromhex(key[24:])
                claim = {"article": int.from_bytes(other[:8], "big"), "ordinal": int.from_bytes(other[8:], "big")}
                links[key] = {"json": dict(back, claim=claim)}
    return trees, postings(index)


def main():
    (a, pa), (b, pb) = load(sys.argv[1]), load(sys.argv[2])
    bad = 0
    for tree in sorted(set(a) | set(b)):
        x, y = a.get(tree, {}), b.get(tree, {})
        diff = [k for k in set(x) | set(y) if x.get(k) != y.get(k)]
        print(f"{tree}: {len(x)} vs {len(y)} entries, {len(diff)} differ")
        for k in sorted(diff)[:3]:
            print(f"  {k}: {json.dumps(x.get(k))[:200]} | {json.dumps(y.get(k))[:200]}")
        bad += len(diff)
    print(f"index terms: {len(pa)} vs {len(pb)}, {len(pa ^ pb)} differ")
    bad += len(pa ^ pb)
    print("identical, timestamps aside" if bad == 0 else f"{bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
