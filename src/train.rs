//! Training the tables compiled into the binary, each from named public
//! data, deterministically: reporting-cue precision (PolNeAR), the pair model
//! (MRPC) and the cross-check rerankers (CLEF-2020). The lexicon is
//! `corroborate::build`; the sentence encoder `scripts/export-minilm.py`.

use anyhow::Context;
use std::path::{Path, PathBuf};

pub fn cues(dir: &Path, min_count: u32) -> anyhow::Result<()> {
    use crate::extract::train;
    let mut stats = std::collections::BTreeMap::new();
    let mut anns: Vec<PathBuf> = std::fs::read_dir(dir.join("attributions"))
        .with_context(|| format!("no attributions/ in {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .collect();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    for ann in anns {
        // "<article>_<annotator>.ann": one annotator per article.
        let stem = ann.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let article = stem.rsplit_once('_').map_or(stem, |(a, _)| a).to_string();
        if !seen.insert(article.clone()) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("text").join(format!("{article}.txt")))?;
        let cues = train::cue_spans(&std::fs::read_to_string(&ann)?);
        train::observe(&mut stats, &text, &cues);
    }
    print!("{}", train::to_tsv(&stats, min_count));
    eprintln!("{} articles", seen.len());
    Ok(())
}

pub fn pairs(file: &Path, out: &Path) -> anyhow::Result<()> {
    use crate::corroborate::score::compare_with;
    use crate::corroborate::{features, pair};
    use crate::domain::Stance;
    let text = std::fs::read_to_string(file)?;
    let (mut xs, mut ys, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.trim_start_matches('\u{feff}').lines() {
        let f: Vec<&str> = line.split('\t').collect();
        // Rows are label, id, id, text, text; a header row has no 0/1 label.
        if f.len() < 5 || !matches!(f[0].trim(), "0" | "1") {
            continue;
        }
        let (fa, fb) = (features(f[3], &[]), features(f[4], &[]));
        xs.push(crate::corroborate::score::pair_vector(&fa, &fb));
        ys.push(f[0].trim() == "1");
        pairs.push((fa, fb));
    }
    let logistic = pair::Model::fit(&xs, &ys, 0.001, 3000);
    // The threshold is chosen for the whole decision (a contradiction or too
    // little in common overrides the model), the closest to 0.5 among the best.
    let accuracy = |m: &pair::PairModel| {
        pairs
            .iter()
            .zip(&ys)
            .filter(|((a, b), y)| {
                (compare_with(a, b, Some(m)).stance == Some(Stance::Supports)) == **y
            })
            .count() as f64
            / pairs.len().max(1) as f64
    };
    let mut best = (f64::MIN, 0.5f32);
    for t in (30..=70).map(|t| t as f32 / 100.0) {
        let m = pair::PairModel {
            logistic: logistic.clone(),
            threshold: t,
        };
        let acc = accuracy(&m);
        if acc > best.0 + 1e-9
            || (acc - best.0).abs() <= 1e-9 && (t - 0.5).abs() < (best.1 - 0.5).abs()
        {
            best = (acc, t);
        }
    }
    let m = pair::PairModel {
        logistic,
        threshold: best.1,
    };
    std::fs::write(out, m.to_tsv())?;
    eprintln!(
        "trained on {} pairs; threshold {:.2}; training accuracy of the decision {:.4}",
        xs.len(),
        best.1,
        best.0
    );
    Ok(())
}

pub fn crosscheck(
    vclaims: &Path,
    queries: &Path,
    qrels: &Path,
    out: &Path,
    semantic_out: &Path,
) -> anyhow::Result<()> {
    use crate::corroborate::pair::Model;
    use crate::domain::NewFactCheck;
    use crate::search::crosscheck::{
        fact_check_candidates, Query, COSINE, LEXICAL_PROBABILITY, RERANK_MODEL_HEADER,
    };
    use std::collections::{HashMap, HashSet};
    let app = crate::app::App::open(crate::store::temporary()?)?;
    let text = std::fs::read_to_string(vclaims)?;
    let mut items = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(id), Some(claim)) = (f.first(), f.get(1)) else {
            continue;
        };
        items.push(NewFactCheck {
            claim_reviewed: claim.to_string(),
            headline: f.get(2).map(|s| s.to_string()),
            url: Some(format!("https://example.org/vclaim/{}", id.trim())),
            ..NewFactCheck::default()
        });
    }
    // Rows the TSV's embedded newlines break up are not checks: skip them.
    let items: Vec<NewFactCheck> = items
        .into_iter()
        .filter_map(|i| crate::claimreview::validate(i).ok())
        .collect();
    let _ = app.import_valid(items);
    let mut gold: HashMap<String, HashSet<String>> = HashMap::new();
    for line in std::fs::read_to_string(qrels)?.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 4 && f[3] != "0" {
            gold.entry(f[0].to_string())
                .or_default()
                .insert(format!("https://example.org/vclaim/{}", f[2]));
        }
    }
    let mut qs: Vec<(String, String)> = Vec::new();
    for line in std::fs::read_to_string(queries)?.lines() {
        if let Some((id, t)) = line.split_once('\t') {
            if gold.contains_key(id.trim()) {
                qs.push((
                    id.trim().to_string(),
                    t.split_whitespace().collect::<Vec<_>>().join(" "),
                ));
            }
        }
    }
    let (mut xs, mut sx, mut ys, mut groups) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut from_bm25 = Vec::new();
    for (id, t) in &qs {
        let q = Query::new(t);
        let start = xs.len();
        for c in fact_check_candidates(app.store().as_ref(), app.search(), &q)? {
            ys.push(
                c.fact_check
                    .url
                    .as_ref()
                    .is_some_and(|u| gold[id].contains(u)),
            );
            xs.push(c.lexical);
            from_bm25.push(c.lexical_match);
            sx.push(
                c.semantic.ok_or_else(|| {
                    anyhow::anyhow!("a fact-check was stored without its embedding")
                })?,
            );
        }
        groups.push((start, xs.len(), gold[id].len()));
    }
    let map5 = |score: &dyn Fn(usize) -> f32| {
        let mut total = 0.0;
        for &(a, b, relevant) in &groups {
            let mut idx: Vec<usize> = (a..b).collect();
            idx.sort_by(|&i, &j| score(j).total_cmp(&score(i)).then(i.cmp(&j)));
            let (mut hits, mut ap) = (0.0, 0.0);
            for (r, &i) in idx.iter().take(5).enumerate() {
                if ys[i] {
                    hits += 1.0;
                    ap += hits / (r + 1) as f64;
                }
            }
            total += ap / relevant.clamp(1, 5) as f64;
        }
        total / groups.len().max(1) as f64
    };
    let before = map5(&|i| xs[i][0]);
    // The lexical reranker also ranks claims, which only BM25 finds: it
    // learns from BM25's candidates alone.
    let (lx, ly): (Vec<_>, Vec<_>) = (0..xs.len())
        .filter(|&i| from_bm25[i])
        .map(|i| (xs[i], ys[i]))
        .unzip();
    let m = Model::fit(&lx, &ly, 0.001, 2000);
    let lexical = map5(&|i| m.probability(&xs[i]));
    std::fs::write(out, m.to_tsv(RERANK_MODEL_HEADER))?;
    // The semantic reranker reads the lexical one's output: the one just fitted.
    for (x, s) in xs.iter().zip(sx.iter_mut()) {
        s[LEXICAL_PROBABILITY] = m.probability(x);
    }
    let cosine = map5(&|i| sx[i][COSINE]);
    let s = Model::fit_newton(&sx, &ys, 0.001, 100);
    let semantic = map5(&|i| s.probability(&sx[i]));
    std::fs::write(semantic_out, s.to_tsv(RERANK_MODEL_HEADER))?;
    eprintln!(
        "trained on {} candidates of {} queries; MAP@5 on them: BM25 {before:.4}, cosine {cosine:.4}, lexical reranker {lexical:.4}, semantic reranker {semantic:.4}",
        xs.len(),
        groups.len()
    );
    Ok(())
}
