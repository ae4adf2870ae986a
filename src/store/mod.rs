//! The persistence port. It knows only `domain`: what is stored, never how
//! it was derived. Everything else reaches storage through the `Store` trait.
//!
//! - Reads of articles, claims, speakers, links and fact-checks.
//! - Writes as whole units, each committed atomically: one article with
//!   everything it brings (`ArticleWrite`), one fact-check (`FactCheckWrite`).
//!   Units carry their ids, chosen by the single writer (the service layer)
//!   from `next_ids`; a unit whose ids are not the next ones is refused
//!   (`Conflict`), so two writers can never interleave.
//! - A change feed: every commit has a sequence number, one more than the
//!   last, and `changes_since(n)` returns what was committed after `n`, with
//!   the index terms and vectors the unit brought. Derived indexes (the
//!   `search` layer) are built from it at open and follow it after each commit.
//!
//! Backends: `sled` (embedded, the default). A new backend implements
//! `Store` and passes the conformance suite (`conformance.rs`).

#[cfg(test)]
pub mod conformance;
pub mod sled;

pub use self::sled::SledStore;

use crate::domain::{
    Article, ArticleId, Claim, ClaimId, ClaimKind, Corroboration, FactCheck, FactCheckId,
    FactCheckMatch, NewFactCheck, Speaker, SpeakerId,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the store at {0} is in use by another process (is a claimgraph server running on it?)"
    )]
    Locked(String),
    #[error("storage error: {0}")]
    Io(String),
    #[error("the store is not empty: import into a new data directory")]
    NotEmpty,
    #[error("{0} was not found")]
    NotFound(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("stored data has format version {found}; this build reads version {expected}")]
    Version { found: u8, expected: u8 },
    #[error("write conflict: {0} (another writer committed first)")]
    Conflict(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Open the embedded store in `dir` (created when absent).
pub fn open(dir: &Path) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SledStore::open(dir)?))
}

/// Rewrite the embedded store in `dir` without the garbage its log keeps
/// (offline: no other handle may be open).
pub fn compact(dir: &Path, progress: &dyn Fn(u64)) -> Result<self::sled::compact::Compaction> {
    self::sled::compact::compact(dir, progress)
}

/// Open the store in `dir` again in a test, after the last handle to it was
/// dropped: sled's background threads may hold its file lock a moment
/// longer (sled's own tests wait on the lock for that reason).
#[cfg(test)]
pub fn reopen(dir: &Path) -> Arc<dyn Store> {
    when_unlocked(|| open(dir))
}

/// `f`'s result once it no longer finds the store locked (tried for up to
/// five seconds; see `reopen`).
#[cfg(test)]
pub fn when_unlocked<T>(f: impl Fn() -> Result<T>) -> T {
    for _ in 0..50 {
        match f() {
            Err(StoreError::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(100)),
            other => return other.expect("the store opens"),
        }
    }
    f().expect("the store unlocks within five seconds")
}

/// A store that lives in memory and disappears on drop (tests, benchmarks).
pub fn temporary() -> Result<Arc<dyn Store>> {
    Ok(Arc::new(SledStore::temporary()?))
}

/// Totals kept current by every write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub articles: u64,
    pub claims: u64,
    pub speakers: u64,
    pub fact_checks: u64,
    pub corroborations: u64,
    /// Index terms over all claims and over all fact-checks (for average lengths).
    pub claim_terms: u64,
    pub fact_check_terms: u64,
}

/// The ids the next write must use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIds {
    pub article: ArticleId,
    pub speaker: SpeakerId,
    pub fact_check: FactCheckId,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimFilter {
    pub kind: Option<ClaimKind>,
    pub article: Option<ArticleId>,
    pub speaker: Option<SpeakerId>,
    /// Case-insensitive substring of the claim's text.
    pub search: Option<String>,
    pub min_confidence: Option<f32>,
}

impl ClaimFilter {
    pub fn matches(&self, c: &Claim) -> bool {
        self.kind.is_none_or(|k| c.kind == k)
            && self.article.is_none_or(|a| c.id.article == a)
            && self.speaker.is_none_or(|s| c.speakers.contains(&s))
            && self
                .min_confidence
                .is_none_or(|m| c.attribution.confidence >= m)
            && self
                .search
                .as_ref()
                .is_none_or(|q| c.text.to_lowercase().contains(&q.to_lowercase()))
    }
}

/// One claim's index terms: each with its count, and the claim's length in terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClaimTerms {
    pub ordinal: u32,
    pub len: u16,
    pub terms: Vec<(String, u16)>,
}

/// A speaker created or changed by a write, with the surname it is found
/// under (people only; the name rules live above the store).
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerWrite {
    pub speaker: Speaker,
    pub surname: Option<String>,
}

/// One article and everything it brings, committed atomically.
#[derive(Debug, Clone)]
pub struct ArticleWrite {
    /// Its id must be `next_ids().article`.
    pub article: Article,
    pub claims: Vec<Claim>,
    /// Speakers created (ids from `next_ids().speaker` on, in order) or
    /// changed, in the order they were resolved; one may appear twice.
    pub speakers: Vec<SpeakerWrite>,
    pub terms: Vec<ClaimTerms>,
    /// Links from a new claim (by ordinal) to a stored one; stored both ways.
    pub links: Vec<(u32, Corroboration)>,
    /// The new claims' matches with stored fact-checks.
    pub fact_check_matches: Vec<FactCheckMatch>,
    /// The new claims' sentence embeddings, by ordinal. A backend may keep
    /// them as int8 codes with one scale each (`quantise`): a dot product
    /// then moves by about 0.001.
    pub vectors: Vec<(u32, Vec<f32>)>,
}

/// Embeddings for claims stored without one (by a build before claims were
/// embedded), and the links they bring, committed atomically.
#[derive(Debug, Clone)]
pub struct EmbeddingWrite {
    pub article: ArticleId,
    /// By ordinal: each of a claim of `article` that has no embedding yet.
    pub vectors: Vec<(u32, Vec<f32>)>,
    /// Links from a claim of `article` (by ordinal) to a stored claim;
    /// stored both ways, in place of a link already stored between them.
    pub links: Vec<(u32, Corroboration)>,
    /// Links (both ways) from a claim of `article` to a stored claim that
    /// the comparison with embeddings no longer makes.
    pub unlinks: Vec<(u32, ClaimId)>,
}

/// Symmetric int8 codes of a vector, its largest component ±127, and what
/// a code of 1 stands for: how claims' embeddings are kept, on disk and in
/// memory (a quarter of the floats' bytes).
pub fn quantise(v: &[f32]) -> (Vec<i8>, f32) {
    let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if max == 0.0 || !max.is_finite() {
        return (vec![0; v.len()], 0.0);
    }
    let scale = max / 127.0;
    let codes = v
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (codes, scale)
}

/// One fact-check and everything it brings, committed atomically.
#[derive(Debug, Clone)]
pub struct FactCheckWrite {
    /// Its id must be `next_ids().fact_check`.
    pub fact_check: FactCheck,
    pub terms: Vec<(String, u16)>,
    /// Its length in index terms.
    pub length: u16,
    /// Stored claims it matches.
    pub matches: Vec<FactCheckMatch>,
    /// Its sentence embedding.
    pub vector: Option<Vec<f32>>,
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<I> {
    /// Written, as change `seq`.
    Created { seq: u64 },
    /// The same unit was stored already (same identity): nothing was written.
    Existing(I),
}

/// One committed write, as the change feed returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub seq: u64,
    pub unit: Unit,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    Article {
        id: ArticleId,
        terms: Vec<ClaimTerms>,
        /// Its claims' embeddings, by ordinal (claims stored without one,
        /// by a build before claims were embedded, are absent).
        vectors: Vec<(u32, Vec<f32>)>,
    },
    FactCheck {
        id: FactCheckId,
        terms: Vec<(String, u16)>,
        length: u16,
        vector: Option<Vec<f32>>,
    },
    /// Embeddings added to an article's stored claims (`commit_embeddings`):
    /// only these, not those its own commit brought.
    Embedded {
        id: ArticleId,
        vectors: Vec<(u32, Vec<f32>)>,
    },
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Per invariant, how many violations and the first few.
    pub violations: BTreeMap<&'static str, (u64, Vec<String>)>,
    pub checked: BTreeMap<&'static str, u64>,
}

impl Report {
    pub fn fail(&mut self, rule: &'static str, detail: impl FnOnce() -> String) {
        let e = self.violations.entry(rule).or_default();
        e.0 += 1;
        if e.1.len() < 5 {
            e.1.push(detail());
        }
    }

    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

/// What makes two fact-checks the same: the url when there is one (a
/// fact-checker publishes one page per check), else the content. Every
/// backend keys its idempotency on this.
pub fn fact_check_identity(new: &NewFactCheck) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    match &new.url {
        Some(u) => {
            let mut k = vec![b'u'];
            k.extend_from_slice(u.as_bytes());
            k
        }
        None => {
            let mut h = Sha256::new();
            h.update(crate::domain::normalise_whitespace(&new.claim_reviewed).as_bytes());
            for part in [
                &new.rating.name,
                &new.author,
                &new.explanation,
                &new.claimant,
                &new.appearance,
            ] {
                h.update([0]);
                h.update(part.as_deref().unwrap_or("").as_bytes());
            }
            h.update([0]);
            // The claim's bytes, or twelve zeros: as stores have always hashed it.
            h.update(new.claim.map(ClaimId::to_be_bytes).unwrap_or_default());
            let mut k = vec![b'h'];
            k.extend_from_slice(&h.finalize()[..16]);
            k
        }
    }
}

pub trait Store: Send + Sync + 'static {
    fn article(&self, id: ArticleId) -> Result<Option<Article>>;
    /// One answer per id, in order.
    fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Option<Article>>>;
    fn list_articles(&self, after: Option<ArticleId>, limit: usize) -> Result<Vec<Article>>;
    fn article_by_hash(&self, hash: &[u8; 16]) -> Result<Option<ArticleId>>;

    fn claim(&self, id: ClaimId) -> Result<Option<Claim>>;
    fn claims(&self, ids: &[ClaimId]) -> Result<Vec<Option<Claim>>>;
    /// Claims in id order after `after`, matching `filter`, at most `limit`.
    fn list_claims(
        &self,
        after: Option<ClaimId>,
        limit: usize,
        filter: &ClaimFilter,
    ) -> Result<Vec<Claim>>;
    fn count_claims(&self, filter: &ClaimFilter) -> Result<u64>;
    fn claims_of_article(&self, id: ArticleId) -> Result<Vec<Claim>>;

    fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>>;
    fn speakers(&self, ids: &[SpeakerId]) -> Result<Vec<Option<Speaker>>>;
    /// Speakers in id order; with `search`, those with a name or alias word starting with it.
    fn list_speakers(
        &self,
        after: Option<SpeakerId>,
        limit: usize,
        search: Option<&str>,
    ) -> Result<Vec<Speaker>>;
    fn count_speakers(&self, search: Option<&str>) -> Result<u64>;
    fn articles_of_speaker(&self, id: SpeakerId) -> Result<Vec<ArticleId>>;
    /// Speakers with this name or alias (normalised), in the order they took it.
    fn speakers_named(&self, normalised: &str) -> Result<Vec<SpeakerId>>;
    /// People filed under this surname (normalised), in the order they took it.
    fn speakers_with_surname(&self, surname: &str) -> Result<Vec<SpeakerId>>;

    fn stats(&self) -> Result<Stats>;
    fn next_ids(&self) -> Result<NextIds>;

    /// A claim's links to claims in other articles.
    fn corroborations(&self, claim: ClaimId) -> Result<Vec<Corroboration>>;

    /// Stored claims' embeddings in claim order after `after`, at most
    /// `limit`, as stored: int8 codes and their scale (`quantise`). How the
    /// derived vector index reads them in bulk.
    fn claim_vectors(
        &self,
        after: Option<ClaimId>,
        limit: usize,
    ) -> Result<Vec<(ClaimId, Vec<i8>, f32)>>;

    /// Store an article with its claims, speakers, index terms, links and
    /// fact-check matches in one atomic write. Idempotent on the article's
    /// `content_hash`.
    fn commit_article(&self, write: &ArticleWrite) -> Result<Outcome<ArticleId>>;

    /// Embeddings (and their links) for claims of a stored article that have
    /// none; refused whole if one is of a claim that is not stored or has one.
    fn commit_embeddings(&self, write: &EmbeddingWrite) -> Result<Outcome<ArticleId>>;

    fn fact_check(&self, id: FactCheckId) -> Result<Option<FactCheck>>;
    fn fact_checks(&self, ids: &[FactCheckId]) -> Result<Vec<Option<FactCheck>>>;
    /// The stored fact-check with the identity of `new` (`fact_check_identity`).
    fn fact_check_stored(&self, new: &NewFactCheck) -> Result<Option<FactCheckId>>;
    fn list_fact_checks(&self, after: Option<FactCheckId>, limit: usize) -> Result<Vec<FactCheck>>;
    /// Reviews recorded on a claim (`reviewClaim`), oldest first.
    fn reviews_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckId>>;
    /// Fact-checks matched to a claim.
    fn fact_checks_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckMatch>>;
    /// Claims matched to a fact-check.
    fn claims_of_fact_check(&self, id: FactCheckId) -> Result<Vec<FactCheckMatch>>;

    /// Store a fact-check with its index terms, matches and embedding in one
    /// atomic write. Idempotent on `fact_check_identity`.
    fn commit_fact_check(&self, write: &FactCheckWrite) -> Result<Outcome<FactCheckId>>;

    /// The sequence number of the last commit (0: none).
    fn last_seq(&self) -> Result<u64>;
    /// Commits after `seq`, oldest first, at most `limit`.
    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>>;

    /// Check every invariant: values decode, references point at what
    /// exists, indexes match what they index, counters match.
    fn verify(&self) -> Result<Report> {
        self.verify_with(&|_, _| {})
    }
    /// `verify`, telling `progress` each phase and the entries read in it,
    /// with memory that stays small however large the store.
    fn verify_with(&self, progress: &dyn Fn(&'static str, u64)) -> Result<Report>;
    /// The whole store as JSON Lines (lossless); returns the entries written.
    fn export(&self, out: &mut dyn std::io::Write) -> Result<u64>;
    /// Load an export into this store, which must be empty.
    fn import(&self, input: &mut dyn std::io::BufRead) -> Result<u64>;

    fn flush(&self) -> Result<()>;

    /// A directory of this machine the store lives in, where derived indexes
    /// may keep files of their own (none: a store in memory or elsewhere).
    fn local_dir(&self) -> Option<&Path>;
}
