//! Derived indexes and everything that searches them: the postings of
//! claims and fact-checks, the vector index of fact-checks' embeddings, the
//! cache of match features, candidate search for linking (`linking`) and
//! cross-checking (`crosscheck`).
//!
//! Nothing here is the record. `Search` is built from the store's change
//! feed at open and follows it after each commit (`catch_up`), so it can be
//! rebuilt at any time and could follow a store written by another process.

pub mod cache;
pub mod crosscheck;
pub mod linking;
pub mod postings;
pub mod vectors;

pub use cache::DerivedCache;
pub use postings::Posting;

use crate::corroborate::Features;
use crate::domain::{ArticleId, ClaimId, FactCheckId};
use crate::store::{Change, Result, Store, Unit};
use postings::MemIndex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use vectors::VecIndex;

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

/// Stored claims whose match features are kept in memory, per generation of
/// the cache (about 4 KB each; two generations).
const FEATURE_CACHE: usize = 8_000;
/// Changes read from the feed at a time.
const FEED_BATCH: usize = 1_024;

pub struct Search {
    claims: MemIndex<ClaimId>,
    fact_checks: MemIndex<FactCheckId>,
    vectors: VecIndex,
    features: DerivedCache<Derived, Arc<Features>>,
    /// The last change applied.
    applied: AtomicU64,
    /// One follower at a time, so changes apply in order.
    follow: Mutex<()>,
}

/// The key of an article's first claim: where its claims start in a list.
fn first_claim(article: ArticleId) -> ClaimId {
    ClaimId {
        article,
        ordinal: 0,
    }
}

impl Search {
    /// Build the indexes from everything the store holds.
    pub fn open(store: &dyn Store) -> Result<Search> {
        let s = Search {
            claims: MemIndex::default(),
            fact_checks: MemIndex::default(),
            vectors: VecIndex::default(),
            features: DerivedCache::new(FEATURE_CACHE),
            applied: AtomicU64::new(0),
            follow: Mutex::new(()),
        };
        s.catch_up(store)?;
        Ok(s)
    }

    /// Apply every change committed since the last one applied; returns the
    /// sequence number now applied.
    pub fn catch_up(&self, store: &dyn Store) -> Result<u64> {
        let _one = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        self.read_feed(store)
    }

    /// Apply a change this process has just committed, as it has it in hand:
    /// no read back from the store. Anything committed before it that is not
    /// applied yet (another writer's) is read from the feed, this one with it.
    pub fn committed(&self, store: &dyn Store, change: Change) -> Result<u64> {
        let _one = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        let seq = change.seq;
        if seq <= self.applied() {
            return Ok(self.applied());
        }
        if seq != self.applied() + 1 {
            return self.read_feed(store);
        }
        let mut vectors = Vec::new();
        self.apply(vec![change], &mut vectors);
        self.vectors.extend(vectors);
        self.applied.store(seq, Ordering::SeqCst);
        Ok(seq)
    }

    /// Under the follow lock: everything after the last change applied.
    fn read_feed(&self, store: &dyn Store) -> Result<u64> {
        let mut vectors = Vec::new();
        loop {
            let changes = store.changes_since(self.applied(), FEED_BATCH)?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            self.apply(changes, &mut vectors);
            self.applied.store(last, Ordering::SeqCst);
        }
        // Vectors go in together: the index re-clusters each time it doubles,
        // and a store opened whole should cluster once.
        self.vectors.extend(vectors);
        Ok(self.applied())
    }

    fn apply(&self, changes: Vec<Change>, vectors: &mut Vec<(u64, Vec<f32>)>) {
        let mut claim_postings = Vec::new();
        let mut last_article = None;
        let mut fc_postings = Vec::new();
        for change in changes {
            match change.unit {
                Unit::Article { id, terms } => {
                    last_article = Some(id.0);
                    for c in terms {
                        let cid = ClaimId {
                            article: id,
                            ordinal: c.ordinal,
                        };
                        claim_postings.extend(c.terms.into_iter().map(|(term, tf)| {
                            (
                                term,
                                Posting {
                                    id: cid,
                                    tf,
                                    len: c.len,
                                },
                            )
                        }));
                    }
                }
                Unit::FactCheck {
                    id,
                    terms,
                    length,
                    vector,
                } => {
                    fc_postings.extend(terms.into_iter().map(|(term, tf)| {
                        (
                            term,
                            Posting {
                                id,
                                tf,
                                len: length,
                            },
                        )
                    }));
                    match vector {
                        Some(v) if v.len() == crate::corroborate::embed::DIM => {
                            vectors.push((id.0, v))
                        }
                        // Made by another model: not comparable with a query's.
                        Some(v) => tracing::warn!(
                            "{id}: embedding of {} dimensions, not {}; not indexed",
                            v.len(),
                            crate::corroborate::embed::DIM
                        ),
                        None => {}
                    }
                }
            }
        }
        self.claims.extend_through(claim_postings, last_article);
        self.fact_checks.extend(fc_postings);
    }

    /// The last change applied: what was read under one value is current
    /// while it is.
    pub fn applied(&self) -> u64 {
        self.applied.load(Ordering::SeqCst)
    }

    /// The newest article whose claims are indexed.
    pub fn last_article(&self) -> Option<ArticleId> {
        self.claims.mark().map(ArticleId)
    }

    /// The newest claims indexed under a term, at most `limit`, of articles
    /// before `before` (none: of all): a long list is read from its recent
    /// end.
    pub fn postings(&self, term: &str, before: Option<ArticleId>, limit: usize) -> Vec<ClaimId> {
        self.claims
            .newest(term, before.map(first_claim), limit)
            .into_iter()
            .map(|p| p.id)
            .collect()
    }

    /// Claims of articles from `from` on indexed under a term, at most `limit`.
    pub fn postings_from(&self, term: &str, from: ArticleId, limit: usize) -> Vec<ClaimId> {
        self.claims
            .get_from(term, first_claim(from), limit)
            .into_iter()
            .map(|p| p.id)
            .collect()
    }

    /// Calls `f` once with the newest `limit` claim postings of a term (none: not called).
    pub fn with_postings(&self, term: &str, limit: usize, f: &mut dyn FnMut(&[Posting<ClaimId>])) {
        self.claims.with(term, None, limit, f)
    }

    /// Calls `f` once with the newest `limit` fact-check postings of a term.
    pub fn with_fact_check_postings(
        &self,
        term: &str,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<FactCheckId>]),
    ) {
        self.fact_checks.with(term, None, limit, f)
    }

    /// Fact-checks indexed under a term, the newest `limit`.
    pub fn fact_check_postings(&self, term: &str, limit: usize) -> Vec<Posting<FactCheckId>> {
        self.fact_checks.newest(term, None, limit)
    }

    /// The dot product of `v` with each fact-check's embedding, one answer
    /// per id, in order (none for one stored without).
    pub fn fact_check_similarities(&self, v: &[f32], ids: &[FactCheckId]) -> Vec<Option<f32>> {
        let ids: Vec<u64> = ids.iter().map(|id| id.0).collect();
        self.vectors.similarities(v, &ids)
    }

    /// The `k` fact-checks whose embeddings are nearest `v`, best first.
    pub fn nearest_fact_checks(&self, v: &[f32], k: usize) -> Vec<(FactCheckId, f32)> {
        self.vectors
            .nearest(v, k)
            .into_iter()
            .map(|(id, s)| (FactCheckId(id), s))
            .collect()
    }

    /// Match features of stored claims and fact-checks, derived once and kept
    /// (what they derive from never changes).
    pub fn feature_cache(&self) -> &DerivedCache<Derived, Arc<Features>> {
        &self.features
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::domain::NewArticle;

    fn article(body: &str) -> NewArticle {
        NewArticle {
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_index_opened_before_later_commits_catches_up_from_the_feed() {
        let store = crate::store::temporary().unwrap();
        let writer = App::open(store.clone()).unwrap();
        // Another reader of the same store, opened while it was empty.
        let follower = Search::open(store.as_ref()).unwrap();
        writer
            .ingest(article(
                "\"The bridge will reopen in March after repairs,\" the mayor said.",
            ))
            .unwrap();
        let bridge = crate::corroborate::features::stem("bridge");
        let bridge = bridge.as_str();
        assert!(follower.postings(bridge, None, 10).is_empty());
        assert_eq!(follower.catch_up(store.as_ref()).unwrap(), 1);
        assert_eq!(
            follower.postings(bridge, None, 10),
            writer.search().postings(bridge, None, 10)
        );
        assert!(!follower.postings(bridge, None, 10).is_empty());
        assert_eq!(follower.last_article(), Some(ArticleId(1)));
        // Nothing new: nothing applied twice.
        assert_eq!(follower.catch_up(store.as_ref()).unwrap(), 1);
        assert_eq!(follower.postings(bridge, None, 10).len(), 1);
    }

    #[test]
    fn an_index_rebuilt_at_open_is_the_one_kept_while_writing() {
        let store = crate::store::temporary().unwrap();
        let writer = App::open(store.clone()).unwrap();
        for body in [
            "\"Taxes will fall next year,\" the finance minister said on Monday.",
            "The finance minister said taxes would fall next year, officials said.",
        ] {
            writer.ingest(article(body)).unwrap();
        }
        let rebuilt = Search::open(store.as_ref()).unwrap();
        for word in ["taxes", "fall", "year"] {
            let term = crate::corroborate::features::stem(word);
            let kept = writer.search().postings(&term, None, 100);
            assert!(!kept.is_empty(), "{term}");
            assert_eq!(rebuilt.postings(&term, None, 100), kept, "{term}");
        }
        assert_eq!(rebuilt.applied(), writer.search().applied());
    }
}
