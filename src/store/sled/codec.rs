//! Values: one tag byte, then JSON, plain or zstd-compressed. The tag lets
//! a later build migrate or refuse old data instead of misreading it.
//!
//! Compression is per value, not sled's per page: sled decompresses every
//! log message when it opens a store, creating a zstd context for each,
//! which made opening a store after an ingest of 10,000 articles take 4 s
//! (0.15 s with plain pages) and cost a quarter of ingest time. Here one
//! context per thread is kept and reused, with a dictionary trained on
//! stored values (`claimgraph train-value-dictionary`): most values are a
//! few hundred bytes of JSON whose field names and common words zstd alone
//! cannot learn from one value. On 10,000 newswire articles it halves the
//! claims (30.4 MB of JSON: 20.5 MB without the dictionary, 10.2 with it).

use super::{Result, StoreError};
use serde::{de::DeserializeOwned, Serialize};
use std::cell::RefCell;
use std::sync::LazyLock;
use zstd::zstd_safe::{CCtx, CDict, DCtx, DDict};

/// Tag of a value stored as plain JSON (and of a vector's raw floats).
pub const PLAIN: u8 = 1;
/// Tag of a value stored as zstd-compressed JSON with the dictionary
/// `values-1.dict`: the tag, the JSON's length (u32, little-endian), then
/// one zstd frame. A retrained dictionary needs a new tag: values written
/// with this one must stay readable.
pub const ZSTD: u8 = 2;

/// Tag of a vector kept as int8 codes: the tag, the scale (f32 LE), then
/// one signed byte per dimension (`store::quantise`).
pub const INT8: u8 = 3;
/// The same layout, for a claim embedded after its article was stored
/// (`commit_embeddings`): the feed hands it out with that later commit,
/// not with the article's, so an index rebuilt from the log gets it once.
pub const INT8_LATER: u8 = 4;

/// The dictionary of tag 2. Never change it in place (see `ZSTD`).
pub static DICTIONARY: &[u8] = include_bytes!("values-1.dict");
/// The store's format, kept under `meta/format`: 2 since values may be
/// compressed. A format-1 store (plain values only) is read as it is and
/// marked 2 when opened, so an older build refuses it instead of
/// misreading the compressed values written after.
pub const FORMAT: u8 = 2;
/// Store formats this build reads.
pub const READS: [u8; 2] = [1, 2];

/// Values shorter than this stay plain: the frame and the length take back
/// what zstd saves on them.
const COMPRESS_FROM: usize = 48;
/// zstd's level. Every value is compressed on the write path, but values
/// are small: over the BBC store's 24 MB of value JSON (37,242 values, the
/// dictionary above), level 1 gives 10.7 MB in 0.13-0.22 s and level 3
/// 9.1 MB (claims 19% smaller) in 0.26-0.36 s, 0.4% of that ingest's time;
/// sled's log multiplies every byte saved three to four times on disk.
const LEVEL: i32 = 3;
/// The longest JSON a value may decompress to (a corrupt length is refused
/// rather than allocated).
const MAX_VALUE: usize = 256 << 20;

/// The dictionary prepared once for each direction (shared by all threads).
static CDICT: LazyLock<CDict<'static>> = LazyLock::new(|| CDict::create(DICTIONARY, LEVEL));
static DDICT: LazyLock<DDict<'static>> = LazyLock::new(|| DDict::create(DICTIONARY));

thread_local! {
    static CCTX: RefCell<CCtx<'static>> = RefCell::new(CCtx::create());
    static DCTX: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
}

pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(PLAIN);
    // Serialising plain data structs into a Vec cannot fail.
    serde_json::to_writer(&mut out, v).expect("domain types serialise");
    compress(out)
}

/// Encode JSON text as a value: `json` must be one valid JSON document.
pub fn encode_json(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + 1);
    out.push(PLAIN);
    out.extend_from_slice(json);
    compress(out)
}

/// `plain` is a PLAIN value; returns it compressed when that saves space.
fn compress(plain: Vec<u8>) -> Vec<u8> {
    let json = &plain[1..];
    if json.len() < COMPRESS_FROM {
        return plain;
    }
    let packed = CCTX.with(|c| {
        let mut body = Vec::with_capacity(zstd::zstd_safe::compress_bound(json.len()));
        c.borrow_mut()
            .compress_using_cdict(&mut body, json, &CDICT)
            .map(|_| body)
    });
    match packed {
        Ok(z) if z.len() + 5 < json.len() => {
            let mut out = Vec::with_capacity(z.len() + 5);
            out.push(ZSTD);
            out.extend_from_slice(&(json.len() as u32).to_le_bytes());
            out.extend_from_slice(&z);
            out
        }
        // Incompressible (or zstd out of memory): plain is always valid.
        _ => plain,
    }
}

/// The JSON text of a value, whichever way it is stored.
pub fn json(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>> {
    match bytes.split_first() {
        Some((&PLAIN, json)) => Ok(json.into()),
        Some((&ZSTD, rest)) if rest.len() >= 4 => {
            let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            if len > MAX_VALUE {
                return Err(StoreError::Corrupt(format!("a value claims {len} bytes")));
            }
            let mut out = Vec::with_capacity(len);
            DCTX.with(|d| {
                d.borrow_mut()
                    .decompress_using_ddict(&mut out, &rest[4..], &DDICT)
            })
            .map_err(|e| {
                StoreError::Corrupt(format!(
                    "compressed value: {}",
                    zstd::zstd_safe::get_error_name(e)
                ))
            })?;
            if out.len() != len {
                return Err(StoreError::Corrupt(
                    "compressed value of the wrong length".into(),
                ));
            }
            Ok(out.into())
        }
        Some((&ZSTD, _)) => Err(StoreError::Corrupt("truncated compressed value".into())),
        Some((&v, _)) => Err(StoreError::Version {
            found: v,
            expected: FORMAT,
        }),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    from_json(&json(bytes)?)
}

/// Parse a value's JSON (from `json`).
pub fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T> {
    serde_json::from_slice(json).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A vector: the tag, then little-endian floats (JSON would triple it;
/// zstd saves little on floats).
pub fn encode_vector(v: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 4 * v.len());
    out.push(PLAIN);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

pub fn decode_vector(bytes: &[u8]) -> Result<Vec<f32>> {
    match bytes.split_first() {
        Some((&PLAIN, rest)) if rest.len() % 4 == 0 => Ok(rest
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()),
        Some((&PLAIN, _)) => Err(StoreError::Corrupt("vector of partial floats".into())),
        Some((&v, _)) => Err(StoreError::Version {
            found: v,
            expected: PLAIN,
        }),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

/// A vector as int8 codes and a scale: 389 bytes for 384 dimensions.
pub fn encode_int8_vector(v: &[f32]) -> Vec<u8> {
    encode_int8_vector_tagged(v, INT8)
}

/// `encode_int8_vector` under `tag` (`INT8` or `INT8_LATER`).
pub fn encode_int8_vector_tagged(v: &[f32], tag: u8) -> Vec<u8> {
    let (codes, scale) = crate::store::quantise(v);
    let mut out = Vec::with_capacity(5 + codes.len());
    out.push(tag);
    out.extend_from_slice(&scale.to_le_bytes());
    out.extend(codes.iter().map(|&c| c as u8));
    out
}

pub fn decode_int8_vector(bytes: &[u8]) -> Result<Vec<f32>> {
    let (codes, scale) = int8_parts(bytes)?;
    Ok(codes.iter().map(|&c| f32::from(c as i8) * scale).collect())
}

/// What `encode_int8_vector` wrote, as it is: the codes and their scale.
pub fn decode_int8_codes(bytes: &[u8]) -> Result<(Vec<i8>, f32)> {
    let (codes, scale) = int8_parts(bytes)?;
    Ok((codes.iter().map(|&c| c as i8).collect(), scale))
}

/// The codes (as stored bytes) and scale of an int8 vector, unread.
fn int8_parts(bytes: &[u8]) -> Result<(&[u8], f32)> {
    match bytes.split_first() {
        Some((&(INT8 | INT8_LATER), rest)) if rest.len() > 4 => {
            let scale = f32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            if !scale.is_finite() {
                return Err(StoreError::Corrupt("vector scale is not finite".into()));
            }
            Ok((&rest[4..], scale))
        }
        Some((&(INT8 | INT8_LATER), _)) => Err(StoreError::Corrupt("truncated int8 vector".into())),
        Some((&v, _)) => Err(StoreError::Version {
            found: v,
            expected: INT8,
        }),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

/// Train a dictionary of at most `size` bytes on sample values' JSON.
pub fn train_dictionary(samples: &[Vec<u8>], size: usize) -> Result<Vec<u8>> {
    zstd::dict::from_samples(samples, size).map_err(|e| StoreError::Io(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_stored_compressed_and_reads_back_the_same() {
        let text = "The minister said the ceasefire would hold. ".repeat(40);
        let bytes = encode(&text);
        assert_eq!(bytes[0], ZSTD);
        assert!(bytes.len() < text.len() / 4);
        assert_eq!(decode::<String>(&bytes).unwrap(), text);
    }

    #[test]
    fn a_short_value_stays_plain_json() {
        let bytes = encode(&"a truce");
        assert_eq!(bytes, b"\x01\"a truce\"");
        assert_eq!(decode::<String>(&bytes).unwrap(), "a truce");
    }

    #[test]
    fn a_plain_value_written_by_an_older_build_still_reads() {
        let text = "x".repeat(1000);
        let mut old = vec![PLAIN];
        old.extend_from_slice(serde_json::to_string(&text).unwrap().as_bytes());
        assert_eq!(decode::<String>(&old).unwrap(), text);
    }

    #[test]
    fn a_damaged_compressed_value_is_an_error_not_a_panic() {
        let mut bytes = encode(&"claim ".repeat(100));
        let n = bytes.len();
        bytes.truncate(n - 3);
        assert!(matches!(
            decode::<String>(&bytes),
            Err(StoreError::Corrupt(_))
        ));
        // A length no value has.
        let mut huge = encode(&"claim ".repeat(100));
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            decode::<String>(&huge),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            decode::<String>(&[ZSTD, 1]),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            decode::<String>(&[9, 1]),
            Err(StoreError::Version { .. })
        ));
    }
}
