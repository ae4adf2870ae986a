//! `claimgraph ingest`: plain-text files, directories of them and JSON Lines
//! files, through the service layer's parallel pipeline.

use crate::app::ingest::parse_plain_text;
use crate::app::App;
use crate::domain::NewArticle;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// One article to ingest, and where it came from (for error messages).
struct Item {
    origin: String,
    article: Result<NewArticle, String>,
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                collect_files(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn read_items(file: &Path, publisher: Option<&str>) -> Vec<Item> {
    let origin = file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return vec![Item {
                origin,
                article: Err(e.to_string()),
            }]
        }
    };
    let text = crate::extract::text::decode(&bytes);
    let is_jsonl = file
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    if is_jsonl {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| Item {
                origin: format!("{origin}:{}", n + 1),
                article: serde_json::from_str::<NewArticle>(l)
                    .map_err(|e| format!("not a JSON article: {e}")),
            })
            .collect();
    }
    if text.contains('\0') {
        return vec![Item {
            origin,
            article: Err("binary file, not text".into()),
        }];
    }
    let mut a = parse_plain_text(&text);
    a.publisher = publisher.map(str::to_string);
    // Where the text came from: the same file again is the same article, an
    // identical text in another file is a copy of it.
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    a.origin = Some(format!("file://{}", path.display()));
    vec![Item {
        origin,
        article: Ok(a),
    }]
}

pub fn ingest_paths(
    app: &App,
    paths: &[PathBuf],
    publisher: Option<&str>,
    jobs: Option<usize>,
) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files).with_context(|| format!("cannot read {}", p.display()))?;
    }
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let start = std::time::Instant::now();
    let (mut created, mut existing, mut failed, mut claims) = (0u64, 0u64, 0u64, 0u64);
    let workers = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    // Each item tagged with where it came from and whether it ends its file.
    let items = files.iter().flat_map(|f| {
        let items = read_items(f, publisher);
        let n = items.len();
        items
            .into_iter()
            .enumerate()
            .map(move |(k, item)| ((item.origin, k + 1 == n), item.article))
    });
    app.ingest_in_order(workers, items, |(origin, last), r| {
        match r {
            Ok(i) if i.created => {
                created += 1;
                claims += u64::from(i.article.claim_count);
            }
            Ok(_) => existing += 1,
            Err(e) => {
                failed += 1;
                bar.suspend(|| eprintln!("skipped {origin}: {e}"));
            }
        }
        if last {
            bar.inc(1);
        }
    });
    bar.finish_and_clear();
    app.flush()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "ingested {created} new articles ({claims} claims), {existing} already stored, {failed} skipped, in {secs:.1}s ({:.0} articles/s)",
        (created + existing) as f64 / secs.max(1e-9)
    );
    let u = crate::encoder::usage();
    tracing::info!(
        texts = u.texts,
        pieces = u.pieces,
        seconds = u.seconds,
        "encoder use during the ingest"
    );
    Ok(())
}
