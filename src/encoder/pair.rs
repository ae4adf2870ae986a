//! The paraphrase judge: all-MiniLM-L6-v2 fine-tuned as a cross-encoder on
//! MRPC (`scripts/train-paraphrase.py` trains and exports it to
//! `models/paraphrase.bin`). Both texts go through the model in one pass,
//! `[CLS] a [SEP] b [SEP]`, so each word is read against the other text:
//! what a cosine of two separate embeddings cannot do, and why paraphrases
//! that share a topic but not a claim are told apart. It runs on the
//! encoder's runtime and shares the encoder's word table, which training
//! kept frozen.

use super::tokenize::Token;
use super::weights::ModelError;
use super::{Encoder, Vocab, DIM, MAX_TOKENS};
use std::sync::OnceLock;

static JUDGE: &[u8] = include_bytes!("../../models/paraphrase.bin");

pub struct PairJudge {
    encoder: Encoder,
    /// One row of `DIM` over the [CLS] state, and its bias.
    head: Vec<f32>,
    bias: f32,
}

impl PairJudge {
    /// The shipped judge, loaded on first use.
    pub fn get() -> &'static PairJudge {
        static J: OnceLock<PairJudge> = OnceLock::new();
        J.get_or_init(|| PairJudge::load().expect("the shipped paraphrase model loads"))
    }

    fn load() -> Result<PairJudge, ModelError> {
        let (encoder, mut t) = Encoder::fine_tuned(JUDGE)?;
        Ok(PairJudge {
            encoder,
            head: t.vector("classifier.weight", DIM)?,
            bias: t.vector("classifier.bias", 1)?[0],
        })
    }

    /// Per pair `(a, b, both)`, the probability that the two texts say the
    /// same thing. A pair with `both` whose first reading is unsure (its
    /// logit within `SURE` of even) is read the other way round too, in a
    /// second batch, and its two logits averaged: the judge learnt both
    /// orders, and on MRPC's held-back pairs the average is right more
    /// often than either order alone.
    pub fn probabilities<S: AsRef<str>>(&self, pairs: &[(S, S, bool)]) -> Vec<f32> {
        let mut first = self.logits(pairs.iter().map(|(a, b, _)| (a.as_ref(), b.as_ref())));
        let again: Vec<usize> = (0..pairs.len())
            .filter(|&i| pairs[i].2 && first[i].abs() < SURE)
            .collect();
        let second = self.logits(
            again
                .iter()
                .map(|&i| (pairs[i].1.as_ref(), pairs[i].0.as_ref())),
        );
        for (&i, l) in again.iter().zip(second) {
            first[i] = (first[i] + l) / 2.0;
        }
        first.iter().map(|l| 1.0 / (1.0 + (-l).exp())).collect()
    }

    /// The judge's logit for each pair `(a, b)` read in that order.
    fn logits<'t>(&self, pairs: impl Iterator<Item = (&'t str, &'t str)>) -> Vec<f32> {
        let v = &self.encoder.vocab;
        let tokens: Vec<Vec<Token>> = pairs.map(|(a, b)| pair_pieces(v, a, b)).collect();
        let mut logits = Vec::with_capacity(tokens.len());
        if !tokens.is_empty() {
            self.encoder.each_first(&tokens, |h| {
                logits.push(self.bias + super::cosine(&self.head, &h[..DIM]));
            });
        }
        logits
    }
}

/// A first reading this far from even (in logits; 3.0 is a probability
/// below 0.047 or above 0.953) stands alone: the second reading turned no
/// such decision on MRPC's held-back pairs (from 2.2 up) nor over BBC (at
/// 3.0), and it cost as many passes again for most of a store's pairs.
const SURE: f32 = 3.0;

/// `[CLS] a [SEP] b [SEP]`, the longer text cut first until both fit in
/// `MAX_TOKENS` (as the training script builds them).
fn pair_pieces(v: &Vocab, a: &str, b: &str) -> Vec<Token> {
    let inner = |t: &str| {
        let mut p = v.tokenize(t);
        p.pop();
        p.remove(0);
        p
    };
    let (mut a, mut b) = (inner(a), inner(b));
    while a.len() + b.len() > MAX_TOKENS - 3 {
        if a.len() >= b.len() {
            a.pop();
        } else {
            b.pop();
        }
    }
    let mark = |id| Token {
        id,
        start: 0,
        end: 0,
    };
    let mut out = Vec::with_capacity(a.len() + b.len() + 3);
    out.push(mark(v.cls));
    out.extend(a);
    out.push(mark(v.sep));
    out.extend(b);
    out.push(mark(v.sep));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_cut_to_fit_the_model_longer_text_first() {
        let v = &PairJudge::get().encoder.vocab;
        let long = "word ".repeat(300);
        let p = pair_pieces(v, &long, "a short text");
        assert_eq!(p.len(), MAX_TOKENS);
        assert_eq!((p[0].id, p[p.len() - 1].id), (v.cls, v.sep));
        // The short text is whole: its three pieces before the last [SEP].
        assert_eq!(p.iter().filter(|t| t.id == v.sep).count(), 2);
        let short = pair_pieces(v, "one", "two");
        assert_eq!(short.len(), 5);
    }

    #[test]
    fn a_rewording_is_judged_the_same_and_a_different_claim_is_not() {
        let j = PairJudge::get();
        let p = j.probabilities(&[
            (
                "The company said its profit doubled last year.",
                "Last year the firm's profits rose twofold, the company said.",
                false,
            ),
            (
                "The company said its profit doubled last year.",
                "The minister said the bridge will reopen in March.",
                false,
            ),
        ]);
        assert!(p[0] > 0.5 && p[1] < 0.5, "{p:?}");
    }

    #[test]
    fn a_sure_first_reading_stands_alone() {
        let j = PairJudge::get();
        let (a, b) = (
            "The company said its profit doubled last year.",
            "The minister said the bridge will reopen in March.",
        );
        let one = j.probabilities(&[(a, b, false)]);
        let both = j.probabilities(&[(a, b, true)]);
        // Sure that these differ: the first reading alone is the answer,
        // whatever the other order says.
        assert!(one[0] < 0.04, "{one:?}");
        assert_eq!(both[0], one[0]);
    }

    #[test]
    fn a_pair_read_both_ways_scores_the_same_in_either_order() {
        let j = PairJudge::get();
        let (a, b) = (
            "Shares in the carmaker fell sharply after it cut its forecast.",
            "The carmaker's stock dropped steeply when it lowered its outlook.",
        );
        let one = j.probabilities(&[(a, b, false), (b, a, false)]);
        let both = j.probabilities(&[(a, b, true), (b, a, true)]);
        assert_eq!(both[0], both[1]);
        // An unsure first reading is read again the other way round: the
        // answer is the mean of the two logits, between the two readings.
        let logit = |p: f32| (p / (1.0 - p)).ln();
        assert!(logit(one[0]).abs() < SURE, "{one:?}");
        let mean = 1.0 / (1.0 + (-(logit(one[0]) + logit(one[1])) / 2.0).exp());
        assert!((both[0] - mean).abs() < 1e-5, "{one:?} {both:?}");
        let (lo, hi) = (one[0].min(one[1]), one[0].max(one[1]));
        assert!(lo <= both[0] && both[0] <= hi, "{one:?} {both:?}");
    }
}
