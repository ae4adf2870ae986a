//! The sled implementation of `Store`.

use super::codec::{decode, encode};
use super::keys;
use super::{
    ClaimFilter, Derived, FactCheckInserted, Ingested, Linker, Posting, Result, Stats, Store,
    StoreError,
};
use crate::domain::{
    normalise_name, normalise_whitespace, Article, ArticleId, Attribution, Claim, ClaimId,
    Corroboration, FactCheck, FactCheckId, FactCheckMatch, NewArticle, NewFactCheck, Speaker,
    SpeakerId, SpeakerKind,
};
use crate::extract::speakers::{edit_distance, surname_of as surname};
use crate::extract::{Extraction, LocalSpeaker};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sled::transaction::{ConflictableTransactionError as TxError, TransactionalTree as TxTree};
use sled::Transactional;
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
}

/// The trees by name, for whole-store maintenance.
pub(super) struct Trees<'a> {
    pub meta: &'a sled::Tree,
    pub articles: &'a sled::Tree,
    pub article_hash: &'a sled::Tree,
    pub claims: &'a sled::Tree,
    pub speakers: &'a sled::Tree,
    pub speaker_names: &'a sled::Tree,
    pub speaker_claims: &'a sled::Tree,
    pub claim_terms: &'a sled::Tree,
    pub corroborations: &'a sled::Tree,
    pub fact_checks: &'a sled::Tree,
    pub fact_check_keys: &'a sled::Tree,
    pub fact_check_terms: &'a sled::Tree,
    pub claim_reviews: &'a sled::Tree,
    pub claim_fact_checks: &'a sled::Tree,
    pub fact_check_claims: &'a sled::Tree,
    pub fact_check_vectors: &'a sled::Tree,
}

impl Trees<'_> {
    pub fn all(&self) -> Vec<(&'static str, sled::Tree)> {
        vec![
            (keys::META, self.meta.clone()),
            (keys::ARTICLES, self.articles.clone()),
            (keys::ARTICLE_HASH, self.article_hash.clone()),
            (keys::CLAIMS, self.claims.clone()),
            (keys::SPEAKERS, self.speakers.clone()),
            (keys::SPEAKER_NAMES, self.speaker_names.clone()),
            (keys::SPEAKER_CLAIMS, self.speaker_claims.clone()),
            (keys::CLAIM_TERMS, self.claim_terms.clone()),
            (keys::CORROBORATIONS, self.corroborations.clone()),
            (keys::FACT_CHECKS, self.fact_checks.clone()),
            (keys::FACT_CHECK_KEYS, self.fact_check_keys.clone()),
            (keys::FACT_CHECK_TERMS, self.fact_check_terms.clone()),
            (keys::CLAIM_REVIEWS, self.claim_reviews.clone()),
            (keys::CLAIM_FACT_CHECKS, self.claim_fact_checks.clone()),
            (keys::FACT_CHECK_CLAIMS, self.fact_check_claims.clone()),
            (keys::FACT_CHECK_VECTORS, self.fact_check_vectors.clone()),
        ]
    }
}

/// A posting's value: the term's count and the text's length, u16 BE each.
/// Empty in stores written before they were recorded: read as one and unknown.
fn posting_value(tf: u16, len: u16) -> [u8; 4] {
    let mut v = [0u8; 4];
    v[..2].copy_from_slice(&tf.to_be_bytes());
    v[2..].copy_from_slice(&len.to_be_bytes());
    v
}

fn parse_posting_value(v: &[u8]) -> (u16, u16) {
    match v {
        [a, b, c, d] => (u16::from_be_bytes([*a, *b]), u16::from_be_bytes([*c, *d])),
        _ => (1, 0),
    }
}

pub struct SledStore {
    db: sled::Db,
    meta: sled::Tree,
    articles: sled::Tree,
    article_hash: sled::Tree,
    claims: sled::Tree,
    speakers: sled::Tree,
    speaker_names: sled::Tree,
    speaker_claims: sled::Tree,
    claim_terms: sled::Tree,
    corroborations: sled::Tree,
    fact_checks: sled::Tree,
    fact_check_keys: sled::Tree,
    fact_check_terms: sled::Tree,
    claim_reviews: sled::Tree,
    claim_fact_checks: sled::Tree,
    fact_check_claims: sled::Tree,
    fact_check_vectors: sled::Tree,
    terms_mem: super::memindex::MemIndex<ClaimId>,
    fact_check_terms_mem: super::memindex::MemIndex<FactCheckId>,
    fact_check_vectors_mem: super::vecindex::VecIndex,
    features: super::DerivedCache<Derived, std::sync::Arc<crate::corroborate::Features>>,
    generation: std::sync::atomic::AtomicU64,
    /// One writer at a time: ingests never conflict and never retry.
    write: Mutex<()>,
}

fn io(e: sled::Error) -> StoreError {
    StoreError::Io(e.to_string())
}

// Positions of the trees in a transaction's view.
const T_META: usize = 0;
const T_ARTICLES: usize = 1;
const T_HASH: usize = 2;
const T_CLAIMS: usize = 3;
const T_SPEAKERS: usize = 4;
const T_NAMES: usize = 5;
const T_SPK_CLAIMS: usize = 6;
const T_TERMS: usize = 7;
const T_EDGES: usize = 8;
const T_CLAIM_FCS: usize = 9;
const T_FC_CLAIMS: usize = 10;

/// Where a fact-check's dedup key comes from: its url when it has one
/// (a fact-checker publishes one page per check), else its content.
fn fact_check_key(new: &NewFactCheck) -> Vec<u8> {
    match &new.url {
        Some(u) => {
            let mut k = vec![b'u'];
            k.extend_from_slice(u.as_bytes());
            k
        }
        None => {
            let mut h = Sha256::new();
            h.update(normalise_whitespace(&new.claim_reviewed).as_bytes());
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
            h.update(new.claim.map(keys::claim).unwrap_or_default());
            let mut k = vec![b'h'];
            k.extend_from_slice(&h.finalize()[..16]);
            k
        }
    }
}

/// Stored claims whose match features are kept in memory, per generation of
/// the cache (about 4 KB each; two generations).
const FEATURE_CACHE: usize = 8_000;
/// sled's page cache (its default is 1 GiB): bounds the server's memory as
/// the store grows; the hot postings live in the in-memory mirror anyway.
const SLED_CACHE_BYTES: u64 = 64 * 1024 * 1024;

type TxResult<T> = std::result::Result<T, TxError<StoreError>>;

fn abort(e: StoreError) -> TxError<StoreError> {
    TxError::Abort(e)
}

impl SledStore {
    /// Open (or create) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(SLED_CACHE_BYTES)
            .open()
            .map_err(|e| match &e {
                sled::Error::Io(ioe)
                    if ioe.kind() == std::io::ErrorKind::WouldBlock
                        || ioe.to_string().contains("lock") =>
                {
                    StoreError::Locked(dir.display().to_string())
                }
                _ => io(e),
            })?;
        Self::from_db(db)
    }

    /// A store that lives in memory and disappears on drop (tests, benchmarks).
    pub fn temporary() -> Result<Self> {
        Self::from_db(sled::Config::new().temporary(true).open().map_err(io)?)
    }

    fn from_db(db: sled::Db) -> Result<Self> {
        let t = |name: &str| db.open_tree(name).map_err(io);
        let store = SledStore {
            meta: t(keys::META)?,
            articles: t(keys::ARTICLES)?,
            article_hash: t(keys::ARTICLE_HASH)?,
            claims: t(keys::CLAIMS)?,
            speakers: t(keys::SPEAKERS)?,
            speaker_names: t(keys::SPEAKER_NAMES)?,
            speaker_claims: t(keys::SPEAKER_CLAIMS)?,
            claim_terms: t(keys::CLAIM_TERMS)?,
            corroborations: t(keys::CORROBORATIONS)?,
            fact_checks: t(keys::FACT_CHECKS)?,
            fact_check_keys: t(keys::FACT_CHECK_KEYS)?,
            fact_check_terms: t(keys::FACT_CHECK_TERMS)?,
            claim_reviews: t(keys::CLAIM_REVIEWS)?,
            claim_fact_checks: t(keys::CLAIM_FACT_CHECKS)?,
            fact_check_claims: t(keys::FACT_CHECK_CLAIMS)?,
            fact_check_vectors: t(keys::FACT_CHECK_VECTORS)?,
            db,
            write: Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
            terms_mem: Default::default(),
            fact_check_terms_mem: Default::default(),
            fact_check_vectors_mem: Default::default(),
            features: super::DerivedCache::new(FEATURE_CACHE),
        };
        match store.meta.get(keys::META_FORMAT).map_err(io)? {
            None => {
                store
                    .meta
                    .insert(keys::META_FORMAT, &[super::codec::VERSION])
                    .map_err(io)?;
            }
            Some(v) if v.as_ref() == [super::codec::VERSION] => {}
            Some(v) => {
                return Err(StoreError::Version {
                    found: v.first().copied().unwrap_or(0),
                    expected: super::codec::VERSION,
                })
            }
        }
        store.load_mirrors()?;
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
            claim_terms: &self.claim_terms,
            corroborations: &self.corroborations,
            fact_checks: &self.fact_checks,
            fact_check_keys: &self.fact_check_keys,
            fact_check_terms: &self.fact_check_terms,
            claim_reviews: &self.claim_reviews,
            claim_fact_checks: &self.claim_fact_checks,
            fact_check_claims: &self.fact_check_claims,
            fact_check_vectors: &self.fact_check_vectors,
        }
    }

    /// Flush, then reload what is mirrored in memory (after a bulk load).
    pub(super) fn flush_all(&self) -> Result<()> {
        self.db.flush().map_err(io)?;
        self.load_mirrors()?;
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Fill the in-memory postings and vector index from their trees.
    fn load_mirrors(&self) -> Result<()> {
        let mut batch = Vec::new();
        for kv in self.claim_terms.iter() {
            let (k, v) = kv.map_err(io)?;
            // term ++ 0 ++ claim key (12 bytes): the claim key may hold zeros itself.
            let Some(z) = k.len().checked_sub(13).filter(|&z| k[z] == 0) else {
                return Err(StoreError::Corrupt("bad posting key".into()));
            };
            let id = keys::parse_claim(&k[z + 1..])
                .ok_or_else(|| StoreError::Corrupt("bad posting key".into()))?;
            let (tf, len) = parse_posting_value(&v);
            let term = String::from_utf8_lossy(&k[..z]).into_owned();
            batch.push((term, Posting { id, tf, len }));
        }
        let last = self
            .articles
            .last()
            .map_err(io)?
            .and_then(|(k, _)| keys::parse_u64(&k));
        self.terms_mem.extend_through(batch, last);
        let mut batch = Vec::new();
        for kv in self.fact_check_terms.iter() {
            let (k, v) = kv.map_err(io)?;
            let Some(z) = k.len().checked_sub(9).filter(|&z| k[z] == 0) else {
                return Err(StoreError::Corrupt("bad fact-check posting key".into()));
            };
            let id = keys::parse_u64(&k[z + 1..])
                .map(FactCheckId)
                .ok_or_else(|| StoreError::Corrupt("bad fact-check posting key".into()))?;
            let (tf, len) = parse_posting_value(&v);
            let term = String::from_utf8_lossy(&k[..z]).into_owned();
            batch.push((term, Posting { id, tf, len }));
        }
        self.fact_check_terms_mem.extend(batch);
        let mut vectors = Vec::new();
        for kv in self.fact_check_vectors.iter() {
            let (k, v) = kv.map_err(io)?;
            let id = keys::parse_u64(&k)
                .ok_or_else(|| StoreError::Corrupt("bad fact-check vector key".into()))?;
            vectors.push((id, super::codec::decode_vector(&v)?));
        }
        self.fact_check_vectors_mem.extend(vectors);
        Ok(())
    }

    fn counters(&self) -> Result<Counters> {
        match self.meta.get(keys::META_COUNTERS).map_err(io)? {
            Some(v) => decode(&v),
            None => Ok(Counters::default()),
        }
    }

    fn get<T: for<'de> Deserialize<'de>>(tree: &sled::Tree, key: &[u8]) -> Result<Option<T>> {
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
}

fn ids_of(v: Option<sled::IVec>) -> Vec<u64> {
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

fn first_name(name: &str) -> String {
    normalise_name(name.split_whitespace().next().unwrap_or(""))
}

/// Is the stored speaker `s` the person the article calls `l`?
fn same_person(s: &Speaker, l: &LocalSpeaker) -> bool {
    if s.kind != SpeakerKind::Person || l.kind != SpeakerKind::Person {
        return false;
    }
    let affiliation_ok =
        s.affiliation.is_none() || l.affiliation.is_none() || s.affiliation == l.affiliation;
    let (a, b) = (first_name(&s.name), first_name(&l.name));
    let one_word = |n: &str| surname(n) == normalise_name(n);
    let names_ok = one_word(&s.name)
        || one_word(&l.name)
        || a == b
        || (a.len() > 2 && b.len() > 2 && edit_distance(&a, &b) <= 1);
    affiliation_ok && names_ok
}

/// Find or create the stored speaker for an article's speaker, inside the transaction.
fn resolve_speaker(t: &[TxTree], counters: &mut Counters, l: &LocalSpeaker) -> TxResult<SpeakerId> {
    let names = &t[T_NAMES];
    let load = |id: u64| tx_get::<Speaker>(&t[T_SPEAKERS], &id.to_be_bytes());
    let mut found: Option<Speaker> = None;
    for id in ids_of(names.get(keys::name_key(keys::NAME, &normalise_name(&l.name)))?) {
        if let Some(s) = load(id)? {
            if s.kind == l.kind && (s.kind != SpeakerKind::Person || same_person(&s, l)) {
                found = Some(s);
                break;
            }
        }
    }
    if found.is_none() && l.kind == SpeakerKind::Person {
        let candidates: Vec<Speaker> =
            ids_of(names.get(keys::name_key(keys::SURNAME, &surname(&l.name)))?)
                .into_iter()
                .map(load)
                .collect::<TxResult<Vec<_>>>()?
                .into_iter()
                .flatten()
                .filter(|s| same_person(s, l))
                .collect();
        // A bare surname that fits several people stays ambiguous: a new speaker.
        if candidates.len() == 1
            || (candidates.len() > 1 && surname(&l.name) != normalise_name(&l.name))
        {
            found = candidates.into_iter().next();
        }
    }
    let mut speaker = match found {
        Some(s) => s,
        None => {
            counters.next_speaker += 1;
            counters.speakers += 1;
            Speaker {
                id: SpeakerId(counters.next_speaker),
                name: l.name.clone(),
                kind: l.kind,
                aliases: Vec::new(),
                titles: Vec::new(),
                affiliation: None,
            }
        }
    };
    let before = speaker.clone();
    // A fuller name replaces a bare surname; every form seen becomes an alias.
    if normalise_name(&l.name).len() > normalise_name(&speaker.name).len()
        && normalise_name(&l.name).ends_with(&normalise_name(&speaker.name))
    {
        let old = std::mem::replace(&mut speaker.name, l.name.clone());
        add_unique(&mut speaker.aliases, old);
    } else if normalise_name(&l.name) != normalise_name(&speaker.name) {
        add_unique(&mut speaker.aliases, l.name.clone());
    }
    for a in &l.aliases {
        if normalise_name(a) != normalise_name(&speaker.name) {
            add_unique(&mut speaker.aliases, a.clone());
        }
    }
    for title in &l.titles {
        add_unique(&mut speaker.titles, title.clone());
    }
    if speaker.affiliation.is_none() {
        speaker.affiliation = l.affiliation.clone();
    }
    if speaker != before || before.aliases.is_empty() && before.titles.is_empty() {
        t[T_SPEAKERS].insert(&keys::speaker(speaker.id), encode(&speaker))?;
        for n in std::iter::once(&speaker.name).chain(speaker.aliases.iter()) {
            let norm = normalise_name(n);
            add_id(names, &keys::name_key(keys::NAME, &norm), speaker.id)?;
            for w in norm.split(' ') {
                names.insert(keys::word_key(w, speaker.id), &[][..])?;
            }
        }
        if speaker.kind == SpeakerKind::Person {
            add_id(
                names,
                &keys::name_key(keys::SURNAME, &surname(&speaker.name)),
                speaker.id,
            )?;
        }
    }
    Ok(speaker.id)
}

fn add_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
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
            let c: Claim = decode(&v)?;
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

    fn postings(&self, term: &str, limit: usize) -> Result<Vec<ClaimId>> {
        Ok(self
            .terms_mem
            .get(term, limit)
            .into_iter()
            .map(|p| p.id)
            .collect())
    }

    fn postings_from(&self, term: &str, from: ArticleId, limit: usize) -> Result<Vec<ClaimId>> {
        let from = ClaimId {
            article: from,
            ordinal: 0,
        };
        Ok(self
            .terms_mem
            .get_from(term, from, limit)
            .into_iter()
            .map(|p| p.id)
            .collect())
    }

    fn with_postings(&self, term: &str, limit: usize, f: &mut dyn FnMut(&[Posting<ClaimId>])) {
        self.terms_mem.with(term, limit, f)
    }

    fn with_fact_check_postings(
        &self,
        term: &str,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<FactCheckId>]),
    ) {
        self.fact_check_terms_mem.with(term, limit, f)
    }

    fn last_article(&self) -> Result<Option<ArticleId>> {
        // What the postings index has absorbed, not what the tree holds: a
        // commit is visible to the linker once its postings are.
        Ok(self.terms_mem.mark().map(ArticleId))
    }

    fn corroborations(&self, claim: ClaimId) -> Result<Vec<Corroboration>> {
        self.corroborations
            .scan_prefix(keys::claim(claim))
            .map(|kv| decode(&kv.map_err(io)?.1))
            .collect()
    }

    fn insert_article(
        &self,
        new: &NewArticle,
        hash: [u8; 16],
        ingested_at: u64,
        ex: &Extraction,
        linker: &dyn Linker,
    ) -> Result<Ingested> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = self.article_by_hash(&hash)? {
            if let Some(article) = self.article(id)? {
                return Ok(Ingested::existing(article));
            }
        }
        // The only writer: the next id is ours, and the plan sees a settled store.
        let id = ArticleId(self.counters()?.next_article + 1);
        let plan = linker.plan(self, id, new, ex)?;
        let trees = [
            self.meta.clone(),
            self.articles.clone(),
            self.article_hash.clone(),
            self.claims.clone(),
            self.speakers.clone(),
            self.speaker_names.clone(),
            self.speaker_claims.clone(),
            self.claim_terms.clone(),
            self.corroborations.clone(),
            self.claim_fact_checks.clone(),
            self.fact_check_claims.clone(),
        ];
        let body: Vec<char> = new.body.chars().collect();
        let slice = |s: crate::domain::Span| -> String {
            body[(s.start as usize).min(body.len())..(s.end as usize).min(body.len())]
                .iter()
                .collect()
        };
        let result = trees[..].transaction(|t: &Vec<TxTree>| -> TxResult<Ingested> {
            if let Some(v) = t[T_HASH].get(hash)? {
                let id = keys::parse_u64(&v)
                    .ok_or_else(|| abort(StoreError::Corrupt("bad hash index value".into())))?;
                let article =
                    tx_get::<Article>(&t[T_ARTICLES], &id.to_be_bytes())?.ok_or_else(|| {
                        abort(StoreError::Corrupt(format!(
                            "hash index points at missing article {id}"
                        )))
                    })?;
                return Ok(Ingested::existing(article));
            }
            let mut counters: Counters =
                tx_get(&t[T_META], keys::META_COUNTERS)?.unwrap_or_default();
            counters.next_article += 1;
            counters.articles += 1;
            let id = ArticleId(counters.next_article);
            let mut new_claims = Vec::with_capacity(ex.claims.len());
            let speaker_ids = ex
                .speakers
                .iter()
                .map(|l| resolve_speaker(t, &mut counters, l))
                .collect::<TxResult<Vec<_>>>()?;
            for (ordinal, c) in ex.claims.iter().enumerate() {
                let cid = ClaimId {
                    article: id,
                    ordinal: ordinal as u32,
                };
                let mut speakers: Vec<SpeakerId> =
                    c.speakers.iter().map(|&i| speaker_ids[i]).collect();
                speakers.dedup();
                let claim = Claim {
                    id: cid,
                    text: c.text.clone(),
                    kind: c.kind,
                    content: c.content.clone(),
                    cue: c.cue,
                    cue_text: c.cue.map(slice),
                    speaker_mention: c.speaker_mention,
                    speaker_mention_text: c.speaker_mention.map(slice),
                    speakers: speakers.clone(),
                    attribution: Attribution {
                        rule: c.rule.to_string(),
                        resolution: c.resolution.map(str::to_string),
                        confidence: c.confidence,
                    },
                    check_worthiness: c.check_worthiness,
                    entities: c.entities.clone(),
                };
                t[T_CLAIMS].insert(&keys::claim(cid), encode(&claim))?;
                for &s in &speakers {
                    t[T_SPK_CLAIMS].insert(&keys::speaker_claim(s, cid), &[][..])?;
                }
                new_claims.push((cid, speakers));
            }
            counters.claims += ex.claims.len() as u64;
            for (term, ordinal, tf, len) in &plan.postings {
                t[T_TERMS].insert(
                    keys::term_claim(
                        term,
                        ClaimId {
                            article: id,
                            ordinal: *ordinal,
                        },
                    ),
                    &posting_value(*tf, *len)[..],
                )?;
                counters.claim_terms += u64::from(*tf);
            }
            for (ordinal, edge) in &plan.edges {
                let from = ClaimId {
                    article: id,
                    ordinal: *ordinal,
                };
                t[T_EDGES].insert(&keys::edge(from, edge.claim), encode(edge))?;
                let back = Corroboration {
                    claim: from,
                    ..edge.clone()
                };
                t[T_EDGES].insert(&keys::edge(edge.claim, from), encode(&back))?;
            }
            counters.corroborations += plan.edges.len() as u64;
            for m in &plan.fact_checks {
                let v = encode(m);
                t[T_CLAIM_FCS].insert(
                    &keys::claim_fact_check(m.claim, m.fact_check)[..],
                    v.clone(),
                )?;
                t[T_FC_CLAIMS].insert(&keys::fact_check_claim(m.fact_check, m.claim)[..], v)?;
            }
            let article = Article {
                id,
                title: new.title.clone(),
                url: new.url.clone(),
                publisher: new.publisher.clone(),
                published_at: new.published_at.clone(),
                body: new.body.clone(),
                content_hash: hash,
                ingested_at,
                claim_count: ex.claims.len() as u32,
            };
            t[T_ARTICLES].insert(&keys::article(id), encode(&article))?;
            t[T_HASH].insert(&hash, &keys::article(id))?;
            t[T_META].insert(keys::META_COUNTERS, encode(&counters))?;
            Ok(Ingested {
                article,
                created: true,
                claims: new_claims,
                corroborations: plan
                    .edges
                    .iter()
                    .map(|(o, e)| {
                        (
                            ClaimId {
                                article: id,
                                ordinal: *o,
                            },
                            e.clone(),
                        )
                    })
                    .collect(),
                fact_check_matches: plan.fact_checks.clone(),
            })
        });
        let done = result.map_err(|e| match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => io(e),
        })?;
        if done.created {
            let article = done.article.id;
            self.terms_mem.extend_through(
                plan.postings.into_iter().map(|(term, ordinal, tf, len)| {
                    (
                        term,
                        Posting {
                            id: ClaimId { article, ordinal },
                            tf,
                            len,
                        },
                    )
                }),
                Some(article.0),
            );
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(done)
    }

    fn feature_cache(
        &self,
    ) -> &super::DerivedCache<Derived, std::sync::Arc<crate::corroborate::Features>> {
        &self.features
    }

    fn fact_check(&self, id: FactCheckId) -> Result<Option<FactCheck>> {
        Self::get(&self.fact_checks, &keys::fact_check(id))
    }

    fn fact_checks(&self, ids: &[FactCheckId]) -> Result<Vec<Option<FactCheck>>> {
        ids.iter().map(|&id| self.fact_check(id)).collect()
    }

    fn fact_check_similarities(&self, v: &[f32], ids: &[FactCheckId]) -> Result<Vec<Option<f32>>> {
        let ids: Vec<u64> = ids.iter().map(|id| id.0).collect();
        Ok(self.fact_check_vectors_mem.similarities(v, &ids))
    }

    fn nearest_fact_checks(&self, v: &[f32], k: usize) -> Result<Vec<(FactCheckId, f32)>> {
        Ok(self
            .fact_check_vectors_mem
            .nearest(v, k)
            .into_iter()
            .map(|(id, s)| (FactCheckId(id), s))
            .collect())
    }

    fn fact_check_stored(&self, new: &NewFactCheck) -> Result<Option<FactCheckId>> {
        Ok(self
            .fact_check_keys
            .get(fact_check_key(new))
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

    fn fact_check_postings(&self, term: &str, limit: usize) -> Result<Vec<Posting<FactCheckId>>> {
        Ok(self.fact_check_terms_mem.get(term, limit))
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

    fn insert_fact_check(
        &self,
        new: &NewFactCheck,
        created_at: u64,
        linker: &dyn Linker,
    ) -> Result<FactCheckInserted> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let dedup = fact_check_key(new);
        if let Some(id) = self.fact_check_keys.get(&dedup).map_err(io)? {
            let id = keys::parse_u64(&id)
                .ok_or_else(|| StoreError::Corrupt("bad fact-check key value".into()))?;
            if let Some(fact_check) = self.fact_check(FactCheckId(id))? {
                return Ok(FactCheckInserted {
                    fact_check,
                    created: false,
                    matches: Vec::new(),
                });
            }
        }
        if let Some(c) = new.claim {
            if self.claim(c)?.is_none() {
                return Err(StoreError::NotFound(format!("claim {c}")));
            }
        }
        let id = FactCheckId(self.counters()?.next_fact_check + 1);
        let plan = linker.plan_fact_check(self, id, new)?;
        let trees = [
            self.meta.clone(),
            self.fact_checks.clone(),
            self.fact_check_keys.clone(),
            self.fact_check_terms.clone(),
            self.claim_reviews.clone(),
            self.claim_fact_checks.clone(),
            self.fact_check_claims.clone(),
            self.fact_check_vectors.clone(),
        ];
        let result = trees[..].transaction(|t: &Vec<TxTree>| -> TxResult<FactCheckInserted> {
            let mut counters: Counters = tx_get(&t[0], keys::META_COUNTERS)?.unwrap_or_default();
            counters.next_fact_check += 1;
            counters.fact_checks += 1;
            let id = FactCheckId(counters.next_fact_check);
            let fact_check = FactCheck {
                id,
                details: new.clone(),
                created_at,
            };
            t[1].insert(&keys::fact_check(id), encode(&fact_check))?;
            t[2].insert(dedup.as_slice(), &keys::fact_check(id))?;
            for (term, tf) in &plan.postings {
                t[3].insert(
                    keys::term_fact_check(term, id),
                    &posting_value(*tf, plan.length)[..],
                )?;
            }
            counters.fact_check_terms += u64::from(plan.length);
            if let Some(c) = new.claim {
                t[4].insert(&keys::claim_fact_check(c, id)[..], &[][..])?;
            }
            for m in &plan.matches {
                let v = encode(m);
                t[5].insert(&keys::claim_fact_check(m.claim, id)[..], v.clone())?;
                t[6].insert(&keys::fact_check_claim(id, m.claim)[..], v)?;
            }
            if let Some(v) = &plan.vector {
                t[7].insert(&keys::fact_check(id), super::codec::encode_vector(v))?;
            }
            t[0].insert(keys::META_COUNTERS, encode(&counters))?;
            Ok(FactCheckInserted {
                fact_check,
                created: true,
                matches: plan.matches.clone(),
            })
        });
        let done = result.map_err(|e| match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => io(e),
        })?;
        if done.created {
            let id = done.fact_check.id;
            if let Some(v) = plan.vector {
                self.fact_check_vectors_mem.extend([(id.0, v)]);
            }
            self.fact_check_terms_mem
                .extend(plan.postings.into_iter().map(|(term, tf)| {
                    (
                        term,
                        Posting {
                            id,
                            tf,
                            len: plan.length,
                        },
                    )
                }));
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(done)
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(io)
    }
}
