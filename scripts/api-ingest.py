#!/usr/bin/env python3
"""Ingest a corpus through the API while reading from it, and report the
server's peak memory after it.

    scripts/api-ingest.py [--corpus ../shared/corpus/bbc] [--writers 4]

Builds release, starts `claimgraph serve` on an empty temporary store,
sends every article of the corpus to `ingestArticle` (WRITERS at a time)
while one reader runs the nested claim query in a loop, then prints: ingest
articles/s through the API, the reader's latencies during the ingest, and the
server's peak RSS (VmHWM). Python standard library only.
"""
import argparse, json, os, pathlib, statistics, subprocess, sys, tempfile, threading, time, urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def post(port, query, variables=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                 data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared/corpus/bbc"))
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--port", type=int, default=18082)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    files = sorted(pathlib.Path(a.corpus).rglob("*.txt"))
    data = tempfile.mkdtemp(prefix="claimgraph-api-")
    server = subprocess.Popen([str(ROOT / "target/release/claimgraph"), "serve", "--data-dir", data,
                               "--addr", f"127.0.0.1:{a.port}", "--no-seed", "--no-graphiql"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{a.port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        nested = (ROOT / "schema/queries/nested.graphql").read_text()
        todo = list(files)
        lock = threading.Lock()
        errors = []
        done = threading.Event()

        def writer():
            while True:
                with lock:
                    if not todo:
                        return
                    f = todo.pop(0)
                raw = f.read_bytes()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("latin-1")
                title, _, body = text.strip().partition("\n")
                r = post(a.port, "mutation($i: IngestArticleInput!) { ingestArticle(input: $i) { id } }",
                         {"i": {"title": title.strip(), "body": body.strip() or title}})
                if r.get("errors"):
                    errors.append((str(f), r["errors"]))

        latencies = []

        def reader():
            while not done.is_set():
                t = time.perf_counter()
                r = post(a.port, nested, {"id": "clm_1_0"})
                latencies.append((time.perf_counter() - t) * 1000)
                if r.get("errors") and "clm_1_0" not in json.dumps(r):
                    errors.append(("reader", r["errors"]))

        start = time.perf_counter()
        threads = [threading.Thread(target=writer) for _ in range(a.writers)]
        rd = threading.Thread(target=reader)
        for t in threads + [rd]:
            t.start()
        for t in threads:
            t.join()
        secs = time.perf_counter() - start
        done.set()
        rd.join()
        stats = post(a.port, "{ stats { articles claims speakers corroborations } }")["data"]["stats"]
        hwm = [l for l in open(f"/proc/{server.pid}/status") if l.startswith(("VmHWM", "VmRSS"))]
        latencies.sort()
        print(f"ingested {len(files)} files through ingestArticle in {secs:.1f} s "
              f"({len(files) / secs:.0f} articles/s, {a.writers} writers); store: {stats}")
        if latencies:
            print(f"nested query during the ingest: {len(latencies)} answered, p50 {statistics.median(latencies):.1f} ms, "
                  f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms")
        print("server memory: " + ", ".join(l.split(":")[0] + " " + l.split(":")[1].strip() for l in hwm))
        print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
        sys.exit(1 if errors else 0)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
