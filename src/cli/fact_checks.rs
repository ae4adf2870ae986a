//! `claimgraph import-claimreviews`.

use crate::app::App;
use anyhow::Context;
use std::path::Path;

/// `claimgraph import-claimreviews`: JSON Lines (or one JSON document) of ClaimReview.
pub fn import_claim_reviews(app: &App, file: &Path) -> anyhow::Result<()> {
    use crate::claimreview as factcheck;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = crate::extract::text::decode(&bytes);
    // One document, or one per line.
    let docs: Vec<(String, Result<serde_json::Value, String>)> =
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => vec![(file.display().to_string(), Ok(v))],
            Err(_) => text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, l)| {
                    (
                        format!("{}:{}", file.display(), n + 1),
                        serde_json::from_str(l).map_err(|e| format!("not JSON: {e}")),
                    )
                })
                .collect(),
        };
    let start = std::time::Instant::now();
    let (mut created, mut existing, mut failed, mut matched) = (0u64, 0u64, 0u64, 0u64);
    let (mut origins, mut valid) = (Vec::new(), Vec::new());
    for (origin, doc) in docs {
        let items = doc.and_then(|v| {
            factcheck::parse_claim_reviews(&v)
                .and_then(|items| {
                    items
                        .into_iter()
                        .map(factcheck::validate)
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(|e| e.to_string())
        });
        match items {
            Ok(items) => {
                origins.extend(std::iter::repeat_n(origin, items.len()));
                valid.extend(items);
            }
            Err(e) => {
                failed += 1;
                eprintln!("skipped {origin}: {e}");
            }
        }
    }
    // In batches, so the embedding runs on every core and progress shows.
    let bar = indicatif::ProgressBar::new(valid.len() as u64);
    for (batch, origins) in valid.chunks(512).zip(origins.chunks(512)) {
        for (origin, result) in origins.iter().zip(app.import_valid(batch.to_vec())) {
            match result {
                Ok(d) if d.created => {
                    created += 1;
                    matched += d.matches.len() as u64;
                }
                Ok(_) => existing += 1,
                Err(e) => {
                    failed += 1;
                    bar.suspend(|| eprintln!("skipped {origin}: {e}"));
                }
            }
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    app.flush()?;
    println!(
        "imported {created} new fact-checks ({matched} links to stored claims), {existing} already stored, {failed} skipped, in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        anyhow::bail!("{failed} entries could not be imported");
    }
    Ok(())
}
