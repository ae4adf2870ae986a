//! Storage. The rest of claimgraph sees only the `Store` trait and domain
//! types; `sled_store` is the one implementation and the only code that
//! touches sled.

mod codec;
mod keys;
mod sled_store;

pub use sled_store::SledStore;

use crate::domain::{
    Article, ArticleId, Claim, ClaimId, ClaimKind, Corroboration, NewArticle, Speaker, SpeakerId,
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
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("stored data has format version {found}; this build reads version {expected}")]
    Version { found: u8, expected: u8 },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Totals kept current by every write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub articles: u64,
    pub claims: u64,
    pub speakers: u64,
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
}

/// What a new article adds to the corroboration index: its claims' terms,
/// and edges from its claims (by ordinal) to stored claims.
#[derive(Debug, Clone, Default)]
pub struct LinkPlan {
    pub postings: Vec<(String, u32)>,
    pub edges: Vec<(u32, Corroboration)>,
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

    fn flush(&self) -> Result<()>;
}
