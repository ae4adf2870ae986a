//! The shipped model file: all-MiniLM-L6-v2 (Apache-2.0) as written by
//! `scripts/export-minilm.py`: matrices as int8 rows with one f32 scale per
//! row, vectors as f32.

use std::collections::HashMap;

/// The model is damaged (it ships inside the binary, so this is a build bug).
#[derive(Debug, thiserror::Error)]
#[error("the embedding model is damaged: {0}")]
pub struct ModelError(pub String);

/// Int8 rows read in place from the shipped bytes, one f32 scale per row.
pub struct Rows {
    pub cols: usize,
    pub scales: Vec<f32>,
    pub values: &'static [u8],
}

impl Rows {
    pub fn rows(&self) -> usize {
        self.scales.len()
    }

    /// Row `r` as int8.
    pub fn row(&self, r: usize) -> impl Iterator<Item = i8> + '_ {
        self.values[r * self.cols..(r + 1) * self.cols]
            .iter()
            .map(|&v| v as i8)
    }

    /// Adds row `r`, dequantised, to `out`.
    pub fn add_row_to(&self, r: usize, out: &mut [f32]) {
        let s = self.scales[r];
        for (o, v) in out.iter_mut().zip(self.row(r)) {
            *o += f32::from(v) * s;
        }
    }

    /// Every value dequantised, row-major.
    pub fn dense(&self) -> Vec<f32> {
        (0..self.rows())
            .flat_map(|r| self.row(r).map(move |v| f32::from(v) * self.scales[r]))
            .collect()
    }
}

/// A tensor as shipped.
pub enum Tensor {
    /// f32 values, row-major, with their shape.
    Dense {
        rows: usize,
        cols: usize,
        values: Vec<f32>,
    },
    Quantised(Rows),
}

impl Tensor {
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Tensor::Dense { rows, cols, .. } => (*rows, *cols),
            Tensor::Quantised(r) => (r.rows(), r.cols),
        }
    }

    /// Every value as f32, row-major.
    pub fn dense(&self) -> Vec<f32> {
        match self {
            Tensor::Dense { values, .. } => values.clone(),
            Tensor::Quantised(r) => r.dense(),
        }
    }
}

/// Every tensor of the file, by name.
pub struct Tensors(HashMap<String, Tensor>);

impl Tensors {
    pub fn read(bytes: &'static [u8]) -> Result<Tensors, ModelError> {
        let bad = |m: &str| ModelError(m.to_string());
        let mut at = 8usize;
        if bytes.get(..8) != Some(b"CGMINILM".as_slice()) {
            return Err(bad("bad magic"));
        }
        let take = |at: &mut usize, n: usize| -> Result<&'static [u8], ModelError> {
            let s = bytes
                .get(*at..at.saturating_add(n))
                .ok_or_else(|| bad("truncated"))?;
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
            let name =
                String::from_utf8(take(&mut at, name_len)?.to_vec()).map_err(|_| bad("name"))?;
            let rows = u32_at(&mut at)? as usize;
            let cols = u32_at(&mut at)? as usize;
            let kind = take(&mut at, 1)?[0];
            let tensor = match kind {
                0 => Tensor::Dense {
                    rows,
                    cols,
                    values: f32s(take(&mut at, rows * cols * 4)?),
                },
                1 if cols > 0 => Tensor::Quantised(Rows {
                    cols,
                    scales: f32s(take(&mut at, rows * 4)?),
                    values: take(&mut at, rows * cols)?,
                }),
                _ => return Err(bad("tensor kind")),
            };
            out.insert(name, tensor);
        }
        Ok(Tensors(out))
    }

    /// Adds a tensor from another file (a fine-tuned model shares the
    /// encoder's word table rather than shipping its own copy).
    pub fn insert(&mut self, name: &str, t: Tensor) {
        self.0.insert(name.to_string(), t);
    }

    pub fn take(&mut self, name: &str) -> Result<Tensor, ModelError> {
        self.0
            .remove(name)
            .ok_or_else(|| ModelError(format!("missing {name}")))
    }

    /// A tensor's shape, leaving it in place.
    pub fn shape(&self, name: &str) -> Result<(usize, usize), ModelError> {
        self.0
            .get(name)
            .map(Tensor::shape)
            .ok_or_else(|| ModelError(format!("missing {name}")))
    }

    /// A tensor that must be int8 rows of a given shape.
    pub fn rows(&mut self, name: &str, rows: usize, cols: usize) -> Result<Rows, ModelError> {
        match self.take(name)? {
            Tensor::Quantised(r) if r.rows() == rows && r.cols == cols => Ok(r),
            t => Err(ModelError(format!(
                "{name} is not {rows}x{cols} int8 rows but {:?}",
                t.shape()
            ))),
        }
    }

    /// A vector of `len` f32 values.
    pub fn vector(&mut self, name: &str, len: usize) -> Result<Vec<f32>, ModelError> {
        let t = self.take(name)?;
        let v = t.dense();
        if v.len() != len {
            return Err(ModelError(format!(
                "{name} has {} values, not {len}",
                v.len()
            )));
        }
        Ok(v)
    }
}
