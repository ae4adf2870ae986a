//! Extraction throughput over a folder of articles (the BBC corpus by default).
//!
//!     cargo bench --bench extract                       # ../shared/corpus/bbc
//!     CLAIMGRAPH_BENCH_CORPUS=/some/dir cargo bench --bench extract
//!
//! Criterion reports articles/s ("elem/s"): the rules alone, and the rules
//! with the learned tagger (its model pass runs on every core), side by side
//! in one run, so the ratio is the model's share.

mod common;

use claimgraph::extract::{extract_with, text::decode, Attribution};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    std::env::var_os("CLAIMGRAPH_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/bbc"))
}

fn load(dir: &Path, out: &mut Vec<String>) {
    out.extend(
        common::txt_files(dir)
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|b| decode(&b)),
    );
}

fn bench(c: &mut Criterion) {
    let dir = corpus_dir();
    let mut articles = Vec::new();
    load(&dir, &mut articles);
    if articles.is_empty() {
        eprintln!(
            "no .txt articles under {}: set CLAIMGRAPH_BENCH_CORPUS",
            dir.display()
        );
        return;
    }
    // The tagger is slow enough that a tenth of the corpus keeps a run short.
    let sample: Vec<&String> = articles.iter().step_by(10).collect();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.sample_size(10);
    for (name, mode) in [
        ("rules", Attribution::Rules),
        ("learned", Attribution::Learned),
    ] {
        g.bench_function(format!("{name}, {} articles", sample.len()), |b| {
            b.iter(|| {
                sample
                    .iter()
                    .map(|a| extract_with(a, mode).claims.len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
