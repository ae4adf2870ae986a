//! The sled backend: the only code that touches sled. `keys` names the
//! keyspace, `codec` the value encoding, `changes` the change log,
//! `maintenance` verify, export and import, `compact` rewriting the log.

mod changes;
mod codec;
pub mod compact;
mod keys;
mod maintenance;

use self::codec::{decode, encode};
use super::{
    fact_check_identity, ArticleWrite, Change, ClaimFilter, EmbeddingWrite, FactCheckWrite,
    NextIds, Outcome, Report, Result, SpeakerWrite, Stats, Store, StoreError,
};
use crate::domain::{
    normalise_name, Article, ArticleId, Claim, ClaimId, Corroboration, FactCheck, FactCheckId,
    FactCheckMatch, NewFactCheck, Speaker, SpeakerId, SpeakerKind,
};
use ::sled::transaction::{ConflictableTransactionError as TxError, TransactionalTree as TxTree};
use ::sled::Transactional;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;

/// Counters and id sequences, kept in `meta` and updated in every write.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub(super) struct Counters {
    pub articles: u64,
    pub claims: u64,
    pub speakers: u64,
    pub next_article: u64,
    pub next_speaker: u64,
    // Added with fact-checks; older stores read as zero.
    #[serde(default)]
    pub fact_checks: u64,
    #[serde(default)]
    pub next_fact_check: u64,
    #[serde(default)]
    pub corroborations: u64,
    #[serde(default)]
    pub claim_terms: u64,
    #[serde(default)]
    pub fact_check_terms: u64,
    /// Commits of embeddings for stored claims (`commit_embeddings`).
    #[serde(default)]
    pub embeddings: u64,
}

impl Counters {
    /// Every commit adds one article, one fact-check or one article's
    /// embeddings, so their sum is the sequence number of the last commit:
    /// no counter of its own to keep.
    pub fn seq(&self) -> u64 {
        self.next_article + self.next_fact_check + self.embeddings
    }
}

/// The trees by name, for whole-store maintenance.
pub(super) struct Trees<'a> {
    pub meta: &'a ::sled::Tree,
    pub articles: &'a ::sled::Tree,
    pub article_hash: &'a ::sled::Tree,
    pub claims: &'a ::sled::Tree,
    pub speakers: &'a ::sled::Tree,
    pub speaker_names: &'a ::sled::Tree,
    pub speaker_claims: &'a ::sled::Tree,
    pub corroborations: &'a ::sled::Tree,
    pub fact_checks: &'a ::sled::Tree,
    pub fact_check_keys: &'a ::sled::Tree,
    pub claim_reviews: &'a ::sled::Tree,
    pub claim_fact_checks: &'a ::sled::Tree,
    pub fact_check_claims: &'a ::sled::Tree,
    pub fact_check_vectors: &'a ::sled::Tree,
    pub claim_vectors: &'a ::sled::Tree,
    pub changes: &'a ::sled::Tree,
}

impl Trees<'_> {
    pub fn all(&self) -> Vec<(&'static str, ::sled::Tree)> {
        vec![
            (keys::META, self.meta.clone()),
            (keys::ARTICLES, self.articles.clone()),
            (keys::ARTICLE_HASH, self.article_hash.clone()),
            (keys::CLAIMS, self.claims.clone()),
            (keys::SPEAKERS, self.speakers.clone()),
            (keys::SPEAKER_NAMES, self.speaker_names.clone()),
            (keys::SPEAKER_CLAIMS, self.speaker_claims.clone()),
            (keys::CORROBORATIONS, self.corroborations.clone()),
            (keys::FACT_CHECKS, self.fact_checks.clone()),
            (keys::FACT_CHECK_KEYS, self.fact_check_keys.clone()),
            (keys::CLAIM_REVIEWS, self.claim_reviews.clone()),
            (keys::CLAIM_FACT_CHECKS, self.claim_fact_checks.clone()),
            (keys::FACT_CHECK_CLAIMS, self.fact_check_claims.clone()),
            (keys::FACT_CHECK_VECTORS, self.fact_check_vectors.clone()),
            (keys::CLAIM_VECTORS, self.claim_vectors.clone()),
            (keys::CHANGES, self.changes.clone()),
        ]
    }
}

pub struct SledStore {
    db: ::sled::Db,
    meta: ::sled::Tree,
    articles: ::sled::Tree,
    article_hash: ::sled::Tree,
    claims: ::sled::Tree,
    speakers: ::sled::Tree,
    speaker_names: ::sled::Tree,
    speaker_claims: ::sled::Tree,
    corroborations: ::sled::Tree,
    fact_checks: ::sled::Tree,
    fact_check_keys: ::sled::Tree,
    claim_reviews: ::sled::Tree,
    claim_fact_checks: ::sled::Tree,
    fact_check_claims: ::sled::Tree,
    fact_check_vectors: ::sled::Tree,
    claim_vectors: ::sled::Tree,
    changes: ::sled::Tree,
    /// Commits one at a time, so each sees the counters the last one left.
    write: Mutex<()>,
    /// Where it lives on disk (none: in memory).
    dir: Option<std::path::PathBuf>,
}

fn io(e: ::sled::Error) -> StoreError {
    StoreError::Io(e.to_string())
}

// Positions of the trees in an article's transaction.
const T_META: usize = 0;
const T_ARTICLES: usize = 1;
const T_HASH: usize = 2;
const T_CLAIMS: usize = 3;
const T_SPEAKERS: usize = 4;
const T_NAMES: usize = 5;
const T_SPK_CLAIMS: usize = 6;
const T_EDGES: usize = 7;
const T_CLAIM_FCS: usize = 8;
const T_FC_CLAIMS: usize = 9;
const T_CHANGES: usize = 10;
const T_VECTORS: usize = 11;

/// sled's page cache (its default is 1 GiB): bounds the server's memory as
/// the store grows. sled counts pages as stored, and holds them at two to
/// three times that. Measured on a 100,000-article store: 160 MB instead of
/// 64 added 300 MB of RSS to an ingest and no speed that rose above the
/// noise; adding 2,000 articles to a 104,000-article store, 16, 32 and 64 MB
/// peaked at 964, 1,002 and 1,089 MB of RSS, at 38, 42 and 36 articles/s.
const SLED_CACHE_BYTES: u64 = 32 * 1024 * 1024;

type TxResult<T> = std::result::Result<T, TxError<StoreError>>;

fn abort(e: StoreError) -> TxError<StoreError> {
    TxError::Abort(e)
}

fn committed<T>(
    r: std::result::Result<T, ::sled::transaction::TransactionError<StoreError>>,
) -> Result<T> {
    r.map_err(|e| match e {
        ::sled::transaction::TransactionError::Abort(e) => e,
        ::sled::transaction::TransactionError::Storage(e) => io(e),
    })
}

/// zstd level of the stores that sled compresses page by page.
const COMPRESSION_LEVEL: i32 = 1;

/// sled's log segment (its default is 512 KiB). sled rewrites a segment once
/// it falls under half live, and larger segments left less garbage behind:
/// the BBC corpus then Reuters (21,269 articles, `--attribution rules`) left
/// a log of 236 MB at 512 KiB, 172 MB at 2 MiB and 164 MB at 4 MiB, at the
/// same speed; each step up adds its size to the write buffers' memory.
const SEGMENT_BYTES: usize = 2 * 1024 * 1024;

/// The settings sled fixes when it creates a store and refuses to change on
/// a later open, as the store in a directory has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    /// sled compresses pages: stores written before values were compressed
    /// one by one (`codec`) do, and keep it; new stores do not.
    compressed: bool,
    segment_size: usize,
}

impl Layout {
    /// What a new store gets.
    const NEW: Layout = Layout {
        compressed: false,
        segment_size: SEGMENT_BYTES,
    };

    /// The layout of the store in `dir`, as its `conf` file records it;
    /// [`Layout::NEW`] where there is none yet. Stores written before
    /// `SEGMENT_BYTES` keep their segments until `compact` rewrites them.
    fn of(dir: &Path) -> Layout {
        // Text lines, then a binary checksum.
        let Ok(conf) = std::fs::read(dir.join("conf")) else {
            return Layout::NEW;
        };
        let conf = String::from_utf8_lossy(&conf);
        let value = |name: &str| {
            conf.lines()
                .find_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                    [n, v] if n == name => Some(v.to_string()),
                    _ => None,
                })
        };
        Layout {
            compressed: value("use_compression:").as_deref() == Some("true"),
            segment_size: value("segment_size:")
                .and_then(|v| v.parse().ok())
                .unwrap_or(SEGMENT_BYTES),
        }
    }
}

impl SledStore {
    /// Train a dictionary for compressing values (at most `size` bytes) on
    /// up to `per_tree` values of each tree of this store.
    pub fn train_value_dictionary(&self, per_tree: usize, size: usize) -> Result<Vec<u8>> {
        codec::train_dictionary(&maintenance::value_samples(self, per_tree)?, size)
    }

    /// Open (or create) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        compact::recover(dir)?;
        let db = Self::config(dir, Layout::of(dir))
            .open()
            .map_err(|e| match &e {
                ::sled::Error::Io(ioe)
                    if ioe.kind() == std::io::ErrorKind::WouldBlock
                        || ioe.to_string().contains("lock") =>
                {
                    StoreError::Locked(dir.display().to_string())
                }
                _ => io(e),
            })?;
        let mut store = Self::from_db(db)?;
        store.dir = Some(dir.to_path_buf());
        Ok(store)
    }

    /// sled's settings for a store in `dir`.
    fn config(dir: &Path, layout: Layout) -> ::sled::Config {
        ::sled::Config::new()
            .path(dir)
            .cache_capacity(SLED_CACHE_BYTES)
            .use_compression(layout.compressed)
            .compression_factor(COMPRESSION_LEVEL)
            .segment_size(layout.segment_size)
    }

    /// A store that lives in memory and disappears on drop (tests, benchmarks).
    pub fn temporary() -> Result<Self> {
        Self::from_db(::sled::Config::new().temporary(true).open().map_err(io)?)
    }

    fn from_db(db: ::sled::Db) -> Result<Self> {
        let t = |name: &str| db.open_tree(name).map_err(io);
        let store = SledStore {
            meta: t(keys::META)?,
            articles: t(keys::ARTICLES)?,
            article_hash: t(keys::ARTICLE_HASH)?,
            claims: t(keys::CLAIMS)?,
            speakers: t(keys::SPEAKERS)?,
            speaker_names: t(keys::SPEAKER_NAMES)?,
            speaker_claims: t(keys::SPEAKER_CLAIMS)?,
            corroborations: t(keys::CORROBORATIONS)?,
            fact_checks: t(keys::FACT_CHECKS)?,
            fact_check_keys: t(keys::FACT_CHECK_KEYS)?,
            claim_reviews: t(keys::CLAIM_REVIEWS)?,
            claim_fact_checks: t(keys::CLAIM_FACT_CHECKS)?,
            fact_check_claims: t(keys::FACT_CHECK_CLAIMS)?,
            fact_check_vectors: t(keys::FACT_CHECK_VECTORS)?,
            claim_vectors: t(keys::CLAIM_VECTORS)?,
            changes: t(keys::CHANGES)?,
            db,
            write: Mutex::new(()),
            dir: None,
        };
        match store.meta.get(keys::META_FORMAT).map_err(io)? {
            Some(v) if v.as_ref() == [codec::FORMAT] => {}
            Some(v) if !v.first().is_some_and(|f| codec::READS.contains(f)) => {
                return Err(StoreError::Version {
                    found: v.first().copied().unwrap_or(0),
                    expected: codec::FORMAT,
                })
            }
            // New, or an older format this build reads and will now write
            // compressed values into.
            _ => {
                store
                    .meta
                    .insert(keys::META_FORMAT, &[codec::FORMAT])
                    .map_err(io)?;
            }
        }
        changes::migrate_legacy_postings(&store)?;
        Ok(store)
    }

    pub(super) fn trees(&self) -> Trees<'_> {
        Trees {
            meta: &self.meta,
            articles: &self.articles,
            article_hash: &self.article_hash,
            claims: &self.claims,
            speakers: &self.speakers,
            speaker_names: &self.speaker_names,
            speaker_claims: &self.speaker_claims,
            corroborations: &self.corroborations,
            fact_checks: &self.fact_checks,
            fact_check_keys: &self.fact_check_keys,
            claim_reviews: &self.claim_reviews,
            claim_fact_checks: &self.claim_fact_checks,
            fact_check_claims: &self.fact_check_claims,
            fact_check_vectors: &self.fact_check_vectors,
            claim_vectors: &self.claim_vectors,
            changes: &self.changes,
        }
    }

    fn counters(&self) -> Result<Counters> {
        match self.meta.get(keys::META_COUNTERS).map_err(io)? {
            Some(v) => decode(&v),
            None => Ok(Counters::default()),
        }
    }

    fn get<T: for<'de> Deserialize<'de>>(tree: &::sled::Tree, key: &[u8]) -> Result<Option<T>> {
        tree.get(key).map_err(io)?.map(|v| decode(&v)).transpose()
    }

    fn word_ids(&self, prefix: &str) -> Result<Vec<SpeakerId>> {
        let mut ids = Vec::new();
        for kv in self
            .speaker_names
            .scan_prefix(keys::name_key(keys::WORD, prefix))
        {
            let (k, _) = kv.map_err(io)?;
            if let Some(id) = k
                .len()
                .checked_sub(8)
                .and_then(|p| keys::parse_u64(&k[p..]))
            {
                ids.push(SpeakerId(id));
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    fn ids_under(&self, key: &[u8]) -> Result<Vec<SpeakerId>> {
        Ok(ids_of(self.speaker_names.get(key).map_err(io)?)
            .into_iter()
            .map(SpeakerId)
            .collect())
    }
}

fn ids_of(v: Option<::sled::IVec>) -> Vec<u64> {
    v.map(|v| v.chunks_exact(8).filter_map(keys::parse_u64).collect())
        .unwrap_or_default()
}

fn add_id(tx: &TxTree, key: &[u8], id: SpeakerId) -> TxResult<()> {
    let mut ids = ids_of(tx.get(key)?);
    if !ids.contains(&id.0) {
        ids.push(id.0);
        let bytes: Vec<u8> = ids.iter().flat_map(|i| i.to_be_bytes()).collect();
        tx.insert(key, bytes)?;
    }
    Ok(())
}

fn tx_get<T: for<'de> Deserialize<'de>>(tx: &TxTree, key: &[u8]) -> TxResult<Option<T>> {
    match tx.get(key)? {
        Some(v) => decode(&v).map(Some).map_err(abort),
        None => Ok(None),
    }
}

/// A speaker's value and the names it is found under.
fn write_speaker(
    speakers: &TxTree,
    names: &TxTree,
    counters: &mut Counters,
    w: &SpeakerWrite,
) -> TxResult<()> {
    let s = &w.speaker;
    if s.id.0 > counters.next_speaker {
        if s.id.0 != counters.next_speaker + 1 {
            return Err(abort(StoreError::Conflict(format!(
                "new speaker {} is not the next id",
                s.id
            ))));
        }
        counters.next_speaker += 1;
        counters.speakers += 1;
    }
    speakers.insert(&keys::speaker(s.id), encode(s))?;
    for n in std::iter::once(&s.name).chain(s.aliases.iter()) {
        let norm = normalise_name(n);
        add_id(names, &keys::name_key(keys::NAME, &norm), s.id)?;
        for w in norm.split(' ') {
            names.insert(keys::word_key(w, s.id), &[][..])?;
        }
    }
    if let (SpeakerKind::Person, Some(surname)) = (s.kind, &w.surname) {
        add_id(names, &keys::name_key(keys::SURNAME, surname), s.id)?;
    }
    Ok(())
}

/// A search for plain words ruled out on a claim's JSON before parsing it:
/// JSON writes ASCII letters, digits and spaces as they are, so JSON whose
/// bytes, lower-cased, lack the words has a text that lacks them too. A
/// listing filtered by search then parses only the claims that may match.
struct RawSearch {
    /// The words, lower-cased.
    needle: Vec<u8>,
}

impl RawSearch {
    fn new(q: &str) -> Option<Self> {
        (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')).then(|| {
            RawSearch {
                needle: q.to_ascii_lowercase().into_bytes(),
            }
        })
    }

    /// Whether the bytes hold the words in any case: each place the first
    /// letter occurs (either case) is compared, the value is not copied.
    fn may_contain(&self, value: &[u8]) -> bool {
        let n = &self.needle;
        memchr::memchr2_iter(n[0], n[0].to_ascii_uppercase(), value).any(|i| {
            value
                .get(i..i + n.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(n))
        })
    }
}

impl Store for SledStore {
    fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        Self::get(&self.articles, &keys::article(id))
    }

    fn articles(&self, ids: &[ArticleId]) -> Result<Vec<Option<Article>>> {
        ids.iter().map(|&id| self.article(id)).collect()
    }

    fn list_articles(&self, after: Option<ArticleId>, limit: usize) -> Result<Vec<Article>> {
        let start = after.map(|a| a.0.saturating_add(1)).unwrap_or(0);
        if after.is_some_and(|a| a.0 == u64::MAX) {
            return Ok(Vec::new());
        }
        self.articles
            .range(start.to_be_bytes()..)
            .take(limit)
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn article_by_hash(&self, hash: &[u8; 16]) -> Result<Option<ArticleId>> {
        Ok(self
            .article_hash
            .get(hash)
            .map_err(io)?
            .and_then(|v| keys::parse_u64(&v))
            .map(ArticleId))
    }

    fn claim(&self, id: ClaimId) -> Result<Option<Claim>> {
        Self::get(&self.claims, &keys::claim(id))
    }

    fn claims(&self, ids: &[ClaimId]) -> Result<Vec<Option<Claim>>> {
        ids.iter().map(|&id| self.claim(id)).collect()
    }

    fn list_claims(
        &self,
        after: Option<ClaimId>,
        limit: usize,
        filter: &ClaimFilter,
    ) -> Result<Vec<Claim>> {
        let mut out = Vec::new();
        let after_key = after.map(keys::claim);
        if let Some(s) = filter.speaker {
            // Walk the speaker's index, not every claim.
            let prefix = keys::speaker(s);
            let start = match after {
                Some(a) => keys::speaker_claim(s, a).to_vec(),
                None => prefix.to_vec(),
            };
            for kv in self.speaker_claims.range(start..) {
                let (k, _) = kv.map_err(io)?;
                if !k.starts_with(&prefix) || out.len() >= limit {
                    break;
                }
                let Some(cid) = keys::parse_claim(&k[8..]) else {
                    continue;
                };
                if Some(cid) == after {
                    continue;
                }
                if let Some(c) = self.claim(cid)? {
                    if filter.matches(&c) {
                        out.push(c);
                    }
                }
            }
            return Ok(out);
        }
        let iter = match (filter.article, after_key) {
            (_, Some(k)) => self.claims.range(k.to_vec()..),
            (Some(a), None) => self.claims.range(keys::article(a).to_vec()..),
            (None, None) => self.claims.iter(),
        };
        let raw = filter.search.as_deref().and_then(RawSearch::new);
        for kv in iter {
            let (k, v) = kv.map_err(io)?;
            if after_key.as_ref().is_some_and(|a| a[..] == k[..]) {
                continue;
            }
            if let Some(a) = filter.article {
                if !k.starts_with(&keys::article(a)) {
                    break;
                }
            }
            // Compressed values are unpacked to check; parsing is what it saves.
            let json = codec::json(&v)?;
            if raw.as_ref().is_some_and(|r| !r.may_contain(&json)) {
                continue;
            }
            let c: Claim = codec::from_json(&json)?;
            if filter.matches(&c) {
                out.push(c);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn count_claims(&self, filter: &ClaimFilter) -> Result<u64> {
        if *filter == ClaimFilter::default() {
            return Ok(self.counters()?.claims);
        }
        if let Some(s) = filter.speaker {
            let only_speaker = ClaimFilter {
                speaker: Some(s),
                ..Default::default()
            };
            if *filter == only_speaker {
                return Ok(self.speaker_claims.scan_prefix(keys::speaker(s)).count() as u64);
            }
        }
        Ok(self.list_claims(None, usize::MAX, filter)?.len() as u64)
    }

    fn claims_of_article(&self, id: ArticleId) -> Result<Vec<Claim>> {
        self.claims
            .scan_prefix(keys::article(id))
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn speaker(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        Self::get(&self.speakers, &keys::speaker(id))
    }

    fn speakers(&self, ids: &[SpeakerId]) -> Result<Vec<Option<Speaker>>> {
        ids.iter().map(|&id| self.speaker(id)).collect()
    }

    fn list_speakers(
        &self,
        after: Option<SpeakerId>,
        limit: usize,
        search: Option<&str>,
    ) -> Result<Vec<Speaker>> {
        let after = after.map(|a| a.0).unwrap_or(0);
        match search.map(normalise_name).filter(|s| !s.is_empty()) {
            Some(q) => {
                // Every word of the query must start a word of the speaker's names.
                let mut sets = q.split(' ').map(|w| self.word_ids(w));
                let mut ids = sets.next().transpose()?.unwrap_or_default();
                for s in sets {
                    let s = s?;
                    ids.retain(|i| s.contains(i));
                }
                ids.into_iter()
                    .filter(|i| i.0 > after)
                    .take(limit)
                    .filter_map(|i| self.speaker(i).transpose())
                    .collect()
            }
            None => self
                .speakers
                .range((after + 1).to_be_bytes()..)
                .take(limit)
                .map(|kv| decode(&kv.map_err(io)?.1))
                .collect(),
        }
    }

    fn count_speakers(&self, search: Option<&str>) -> Result<u64> {
        match search {
            Some(_) => Ok(self.list_speakers(None, usize::MAX, search)?.len() as u64),
            None => Ok(self.counters()?.speakers),
        }
    }

    fn articles_of_speaker(&self, id: SpeakerId) -> Result<Vec<ArticleId>> {
        let mut out: Vec<ArticleId> = Vec::new();
        for kv in self.speaker_claims.scan_prefix(keys::speaker(id)) {
            let (k, _) = kv.map_err(io)?;
            if let Some(a) = keys::parse_u64(&k[8..]) {
                if out.last() != Some(&ArticleId(a)) {
                    out.push(ArticleId(a));
                }
            }
        }
        Ok(out)
    }

    fn stats(&self) -> Result<Stats> {
        let c = self.counters()?;
        Ok(Stats {
            articles: c.articles,
            claims: c.claims,
            speakers: c.speakers,
            fact_checks: c.fact_checks,
            corroborations: c.corroborations,
            claim_terms: c.claim_terms,
            fact_check_terms: c.fact_check_terms,
        })
    }

    fn fact_check(&self, id: FactCheckId) -> Result<Option<FactCheck>> {
        Self::get(&self.fact_checks, &keys::fact_check(id))
    }

    fn fact_checks(&self, ids: &[FactCheckId]) -> Result<Vec<Option<FactCheck>>> {
        ids.iter().map(|&id| self.fact_check(id)).collect()
    }

    fn fact_check_stored(&self, new: &NewFactCheck) -> Result<Option<FactCheckId>> {
        Ok(self
            .fact_check_keys
            .get(fact_check_identity(new))
            .map_err(io)?
            .and_then(|v| keys::parse_u64(&v))
            .map(FactCheckId))
    }

    fn list_fact_checks(&self, after: Option<FactCheckId>, limit: usize) -> Result<Vec<FactCheck>> {
        let after = after.map(|a| a.0).unwrap_or(0);
        if after == u64::MAX {
            return Ok(Vec::new());
        }
        self.fact_checks
            .range((after + 1).to_be_bytes()..)
            .take(limit)
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn reviews_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckId>> {
        self.claim_reviews
            .scan_prefix(keys::claim(claim))
            .map(|kv| {
                let (k, _) = kv.map_err(io)?;
                keys::parse_u64(&k[12..])
                    .map(FactCheckId)
                    .ok_or_else(|| StoreError::Corrupt("bad review key".into()))
            })
            .collect()
    }

    fn fact_checks_of_claim(&self, claim: ClaimId) -> Result<Vec<FactCheckMatch>> {
        self.claim_fact_checks
            .scan_prefix(keys::claim(claim))
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn claims_of_fact_check(&self, id: FactCheckId) -> Result<Vec<FactCheckMatch>> {
        self.fact_check_claims
            .scan_prefix(keys::fact_check(id))
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn speakers_named(&self, normalised: &str) -> Result<Vec<SpeakerId>> {
        self.ids_under(&keys::name_key(keys::NAME, normalised))
    }

    fn speakers_with_surname(&self, surname: &str) -> Result<Vec<SpeakerId>> {
        self.ids_under(&keys::name_key(keys::SURNAME, surname))
    }

    fn next_ids(&self) -> Result<NextIds> {
        let c = self.counters()?;
        Ok(NextIds {
            article: ArticleId(c.next_article + 1),
            speaker: SpeakerId(c.next_speaker + 1),
            fact_check: FactCheckId(c.next_fact_check + 1),
        })
    }

    fn corroborations(&self, claim: ClaimId) -> Result<Vec<Corroboration>> {
        self.corroborations
            .scan_prefix(keys::claim(claim))
            .map(|kv| {
                let (k, v) = kv.map_err(io)?;
                if !v.is_empty() {
                    return decode(&v);
                }
                // A reference: the link is held under the other claim.
                let other = keys::parse_claim(&k[12..])
                    .ok_or_else(|| StoreError::Corrupt(format!("link key {k:?}")))?;
                let held = self
                    .corroborations
                    .get(keys::edge(other, claim))
                    .map_err(io)?
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("link {claim} -> {other} without its record"))
                    })?;
                Ok(Corroboration {
                    claim: other,
                    ..decode(&held)?
                })
            })
            .collect()
    }

    fn claim_vectors(
        &self,
        after: Option<ClaimId>,
        limit: usize,
    ) -> Result<Vec<(ClaimId, Vec<i8>, f32)>> {
        let range = match after {
            Some(c) => self.claim_vectors.range((
                std::ops::Bound::Excluded(keys::claim(c)),
                std::ops::Bound::Unbounded,
            )),
            None => self.claim_vectors.iter(),
        };
        range
            .take(limit)
            .map(|kv| {
                let (k, v) = kv.map_err(io)?;
                let claim = keys::parse_claim(&k)
                    .ok_or_else(|| StoreError::Corrupt("bad claim vector key".into()))?;
                let (codes, scale) = codec::decode_int8_codes(&v)?;
                Ok((claim, codes, scale))
            })
            .collect()
    }

    fn commit_article(&self, w: &ArticleWrite) -> Result<Outcome<ArticleId>> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let trees = [
            self.meta.clone(),
            self.articles.clone(),
            self.article_hash.clone(),
            self.claims.clone(),
            self.speakers.clone(),
            self.speaker_names.clone(),
            self.speaker_claims.clone(),
            self.corroborations.clone(),
            self.claim_fact_checks.clone(),
            self.fact_check_claims.clone(),
            self.changes.clone(),
            self.claim_vectors.clone(),
        ];
        let a = &w.article;
        if let Some((o, _)) = w
            .vectors
            .iter()
            .find(|(o, _)| !w.claims.iter().any(|c| c.id.ordinal == *o))
        {
            return Err(StoreError::Conflict(format!(
                "an embedding for claim {o} of article {}, which it does not have",
                a.id
            )));
        }
        let vectors: Vec<([u8; 12], Vec<u8>)> = w
            .vectors
            .iter()
            .map(|(ordinal, v)| {
                let id = ClaimId {
                    article: a.id,
                    ordinal: *ordinal,
                };
                (keys::claim(id), codec::encode_int8_vector(v))
            })
            .collect();
        let record = changes::article_record(a.id, &w.terms);
        committed(trees[..].transaction(|t: &Vec<TxTree>| {
            if let Some(v) = t[T_HASH].get(a.content_hash)? {
                let id = keys::parse_u64(&v)
                    .ok_or_else(|| abort(StoreError::Corrupt("bad hash index value".into())))?;
                return Ok(Outcome::Existing(ArticleId(id)));
            }
            let mut counters: Counters =
                tx_get(&t[T_META], keys::META_COUNTERS)?.unwrap_or_default();
            if a.id.0 != counters.next_article + 1 {
                return Err(abort(StoreError::Conflict(format!(
                    "article {} is not the next id",
                    a.id
                ))));
            }
            counters.next_article += 1;
            counters.articles += 1;
            for s in &w.speakers {
                write_speaker(&t[T_SPEAKERS], &t[T_NAMES], &mut counters, s)?;
            }
            for c in &w.claims {
                if c.id.article != a.id {
                    return Err(abort(StoreError::Conflict(format!(
                        "claim {} is not of article {}",
                        c.id, a.id
                    ))));
                }
                t[T_CLAIMS].insert(&keys::claim(c.id), encode(c))?;
                for &s in &c.speakers {
                    t[T_SPK_CLAIMS].insert(&keys::speaker_claim(s, c.id), &[][..])?;
                }
            }
            counters.claims += w.claims.len() as u64;
            for (key, v) in &vectors {
                t[T_VECTORS].insert(&key[..], v.as_slice())?;
            }
            counters.claim_terms += w
                .terms
                .iter()
                .flat_map(|c| &c.terms)
                .map(|(_, tf)| u64::from(*tf))
                .sum::<u64>();
            for (ordinal, edge) in &w.links {
                let from = ClaimId {
                    article: a.id,
                    ordinal: *ordinal,
                };
                t[T_EDGES].insert(&keys::edge(from, edge.claim), encode(edge))?;
                t[T_EDGES].insert(&keys::edge(edge.claim, from), &[][..])?;
            }
            counters.corroborations += w.links.len() as u64;
            for m in &w.fact_check_matches {
                let v = encode(m);
                t[T_CLAIM_FCS].insert(
                    &keys::claim_fact_check(m.claim, m.fact_check)[..],
                    v.clone(),
                )?;
                t[T_FC_CLAIMS].insert(&keys::fact_check_claim(m.fact_check, m.claim)[..], v)?;
            }
            t[T_ARTICLES].insert(&keys::article(a.id), encode(a))?;
            t[T_HASH].insert(&a.content_hash, &keys::article(a.id))?;
            t[T_CHANGES].insert(&counters.seq().to_be_bytes(), record.as_slice())?;
            t[T_META].insert(keys::META_COUNTERS, encode(&counters))?;
            Ok(Outcome::Created {
                seq: counters.seq(),
            })
        }))
    }

    fn commit_embeddings(&self, w: &EmbeddingWrite) -> Result<Outcome<ArticleId>> {
        if w.vectors.is_empty() && w.links.is_empty() && w.unlinks.is_empty() {
            return Ok(Outcome::Existing(w.article));
        }
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let trees = [
            self.meta.clone(),
            self.articles.clone(),
            self.claims.clone(),
            self.corroborations.clone(),
            self.changes.clone(),
            self.claim_vectors.clone(),
        ];
        let claim = |ordinal| ClaimId {
            article: w.article,
            ordinal,
        };
        let vectors: Vec<(ClaimId, Vec<u8>)> = w
            .vectors
            .iter()
            .map(|(o, v)| {
                let v = codec::encode_int8_vector_tagged(v, codec::INT8_LATER);
                (claim(*o), v)
            })
            .collect();
        let record = changes::embedded_record(w.article);
        committed(trees[..].transaction(|t: &Vec<TxTree>| {
            if t[1].get(keys::article(w.article))?.is_none() {
                return Err(abort(StoreError::NotFound(format!(
                    "article {}",
                    w.article
                ))));
            }
            for (id, v) in &vectors {
                let key = keys::claim(*id);
                if t[2].get(key)?.is_none() {
                    return Err(abort(StoreError::NotFound(format!("claim {id}"))));
                }
                if t[5].insert(&key[..], v.as_slice())?.is_some() {
                    return Err(abort(StoreError::Conflict(format!(
                        "claim {id} has an embedding already"
                    ))));
                }
            }
            let mut counters: Counters = tx_get(&t[0], keys::META_COUNTERS)?.unwrap_or_default();
            for (ordinal, edge) in &w.links {
                let from = claim(*ordinal);
                if t[2].get(keys::claim(from))?.is_none() {
                    return Err(abort(StoreError::NotFound(format!("claim {from}"))));
                }
                if t[2].get(keys::claim(edge.claim))?.is_none() {
                    return Err(abort(StoreError::NotFound(format!("claim {}", edge.claim))));
                }
                if from == edge.claim {
                    return Err(abort(StoreError::Conflict(format!(
                        "claim {from} linked to itself"
                    ))));
                }
                t[3].insert(&keys::edge(edge.claim, from), &[][..])?;
                if t[3]
                    .insert(&keys::edge(from, edge.claim), encode(edge))?
                    .is_none()
                {
                    counters.corroborations += 1;
                }
            }
            for (ordinal, other) in &w.unlinks {
                let from = claim(*ordinal);
                if t[3].remove(&keys::edge(from, *other)[..])?.is_some() {
                    t[3].remove(&keys::edge(*other, from)[..])?;
                    counters.corroborations -= 1;
                }
            }
            counters.embeddings += 1;
            t[4].insert(&counters.seq().to_be_bytes(), record.as_slice())?;
            t[0].insert(keys::META_COUNTERS, encode(&counters))?;
            Ok(Outcome::Created {
                seq: counters.seq(),
            })
        }))
    }

    fn commit_fact_check(&self, w: &FactCheckWrite) -> Result<Outcome<FactCheckId>> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let fc = &w.fact_check;
        let dedup = fact_check_identity(&fc.details);
        let trees = [
            self.meta.clone(),
            self.fact_checks.clone(),
            self.fact_check_keys.clone(),
            self.claim_reviews.clone(),
            self.claim_fact_checks.clone(),
            self.fact_check_claims.clone(),
            self.fact_check_vectors.clone(),
            self.changes.clone(),
            self.claims.clone(),
        ];
        let record = changes::fact_check_record(fc.id, &w.terms, w.length);
        committed(trees[..].transaction(|t: &Vec<TxTree>| {
            if let Some(v) = t[2].get(dedup.as_slice())? {
                let id = keys::parse_u64(&v)
                    .ok_or_else(|| abort(StoreError::Corrupt("bad fact-check key value".into())))?;
                return Ok(Outcome::Existing(FactCheckId(id)));
            }
            if let Some(c) = fc.details.claim {
                if t[8].get(keys::claim(c))?.is_none() {
                    return Err(abort(StoreError::NotFound(format!("claim {c}"))));
                }
            }
            let mut counters: Counters = tx_get(&t[0], keys::META_COUNTERS)?.unwrap_or_default();
            if fc.id.0 != counters.next_fact_check + 1 {
                return Err(abort(StoreError::Conflict(format!(
                    "fact-check {} is not the next id",
                    fc.id
                ))));
            }
            counters.next_fact_check += 1;
            counters.fact_checks += 1;
            t[1].insert(&keys::fact_check(fc.id), encode(fc))?;
            t[2].insert(dedup.as_slice(), &keys::fact_check(fc.id))?;
            counters.fact_check_terms += u64::from(w.length);
            if let Some(c) = fc.details.claim {
                t[3].insert(&keys::claim_fact_check(c, fc.id)[..], &[][..])?;
            }
            for m in &w.matches {
                let v = encode(m);
                t[4].insert(&keys::claim_fact_check(m.claim, fc.id)[..], v.clone())?;
                t[5].insert(&keys::fact_check_claim(fc.id, m.claim)[..], v)?;
            }
            if let Some(v) = &w.vector {
                t[6].insert(&keys::fact_check(fc.id), codec::encode_vector(v))?;
            }
            t[7].insert(&counters.seq().to_be_bytes(), record.as_slice())?;
            t[0].insert(keys::META_COUNTERS, encode(&counters))?;
            Ok(Outcome::Created {
                seq: counters.seq(),
            })
        }))
    }

    fn last_seq(&self) -> Result<u64> {
        Ok(self.counters()?.seq())
    }

    fn changes_since(&self, seq: u64, limit: usize) -> Result<Vec<Change>> {
        changes::read(self, seq, limit)
    }

    fn verify_with(&self, progress: &dyn Fn(&'static str, u64)) -> Result<Report> {
        maintenance::verify(self, progress)
    }

    fn export(&self, out: &mut dyn std::io::Write) -> Result<u64> {
        maintenance::export(self, out)
    }

    fn import(&self, input: &mut dyn std::io::BufRead) -> Result<u64> {
        maintenance::import(self, input)
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(io)
    }

    fn local_dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::compact::{sibling, COPY, OLD};
    use super::SledStore;
    use crate::store::conformance::Backend;
    use crate::store::Store;
    use std::any::Any;
    use std::sync::Arc;

    /// Stores in temporary directories, reopened from the same directory.
    struct Sled;

    impl Backend for Sled {
        fn fresh(&self) -> (Arc<dyn Store>, Box<dyn Any>) {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let store = SledStore::open(dir.path()).expect("a new store");
            (Arc::new(store), Box::new(dir))
        }

        fn reopen(&self, store: Arc<dyn Store>, keep: &dyn Any) -> Arc<dyn Store> {
            drop(store);
            let dir = keep
                .downcast_ref::<tempfile::TempDir>()
                .expect("the store's directory");
            // sled's threads may hold the file lock a moment after the
            // last handle is dropped (seen once in CI: `Locked`).
            Arc::new(crate::store::when_unlocked(|| SledStore::open(dir.path())))
        }
    }

    crate::store::conformance::conformance_suite!(Sled);

    #[test]
    fn a_store_sled_compressed_by_an_older_build_opens_and_takes_new_values() {
        use super::keys;
        use crate::store::conformance::{first_article, second_article};
        let dir = tempfile::tempdir().unwrap();
        {
            // What builds before per-value compression wrote: format 1,
            // pages compressed by sled.
            let db = ::sled::Config::new()
                .path(dir.path())
                .use_compression(true)
                .open()
                .unwrap();
            db.open_tree(keys::META)
                .unwrap()
                .insert(keys::META_FORMAT, &[1])
                .unwrap();
            db.flush().unwrap();
        }
        assert!(super::Layout::of(dir.path()).compressed);
        {
            let s = crate::store::when_unlocked(|| SledStore::open(dir.path()));
            s.commit_article(&first_article()).unwrap();
            s.commit_article(&second_article()).unwrap();
            // Marked as holding compressed values, so older builds refuse it.
            assert_eq!(
                s.meta.get(keys::META_FORMAT).unwrap().unwrap().as_ref(),
                [super::codec::FORMAT]
            );
        }
        let s = crate::store::when_unlocked(|| SledStore::open(dir.path()));
        assert!(s.verify().unwrap().is_ok());
        assert!(s
            .articles
            .iter()
            .values()
            .any(|v| v.unwrap()[0] == super::codec::ZSTD));
        // A new store leaves pages to the values' own compression.
        let new = tempfile::tempdir().unwrap();
        drop(SledStore::open(new.path()).unwrap());
        assert_eq!(super::Layout::of(new.path()), super::Layout::NEW);
        // Opens again once the handle dropped has let go of its lock.
        drop(crate::store::when_unlocked(|| SledStore::open(new.path())));
    }

    #[test]
    fn a_store_with_older_smaller_segments_opens_as_it_is_and_compaction_moves_it_to_todays() {
        use crate::store::conformance::{first_article, second_article};
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("store");
        let old = 512 * 1024;
        assert_ne!(old, super::SEGMENT_BYTES);
        {
            // What builds before `SEGMENT_BYTES` created: sled's default.
            let s = SledStore::from_db(
                ::sled::Config::new()
                    .path(&dir)
                    .segment_size(old)
                    .open()
                    .unwrap(),
            )
            .unwrap();
            s.commit_article(&first_article()).unwrap();
            s.db.flush().unwrap();
        }
        assert_eq!(super::Layout::of(&dir).segment_size, old);
        {
            // sled refuses another segment size on a store: it keeps its own.
            let s = crate::store::when_unlocked(|| SledStore::open(&dir));
            s.commit_article(&second_article()).unwrap();
            leave_garbage(&s);
        }
        assert_eq!(super::Layout::of(&dir).segment_size, old);
        assert!(compact(&dir).replaced());
        assert_eq!(super::Layout::of(&dir), super::Layout::NEW);
        let s = crate::store::when_unlocked(|| SledStore::open(&dir));
        assert!(s.verify().unwrap().is_ok());
        assert_eq!(s.stats().unwrap().articles, 2);
    }

    #[test]
    fn a_compaction_whose_copy_is_no_smaller_leaves_the_store_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("store");
        let before = two_articles(&dir, false);
        // Two articles fill a fraction of one segment, which the copy takes whole too.
        let done = compact(&dir);
        assert!(!done.replaced(), "{done:?}");
        assert_eq!(done.after, done.before);
        assert!(!sibling(&dir, COPY).exists());
        assert!(!sibling(&dir, OLD).exists());
        let s = crate::store::reopen(&dir);
        assert!(s.verify().unwrap().is_ok());
        let mut after = Vec::new();
        s.export(&mut after).unwrap();
        assert!(after == before, "the store changed");
    }

    /// A store in `dir` holding the conformance suite's two articles, with
    /// `garbage` in its log or not; returns its export.
    fn two_articles(dir: &std::path::Path, garbage: bool) -> Vec<u8> {
        use crate::store::conformance::{first_article, second_article};
        let s = SledStore::open(dir).unwrap();
        s.commit_article(&first_article()).unwrap();
        s.commit_article(&second_article()).unwrap();
        if garbage {
            leave_garbage(&s);
        } else {
            s.db.flush().unwrap();
        }
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        out
    }

    /// Garbage in the store's log, for a compaction to take out: a value
    /// rewritten many times over, then removed.
    fn leave_garbage(s: &SledStore) {
        for i in 0..2_000u32 {
            s.meta
                .insert(b"scratch", vec![(i % 251) as u8; 2_000])
                .unwrap();
        }
        s.meta.remove(b"scratch").unwrap();
        s.db.flush().unwrap();
    }

    /// Compact the store in `dir` once the handles dropped before have let
    /// go of its lock.
    fn compact(dir: &std::path::Path) -> super::compact::Compaction {
        crate::store::when_unlocked(|| super::compact::compact(dir, &|_| {}))
    }

    #[test]
    fn compaction_keeps_every_entry_and_the_files_beside_the_store_and_shrinks_a_rewritten_log() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("store");
        let before = two_articles(&dir, true);
        std::fs::write(dir.join("derived.snapshot"), b"kept as it is").unwrap();
        let done = compact(&dir);
        assert!(done.entries > 10, "{done:?}");
        assert!(done.replaced(), "{done:?}");
        assert!(!sibling(&dir, COPY).exists());
        assert!(!sibling(&dir, OLD).exists());
        assert_eq!(
            std::fs::read(dir.join("derived.snapshot")).unwrap(),
            b"kept as it is"
        );
        let s = crate::store::reopen(&dir);
        assert!(s.verify().unwrap().is_ok());
        let mut after = Vec::new();
        s.export(&mut after).unwrap();
        assert_eq!(
            String::from_utf8(after).unwrap(),
            String::from_utf8(before).unwrap()
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_a_compaction_renames_in_is_flushed_and_a_missing_one_is_an_error() {
        use super::compact::{parent, sync_dir};
        let root = tempfile::tempdir().unwrap();
        assert_eq!(parent(&root.path().join("store")), root.path());
        assert!(sync_dir(parent(&root.path().join("store"))).is_ok());
        // A bare name lives in the working directory.
        assert_eq!(
            parent(std::path::Path::new("store")),
            std::path::Path::new(".")
        );
        assert!(sync_dir(parent(std::path::Path::new("store"))).is_ok());
        let err = sync_dir(&root.path().join("gone")).unwrap_err();
        assert!(err.to_string().contains("syncing"), "{err}");
    }

    #[test]
    fn a_compaction_cut_short_leaves_the_store_whole() {
        use crate::store::conformance::first_article;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("store");
        {
            let s = SledStore::open(&dir).unwrap();
            s.commit_article(&first_article()).unwrap();
        }
        // Stopped while copying: a partial copy beside the store is removed
        // by the next compaction, and the store is untouched meanwhile.
        let partial = sibling(&dir, COPY);
        std::fs::create_dir(&partial).unwrap();
        std::fs::write(partial.join("db"), b"half a log").unwrap();
        assert_eq!(crate::store::reopen(&dir).stats().unwrap().articles, 1);
        compact(&dir);
        assert!(!partial.exists());
        // Stopped between the two renames: the next open puts the store back.
        std::fs::rename(&dir, sibling(&dir, OLD)).unwrap();
        assert_eq!(crate::store::reopen(&dir).stats().unwrap().articles, 1);
        assert!(!sibling(&dir, OLD).exists());
    }

    #[test]
    fn a_store_of_a_format_this_build_does_not_know_is_refused() {
        use super::keys;
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path()).unwrap();
            s.meta.insert(keys::META_FORMAT, &[9]).unwrap();
            s.db.flush().unwrap();
        }
        // Once the handle dropped has let go of its lock.
        let refused = (0..50).map(|_| SledStore::open(dir.path())).find(|r| {
            let locked = matches!(r, Err(crate::store::StoreError::Locked(_)));
            if locked {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            !locked
        });
        assert!(matches!(
            refused,
            Some(Err(crate::store::StoreError::Version { found: 9, .. }))
        ));
    }

    #[test]
    fn a_link_is_held_once_and_links_held_both_ways_by_older_builds_read_alike() {
        use super::codec::encode;
        use super::keys;
        use crate::domain::{ArticleId, ClaimId, Corroboration};
        use crate::store::conformance::{first_article, second_article};
        let cid = |a, o| ClaimId {
            article: ArticleId(a),
            ordinal: o,
        };
        let s = SledStore::temporary().unwrap();
        s.commit_article(&first_article()).unwrap();
        s.commit_article(&second_article()).unwrap();
        // Held under the claim that made it (the newer), referenced from the other.
        let held = s
            .corroborations
            .get(keys::edge(cid(2, 0), cid(1, 0)))
            .unwrap();
        assert!(held.is_some_and(|v| !v.is_empty()));
        let reference = s
            .corroborations
            .get(keys::edge(cid(1, 0), cid(2, 0)))
            .unwrap();
        assert_eq!(reference.as_deref(), Some(&[][..]));
        let (forward, back) = (
            s.corroborations(cid(2, 0)).unwrap(),
            s.corroborations(cid(1, 0)).unwrap(),
        );
        // What builds before references wrote: the link in full both ways.
        let full = Corroboration {
            claim: cid(2, 0),
            ..forward[0].clone()
        };
        s.corroborations
            .insert(keys::edge(cid(1, 0), cid(2, 0)), encode(&full))
            .unwrap();
        assert_eq!(s.corroborations(cid(1, 0)).unwrap(), back);
        assert_eq!(s.corroborations(cid(2, 0)).unwrap(), forward);
        assert!(s.verify().unwrap().is_ok());
        // A reference whose link is gone is corrupt, not an empty list.
        s.corroborations
            .insert(keys::edge(cid(1, 0), cid(2, 0)), &[][..])
            .unwrap();
        s.corroborations
            .remove(keys::edge(cid(2, 0), cid(1, 0)))
            .unwrap();
        assert!(matches!(
            s.corroborations(cid(1, 0)),
            Err(crate::store::StoreError::Corrupt(_))
        ));
        let r = s.verify().unwrap();
        assert!(r
            .violations
            .contains_key("links are stored both ways alike"));
    }

    #[test]
    fn verify_finds_a_link_kept_one_way_and_a_speaker_index_out_of_step() {
        use super::keys;
        use crate::domain::{ArticleId, ClaimId, SpeakerId};
        use crate::store::conformance::{first_article, second_article};
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path()).unwrap();
        s.commit_article(&first_article()).unwrap();
        s.commit_article(&second_article()).unwrap();
        assert!(s.verify().unwrap().is_ok());
        let broken = |s: &SledStore| {
            let r = s.verify().unwrap();
            r.violations.keys().copied().collect::<Vec<_>>()
        };
        // One direction of the link gone.
        let (k, v) = s.corroborations.first().unwrap().unwrap();
        s.corroborations.remove(&k).unwrap();
        assert!(broken(&s).contains(&"links are stored both ways alike"));
        s.corroborations.insert(k, v).unwrap();
        assert!(s.verify().unwrap().is_ok());
        // An entry for a pair no claim has: counted, though every real pair is there.
        let claim = ClaimId {
            article: ArticleId(1),
            ordinal: 0,
        };
        let extra = keys::speaker_claim(SpeakerId(999), claim);
        s.speaker_claims.insert(extra, &[]).unwrap();
        assert!(broken(&s).contains(&"speaker index entries match claims"));
        s.speaker_claims.remove(extra).unwrap();
        // A real pair missing.
        let (k, _) = s.speaker_claims.first().unwrap().unwrap();
        s.speaker_claims.remove(&k).unwrap();
        assert!(broken(&s).contains(&"every claim is in its speakers' index"));
    }
}
