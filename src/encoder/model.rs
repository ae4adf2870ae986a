//! The forward pass over a packed batch: every text's word pieces laid end
//! to end as rows (no padding), the linear layers as int8 products over all
//! rows at once, attention within each text over its real length only.
//! Each linear layer quantises its inputs, multiplies and applies the
//! epilogue (bias, GELU, or residual and layer norm) while a block of rows
//! is in cache; after attention, a layer's three remaining products run
//! back to back on each block of rows, in one parallel pass.

use super::kernel::{self, Packed, QMAX};
use super::weights::{ModelError, Rows, Tensors};
use super::DIM;
use rayon::prelude::*;

pub const HEADS: usize = 12;
pub const LAYERS: usize = 6;
pub const FFN: usize = 1536;
const HEAD_DIM: usize = DIM / HEADS;
const EPS: f32 = 1e-12;
/// Rows per parallel task at least: below this, splitting costs more than
/// it saves.
const MIN_ROWS_PER_TASK: usize = 8;

pub struct Linear {
    /// The weights again, inputs x outputs, for a row's outliers.
    by_input: Vec<i8>,
    w: Packed,
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// From int8 rows (outputs x inputs) with their scales.
    fn new(parts: &[&Rows], bias: Vec<f32>) -> Linear {
        let k = parts[0].cols;
        let w: Vec<i8> = parts
            .iter()
            .flat_map(|r| (0..r.rows()).flat_map(move |i| r.row(i)))
            .collect();
        let scales: Vec<f32> = parts
            .iter()
            .flat_map(|r| r.scales.iter().copied())
            .collect();
        Linear {
            by_input: (0..k)
                .flat_map(|kk| (0..scales.len()).map(move |j| (j, kk)))
                .map(|(j, kk)| w[j * k + kk])
                .collect(),
            w: Packed::new(&w, scales.len(), k),
            scales,
            bias,
        }
    }

    fn load(t: &mut Tensors, names: &[&str], out: usize, k: usize) -> Result<Linear, ModelError> {
        let mut parts = Vec::new();
        let mut bias = Vec::new();
        for p in names {
            parts.push(t.rows(&format!("{p}.weight"), out, k)?);
            bias.extend(t.vector(&format!("{p}.bias"), out)?);
        }
        Ok(Linear::new(&parts.iter().collect::<Vec<_>>(), bias))
    }
}

/// Per row, this many of the largest activations are multiplied in f32
/// outside the int8 product: the residual stream of this model has a few
/// channels an order of magnitude above the rest, and they would otherwise
/// set every other channel's step.
const OUTLIERS: usize = 8;
/// How far above the row's root mean square an outlier is.
const OUTLIER_RMS: f32 = 3.0;

pub struct Norm {
    g: Vec<f32>,
    b: Vec<f32>,
}

impl Norm {
    fn load(t: &mut Tensors, p: &str) -> Result<Norm, ModelError> {
        Ok(Norm {
            g: t.vector(&format!("{p}.weight"), DIM)?,
            b: t.vector(&format!("{p}.bias"), DIM)?,
        })
    }

    #[inline(always)]
    fn apply(&self, row: &mut [f32]) {
        let n = row.len() as f32;
        let mean = kernel::sum8(row, |v| v) / n;
        let var = kernel::sum8(row, |v| (v - mean) * (v - mean)) / n;
        let inv = 1.0 / (var + EPS).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&self.g).zip(&self.b) {
            *v = (*v - mean) * inv * g + b;
        }
    }
}

struct Layer {
    qkv: Linear,
    out: Linear,
    norm1: Norm,
    up: Linear,
    down: Linear,
    norm2: Norm,
}

pub struct Model {
    pub words: Rows,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    norm: Norm,
    layers: Vec<Layer>,
}

/// What follows a linear layer, fused into its pass.
enum Then<'a> {
    Nothing,
    Gelu,
    /// Add the residual (rows as the output's, from the same first row)
    /// and normalise.
    AddNorm(&'a [f32], &'a Norm),
}

impl<'a> Then<'a> {
    /// The same, for the rows past the first `row` (of `n` outputs).
    fn past_rows(&self, row: usize, n: usize) -> Then<'a> {
        match *self {
            Then::Nothing => Then::Nothing,
            Then::Gelu => Then::Gelu,
            Then::AddNorm(res, norm) => Then::AddNorm(&res[row * n..], norm),
        }
    }
}

impl Model {
    pub fn load(t: &mut Tensors, vocab: usize) -> Result<Model, ModelError> {
        let words = match t.take("embeddings.word_embeddings.weight")? {
            super::weights::Tensor::Quantised(r) if r.cols == DIM && r.rows() >= vocab => r,
            _ => return Err(ModelError("the word table is not int8 rows".into())),
        };
        let (prows, pcols) = t.shape("embeddings.position_embeddings.weight")?;
        if pcols != DIM || prows < super::tokenize::MAX_TOKENS {
            return Err(ModelError("too few positions".into()));
        }
        let positions = t.vector("embeddings.position_embeddings.weight", prows * DIM)?;
        let token_type =
            t.vector("embeddings.token_type_embeddings.weight", 2 * DIM)?[..DIM].to_vec();
        let norm = Norm::load(t, "embeddings.LayerNorm")?;
        let mut layers: Vec<Layer> = Vec::new();
        for l in 0..LAYERS {
            let p = format!("encoder.layer.{l}");
            let a = format!("{p}.attention");
            let qkv = Linear::load(
                t,
                &[
                    &format!("{a}.self.query"),
                    &format!("{a}.self.key"),
                    &format!("{a}.self.value"),
                ],
                DIM,
                DIM,
            )?;
            let out = Linear::load(t, &[&format!("{a}.output.dense")], DIM, DIM)?;
            let norm1 = Norm::load(t, &format!("{a}.output.LayerNorm"))?;
            let up = Linear::load(t, &[&format!("{p}.intermediate.dense")], FFN, DIM)?;
            let down = Linear::load(t, &[&format!("{p}.output.dense")], DIM, FFN)?;
            let norm2 = Norm::load(t, &format!("{p}.output.LayerNorm"))?;
            layers.push(Layer {
                qkv,
                out,
                norm1,
                up,
                down,
                norm2,
            });
        }
        Ok(Model {
            words,
            positions,
            token_type,
            norm,
            layers,
        })
    }

    /// The last layer's hidden states of a batch: one row of `DIM` per word
    /// piece, texts end to end in order. `lens` are the texts' piece counts.
    pub fn forward(&self, ids: &[u32], lens: &[usize]) -> Vec<f32> {
        self.run(ids, lens, false)
    }

    /// Only each text's first row of the last layer (its [CLS] state, all
    /// a pair judge reads), one row of `DIM` per text: the last layer's
    /// attention and feed-forward part run for those rows alone (every
    /// layer before still needs every row, for the keys and values). Rows
    /// never mix outside attention and each query's attention is its own,
    /// so the rows are exactly `forward`'s first rows (a test).
    pub fn forward_first(&self, ids: &[u32], lens: &[usize]) -> Vec<f32> {
        self.run(ids, lens, true)
    }

    fn run(&self, ids: &[u32], lens: &[usize], first_only: bool) -> Vec<f32> {
        let t = ids.len();
        debug_assert_eq!(lens.iter().sum::<usize>(), t);
        let mut x = vec![0f32; t * DIM];
        let mut at = 0;
        for &len in lens {
            for i in 0..len {
                let row = &mut x[(at + i) * DIM..(at + i + 1) * DIM];
                self.words.add_row_to(ids[at + i] as usize, row);
                let pos = &self.positions[i * DIM..(i + 1) * DIM];
                for ((v, p), y) in row.iter_mut().zip(pos).zip(&self.token_type) {
                    *v += p + y;
                }
                self.norm.apply(row);
            }
            at += len;
        }
        // Every layer writes into the same buffers: zeroing fresh ones for
        // each product cost more than a tenth of a pass.
        let mut qkv = vec![0f32; t * 3 * DIM];
        let mut ctx = vec![0f32; t * DIM];
        let (last, before) = self.layers.split_last().expect("the model has layers");
        for l in before {
            linear(&x, &l.qkv, Then::Nothing, &mut qkv);
            attention(&qkv, lens, &mut ctx);
            feed_forward(&ctx, l, &mut x);
        }
        linear(&x, &last.qkv, Then::Nothing, &mut qkv);
        if !first_only {
            attention(&qkv, lens, &mut ctx);
            feed_forward(&ctx, last, &mut x);
            return x;
        }
        // A text of no pieces (none reach here: every text has [CLS]) keeps
        // a zero row rather than borrow the next text's.
        let mut first_ctx = vec![0f32; lens.len() * DIM];
        attention_first(&qkv, lens, &mut first_ctx);
        let mut first = vec![0f32; lens.len() * DIM];
        for ((row, at), &len) in first.chunks_exact_mut(DIM).zip(starts(lens)).zip(lens) {
            if len > 0 {
                row.copy_from_slice(&x[at * DIM..(at + 1) * DIM]);
            }
        }
        feed_forward(&first_ctx, last, &mut first);
        first
    }
}

/// Rows per parallel task for `m` rows: the work split evenly over the
/// pool in whole tiles (measured: 24 rows went faster as 16 + 8 than as
/// 12 + 12, two short tiles costing more than one full one).
fn rows_per_task(m: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    m.div_ceil(threads)
        .max(MIN_ROWS_PER_TASK)
        .div_ceil(kernel::TILE_ROWS)
        * kernel::TILE_ROWS
}

/// `x` (rows of `lin`'s inputs) through `lin`, then `then`, into `y`
/// (rows of its outputs).
fn linear(x: &[f32], lin: &Linear, then: Then, y: &mut [f32]) {
    let (k, n) = (lin.w.k(), lin.w.n());
    let m = x.len() / k;
    debug_assert_eq!(y.len(), m * n);
    let per = rows_per_task(m);
    y.par_chunks_mut(per * n)
        .enumerate()
        .for_each(|(task, out)| {
            let from = task * per;
            let then = then.past_rows(from, n);
            // Taken out of the thread's slot and put back: the row math
            // must be inlined into `simd`, not into the slot's accessor.
            let mut scratch = SCRATCH.take();
            kernel::simd(
                #[inline(always)]
                || linear_rows(&x[from * k..], lin, &then, out, &mut scratch.work),
            );
            SCRATCH.set(scratch);
        });
}

/// The rest of a layer after attention, row block by row block: the
/// attention's output projection, residual and norm, the feed-forward up
/// projection and GELU, the down projection, residual and norm. No row
/// needs another row here, so a block's 1,536-wide intermediate stays in
/// cache instead of going out to memory and back for the whole batch.
fn feed_forward(ctx: &[f32], l: &Layer, x: &mut [f32]) {
    let m = x.len() / DIM;
    let per = rows_per_task(m);
    x.par_chunks_mut(per * DIM)
        .enumerate()
        .for_each(|(task, xs)| {
            let from = task * per;
            let mut scratch = SCRATCH.take();
            kernel::simd(
                #[inline(always)]
                || {
                    let Scratch { work, h, up } = &mut scratch;
                    for (block, xb) in xs.chunks_mut(kernel::ROW_BLOCK * DIM).enumerate() {
                        let rows = xb.len() / DIM;
                        let at = from + block * kernel::ROW_BLOCK;
                        at_least(h, rows * DIM);
                        at_least(up, rows * FFN);
                        let (h, up) = (&mut h[..rows * DIM], &mut up[..rows * FFN]);
                        let cb = &ctx[at * DIM..(at + rows) * DIM];
                        linear_rows(cb, &l.out, &Then::AddNorm(xb, &l.norm1), h, work);
                        linear_rows(h, &l.up, &Then::Gelu, up, work);
                        linear_rows(up, &l.down, &Then::AddNorm(h, &l.norm2), xb, work);
                    }
                },
            );
            SCRATCH.set(scratch);
        });
}

/// A thread's working buffers, kept from one product to the next: they are
/// overwritten before they are read, so they are never zeroed again.
#[derive(Default)]
struct Scratch {
    work: Work,
    /// A block's rows after attention and its norm.
    h: Vec<f32>,
    /// A block's rows inside the feed-forward part.
    up: Vec<f32>,
}

/// One product's buffers for a block of rows.
#[derive(Default)]
struct Work {
    q: Vec<u8>,
    acc: Vec<i32>,
    rows: Vec<Quantised>,
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::default();
}

/// `v` at least `len` long.
fn at_least<T: Clone + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() < len {
        v.resize(len, T::default());
    }
}

/// Rows of one linear layer, from `x`'s first row, into `out` (as many as
/// it holds): quantise, multiply, then the epilogue, a block of `ROW_BLOCK`
/// rows at a time so the block is in cache throughout and the scratch stays
/// small.
#[inline(always)]
fn linear_rows(x: &[f32], lin: &Linear, then: &Then, out: &mut [f32], b: &mut Work) {
    let (k, n) = (lin.w.k(), lin.w.n());
    let stride = lin.w.stride();
    at_least(&mut b.q, kernel::ROW_BLOCK * stride);
    at_least(&mut b.acc, kernel::ROW_BLOCK * n);
    for (block, out) in out.chunks_mut(kernel::ROW_BLOCK * n).enumerate() {
        let r0 = block * kernel::ROW_BLOCK;
        let rows = out.len() / n;
        b.rows.clear();
        let q = &mut b.q[..rows * stride];
        for i in 0..rows {
            let xr = &x[(r0 + i) * k..(r0 + i + 1) * k];
            let qr = &mut q[i * stride..(i + 1) * stride];
            // The padding past `k` meets zero weights, but must be 7-bit.
            qr[k..].fill(0);
            b.rows.push(quantise(xr, &mut qr[..k]));
        }
        let acc = &mut b.acc[..rows * n];
        kernel::gemm(q, rows, &lin.w, acc);
        epilogue(x, lin, then, r0, &b.rows, acc, out);
    }
}

/// Dequantise a block's products, add the outliers' share and the bias
/// (one pass over each output row), then apply `then`.
#[inline(always)]
fn epilogue(
    x: &[f32],
    lin: &Linear,
    then: &Then,
    r0: usize,
    rows: &[Quantised],
    acc: &[i32],
    out: &mut [f32],
) {
    let (k, n) = (lin.w.k(), lin.w.n());
    let sums = lin.w.col_sums();
    for (i, q) in rows.iter().enumerate() {
        let row = &mut out[i * n..(i + 1) * n];
        let c = &acc[i * n..(i + 1) * n];
        let xr = &x[(r0 + i) * k..(r0 + i + 1) * k];
        // The outliers' values and weight rows (the valid ones sort first).
        let count = q.outliers.iter().take_while(|&&o| o < k).count();
        let xo: [f32; OUTLIERS] =
            std::array::from_fn(|j| if j < count { xr[q.outliers[j]] } else { 0.0 });
        let wo: [&[i8]; OUTLIERS] = std::array::from_fn(|j| {
            let o = if j < count { q.outliers[j] } else { 0 };
            &lin.by_input[o * n..(o + 1) * n]
        });
        let dq = Dequantise {
            c,
            sums,
            scales: &lin.scales,
            bias: &lin.bias,
            scale: q.scale,
            zero: q.zero,
        };
        match count {
            0 => dq.row::<0>(&xo, &wo, row),
            1 => dq.row::<1>(&xo, &wo, row),
            2 => dq.row::<2>(&xo, &wo, row),
            3 => dq.row::<3>(&xo, &wo, row),
            4 => dq.row::<4>(&xo, &wo, row),
            5 => dq.row::<5>(&xo, &wo, row),
            6 => dq.row::<6>(&xo, &wo, row),
            7 => dq.row::<7>(&xo, &wo, row),
            _ => dq.row::<8>(&xo, &wo, row),
        }
        match then {
            Then::Nothing => {}
            Then::Gelu => row.iter_mut().for_each(|v| *v = gelu(*v)),
            Then::AddNorm(res, norm) => {
                let r = &res[(r0 + i) * n..(r0 + i + 1) * n];
                row.iter_mut().zip(r).for_each(|(v, r)| *v += r);
                norm.apply(row);
            }
        }
    }
}

/// One output row's products, dequantised: its sums of int8 products, the
/// weights' column sums, scales and bias, and the row's own scale and zero.
struct Dequantise<'a> {
    c: &'a [i32],
    sums: &'a [i32],
    scales: &'a [f32],
    bias: &'a [f32],
    scale: f32,
    zero: i32,
}

impl Dequantise<'_> {
    /// `row` = the products dequantised, the first `N` outliers' share
    /// added in f32. `N` fixed, so one loop over the row vectorises with
    /// the outliers unrolled inside it. Measured on BBC: a loop over the
    /// row per outlier cost 1.4 times as much, and fixed 16-wide steps over
    /// the arrays (which the compiler left scalar) 2.5 times.
    #[inline(always)]
    fn row<const N: usize>(&self, xo: &[f32; OUTLIERS], wo: &[&[i8]; OUTLIERS], row: &mut [f32]) {
        let n = row.len();
        let (c, sums, scales, bias) = (
            &self.c[..n],
            &self.sums[..n],
            &self.scales[..n],
            &self.bias[..n],
        );
        let wo: [&[i8]; N] = std::array::from_fn(|t| &wo[t][..n]);
        let (scale, zero) = (self.scale, self.zero);
        for j in 0..n {
            let mut extra = 0f32;
            for t in 0..N {
                extra += xo[t] * f32::from(wo[t][j]);
            }
            row[j] = scales[j] * (scale * (c[j] - zero * sums[j]) as f32 + extra) + bias[j];
        }
    }
}

/// A row as `quantise` reads its channels above the bar: one mask per
/// `kernel::STEP` channels, for rows of up to this many.
const MASKED: usize = 2048;

/// A row of activations as the int8 product reads it: value = scale x
/// (q - zero), except for the outliers, which are multiplied in f32.
#[derive(Clone, Copy)]
struct Quantised {
    scale: f32,
    zero: i32,
    /// Sorted; `usize::MAX` fills the unused places.
    outliers: [usize; OUTLIERS],
}

/// A row as unsigned 7-bit values with a scale and a zero point (zero is
/// always one of the levels, so it is exact), its outliers left out: the
/// channels above `OUTLIER_RMS` times the row's root mean square, at most
/// `OUTLIERS` of them, the largest first. They get the zero point and count
/// for nothing in the product. Two passes over the row: its size, then the
/// range with a mask of the channels above the bar (vectorised in
/// `kernel`); the few above it are then visited one by one; then the
/// rounding.
#[inline(always)]
fn quantise(x: &[f32], q: &mut [u8]) -> Quantised {
    let rms = (kernel::sum_squares(x) / x.len().max(1) as f32).sqrt();
    let bar = OUTLIER_RMS * rms;
    let min = |a: f32, b: f32| if b < a { b } else { a };
    let max = |a: f32, b: f32| if b > a { b } else { a };
    // The largest channels above the bar, largest first, kept by insertion
    // (no allocation per row); those above the bar that do not stay among
    // them count in the range (`out_lo`, `out_hi`).
    let mut top = [(0f32, usize::MAX); OUTLIERS];
    let (mut lo, mut hi) = (0f32, 0f32);
    let (mut out_lo, mut out_hi) = (0f32, 0f32);
    let mut masks = [0u16; MASKED / kernel::STEP];
    for (part, xs) in x.chunks(MASKED).enumerate() {
        let (l, h) = kernel::range_within(xs, bar, &mut masks);
        (lo, hi) = (min(lo, l), max(hi, h));
        for (c, &mask) in masks[..xs.len().div_ceil(kernel::STEP)].iter().enumerate() {
            let mut above = u32::from(mask);
            while above != 0 {
                let at = part * MASKED + c * kernel::STEP + above.trailing_zeros() as usize;
                above &= above - 1;
                if let Some(left) = keep_largest(&mut top, x[at].abs(), at) {
                    out_lo = min(out_lo, x[left]);
                    out_hi = max(out_hi, x[left]);
                }
            }
        }
    }
    let lo = min(lo, out_lo);
    let hi = max(hi, out_hi);
    let mut outliers = top.map(|(_, k)| k);
    outliers.sort_unstable();
    let range = hi - lo;
    if range <= 0.0 || !range.is_finite() {
        q.fill(0);
        return Quantised {
            scale: 0.0,
            zero: 0,
            outliers,
        };
    }
    let top = f32::from(QMAX);
    let scale = range / top;
    let inv = 1.0 / scale;
    // Zero is in the range, so it is one of the levels, exactly.
    let zero = round_even((-lo * inv).clamp(0.0, top));
    for (o, &v) in q.iter_mut().zip(x) {
        *o = round_even_bits((v * inv + zero).clamp(0.0, top)) as u8;
    }
    for &o in outliers.iter().take_while(|&&o| o < x.len()) {
        q[o] = zero as u8;
    }
    Quantised {
        scale,
        zero: zero as i32,
        outliers,
    }
}

/// Offers channel `at` of magnitude `a` to `top` (the largest so far,
/// largest first; an earlier channel stays ahead of an equal one). Returns
/// the channel that is not among them: `at` itself, or the one it pushed
/// out (none while `top` still had free places).
#[inline(always)]
fn keep_largest(top: &mut [(f32, usize); OUTLIERS], a: f32, at: usize) -> Option<usize> {
    // Not `a <= least`: a NaN is never kept, as before.
    if a > top[OUTLIERS - 1].0 {
        let pushed_out = top[OUTLIERS - 1].1;
        let mut i = OUTLIERS - 1;
        while i > 0 && top[i - 1].0 < a {
            top[i] = top[i - 1];
            i -= 1;
        }
        top[i] = (a, at);
        return (pushed_out != usize::MAX).then_some(pushed_out);
    }
    Some(at)
}

/// Self-attention within each text: `qkv` holds each row's query, key and
/// value side by side; `ctx` gets each row's context, heads side by side.
fn attention(qkv: &[f32], lens: &[usize], ctx: &mut [f32]) {
    debug_assert_eq!(ctx.len(), lens.iter().sum::<usize>() * DIM);
    let threads = rayon::current_num_threads().max(1);
    if lens.len() >= TEXTS_PER_THREAD * threads {
        // Many texts (claims, pairs): one task per text, its heads written
        // straight into its rows with the thread's buffers. A task per head
        // cost four allocations of a few KB each, 72 per text, and in a
        // process whose heap the store's caches have fragmented, those were
        // most of what the encoder spent in malloc.
        let mut texts: Vec<(usize, &mut [f32])> = Vec::with_capacity(lens.len());
        let (mut rest, mut at) = (ctx, 0);
        for &l in lens {
            let (text, after) = rest.split_at_mut(l * DIM);
            texts.push((at, text));
            (rest, at) = (after, at + l);
        }
        texts.into_par_iter().for_each(|(s, out)| {
            let len = out.len() / DIM;
            let mut scratch = HEAD_SCRATCH.take();
            kernel::simd(
                #[inline(always)]
                || {
                    for h in 0..HEADS {
                        let part = head(qkv, s, len, len, h, &mut scratch);
                        for (row, part) in
                            out.chunks_exact_mut(DIM).zip(part.chunks_exact(HEAD_DIM))
                        {
                            row[h * HEAD_DIM..(h + 1) * HEAD_DIM].copy_from_slice(part);
                        }
                    }
                },
            );
            HEAD_SCRATCH.set(scratch);
        });
        return;
    }
    let starts = starts(lens);
    // Few texts: one task per text and head, so a single text still uses
    // every core.
    let parts: Vec<(usize, usize, Vec<f32>)> = starts
        .par_iter()
        .zip(lens)
        .flat_map_iter(|(&s, &l)| (0..HEADS).map(move |h| (s, l, h)))
        .map(|(s, l, h)| {
            let mut scratch = HEAD_SCRATCH.take();
            let part = kernel::simd(
                #[inline(always)]
                || head(qkv, s, l, l, h, &mut scratch).to_vec(),
            );
            HEAD_SCRATCH.set(scratch);
            (s, h, part)
        })
        .collect();
    for (s, h, part) in parts {
        for (i, row) in part.chunks_exact(HEAD_DIM).enumerate() {
            ctx[(s + i) * DIM + h * HEAD_DIM..(s + i) * DIM + (h + 1) * HEAD_DIM]
                .copy_from_slice(row);
        }
    }
}

/// Self-attention for each text's first row only: `ctx` gets one row per
/// text, the row `attention` gives that text's first piece.
fn attention_first(qkv: &[f32], lens: &[usize], ctx: &mut [f32]) {
    debug_assert_eq!(ctx.len(), lens.len() * DIM);
    ctx.par_chunks_mut(DIM)
        .zip(starts(lens).into_par_iter().zip(lens))
        .filter(|(_, (_, &len))| len > 0)
        .for_each(|(row, (s, &len))| {
            let mut scratch = HEAD_SCRATCH.take();
            kernel::simd(
                #[inline(always)]
                || {
                    for h in 0..HEADS {
                        let part = head(qkv, s, len, 1, h, &mut scratch);
                        row[h * HEAD_DIM..(h + 1) * HEAD_DIM].copy_from_slice(part);
                    }
                },
            );
            HEAD_SCRATCH.set(scratch);
        });
}

/// Each text's first row in a batch of texts laid end to end.
fn starts(lens: &[usize]) -> Vec<usize> {
    lens.iter()
        .scan(0, |at, &l| {
            let s = *at;
            *at += l;
            Some(s)
        })
        .collect()
}

/// Texts per thread from which attention runs one task per text rather
/// than one per text and head.
const TEXTS_PER_THREAD: usize = 4;

/// A thread's buffers for one head's attention, kept between heads: each
/// is overwritten (or zeroed where it must be) before it is read.
#[derive(Default)]
struct HeadScratch {
    values: Vec<[f32; HEAD_DIM]>,
    keys_t: Vec<[[f32; KEY_BLOCK]; HEAD_DIM]>,
    /// Scores, then weights, of a block of queries.
    p: Vec<f32>,
    out: Vec<f32>,
}

thread_local! {
    static HEAD_SCRATCH: std::cell::Cell<HeadScratch> = std::cell::Cell::default();
}

/// Keys per block of a head's scores: one 16-lane vector.
const KEY_BLOCK: usize = 16;

/// One head over one text of `len` rows from `start`: its rows of
/// `HEAD_DIM`, in `s.out`.
#[inline(always)]
fn head<'s>(
    qkv: &[f32],
    start: usize,
    len: usize,
    queries: usize,
    h: usize,
    s: &'s mut HeadScratch,
) -> &'s [f32] {
    let HeadScratch {
        values,
        keys_t,
        p,
        out,
    } = s;
    let w = 3 * DIM;
    let at = |row: usize, which: usize| (start + row) * w + which * DIM + h * HEAD_DIM;
    // Fixed-width value rows: the weighted sum stays in vector registers.
    values.clear();
    values.extend((0..len).map(|j| -> [f32; HEAD_DIM] {
        qkv[at(j, 2)..at(j, 2) + HEAD_DIM]
            .try_into()
            .expect("a head's width")
    }));
    // Keys transposed in blocks of KEY_BLOCK, one row per dimension (the
    // last block padded with zero keys): a block of a query's scores is
    // summed in one register over the dimensions and stored once, with no
    // horizontal adds; summing whole rows of scores through memory, one
    // dimension at a time, re-read and re-wrote them HEAD_DIM times.
    let blocks = len.div_ceil(KEY_BLOCK);
    keys_t.clear();
    keys_t.resize(blocks, [[0f32; KEY_BLOCK]; HEAD_DIM]);
    for j in 0..len {
        let block = &mut keys_t[j / KEY_BLOCK];
        for (d, &v) in qkv[at(j, 1)..at(j, 1) + HEAD_DIM].iter().enumerate() {
            block[d][j % KEY_BLOCK] = v;
        }
    }
    let scale = 1.0 / (HEAD_DIM as f32).sqrt();
    // Every row of `out` and every score read is written first.
    let queries = queries.min(len);
    out.resize(queries * HEAD_DIM, 0.0);
    let out = &mut out[..queries * HEAD_DIM];
    if kernel::blocked_attention() {
        blocked(qkv, &at, scale, keys_t, values, p, out);
        return out;
    }
    p.resize(blocks * KEY_BLOCK, 0.0);
    let p = &mut p[..blocks * KEY_BLOCK];
    for i in 0..queries {
        let q: [f32; HEAD_DIM] = std::array::from_fn(|d| qkv[at(i, 0) + d] * scale);
        for (scores, block) in p.chunks_exact_mut(KEY_BLOCK).zip(keys_t.iter()) {
            let mut acc = [0f32; KEY_BLOCK];
            for (&qd, kd) in q.iter().zip(block) {
                for t in 0..KEY_BLOCK {
                    acc[t] += qd * kd[t];
                }
            }
            scores.copy_from_slice(&acc);
        }
        // The padding's scores are not keys: left out from here on.
        let p = &mut p[..len];
        let max = max16(p);
        for v in p.iter_mut() {
            *v = fast_exp(*v - max);
        }
        let inv = 1.0 / kernel::sum8(p, |v| v);
        // Fixed-width rows and a local sum: the compiler keeps it in
        // vector registers.
        let mut acc = [0f32; HEAD_DIM];
        for (&pj, v) in p.iter().zip(values.iter()) {
            for d in 0..HEAD_DIM {
                acc[d] += pj * v[d];
            }
        }
        for (o, a) in out[i * HEAD_DIM..(i + 1) * HEAD_DIM].iter_mut().zip(acc) {
            *o = a * inv;
        }
    }
    out
}

/// A head's attention for all its queries (one per value row), eight at a time
/// through the kernel's blocked products (past the last row, a block repeats it).
#[inline(always)]
fn blocked(
    qkv: &[f32],
    at: &impl Fn(usize, usize) -> usize,
    scale: f32,
    keys_t: &[[[f32; KEY_BLOCK]; HEAD_DIM]],
    values: &[[f32; HEAD_DIM]],
    p: &mut Vec<f32>,
    out: &mut [f32],
) {
    const G: usize = kernel::QUERIES;
    let len = values.len();
    let width = keys_t.len() * KEY_BLOCK;
    // Each query's row of scores is written whole before it is read.
    p.resize(G * width, 0.0);
    let p = &mut p[..G * width];
    let mut block = [[0f32; KEY_BLOCK]; G];
    let mut sums = [[0f32; HEAD_DIM]; G];
    // The first `queries` rows only (`out` holds theirs); a block's
    // queries past them are worked out and dropped, as past the last row.
    let queries = out.len() / HEAD_DIM;
    for i0 in (0..queries).step_by(G) {
        let q: [[f32; HEAD_DIM]; G] = std::array::from_fn(|g| {
            let i = (i0 + g).min(len - 1);
            std::array::from_fn(|d| qkv[at(i, 0) + d] * scale)
        });
        for (b, keys) in keys_t.iter().enumerate() {
            kernel::scores(&q, keys, &mut block);
            for (g, s) in block.iter().enumerate() {
                p[g * width + b * KEY_BLOCK..][..KEY_BLOCK].copy_from_slice(s);
            }
        }
        // The padding's scores are not keys: left out from here on.
        let mut inv = [0f32; G];
        for (g, inv) in inv.iter_mut().enumerate() {
            let p = &mut p[g * width..g * width + len];
            let max = max16(p);
            for v in p.iter_mut() {
                *v = fast_exp(*v - max);
            }
            *inv = 1.0 / kernel::sum8(p, |v| v);
        }
        kernel::weighted(p, width, values, &mut sums);
        for (g, (s, inv)) in sums.iter().zip(inv).enumerate().take(queries - i0) {
            let i = i0 + g;
            for (o, a) in out[i * HEAD_DIM..(i + 1) * HEAD_DIM].iter_mut().zip(s) {
                *o = a * inv;
            }
        }
    }
}

const _: () = assert!(HEAD_DIM == kernel::HEAD && KEY_BLOCK == kernel::KEYS);

/// The largest of `x` (negative infinity if empty), in sixteen lanes: one
/// running maximum is a chain of dependent scalar instructions.
#[inline(always)]
fn max16(x: &[f32]) -> f32 {
    let max = |a: f32, b: f32| if b > a { b } else { a };
    let chunks = x.chunks_exact(16);
    let tail = chunks
        .remainder()
        .iter()
        .fold(f32::NEG_INFINITY, |m, &v| max(m, v));
    let mut lanes = [f32::NEG_INFINITY; 16];
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l = max(*l, v);
        }
    }
    lanes.iter().fold(tail, |m, &v| max(m, v))
}

/// 1.5 x 2^23: added to a float of magnitude below 2^22, it leaves the
/// nearest integer (ties to even, the FPU's rounding) in the low mantissa
/// bits. Plain adds and bit moves vectorise; a call to `rintf` does not.
const ROUNDER: f32 = 12_582_912.0;

/// `x` rounded to the nearest integer, ties to even, for |x| < 2^22.
#[inline(always)]
fn round_even(x: f32) -> f32 {
    (x + ROUNDER) - ROUNDER
}

/// `x` rounded as [`round_even`], as an integer, for |x| < 2^22.
#[inline(always)]
fn round_even_bits(x: f32) -> i32 {
    ((x + ROUNDER).to_bits() as i32) - (ROUNDER.to_bits() as i32)
}

/// e^x for x <= 0 to about 2e-7 relative: 2^n times a polynomial on the
/// remainder, branch-free so loops over it vectorise.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E;
    let (n, ni) = (round_even(t), round_even_bits(t));
    // ln 2 in two parts (Cody and Waite), so n ln 2 is exact enough.
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    // Taylor to the 6th power on |r| <= ln2/2.
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    p * f32::from_bits(((ni + 127) as u32) << 23)
}

/// GELU with erf. Erf as a rational function of x on [-4, 4] (beyond
/// it, erf is 1 in f32): the minimax fit Eigen and TensorFlow use, about
/// 1e-7 absolute, with no exponential and no branch, so loops over it
/// vectorise.
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    let z = (x * std::f32::consts::FRAC_1_SQRT_2).clamp(-4.0, 4.0);
    let z2 = z * z;
    let mut p = z2 * -2.726_142_3e-10 + 2.770_681_4e-8;
    p = z2 * p - 2.101_024e-6;
    p = z2 * p - 5.692_506_4e-5;
    p = z2 * p - 7.349_906_3e-4;
    p = z2 * p - 2.954_6e-3;
    p = z2 * p - 1.609_603_3e-2;
    let mut q = z2 * -1.456_607_2e-5 - 2.133_740_6e-4;
    q = z2 * q - 1.682_827e-3;
    q = z2 * q - 7.373_329_3e-3;
    q = z2 * q - 1.426_473_9e-2;
    0.5 * x * (1.0 + z * p / q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_and_gelu_match_the_library_functions() {
        for i in -2000..=200 {
            let x = i as f32 * 0.05;
            let (e, f) = (x.exp(), fast_exp(x));
            assert!((e - f).abs() <= 1e-6 * e.max(1e-30) + 1e-37, "{x}: {e} {f}");
        }
        assert!(gelu(-10.0).abs() < 1e-6 && (gelu(10.0) - 10.0).abs() < 1e-5);
        assert!(gelu(-6.0).abs() < 1e-6 && (gelu(6.0) - 6.0).abs() < 1e-5);
        for i in -80..=80 {
            let x = i as f32 * 0.05;
            let erf_gelu = 0.5 * x * (1.0 + erf(x / 2f32.sqrt()));
            assert!((gelu(x) - erf_gelu).abs() < 1e-5, "{x}");
        }
    }

    /// erf by its series, slow and plain, for the test only.
    fn erf(x: f32) -> f32 {
        let x = f64::from(x);
        let mut sum = 0.0;
        let mut term = x;
        for n in 0..200 {
            sum += term / (2 * n + 1) as f64;
            term *= -x * x / (n + 1) as f64;
        }
        (sum * 2.0 / std::f64::consts::PI.sqrt()) as f32
    }

    #[test]
    fn outliers_are_the_largest_channels_above_the_bar() {
        let mut seed = 7u64;
        for n in [4usize, 40, 384, 1536] {
            let x: Vec<f32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    let u = (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                    // Heavy tails: a few channels far above the rest.
                    u * u * u * 200.0
                })
                .collect();
            let bar = OUTLIER_RMS * (x.iter().map(|v| v * v).sum::<f32>() / n as f32).sqrt();
            let mut by_size: Vec<usize> = (0..n).filter(|&k| x[k].abs() > bar).collect();
            by_size.sort_by(|&a, &b| x[b].abs().total_cmp(&x[a].abs()));
            by_size.truncate(OUTLIERS);
            by_size.sort_unstable();
            let mut q = vec![0u8; n];
            let r = quantise(&x, &mut q);
            let found: Vec<usize> = r.outliers.into_iter().filter(|&k| k < n).collect();
            assert_eq!(found, by_size, "{n} channels");
            // The rest set the range: every other channel within half a
            // step, the outliers at the zero point.
            for (kk, (&v, &qv)) in x.iter().zip(&q).enumerate() {
                if found.contains(&kk) {
                    assert_eq!(i32::from(qv), r.zero);
                } else {
                    let back = r.scale * (i32::from(qv) - r.zero) as f32;
                    assert!((back - v).abs() <= r.scale * 0.5001 + 1e-6, "{n}: {kk}");
                }
            }
        }
    }

    #[test]
    fn the_laned_maximum_is_the_largest_value_at_every_length() {
        assert_eq!(max16(&[]), f32::NEG_INFINITY);
        let mut seed = 11u64;
        for n in 1..70 {
            let x: Vec<f32> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 40) as f32 / 16_777_216.0 - 0.5) * 50.0
                })
                .collect();
            let want = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            assert_eq!(max16(&x), want, "length {n}");
        }
    }

    #[test]
    fn the_vectorised_rounding_is_the_fpus_ties_to_even() {
        for i in -40_000..=40_000 {
            let x = i as f32 * 0.0125;
            assert_eq!(round_even(x), x.round_ties_even(), "{x}");
            assert_eq!(round_even_bits(x), x.round_ties_even() as i32, "{x}");
        }
        for x in [0.5f32, 1.5, 2.5, -0.5, -1.5, 126.5, 127.0, 4_000_000.5] {
            assert_eq!(round_even(x), x.round_ties_even(), "{x}");
        }
    }

    #[test]
    fn quantised_rows_keep_zero_exact_and_stay_within_half_a_step() {
        let x: Vec<f32> = (0..384)
            .map(|i| ((i * 37 % 101) as f32 - 30.0) * 0.07)
            .collect();
        let mut q = vec![0u8; 384];
        let Quantised {
            scale: s,
            zero: z,
            outliers,
        } = quantise(&x, &mut q);
        // Smooth values: no outliers.
        assert!(outliers.iter().all(|&o| o == usize::MAX));
        assert!(q.iter().all(|&v| v <= QMAX));
        for (&v, &qv) in x.iter().zip(&q) {
            assert!((s * (i32::from(qv) - z) as f32 - v).abs() <= s * 0.5 + 1e-6);
        }
        let mut q = vec![9u8; 4];
        let r = quantise(&[0.0; 4], &mut q);
        assert_eq!((r.scale, r.zero), (0.0, 0));
        assert_eq!(q, [0; 4]);
    }
}
