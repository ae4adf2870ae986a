//! Stage 4: cross-checking a piece of text against everything stored, the
//! query a pipeline runs on every new sentence. Candidates come from the
//! postings (claims' and fact-checks') and, for fact-checks, from the vector
//! index of their embeddings, never from a scan; the best are rescored with
//! the full comparison.

use super::{Derived, Posting, Search};
use crate::corroborate::features::{features, Features};
use crate::corroborate::score::{compare, coverage};
use crate::domain::{ClaimId, FactCheck, FactCheckId, Stance};
use crate::store::{Result, Store};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Query terms looked up, the highest-weighted.
const QUERY_TERMS: usize = 32;
/// Postings read per term: past this a term is too common to tell texts apart.
const POSTINGS_PER_TERM: usize = 3_000;
/// Candidates of each kind rescored.
const CANDIDATES: usize = 40;
/// Fact-checks nearest in meaning added to the lexical candidates: the
/// paraphrases that share too few words for BM25 to rank.
const DENSE_CANDIDATES: usize = 20;
/// Below this cosine a neighbour is no paraphrase (all-MiniLM-L6-v2 puts
/// unrelated sentences near 0): the index always has neighbours, and a
/// query about nothing stored must still find nothing.
const DENSE_MIN_COSINE: f32 = 0.3;
/// Vectors of the claims' index a cross-check reads (the groups of the
/// query's nearest centroids, until this many): a fixed budget, so its cost
/// stays flat as the store grows, eight times linking's per claim since a
/// reader's query is one text where an ingest compares thousands. An
/// eighth of the groups, read before, is about 75,000 vectors a query at
/// 100,000 articles (600,000 claims), where a cross-check took 23 ms at
/// the median (8 ms with this budget); over 112,000 claims this budget
/// gives the same five hits for 293 of 300 queries, and the same first
/// hit for all.
const DENSE_BUDGET: usize = 16_384;

/// What a cross-check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Claim(ClaimId),
    FactCheck(FactCheckId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub target: Target,
    /// How likely the stored text is what the query is about, in [0, 1]: the
    /// ranking. Trained where one text is the answer, so it falls after the best.
    pub score: f32,
    /// How much the two texts share, in [0, 1], whatever else was found: the
    /// corroboration score.
    pub similarity: f32,
    /// The cosine of the two texts' sentence embeddings, when both have one
    /// (fact-checks do; stored claims are matched by their words).
    pub semantic_similarity: Option<f32>,
    /// `None`: related, but neither the same nor the opposite.
    pub stance: Option<Stance>,
    pub evidence: Vec<String>,
}

/// Which stored texts to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub claims: bool,
    pub fact_checks: bool,
}

impl Scope {
    pub const ALL: Scope = Scope {
        claims: true,
        fact_checks: true,
    };
    pub const FACT_CHECKS: Scope = Scope {
        claims: false,
        fact_checks: true,
    };
}

/// The terms a text is indexed and searched under, with their counts, and
/// its length: word stems (and the entities it stands for) and numbers
/// ("#3500000" for "3.5 million").
pub fn index_terms(texts: &[&Features]) -> (Vec<(String, u16)>, u16) {
    let mut counts: HashMap<String, u16> = HashMap::new();
    let mut len = 0u16;
    for f in texts {
        for t in &f.terms {
            *counts.entry(t.stem.clone()).or_default() += 1;
            len = len.saturating_add(1);
        }
        for (v, _, _) in &f.numbers {
            *counts.entry(number_term(*v)).or_default() += 1;
            len = len.saturating_add(1);
        }
    }
    let mut out: Vec<(String, u16)> = counts.into_iter().collect();
    out.sort_unstable();
    (out, len)
}

pub fn number_term(v: f64) -> String {
    format!("#{v}")
}

/// Social-media and web debris that carries no claim: links, handles, and
/// hashtags written as one word ("#AustralianFires" -> "Australian Fires").
pub fn clean_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if lower.contains("http://")
            || lower.contains("https://")
            || lower.starts_with("www.")
            || lower.starts_with("pic.twitter.com")
        {
            // A link glued to the word before it: keep the word.
            if let Some(i) = lower.find("http") {
                if i > 0 {
                    out.push_str(&word[..i]);
                    out.push(' ');
                }
            }
            continue;
        }
        if let Some(handle) = word.strip_prefix('@') {
            if handle.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
        }
        let w = word.strip_prefix('#').unwrap_or(word);
        if w.len() < word.len() {
            // Split CamelCase: a lower-case letter followed by an upper-case one.
            let mut prev_lower = false;
            for c in w.chars() {
                if c.is_uppercase() && prev_lower {
                    out.push(' ');
                }
                prev_lower = c.is_lowercase();
                out.push(c);
            }
        } else {
            out.push_str(w);
        }
        out.push(' ');
    }
    out.trim_end().to_string()
}

/// The text a fact-check is matched on: the claim as reviewed.
pub fn fact_check_features(fc: &FactCheck) -> Features {
    features(&fc.claim_reviewed, &[])
}

/// A stored fact-check's features (its claim, and its headline, which adds
/// words a reader would search with), from the feature cache or derived once.
pub fn stored_fact_check_features(
    search: &Search,
    fc: &FactCheck,
) -> (Arc<Features>, Option<Arc<Features>>) {
    let cache = search.feature_cache();
    let claim = cache.get(&Derived::FactCheck(fc.id)).unwrap_or_else(|| {
        let f = Arc::new(fact_check_features(fc));
        cache.insert(Derived::FactCheck(fc.id), f.clone());
        f
    });
    let headline = fc.headline.as_deref().map(|h| {
        cache.get(&Derived::Headline(fc.id)).unwrap_or_else(|| {
            let f = Arc::new(features(h, &[]));
            cache.insert(Derived::Headline(fc.id), f.clone());
            f
        })
    });
    (claim, headline)
}

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Candidates with their BM25 scores, best first, and each query term's IDF
/// (ordered, so sums over them come out the same in every process).
type Ranked<I> = (Vec<(I, f32)>, BTreeMap<String, f32>);

/// BM25 over the postings: the stored texts that share the most telling
/// terms with the query, best first, with their BM25 scores. Document
/// frequencies come from the postings themselves, so they describe what is
/// stored, not a reference corpus.
fn bm25<I: Copy + Eq + std::hash::Hash + Ord>(
    query: &[(String, u16)],
    docs: u64,
    total_len: u64,
    postings: impl Fn(&str, &mut dyn FnMut(&[Posting<I>], u32)),
) -> Result<Ranked<I>> {
    let n = docs.max(1) as f32;
    let avg = (total_len as f32 / n).max(1.0);
    let mut acc: HashMap<I, f32, IdHash> = HashMap::default();
    let mut idfs = BTreeMap::new();
    for (term, _) in query {
        postings(term, &mut |list, count| {
            if list.is_empty() {
                return;
            }
            // The whole list's length, though only its newest part is read.
            let df = count.max(list.len() as u32) as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            idfs.insert(term.clone(), idf);
            for p in list {
                let tf = f32::from(p.tf.max(1));
                let len = if p.len == 0 { avg } else { f32::from(p.len) };
                *acc.entry(p.id).or_default() +=
                    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
            }
        });
    }
    let mut ranked: Vec<(I, f32)> = acc.into_iter().collect();
    // The best few without sorting them all.
    let by_score = |a: &(I, f32), b: &(I, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if ranked.len() > CANDIDATES {
        ranked.select_nth_unstable_by(CANDIDATES, by_score);
        ranked.truncate(CANDIDATES);
    }
    ranked.sort_by(by_score);
    Ok((ranked, idfs))
}

/// Ids are small integers spread well already: hashing them is one multiply.
#[derive(Default, Clone, Copy)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(29) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A query, analysed once.
pub struct Query {
    /// As given: the embedding reads it whole (a post's author and date
    /// help to find the check of it).
    text: String,
    vector: std::sync::OnceLock<Vec<f32>>,
    pub features: Features,
    /// The terms looked up, with counts.
    terms: Vec<(String, u16)>,
    stems: std::collections::HashSet<String>,
    bigrams: std::collections::HashSet<(String, String)>,
    grams: std::collections::HashSet<[char; 4]>,
}

impl Query {
    pub fn new(text: &str) -> Query {
        let f = features(&clean_query(text), &[]);
        let (mut terms, _) = index_terms(&[&f]);
        // The most telling terms only: a long post's filler costs reads and adds noise.
        terms.sort_by(|a, b| {
            lexicon_weight(&b.0)
                .total_cmp(&lexicon_weight(&a.0))
                .then(a.0.cmp(&b.0))
        });
        terms.truncate(QUERY_TERMS);
        Query {
            text: text.to_string(),
            vector: std::sync::OnceLock::new(),
            grams: char_grams(&f.text),
            stems: f.terms.iter().map(|t| t.stem.clone()).collect(),
            bigrams: bigrams(&f),
            terms,
            features: f,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Its sentence embedding, computed when first needed.
    pub fn vector(&self) -> &[f32] {
        self.vector
            .get_or_init(|| crate::corroborate::embed::Encoder::get().embed(&self.text))
    }
}

fn bigrams(f: &Features) -> std::collections::HashSet<(String, String)> {
    f.terms
        .windows(2)
        .map(|w| (w[0].stem.clone(), w[1].stem.clone()))
        .collect()
}

/// What the reranker sees of a candidate. All lexical, all general: how
/// BM25 placed it, how much of it the query covers (synonyms counted), its
/// word pairs, names and numbers found in the query.
pub const RERANK_FEATURES: usize = 16;

/// The share of the query's term weight (as stored texts weigh it) a text holds.
fn query_share(idfs: &BTreeMap<String, f32>, f: &Features) -> f32 {
    let total: f32 = idfs.values().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let (terms, _) = index_terms(&[f]);
    terms.iter().filter_map(|(t, _)| idfs.get(t)).sum::<f32>() / total
}

fn char_grams(text: &str) -> std::collections::HashSet<[char; 4]> {
    let t: Vec<char> = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ')
        .collect();
    t.windows(4).map(|w| [w[0], w[1], w[2], w[3]]).collect()
}

#[allow(clippy::too_many_arguments)]
pub fn rerank_features(
    q: &Query,
    idfs: &BTreeMap<String, f32>,
    bm25: f32,
    best: f32,
    position: usize,
    stored: &Features,
    headline: Option<&Features>,
) -> [f32; RERANK_FEATURES] {
    let q_grams = &q.grams;
    let mut s_grams = char_grams(&stored.text);
    if let Some(h) = headline {
        s_grams.extend(char_grams(&h.text));
    }
    let shared_grams = s_grams.intersection(q_grams).count() as f32;
    let gram_cosine = shared_grams / ((s_grams.len() * q_grams.len()) as f32).sqrt().max(1.0);
    let (q_by_s, s_by_q) = coverage(&q.features, stored);
    let h_by_q = headline.map_or(s_by_q, |h| coverage(&q.features, h).1);
    let n = stored.terms.len().max(1) as f32;
    let stems_in = stored
        .terms
        .iter()
        .filter(|t| q.stems.contains(&t.stem))
        .count() as f32;
    let b = bigrams(stored);
    let bigrams_in = b.iter().filter(|x| q.bigrams.contains(*x)).count() as f32;
    let names: Vec<_> = stored.terms.iter().filter(|t| t.name).collect();
    let names_in = names.iter().filter(|t| q.stems.contains(&t.stem)).count() as f32;
    let same = |a: f64, b: f64| (a - b).abs() <= 0.01 * a.abs().max(b.abs());
    let nums_in = stored
        .numbers
        .iter()
        .filter(|(v, _, _)| q.features.numbers.iter().any(|(w, _, _)| same(*v, *w)))
        .count() as f32;
    let nums_differ =
        !stored.numbers.is_empty() && !q.features.numbers.is_empty() && nums_in == 0.0;
    [
        if best > 0.0 { bm25 / best } else { 0.0 },
        (1.0 + bm25).ln(),
        1.0 / (1.0 + position as f32),
        s_by_q,
        q_by_s,
        h_by_q,
        stems_in / n,
        bigrams_in / b.len().max(1) as f32,
        names_in / names.len().max(1) as f32,
        names.len() as f32 - names_in,
        nums_in / stored.numbers.len().max(1) as f32,
        f32::from(u8::from(nums_differ)),
        (1.0 + n).ln(),
        gram_cosine,
        query_share(idfs, stored),
        headline.map_or(0.0, |h| query_share(idfs, h)),
    ]
}

/// What the semantic reranker adds for a fact-check with an embedding: its
/// cosine with the query, how far that falls behind the best candidate's,
/// its place in cosine order, and the lexical reranker's probability.
pub const SEMANTIC_FEATURES: usize = 4;

/// A candidate's features for the semantic reranker: the lexical ones, then the semantic.
pub type SemanticFeatures = [f32; RERANK_FEATURES + SEMANTIC_FEATURES];
/// Where each semantic feature sits in `SemanticFeatures`.
pub const COSINE: usize = RERANK_FEATURES;
const COSINE_BEHIND_BEST: usize = RERANK_FEATURES + 1;
const COSINE_PLACE: usize = RERANK_FEATURES + 2;
pub const LEXICAL_PROBABILITY: usize = RERANK_FEATURES + 3;

fn load_model(
    cell: &'static std::sync::OnceLock<Option<crate::corroborate::pair::Model>>,
    tsv: &str,
    n: usize,
) -> Option<&'static crate::corroborate::pair::Model> {
    cell.get_or_init(|| {
        crate::corroborate::pair::Model::from_tsv(tsv, n)
            .filter(|m| m.weights.iter().any(|w| *w != 0.0))
    })
    .as_ref()
}

/// The shipped rerankers (`claimgraph train-crosscheck`): lexical, for
/// claims and for fact-checks stored without an embedding, and semantic.
fn reranker() -> Option<&'static crate::corroborate::pair::Model> {
    static M: std::sync::OnceLock<Option<crate::corroborate::pair::Model>> =
        std::sync::OnceLock::new();
    load_model(&M, include_str!("crosscheck_model.tsv"), RERANK_FEATURES)
}

fn semantic_reranker() -> Option<&'static crate::corroborate::pair::Model> {
    static M: std::sync::OnceLock<Option<crate::corroborate::pair::Model>> =
        std::sync::OnceLock::new();
    load_model(
        &M,
        include_str!("crosscheck_semantic_model.tsv"),
        RERANK_FEATURES + SEMANTIC_FEATURES,
    )
}

pub const RERANK_MODEL_HEADER: &str =
    "logistic reranker over cross-check candidates (generated by `claimgraph train-crosscheck`)";

/// The probability that a candidate is what the query is about.
fn rank(x: &[f32; RERANK_FEATURES]) -> f32 {
    match reranker() {
        Some(m) => m.probability(x),
        // Untrained: BM25 alone, relative to the best.
        None => x[0],
    }
}

/// A fact-check found for a query.
pub struct Candidate {
    pub fact_check: FactCheck,
    pub features: Arc<Features>,
    /// What the lexical reranker sees.
    pub lexical: [f32; RERANK_FEATURES],
    /// What the semantic reranker sees, when the fact-check has an embedding.
    pub semantic: Option<SemanticFeatures>,
    /// Whether BM25 ranked it (else only the vector index found it).
    pub lexical_match: bool,
}

impl Candidate {
    /// Its cosine with the query, when both have embeddings.
    pub fn cosine(&self) -> Option<f32> {
        self.semantic.map(|x| x[COSINE])
    }

    fn rank(&self) -> f32 {
        match (self.semantic, semantic_reranker()) {
            (Some(x), Some(m)) => m.probability(&x),
            _ => rank(&self.lexical),
        }
    }
}

/// What the semantic reranker sees of a candidate `cosine` from the query,
/// among candidates whose cosines are `all`: its lexical features, the
/// cosine, how far it falls behind the best, its place in cosine order, and
/// the lexical reranker's probability.
fn semantic_features(
    lexical: &[f32; RERANK_FEATURES],
    cosine: f32,
    all: &[f32],
) -> SemanticFeatures {
    let best = all.iter().fold(f32::NEG_INFINITY, |m, c| m.max(*c));
    let mut x = [0.0; RERANK_FEATURES + SEMANTIC_FEATURES];
    x[..RERANK_FEATURES].copy_from_slice(lexical);
    x[COSINE] = cosine;
    x[COSINE_BEHIND_BEST] = cosine - best;
    x[COSINE_PLACE] = 1.0 / (1.0 + all.iter().filter(|d| **d > cosine).count() as f32);
    x[LEXICAL_PROBABILITY] = rank(lexical);
    x
}

/// Fact-check candidates for a query with their reranker features: BM25's
/// best in its order, then the nearest in meaning that BM25 did not rank.
pub fn fact_check_candidates(
    store: &dyn Store,
    search: &Search,
    q: &Query,
) -> Result<Vec<Candidate>> {
    let stats = store.stats()?;
    if stats.fact_checks == 0 {
        return Ok(Vec::new());
    }
    let (mut ranked, idfs) = bm25(
        &q.terms,
        stats.fact_checks,
        stats.fact_check_terms,
        |t, f| search.with_fact_check_postings(t, POSTINGS_PER_TERM, f),
    )?;
    let best = ranked.first().map_or(0.0, |r| r.1);
    let bm25_ranked = ranked.len();
    let lexical: std::collections::HashSet<FactCheckId> = ranked.iter().map(|r| r.0).collect();
    for (id, cosine) in search.nearest_fact_checks(q.vector(), DENSE_CANDIDATES) {
        if cosine >= DENSE_MIN_COSINE && !lexical.contains(&id) {
            ranked.push((id, 0.0));
        }
    }
    let ids: Vec<FactCheckId> = ranked.iter().map(|r| r.0).collect();
    let cosines = search.fact_check_similarities(q.vector(), &ids);
    let all: Vec<f32> = cosines.iter().flatten().copied().collect();
    let mut out = Vec::new();
    for (pos, ((fc, (_, b)), cos)) in store
        .fact_checks(&ids)?
        .into_iter()
        .zip(&ranked)
        .zip(cosines)
        .enumerate()
    {
        let Some(fc) = fc else { continue };
        let (f, h) = stored_fact_check_features(search, &fc);
        let lexical = rerank_features(q, &idfs, *b, best, pos, &f, h.as_deref());
        let semantic = cos.map(|c| semantic_features(&lexical, c, &all));
        out.push(Candidate {
            fact_check: fc,
            features: f,
            lexical,
            semantic,
            lexical_match: pos < bm25_ranked,
        });
    }
    Ok(out)
}

/// The stored claims and fact-checks that best match `text`, best first.
pub fn cross_check(
    store: &dyn Store,
    search: &Search,
    text: &str,
    first: usize,
    scope: Scope,
) -> Result<Vec<Hit>> {
    Ok(cross_check_until(store, search, text, first, scope, None)?.unwrap_or_default())
}

/// [`cross_check`], abandoned (`None`) once `deadline` passes: checked
/// between stages, so a request that timed out, or waited too long for a
/// blocking thread, does not keep a core busy for an answer nobody reads.
pub fn cross_check_until(
    store: &dyn Store,
    search: &Search,
    text: &str,
    first: usize,
    scope: Scope,
    deadline: Option<std::time::Instant>,
) -> Result<Option<Vec<Hit>>> {
    let late = || deadline.is_some_and(|d| std::time::Instant::now() >= d);
    if late() {
        return Ok(None);
    }
    let q = Query::new(text);
    if q.is_empty() {
        return Ok(Some(Vec::new()));
    }
    // Rank every candidate; compare (stance, evidence) only those returned.
    let mut ranked: Vec<(Target, f32, Arc<Features>, Option<f32>)> = Vec::new();
    if scope.fact_checks {
        for c in fact_check_candidates(store, search, &q)? {
            let (target, score, cosine) =
                (Target::FactCheck(c.fact_check.id), c.rank(), c.cosine());
            ranked.push((target, score, c.features, cosine));
        }
    }
    if late() {
        return Ok(None);
    }
    if scope.claims {
        let stats = store.stats()?;
        let (bm, idfs) = bm25(&q.terms, stats.claims, stats.claim_terms, |t, f| {
            search.with_postings(t, POSTINGS_PER_TERM, f)
        })?;
        let best = bm.first().map_or(0.0, |r| r.1);
        let mut bm = bm;
        // As for fact-checks: the claims nearest in meaning that BM25 did
        // not rank, then every candidate's cosine, ranked by the same
        // rerankers. Without embedded claims the query is not embedded.
        let embedded = search.claim_vector_count() > 0;
        if embedded {
            let lexical: std::collections::HashSet<ClaimId> = bm.iter().map(|r| r.0).collect();
            for (id, cosine) in
                search.nearest_claims(q.vector(), DENSE_CANDIDATES, Some(DENSE_BUDGET))
            {
                if cosine >= DENSE_MIN_COSINE && !lexical.contains(&id) {
                    bm.push((id, 0.0));
                }
            }
        }
        let ids: Vec<ClaimId> = bm.iter().map(|r| r.0).collect();
        let cosines = if embedded {
            search.claim_similarities(q.vector(), &ids)
        } else {
            vec![None; ids.len()]
        };
        let all: Vec<f32> = cosines.iter().flatten().copied().collect();
        let known = super::linking::stored_features(store, search, &ids)?;
        for (pos, ((id, b), cos)) in bm.iter().zip(cosines).enumerate() {
            let Some(f) = known.get(id) else { continue };
            let x = rerank_features(&q, &idfs, *b, best, pos, f, None);
            let score = match (cos, semantic_reranker()) {
                (Some(c), Some(m)) => m.probability(&semantic_features(&x, c, &all)),
                _ => rank(&x),
            };
            ranked.push((Target::Claim(*id), score, f.clone(), cos));
        }
    }
    if late() {
        return Ok(None);
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(first);
    Ok(Some(
        ranked
            .into_iter()
            .map(|(target, score, f, semantic_similarity)| {
                // A stored claim is judged as linking judges it: with the
                // cosine when both are embedded.
                let cmp = match (target, semantic_similarity) {
                    (Target::Claim(_), Some(c)) => {
                        use crate::corroborate::score::{compare_meaning, Basis};
                        compare_meaning(&q.features, &f, c, &Basis::default())
                    }
                    _ => compare(&q.features, &f),
                };
                Hit {
                    target,
                    score,
                    similarity: cmp.score,
                    semantic_similarity,
                    stance: cmp.stance,
                    evidence: cmp.evidence,
                }
            })
            .collect(),
    ))
}

/// A term's weight in the reference corpus, to choose which to look up.
fn lexicon_weight(term: &str) -> f32 {
    if term.starts_with('#') {
        crate::corroborate::lexicon::idf("#") + 1.0
    } else {
        crate::corroborate::lexicon::idf(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_handles_and_hashtags_are_cleaned_from_queries() {
        assert_eq!(
            clean_query("Fires spread #AustralianFires pic.twitter.com/x1 @someone https://t.co/a"),
            "Fires spread Australian Fires"
        );
        assert_eq!(
            clean_query("Defund now#Tag https://t.co/x"),
            "Defund now#Tag"
        );
        assert_eq!(clean_query("end.https://t.co/x"), "end.");
    }

    #[test]
    fn a_cross_check_past_its_deadline_is_abandoned_and_one_within_it_answers() {
        let store = crate::store::temporary().unwrap();
        let search = Search::open(store.as_ref()).unwrap();
        let text = "Unemployment fell to its lowest level in a decade";
        let now = std::time::Instant::now();
        let late = cross_check_until(store.as_ref(), &search, text, 5, Scope::ALL, Some(now));
        assert!(late.unwrap().is_none());
        let later = now + std::time::Duration::from_secs(3600);
        let on_time = cross_check_until(store.as_ref(), &search, text, 5, Scope::ALL, Some(later));
        assert_eq!(on_time.unwrap().map(|h| h.len()), Some(0), "an empty store");
    }
}
