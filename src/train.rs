//! Training the tables compiled into the binary, each from named public
//! data, deterministically: reporting-cue precision (PolNeAR), the pair model
//! (MRPC) and the cross-check rerankers (CLEF-2020). The lexicon is
//! `corroborate::build`; the sentence encoder `scripts/export-minilm.py`.

use crate::corroborate::features::Features;
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

/// Where `train-pairs` writes its tables, and the graded data it reads.
pub struct PairTables<'a> {
    /// The lexical pair model (pairs without embeddings).
    pub lexical: &'a Path,
    /// The semantic pair model (lexical features and the cosine).
    pub semantic: &'a Path,
    /// STS-B rows (tab-separated: genre, file, year, id, score, text, text)
    /// for the graded similarity, and where its table goes.
    pub sts: Option<(&'a Path, &'a Path)>,
}

/// Label and texts of tab-separated rows: the label at `label_at`, the two
/// texts from `texts_at`; rows whose label is not a number (headers) are
/// left out.
fn labelled_rows(text: &str, label_at: usize, texts_at: usize) -> Vec<(f32, &str, &str)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let label = f.get(label_at)?.trim().parse().ok()?;
            Some((label, *f.get(texts_at)?, *f.get(texts_at + 1)?))
        })
        .collect()
}

/// Pairs' features and the cosine of their texts' embeddings (embedded in
/// one batch, on every core).
fn featurised(rows: &[(f32, &str, &str)]) -> Vec<(Features, Features, f32)> {
    use crate::corroborate::embed::{cosine, Encoder};
    let texts: Vec<&str> = rows.iter().flat_map(|r| [r.1, r.2]).collect();
    let vectors = Encoder::get().embed_batch(&texts);
    rows.iter()
        .zip(vectors.chunks_exact(2))
        .map(|((_, a, b), v)| {
            (
                crate::corroborate::features(a, &[]),
                crate::corroborate::features(b, &[]),
                cosine(&v[0], &v[1]),
            )
        })
        .collect()
}

/// `train-pairs --dump`: per row, the label, the cosine of the two texts'
/// embeddings, the lexical score and the pair features, tab-separated.
pub fn dump_pairs(file: &Path, out: &Path) -> anyhow::Result<()> {
    use std::fmt::Write;
    let text = std::fs::read_to_string(file)?;
    let rows = labelled_rows(&text, 0, 3);
    let mut s = String::new();
    for (label, (fa, fb, cos)) in rows.iter().map(|r| r.0).zip(featurised(&rows)) {
        let c = crate::corroborate::compare(&fa, &fb);
        write!(s, "{label}\t{cos}\t{}", c.score)?;
        for v in crate::corroborate::score::pair_vector(&fa, &fb) {
            write!(s, "\t{v}")?;
        }
        writeln!(s)?;
    }
    std::fs::write(out, s)?;
    eprintln!("{} pairs", rows.len());
    Ok(())
}

/// A pair model fitted on the pairs at `train`, its threshold chosen for
/// the whole decision (a contradiction or too little in common overrides
/// the model), the closest to 0.5 among the best; with its accuracy there.
fn fit_decision(
    pairs: &[(Features, Features, f32)],
    ys: &[bool],
    train: &[usize],
    semantic: bool,
) -> (crate::corroborate::pair::PairModel, f64) {
    use crate::corroborate::pair::{self, PairModel};
    use crate::corroborate::score::pair_vector;
    let xs: Vec<Vec<f32>> = train
        .iter()
        .map(|&i| {
            let x = pair_vector(&pairs[i].0, &pairs[i].1);
            if semantic {
                pair::semantic_features(&x, pairs[i].2).to_vec()
            } else {
                x.to_vec()
            }
        })
        .collect();
    let y: Vec<bool> = train.iter().map(|&i| ys[i]).collect();
    let logistic = pair::Model::fit_newton(&xs, &y, 1e-3, 50);
    let mut best = (f64::MIN, 0.5f32);
    for t in (15..=35).map(|t| t as f32 / 50.0) {
        let m = PairModel {
            logistic: logistic.clone(),
            threshold: t,
        };
        let acc = accuracy(pairs, ys, train, &m, semantic);
        if acc > best.0 + 1e-9
            || (acc - best.0).abs() <= 1e-9 && (t - 0.5).abs() < (best.1 - 0.5).abs()
        {
            best = (acc, t);
        }
    }
    let m = PairModel {
        logistic,
        threshold: best.1,
    };
    (m, best.0)
}

/// The share of the pairs at `rows` whose decision (SUPPORTS or not) with
/// model `m` matches the label.
fn accuracy(
    pairs: &[(Features, Features, f32)],
    ys: &[bool],
    rows: &[usize],
    m: &crate::corroborate::pair::PairModel,
    semantic: bool,
) -> f64 {
    use crate::corroborate::score::compare_with;
    use crate::domain::Stance;
    rows.iter()
        .filter(|&&i| {
            let (a, b, c) = &pairs[i];
            let stance = compare_with(a, b, Some(m), semantic.then_some(*c)).stance;
            (stance == Some(Stance::Supports)) == ys[i]
        })
        .count() as f64
        / rows.len().max(1) as f64
}

/// `claimgraph train-pairs`: the lexical and the semantic pair models on
/// MRPC-format data, each with a 5-fold cross-validated accuracy (folds by
/// row number, so it reproduces); with `--sts`, the graded similarity.
pub fn pairs(file: &Path, tables: &PairTables) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)?;
    let rows: Vec<(f32, &str, &str)> = labelled_rows(&text, 0, 3)
        .into_iter()
        .filter(|r| r.0 == 0.0 || r.0 == 1.0)
        .collect();
    let ys: Vec<bool> = rows.iter().map(|r| r.0 == 1.0).collect();
    let pairs = featurised(&rows);
    let all: Vec<usize> = (0..pairs.len()).collect();
    for (semantic, out) in [(false, tables.lexical), (true, tables.semantic)] {
        let folds: Vec<f64> = (0..5)
            .map(|k| {
                let (test, train): (Vec<usize>, Vec<usize>) =
                    all.iter().partition(|&&i| i % 5 == k);
                let (m, _) = fit_decision(&pairs, &ys, &train, semantic);
                accuracy(&pairs, &ys, &test, &m, semantic)
            })
            .collect();
        let (m, acc) = fit_decision(&pairs, &ys, &all, semantic);
        let name = if semantic { "semantic" } else { "lexical" };
        let cv = folds.iter().sum::<f64>() / folds.len() as f64;
        std::fs::write(out, m.to_tsv())?;
        eprintln!(
            "{name} pair model: trained on {} pairs; threshold {:.2}; training accuracy of the decision {acc:.4}; 5-fold cross-validated {cv:.4} (folds {})",
            pairs.len(),
            m.threshold,
            folds
                .iter()
                .map(|f| format!("{f:.3}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    if let Some((sts, out)) = tables.sts {
        graded(sts, out)?;
    }
    Ok(())
}

/// The graded similarity: a ridge regression of STS-B's 0-5 grades on the
/// semantic features and the lexical score, over every genre of the file.
fn graded(sts: &Path, out: &Path) -> anyhow::Result<()> {
    use crate::corroborate::pair::{self, GRADED_MODEL_HEADER};
    use crate::corroborate::score::{compare_with, pair_vector};
    let text = std::fs::read_to_string(sts)?;
    let rows = labelled_rows(&text, 4, 5);
    let pairs = featurised(&rows);
    let xs: Vec<[f32; pair::N_GRADED]> = pairs
        .iter()
        .map(|(a, b, c)| {
            let x = pair::semantic_features(&pair_vector(a, b), *c);
            pair::graded_features(&x, compare_with(a, b, None, None).score)
        })
        .collect();
    let ys: Vec<f32> = rows.iter().map(|r| r.0).collect();
    let m = pair::Model::fit_ridge(&xs, &ys, 1e-3).context("the graded features are degenerate")?;
    std::fs::write(out, m.to_tsv(GRADED_MODEL_HEADER))?;
    let predicted: Vec<f32> = xs.iter().map(|x| m.linear(x)).collect();
    eprintln!(
        "graded similarity: trained on {} STS-B pairs; training Spearman {:.4}",
        rows.len(),
        spearman(&predicted, &ys)
    );
    Ok(())
}

/// Spearman's rank correlation (ties at their mean rank).
fn spearman(a: &[f32], b: &[f32]) -> f64 {
    fn ranks(v: &[f32]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for &k in &idx[i..=j] {
                r[k] = (i + j) as f64 / 2.0;
            }
            i = j + 1;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len().max(1) as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt().max(f64::MIN_POSITIVE)
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
