//! Storage. The rest of claimgraph sees only the `Store` trait and domain
//! types; `sled_store` is the one implementation and the only code that
//! touches sled.

mod codec;
mod keys;
mod maintenance;
mod memindex;
mod sled_store;
mod vecindex;

pub use maintenance::Report;
pub use memindex::DerivedCache;

pub use sled_store::SledStore;

use crate::domain::{
    Article, ArticleId, Claim, ClaimId, ClaimKind, Corroboration, FactCheck, FactCheckId,
    FactCheckMatch, NewArticle, NewFactCheck, Speaker, SpeakerId,
};
use crate::extract::Extraction;

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
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What a cached derived value was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derived {
    /// A stored claim's match features.
    Claim(ClaimId),
    /// A fact-check's claim, as matched.
    FactCheck(FactCheckId),
    /// A fact-check's headline.
    Headline(FactCheckId),
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

/// An entry of a postings list: who, how often the term occurs there, and
/// how many index terms that text has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting<I> {
    pub id: I,
    pub tf: u16,
    pub len: u16,
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

/// What one ingest did.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub article: Article,
    /// False when the same body was already stored: nothing was written.
    pub created: bool,
    /// The new claims and their speakers.
    pub claims: Vec<(ClaimId, Vec<SpeakerId>)>,
    /// Edges written, from the new claim to the stored one.
    pub corroborations: Vec<(ClaimId, Corroboration)>,
    /// The new claims' matches with stored fact-checks.
    pub fact_check_matches: Vec<FactCheckMatch>,
}

impl Ingested {
    pub fn existing(article: Article) -> Self {
        Ingested {
            article,
            created: false,
            claims: Vec::new(),
            corroborations: Vec::new(),
            fact_check_matches: Vec::new(),
        }
    }
}

/// What one fact-check insert did.
#[derive(Debug, Clone)]
pub struct FactCheckInserted {
    pub fact_check: FactCheck,
    /// False when the same fact-check (same url, or same content) was stored.
    pub created: bool,
    /// The stored claims it was linked to.
    pub matches: Vec<FactCheckMatch>,
}

/// What a new fact-check adds: its index terms and its matches with stored claims.
#[derive(Debug, Clone, Default)]
pub struct FactCheckPlan {
    /// Index terms with their counts in the fact-check.
    pub postings: Vec<(String, u16)>,
    /// Its length in index terms.
    pub length: u16,
    pub matches: Vec<FactCheckMatch>,
    /// Its sentence embedding, when the linker computes one.
    pub vector: Option<Vec<f32>>,
}

/// What a new article adds to the corroboration index: its claims' terms,
/// and edges from its claims (by ordinal) to stored claims.
#[derive(Debug, Clone, Default)]
pub struct LinkPlan {
    /// (term, claim ordinal, count in the claim, the claim's length in terms).
    pub postings: Vec<(String, u32, u16, u16)>,
    pub edges: Vec<(u32, Corroboration)>,
    /// The new claims' matches with stored fact-checks.
    pub fact_checks: Vec<FactCheckMatch>,
}

/// Plans an article's links. Called under the store's write lock, before the
/// article's transaction, so it sees every earlier article and no other write.
pub trait Linker: Send + Sync {
    fn plan(
        &self,
        store: &dyn Store,
        article: ArticleId,
        new: &NewArticle,
        extraction: &Extraction,
    ) -> Result<LinkPlan>;

    /// Plans a new fact-check's index terms and matches, under the write lock.
    fn plan_fact_check(
        &self,
        _store: &dyn Store,
        _id: FactCheckId,
        _new: &NewFactCheck,
    ) -> Result<FactCheckPlan> {
        Ok(FactCheckPlan::default())
    }
}

/// No corroboration: for tools that only store.
pub struct NoLinks;

impl Linker for NoLinks {
    fn plan(
        &self,
        _: &dyn Store,
        _: ArticleId,
        _: &NewArticle,
        _: &Extraction,
    ) -> Result<LinkPlan> {
        Ok(LinkPlan::default())
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

    fn stats(&self) -> Result<Stats>;

    /// Claims indexed under a term, at most `limit`.
    fn postings(&self, term: &str, limit: usize) -> Result<Vec<ClaimId>>;
    /// Calls `f` once with the first `limit` claim postings of a term (none: not called).
    fn with_postings(&self, term: &str, limit: usize, f: &mut dyn FnMut(&[Posting<ClaimId>]));
    /// Calls `f` once with the first `limit` fact-check postings of a term.
    fn with_fact_check_postings(
        &self,
        term: &str,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<FactCheckId>]),
    );
    /// Claims of articles from `from` on indexed under a term, at most `limit`.
    fn postings_from(&self, term: &str, from: ArticleId, limit: usize) -> Result<Vec<ClaimId>>;
    /// The newest article whose claims the linker can see.
    fn last_article(&self) -> Result<Option<ArticleId>>;
    /// A claim's links to claims in other articles.
    fn corroborations(&self, claim: ClaimId) -> Result<Vec<Corroboration>>;

    /// Store an article with its claims, speakers, index entries and
    /// corroboration edges in one atomic write. Idempotent on `hash`.
    fn insert_article(
        &self,
        new: &NewArticle,
        hash: [u8; 16],
        ingested_at: u64,
        extraction: &Extraction,
        linker: &dyn Linker,
    ) -> Result<Ingested>;

    fn fact_check(&self, id: FactCheckId) -> Result<Option<FactCheck>>;
    fn fact_checks(&self, ids: &[FactCheckId]) -> Result<Vec<Option<FactCheck>>>;
    /// The dot product of `v` with each fact-check's sentence embedding, one
    /// answer per id, in order (none for one stored without), from the
    /// vector index.
    fn fact_check_similarities(&self, v: &[f32], ids: &[FactCheckId]) -> Result<Vec<Option<f32>>>;
    /// The `k` fact-checks whose embeddings are nearest `v` (largest dot
    /// product), best first, from the vector index.
    fn nearest_fact_checks(&self, v: &[f32], k: usize) -> Result<Vec<(FactCheckId, f32)>>;
    /// The stored fact-check an insert of `new` would find already there.
    fn fact_check_stored(&self, new: &NewFactCheck) -> Result<Option<FactCheckId>>;
    fn list_fact_checks(&self, after: Option<FactCheckId>, limit: usize) -> Result<Vec<FactCheck>>;
    /// Fact-checks indexed under a term, at most `limit`.
    fn fact_check_postings(&self, term: &str, limit: usize) -> Result<Vec<Posting<FactCheckId>>>;
    /// Reviews recorded on a claim (`reviewClaim`), oldest first.
    fn reviews_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckId>>;
    /// Fact-checks matched to a claim.
    fn fact_checks_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckMatch>>;
    /// Claims matched to a fact-check.
    fn claims_of_fact_check(&self, id: FactCheckId) -> Result<Vec<FactCheckMatch>>;

    /// Store a fact-check with its index terms and matches in one atomic
    /// write. Idempotent on its url (or, without one, its content).
    fn insert_fact_check(
        &self,
        new: &NewFactCheck,
        created_at: u64,
        linker: &dyn Linker,
    ) -> Result<FactCheckInserted>;

    /// Match features of stored claims and fact-checks, derived once and kept
    /// for the linker and the cross-check (what they derive from never changes).
    fn feature_cache(&self)
        -> &DerivedCache<Derived, std::sync::Arc<crate::corroborate::Features>>;

    /// Changes with every committed write: what was read under one
    /// generation is current while the generation is.
    fn generation(&self) -> u64;

    fn flush(&self) -> Result<()>;
}
