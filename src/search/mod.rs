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
pub mod snapshot;
pub mod vectors;
pub mod words;

pub use cache::DerivedCache;
pub use postings::Posting;

use crate::corroborate::Features;
use crate::domain::{ArticleId, ClaimId, FactCheckId};
use crate::store::{Change, Result, Store, Unit};
use postings::MemIndex;
use snapshot::SnapshotError;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use vectors::VecIndex;
use words::WordIndex;

/// Vectors read from changes, to add to the indexes together.
#[derive(Default)]
struct Vectors {
    fact_checks: Vec<(u64, Vec<f32>)>,
    claims: Vec<(u64, Vec<f32>)>,
}

impl Vectors {
    /// An article's claims' embeddings (by ordinal), those the index can hold.
    fn add_claims(&mut self, article: ArticleId, v: Vec<(u32, Vec<f32>)>) {
        for (ordinal, v) in v {
            let id = ClaimId { article, ordinal };
            match claim_key(id) {
                Some(k) if v.len() == crate::corroborate::embed::DIM => self.claims.push((k, v)),
                _ => tracing::warn!("{id}'s embedding ({} dimensions) not indexed", v.len()),
            }
        }
    }
}

/// A claim text and its embedding, as the embedding cache keeps them.
pub type Embedded = Arc<(Box<str>, Vec<f32>)>;

/// What a cached derived value was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derived {
    /// A stored claim's match features.
    Claim(ClaimId),
    /// A fact-check's claim, as matched.
    FactCheck(FactCheckId),
    /// A fact-check's headline.
    Headline(FactCheckId),
    /// A claim's text, cue and entities (`linking::text_key`): what copies share.
    Text(u64),
}

/// Stored claims whose match features are kept in memory, per generation of
/// the cache (two generations; about 4 KB each with the pair model's
/// surface). A miss reads the claim and derives its features, the costliest
/// part of linking in a large store. Measured adding 2,000 articles to a
/// 100,000-article store (every claim embedded): 4,000, 16,000 and 32,000
/// took ingest to 32, 42 and 44 articles/s at a peak RSS of 855, 921 and
/// 1,052 MB; the last step buys little for the memory it costs.
const FEATURE_CACHE: usize = 16_000;
/// Claim texts whose embeddings are kept, per generation, for the same text
/// in a later article (wire copy, a quote or background sentence repeated):
/// an embedding depends on its text alone. About 1.7 KB each. Over BBC, in
/// ingest order, 2,193 of 24,861 claims repeat an earlier text, 2,055 of them
/// within the 4,096 texts before.
const EMBEDDING_CACHE: usize = 2_048;
/// Changes read from the feed at a time.
const FEED_BATCH: usize = 1_024;

pub struct Search {
    claims: MemIndex<ClaimId>,
    fact_checks: MemIndex<FactCheckId>,
    /// The words of claims' texts, for the search filter.
    words: WordIndex,
    vectors: VecIndex,
    /// Claims' embeddings, under `claim_key`.
    claim_vectors: VecIndex,
    features: DerivedCache<Derived, Arc<Features>>,
    /// Recent claim texts' embeddings, by the texts' hashes (the text is
    /// kept beside its vector and compared, so a collision is a miss).
    embeddings: DerivedCache<u64, Embedded>,
    /// The last change applied.
    applied: AtomicU64,
    /// The last change held by the snapshot on disk (0: none).
    saved: AtomicU64,
    /// One follower at a time, so changes apply in order.
    follow: Mutex<()>,
}

/// The fingerprint of the store's change `seq`, if it has it.
fn fingerprint_at(store: &dyn Store, seq: u64) -> Result<Option<u32>> {
    Ok(store
        .changes_since(seq - 1, 1)?
        .first()
        .filter(|c| c.seq == seq)
        .map(snapshot::fingerprint))
}

/// Claims' embeddings read from the store at a time.
const VECTOR_PAGE: usize = 4096;

/// Puts back the vectors of a claims' index read from a snapshot without
/// them: every one it holds must be in the store, or the snapshot is not
/// this store's.
fn fill_claim_vectors(
    store: &dyn Store,
    index: &VecIndex,
) -> std::result::Result<(), SnapshotError> {
    let (mut placed, mut after) = (0, None);
    loop {
        let page = store.claim_vectors(after, VECTOR_PAGE)?;
        let Some(last) = page.last() else { break };
        after = Some(last.0);
        placed += index.fill(
            page.into_iter()
                .filter_map(|(c, codes, scale)| claim_key(c).map(|k| (k, codes, scale))),
        );
    }
    if placed != index.len() {
        return Err(SnapshotError::Format(
            "it holds claim embeddings the store does not have",
        ));
    }
    Ok(())
}

/// A claim's id as one number, how the vector index keys it: 44 bits of
/// article, 20 of ordinal (an article of a million characters has fewer
/// claims than that).
fn claim_key(id: ClaimId) -> Option<u64> {
    (id.article.0 < 1 << 44 && id.ordinal < 1 << 20)
        .then(|| id.article.0 << 20 | u64::from(id.ordinal))
}

fn claim_of_key(key: u64) -> ClaimId {
    ClaimId {
        article: ArticleId(key >> 20),
        ordinal: (key & ((1 << 20) - 1)) as u32,
    }
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
        let s = Search::empty(VecIndex::default(), VecIndex::default());
        s.catch_up(store)?;
        Ok(s)
    }

    fn empty(vectors: VecIndex, claim_vectors: VecIndex) -> Search {
        Search {
            claims: MemIndex::default(),
            fact_checks: MemIndex::default(),
            words: WordIndex::default(),
            vectors,
            claim_vectors,
            features: DerivedCache::new(FEATURE_CACHE),
            embeddings: DerivedCache::new(EMBEDDING_CACHE),
            applied: AtomicU64::new(0),
            saved: AtomicU64::new(0),
            follow: Mutex::new(()),
        }
    }

    /// Open from the snapshot at `path` when it holds a change the store
    /// still has, then apply what was committed after it; without a usable
    /// snapshot, build from the whole change log as `open` does.
    pub fn open_saved(store: &dyn Store, path: &Path) -> Result<Search> {
        let s = match Self::load(store, path) {
            Ok(Some(s)) => s,
            Ok(None) => Search::empty(VecIndex::default(), VecIndex::default()),
            Err(e) => {
                tracing::warn!(
                    "{}: {e}; rebuilding the indexes from the change log",
                    path.display()
                );
                Search::empty(VecIndex::default(), VecIndex::default())
            }
        };
        s.catch_up(store)?;
        Ok(s)
    }

    fn load(store: &dyn Store, path: &Path) -> std::result::Result<Option<Search>, SnapshotError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let loaded = snapshot::decode::<ClaimId, FactCheckId>(&bytes)?;
        drop(bytes);
        if loaded.seq > 0 && fingerprint_at(store, loaded.seq)? != Some(loaded.fingerprint) {
            return Err(SnapshotError::Format(
                "it holds a change this store does not have",
            ));
        }
        if loaded.claim_vectors_empty {
            fill_claim_vectors(store, &loaded.claim_vectors)?;
        }
        let mut s = Search::empty(loaded.vectors, loaded.claim_vectors);
        s.claims = loaded.claims;
        s.fact_checks = loaded.fact_checks;
        s.words = loaded.words;
        s.applied.store(loaded.seq, Ordering::SeqCst);
        s.saved.store(loaded.seq, Ordering::SeqCst);
        Ok(Some(s))
    }

    /// Save the indexes as they are to `path`, after flushing the store so
    /// the snapshot never holds more than it does; returns the last change held.
    pub fn save(&self, store: &dyn Store, path: &Path) -> std::result::Result<u64, SnapshotError> {
        // Held while the file is written: the indexes then hold exactly the
        // changes up to `seq` (new ones wait to be applied, not to commit).
        let _one = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        store.flush()?;
        let seq = self.applied();
        if seq > 0 && seq == self.saved.load(Ordering::SeqCst) {
            return Ok(seq);
        }
        let fingerprint = match seq {
            0 => 0,
            _ => fingerprint_at(store, seq)?.ok_or(SnapshotError::Format(
                "the last change applied is not in the store",
            ))?,
        };
        let parts = snapshot::Parts {
            seq,
            fingerprint,
            claims: &self.claims,
            fact_checks: &self.fact_checks,
            words: &self.words,
            vectors: &self.vectors,
            claim_vectors: &self.claim_vectors,
        };
        snapshot::write_file(path, &parts)?;
        self.saved.store(seq, Ordering::SeqCst);
        Ok(seq)
    }

    /// Changes applied since the snapshot on disk was saved.
    pub fn unsaved(&self) -> u64 {
        self.applied()
            .saturating_sub(self.saved.load(Ordering::SeqCst))
    }

    /// Apply every change committed since the last one applied; returns the
    /// sequence number now applied.
    pub fn catch_up(&self, store: &dyn Store) -> Result<u64> {
        let _one = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        self.read_feed(store)
    }

    /// Apply a change this process has just committed, as it has it in hand
    /// with its claims' texts: no read back from the store. Anything
    /// committed before it that is not applied yet (another writer's) is
    /// read from the feed, this one with it.
    pub fn committed(
        &self,
        store: &dyn Store,
        change: Change,
        texts: Vec<(ClaimId, String)>,
    ) -> Result<u64> {
        let _one = self.follow.lock().unwrap_or_else(|p| p.into_inner());
        let seq = change.seq;
        if seq <= self.applied() {
            return Ok(self.applied());
        }
        if seq != self.applied() + 1 {
            return self.read_feed(store);
        }
        let mut vectors = Vectors::default();
        self.apply(store, vec![change], Some(texts), &mut vectors)?;
        self.add_vectors(vectors);
        self.applied.store(seq, Ordering::SeqCst);
        Ok(seq)
    }

    /// Under the follow lock: everything after the last change applied.
    fn read_feed(&self, store: &dyn Store) -> Result<u64> {
        let mut vectors = Vectors::default();
        loop {
            let changes = store.changes_since(self.applied(), FEED_BATCH)?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            self.apply(store, changes, None, &mut vectors)?;
            self.applied.store(last, Ordering::SeqCst);
        }
        // Vectors go in together: the index re-clusters each time it doubles,
        // and a store opened whole should cluster once.
        self.add_vectors(vectors);
        Ok(self.applied())
    }

    fn add_vectors(&self, v: Vectors) {
        if !v.fact_checks.is_empty() {
            self.vectors.extend(v.fact_checks);
        }
        if !v.claims.is_empty() {
            self.claim_vectors.extend(v.claims);
        }
    }

    /// Applies changes; `known` holds their claims' texts when the caller
    /// has them, else they are read from the store (the change log keeps
    /// index terms, not texts).
    fn apply(
        &self,
        store: &dyn Store,
        changes: Vec<Change>,
        known: Option<Vec<(ClaimId, String)>>,
        vectors: &mut Vectors,
    ) -> Result<()> {
        let mut claim_postings = Vec::new();
        let read = known.is_none();
        let mut texts = known.unwrap_or_default();
        let mut last_article = None;
        let mut fc_postings = Vec::new();
        for change in changes {
            match change.unit {
                Unit::Article {
                    id,
                    terms,
                    vectors: v,
                } => {
                    last_article = Some(id.0);
                    vectors.add_claims(id, v);
                    if read {
                        texts.extend(
                            store
                                .claims_of_article(id)?
                                .into_iter()
                                .map(|c| (c.id, c.text)),
                        );
                    }
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
                Unit::Embedded { id, vectors: v } => vectors.add_claims(id, v),
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
                            vectors.fact_checks.push((id.0, v))
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
        self.words
            .add(texts.iter().map(|(id, t)| (*id, t.as_str())));
        self.claims.extend_through(claim_postings, last_article);
        self.fact_checks.extend(fc_postings);
        Ok(())
    }

    /// Claims whose text may hold `query` (case-insensitive), in id order:
    /// all that do are among them. None: the query has nothing to narrow by.
    pub fn claims_with_text(&self, query: &str) -> Option<Vec<ClaimId>> {
        self.words.candidates(query)
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

    /// Calls `f` once with the newest `limit` claim postings of a term and
    /// the number of claims under it (no claims: not called).
    pub fn with_postings(
        &self,
        term: &str,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<ClaimId>], u32),
    ) {
        self.claims.with(term, None, limit, f)
    }

    /// Calls `f` once with the newest `limit` fact-check postings of a term
    /// and the number of fact-checks under it.
    pub fn with_fact_check_postings(
        &self,
        term: &str,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<FactCheckId>], u32),
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

    /// How many claims' embeddings are indexed.
    pub fn claim_vector_count(&self) -> usize {
        self.claim_vectors.len()
    }

    /// The `k` claims whose embeddings are nearest `v`, best first, reading
    /// about `budget` vectors (none: the default breadth, which grows with
    /// the collection).
    pub fn nearest_claims(
        &self,
        v: &[f32],
        k: usize,
        budget: Option<usize>,
    ) -> Vec<(ClaimId, f32)> {
        self.claim_vectors
            .nearest_within(v, k, budget)
            .into_iter()
            .map(|(id, s)| (claim_of_key(id), s))
            .collect()
    }

    /// Whether the claim's embedding is indexed.
    pub fn claim_embedded(&self, id: ClaimId) -> bool {
        claim_key(id).is_some_and(|k| self.claim_vectors.contains(k))
    }

    /// The dot product of `v` with each claim's embedding, one answer per
    /// id, in order (none for a claim stored without one).
    pub fn claim_similarities(&self, v: &[f32], ids: &[ClaimId]) -> Vec<Option<f32>> {
        let keys: Vec<u64> = ids
            .iter()
            .map(|&id| claim_key(id).unwrap_or(u64::MAX))
            .collect();
        self.claim_vectors.similarities(v, &keys)
    }

    /// Keeps the match features of an article's claims just committed.
    pub fn remember_features(&self, article: ArticleId, features: Vec<(u32, u64, Arc<Features>)>) {
        for (ordinal, key, f) in features {
            self.features.insert(Derived::Text(key), f.clone());
            self.features
                .insert(Derived::Claim(ClaimId { article, ordinal }), f);
        }
    }

    /// Match features of stored claims and fact-checks, derived once and kept
    /// (what they derive from never changes).
    pub fn feature_cache(&self) -> &DerivedCache<Derived, Arc<Features>> {
        &self.features
    }

    /// Recent claim texts' embeddings (`linking::embed_texts`).
    pub fn embedding_cache(&self) -> &DerivedCache<u64, Embedded> {
        &self.embeddings
    }
}

#[cfg(test)]
impl Search {
    /// The same postings and position in the feed.
    fn same_as(&self, other: &Search) -> bool {
        let lists = |m: &MemIndex<ClaimId>| m.lists.read().unwrap().clone();
        let fc = |m: &MemIndex<FactCheckId>| m.lists.read().unwrap().clone();
        let words = |w: &WordIndex| w.lists.read().unwrap().clone();
        let q = vec![0.05f32; crate::corroborate::embed::DIM];
        let near = |s: &Search| s.nearest_claims(&q, 1000, None);
        self.applied() == other.applied()
            && self.claim_vector_count() == other.claim_vector_count()
            && near(self) == near(other)
            && words(&self.words) == words(&other.words)
            && self.claims.mark() == other.claims.mark()
            && lists(&self.claims) == lists(&other.claims)
            && fc(&self.fact_checks) == fc(&other.fact_checks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::domain::NewArticle;

    const BODIES: [&str; 4] = [
        "\"Taxes will fall next year,\" the finance minister said on Monday.",
        "The finance minister said taxes would fall next year, officials said.",
        "\"The bridge will reopen in March after repairs,\" the mayor said.",
        "Officials said the bridge would reopen in March, the mayor added.",
    ];

    fn snapshot_of(dir: &std::path::Path) -> std::path::PathBuf {
        dir.join("claimgraph-indexes.snapshot")
    }

    #[test]
    fn a_store_reopened_from_its_snapshot_has_the_indexes_a_full_rebuild_has() {
        let dir = tempfile::tempdir().unwrap();
        {
            let app = App::open(crate::store::open(dir.path()).unwrap()).unwrap();
            for body in &BODIES[..2] {
                app.ingest(article(body)).unwrap();
            }
            app.flush().unwrap();
            // Committed after the snapshot: the next open reads it from the log.
            app.ingest(article(BODIES[2])).unwrap();
            app.store().flush().unwrap();
        }
        assert!(snapshot_of(dir.path()).exists());
        let store = crate::store::reopen(dir.path());
        let reopened = Search::open_saved(store.as_ref(), &snapshot_of(dir.path())).unwrap();
        assert_eq!(
            reopened.saved.load(Ordering::SeqCst),
            2,
            "read from the snapshot"
        );
        let rebuilt = Search::open(store.as_ref()).unwrap();
        assert_eq!(rebuilt.applied(), 3);
        // Every claim's embedding, whether from the snapshot or the log.
        let claims = store.stats().unwrap().claims as usize;
        assert!(claims >= 3);
        assert_eq!(reopened.claim_vector_count(), claims);
        assert!(reopened.same_as(&rebuilt));
        let bridge = crate::corroborate::features::stem("bridge");
        assert_eq!(reopened.postings(&bridge, None, 10).len(), 1);
    }

    #[test]
    fn a_snapshot_that_does_not_fit_the_store_is_ignored() {
        let (one, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for (dir, bodies) in [(&one, &BODIES[..2]), (&other, &BODIES[2..])] {
            let app = App::open(crate::store::open(dir.path()).unwrap()).unwrap();
            for body in bodies {
                app.ingest(article(body)).unwrap();
            }
            app.flush().unwrap();
        }
        let path = snapshot_of(other.path());
        let store = crate::store::reopen(other.path());
        let rebuilt = Search::open(store.as_ref()).unwrap();
        // Another store's snapshot: same sequence numbers, other changes.
        std::fs::copy(snapshot_of(one.path()), &path).unwrap();
        let opened = Search::open_saved(store.as_ref(), &path).unwrap();
        assert_eq!(opened.saved.load(Ordering::SeqCst), 0);
        assert!(opened.same_as(&rebuilt));
        // A damaged one: a byte flipped, then cut short.
        let good = {
            let app = App::open(store.clone()).unwrap();
            app.search().save(store.as_ref(), &path).unwrap();
            std::fs::read(&path).unwrap()
        };
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x40;
        for bytes in [flipped, good[..good.len() - 9].to_vec(), b"CGIX".to_vec()] {
            std::fs::write(&path, bytes).unwrap();
            let opened = Search::open_saved(store.as_ref(), &path).unwrap();
            assert_eq!(opened.saved.load(Ordering::SeqCst), 0);
            assert!(opened.same_as(&rebuilt));
        }
    }

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
