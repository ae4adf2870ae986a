//! Stage 3: linking a new article's claims to stored claims. Candidates come
//! from the postings index (the claim's rarest terms), never from a scan, so
//! the cost of one article stays flat as the store grows.

use super::crosscheck::index_terms;
use super::features::{features, Features};
use super::score::{compare, Stance as ScoreStance};
use crate::domain::{
    Article, ArticleId, ClaimId, Corroboration, FactCheckId, FactCheckMatch, NewArticle,
    NewFactCheck, Stance,
};
use crate::extract::Extraction;
use crate::store::{Derived, FactCheckPlan, LinkPlan, Linker, Result, Store};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Terms per claim used to find candidates (its highest-weighted).
const QUERY_TERMS: usize = 8;
/// Postings read per term: a term on more claims than this says little.
const POSTINGS_PER_TERM: usize = 200;
/// Candidates scored per claim, those sharing the most query terms.
const CANDIDATES: usize = 20;
/// Articles whose word 4-gram overlap reaches this are copies of one text.
const COPY_OVERLAP: f32 = 0.6;
/// Claims shorter than this many terms are too thin to corroborate.
const MIN_TERMS: usize = 3;

/// The text a claim is matched on: its cue ("rejected") and its content.
pub fn claim_features(text: &str, cue: Option<&str>, entities: &[(String, String)]) -> Features {
    let t = match cue {
        Some(c) if c.chars().any(char::is_alphabetic) => format!("{c} {text}"),
        _ => text.to_string(),
    };
    features(&t, entities)
}

/// Match features of stored claims, from the store's cache or derived once.
pub fn stored_features(
    store: &dyn Store,
    ids: &[ClaimId],
) -> Result<HashMap<ClaimId, Arc<Features>>> {
    let cache = store.feature_cache();
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for &id in ids {
        match cache.get(&Derived::Claim(id)) {
            Some(f) => {
                out.insert(id, f);
            }
            None => missing.push(id),
        }
    }
    for c in store.claims(&missing)?.into_iter().flatten() {
        let f = Arc::new(claim_features(&c.text, c.cue_text.as_deref(), &c.entities));
        cache.insert(Derived::Claim(c.id), f.clone());
        out.insert(c.id, f);
    }
    Ok(out)
}

fn shingles(body: &str) -> HashSet<u64> {
    use std::hash::{Hash, Hasher};
    let words: Vec<String> = body.split_whitespace().map(|w| w.to_lowercase()).collect();
    words
        .windows(4)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect()
}

fn overlap(a: &HashSet<u64>, b: &HashSet<u64>) -> f32 {
    let u = a.union(b).count();
    if u == 0 {
        0.0
    } else {
        a.intersection(b).count() as f32 / u as f32
    }
}

/// The claim's rarest terms, the ones candidates are looked up by.
fn query_terms(f: &Features) -> Vec<&str> {
    let mut by_weight: Vec<_> = f.terms.iter().collect();
    by_weight.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let mut seen = HashSet::new();
    by_weight
        .into_iter()
        .map(|t| t.stem.as_str())
        .filter(|s| seen.insert(*s))
        .take(QUERY_TERMS)
        .collect()
}

/// Ids found under at least two of the terms, those under the most first.
fn shared_candidates<I: Copy + Eq + std::hash::Hash + Ord>(
    terms: &[&str],
    mut postings: impl FnMut(&str) -> Result<Vec<I>>,
    keep: impl Fn(&I) -> bool,
) -> Result<Vec<I>> {
    let mut lists = Vec::with_capacity(terms.len());
    for t in terms {
        let mut list = postings(t)?;
        list.retain(|id| keep(id));
        lists.push(list);
    }
    Ok(top_shared(lists.iter().map(Vec::as_slice))
        .into_iter()
        .map(|r| r.0)
        .collect())
}

fn as_match(
    claim: ClaimId,
    fact_check: FactCheckId,
    f: &Features,
    g: &Features,
) -> Option<FactCheckMatch> {
    let cmp = compare(f, g);
    let stance = match cmp.stance {
        ScoreStance::Supports => Stance::Supports,
        ScoreStance::Contradicts => Stance::Contradicts,
        ScoreStance::None => return None,
    };
    Some(FactCheckMatch {
        claim,
        fact_check,
        score: cmp.score,
        stance,
        evidence: cmp.evidence,
    })
}

/// One claim of a new article, prepared for linking.
struct PreparedClaim {
    features: Features,
    /// Its postings: (term, count), and its length in terms.
    postings: Vec<(String, u16)>,
    len: u16,
    /// The terms candidates are looked up by, each with its postings among
    /// the articles stored when it was prepared.
    lists: Vec<(String, Vec<ClaimId>)>,
    /// Comparisons with the best of those candidates, done outside the lock.
    compared: HashMap<ClaimId, super::score::Comparison>,
}

/// A new article's linking work done against the store as it was (every
/// article up to `snapshot`), so it can run on any core; `finish` completes
/// it under the write lock with whatever was stored since, and the result is
/// the same as if all of it had been done under the lock.
pub struct Prepared {
    snapshot: Option<ArticleId>,
    claims: Vec<PreparedClaim>,
    shingles: HashSet<u64>,
    publisher: Option<String>,
    /// Per stored article: is it the same publisher, is it a copy of this text.
    sources: HashMap<ArticleId, (bool, bool)>,
}

/// Candidates from per-term lists: ids under at least two terms, those under
/// the most first, ties by id; at most `CANDIDATES`.
fn top_shared<'a, I: Copy + Eq + std::hash::Hash + Ord + 'a>(
    lists: impl Iterator<Item = &'a [I]>,
) -> Vec<(I, u32)> {
    let mut hits: HashMap<I, u32> = HashMap::new();
    for list in lists {
        for &id in list {
            *hits.entry(id).or_default() += 1;
        }
    }
    let mut ranked: Vec<(I, u32)> = hits.into_iter().filter(|(_, n)| *n >= 2).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(CANDIDATES);
    ranked
}

fn rank_candidates(lists: &[(String, Vec<ClaimId>)]) -> Vec<(ClaimId, u32)> {
    top_shared(lists.iter().map(|(_, l)| l.as_slice()))
}

fn source_of(
    store: &dyn Store,
    sources: &mut HashMap<ArticleId, (bool, bool)>,
    article: ArticleId,
    publisher: &Option<String>,
    shingled: &HashSet<u64>,
) -> Result<(bool, bool)> {
    if let Some(&v) = sources.get(&article) {
        return Ok(v);
    }
    let v = store
        .article(article)?
        .map_or((false, false), |a: Article| {
            (
                a.publisher.is_some() && a.publisher == *publisher,
                overlap(&shingles(&a.body), shingled) >= COPY_OVERLAP,
            )
        });
    sources.insert(article, v);
    Ok(v)
}

/// Finds and scores corroborations and fact-check matches at ingest.
pub struct Corroborator;

impl Corroborator {
    /// The linking work that needs no lock: features, candidates among the
    /// articles stored now, their comparisons and sources.
    pub fn prepare(store: &dyn Store, new: &NewArticle, ex: &Extraction) -> Result<Prepared> {
        let snapshot = store.last_article()?;
        let body: Vec<char> = new.body.chars().collect();
        let mut p = Prepared {
            snapshot,
            claims: Vec::with_capacity(ex.claims.len()),
            shingles: shingles(&new.body),
            publisher: new.publisher.clone(),
            sources: HashMap::new(),
        };
        for c in &ex.claims {
            let cue = c.cue.map(|s| {
                body[(s.start as usize).min(body.len())..(s.end as usize).min(body.len())]
                    .iter()
                    .collect::<String>()
            });
            let f = claim_features(&c.text, cue.as_deref(), &c.entities);
            let (postings, len) = index_terms(&[&f]);
            let mut pc = PreparedClaim {
                postings,
                len,
                lists: Vec::new(),
                compared: HashMap::new(),
                features: Features::default(),
            };
            if f.terms.len() >= MIN_TERMS {
                for t in query_terms(&f) {
                    let mut list = store.postings(t, POSTINGS_PER_TERM)?;
                    // Whatever was stored after the snapshot is `finish`'s.
                    list.retain(|id| snapshot.is_some_and(|s| id.article <= s));
                    pc.lists.push((t.to_string(), list));
                }
                let ranked = rank_candidates(&pc.lists);
                let ids: Vec<ClaimId> = ranked.iter().map(|r| r.0).collect();
                let known = stored_features(store, &ids)?;
                for id in ids {
                    if let Some(g) = known.get(&id) {
                        let cmp = compare(&f, g);
                        if cmp.stance != ScoreStance::None {
                            source_of(
                                store,
                                &mut p.sources,
                                id.article,
                                &p.publisher,
                                &p.shingles,
                            )?;
                        }
                        pc.compared.insert(id, cmp);
                    }
                }
            }
            pc.features = f;
            p.claims.push(pc);
        }
        Ok(p)
    }

    /// Complete a prepared plan for `article`, under the write lock: add
    /// candidates stored since the snapshot, pick the best, and link.
    pub fn finish(store: &dyn Store, article: ArticleId, mut p: Prepared) -> Result<LinkPlan> {
        let mut plan = LinkPlan::default();
        let since = ArticleId(p.snapshot.map_or(0, |s| s.0 + 1));
        for (ordinal, pc) in p.claims.iter_mut().enumerate() {
            let ordinal = ordinal as u32;
            for (term, tf) in std::mem::take(&mut pc.postings) {
                plan.postings.push((term, ordinal, tf, pc.len));
            }
            if pc.lists.is_empty() {
                continue;
            }
            // The lists as they stand now: the snapshot's entries come first
            // in key order, so the newer ones only fill what the cap leaves.
            for (term, list) in pc.lists.iter_mut() {
                if list.len() < POSTINGS_PER_TERM {
                    let more = store.postings_from(term, since, POSTINGS_PER_TERM - list.len())?;
                    list.extend(more.into_iter().filter(|id| id.article != article));
                }
            }
            let from = ClaimId { article, ordinal };
            let f = &pc.features;
            let terms: Vec<&str> = pc.lists.iter().map(|(t, _)| t.as_str()).collect();
            let fc_ids = shared_candidates(
                &terms,
                |t| {
                    Ok(store
                        .fact_check_postings(t, POSTINGS_PER_TERM)?
                        .into_iter()
                        .map(|p| p.id)
                        .collect())
                },
                |_| true,
            )?;
            for fc in store.fact_checks(&fc_ids)?.into_iter().flatten() {
                let (g, _) = super::crosscheck::stored_fact_check_features(store, &fc);
                plan.fact_checks.extend(as_match(from, fc.id, f, &g));
            }
            let ranked = rank_candidates(&pc.lists);
            let fresh: Vec<ClaimId> = ranked
                .iter()
                .map(|r| r.0)
                .filter(|id| !pc.compared.contains_key(id))
                .collect();
            let known = stored_features(store, &fresh)?;
            for (other, _) in ranked {
                let cmp = match pc.compared.remove(&other) {
                    Some(c) => c,
                    None => match known.get(&other) {
                        Some(g) => compare(f, g),
                        None => continue,
                    },
                };
                let stance = match cmp.stance {
                    ScoreStance::Supports => Stance::Supports,
                    ScoreStance::Contradicts => Stance::Contradicts,
                    ScoreStance::None => continue,
                };
                let (same_publisher, copy) = source_of(
                    store,
                    &mut p.sources,
                    other.article,
                    &p.publisher,
                    &p.shingles,
                )?;
                let mut evidence = cmp.evidence;
                if same_publisher {
                    evidence.push("not independent: same publisher".into());
                }
                if copy {
                    evidence.push("not independent: the articles are copies of one text".into());
                }
                plan.edges.push((
                    ordinal,
                    Corroboration {
                        claim: other,
                        score: cmp.score,
                        stance,
                        evidence,
                        independent: !(same_publisher || copy),
                    },
                ));
            }
        }
        Ok(plan)
    }
}

/// A plan prepared outside the lock, finished by the store under it.
pub struct Finish(pub std::sync::Mutex<Option<Prepared>>);

impl Linker for Finish {
    fn plan(
        &self,
        store: &dyn Store,
        article: ArticleId,
        new: &NewArticle,
        ex: &Extraction,
    ) -> Result<LinkPlan> {
        let prepared = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        match prepared {
            Some(p) => Corroborator::finish(store, article, p),
            None => Corroborator.plan(store, article, new, ex),
        }
    }

    fn plan_fact_check(
        &self,
        store: &dyn Store,
        id: FactCheckId,
        new: &NewFactCheck,
    ) -> Result<FactCheckPlan> {
        Corroborator.plan_fact_check(store, id, new)
    }
}

impl Linker for Corroborator {
    fn plan(
        &self,
        store: &dyn Store,
        article: ArticleId,
        new: &NewArticle,
        ex: &Extraction,
    ) -> Result<LinkPlan> {
        let p = Corroborator::prepare(store, new, ex)?;
        Corroborator::finish(store, article, p)
    }

    fn plan_fact_check(
        &self,
        store: &dyn Store,
        id: FactCheckId,
        new: &NewFactCheck,
    ) -> Result<FactCheckPlan> {
        // The model never runs under the write lock: a fact-check that should
        // have an embedding goes through `Embedded`.
        plan_fact_check(store, id, new, None)
    }
}

/// Fact-checks' embeddings, computed on every core: a bulk import's slow part.
pub fn embed_fact_checks(new: &[&NewFactCheck]) -> Vec<Vec<f32>> {
    let texts: Vec<String> = new
        .iter()
        .map(|n| super::embed::fact_check_text(&n.claim_reviewed, n.headline.as_deref()))
        .collect();
    super::embed::Encoder::get().encode_all(&texts)
}

/// Links a fact-check whose embedding was computed outside the write lock.
pub struct Embedded(pub Option<Vec<f32>>);

impl Linker for Embedded {
    fn plan(
        &self,
        store: &dyn Store,
        article: ArticleId,
        new: &NewArticle,
        ex: &Extraction,
    ) -> Result<LinkPlan> {
        Corroborator.plan(store, article, new, ex)
    }

    fn plan_fact_check(
        &self,
        store: &dyn Store,
        id: FactCheckId,
        new: &NewFactCheck,
    ) -> Result<FactCheckPlan> {
        plan_fact_check(store, id, new, self.0.clone())
    }
}

fn plan_fact_check(
    store: &dyn Store,
    id: FactCheckId,
    new: &NewFactCheck,
    vector: Option<Vec<f32>>,
) -> Result<FactCheckPlan> {
    let f = features(&new.claim_reviewed, &[]);
    let headline = new.headline.as_deref().map(|h| features(h, &[]));
    let (postings, length) = match &headline {
        Some(h) => index_terms(&[&f, h]),
        None => index_terms(&[&f]),
    };
    let mut matches = Vec::new();
    if f.terms.len() >= MIN_TERMS {
        let ids = shared_candidates(
            &query_terms(&f),
            |t| store.postings(t, POSTINGS_PER_TERM),
            |c: &ClaimId| Some(*c) != new.claim,
        )?;
        let known = stored_features(store, &ids)?;
        for c in ids {
            if let Some(g) = known.get(&c) {
                matches.extend(as_match(c, id, g, &f));
            }
        }
    }
    Ok(FactCheckPlan {
        postings,
        length,
        matches,
        vector,
    })
}
