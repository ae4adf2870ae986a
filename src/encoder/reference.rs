//! The plain f32 forward pass, one text at a time through ndarray's matrix
//! product: the encoder as it was before the int8 runtime, kept as the
//! reference the fast path is tested against and benchmarked beside. Same
//! weights, same word pieces; only the arithmetic differs.

use super::model::{gelu, FFN, HEADS, LAYERS};
use super::weights::{ModelError, Tensors};
use super::{Encoder, Token, DIM, WEIGHTS};
use ndarray::{Array1, Array2, ArrayView2, Axis, Slice};
use std::sync::OnceLock;

struct Linear {
    /// (out, in), as trained.
    w: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn load(t: &mut Tensors, p: &str, out: usize, k: usize) -> Result<Linear, ModelError> {
        let w = t.rows(&format!("{p}.weight"), out, k)?.dense();
        Ok(Linear {
            w: Array2::from_shape_vec((out, k), w).map_err(|e| ModelError(e.to_string()))?,
            b: Array1::from(t.vector(&format!("{p}.bias"), out)?),
        })
    }

    fn apply(&self, x: &ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.w.t()) + &self.b
    }
}

struct Norm {
    g: Array1<f32>,
    b: Array1<f32>,
}

impl Norm {
    fn load(t: &mut Tensors, p: &str) -> Result<Norm, ModelError> {
        Ok(Norm {
            g: Array1::from(t.vector(&format!("{p}.weight"), DIM)?),
            b: Array1::from(t.vector(&format!("{p}.bias"), DIM)?),
        })
    }

    fn apply(&self, x: &mut Array2<f32>) {
        for mut row in x.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + 1e-12).sqrt();
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

/// The f32 model.
pub struct Reference {
    words: Array2<f32>,
    positions: Array2<f32>,
    token_type: Array1<f32>,
    norm: Norm,
    layers: Vec<Layer>,
}

impl Reference {
    /// Loaded on first use (tests and benchmarks only).
    pub fn get() -> &'static Reference {
        static R: OnceLock<Reference> = OnceLock::new();
        R.get_or_init(|| Reference::load().expect("the shipped embedding model loads"))
    }

    fn load() -> Result<Reference, ModelError> {
        let mut t = Tensors::read(WEIGHTS)?;
        let shape = |e: ndarray::ShapeError| ModelError(e.to_string());
        let (wr, _) = t.shape("embeddings.word_embeddings.weight")?;
        let words = t
            .rows("embeddings.word_embeddings.weight", wr, DIM)?
            .dense();
        let (pr, _) = t.shape("embeddings.position_embeddings.weight")?;
        let positions = t.vector("embeddings.position_embeddings.weight", pr * DIM)?;
        let token_type = t.vector("embeddings.token_type_embeddings.weight", 2 * DIM)?;
        let norm = Norm::load(&mut t, "embeddings.LayerNorm")?;
        let mut layers = Vec::new();
        for l in 0..LAYERS {
            let p = format!("encoder.layer.{l}");
            let a = format!("{p}.attention");
            layers.push(Layer {
                q: Linear::load(&mut t, &format!("{a}.self.query"), DIM, DIM)?,
                k: Linear::load(&mut t, &format!("{a}.self.key"), DIM, DIM)?,
                v: Linear::load(&mut t, &format!("{a}.self.value"), DIM, DIM)?,
                out: Linear::load(&mut t, &format!("{a}.output.dense"), DIM, DIM)?,
                norm1: Norm::load(&mut t, &format!("{a}.output.LayerNorm"))?,
                up: Linear::load(&mut t, &format!("{p}.intermediate.dense"), FFN, DIM)?,
                down: Linear::load(&mut t, &format!("{p}.output.dense"), DIM, FFN)?,
                norm2: Norm::load(&mut t, &format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Reference {
            words: Array2::from_shape_vec((wr, DIM), words).map_err(shape)?,
            positions: Array2::from_shape_vec((pr, DIM), positions).map_err(shape)?,
            token_type: Array1::from(token_type[..DIM].to_vec()),
            norm,
            layers,
        })
    }

    /// The last layer's states of one text's pieces (rows of `DIM`).
    pub fn hidden(&self, tokens: &[Token]) -> Array2<f32> {
        let n = tokens.len();
        let mut x = Array2::<f32>::zeros((n, DIM));
        for (i, t) in tokens.iter().enumerate() {
            let mut row = x.row_mut(i);
            row += &self.words.row(t.id as usize);
            row += &self.positions.row(i);
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
        x
    }

    /// One text's sentence embedding.
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let x = self.hidden(&Encoder::get().tokenize(text));
        let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(DIM));
        let norm = mean.dot(&mean).sqrt().max(1e-12);
        mean.iter().map(|v| v / norm).collect()
    }

    /// Many texts, split over the cores in two halves as before.
    pub fn embed_all(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if texts.len() < 2 || threads < 2 {
            return texts.iter().map(|t| self.embed(t)).collect();
        }
        let chunk = texts.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(|t| self.embed(t)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }
}
