//! Identifiers. Internally plain integers (big-endian in keys, so key order is
//! id order); externally short opaque strings that stay stable across restarts.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a valid {1} id")]
pub struct IdError(pub String, pub &'static str);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleId(pub u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SpeakerId(pub u64);

/// A stored fact-check: a review recorded here or a ClaimReview imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FactCheckId(pub u64);

/// A claim is numbered within its article, so an article's claims sit
/// together in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ClaimId {
    pub article: ArticleId,
    pub ordinal: u32,
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "art_{:x}", self.0)
    }
}

impl fmt::Display for SpeakerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "spk_{:x}", self.0)
    }
}

impl fmt::Display for FactCheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fc_{:x}", self.0)
    }
}

impl FromStr for FactCheckId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.strip_prefix("fc_")
            .and_then(hex_u64)
            .map(FactCheckId)
            .ok_or_else(|| IdError(s.into(), "fact-check"))
    }
}

impl ClaimId {
    /// Article id then ordinal, big-endian: byte order is id order.
    pub fn to_be_bytes(self) -> [u8; 12] {
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&self.article.0.to_be_bytes());
        k[8..].copy_from_slice(&self.ordinal.to_be_bytes());
        k
    }
}

impl fmt::Display for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clm_{:x}_{:x}", self.article.0, self.ordinal)
    }
}

fn hex_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

impl FromStr for ArticleId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.strip_prefix("art_")
            .and_then(hex_u64)
            .map(ArticleId)
            .ok_or_else(|| IdError(s.into(), "article"))
    }
}

impl FromStr for SpeakerId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.strip_prefix("spk_")
            .and_then(hex_u64)
            .map(SpeakerId)
            .ok_or_else(|| IdError(s.into(), "speaker"))
    }
}

impl FromStr for ClaimId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IdError(s.into(), "claim");
        let rest = s.strip_prefix("clm_").ok_or_else(err)?;
        let (a, o) = rest.split_once('_').ok_or_else(err)?;
        let article = hex_u64(a).ok_or_else(err)?;
        let ordinal = hex_u64(o)
            .and_then(|o| u32::try_from(o).ok())
            .ok_or_else(err)?;
        Ok(ClaimId {
            article: ArticleId(article),
            ordinal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_string_form() {
        let c = ClaimId {
            article: ArticleId(0x1f),
            ordinal: 3,
        };
        assert_eq!(c.to_string(), "clm_1f_3");
        assert_eq!("clm_1f_3".parse::<ClaimId>().unwrap(), c);
        assert_eq!("art_a".parse::<ArticleId>().unwrap(), ArticleId(10));
        assert_eq!("spk_ff".parse::<SpeakerId>().unwrap(), SpeakerId(255));
        assert_eq!("fc_10".parse::<FactCheckId>().unwrap(), FactCheckId(16));
    }

    #[test]
    fn malformed_ids_are_refused() {
        assert!("art_".parse::<ArticleId>().is_err());
        assert!("spk_zz".parse::<SpeakerId>().is_err());
        assert!("clm_1".parse::<ClaimId>().is_err());
        assert!("art_1".parse::<SpeakerId>().is_err());
        assert!("clm_1_fffffffff".parse::<ClaimId>().is_err());
    }
}
