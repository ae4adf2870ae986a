//! `claimgraph verify` (and the check after `import`).

use crate::store::Store;
use indicatif::{ProgressBar, ProgressStyle};
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
