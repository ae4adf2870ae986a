//! The scorers' contracts (`../shared/eval`): `similarity` and
//! `cross-check` (`extract` is `extract.rs`). Keep their input and output
//! formats stable: the scorers drive them as black boxes.

use crate::app::App;

/// `claimgraph similarity`: the scorers' contract, with the scorer and
/// threshold for claims whose embeddings are known (the fact-checks' and,
/// once claims are embedded at ingest, every claim's). Pairs are read in
/// blocks so their texts are embedded in batches, on every core; each
/// answer is the same as alone.
pub fn similarity(explain: bool) -> anyhow::Result<()> {
    use crate::corroborate::embed::{cosine, Encoder};
    use crate::corroborate::features;
    use crate::corroborate::score::{
        compare_judged, compare_meaning, judge_both_ways, stance_label, worth_judging, Basis,
    };
    use crate::encoder::PairJudge;
    use std::io::{BufRead, Write};
    const BLOCK: usize = 256;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut lines = stdin.lock().lines();
    loop {
        let block = lines
            .by_ref()
            .take(BLOCK)
            .collect::<Result<Vec<String>, _>>()?;
        if block.is_empty() {
            break;
        }
        let pairs: Vec<(&str, &str)> = block
            .iter()
            .map(|l| l.split_once('\t').unwrap_or((l.as_str(), "")))
            .collect();
        let texts: Vec<&str> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        let vectors = Encoder::get().embed_batch(&texts);
        // As linking does: the judge reads the pairs worth its pass, in one batch.
        let compared: Vec<_> = pairs
            .iter()
            .zip(vectors.chunks_exact(2))
            .map(|((a, b), v)| {
                let (fa, fb) = (features(a, &[]), features(b, &[]));
                let c = cosine(&v[0], &v[1]);
                let basis = Basis::default();
                let judged = worth_judging(&fa, &fb, c, &basis);
                (fa, fb, c, judged, basis)
            })
            .collect();
        let read: Vec<(&str, &str, bool)> = compared
            .iter()
            .filter(|x| x.3)
            .map(|(fa, fb, _, _, basis)| {
                (
                    fa.text.as_str(),
                    fb.text.as_str(),
                    judge_both_ways(fa, fb, basis),
                )
            })
            .collect();
        let mut judged = PairJudge::get().probabilities(&read).into_iter();
        for (fa, fb, cos, worth, basis) in &compared {
            let c = match worth.then(|| judged.next()).flatten() {
                Some(p) => compare_judged(fa, fb, *cos, p, basis),
                None => compare_meaning(fa, fb, *cos, basis),
            };
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
    }
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
