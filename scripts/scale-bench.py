#!/usr/bin/env python3
"""How cost behaves as the store grows: ingest a growing corpus into one store
in ten equal parts (tenths), one `claimgraph ingest` run each, and report per
tenth the articles/s, the run's peak RSS and the store's bytes on disk per
article; then, on the full store, the time to open it (server start to its
first answer), its peak RSS, and the latencies of the nested claim query, a
lexical crossCheck and a search filter (sequential requests, p50 and p99).

    scripts/scale-bench.py [--articles 20000] [--shuffle] [--attribution learned|rules] [--data-dir DIR] [--keep] [--requests 300]

The corpus, in this order: the BBC corpus (2,225 articles), the Reuters-21578
stories (19,043), then generated articles for more. A generated article is
new text recombined from the pooled paragraphs of both corpora: a title and
three to eight paragraphs drawn at random (seeded, so every run builds the
same corpus), with its own url `https://generated.example/N`. In that order the
tenths differ in kind (short Reuters stories early, longer generated articles
late); `--shuffle` mixes the whole corpus first (seeded) so each tenth has the
same mix and only the store's size differs between them. Every tenth is a fresh
process, so each also pays for opening the store as it then is.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "corpus")
BIN = os.path.join(ROOT, "target", "release", "claimgraph")


def bbc():
    base = os.path.join(SHARED, "bbc")
    for folder in sorted(os.listdir(base)):
        d = os.path.join(base, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".txt"):
                continue
            raw = open(os.path.join(d, name), "rb").read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            title, _, body = text.strip().partition("\n")
            yield {"title": title.strip(), "body": body.strip(), "url": f"https://bbc.example/{folder}/{name}", "publisher": "BBC"}


def reuters():
    with open(os.path.join(SHARED, "reuters21578", "reuters21578.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            yield {k: r[k] for k in ("title", "body", "url", "publisher", "publishedAt") if r.get(k)}


def corpus(n):
    """The first n articles: BBC, then Reuters, then generated ones."""
    out = []
    for src in (bbc(), reuters()):
        for a in src:
            if len(out) == n:
                return out
            out.append(a)
    rng = random.Random(20261203)
    paras = [p.strip() for a in out for p in re.split(r"\n\s*\n|\n", a["body"]) if len(p.split()) >= 8]
    titles = [a["title"] for a in out]
    k = 0
    while len(out) < n:
        body = "\n\n".join(rng.choice(paras) for _ in range(rng.randint(3, 8)))
        out.append({"title": rng.choice(titles), "body": body, "url": f"https://generated.example/{k}", "publisher": f"Generated {k % 50}"})
        k += 1
    return out


def du(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def timed(cmd):
    """Run cmd under /usr/bin/time: (stdout+stderr, seconds, peak RSS in MB)."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "RSS_KB %M"] + cmd, capture_output=True, text=True)
    secs = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr}")
    rss = int(re.search(r"RSS_KB (\d+)", p.stderr).group(1)) / 1024
    return p.stdout + p.stderr, secs, rss


def post(port, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        out = json.load(r)
    if out.get("errors"):
        sys.exit(f"query failed: {out['errors']}")
    return out["data"]


def percentiles(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] * 1000, xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000


def serve_and_query(data, requests):
    port = 18000 + os.getpid() % 1000
    log = tempfile.NamedTemporaryFile(prefix="claimgraph-scale-", suffix=".log", delete=False)
    t0 = time.monotonic()
    server = subprocess.Popen(
        [BIN, "serve", "--data-dir", data, "--addr", f"127.0.0.1:{port}", "--no-graphiql", "--response-cache", "0",
         # One client timing queries back to back: the per-client rate limit
         # would answer 429 (it is for many clients sharing a server).
         "--rate-limit", "0"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            try:
                post(port, "{ __typename }")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() - t0 > 600:
                    sys.exit("the server did not start: " + open(log.name).read())
                time.sleep(0.05)
        opened = time.monotonic() - t0
        ids = [e["node"]["id"] for e in post(port, "{ claims(first: 100, filter: {kind: DIRECT_QUOTE}) { edges { node { id } } } }")["claims"]["edges"]]
        nested = open(os.path.join(ROOT, "schema", "queries", "nested.graphql")).read()
        texts = [c["text"] for c in post(port, "{ claims(first: 100, filter: {kind: INDIRECT_QUOTE}) { edges { node { text } } } }")["claims"]["edges"] for c in [c["node"]]]
        cross = "query($t: String!) { crossCheck(text: $t, first: 5) { score stance claim { text } } }"
        search = "query($s: String!) { claims(first: 10, filter: {search: $s}) { totalCount edges { node { text } } } }"
        words = sorted({w.lower() for t in texts for w in re.findall(r"[A-Za-z]{6,}", t)})
        rng = random.Random(7)
        results = {}
        for name, make in (
            ("nested claim query", lambda i: (nested, {"id": ids[i % len(ids)]})),
            ("crossCheck (lexical)", lambda i: (cross, {"t": texts[i % len(texts)]})),
            ("search filter", lambda i: (search, {"s": rng.choice(words)})),
        ):
            lat = []
            for i in range(requests):
                q, v = make(i)
                t = time.monotonic()
                post(port, q, v)
                lat.append(time.monotonic() - t)
            results[name] = percentiles(lat)
        status = open(f"/proc/{server.pid}/status").read()
        rss = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
    finally:
        server.terminate()
        server.wait()
    os.remove(log.name)
    return opened, rss, results


def report_queries(data, requests):
    opened, rss, lat = serve_and_query(data, requests)
    print(f"server: opened (start to first answer) in {opened:.2f} s; peak RSS {rss:.0f} MB after {3 * requests} queries")
    for name, (p50, p99) in lat.items():
        print(f"  {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms ({requests} sequential requests)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--data-dir")
    ap.add_argument("--keep", action="store_true", help="keep the store (default: removed unless --data-dir)")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--queries-only", action="store_true", help="only open and query the store in --data-dir")
    ap.add_argument("--shuffle", action="store_true", help="shuffle the corpus (seeded) so every tenth has the same mix of sources and lengths")
    ap.add_argument("--attribution", choices=("learned", "rules"), default="learned",
                    help="ingest's attribution: `rules` leaves out the tagger's fixed cost per article, so the growth with the store shows")
    args = ap.parse_args()
    if args.queries_only:
        report_queries(args.data_dir, args.requests)
        return
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="claimgraph-scale-")
    data = args.data_dir or os.path.join(work, "store")
    if os.path.exists(data) and os.listdir(data):
        sys.exit(f"{data} is not empty: the benchmark starts from an empty store")
    arts = corpus(args.articles)
    if args.shuffle:
        random.Random(20261204).shuffle(arts)
    tenth = len(arts) // 10
    order = "shuffled" if args.shuffle else "in that order"
    print(f"{len(arts)} articles ({min(len(arts), 2225)} BBC, Reuters, then generated; {order}); one ingest run per tenth of {tenth}; attribution {args.attribution}", flush=True)
    print(f"{'tenth':>5} {'articles':>9} {'articles/s':>10} {'ms/article':>10} {'ms/claim':>8} {'peak RSS MB':>11} {'disk MB':>8} {'KB/article':>10}", flush=True)
    rows = []
    try:
        for t in range(10):
            part = arts[t * tenth:(t + 1) * tenth if t < 9 else len(arts)]
            chunk = os.path.join(work, f"tenth{t}.jsonl")
            with open(chunk, "w") as f:
                for a in part:
                    f.write(json.dumps(a) + "\n")
            out, secs, rss = timed([BIN, "ingest", "--data-dir", data, "--attribution", args.attribution, chunk])
            m = re.search(r"ingested (\d+) new articles \((\d+) claims\).*?(\d+) skipped", out)
            if not m or int(m.group(3)):
                sys.exit(f"tenth {t + 1}: articles were skipped:\n{out}")
            new = int(m.group(1))
            total = sum(r[1] for r in rows) + new
            disk = du(data)
            rate = len(part) / secs
            per_claim = 1000 * secs / max(1, int(m.group(2)))
            rows.append((t + 1, new, rate, rss, disk, per_claim))
            print(f"{t + 1:>5} {total:>9} {rate:>10.1f} {1000 / rate:>10.2f} {per_claim:>8.3f} {rss:>11.0f} {disk / 2**20:>8.1f} {disk / max(1, total) / 1024:>10.1f}", flush=True)
        first, last = rows[0], rows[-1]
        print(f"last tenth's time per article / first tenth's: {first[2] / last[2]:.2f}; per claim: {last[5] / first[5]:.2f}")
        total = sum(r[1] for r in rows)
        out, secs, rss = timed([BIN, "compact", "--data-dir", data])
        disk = du(data)
        print(f"compacted (claimgraph compact) in {secs:.1f} s, peak RSS {rss:.0f} MB: {disk / 2**20:.1f} MB, {disk / max(1, total) / 1024:.1f} KB/article", flush=True)
        report_queries(data, args.requests)
    finally:
        if not args.keep and not args.data_dir:
            shutil.rmtree(work, ignore_errors=True)
        else:
            for f in os.listdir(work):
                if f.endswith(".jsonl"):
                    os.remove(os.path.join(work, f))


if __name__ == "__main__":
    main()
