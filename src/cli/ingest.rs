//! `claimgraph ingest`: plain-text files, directories of them and JSON Lines
//! files, through the service layer's parallel pipeline.

use crate::app::ingest::parse_plain_text;
use crate::app::App;
use crate::domain::NewArticle;
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, IsTerminal};
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

fn is_jsonl(file: &Path) -> bool {
    file.extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson")
}

/// How many articles `file` holds (its non-blank lines if JSON Lines, else
/// one), read as a stream so that counting a large file costs no memory. A
/// file that cannot be read counts one: it is reported once when its turn
/// comes.
fn count_articles(file: &Path) -> u64 {
    if !is_jsonl(file) {
        return 1;
    }
    let Ok(f) = std::fs::File::open(file) else {
        return 1;
    };
    let mut n = 0;
    for line in std::io::BufReader::new(f).split(b'\n') {
        match line {
            Ok(l) if l.iter().any(|b| !b.is_ascii_whitespace()) => n += 1,
            Ok(_) => {}
            Err(_) => return n.max(1),
        }
    }
    n
}

/// The process's peak resident memory so far, in MB (Linux; None elsewhere).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Times each tenth of a run's articles, so that how cost grows with the
/// store can be read off one run (`scripts/ingest-growth.sh` parses these).
struct Tenths {
    total: u64,
    done: u64,
    tenth: u64,
    since: std::time::Instant,
    at: u64,
}

impl Tenths {
    fn new(total: u64) -> Self {
        Tenths {
            total,
            done: 0,
            tenth: 0,
            since: std::time::Instant::now(),
            at: 0,
        }
    }

    /// One more article done (stored, already stored or skipped).
    fn tick(&mut self) {
        self.done += 1;
        // Runs of under ten articles have no tenths worth a line.
        if self.total < 10 || self.tenth == 10 || self.done < (self.tenth + 1) * self.total / 10 {
            return;
        }
        self.tenth += 1;
        let (n, secs) = (self.done - self.at, self.since.elapsed().as_secs_f64());
        tracing::info!(
            tenth = self.tenth,
            articles = n,
            seconds = (secs * 100.0).round() / 100.0,
            per_second = (n as f64 / secs.max(1e-9) * 10.0).round() / 10.0,
            peak_rss_mb = peak_rss_mb(),
            "ingest tenth done"
        );
        (self.at, self.since) = (self.done, std::time::Instant::now());
    }
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
    if is_jsonl(file) {
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
    // Articles, not files: one JSON Lines file may hold them all.
    let total: u64 = files.iter().map(|f| count_articles(f)).sum();
    let mut tenths = Tenths::new(total);
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}")
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
    let items = files.iter().flat_map(|f| {
        read_items(f, publisher)
            .into_iter()
            .map(|item| (item.origin, item.article))
    });
    app.ingest_in_order(workers, items, |origin, r| {
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
        bar.inc(1);
        tenths.tick();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_lines_file_counts_its_non_blank_lines_and_a_text_file_one() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = dir.path().join("a.jsonl");
        std::fs::write(&jsonl, "{}\n\n  \n{}\r\n{}").unwrap();
        let txt = dir.path().join("b.txt");
        std::fs::write(&txt, "Title\n\nBody.\n\nMore.\n").unwrap();
        assert_eq!(count_articles(&jsonl), 3);
        assert_eq!(count_articles(&txt), 1);
        assert_eq!(count_articles(&dir.path().join("missing.jsonl")), 1);
    }

    #[test]
    fn a_run_is_reported_in_ten_tenths_that_cover_every_article() {
        let mut t = Tenths::new(23);
        let mut reported = vec![];
        for _ in 0..23 {
            let before = t.at;
            t.tick();
            if t.at != before {
                reported.push(t.at - before);
            }
        }
        assert_eq!(reported.len(), 10);
        assert_eq!(reported.iter().sum::<u64>(), 23);
        assert!(reported.iter().all(|&n| n == 2 || n == 3), "{reported:?}");
    }
}
