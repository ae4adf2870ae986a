//! Cross-check latency and throughput over a store of at least 50,000 claims
//! (and the CLEF fact-checks when they are there).
//!
//!     cargo bench --bench crosscheck
//!     CLAIMGRAPH_BENCH_CORPUS=dir1:dir2 cargo bench --bench crosscheck
//!
//! The store is built once per run from the corpora (default: the BBC corpus
//! and the PolNeAR articles under ../shared), ingested with the server's own
//! pipeline into a temporary sled store. Queries are sentences of those
//! articles, lightly reworded, and the CLEF tweets when present. Before the
//! criterion run, the latencies of single queries are printed as p50/p90/p99.

mod common;

use claimgraph::app::App;
use claimgraph::search::crosscheck::{cross_check, Scope};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::time::Instant;

const MIN_CLAIMS: u64 = 50_000;

fn corpora() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var("CLAIMGRAPH_BENCH_CORPUS") {
        Ok(v) => v.split(':').map(PathBuf::from).collect(),
        Err(_) => vec![
            root.join("../shared/corpus/bbc"),
            root.join("../shared/eval/polnear/train/text"),
            root.join("../shared/eval/polnear/dev/text"),
        ],
    }
}

fn build() -> (App, Vec<String>) {
    let app = App::open(claimgraph::store::temporary().expect("a temporary store"))
        .expect("a store's indexes");
    let store = app.store().clone();
    let paths: Vec<PathBuf> = corpora()
        .iter()
        .flat_map(|d| common::txt_files(d))
        .collect();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| claimgraph::extract::text::decode(&b))
        .collect();
    let started = Instant::now();
    // Reprint the corpus under new publishers until the store is big enough:
    // each round is new text to the store (a dateline differs), and a wire
    // copy of one already stored, as real feeds are.
    let mut round = 0;
    while store.stats().unwrap().claims < MIN_CLAIMS && !texts.is_empty() && round < 10 {
        for t in &texts {
            let mut a = claimgraph::app::ingest::parse_plain_text(t);
            if round > 0 {
                a.body = format!("(Edition {round}) {}", a.body);
                a.publisher = Some(format!("Reprint {round}"));
            }
            let _ = app.ingest(a);
        }
        round += 1;
    }
    let s = store.stats().unwrap();
    eprintln!(
        "store: {} articles, {} claims, built in {:.0} s",
        s.articles,
        s.claims,
        started.elapsed().as_secs_f64()
    );
    let clef = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/clef2020");
    let mut queries: Vec<String> = Vec::new();
    if let Ok(v) = std::fs::read_to_string(clef.join("verified_claims.docs.tsv")) {
        let items: Vec<_> = v
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some(claimgraph::domain::NewFactCheck {
                    claim_reviewed: f.get(1)?.to_string(),
                    headline: f.get(2).map(|s| s.to_string()),
                    url: Some(format!("https://example.org/vclaim/{}", f[0])),
                    ..Default::default()
                })
            })
            .collect();
        // Rows the TSV's embedded newlines break up are not checks: skip them.
        let items: Vec<_> = items
            .into_iter()
            .filter_map(|i| claimgraph::claimreview::validate(i).ok())
            .collect();
        let _ = app.import_valid(items);
        if let Ok(q) = std::fs::read_to_string(clef.join("dev/tweets.queries.tsv")) {
            queries.extend(
                q.lines()
                    .filter_map(|l| l.split_once('\t'))
                    .map(|(_, t)| t.to_string()),
            );
        }
    }
    // Sentences of stored articles, reworded a little: what a pipeline checks.
    for t in texts.iter().step_by(7) {
        if let Some(s) = t.split(". ").nth(2) {
            queries.push(s.replace(" said ", " claimed ").replace(" the ", " a "));
        }
    }
    (app, queries)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn bench(c: &mut Criterion) {
    let (app, queries) = build();
    if queries.is_empty() {
        eprintln!("no corpus found: set CLAIMGRAPH_BENCH_CORPUS");
        return;
    }
    let claims = Scope {
        claims: true,
        fact_checks: false,
    };
    for (name, scope) in [
        ("all", Scope::ALL),
        ("fact-checks", Scope::FACT_CHECKS),
        ("claims", claims),
    ] {
        let mut ms: Vec<f64> = queries
            .iter()
            .map(|q| {
                let t = Instant::now();
                let _ = cross_check(app.store().as_ref(), app.search(), q, 10, scope).unwrap();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        eprintln!(
            "cross-check ({name}), {} queries, one at a time: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
            ms.len(),
            percentile(&ms, 0.5),
            percentile(&ms, 0.9),
            percentile(&ms, 0.99)
        );
    }
    let mut g = c.benchmark_group("cross-check");
    g.sample_size(10);
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function(
        format!("{} queries, claims and fact-checks", queries.len()),
        |b| {
            b.iter(|| {
                queries
                    .iter()
                    .map(|q| {
                        cross_check(app.store().as_ref(), app.search(), q, 10, Scope::ALL)
                            .unwrap()
                            .len()
                    })
                    .sum::<usize>()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
