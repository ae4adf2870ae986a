//! The attribution tagger: all-MiniLM-L6-v2 fine-tuned on PolNeAR to tag
//! each word piece as outside, or beginning or inside a source, a cue or a
//! content span (`scripts/train-attribution.py` trains and exports it to
//! `models/attribution.bin`). It runs on the encoder's runtime and shares
//! the encoder's word table, which training kept frozen.

use super::tokenize::Token;
use super::weights::ModelError;
use super::{Encoder, Vocab, DIM};
use std::sync::OnceLock;

/// Tags, in the model's order: O, B-source, I-source, B-cue, I-cue,
/// B-content, I-content.
pub const TAGS: usize = 7;

static TAGGER: &[u8] = include_bytes!("../../models/attribution.bin");

pub struct Tagger {
    encoder: Encoder,
    /// `TAGS` rows of `DIM`.
    head: Vec<f32>,
    bias: Vec<f32>,
}

impl Tagger {
    /// The shipped tagger, loaded on first use.
    pub fn get() -> &'static Tagger {
        static T: OnceLock<Tagger> = OnceLock::new();
        T.get_or_init(|| Tagger::load().expect("the shipped attribution model loads"))
    }

    fn load() -> Result<Tagger, ModelError> {
        let (encoder, mut t) = Encoder::fine_tuned(TAGGER)?;
        Ok(Tagger {
            encoder,
            head: t.vector("classifier.weight", TAGS * DIM)?,
            bias: t.vector("classifier.bias", TAGS)?,
        })
    }

    pub fn vocab(&self) -> &Vocab {
        &self.encoder.vocab
    }

    /// Each sequence of piece ids (at most `MAX_TOKENS - 2`; [CLS] and [SEP]
    /// are added here) tagged: per piece, `TAGS` log-probabilities.
    pub fn tag_batch(&self, seqs: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let v = &self.encoder.vocab;
        let tokens: Vec<Vec<Token>> = seqs
            .iter()
            .map(|ids| {
                let piece = |id| Token {
                    id,
                    start: 0,
                    end: 0,
                };
                std::iter::once(piece(v.cls))
                    .chain(ids.iter().map(|&id| piece(id)))
                    .chain(std::iter::once(piece(v.sep)))
                    .collect()
            })
            .collect();
        let mut out = Vec::with_capacity(seqs.len());
        self.encoder.each(&tokens, |h| {
            let rows = h.chunks_exact(DIM);
            let n = rows.len();
            let mut tags = Vec::with_capacity(n.saturating_sub(2) * TAGS);
            for row in rows.skip(1).take(n.saturating_sub(2)) {
                let mut logits = [0f32; TAGS];
                for (k, l) in logits.iter_mut().enumerate() {
                    *l = self.bias[k] + super::cosine(&self.head[k * DIM..(k + 1) * DIM], row);
                }
                let max = logits.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = logits.iter().map(|l| (l - max).exp()).sum();
                let norm = max + sum.ln();
                tags.extend(logits.iter().map(|l| l - norm));
            }
            out.push(tags);
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tagger_loads_and_gives_every_piece_a_distribution_over_tags() {
        let t = Tagger::get();
        let text = "The senator said the plan would fail.";
        let ids: Vec<u32> = t.vocab().tokenize(text)[1..]
            .iter()
            .map(|p| p.id)
            .filter(|&id| id != t.vocab().sep)
            .collect();
        let out = t.tag_batch(&[ids.clone(), Vec::new()]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].len(), ids.len() * TAGS);
        assert!(out[1].is_empty());
        for row in out[0].chunks_exact(TAGS) {
            let p: f32 = row.iter().map(|l| l.exp()).sum();
            assert!((p - 1.0).abs() < 1e-3, "{p}");
        }
    }
}
