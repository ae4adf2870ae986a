//! The keyspace, defined once.
//!
//! | tree            | key                                         | value                 |
//! |-----------------|---------------------------------------------|-----------------------|
//! | `meta`          | `format`                                    | format version (u8)   |
//! |                 | `counters`                                  | `Counters`            |
//! | `articles`      | article id (u64 BE)                         | `Article`             |
//! | `article_hash`  | content hash (16 bytes)                     | article id (u64 BE)   |
//! | `claims`        | article id (u64 BE) ++ ordinal (u32 BE)     | `Claim`               |
//! | `speakers`      | speaker id (u64 BE)                         | `Speaker`             |
//! | `speaker_names` | `n` ++ normalised name or alias             | speaker ids (u64 BE)* |
//! |                 | `s` ++ normalised surname (people)          | speaker ids (u64 BE)* |
//! |                 | `w` ++ word of a name ++ 0 ++ id (u64 BE)   | empty                 |
//! | `speaker_claims`| speaker id (u64 BE) ++ claim key            | empty                 |
//! | `corroborations`| claim key ++ other claim key                | `Corroboration`, or empty*** |
//! | `fact_checks`   | fact-check id (u64 BE)                      | `FactCheck`           |
//! | `fact_check_keys`| `u` ++ url, or `h` ++ content hash         | fact-check id (u64 BE)|
//! | `claim_reviews` | claim key ++ fact-check id                  | empty                 |
//! | `claim_fact_checks`| claim key ++ fact-check id               | `FactCheckMatch`      |
//! | `fact_check_claims`| fact-check id ++ claim key               | `FactCheckMatch`      |
//! | `fact_check_vectors`| fact-check id (u64 BE)                   | embedding (f32 LE)*   |
//! | `claim_vectors` | claim key                                   | embedding (int8)**    |
//! | `changes`       | sequence number (u64 BE)                    | the commit's unit id and index terms (`changes.rs`) |
//!
//! (*: after the version byte, raw little-endian floats, not JSON.
//! **: tag 3, the scale (f32 LE), then one signed byte per dimension.
//! ***: a link is held once, under the claim that made it (the newer); the
//! other claim's key is a reference to it, empty, so the evidence is not
//! stored twice. Stores written before hold it both ways, read alike.)
//!
//! Stores written before the change log kept index terms in `claim_terms`
//! (term ++ 0 ++ claim key -> tf, len) and `fact_check_terms`; opening one
//! moves them into `changes` (`changes::migrate_legacy_postings`).
//!
//! Big-endian integers make key order id order, so an article's claims and
//! a speaker's claims are contiguous ranges. Values start with a format
//! version byte (see `codec`).

use crate::domain::{ArticleId, ClaimId, FactCheckId, SpeakerId};

pub const META: &str = "meta";
pub const ARTICLES: &str = "articles";
pub const ARTICLE_HASH: &str = "article_hash";
pub const CLAIMS: &str = "claims";
pub const SPEAKERS: &str = "speakers";
pub const SPEAKER_NAMES: &str = "speaker_names";
pub const SPEAKER_CLAIMS: &str = "speaker_claims";
pub const CORROBORATIONS: &str = "corroborations";
pub const FACT_CHECKS: &str = "fact_checks";
pub const FACT_CHECK_KEYS: &str = "fact_check_keys";
pub const CLAIM_REVIEWS: &str = "claim_reviews";
pub const CLAIM_FACT_CHECKS: &str = "claim_fact_checks";
pub const FACT_CHECK_CLAIMS: &str = "fact_check_claims";
pub const FACT_CHECK_VECTORS: &str = "fact_check_vectors";
pub const CLAIM_VECTORS: &str = "claim_vectors";
pub const CHANGES: &str = "changes";
pub const LEGACY_CLAIM_TERMS: &str = "claim_terms";
pub const LEGACY_FACT_CHECK_TERMS: &str = "fact_check_terms";

pub const META_FORMAT: &[u8] = b"format";
pub const META_COUNTERS: &[u8] = b"counters";

pub const NAME: u8 = b'n';
pub const SURNAME: u8 = b's';
pub const WORD: u8 = b'w';

pub fn article(id: ArticleId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn fact_check(id: FactCheckId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn claim_fact_check(c: ClaimId, f: FactCheckId) -> [u8; 20] {
    let mut k = [0u8; 20];
    k[..12].copy_from_slice(&claim(c));
    k[12..].copy_from_slice(&fact_check(f));
    k
}

pub fn fact_check_claim(f: FactCheckId, c: ClaimId) -> [u8; 20] {
    let mut k = [0u8; 20];
    k[..8].copy_from_slice(&fact_check(f));
    k[8..].copy_from_slice(&claim(c));
    k
}

pub fn speaker(id: SpeakerId) -> [u8; 8] {
    id.0.to_be_bytes()
}

pub fn claim(id: ClaimId) -> [u8; 12] {
    id.to_be_bytes()
}

pub fn parse_u64(b: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(..8)?.try_into().ok()?))
}

pub fn parse_claim(b: &[u8]) -> Option<ClaimId> {
    if b.len() != 12 {
        return None;
    }
    Some(ClaimId {
        article: ArticleId(parse_u64(&b[..8])?),
        ordinal: u32::from_be_bytes(b[8..12].try_into().ok()?),
    })
}

pub fn speaker_claim(s: SpeakerId, c: ClaimId) -> [u8; 20] {
    let mut k = [0u8; 20];
    k[..8].copy_from_slice(&speaker(s));
    k[8..].copy_from_slice(&claim(c));
    k
}

pub fn name_key(kind: u8, normalised: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + normalised.len());
    k.push(kind);
    k.extend_from_slice(normalised.as_bytes());
    k
}

pub fn word_key(word: &str, id: SpeakerId) -> Vec<u8> {
    let mut k = name_key(WORD, word);
    k.push(0);
    k.extend_from_slice(&speaker(id));
    k
}

pub fn edge(from: ClaimId, to: ClaimId) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..12].copy_from_slice(&claim(from));
    k[12..].copy_from_slice(&claim(to));
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_keys_sort_by_article_then_ordinal() {
        let a = claim(ClaimId {
            article: ArticleId(1),
            ordinal: 300,
        });
        let b = claim(ClaimId {
            article: ArticleId(2),
            ordinal: 0,
        });
        assert!(a < b);
        assert_eq!(
            parse_claim(&a),
            Some(ClaimId {
                article: ArticleId(1),
                ordinal: 300
            })
        );
    }
}
