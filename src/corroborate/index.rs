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
use crate::store::{FactCheckPlan, LinkPlan, Linker, Result, Store};
use std::collections::{HashMap, HashSet};

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
    let mut hits: HashMap<I, u32> = HashMap::new();
    for t in terms {
        for id in postings(t)? {
            if keep(&id) {
                *hits.entry(id).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(I, u32)> = hits.into_iter().filter(|(_, n)| *n >= 2).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(CANDIDATES);
    Ok(ranked.into_iter().map(|r| r.0).collect())
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

/// Finds and scores corroborations and fact-check matches at ingest.
pub struct Corroborator;

impl Linker for Corroborator {
    fn plan(
        &self,
        store: &dyn Store,
        article: ArticleId,
        new: &NewArticle,
        ex: &Extraction,
    ) -> Result<LinkPlan> {
        let mut plan = LinkPlan::default();
        let my_shingles = shingles(&new.body);
        let body: Vec<char> = new.body.chars().collect();
        // Per stored article: is it the same publisher, is it a copy of this text.
        let mut sources: HashMap<ArticleId, (bool, bool)> = HashMap::new();
        // Per stored claim: its features, computed once however many new claims find it.
        let mut known: HashMap<ClaimId, Features> = HashMap::new();
        for (ordinal, c) in ex.claims.iter().enumerate() {
            let ordinal = ordinal as u32;
            let cue = c.cue.map(|s| {
                body[(s.start as usize).min(body.len())..(s.end as usize).min(body.len())]
                    .iter()
                    .collect::<String>()
            });
            let f = claim_features(&c.text, cue.as_deref(), &c.entities);
            let (terms, len) = index_terms(&[&f]);
            for (term, tf) in terms {
                plan.postings.push((term, ordinal, tf, len));
            }
            if f.terms.len() < MIN_TERMS {
                continue;
            }
            // Candidates: claims of other articles sharing the rarest terms.
            let terms = query_terms(&f);
            let ids = shared_candidates(
                &terms,
                |t| store.postings(t, POSTINGS_PER_TERM),
                |id: &ClaimId| id.article != article,
            )?;
            // Fact-checks that say the same thing.
            let from = ClaimId { article, ordinal };
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
                let g = super::crosscheck::fact_check_features(&fc);
                plan.fact_checks.extend(as_match(from, fc.id, &f, &g));
            }
            let missing: Vec<ClaimId> = ids
                .iter()
                .copied()
                .filter(|id| !known.contains_key(id))
                .collect();
            for other in store.claims(&missing)?.into_iter().flatten() {
                let g = claim_features(&other.text, other.cue_text.as_deref(), &other.entities);
                known.insert(other.id, g);
            }
            for other in ids {
                let Some(g) = known.get(&other) else { continue };
                let cmp = compare(&f, g);
                let stance = match cmp.stance {
                    ScoreStance::Supports => Stance::Supports,
                    ScoreStance::Contradicts => Stance::Contradicts,
                    ScoreStance::None => continue,
                };
                let (same_publisher, copy) = match sources.get(&other.article) {
                    Some(&v) => v,
                    None => {
                        let v =
                            store
                                .article(other.article)?
                                .map_or((false, false), |a: Article| {
                                    (
                                        a.publisher.is_some() && a.publisher == new.publisher,
                                        overlap(&shingles(&a.body), &my_shingles) >= COPY_OVERLAP,
                                    )
                                });
                        sources.insert(other.article, v);
                        v
                    }
                };
                let mut evidence = cmp.evidence;
                if same_publisher {
                    evidence.push("not independent: same publisher".into());
                }
                if copy {
                    evidence.push("not independent: the articles are copies of one text".into());
                }
                let independent = !(same_publisher || copy);
                plan.edges.push((
                    ordinal,
                    Corroboration {
                        claim: other,
                        score: cmp.score,
                        stance,
                        evidence,
                        independent,
                    },
                ));
            }
        }
        Ok(plan)
    }

    fn plan_fact_check(
        &self,
        store: &dyn Store,
        id: FactCheckId,
        new: &NewFactCheck,
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
            for c in store.claims(&ids)?.into_iter().flatten() {
                let g = claim_features(&c.text, c.cue_text.as_deref(), &c.entities);
                matches.extend(as_match(c.id, id, &g, &f));
            }
        }
        Ok(FactCheckPlan {
            postings,
            length,
            matches,
        })
    }
}
