//! Deciding whether two texts say the same thing: a logistic model over
//! general lexical features (coverage both ways, overlaps of words, stems,
//! bigrams and trigrams, order, length, names and numbers), trained by
//! `claimgraph train-pairs` on labelled news paraphrases and shipped as
//! `pair_model.tsv`.

use super::features::Features;
use std::collections::HashSet;
use std::sync::OnceLock;

pub const N_FEATURES: usize = 30;
/// The lexical features and the cosine of the two texts' embeddings.
pub const N_SEMANTIC: usize = N_FEATURES + 1;
/// The semantic features and the lexical score: what the graded
/// similarity is predicted from.
pub const N_GRADED: usize = N_SEMANTIC + 1;

/// The lexical features with the cosine of meaning after them.
pub fn semantic_features(lexical: &[f32; N_FEATURES], cosine: f32) -> [f32; N_SEMANTIC] {
    std::array::from_fn(|i| if i < N_FEATURES { lexical[i] } else { cosine })
}

/// The semantic features with the lexical score after them.
pub fn graded_features(semantic: &[f32; N_SEMANTIC], score: f32) -> [f32; N_GRADED] {
    std::array::from_fn(|i| if i < N_SEMANTIC { semantic[i] } else { score })
}

/// Elements two sorted, distinct sets share, counted by one merge.
fn shared(a: &[Hash], b: &[Hash]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn jaccard(a: &[Hash], b: &[Hash]) -> f32 {
    let both = shared(a, b);
    let u = a.len() + b.len() - both;
    if u == 0 {
        0.0
    } else {
        both as f32 / u as f32
    }
}

fn lcs(a: &[Hash], b: &[Hash]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    for x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The text's runs of four characters (lower-cased, letters, digits and
/// spaces), as sorted distinct hashes: no string per run.
fn char_grams(text: &str) -> Vec<Hash> {
    let t: Vec<char> = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    hashed(t.windows(4))
}

/// Capitalised words after the first (names, places, bodies), lower-cased,
/// as sorted distinct hashes.
fn names(text: &str) -> Vec<Hash> {
    let found = text
        .split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().skip(1).any(char::is_lowercase)
        })
        .map(str::to_lowercase);
    hashed(found)
}

/// What the pair model reads of one text, derived once per text and kept
/// with its features in the linker's cache, so held compactly: sets as
/// sorted hashes (4 bytes an element, where a hash set of strings took
/// several times that and more to build), compared by merging. Same Jaccard as sets of
/// strings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Surface {
    /// The stems in order, hashed: the longest common subsequence reads them.
    stems: Vec<Hash>,
    word_set: Vec<Hash>,
    stem_set: Vec<Hash>,
    bigrams: Vec<Hash>,
    trigrams: Vec<Hash>,
    char_grams: Vec<Hash>,
    names: Vec<Hash>,
    /// Word n-grams (n = 1..4) by hash with their counts, for clipped precision.
    ngrams: [Vec<(Hash, u32)>; 4],
}

/// A hash of a word, stem or gram. 32 bits: a claim has about a hundred
/// of them, so two claims' sets share one by chance in about one pair in
/// 400,000, and the linker's cache of surfaces is half the size it is at 64.
type Hash = u32;

fn hash_of<T: std::hash::Hash>(x: T) -> Hash {
    use std::hash::BuildHasher;
    // Fixed, so a text hashes the same in every process; fast, because a
    // claim's surface is a few hundred of them (SipHash was a fifth of
    // deriving it).
    let h = foldhash::fast::FixedState::with_seed(0).hash_one(x);
    (h ^ (h >> 32)) as Hash
}

fn counted<T: std::hash::Hash>(items: impl IntoIterator<Item = T>) -> Vec<(Hash, u32)> {
    let mut all: Vec<Hash> = items.into_iter().map(hash_of).collect();
    all.sort_unstable();
    all.chunk_by(|a, b| a == b)
        .map(|run| (run[0], run.len() as u32))
        .collect()
}

/// Clipped n-gram matches over each side's total, as BLEU counts them.
fn ngram_precision(a: &[(Hash, u32)], b: &[(Hash, u32)]) -> (f32, f32) {
    let (mut i, mut j, mut m) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                m += a[i].1.min(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    let total = |x: &[(Hash, u32)]| x.iter().map(|g| g.1).sum::<u32>().max(1) as f32;
    (m as f32 / total(a), m as f32 / total(b))
}

/// Sorted distinct hashes of `items`.
fn hashed<T: std::hash::Hash>(items: impl IntoIterator<Item = T>) -> Vec<Hash> {
    let mut out: Vec<Hash> = items.into_iter().map(hash_of).collect();
    out.sort_unstable();
    out.dedup();
    out.shrink_to_fit();
    out
}

fn surface(f: &Features) -> &Surface {
    f.surface.get_or_init(|| {
        let words: Vec<String> = super::features::words(&f.text)
            .into_iter()
            .map(|w| w.0)
            .collect();
        let stems: Vec<String> = words.iter().map(|w| super::features::stem(w)).collect();
        Surface {
            word_set: hashed(&words),
            stem_set: hashed(&stems),
            bigrams: hashed(stems.windows(2)),
            trigrams: hashed(stems.windows(3)),
            char_grams: char_grams(&f.text),
            names: names(&f.text),
            ngrams: [1, 2, 3, 4].map(|n| counted(words.windows(n))),
            stems: stems.iter().map(hash_of).collect(),
        }
    })
}

/// The features of a pair; `coverage` is (matched, total) of each side.
pub fn pair_features(
    fa: &Features,
    fb: &Features,
    cov_a: (f32, f32),
    cov_b: (f32, f32),
) -> [f32; N_FEATURES] {
    let (a, b) = (surface(fa), surface(fb));
    let ca = if cov_a.1 > 0.0 {
        cov_a.0 / cov_a.1
    } else {
        0.0
    };
    let cb = if cov_b.1 > 0.0 {
        cov_b.0 / cov_b.1
    } else {
        0.0
    };
    let (sa, sb) = (&a.stems, &b.stems);
    let (set_wa, set_wb, set_sa, set_sb) = (&a.word_set, &b.word_set, &a.stem_set, &b.stem_set);
    let shared_stems = shared(set_sa, set_sb) as f32;
    let pa = shared_stems / set_sa.len().max(1) as f32;
    let pb = shared_stems / set_sb.len().max(1) as f32;
    let (la, lb) = (sa.len() as f32, sb.len() as f32);
    let longest = la.max(lb).max(1.0);
    let nums = |f: &Features| {
        f.numbers
            .iter()
            .map(|(v, _, _)| (v * 100.0).round() as i64)
            .collect::<HashSet<_>>()
    };
    let (na, nb) = (nums(fa), nums(fb));
    let nums_shared = na.intersection(&nb).count();
    let (name_a, name_b) = (&a.names, &b.names);
    let name_diff = name_a.len() + name_b.len() - 2 * shared(name_a, name_b);
    let word_shared = shared(set_wa, set_wb);
    let p: Vec<(f32, f32)> = (0..4)
        .map(|n| ngram_precision(&a.ngrams[n], &b.ngrams[n]))
        .collect();
    [
        ca.min(cb),
        ca.max(cb),
        if cov_a.1 + cov_b.1 > 0.0 {
            (cov_a.0 + cov_b.0) / (cov_a.1 + cov_b.1)
        } else {
            0.0
        },
        jaccard(set_wa, set_wb),
        f32::from(u8::from(
            !na.is_empty() && !nb.is_empty() && nums_shared == 0,
        )),
        na.symmetric_difference(&nb).count() as f32,
        name_diff as f32,
        la.min(lb) / longest,
        (cov_a.1 - cov_a.0).max(cov_b.1 - cov_b.0),
        jaccard(set_sa, set_sb),
        jaccard(&a.bigrams, &b.bigrams),
        2.0 * lcs(sa, sb) as f32 / (la + lb).max(1.0),
        pa.min(pb),
        pa.max(pb),
        jaccard(&a.trigrams, &b.trigrams),
        f32::from(u8::from(nums_shared > 0)),
        // Content words of each side the other lacks, the larger count.
        fa.terms
            .iter()
            .filter(|t| !fb.terms.iter().any(|u| u.stem == t.stem))
            .count()
            .max(
                fb.terms
                    .iter()
                    .filter(|t| !fa.terms.iter().any(|u| u.stem == t.stem))
                    .count(),
            ) as f32,
        f32::from(u8::from(super::features::denial_conflict(fa, fb).is_some())),
        jaccard(&a.char_grams, &b.char_grams),
        p[0].0.min(p[0].1),
        p[1].0.min(p[1].1),
        p[2].0.min(p[2].1),
        p[3].0.min(p[3].1),
        p[0].0.max(p[0].1),
        p[1].0.max(p[1].1),
        p[2].0.max(p[2].1),
        p[3].0.max(p[3].1),
        (la - lb).abs(),
        (set_wa.len() + set_wb.len() - 2 * word_shared) as f32,
        (set_wa.len() - word_shared).min(set_wb.len() - word_shared) as f32,
    ]
}

/// A fitted logistic model: standardisation, weights, bias. Any number of
/// features; the pair model and the cross-check reranker share it.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
    pub weights: Vec<f32>,
    pub bias: f32,
}

impl Model {
    pub fn probability(&self, x: &[f32]) -> f32 {
        1.0 / (1.0 + (-self.linear(x)).exp())
    }

    /// The weighted sum of the standardised features and the bias: the
    /// log-odds of a logistic model, the prediction of a ridge one.
    pub fn linear(&self, x: &[f32]) -> f32 {
        self.bias
            + x.iter()
                .zip(&self.weights)
                .zip(self.mean.iter().zip(&self.std))
                .map(|((x, w), (m, s))| w * (x - m) / s)
                .sum::<f32>()
    }

    /// Ridge regression of `ys` on standardised features, solved exactly
    /// (normal equations in f64): deterministic, so training reproduces.
    #[allow(clippy::needless_range_loop)] // matrix indices read best as indices
    pub fn fit_ridge<X: AsRef<[f32]>>(xs: &[X], ys: &[f32], l2: f64) -> Option<Model> {
        let (d, n, mean, std, z) = standardise(xs);
        let n = f64::from(n);
        let bias = ys.iter().map(|&y| f64::from(y)).sum::<f64>() / n;
        let mut a = vec![vec![0.0f64; d]; d];
        let mut b = vec![0.0f64; d];
        for (x, &y) in z.iter().zip(ys) {
            let r = f64::from(y) - bias;
            for i in 0..d {
                b[i] += f64::from(x[i]) * r / n;
                for j in 0..=i {
                    a[i][j] += f64::from(x[i]) * f64::from(x[j]) / n;
                }
            }
        }
        for i in 0..d {
            for j in 0..i {
                a[j][i] = a[i][j];
            }
            a[i][i] += l2;
        }
        let w = solve(a, b)?;
        Some(Model {
            mean,
            std,
            weights: w.iter().map(|v| *v as f32).collect(),
            bias: bias as f32,
        })
    }

    /// The table, headed by what generated it.
    pub fn to_tsv(&self, what: &str) -> String {
        let row = |name: &str, v: &[f32]| {
            format!(
                "{name}\t{}\n",
                v.iter()
                    .map(|x| format!("{x:.6}"))
                    .collect::<Vec<_>>()
                    .join("\t")
            )
        };
        format!(
            "# {what}\n{}{}{}{}",
            row("mean", &self.mean),
            row("std", &self.std),
            row("weights", &self.weights),
            row("bias", &[self.bias])
        )
    }

    /// Reads a table of `n` features.
    pub fn from_tsv(s: &str, n: usize) -> Option<Model> {
        let mut m = Model {
            mean: vec![0.0; n],
            std: vec![1.0; n],
            weights: vec![0.0; n],
            bias: 0.0,
        };
        for line in s.lines().filter(|l| !l.starts_with('#')) {
            let mut f = line.split('\t');
            let name = f.next()?;
            let v: Vec<f32> = f.map(|x| x.parse().ok()).collect::<Option<_>>()?;
            match name {
                "mean" => m.mean.copy_from_slice(v.get(..n)?),
                "std" => m.std.copy_from_slice(v.get(..n)?),
                "weights" => m.weights.copy_from_slice(v.get(..n)?),
                "bias" => m.bias = *v.first()?,
                _ => {}
            }
        }
        Some(m)
    }

    /// L2-regularised logistic regression by full-batch gradient descent
    /// on standardised features: deterministic, so training reproduces.
    pub fn fit<X: AsRef<[f32]>>(xs: &[X], ys: &[bool], l2: f32, epochs: usize) -> Model {
        let (d, n, mean, std, z) = standardise(xs);
        let mut w = vec![0.0f32; d];
        let mut b = 0.0f32;
        let lr = 0.5;
        for _ in 0..epochs {
            let mut gw = vec![0.0f32; d];
            let mut gb = 0.0f32;
            for (x, &y) in z.iter().zip(ys) {
                let p = 1.0 / (1.0 + (-(b + (0..d).map(|i| w[i] * x[i]).sum::<f32>())).exp());
                let e = p - f32::from(u8::from(y));
                for i in 0..d {
                    gw[i] += e * x[i] / n;
                }
                gb += e / n;
            }
            for i in 0..d {
                w[i] -= lr * (gw[i] + l2 * w[i]);
            }
            b -= lr * gb;
        }
        Model {
            mean,
            std,
            weights: w,
            bias: b,
        }
    }

    /// The same objective solved to convergence by Newton's method (IRLS),
    /// in f64: for tables whose features are on very different scales of
    /// usefulness, where plain descent stops short of the optimum.
    #[allow(clippy::needless_range_loop)] // matrix indices read best as indices
    pub fn fit_newton<X: AsRef<[f32]>>(xs: &[X], ys: &[bool], l2: f64, iterations: usize) -> Model {
        let (d, n, mean, std, z) = standardise(xs);
        let n = f64::from(n);
        // The bias is the last coordinate, and is not regularised.
        let k = d + 1;
        let mut w = vec![0.0f64; k];
        let at = |x: &[f32], i: usize| if i < d { f64::from(x[i]) } else { 1.0 };
        for _ in 0..iterations {
            let mut g = vec![0.0f64; k];
            let mut h = vec![vec![0.0f64; k]; k];
            for (x, &y) in z.iter().zip(ys) {
                let s: f64 = (0..k).map(|i| w[i] * at(x, i)).sum();
                let p = 1.0 / (1.0 + (-s).exp());
                let e = p - f64::from(u8::from(y));
                let v = (p * (1.0 - p)).max(1e-12);
                for i in 0..k {
                    let xi = at(x, i);
                    g[i] += e * xi / n;
                    for j in 0..=i {
                        h[i][j] += v * xi * at(x, j) / n;
                    }
                }
            }
            for i in 0..k {
                for j in 0..i {
                    h[j][i] = h[i][j];
                }
                if i < d {
                    g[i] += l2 * w[i];
                    h[i][i] += l2;
                }
            }
            let Some(step) = solve(h, g) else { break };
            let largest = step.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            for (wi, si) in w.iter_mut().zip(&step) {
                *wi -= si;
            }
            if largest < 1e-9 {
                break;
            }
        }
        Model {
            mean,
            std,
            weights: w[..d].iter().map(|v| *v as f32).collect(),
            bias: w[d] as f32,
        }
    }
}

type Standardised = (usize, f32, Vec<f32>, Vec<f32>, Vec<Vec<f32>>);

/// Features scaled to zero mean and unit deviation: (width, count, means,
/// deviations, the scaled rows).
fn standardise<X: AsRef<[f32]>>(xs: &[X]) -> Standardised {
    let d = xs.first().map_or(0, |x| x.as_ref().len());
    let n = xs.len().max(1) as f32;
    let mut mean = vec![0.0f32; d];
    let mut std = vec![0.0f32; d];
    for x in xs {
        for (m, v) in mean.iter_mut().zip(x.as_ref()) {
            *m += v / n;
        }
    }
    for x in xs {
        for i in 0..d {
            std[i] += (x.as_ref()[i] - mean[i]).powi(2) / n;
        }
    }
    for s in std.iter_mut() {
        *s = s.sqrt().max(1e-6);
    }
    let z = xs
        .iter()
        .map(|x| (0..d).map(|i| (x.as_ref()[i] - mean[i]) / std[i]).collect())
        .collect();
    (d, n, mean, std, z)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; none when
/// `a` is singular.
#[allow(clippy::needless_range_loop)]
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let k = b.len();
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..k {
            let f = a[r][c] / a[c][c];
            for j in c..k {
                a[r][j] -= f * a[c][j];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0f64; k];
    for r in (0..k).rev() {
        let s: f64 = (r + 1..k).map(|j| a[r][j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// The header of the shipped pair table.
pub const PAIR_MODEL_HEADER: &str =
    "logistic model over pair features (generated by `claimgraph train-pairs`)";

/// The pair model and the probability at which it calls a pair the same,
/// chosen in training for the decision it takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct PairModel {
    pub logistic: Model,
    pub threshold: f32,
}

impl PairModel {
    pub fn says_same(&self, x: &[f32]) -> bool {
        self.logistic.probability(x) >= self.threshold
    }

    pub fn to_tsv(&self) -> String {
        format!(
            "{}threshold\t{:.2}\n",
            self.logistic.to_tsv(PAIR_MODEL_HEADER),
            self.threshold
        )
    }

    /// Reads a table of `n` features.
    pub fn from_tsv(s: &str, n: usize) -> Option<PairModel> {
        let logistic = Model::from_tsv(s, n)?;
        let threshold = s
            .lines()
            .find_map(|l| l.strip_prefix("threshold\t"))
            .map_or(Some(0.5), |t| t.trim().parse().ok())?;
        Some(PairModel {
            logistic,
            threshold,
        })
    }
}

/// The shipped model, or none if the table is empty (before first training).
pub fn model() -> Option<&'static PairModel> {
    static M: OnceLock<Option<PairModel>> = OnceLock::new();
    M.get_or_init(|| {
        PairModel::from_tsv(include_str!("pair_model.tsv"), N_FEATURES)
            .filter(|m| m.logistic.weights.iter().any(|w| *w != 0.0))
    })
    .as_ref()
}

/// The shipped model for pairs whose embeddings are known: the lexical
/// features and the cosine of meaning.
pub fn semantic_model() -> Option<&'static PairModel> {
    static M: OnceLock<Option<PairModel>> = OnceLock::new();
    M.get_or_init(|| {
        PairModel::from_tsv(include_str!("pair_semantic_model.tsv"), N_SEMANTIC)
            .filter(|m| m.logistic.weights.iter().any(|w| *w != 0.0))
    })
    .as_ref()
}

/// The header of the shipped graded-similarity table.
pub const GRADED_MODEL_HEADER: &str =
    "ridge model of graded similarity, 0-5 (generated by `claimgraph train-pairs --sts`)";

/// The shipped graded-similarity model (how alike two texts are, 0 to 5,
/// as STS-B's annotators grade it), over [`graded_features`].
pub fn graded_model() -> Option<&'static Model> {
    static M: OnceLock<Option<Model>> = OnceLock::new();
    M.get_or_init(|| {
        Model::from_tsv(include_str!("graded_model.tsv"), N_GRADED)
            .filter(|m| m.weights.iter().any(|w| *w != 0.0))
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_model_separates_a_separable_feature_and_round_trips() {
        let xs: Vec<[f32; N_FEATURES]> = (0..40)
            .map(|i| std::array::from_fn(|k| if k == 3 { i as f32 / 40.0 } else { 0.5 }))
            .collect();
        let ys: Vec<bool> = (0..40).map(|i| i >= 20).collect();
        let m = Model::fit(&xs, &ys, 0.0, 500);
        assert!(m.probability(&xs[39]) > 0.8 && m.probability(&xs[0]) < 0.2);
        let again = Model::from_tsv(&m.to_tsv("test"), N_FEATURES).unwrap();
        assert!((again.probability(&xs[39]) - m.probability(&xs[39])).abs() < 1e-3);
    }

    #[test]
    fn ridge_regression_recovers_a_linear_rule() {
        let xs: Vec<[f32; 2]> = (0..100)
            .map(|i| [(i % 13) as f32, (i % 7) as f32 * 0.5])
            .collect();
        let ys: Vec<f32> = xs.iter().map(|x| 2.0 * x[0] - 3.0 * x[1] + 1.0).collect();
        let m = Model::fit_ridge(&xs, &ys, 1e-9).unwrap();
        for (x, y) in xs.iter().zip(&ys) {
            assert!((m.linear(x) - y).abs() < 1e-3, "{} vs {y}", m.linear(x));
        }
        // A constant feature carries nothing, and does not break the fit.
        let flat: Vec<[f32; 1]> = (0..10).map(|_| [1.0]).collect();
        let m = Model::fit_ridge(&flat, &[2.0; 10], 1e-3).unwrap();
        assert!((m.linear(&[1.0]) - 2.0).abs() < 1e-6);
    }

    #[test]
    fn newtons_method_reaches_the_optimum_that_descent_approaches() {
        // Overlapping classes: a finite optimum that both fits must share.
        let xs: Vec<[f32; 2]> = (0..200)
            .map(|i| [(i % 37) as f32 / 37.0, (i % 11) as f32 / 11.0])
            .collect();
        let ys: Vec<bool> = (0..200).map(|i| (i % 37) + 2 * (i % 5) > 24).collect();
        let newton = Model::fit_newton(&xs, &ys, 0.001, 50);
        let descent = Model::fit(&xs, &ys, 0.001, 20_000);
        for x in &xs {
            let (a, b) = (newton.probability(x), descent.probability(x));
            assert!((a - b).abs() < 0.01, "{a} vs {b} at {x:?}");
        }
        assert!(newton.weights[0] > 0.5, "{:?}", newton.weights);
    }
}
