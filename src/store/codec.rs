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
