//! Similarity throughput: pairs/s of the scorer the server links with
//! (features of both texts, coverage, pair model, stance), one core.
//!
//!     cargo bench --bench similarity      # MRPC pairs from ../shared/eval/mrpc
//!     CLAIMGRAPH_BENCH_PAIRS=file.tsv cargo bench --bench similarity
//!
//! Two cases: texts analysed per pair (as `claimgraph similarity` does), and
//! pairs of claims already analysed (as the linker does with cached features).

use claimgraph::corroborate::{compare, features};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};

fn pairs() -> Vec<(String, String)> {
    let path = std::env::var_os("CLAIMGRAPH_BENCH_PAIRS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/eval/mrpc/msr_paraphrase_train.txt")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut out: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            // MRPC rows: label, id, id, text, text; or plain `a<TAB>b`.
            match f.len() {
                5 if matches!(f[0], "0" | "1") => Some((f[3].to_string(), f[4].to_string())),
                2 => Some((f[0].to_string(), f[1].to_string())),
                _ => None,
            }
        })
        .collect();
    if out.is_empty() {
        eprintln!(
            "no pairs in {}: using the seed articles' sentences",
            path.display()
        );
        let seeds: Vec<String> = claimgraph::seed::SEEDS
            .iter()
            .flat_map(|(_, t)| t.split(". ").map(str::to_string).collect::<Vec<_>>())
            .collect();
        out = seeds
            .windows(2)
            .map(|w| (w[0].clone(), w[1].clone()))
            .collect();
    }
    out
}

fn bench(c: &mut Criterion) {
    let pairs = pairs();
    let mut g = c.benchmark_group("similarity");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.sample_size(10);
    g.bench_function(format!("{} pairs, texts analysed", pairs.len()), |b| {
        b.iter(|| {
            pairs
                .iter()
                .map(|(a, b)| compare(&features(a, &[]), &features(b, &[])).score)
                .sum::<f32>()
        })
    });
    let analysed: Vec<_> = pairs
        .iter()
        .map(|(a, b)| (features(a, &[]), features(b, &[])))
        .collect();
    g.bench_function(format!("{} pairs, features cached", pairs.len()), |b| {
        b.iter(|| {
            analysed
                .iter()
                .map(|(a, b)| compare(a, b).score)
                .sum::<f32>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
