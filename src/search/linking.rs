//! Linking a new article's claims to stored claims, and a new fact-check to
//! stored claims. Candidates come from the postings (the claim's rarest
//! terms), never from a scan. `prepare` does the work that needs no lock,
//! against the indexes as they are; `finish` completes it under the
//! service's write lock with whatever was committed since.

use super::crosscheck::index_terms;
use super::{Derived, Search};
use crate::corroborate::features::{article_subjects, features, Features};
use crate::corroborate::score::{compare, Frame, UNRELATED};
use crate::domain::{
    Article, ArticleId, ClaimId, Corroboration, FactCheckId, FactCheckMatch, NewArticle,
    NewFactCheck,
};
use crate::extract::Extraction;
use crate::store::{ClaimTerms, Result, Store};
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
/// Links a new claim gets to stored copies of its own text (republished
/// wire copy, a quote repeated): the oldest found. A text republished n times
/// would otherwise be n(n-1)/2 links, most of a large store, and each would
/// cost a read of its article; the copies stay reachable through these.
const COPY_LINKS: usize = 2;
/// Claims shorter than this many terms are too thin to corroborate.
const MIN_TERMS: usize = 3;
/// What two linked claims share must name something (a name, a figure) or
/// weigh this much (about two uncommon words): less is a shared topic.
/// Unless their meaning is close (`MEANING_FLOOR`): a paraphrase shares
/// little but what it says.
const SPECIFIC_WEIGHT: f32 = 8.0;
/// Claims nearest by meaning added to the candidates of each claim.
const SEMANTIC_CANDIDATES: usize = 8;
/// Vectors of the claims' index read per claim (the groups of its nearest
/// centroids, until this many): a fixed budget, so the cost per claim
/// stays flat as the store grows.
const SEMANTIC_BUDGET: usize = 2048;
/// A claim found by meaning is a candidate from this cosine on: below it,
/// the words must carry the link, and the postings find those.
const SEMANTIC_MIN: f32 = 0.6;
/// The text a claim is matched on: its cue ("rejected") and its content.
pub fn claim_features(text: &str, cue: Option<&str>, entities: &[(String, String)]) -> Features {
    let (t, reported) = match cue {
        Some(c) if c.chars().any(char::is_alphabetic) => (format!("{c} {text}"), true),
        _ => (text.to_string(), false),
    };
    // The content's first words, for a cue before them ("that" passed
    // over: "said that it expects ...").
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
        .skip_while(|w| w == "that")
        .take(6)
        .collect();
    // A subject pronoun, or a possessive ("its reserve"); not the "it" of
    // "it was time for ...", which stands for the rest of the sentence.
    let pronoun = words.first().is_some_and(|w| {
        crate::extract::lexicon::pronoun(w).is_some()
            || matches!(w.as_str(), "its" | "his" | "her" | "their" | "our" | "my")
    }) && !(words[0] == "it" && extraposed(&words[1..]));
    Features {
        reported,
        about_speaker: reported && pronoun,
        ..features(&t, entities)
    }
}

/// Whether the words after an opening "it" make it the placeholder of an
/// extraposed clause ("it is time for the mayor to say sorry", "it was
/// unlikely that ...", "it seems ..."), not a thing that does or says: a
/// form of "be" (after a modal or "has"), a few adverbs, then a predicate
/// that takes such a clause.
fn extraposed(rest: &[String]) -> bool {
    const SEEMS: [&str; 6] = ["seems", "seemed", "appears", "appeared", "looks", "looked"];
    const ADVERBS: [&str; 9] = [
        "not", "now", "still", "also", "very", "so", "quite", "clearly", "already",
    ];
    // Not "expected", "hard", "too", "worth", "better": "it is expected to
    // close the sale", "it was hard hit", "it is worth $5bn" are the speaker's.
    const PREDICATES: [&str; 24] = [
        "time",
        "possible",
        "impossible",
        "clear",
        "unclear",
        "important",
        "necessary",
        "unnecessary",
        "essential",
        "vital",
        "crucial",
        "true",
        "untrue",
        "false",
        "difficult",
        "easy",
        "fair",
        "unfair",
        "inevitable",
        "obvious",
        "wise",
        "unwise",
        "premature",
        "unacceptable",
    ];
    let w = |i: usize| rest.get(i).map_or("", String::as_str);
    if SEEMS.contains(&w(0)) {
        return true;
    }
    let mut i = match w(0) {
        "is" | "was" => 1,
        "has" | "had" if w(1) == "been" => 2,
        "would" | "will" | "could" | "might" | "may" | "must" | "should" if w(1) == "be" => 2,
        _ => return false,
    };
    while ADVERBS.contains(&w(i)) {
        i += 1;
    }
    // "likely to" may say what the speaker will do; "likely that" cannot.
    PREDICATES.contains(&w(i)) || matches!(w(i), "likely" | "unlikely") && w(i + 1) == "that"
}

/// What a claim's features derive from, as a number: copies of one text
/// (wire stories republished) share it, and so share their features.
pub fn text_key(text: &str, cue: Option<&str>, entities: &[(String, String)]) -> u64 {
    key_of((text, cue, entities))
}

/// A text's key in the embedding cache.
fn embedding_key(text: &str) -> u64 {
    key_of(text)
}

/// A cache key for what a value derives from: a fixed hash, so it is the
/// same in every run of the process.
fn key_of(x: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

/// Match features of stored claims, from the feature cache or derived once.
pub fn stored_features(
    store: &dyn Store,
    search: &Search,
    ids: &[ClaimId],
) -> Result<HashMap<ClaimId, Arc<Features>>> {
    let cache = search.feature_cache();
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
        let key = Derived::Text(text_key(&c.text, c.cue_text.as_deref(), &c.entities));
        let f = cache.get(&key).unwrap_or_else(|| {
            let f = Arc::new(claim_features(&c.text, c.cue_text.as_deref(), &c.entities));
            cache.insert(key, f.clone());
            f
        });
        cache.insert(Derived::Claim(c.id), f.clone());
        out.insert(c.id, f);
    }
    Ok(out)
}

/// Judgements of one claim against stored ones, once per stored text:
/// copies of a text share one `Arc<Features>`, so its address names the
/// text (and the same text has the same embedding).
#[derive(Default)]
struct Judged(HashMap<(usize, Option<u32>), (crate::corroborate::score::Comparison, bool)>);

impl Judged {
    fn judge(
        &mut self,
        f: &Features,
        g: &Arc<Features>,
        cosine: Option<f32>,
        read: Option<Read>,
        basis: &crate::corroborate::score::Basis,
    ) -> (crate::corroborate::score::Comparison, bool) {
        self.0
            .entry((Arc::as_ptr(g) as usize, cosine.map(f32::to_bits)))
            .or_insert_with(|| judge(f, g, cosine, read, basis))
            .clone()
    }
}

/// What the paraphrase judge says of a pair worth its pass.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Read {
    /// Its probability that the two say the same.
    Pass(f32),
    /// Nothing it could say would change the stance (`score::judge_matters`):
    /// decided as if read, without the pass.
    Moot,
    /// Worth a pass, but past the claim's `JUDGED_PER_CLAIM`: decided as
    /// if the judge had said no, so an unread pair never links where a
    /// read one would not (the rule only links more as the judge's
    /// probability rises).
    Unread,
}

/// Stored texts a claim's paraphrase judge reads at most: its candidates
/// closest in meaning among those whose pass could change the stance. A
/// pass reads both texts together and costs about three claims' embeddings;
/// without a bound, a claim's passes grow with the store (over the BBC
/// corpus then Reuters, from 0.3 a claim to 0.8), as more stored claims say
/// something near it. The rest are decided by meaning and words, as pairs
/// not worth a pass are.
const JUDGED_PER_CLAIM: usize = 2;

/// Per candidate: what its words and the claim's have in common
/// (`score::Basis`), and, once asked, is it worth the judge's pass
/// (`score::worth_judging`) and does the pass matter
/// (`score::judge_matters`). Kept between `prepare` and `finish`, so each
/// candidate is worked out once.
#[derive(Default)]
struct Pairing {
    basis: crate::corroborate::score::Basis,
    worth: Option<Option<bool>>,
}
type Worth = HashMap<ClaimId, Pairing>;

/// How the judge takes a candidate worth its pass.
#[derive(Debug, Clone, Copy)]
enum Ask {
    /// A pass, the pair read both ways round or not.
    Pass {
        both: bool,
    },
    Moot,
    Unread,
}

/// What the judge is asked of each candidate of `f` worth a pass: a pass
/// for those of the `JUDGED_PER_CLAIM` texts nearest in meaning (ties by
/// id) whose pass matters, moot where it does not, unread past those.
/// Depends only on the candidates, so `prepare` and `finish` agree on a list.
fn plan_reads(
    f: &Features,
    candidates: &[(ClaimId, Option<f32>)],
    known: &HashMap<ClaimId, Arc<Features>>,
    worth: &mut Worth,
) -> HashMap<ClaimId, Ask> {
    use crate::corroborate::score::{judge_both_ways, judge_matters, worth_judging};
    let mut matters: Vec<(f32, ClaimId, &str, bool)> = Vec::new();
    let mut plan = HashMap::new();
    for (id, cosine) in candidates {
        let (Some(g), Some(c)) = (known.get(id), *cosine) else {
            continue;
        };
        let p = worth.entry(*id).or_default();
        let basis = &p.basis;
        let w = *p.worth.get_or_insert_with(|| {
            worth_judging(f, g, c, basis).then(|| judge_matters(f, g, c, basis))
        });
        match w {
            Some(true) => matters.push((c, *id, g.text.as_str(), judge_both_ways(f, g, basis))),
            Some(false) => {
                plan.insert(*id, Ask::Moot);
            }
            None => {}
        }
    }
    matters.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut texts: Vec<&str> = Vec::new();
    for (_, id, text, both) in matters {
        if !texts.contains(&text) {
            if texts.len() == JUDGED_PER_CLAIM {
                plan.insert(id, Ask::Unread);
                continue;
            }
            texts.push(text);
        }
        plan.insert(id, Ask::Pass { both });
    }
    plan
}

/// Pairs for the paraphrase judge, gathered over several claims and read
/// in one batch: one encoder call for an article instead of one a claim.
#[derive(Default)]
struct JudgeBatch {
    /// The claim's text, the stored one's, and whether the judge reads them
    /// both ways round (`score::judge_both_ways`).
    pairs: Vec<(String, String, bool)>,
}

impl JudgeBatch {
    /// Queue the passes `plan` asks for that are not `answered` yet,
    /// copies of a text once. Returns where each candidate's answer will be.
    fn ask(
        &mut self,
        f: &Features,
        plan: &HashMap<ClaimId, Ask>,
        known: &HashMap<ClaimId, Arc<Features>>,
        answered: &HashMap<ClaimId, Read>,
    ) -> Vec<(ClaimId, usize)> {
        let mut texts: Vec<(&str, usize)> = Vec::new();
        let mut of = Vec::new();
        for (id, read) in plan {
            let Ask::Pass { both } = *read else { continue };
            if answered.contains_key(id) {
                continue;
            }
            let Some(g) = known.get(id) else { continue };
            let at = match texts.iter().find(|(t, _)| *t == g.text) {
                Some(&(_, at)) => at,
                None => {
                    self.pairs.push((f.text.clone(), g.text.clone(), both));
                    texts.push((g.text.as_str(), self.pairs.len() - 1));
                    self.pairs.len() - 1
                }
            };
            of.push((*id, at));
        }
        of
    }

    /// The judge's probabilities, in the order asked.
    fn read(self) -> Vec<f32> {
        if self.pairs.is_empty() {
            return Vec::new();
        }
        crate::encoder::PairJudge::get().probabilities(&self.pairs)
    }
}

/// Each planned candidate's read: a pass's answer (those just `asked` are
/// added to `answered`), moot or unread.
fn reads(
    plan: &HashMap<ClaimId, Ask>,
    answered: &mut HashMap<ClaimId, Read>,
    asked: Vec<(ClaimId, usize)>,
    p: &[f32],
) -> HashMap<ClaimId, Read> {
    for (id, at) in asked {
        answered.insert(id, Read::Pass(p[at]));
    }
    plan.iter()
        .filter_map(|(id, ask)| match ask {
            Ask::Pass { .. } => answered.get(id).map(|r| (*id, *r)),
            Ask::Moot => Some((*id, Read::Moot)),
            Ask::Unread => Some((*id, Read::Unread)),
        })
        .collect()
}

/// Each candidate's read under `plan`, the passes not yet `answered` read
/// in one batch (and added to it).
fn read_plan(
    f: &Features,
    plan: &HashMap<ClaimId, Ask>,
    known: &HashMap<ClaimId, Arc<Features>>,
    answered: &mut HashMap<ClaimId, Read>,
) -> HashMap<ClaimId, Read> {
    let mut batch = JudgeBatch::default();
    let asked = batch.ask(f, plan, known, answered);
    let p = batch.read();
    reads(plan, answered, asked, &p)
}

/// The paraphrase judge's answer for each candidate worth its pass, in one batch.
fn paraphrases(
    f: &Features,
    candidates: &[(ClaimId, Option<f32>)],
    known: &HashMap<ClaimId, Arc<Features>>,
    worth: &mut Worth,
) -> HashMap<ClaimId, Read> {
    let plan = plan_reads(f, candidates, known, worth);
    read_plan(f, &plan, known, &mut HashMap::new())
}

/// The text's runs of four words (lower-cased), as sorted distinct hashes:
/// what two copies of one text share. Hashed as read, without a string per word.
fn shingles(body: &str) -> Vec<u64> {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let words: Vec<u64> = body
        .split_whitespace()
        .map(|w| {
            let mut h = 0xCBF2_9CE4_8422_2325u64;
            for c in w.chars().flat_map(char::to_lowercase) {
                h = (h ^ u64::from(c)).wrapping_mul(0x0000_0100_0000_01B3);
            }
            h
        })
        .collect();
    let mut out: Vec<u64> = words
        .windows(4)
        .map(|w| {
            w.iter()
                .fold(0u64, |h, &x| (h.rotate_left(23) ^ x).wrapping_mul(K))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Shared runs over all runs (Jaccard) of two sorted sets.
fn overlap(a: &[u64], b: &[u64]) -> f32 {
    let shared = super::words::intersect(a, b).len();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f32 / union as f32
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
    let stance = cmp.stance?;
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
    /// What its features derive from (`text_key`).
    key: u64,
    /// Its postings: (term, count), and its length in terms.
    postings: Vec<(String, u16)>,
    len: u16,
    /// The terms candidates are looked up by, each with its postings among
    /// the articles stored when it was prepared.
    lists: Vec<(String, Vec<ClaimId>)>,
    /// Comparisons with the best of those candidates, done outside the lock.
    /// Each candidate's comparison, whether its text nearly repeats this
    /// one's, and the judge's read it was made with.
    compared: HashMap<ClaimId, (crate::corroborate::score::Comparison, bool, Option<Read>)>,
    /// The candidates' features, what the judge is worth for each, and the
    /// passes read: `finish` asks only about what is new.
    known: HashMap<ClaimId, Arc<Features>>,
    worth: Worth,
    answered: HashMap<ClaimId, Read>,
    /// Its embedding (empty: none).
    vector: Vec<f32>,
}

/// A new article's linking work done against the store as it was (every
/// article up to `snapshot`), so it can run on any core; `finish` completes
/// it under the write lock with whatever was stored since, and the result is
/// the same as if all of it had been done under the lock.
pub struct Prepared {
    snapshot: Option<ArticleId>,
    claims: Vec<PreparedClaim>,
    shingles: Vec<u64>,
    publisher: Option<String>,
    /// Whom the article is about, and when it was published.
    frame: Frame,
    /// Per stored article linked to: what linking needs of it.
    sources: HashMap<ArticleId, Source>,
}

/// What linking needs of the article of a claim linked to.
#[derive(Clone)]
struct Source {
    /// Its publisher is this article's.
    same_publisher: bool,
    /// It is a copy of this article's text.
    copy: bool,
    /// Whom it is about, and when it was published.
    frame: Frame,
}

/// Whether a link of `stance` between claims `f` and `g` stands given their
/// articles: a contradiction between claims about different matters, for
/// what the articles tell, does not (`score::frames_apart`), nor a link of
/// any stance between two speakers' words about themselves (`said_apart`).
fn stands(
    stance: crate::domain::Stance,
    (f, g): (&Features, &Features),
    frame: &Frame,
    other: &Source,
) -> bool {
    if stance == crate::domain::Stance::Contradicts {
        !crate::corroborate::score::frames_apart(f, g, frame, &other.frame)
    } else {
        !said_apart(f, g)
    }
}

/// Two speakers' words about themselves ("it filed with the SEC a
/// registration statement ...", by two companies; `score::speakers_apart`)
/// tell of two matters: they neither support nor contradict each other,
/// unless they are one text republished (its speaker told apart in a copy).
fn said_apart(f: &Features, g: &Features) -> bool {
    crate::corroborate::score::speakers_apart(f, g)
        && !crate::corroborate::score::near_copy(&f.text, &g.text)
}

/// Drops the candidates no link could come of (`said_apart`) before the
/// judge reads them and they are compared: over Reuters, such pairs (one
/// company's filing and another's) grow with the store.
fn drop_said_apart(
    f: &Features,
    candidates: &mut Vec<(ClaimId, Option<f32>)>,
    known: &HashMap<ClaimId, Arc<Features>>,
) {
    candidates.retain(|(id, _)| known.get(id).is_none_or(|g| !said_apart(f, g)));
}

/// What linking needs of an article itself (`score::Frame`).
fn frame_of(title: Option<&str>, body: &str, published: Option<&str>) -> Frame {
    Frame {
        subjects: article_subjects(title, body),
        published: published.map(str::to_string),
    }
}

/// Candidates from per-term lists: ids under at least two terms, those under
/// the most first, ties by id; at most `CANDIDATES`.
fn top_shared<'a, I: Copy + Eq + std::hash::Hash + Ord + 'a>(
    lists: impl Iterator<Item = &'a [I]>,
) -> Vec<(I, u32)> {
    // Sorted together, an id's entries are one run: no hashing.
    let mut all: Vec<I> = lists.flat_map(|l| l.iter().copied()).collect();
    all.sort_unstable();
    let mut ranked: Vec<(I, u32)> = all
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .map(|run| (run[0], run.len() as u32))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(CANDIDATES);
    ranked
}

fn rank_candidates(lists: &[(String, Vec<ClaimId>)]) -> Vec<(ClaimId, u32)> {
    top_shared(lists.iter().map(|(_, l)| l.as_slice()))
}

/// Compare a new claim with a stored one as the store links them, with the
/// cosine of their embeddings when both have one: a link needs what they
/// share to be specific, or their meaning to be close; and whether the two
/// texts are one text repeated.
fn judge(
    f: &Features,
    g: &Features,
    cosine: Option<f32>,
    read: Option<Read>,
    basis: &crate::corroborate::score::Basis,
) -> (crate::corroborate::score::Comparison, bool) {
    use crate::corroborate::score::{
        compare_judged, compare_meaning, near_copy, specific, Comparison, MEANING_FLOOR,
    };
    // Nothing specific in common is no link whatever the comparison says,
    // and this test is a fraction of its cost: most candidates of a large
    // store share only a topic, so they are ruled out before it. A pair
    // worth the judge's pass, or close in meaning, is judged on what it says.
    if read.is_none()
        && !cosine.is_some_and(|c| c >= MEANING_FLOOR)
        && !specific(f, g, SPECIFIC_WEIGHT)
    {
        let none = Comparison {
            score: 0.0,
            stance: None,
            evidence: Vec::new(),
        };
        return (none, false);
    }
    let cmp = match (cosine, read) {
        (Some(c), Some(Read::Pass(p))) => compare_judged(f, g, c, p, basis),
        (Some(c), Some(Read::Unread)) => {
            let mut cmp = compare_judged(f, g, c, 0.0, basis);
            if let Some(first) = cmp.evidence.first_mut() {
                *first = format!(
                    "meaning: cosine {c:.2}, not read by the paraphrase judge (it read the closest {JUDGED_PER_CLAIM})"
                );
            }
            cmp
        }
        // Moot: the stance any answer would give.
        (Some(c), _) => compare_meaning(f, g, c, basis),
        (None, _) => compare(f, g),
    };
    let copy = cmp.stance.is_some() && near_copy(&f.text, &g.text);
    (cmp, copy)
}

/// The stored claims nearest `vector` by meaning (none without one), from
/// `SEMANTIC_MIN` on, reading about `SEMANTIC_BUDGET` vectors; `article`'s
/// own claims aside.
fn nearest_by_meaning(
    search: &Search,
    vector: &[f32],
    article: Option<ArticleId>,
) -> Vec<(ClaimId, f32)> {
    if vector.is_empty() {
        return Vec::new();
    }
    search
        .nearest_claims(vector, SEMANTIC_CANDIDATES, Some(SEMANTIC_BUDGET))
        .into_iter()
        .filter(|(id, c)| *c >= SEMANTIC_MIN && Some(id.article) != article)
        .collect()
}

/// Candidates by words (ranked) and by meaning (`semantic`, the nearest
/// first), one list, each with its cosine to `vector` when both are embedded.
fn with_cosines(
    search: &Search,
    vector: &[f32],
    ranked: Vec<ClaimId>,
    semantic: Vec<(ClaimId, f32)>,
) -> Vec<(ClaimId, Option<f32>)> {
    let mut out: Vec<(ClaimId, Option<f32>)> = if vector.is_empty() {
        ranked.into_iter().map(|id| (id, None)).collect()
    } else {
        let cos = search.claim_similarities(vector, &ranked);
        // A candidate this far in meaning can link neither way: not worth
        // its features (a quarter of them in a large store, half over BBC).
        ranked
            .into_iter()
            .zip(cos)
            .filter(|(_, c)| c.is_none_or(|c| c >= UNRELATED))
            .collect()
    };
    for (id, c) in semantic {
        if !out.iter().any(|(o, _)| *o == id) {
            out.push((id, Some(c)));
        }
    }
    out
}

/// Claims' embeddings from what they say, in one batch, on every core. A
/// text embedded lately (`Search::embedding_cache`) or twice in the batch is
/// embedded once: the vector is the one the encoder gives that text in any
/// batch (each text's rows are computed on their own).
pub fn embed_texts<S: AsRef<str> + Sync>(search: &Search, texts: &[S]) -> Vec<Vec<f32>> {
    if texts.is_empty() {
        return Vec::new();
    }
    let cache = search.embedding_cache();
    let mut out: Vec<Option<Vec<f32>>> = Vec::with_capacity(texts.len());
    // The texts to embed, each once, and where each goes.
    let mut todo: Vec<&str> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut wanted: Vec<(usize, usize)> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let t = t.as_ref();
        match cache.get(&embedding_key(t)).filter(|e| &*e.0 == t) {
            Some(e) => out.push(Some(e.1.clone())),
            None => {
                let next = todo.len();
                let k = *at.entry(t).or_insert(next);
                if k == next {
                    todo.push(t);
                }
                wanted.push((i, k));
                out.push(None);
            }
        }
    }
    let fresh = if todo.is_empty() {
        Vec::new()
    } else {
        crate::corroborate::embed::Encoder::get().embed_batch(&todo)
    };
    for (t, v) in todo.iter().zip(&fresh) {
        cache.insert(embedding_key(t), Arc::new((Box::from(*t), v.clone())));
    }
    for (i, k) in wanted {
        out[i] = fresh.get(k).cloned();
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

fn source_of(
    store: &dyn Store,
    sources: &mut HashMap<ArticleId, Source>,
    article: ArticleId,
    publisher: &Option<String>,
    shingled: &[u64],
) -> Result<Source> {
    if let Some(v) = sources.get(&article) {
        return Ok(v.clone());
    }
    let v = store.article(article)?.map_or(
        Source {
            same_publisher: false,
            copy: false,
            frame: Frame::default(),
        },
        |a: Article| Source {
            same_publisher: a.publisher.is_some() && a.publisher == *publisher,
            copy: overlap(&shingles(&a.body), shingled) >= COPY_OVERLAP,
            frame: frame_of(a.title.as_deref(), &a.body, a.published_at.as_deref()),
        },
    );
    sources.insert(article, v.clone());
    Ok(v)
}

/// What a new article adds: its claims' index terms, links from its claims
/// (by ordinal) to stored claims, and its claims' fact-check matches.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub terms: Vec<ClaimTerms>,
    pub edges: Vec<(u32, Corroboration)>,
    pub fact_checks: Vec<FactCheckMatch>,
    /// The new claims' match features (by ordinal), for the cache once
    /// committed: the claims just stored are the likeliest candidates next.
    pub features: Vec<(u32, u64, Arc<Features>)>,
    /// The new claims' embeddings, by ordinal.
    pub vectors: Vec<(u32, Vec<f32>)>,
}

/// An article to prepare: itself, its extraction, its claims' embeddings.
pub type ToPrepare<'a> = (&'a NewArticle, &'a Extraction, Vec<Vec<f32>>);

/// The linking work that needs no lock, for several articles: features,
/// candidates among the articles indexed now, their comparisons and
/// sources. The paraphrase judge reads all the articles' pairs in one
/// batch: an article asks it about one or two, and the int8 products of a
/// pass that small run below their batch rate (on AMX, a third of it).
/// One answer per article, in order; each the same as if it were
/// prepared alone.
pub fn prepare(store: &dyn Store, search: &Search, items: Vec<ToPrepare>) -> Vec<Result<Prepared>> {
    let mut planned: Vec<Result<Planned>> = items
        .into_iter()
        .map(|(new, ex, vectors)| plan(store, search, new, ex, vectors))
        .collect();
    let mut pairs = Vec::new();
    let mut counts = Vec::with_capacity(planned.len());
    for p in planned.iter_mut().flatten() {
        let asked = std::mem::take(&mut p.judge.pairs);
        counts.push(asked.len());
        pairs.extend(asked);
    }
    let probabilities = JudgeBatch { pairs }.read();
    let mut at = 0;
    let mut counts = counts.into_iter();
    planned
        .into_iter()
        .map(|p| {
            let p = p?;
            let n = counts.next().unwrap_or(0);
            let answers = &probabilities[at..at + n];
            at += n;
            complete(store, p, answers)
        })
        .collect()
}

/// An article's candidates and the judge's questions about them, before
/// the judge has read them.
struct Planned {
    p: Prepared,
    /// Per claim that has candidates: its place in `p.claims`, its
    /// candidates, what the judge is asked of each, and where its answers go.
    pending: Vec<Pending>,
    judge: JudgeBatch,
}
type Pending = (
    usize,
    Vec<(ClaimId, Option<f32>)>,
    HashMap<ClaimId, Ask>,
    Vec<(ClaimId, usize)>,
);

/// `prepare`'s first half for one article: everything up to the judge's pass.
fn plan(
    store: &dyn Store,
    search: &Search,
    new: &NewArticle,
    ex: &Extraction,
    vectors: Vec<Vec<f32>>,
) -> Result<Planned> {
    let snapshot = search.last_article();
    let mut vectors = vectors.into_iter();
    let body: Vec<char> = new.body.chars().collect();
    let mut p = Prepared {
        snapshot,
        claims: Vec::with_capacity(ex.claims.len()),
        shingles: shingles(&new.body),
        publisher: new.publisher.clone(),
        frame: frame_of(new.title.as_deref(), &new.body, new.published_at.as_deref()),
        sources: HashMap::new(),
    };
    let mut judge = JudgeBatch::default();
    let mut pending = Vec::new();
    for c in &ex.claims {
        let cue = c.cue.map(|s| {
            body[(s.start as usize).min(body.len())..(s.end as usize).min(body.len())]
                .iter()
                .collect::<String>()
        });
        let f = claim_features(&c.text, cue.as_deref(), &c.entities);
        let (postings, len) = index_terms(&[&f]);
        let mut pc = PreparedClaim {
            key: text_key(&c.text, cue.as_deref(), &c.entities),
            postings,
            len,
            lists: Vec::new(),
            compared: HashMap::new(),
            known: HashMap::new(),
            worth: Worth::new(),
            answered: HashMap::new(),
            features: Features::default(),
            vector: vectors.next().unwrap_or_default(),
        };
        if f.terms.len() >= MIN_TERMS {
            for t in query_terms(&f) {
                // The newest entries up to the snapshot; whatever was stored
                // after it is `finish`'s.
                let list = match snapshot {
                    Some(s) => search.postings(t, Some(ArticleId(s.0 + 1)), POSTINGS_PER_TERM),
                    None => Vec::new(),
                };
                pc.lists.push((t.to_string(), list));
            }
            let ranked = rank_candidates(&pc.lists);
            // By meaning, as the index stands now: `finish` searches again.
            let mut candidates = with_cosines(
                search,
                &pc.vector,
                ranked.iter().map(|r| r.0).collect(),
                nearest_by_meaning(search, &pc.vector, None),
            );
            let ids: Vec<ClaimId> = candidates.iter().map(|c| c.0).collect();
            pc.known = stored_features(store, search, &ids)?;
            drop_said_apart(&f, &mut candidates, &pc.known);
            let plan = plan_reads(&f, &candidates, &pc.known, &mut pc.worth);
            let asked = judge.ask(&f, &plan, &pc.known, &pc.answered);
            pending.push((p.claims.len(), candidates, plan, asked));
        }
        pc.features = f;
        p.claims.push(pc);
    }
    Ok(Planned { p, pending, judge })
}

/// `prepare`'s second half for one article: with the judge's `probabilities`
/// for the pairs it asked, each claim's candidates are compared.
fn complete(store: &dyn Store, planned: Planned, probabilities: &[f32]) -> Result<Prepared> {
    let Planned { mut p, pending, .. } = planned;
    for (at, candidates, plan, asked) in pending {
        let pc = &mut p.claims[at];
        let read = reads(&plan, &mut pc.answered, asked, probabilities);
        let mut judged = Judged::default();
        let mut copies = 0;
        for (id, cosine) in candidates {
            if let Some(g) = pc.known.get(&id) {
                let r = read.get(&id).copied();
                let basis = &pc.worth.entry(id).or_default().basis;
                let (cmp, copy) = judged.judge(&pc.features, g, cosine, r, basis);
                // The sources `finish` will likely want, read now, outside the lock.
                if cmp.stance.is_some() && (!copy || copies < COPY_LINKS) {
                    copies += usize::from(copy);
                    source_of(store, &mut p.sources, id.article, &p.publisher, &p.shingles)?;
                }
                pc.compared.insert(id, (cmp, copy, r));
            }
        }
    }
    Ok(p)
}

/// The link to `other` a comparison makes, with what makes it not
/// independent: `source` is (same publisher, the articles are copies).
fn edge(
    other: ClaimId,
    cmp: crate::corroborate::score::Comparison,
    stance: crate::domain::Stance,
    Source {
        same_publisher,
        copy,
        ..
    }: Source,
    copied_claim: bool,
) -> Corroboration {
    let mut evidence = cmp.evidence;
    if same_publisher {
        evidence.push("not independent: same publisher".into());
    }
    if copy {
        evidence.push("not independent: the articles are copies of one text".into());
    } else if copied_claim {
        evidence.push("not independent: the claims repeat one text".into());
    }
    Corroboration {
        claim: other,
        score: cmp.score,
        stance,
        evidence,
        independent: !(same_publisher || copy || copied_claim),
    }
}

/// Complete a prepared plan for `article`, under the write lock: add
/// candidates stored since the snapshot, pick the best, and link.
pub fn finish(
    store: &dyn Store,
    search: &Search,
    article: ArticleId,
    mut p: Prepared,
) -> Result<Links> {
    let mut plan = Links::default();
    let since = ArticleId(p.snapshot.map_or(0, |s| s.0 + 1));
    for (ordinal, pc) in p.claims.iter_mut().enumerate() {
        let ordinal = ordinal as u32;
        // Only an indexed claim can be a candidate: its features are worth keeping.
        let indexed = !pc.postings.is_empty();
        if indexed {
            plan.terms.push(ClaimTerms {
                ordinal,
                len: pc.len,
                terms: std::mem::take(&mut pc.postings),
            });
        }
        if !pc.vector.is_empty() {
            plan.vectors.push((ordinal, pc.vector.clone()));
        }
        if pc.lists.is_empty() {
            if indexed {
                plan.features
                    .push((ordinal, pc.key, Arc::new(std::mem::take(&mut pc.features))));
            }
            continue;
        }
        // The lists as they stand now: what was stored since the snapshot
        // is newer still, and the cap keeps the newest.
        for (term, list) in pc.lists.iter_mut() {
            let more = search.postings_from(term, since, POSTINGS_PER_TERM);
            list.extend(more.into_iter().filter(|id| id.article != article));
            let cut = list.len().saturating_sub(POSTINGS_PER_TERM);
            list.drain(..cut);
        }
        let from = ClaimId { article, ordinal };
        let f = &pc.features;
        let terms: Vec<&str> = pc.lists.iter().map(|(t, _)| t.as_str()).collect();
        let fc_ids = shared_candidates(
            &terms,
            |t| {
                Ok(search
                    .fact_check_postings(t, POSTINGS_PER_TERM)
                    .into_iter()
                    .map(|p| p.id)
                    .collect())
            },
            |_| true,
        )?;
        for fc in store.fact_checks(&fc_ids)?.into_iter().flatten() {
            let (g, _) = super::crosscheck::stored_fact_check_features(search, &fc);
            plan.fact_checks.extend(as_match(from, fc.id, f, &g));
        }
        let ranked = rank_candidates(&pc.lists);
        // By meaning: the nearest in the index as it stands now, after
        // every article before this one, searched again. What `prepare`
        // found depends on when it ran: the budgeted search reads the
        // groups nearest the claim until `SEMANTIC_BUDGET` vectors, and
        // groups fill as articles are committed, so a stored claim found
        // then may be out of reach now, or the other way round (two runs
        // over BBC with the tagger differed by a link each way). Its
        // comparisons and the judge's answers are kept for the candidates
        // found both times.
        let semantic = nearest_by_meaning(search, &pc.vector, Some(article));
        let mut candidates = with_cosines(
            search,
            &pc.vector,
            ranked.iter().map(|r| r.0).collect(),
            semantic,
        );
        // The features of those found since it was prepared; then what the
        // judge reads of the list as it stands, which may take a pass from
        // a candidate that prepare judged, or give one to a new candidate.
        let fresh: Vec<ClaimId> = candidates
            .iter()
            .map(|c| c.0)
            .filter(|id| !pc.known.contains_key(id))
            .collect();
        pc.known.extend(stored_features(store, search, &fresh)?);
        drop_said_apart(f, &mut candidates, &pc.known);
        let asks = plan_reads(f, &candidates, &pc.known, &mut pc.worth);
        let read = read_plan(f, &asks, &pc.known, &mut pc.answered);
        let mut judged = Judged::default();
        let mut copies = 0;
        for (other, cosine) in candidates {
            let r = read.get(&other).copied();
            let (cmp, copied_claim) = match pc.compared.remove(&other) {
                Some((cmp, copy, used)) if used == r => (cmp, copy),
                _ => match pc.known.get(&other) {
                    Some(g) => {
                        let basis = &pc.worth.entry(other).or_default().basis;
                        judged.judge(f, g, cosine, r, basis)
                    }
                    None => continue,
                },
            };
            let Some(stance) = cmp.stance else {
                continue;
            };
            // Ranked oldest first among equals, so these are the oldest
            // copies; one whose link does not stand takes no place.
            if copied_claim && copies == COPY_LINKS {
                continue;
            }
            let source = source_of(
                store,
                &mut p.sources,
                other.article,
                &p.publisher,
                &p.shingles,
            )?;
            if pc
                .known
                .get(&other)
                .is_some_and(|g| !stands(stance, (f, g), &p.frame, &source))
            {
                continue;
            }
            copies += usize::from(copied_claim);
            plan.edges
                .push((ordinal, edge(other, cmp, stance, source, copied_claim)));
        }
        if indexed {
            plan.features
                .push((ordinal, pc.key, Arc::new(std::mem::take(&mut pc.features))));
        }
    }
    Ok(plan)
}

/// What `relink` found for an article's claims.
#[derive(Debug, Default)]
pub struct Relinked {
    /// Links to store: new ones, and stored ones with the evidence of the
    /// comparison with embeddings (`updated` of them).
    pub links: Vec<(u32, Corroboration)>,
    pub updated: usize,
    /// Stored links the comparison with embeddings does not make.
    pub unlinks: Vec<(u32, ClaimId)>,
}

/// Links for an article's stored claims that have just been embedded (they
/// were stored by a build before claims were embedded), under the write
/// lock: the candidates ingest would find, by words and by meaning, and the
/// claims they are linked to, among those with an embedding, compared as
/// ingest compares them. A pair where one claim still has none is left for
/// when it gets one (`reindex` goes in article order), so each pair is
/// compared once. A stored link the comparison no longer makes is removed;
/// one it makes gets its score and evidence.
pub fn relink(
    store: &dyn Store,
    search: &Search,
    article: &Article,
    vectors: &[(u32, Vec<f32>)],
) -> Result<Relinked> {
    let mut out = Relinked::default();
    let shingled = shingles(&article.body);
    let frame = frame_of(
        article.title.as_deref(),
        &article.body,
        article.published_at.as_deref(),
    );
    let mut sources = HashMap::new();
    let claim = |ordinal| ClaimId {
        article: article.id,
        ordinal,
    };
    // The article's claims' features, read in one go.
    let ids: Vec<ClaimId> = vectors.iter().map(|(o, _)| claim(*o)).collect();
    let own = stored_features(store, search, &ids)?;
    for (ordinal, vector) in vectors {
        let from = claim(*ordinal);
        let Some(f) = own.get(&from).cloned() else {
            continue;
        };
        let linked: Vec<ClaimId> = store
            .corroborations(from)?
            .into_iter()
            .map(|e| e.claim)
            .collect();
        let (ranked, semantic) = if f.terms.len() < MIN_TERMS {
            (Vec::new(), Vec::new())
        } else {
            let lists: Vec<(String, Vec<ClaimId>)> = query_terms(&f)
                .into_iter()
                .map(|t| (t.to_string(), search.postings(t, None, POSTINGS_PER_TERM)))
                .collect();
            let semantic: Vec<(ClaimId, f32)> = search
                .nearest_claims(vector, SEMANTIC_CANDIDATES + 1, Some(SEMANTIC_BUDGET))
                .into_iter()
                .filter(|(id, c)| *c >= SEMANTIC_MIN && id.article != article.id)
                .take(SEMANTIC_CANDIDATES)
                .collect();
            (rank_candidates(&lists), semantic)
        };
        let mut ids: Vec<ClaimId> = ranked.iter().map(|r| r.0).collect();
        ids.extend(
            linked
                .iter()
                .filter(|id| !ids.contains(id))
                .copied()
                .collect::<Vec<_>>(),
        );
        let candidates: Vec<(ClaimId, Option<f32>)> = with_cosines(search, vector, ids, semantic)
            .into_iter()
            .filter(|(id, c)| c.is_some() && id.article != article.id)
            .collect();
        let ids: Vec<ClaimId> = candidates.iter().map(|c| c.0).collect();
        let known = stored_features(store, search, &ids)?;
        let mut worth = Worth::new();
        let read = paraphrases(&f, &candidates, &known, &mut worth);
        let mut judged = Judged::default();
        let mut copies = 0;
        for (other, cosine) in candidates {
            let Some(g) = known.get(&other) else { continue };
            let basis = &worth.entry(other).or_default().basis;
            let (cmp, copied_claim) = judged.judge(&f, g, cosine, read.get(&other).copied(), basis);
            let was_linked = linked.contains(&other);
            let linkable = match cmp.stance {
                Some(stance) => {
                    let source = source_of(
                        store,
                        &mut sources,
                        other.article,
                        &article.publisher,
                        &shingled,
                    )?;
                    stands(stance, (&f, g), &frame, &source).then_some((stance, source))
                }
                None => None,
            };
            let Some((stance, source)) = linkable else {
                if was_linked {
                    out.unlinks.push((*ordinal, other));
                }
                continue;
            };
            if was_linked {
                out.updated += 1;
            } else if copied_claim {
                if copies == COPY_LINKS {
                    continue;
                }
                copies += 1;
            }
            out.links
                .push((*ordinal, edge(other, cmp, stance, source, copied_claim)));
        }
    }
    Ok(out)
}

/// Fact-checks' embeddings, computed on every core: a bulk import's slow part.
pub fn embed_fact_checks(new: &[&NewFactCheck]) -> Vec<Vec<f32>> {
    let texts: Vec<String> = new
        .iter()
        .map(|n| {
            crate::corroborate::embed::fact_check_text(&n.claim_reviewed, n.headline.as_deref())
        })
        .collect();
    crate::corroborate::embed::Encoder::get().embed_batch(&texts)
}

/// What a new fact-check adds: its index terms and length, and its matches
/// with stored claims.
#[derive(Debug, Clone, Default)]
pub struct FactCheckLinks {
    pub terms: Vec<(String, u16)>,
    pub length: u16,
    pub matches: Vec<FactCheckMatch>,
}

/// A new fact-check's terms and matches, under the write lock.
pub fn plan_fact_check(
    store: &dyn Store,
    search: &Search,
    id: FactCheckId,
    new: &NewFactCheck,
) -> Result<FactCheckLinks> {
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
            |t| Ok(search.postings(t, None, POSTINGS_PER_TERM)),
            |c: &ClaimId| Some(*c) != new.claim,
        )?;
        let known = stored_features(store, search, &ids)?;
        for c in ids {
            if let Some(g) = known.get(&c) {
                matches.extend(as_match(c, id, g, &f));
            }
        }
    }
    Ok(FactCheckLinks {
        terms: postings,
        length,
        matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corroborate::score::speakers_apart;
    use crate::domain::Stance;

    fn id(article: u64, ordinal: u32) -> ClaimId {
        ClaimId {
            article: ArticleId(article),
            ordinal,
        }
    }

    #[test]
    fn the_judge_reads_only_the_closest_texts_and_an_unread_pair_never_links_more_than_a_no() {
        use crate::corroborate::score::{compare_judged, judge_matters, worth_judging, Basis};
        let f = claim_features(
            "The minister said the new bridge will open to traffic in March",
            None,
            &[],
        );
        let near = |end: &str| {
            Arc::new(claim_features(
                &format!("The minister said the new bridge will open to {end} in March"),
                None,
                &[],
            ))
        };
        let (cyclists, buses, lorries) = (near("cyclists"), near("buses"), near("lorries"));
        for g in [&cyclists, &buses, &lorries] {
            assert!(
                worth_judging(&f, g, 0.9, &Basis::default())
                    && judge_matters(&f, g, 0.9, &Basis::default())
            );
        }
        // A copy of the closest text, then two more texts, less close.
        let known: HashMap<ClaimId, Arc<Features>> = [
            (id(1, 0), cyclists.clone()),
            (id(2, 0), cyclists.clone()),
            (id(3, 0), buses),
            (id(4, 0), lorries.clone()),
        ]
        .into_iter()
        .collect();
        let candidates = [
            (id(4, 0), Some(0.91)),
            (id(3, 0), Some(0.93)),
            (id(2, 0), Some(0.95)),
            (id(1, 0), Some(0.95)),
        ];
        let plan = plan_reads(&f, &candidates, &known, &mut Worth::new());
        assert!(matches!(plan[&id(1, 0)], Ask::Pass { .. }));
        assert!(matches!(plan[&id(2, 0)], Ask::Pass { .. }));
        assert!(matches!(plan[&id(3, 0)], Ask::Pass { .. }));
        assert!(matches!(plan[&id(4, 0)], Ask::Unread));
        // The two texts read cost two passes, the copy none of its own.
        let mut batch = JudgeBatch::default();
        batch.ask(&f, &plan, &known, &HashMap::new());
        assert_eq!(batch.pairs.len(), JUDGED_PER_CLAIM);
        // Unread is decided as the judge's surest no.
        let (unread, _) = judge(
            &f,
            &lorries,
            Some(0.91),
            Some(Read::Unread),
            &Basis::default(),
        );
        assert_eq!(
            unread.stance,
            compare_judged(&f, &lorries, 0.91, 0.0, &Basis::default()).stance
        );
        assert!(unread.evidence[0].contains("not read by the paraphrase judge"));
    }

    #[test]
    fn reported_words_opening_with_a_pronoun_are_about_their_speaker() {
        assert!(
            claim_features("it will add 30 mln dlrs to its reserve", Some("said"), &[])
                .about_speaker
        );
        assert!(claim_features("\u{201c}We will appeal,\u{201d}", Some("said"), &[]).about_speaker);
        assert!(!claim_features("the bank will add 30 mln dlrs", Some("said"), &[]).about_speaker);
        // The article's own voice has no speaker to be about.
        assert!(!claim_features("it will add 30 mln dlrs to its reserve", None, &[]).about_speaker);
        // "said that it ...": the pronoun after the conjunction.
        assert!(claim_features("that it expects higher sales", Some("said"), &[]).about_speaker);
        assert!(!claim_features("that sales will rise", Some("said"), &[]).about_speaker);
        // An "it" that stands for a clause is no one.
        for text in [
            "it is time for Mr Livingstone to say sorry",
            "that it was now time for the London mayor to say sorry",
            "it would be premature to comment",
            "it is not clear whether the talks will resume",
            "it seems the deal is off",
            "it was unlikely that the plant would reopen",
        ] {
            assert!(
                !claim_features(text, Some("said"), &[]).about_speaker,
                "{text}"
            );
        }
        for text in [
            "it is expanding its network",
            "it was pleased with the results",
            "it would be ready to sell the unit",
            "it is likely to report a loss",
            "it was hard hit by the strike",
        ] {
            assert!(
                claim_features(text, Some("said"), &[]).about_speaker,
                "{text}"
            );
        }
    }

    #[test]
    fn two_speakers_words_about_themselves_link_neither_way_unless_one_text_is_republished() {
        let said = |text: &str, speaker: &str| {
            claim_features(text, Some("said"), &[(speaker.into(), speaker.into())])
        };
        let filed = "it filed a registration statement with the Securities and Exchange Commission covering two mln shares";
        let zehntel = said(filed, "Zehntel Inc");
        let larissa = said(
            "it plans to register with the Securities and Exchange Commission in July to sell two mln shares",
            "Larissa Industries Inc",
        );
        let zehntel_again = said(
            "it has filed with the Securities and Exchange Commission to offer two mln shares",
            "Zehntel Inc",
        );
        assert!(said_apart(&zehntel, &larissa));
        assert!(!said_apart(&zehntel, &zehntel_again));
        // A copy of the text, its speaker resolved otherwise in one article.
        let copy = said(filed, "Larissa Industries Inc");
        assert!(speakers_apart(&zehntel, &copy) && !said_apart(&zehntel, &copy));
        let source = Source {
            same_publisher: false,
            copy: false,
            frame: Frame::default(),
        };
        let frame = Frame::default();
        for stance in [Stance::Supports, Stance::Contradicts] {
            assert!(!stands(stance, (&zehntel, &larissa), &frame, &source));
        }
        assert!(stands(
            Stance::Supports,
            (&zehntel, &zehntel_again),
            &frame,
            &source
        ));
        let mut candidates = vec![
            (id(1, 0), Some(0.8)),
            (id(2, 0), Some(0.8)),
            (id(3, 0), Some(0.8)),
        ];
        let known: HashMap<ClaimId, Arc<Features>> = [
            (candidates[0].0, Arc::new(larissa)),
            (candidates[1].0, Arc::new(zehntel_again)),
        ]
        .into_iter()
        .collect();
        drop_said_apart(&zehntel, &mut candidates, &known);
        // Larissa's is dropped; Zehntel's and the one without features stay.
        let kept: Vec<u64> = candidates.iter().map(|c| c.0.article.0).collect();
        assert_eq!(kept, vec![2, 3]);
    }

    #[test]
    fn a_text_met_again_is_embedded_once_with_the_vector_the_encoder_gives_it() {
        use crate::search::vectors::VecIndex;
        let search = Search::empty(VecIndex::default(), VecIndex::default());
        let texts = [
            "the truce holds",
            "the ceasefire was broken",
            "the truce holds",
        ];
        let got = embed_texts(&search, &texts);
        let encoder = crate::corroborate::embed::Encoder::get();
        for (t, v) in texts.iter().zip(&got) {
            assert_eq!(v, &encoder.embed(t), "{t}");
        }
        let kept = search
            .embedding_cache()
            .get(&embedding_key("the truce holds"))
            .expect("kept for later articles");
        assert_eq!(&*kept.0, "the truce holds");
        // A later batch reads it from the cache, beside a text it embeds.
        let again = embed_texts(&search, &["a new claim", "the truce holds"]);
        assert_eq!(again[1], got[0]);
        assert_eq!(again[0], encoder.embed("a new claim"));
        // What the cache holds is what a text gets, when the text is the same.
        let cache = search.embedding_cache();
        cache.insert(
            embedding_key("planted"),
            Arc::new(("planted".into(), vec![1.0; 3])),
        );
        cache.insert(
            embedding_key("collides"),
            Arc::new(("other".into(), vec![2.0; 3])),
        );
        let read = embed_texts(&search, &["planted", "collides"]);
        assert_eq!(read[0], vec![1.0; 3]);
        assert_eq!(read[1], encoder.embed("collides"));
    }
}
