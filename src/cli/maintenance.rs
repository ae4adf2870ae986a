//! `claimgraph verify` (and the check after `import`).

use crate::store::Store;
use std::path::Path;

pub fn verify(store: &dyn Store, dir: &Path) -> anyhow::Result<()> {
    let report = store.verify()?;
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
