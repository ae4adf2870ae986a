//! The scorers' contracts (`../shared/eval`): `similarity` and
//! `cross-check` (`extract` is `extract.rs`). Keep their input and output
//! formats stable: the scorers drive them as black boxes.

use crate::app::App;

/// `claimgraph similarity`: the scorers' contract, with the server's scorer and threshold.
pub fn similarity(explain: bool) -> anyhow::Result<()> {
    use crate::corroborate::score::stance_label;
    use crate::corroborate::{compare, features};
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let (a, b) = line.split_once('\t').unwrap_or((line.as_str(), ""));
        let c = compare(&features(a, &[]), &features(b, &[]));
        if explain {
            writeln!(
                out,
                "{:.4}\t{}\t{}",
                c.score,
                stance_label(c.stance),
                c.evidence.join("; ")
            )?;
        } else {
            writeln!(out, "{:.4}\t{}", c.score, stance_label(c.stance))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `claimgraph cross-check`: the scorers' contract over stored fact-checks.
pub fn cross_check(app: &App, top: usize) -> anyhow::Result<()> {
    use crate::search::crosscheck::{cross_check, Scope, Target};
    let store = app.store().as_ref();
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let Some((qid, text)) = line.split_once('\t') else {
            continue;
        };
        let hits = cross_check(store, app.search(), text, top, Scope::FACT_CHECKS)?;
        let mut rank = 0;
        for h in hits {
            let Target::FactCheck(id) = h.target else {
                continue;
            };
            let Some(fc) = store.fact_check(id)? else {
                continue;
            };
            rank += 1;
            let url = fc.details.url.unwrap_or_else(|| id.to_string());
            writeln!(out, "{qid}\t{url}\t{rank}\t{:.4}", h.score)?;
        }
    }
    out.flush()?;
    Ok(())
}
