//! `claimgraph verify` (and the check after `import`), `reindex` and `compact`.

use crate::store::Store;
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;

/// A spinner on a terminal's stderr; nothing when it is not one.
pub fn spinner(template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new_spinner();
    b.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    b.enable_steady_tick(std::time::Duration::from_millis(200));
    b
}

/// `claimgraph reindex`: a bar over the store's articles, then what it did.
pub fn reindex(app: &crate::app::App, dir: &Path) -> anyhow::Result<()> {
    let missing = app.claims_without_embedding()?;
    let bar = if std::io::stderr().is_terminal() && missing > 0 {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let start = std::time::Instant::now();
    let done = app.reindex(&|n, total| {
        bar.set_length(total);
        bar.set_position(n);
    })?;
    bar.finish_and_clear();
    println!(
        "{}: {} articles read, {} claims embedded ({missing} had none), {} links added and {} removed, in {:.1}s",
        dir.display(),
        done.articles,
        done.claims,
        done.links,
        done.unlinks,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `claimgraph compact`: a count of the entries copied, then the sizes.
pub fn compact(dir: &Path) -> anyhow::Result<()> {
    if !dir.is_dir() {
        anyhow::bail!("no store at {}", dir.display());
    }
    let bar = spinner("{spinner} copied {msg} entries ({elapsed})");
    let start = std::time::Instant::now();
    let done = crate::store::compact(dir, &|n| bar.set_message(n.to_string()))
        .map_err(|e| super::explain_lock(e.into()))?;
    bar.finish_and_clear();
    if done.replaced() {
        println!(
            "{}: {} -> {} ({} entries) in {:.1}s",
            dir.display(),
            HumanBytes(done.before),
            HumanBytes(done.after),
            done.entries,
            start.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "{}: {} already compact: a copy ({} entries) came out no smaller; left as it was ({:.1}s)",
            dir.display(),
            HumanBytes(done.before),
            done.entries,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub fn verify(store: &dyn Store, dir: &Path) -> anyhow::Result<()> {
    let bar = spinner("{spinner} verifying {msg} ({elapsed})");
    let report = store.verify_with(&|phase, n| bar.set_message(format!("{phase}: {n}")))?;
    bar.finish_and_clear();
    let checked: Vec<String> = report
        .checked
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    if report.is_ok() {
        println!("{}: ok ({})", dir.display(), checked.join(", "));
        return Ok(());
    }
    println!(
        "{}: {} invariants violated ({})",
        dir.display(),
        report.violations.len(),
        checked.join(", ")
    );
    for (rule, (n, examples)) in &report.violations {
        println!("  {rule}: {n} violations");
        for e in examples {
            println!("    {e}");
        }
    }
    anyhow::bail!("the store at {} is inconsistent", dir.display())
}
