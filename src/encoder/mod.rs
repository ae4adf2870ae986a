//! The sentence encoder runtime: all-MiniLM-L6-v2 (Apache-2.0) on the CPU,
//! from int8 weights compiled into the binary (`models/`, written by
//! `scripts/export-minilm.py`; nothing is fetched at build or run time).
//!
//! One call encodes a batch: the texts' word pieces are packed end to end
//! (no padding), the linear layers run as int8 products on every core
//! (`kernel`, AVX2 when the CPU has it), attention runs per text over its
//! real length. Callers get each text's pooled embedding, and its word
//! pieces with their source spans and hidden states when they need them.
//! `reference` keeps the plain f32 path the fast one is tested against.

pub mod kernel;
mod model;
mod pair;
pub mod reference;
mod tagger;
pub mod tokenize;
mod weights;

pub use pair::PairJudge;
pub use tagger::{Tagger, TAGS};
pub use tokenize::{Token, Vocab, MAX_TOKENS};
pub use weights::ModelError;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The encoder's work since the process started (for `/metrics`).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Usage {
    pub texts: u64,
    pub pieces: u64,
    pub seconds: f64,
}

static TEXTS: AtomicU64 = AtomicU64::new(0);
static PIECES: AtomicU64 = AtomicU64::new(0);
static NANOS: AtomicU64 = AtomicU64::new(0);

/// What every encoder call so far has cost, together.
pub fn usage() -> Usage {
    Usage {
        texts: TEXTS.load(Ordering::Relaxed),
        pieces: PIECES.load(Ordering::Relaxed),
        seconds: NANOS.load(Ordering::Relaxed) as f64 * 1e-9,
    }
}

/// Dimensions of an embedding and of a hidden state.
pub const DIM: usize = 384;
/// Word pieces per forward pass at most: bounds a pass's memory (about 8 KB
/// per piece: the rows, their queries, keys and values, the attention's
/// output) so that a pass's rows stay mostly in cache, while keeping the
/// products large. Measured on the CLEF import: 1,024 against 4,096 and 512.
const PASS_TOKENS: usize = 1024;

static WEIGHTS: &[u8] = include_bytes!("../../models/minilm.bin");
static VOCAB: &str = include_str!("../../models/minilm-vocab.txt");

/// One text through the encoder.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// Its word pieces, [CLS] first and [SEP] last, with their source spans.
    pub tokens: Vec<Token>,
    /// The last layer's state per piece: `tokens.len()` rows of `DIM`.
    pub hidden: Vec<f32>,
    /// The mean of the states, unit length: the sentence embedding.
    pub embedding: Vec<f32>,
}

/// The model, loaded once.
pub struct Encoder {
    pub vocab: Vocab,
    model: model::Model,
}

impl Encoder {
    /// The shipped model, loaded on first use.
    pub fn get() -> &'static Encoder {
        static E: OnceLock<Encoder> = OnceLock::new();
        E.get_or_init(|| Encoder::load().expect("the shipped embedding model loads"))
    }

    fn load() -> Result<Encoder, ModelError> {
        let vocab = Vocab::parse(VOCAB).map_err(ModelError)?;
        let mut t = weights::Tensors::read(WEIGHTS)?;
        let model = model::Model::load(&mut t, vocab.len())?;
        Ok(Encoder { vocab, model })
    }

    /// A model fine-tuned from this one with its word table frozen, and so
    /// exported without it (the tagger, the paraphrase judge): the encoder
    /// it makes with the shared table, and the tensors it holds besides
    /// (its head).
    fn fine_tuned(bytes: &'static [u8]) -> Result<(Encoder, weights::Tensors), ModelError> {
        const WORDS: &str = "embeddings.word_embeddings.weight";
        let vocab = Vocab::parse(VOCAB).map_err(ModelError)?;
        let mut t = weights::Tensors::read(bytes)?;
        t.insert(WORDS, weights::Tensors::read(WEIGHTS)?.take(WORDS)?);
        let model = model::Model::load(&mut t, vocab.len())?;
        Ok((Encoder { vocab, model }, t))
    }

    /// The text's word pieces.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        self.vocab.tokenize(text)
    }

    /// Texts through the encoder, with their pieces and hidden states.
    pub fn encode_batch(&self, texts: &[&str]) -> Vec<Encoded> {
        let tokens: Vec<Vec<Token>> = texts.iter().map(|t| self.tokenize(t)).collect();
        let mut states = Vec::with_capacity(texts.len());
        self.each(&tokens, |h| states.push((h.to_vec(), pool(h))));
        tokens
            .into_iter()
            .zip(states)
            .map(|(tokens, (hidden, embedding))| Encoded {
                tokens,
                hidden,
                embedding,
            })
            .collect()
    }

    /// Texts' sentence embeddings (mean of the last layer, unit length).
    pub fn embed_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Vec<f32>> {
        let tokens: Vec<Vec<Token>> = texts.iter().map(|t| self.tokenize(t.as_ref())).collect();
        let mut out = Vec::with_capacity(texts.len());
        self.each(&tokens, |h| out.push(pool(h)));
        out
    }

    /// One text's sentence embedding.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_batch(&[text]).pop().unwrap_or_default()
    }

    /// Runs the texts' pieces through the model in passes of at most
    /// `PASS_TOKENS`, and hands `f` each text's hidden states, in order.
    fn each(&self, tokens: &[Vec<Token>], f: impl FnMut(&[f32])) {
        self.passes(tokens, false, f)
    }

    /// As [`Encoder::each`], handing `f` only each text's first state
    /// ([CLS]), which the model then works out alone in its last layer.
    fn each_first(&self, tokens: &[Vec<Token>], f: impl FnMut(&[f32])) {
        self.passes(tokens, true, f)
    }

    fn passes(&self, tokens: &[Vec<Token>], first_only: bool, mut f: impl FnMut(&[f32])) {
        let mut start = 0;
        while start < tokens.len() {
            let mut end = start;
            let mut n = 0;
            while end < tokens.len() && (end == start || n + tokens[end].len() <= PASS_TOKENS) {
                n += tokens[end].len();
                end += 1;
            }
            let ids: Vec<u32> = tokens[start..end].iter().flatten().map(|t| t.id).collect();
            let lens: Vec<usize> = tokens[start..end].iter().map(Vec::len).collect();
            // One hand-over to the pool per pass: the layers' parallel
            // parts then split among the pool's threads without waking a
            // caller outside it.
            let started = std::time::Instant::now();
            let hidden = rayon::scope(|_| {
                if first_only {
                    self.model.forward_first(&ids, &lens)
                } else {
                    self.model.forward(&ids, &lens)
                }
            });
            NANOS.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
            TEXTS.fetch_add(lens.len() as u64, Ordering::Relaxed);
            PIECES.fetch_add(ids.len() as u64, Ordering::Relaxed);
            if first_only {
                hidden.chunks_exact(DIM).for_each(&mut f);
            } else {
                let mut at = 0;
                for len in lens {
                    f(&hidden[at * DIM..(at + len) * DIM]);
                    at += len;
                }
            }
            start = end;
        }
    }
}

/// Mean of the rows, unit length (the sum, normalised, is the same vector).
fn pool(hidden: &[f32]) -> Vec<f32> {
    let mut sum = vec![0f32; DIM];
    for row in hidden.chunks_exact(DIM) {
        sum.iter_mut().zip(row).for_each(|(m, v)| *m += v);
    }
    let inv = 1.0 / sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    sum.iter().map(|v| v * inv).collect()
}

/// Cosine of two unit vectors: their dot product, summed in eight lanes so
/// the compiler can vectorise it (one running sum cannot be reordered).
#[inline(always)]
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut lanes = [0.0f32; 8];
    for (x, y) in a8.zip(b8) {
        for ((l, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *l += x * y;
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests;
