//! The change log: tree `changes`, one entry per commit, keyed by its
//! sequence number, holding the unit's id and the index terms it brought.
//! It is both the feed derived indexes follow and where those terms are
//! kept: an index rebuilt at open reads one value per commit.

use super::codec::{decode, decode_int8_vector, decode_vector, encode, INT8, INT8_LATER};
use super::{io, keys, Counters, SledStore};
use crate::domain::{Article, ArticleId, ClaimId, FactCheck, FactCheckId};
use crate::store::{Change, ClaimTerms, Result, StoreError, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Record {
    Article {
        id: u64,
        claims: Vec<ClaimTerms>,
    },
    FactCheck {
        id: u64,
        terms: Vec<(String, u16)>,
        length: u16,
    },
    /// Embeddings added to an article's stored claims: those whose value
    /// carries `INT8_LATER`.
    Embedded {
        id: u64,
    },
}

pub(super) fn embedded_record(id: ArticleId) -> Vec<u8> {
    encode(&Record::Embedded { id: id.0 })
}

pub(super) fn article_record(id: ArticleId, claims: &[ClaimTerms]) -> Vec<u8> {
    encode(&Record::Article {
        id: id.0,
        claims: claims.to_vec(),
    })
}

pub(super) fn fact_check_record(id: FactCheckId, terms: &[(String, u16)], length: u16) -> Vec<u8> {
    encode(&Record::FactCheck {
        id: id.0,
        terms: terms.to_vec(),
        length,
    })
}

/// The log's entries after `after`, at most `limit`, as stored: a unit's
/// id and terms, without its vector (`verify` checks the vectors' tree itself).
pub(super) fn units(store: &SledStore, after: u64, limit: usize) -> Result<Vec<(u64, Unit)>> {
    let mut out = Vec::new();
    if after == u64::MAX {
        return Ok(out);
    }
    for kv in store.changes.range((after + 1).to_be_bytes()..).take(limit) {
        let (k, v) = kv.map_err(io)?;
        let seq =
            keys::parse_u64(&k).ok_or_else(|| StoreError::Corrupt("bad change key".into()))?;
        let unit = match decode::<Record>(&v)? {
            Record::Article { id, claims } => Unit::Article {
                id: ArticleId(id),
                terms: claims,
                vectors: Vec::new(),
            },
            Record::FactCheck { id, terms, length } => Unit::FactCheck {
                id: FactCheckId(id),
                terms,
                length,
                vector: None,
            },
            Record::Embedded { id } => Unit::Embedded {
                id: ArticleId(id),
                vectors: Vec::new(),
            },
        };
        out.push((seq, unit));
    }
    Ok(out)
}

/// The feed: the log's entries with their vectors (kept in their own
/// trees, not repeated in the log).
pub(super) fn read(store: &SledStore, after: u64, limit: usize) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    for (seq, mut unit) in units(store, after, limit)? {
        match &mut unit {
            Unit::FactCheck { id, vector, .. } => {
                *vector = store
                    .fact_check_vectors
                    .get(keys::fact_check(*id))
                    .map_err(io)?
                    .map(|v| decode_vector(&v))
                    .transpose()?;
            }
            // Each claim's vector goes out once: with its article's commit,
            // or with the later one that added it.
            Unit::Article { id, vectors, .. } => article_vectors(store, *id, INT8, vectors)?,
            Unit::Embedded { id, vectors } => article_vectors(store, *id, INT8_LATER, vectors)?,
        }
        out.push(Change { seq, unit });
    }
    Ok(out)
}

/// An article's claims' vectors stored under `tag`, by ordinal.
fn article_vectors(
    store: &SledStore,
    id: ArticleId,
    tag: u8,
    out: &mut Vec<(u32, Vec<f32>)>,
) -> Result<()> {
    for kv in store.claim_vectors.scan_prefix(keys::article(id)) {
        let (k, v) = kv.map_err(io)?;
        if v.first() != Some(&tag) {
            continue;
        }
        let claim = keys::parse_claim(&k)
            .ok_or_else(|| StoreError::Corrupt("bad claim vector key".into()))?;
        out.push((claim.ordinal, decode_int8_vector(&v)?));
    }
    Ok(())
}

/// Stores written before the change log kept postings in two trees keyed
/// by term (`claim_terms`, `fact_check_terms`). Rebuild the log from them,
/// articles and fact-checks in the order they were stored, then drop them.
pub(super) fn migrate_legacy_postings(store: &SledStore) -> Result<()> {
    let names = store.db.tree_names();
    let has = |n: &str| names.iter().any(|t| t.as_ref() == n.as_bytes());
    if !has(keys::LEGACY_CLAIM_TERMS) && !has(keys::LEGACY_FACT_CHECK_TERMS) {
        return Ok(());
    }
    let claim_terms = store.db.open_tree(keys::LEGACY_CLAIM_TERMS).map_err(io)?;
    let fc_terms = store
        .db
        .open_tree(keys::LEGACY_FACT_CHECK_TERMS)
        .map_err(io)?;
    let counters: Counters = match store.meta.get(keys::META_COUNTERS).map_err(io)? {
        Some(v) => decode(&v)?,
        None => Counters::default(),
    };
    // Already logged (an import of a current export opens these trees empty).
    if store.changes.len() as u64 == counters.seq() {
        store.db.drop_tree(keys::LEGACY_CLAIM_TERMS).map_err(io)?;
        store
            .db
            .drop_tree(keys::LEGACY_FACT_CHECK_TERMS)
            .map_err(io)?;
        return Ok(());
    }
    let bad = || StoreError::Corrupt("bad legacy posting key".into());
    let mut articles: BTreeMap<u64, BTreeMap<u32, ClaimTerms>> = BTreeMap::new();
    for kv in claim_terms.iter() {
        let (k, v) = kv.map_err(io)?;
        // term ++ 0 ++ claim key (12 bytes): the claim key may hold zeros itself.
        let z = k
            .len()
            .checked_sub(13)
            .filter(|&z| k[z] == 0)
            .ok_or_else(bad)?;
        let id: ClaimId = keys::parse_claim(&k[z + 1..]).ok_or_else(bad)?;
        let (tf, len) = legacy_posting_value(&v);
        let c = articles
            .entry(id.article.0)
            .or_default()
            .entry(id.ordinal)
            .or_insert_with(|| ClaimTerms {
                ordinal: id.ordinal,
                len,
                terms: Vec::new(),
            });
        c.terms
            .push((String::from_utf8_lossy(&k[..z]).into_owned(), tf));
    }
    let mut fact_checks: BTreeMap<u64, (Vec<(String, u16)>, u16)> = BTreeMap::new();
    for kv in fc_terms.iter() {
        let (k, v) = kv.map_err(io)?;
        let z = k
            .len()
            .checked_sub(9)
            .filter(|&z| k[z] == 0)
            .ok_or_else(bad)?;
        let id = keys::parse_u64(&k[z + 1..]).ok_or_else(bad)?;
        let (tf, len) = legacy_posting_value(&v);
        let e = fact_checks.entry(id).or_default();
        e.0.push((String::from_utf8_lossy(&k[..z]).into_owned(), tf));
        e.1 = len;
    }
    // Every article and fact-check gets an entry, terms or not, in the
    // order they were stored (by time, then id).
    let mut units: Vec<(u64, u8, u64)> = Vec::new();
    for kv in store.articles.iter() {
        let a: Article = decode(&kv.map_err(io)?.1)?;
        units.push((a.ingested_at, 0, a.id.0));
    }
    for kv in store.fact_checks.iter() {
        let f: FactCheck = decode(&kv.map_err(io)?.1)?;
        units.push((f.created_at, 1, f.id.0));
    }
    units.sort_by_key(|&(at, kind, id)| (at, kind, id));
    let mut batch = ::sled::Batch::default();
    for (seq, (_, kind, id)) in units.into_iter().enumerate() {
        let record = if kind == 0 {
            let claims = articles
                .remove(&id)
                .unwrap_or_default()
                .into_values()
                .collect::<Vec<_>>();
            article_record(ArticleId(id), &claims)
        } else {
            let (terms, length) = fact_checks.remove(&id).unwrap_or_default();
            fact_check_record(FactCheckId(id), &terms, length)
        };
        batch.insert(&(seq as u64 + 1).to_be_bytes(), record);
    }
    store.changes.apply_batch(batch).map_err(io)?;
    if counters.seq() != store.changes.len() as u64 {
        return Err(StoreError::Corrupt(format!(
            "{} commits counted but {} articles and fact-checks found",
            counters.seq(),
            store.changes.len()
        )));
    }
    store.db.flush().map_err(io)?;
    store.db.drop_tree(keys::LEGACY_CLAIM_TERMS).map_err(io)?;
    store
        .db
        .drop_tree(keys::LEGACY_FACT_CHECK_TERMS)
        .map_err(io)?;
    store.db.flush().map_err(io)?;
    tracing::info!(
        "moved the postings of {} commits into the change log",
        store.changes.len()
    );
    Ok(())
}

/// A legacy posting's value: the term's count and the text's length, u16
/// BE each; empty in the oldest stores (read as one and unknown).
fn legacy_posting_value(v: &[u8]) -> (u16, u16) {
    match v {
        [a, b, c, d] => (u16::from_be_bytes([*a, *b]), u16::from_be_bytes([*c, *d])),
        _ => (1, 0),
    }
}
