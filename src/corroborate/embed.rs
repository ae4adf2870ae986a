//! Sentence embeddings for cross-checking, from the `encoder` runtime.
//! Lexical search finds the candidates; the embedding tells a paraphrase
//! from a text that merely shares words.

pub use crate::encoder::{cosine, Encoder, DIM};

/// The text a fact-check is embedded from: its claim and its headline.
pub fn fact_check_text(claim: &str, headline: Option<&str>) -> String {
    match headline {
        Some(h) if !h.trim().is_empty() => format!("{claim} {h}"),
        _ => claim.to_string(),
    }
}
