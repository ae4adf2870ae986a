//! Values: one format-version byte, then JSON. The byte lets a later build
//! migrate or refuse old data instead of misreading it.

use super::{Result, StoreError};
use serde::{de::DeserializeOwned, Serialize};

pub const VERSION: u8 = 1;

pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.push(VERSION);
    // Serialising plain data structs into a Vec cannot fail.
    serde_json::to_writer(&mut out, v).expect("domain types serialise");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.first() {
        Some(&VERSION) => {
            serde_json::from_slice(&bytes[1..]).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        Some(&v) => Err(StoreError::Version {
            found: v,
            expected: VERSION,
        }),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}

/// A vector: the version byte, then little-endian floats (JSON would triple it).
pub fn encode_vector(v: &[f32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 4 * v.len());
    out.push(VERSION);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

pub fn decode_vector(bytes: &[u8]) -> Result<Vec<f32>> {
    match bytes.split_first() {
        Some((&VERSION, rest)) if rest.len() % 4 == 0 => Ok(rest
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()),
        Some((&VERSION, _)) => Err(StoreError::Corrupt("vector of partial floats".into())),
        Some((&v, _)) => Err(StoreError::Version {
            found: v,
            expected: VERSION,
        }),
        None => Err(StoreError::Corrupt("empty value".into())),
    }
}
