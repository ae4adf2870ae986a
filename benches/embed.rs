//! Sentence encoder throughput over real claim texts from the BBC corpus:
//! texts/s at batch sizes 1, 8 and 64, the old f32 path (one text at a
//! time, ndarray, the batch split over the cores) and the int8 runtime,
//! side by side in one run. Before the criterion run it prints the median
//! single-text latency for tweet-length texts (the CLEF dev tweets when
//! present), the median texts/s of a 512-text batch on both paths, and
//! the int8 kernel alone on one core at the model's widest product (how
//! far from the CPU's peak it runs). Last, a vector index's scan of 4,096
//! int8 codes, by the plain product and by the query prepared once.
//!
//!     cargo bench --bench embed
//!     CLAIMGRAPH_BENCH_CORPUS=dir cargo bench --bench embed

mod common;

use claimgraph::encoder::{kernel, reference::Reference, Encoder};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Claims extracted from the corpus by the server's own extractor.
fn claims() -> Vec<String> {
    let dir = std::env::var_os("CLAIMGRAPH_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus/bbc"));
    let mut out: Vec<String> = common::txt_files(&dir)
        .iter()
        .step_by(4)
        .filter_map(|p| std::fs::read(p).ok())
        .flat_map(|b| {
            let text = claimgraph::extract::text::decode(&b);
            claimgraph::extract::extract(&text)
                .claims
                .into_iter()
                .map(|c| c.text)
        })
        .take(2048)
        .collect();
    if out.is_empty() {
        eprintln!(
            "no corpus at {}: using the seed articles' claims",
            dir.display()
        );
        out = claimgraph::seed::SEEDS
            .iter()
            .flat_map(|(_, t)| claimgraph::extract::extract(t).claims)
            .map(|c| c.text)
            .collect();
    }
    out
}

fn tweets() -> Vec<String> {
    let path = root().join("../shared/eval/clef2020/dev/tweets.queries.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let out: Vec<String> = text
        .lines()
        .filter_map(|l| l.split('\t').nth(1).map(str::to_string))
        .take(200)
        .collect();
    if out.is_empty() {
        return claims().into_iter().take(200).collect();
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn bench(c: &mut Criterion) {
    let texts = claims();
    let e = Encoder::get();
    let r = Reference::get();
    let pieces: usize = texts.iter().map(|t| e.tokenize(t).len()).sum();
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    eprintln!(
        "{} claims, {:.1} words and {:.1} word pieces each ([CLS]/[SEP] included); kernel {}, {} threads",
        texts.len(),
        words as f64 / texts.len() as f64,
        pieces as f64 / texts.len() as f64,
        kernel::kernel_name(),
        rayon::current_num_threads()
    );

    // Each kernel this CPU has, alone, one thread: 1,536 rows through the
    // FFN's up projection (384 in, 1,536 out), as in a pass of 64 claims.
    let (m, n, k) = (1536, 1536, 384);
    let w: Vec<i8> = (0..n * k).map(|i| ((i * 7919) % 255) as i8).collect();
    for name in kernel::kernels() {
        let packed = kernel::Packed::for_kernel(&w, n, k, name);
        let a: Vec<u8> = (0..m * packed.stride()).map(|i| (i % 128) as u8).collect();
        let mut out = vec![0i32; m * n];
        let runs: Vec<f64> = (0..15)
            .map(|_| {
                let s = Instant::now();
                kernel::gemm(&a, m, &packed, &mut out);
                std::hint::black_box(&out);
                2.0 * (m * n * k) as f64 / s.elapsed().as_secs_f64() / 1e9
            })
            .collect();
        eprintln!(
            "kernel alone ({name}, one thread, {m}x{n}x{k}): median {:.0} GOP/s (a multiply and an add are two)",
            median(runs)
        );
    }

    // Single-text latency, the crossCheck case.
    let tw = tweets();
    let tp: usize = tw.iter().map(|t| e.tokenize(t).len()).sum();
    for (name, f) in [
        ("new", &(|t: &str| e.embed(t)) as &dyn Fn(&str) -> Vec<f32>),
        ("old", &|t: &str| r.embed(t)),
    ] {
        let ms: Vec<f64> = tw
            .iter()
            .map(|t| {
                let s = Instant::now();
                std::hint::black_box(f(t));
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        eprintln!(
            "single text ({} tweets, {:.1} pieces each): {name} path median {:.2} ms",
            tw.len(),
            tp as f64 / tw.len() as f64,
            median(ms)
        );
    }

    // Sustained throughput, both paths alternately, medians of 5.
    let batch: Vec<&str> = texts.iter().take(512).map(String::as_str).collect();
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let s = Instant::now();
        std::hint::black_box(e.embed_batch(&batch));
        new.push(batch.len() as f64 / s.elapsed().as_secs_f64());
        let s = Instant::now();
        std::hint::black_box(r.embed_all(&batch));
        old.push(batch.len() as f64 / s.elapsed().as_secs_f64());
    }
    let (old, new) = (median(old), median(new));
    eprintln!(
        "512 claims: old path {old:.0} texts/s, new path {new:.0} texts/s ({:.1}x)",
        new / old
    );

    let mut g = c.benchmark_group("embed");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    for n in [1usize, 8, 64] {
        let part: Vec<&str> = texts.iter().take(n).map(String::as_str).collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("new", n), &part, |b, p| {
            b.iter(|| e.embed_batch(p))
        });
        g.bench_with_input(BenchmarkId::new("old", n), &part, |b, p| {
            b.iter(|| r.embed_all(p))
        });
    }
    g.finish();

    // A vector index's scan: one query's int8 codes against 4,096 stored
    // codes of the model's width, by a plain Rust product (what the
    // compiler makes of it) and by the query prepared once
    // (`kernel::DotQuery`, VNNI where present), side by side.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as u8 as i8
    };
    let width = claimgraph::encoder::DIM;
    let codes: Vec<i8> = (0..4096 * width).map(|_| next()).collect();
    let query: Vec<i8> = (0..width).map(|_| next()).collect();
    let mut g = c.benchmark_group("vector scan");
    g.throughput(Throughput::Elements(4096));
    g.bench_function("plain", |b| {
        b.iter(|| {
            codes
                .chunks_exact(width)
                .map(|c| {
                    std::hint::black_box(&query)
                        .iter()
                        .zip(c)
                        .map(|(&a, &b)| i32::from(a) * i32::from(b))
                        .sum::<i32>()
                })
                .fold(0i64, |a, d| a + i64::from(d))
        })
    });
    g.bench_function("query prepared", |b| {
        b.iter(|| {
            let q = kernel::DotQuery::new(query.clone());
            codes
                .chunks_exact(width)
                .map(|c| q.dot(c))
                .fold(0i64, |a, d| a + i64::from(d))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
