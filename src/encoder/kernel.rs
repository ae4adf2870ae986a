//! Int8 matrix products, the encoder's hot loop, and the one module allowed
//! unsafe code: AMX tiles (inline assembly), AVX-512 VNNI or AVX2
//! intrinsics, chosen at run time, with a portable path that gives
//! bit-identical results (integer sums) on any CPU.
//!
//! Activations are unsigned 7-bit (0..=127) and weights signed 8-bit: AVX2's
//! `vpmaddubsw` adds two u8 x i8 products into an i16, and with 7-bit
//! activations that sum (at most 2 x 127 x 127) cannot saturate. VNNI's
//! `vpdpbusd` adds four products straight into an i32 (exact either way), so
//! every kernel gives the same sums. AMX's `tdpbusd` multiplies the same u8 x i8
//! pairs into i32 without saturating, so it does too.
//!
//! Audit notes: every pointer read or write below is inside a slice whose
//! length is asserted at the safe entry point (`gemm`); the packed weights are
//! padded to whole panels and whole groups of four, so the kernels never
//! read past them; the AVX2 kernel reads rows past `m` from a zeroed scratch
//! copy, the AVX-512 one runs a tile of exactly the rows left. The AMX
//! kernel reads whole 32 x 64-byte blocks of activations and writes whole
//! 32 x 32 blocks of sums: its weights are padded to whole 64-deep steps
//! (so are the activations' rows: `Packed::stride`), a short last block of
//! rows is read from a zeroed copy and a block past the last row or column
//! is written to a scratch block and copied out. Tile registers are used
//! only inside `amx`, which configures them on entry and releases them on
//! exit; the compiler never touches them.
//!
//! The row passes of quantising (`sum_squares`, `range_within`) load 16
//! values at a time below the slice's length and mask the last load to
//! the values left; `range_within` writes one mask per 16 values into a
//! slice whose length it asserts first.
//!
//! The attention's two small products (eight queries' scores against a block
//! of keys, and their weighted sums of value rows) are here too, as AVX-512
//! intrinsics over fixed-size arrays; the one slice they index by hand has
//! its length asserted first.
#![allow(unsafe_code)]

/// Output columns per panel for AVX2 (and portable): three registers of
/// eight i32.
const NR: usize = 24;
/// Rows per micro-tile for AVX2: 12 accumulators of the 16 registers.
const MR: usize = 4;
/// Output columns per panel for AVX-512: three registers of sixteen i32.
const NR512: usize = 48;
/// Rows per micro-tile for AVX-512: 24 accumulators of the 32 registers.
const MR512: usize = 8;
/// Output columns per panel for AMX: two tiles of sixteen i32 columns.
const NR_AMX: usize = 32;
/// Inputs per AMX step: a tile row is 64 bytes.
const K_AMX: usize = 64;
/// The tallest micro-tile of any kernel: work split in whole tiles of it
/// wastes none.
pub const TILE_ROWS: usize = MR512;
/// Rows per cache block: a block of activations stays in L2 while every
/// panel of the weights passes over it. Callers quantise and finish rows in
/// blocks of this size too.
pub const ROW_BLOCK: usize = 64;
/// The largest activation value.
pub const QMAX: u8 = 127;

/// A weight matrix (out x in, as trained) packed for the kernel: panels of
/// `nr` output columns (the kernel's width), each `k` deep in groups of four.
pub struct Packed {
    n: usize,
    k: usize,
    /// Output columns per panel: the kernel's width.
    nr: usize,
    data: Vec<i8>,
    col_sums: Vec<i32>,
}

impl Packed {
    /// `w` holds `n` rows (outputs) of `k` int8 values (inputs).
    pub fn new(w: &[i8], n: usize, k: usize) -> Packed {
        assert_eq!(w.len(), n * k, "weights are n x k");
        Packed::with_width(w, n, k, panel_width(level()))
    }

    /// Packed for the named kernel (one of [`kernels`]), to measure or test
    /// a kernel other than the one this CPU would choose.
    pub fn for_kernel(w: &[i8], n: usize, k: usize, kernel: &str) -> Packed {
        assert_eq!(w.len(), n * k, "weights are n x k");
        let level = match kernel {
            "amx-int8" => Level::Amx,
            "avx512-vnni" => Level::Avx512Vnni,
            "avx2" => Level::Avx2,
            _ => Level::Portable,
        };
        Packed::with_width(w, n, k, panel_width(level))
    }

    fn with_width(w: &[i8], n: usize, k: usize, nr: usize) -> Packed {
        let kp = depth(k, nr);
        let panels = n.div_ceil(nr);
        let mut data = vec![0i8; panels * kp * nr];
        for col in 0..n {
            let (p, c) = (col / nr, col % nr);
            for (kk, &v) in w[col * k..(col + 1) * k].iter().enumerate() {
                data[p * kp * nr + (kk / 4) * nr * 4 + c * 4 + kk % 4] = v;
            }
        }
        let col_sums = w
            .chunks_exact(k.max(1))
            .map(|r| r.iter().map(|&v| i32::from(v)).sum())
            .collect();
        Packed {
            n,
            k,
            nr,
            data,
            col_sums,
        }
    }

    /// Outputs.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Inputs.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The row stride activations must have: inputs rounded up to four.
    pub fn stride(&self) -> usize {
        depth(self.k, self.nr)
    }

    /// Each output's sum of weights (to take out an activation zero point).
    pub fn col_sums(&self) -> &[i32] {
        &self.col_sums
    }

    fn weight(&self, col: usize, kk: usize) -> i8 {
        let (kp, nr) = (self.stride(), self.nr);
        self.data[(col / nr) * kp * nr + (kk / 4) * nr * 4 + (col % nr) * 4 + kk % 4]
    }
}

/// Inputs rounded up to what the kernel reading panels of `nr` steps
/// through: groups of four, or AMX's 64.
fn depth(k: usize, nr: usize) -> usize {
    let step = if nr == NR_AMX { K_AMX } else { 4 };
    k.div_ceil(step) * step
}

/// Which kernel runs on this CPU.
pub fn kernel_name() -> &'static str {
    name(level())
}

fn name(level: Level) -> &'static str {
    match level {
        Level::Amx => "amx-int8",
        Level::Avx512Vnni => "avx512-vnni",
        Level::Avx2 | Level::Avx2Fma => "avx2",
        Level::Portable => "portable",
    }
}

/// Every kernel this CPU can run, the one it runs first.
pub fn kernels() -> Vec<&'static str> {
    let mut all: Vec<&str> = [Level::Amx, Level::Avx512Vnni, Level::Avx2]
        .into_iter()
        .filter(|&l| l <= level())
        .map(name)
        .collect();
    all.push(name(Level::Portable));
    all
}

/// The panel width the kernel at `level` reads.
fn panel_width(level: Level) -> usize {
    match level {
        Level::Amx => NR_AMX,
        Level::Avx512Vnni => NR512,
        _ => NR,
    }
}

/// What this CPU runs, found once: the calls below are on the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Portable,
    Avx2,
    Avx2Fma,
    /// AVX-512 (foundation, byte and word) with VNNI, and AVX2 and FMA.
    Avx512Vnni,
    /// All of the above, and AMX tiles with int8 products that the
    /// operating system lets this process use.
    Amx,
}

fn level() -> Level {
    static LEVEL: std::sync::OnceLock<Level> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        if std::env::var_os("CLAIMGRAPH_PORTABLE_KERNEL").is_none()
            && std::is_x86_feature_detected!("avx2")
        {
            let avx512 = std::env::var_os("CLAIMGRAPH_AVX2_KERNEL").is_none()
                && std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vnni")
                && std::is_x86_feature_detected!("fma");
            if avx512 {
                if std::env::var_os("CLAIMGRAPH_NO_AMX").is_none() && amx::available() {
                    return Level::Amx;
                }
                return Level::Avx512Vnni;
            }
            return if std::is_x86_feature_detected!("fma") {
                Level::Avx2Fma
            } else {
                Level::Avx2
            };
        }
        Level::Portable
    })
}

fn avx2() -> bool {
    level() != Level::Portable
}

/// Whether the CPU has AVX2 and FMA (and the portable path is not forced).
fn avx2_fma() -> bool {
    matches!(level(), Level::Avx2Fma | Level::Avx512Vnni)
}

/// Runs `f` compiled for AVX2 and FMA when the CPU has them: the row math
/// around the products (quantising, epilogues, layer norm, GELU, softmax)
/// is plain Rust that the compiler vectorises, and inlined here it gets the
/// wide registers; elsewhere it runs as built for the baseline CPU.
#[inline(always)]
pub fn simd<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if level() >= Level::Avx512Vnni {
        // SAFETY: the features this enables were detected on this CPU.
        return unsafe { simd_avx512(f) };
    }
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the features this enables were detected on this CPU.
        return unsafe { simd_avx2(f) };
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn simd_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,avx512f,avx512bw")]
unsafe fn simd_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `c` (m x n, row-major) = `a` (m x stride, row-major, values 0..=127) times
/// the weights' transpose.
pub fn gemm(a: &[u8], m: usize, w: &Packed, c: &mut [i32]) {
    let kp = w.stride();
    assert!(a.len() >= m * kp, "activations are m x stride");
    assert!(c.len() >= m * w.n, "outputs are m x n");
    debug_assert!(a.iter().all(|&v| v <= QMAX), "activations are 7-bit");
    #[cfg(target_arch = "x86_64")]
    if w.nr == NR_AMX && level() == Level::Amx {
        // SAFETY: AMX tiles and int8 products are present and permitted
        // (checked above); bounds asserted above; the weights are packed in
        // panels of `NR_AMX`, `K_AMX` deep steps.
        unsafe { amx::gemm(a, m, w, c) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if w.nr == NR512 && level() >= Level::Avx512Vnni {
        // SAFETY: AVX-512 F/BW and VNNI are present (checked above); bounds
        // asserted above; the weights are packed in panels of `NR512`.
        unsafe { gemm_avx512(a, m, w, c) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if w.nr == NR && avx2() {
        // SAFETY: AVX2 is present (checked above); bounds asserted above.
        unsafe { gemm_avx2(a, m, w, c) };
        return;
    }
    gemm_portable(a, m, w, c);
}

/// The reference every kernel must match exactly.
pub fn gemm_portable(a: &[u8], m: usize, w: &Packed, c: &mut [i32]) {
    let kp = w.stride();
    let cols: Vec<Vec<i32>> = (0..w.n)
        .map(|j| (0..kp).map(|kk| i32::from(w.weight(j, kk))).collect())
        .collect();
    for i in 0..m {
        let row = &a[i * kp..(i + 1) * kp];
        for (j, col) in cols.iter().enumerate() {
            c[i * w.n + j] = row.iter().zip(col).map(|(&x, &y)| i32::from(x) * y).sum();
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemm_avx2(a: &[u8], m: usize, w: &Packed, c: &mut [i32]) {
    use std::arch::x86_64::*;
    let (n, kp) = (w.n, w.stride());
    let groups = kp / 4;
    let panels = n.div_ceil(NR);
    let ones = _mm256_set1_epi16(1);
    let mut scratch = vec![0u8; MR * kp];
    let mut r0 = 0;
    while r0 < m {
        let r1 = (r0 + ROW_BLOCK).min(m);
        for p in 0..panels {
            let bp = w.data.as_ptr().add(p * kp * NR);
            let mut r = r0;
            while r < r1 {
                let rows = MR.min(r1 - r);
                let ap = if rows == MR {
                    a.as_ptr().add(r * kp)
                } else {
                    scratch.fill(0);
                    scratch[..rows * kp].copy_from_slice(&a[r * kp..(r + rows) * kp]);
                    scratch.as_ptr()
                };
                let mut acc = [_mm256_setzero_si256(); MR * 3];
                for g in 0..groups {
                    let b = bp.add(g * NR * 4) as *const __m256i;
                    let b0 = _mm256_loadu_si256(b);
                    let b1 = _mm256_loadu_si256(b.add(1));
                    let b2 = _mm256_loadu_si256(b.add(2));
                    for i in 0..MR {
                        let four = std::ptr::read_unaligned(ap.add(i * kp + g * 4) as *const i32);
                        let x = _mm256_set1_epi32(four);
                        acc[i * 3] = _mm256_add_epi32(
                            acc[i * 3],
                            _mm256_madd_epi16(_mm256_maddubs_epi16(x, b0), ones),
                        );
                        acc[i * 3 + 1] = _mm256_add_epi32(
                            acc[i * 3 + 1],
                            _mm256_madd_epi16(_mm256_maddubs_epi16(x, b1), ones),
                        );
                        acc[i * 3 + 2] = _mm256_add_epi32(
                            acc[i * 3 + 2],
                            _mm256_madd_epi16(_mm256_maddubs_epi16(x, b2), ones),
                        );
                    }
                }
                for i in 0..rows {
                    for j in 0..3 {
                        let col = p * NR + j * 8;
                        if col >= n {
                            break;
                        }
                        let out = &mut c[(r + i) * n + col..(r + i) * n + (col + 8).min(n)];
                        if out.len() == 8 {
                            _mm256_storeu_si256(out.as_mut_ptr() as *mut __m256i, acc[i * 3 + j]);
                        } else {
                            let mut tmp = [0i32; 8];
                            _mm256_storeu_si256(tmp.as_mut_ptr() as *mut __m256i, acc[i * 3 + j]);
                            let len = out.len();
                            out.copy_from_slice(&tmp[..len]);
                        }
                    }
                }
                r += rows;
            }
        }
        r0 = r1;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn gemm_avx512(a: &[u8], m: usize, w: &Packed, c: &mut [i32]) {
    let panels = w.n.div_ceil(NR512);
    let mut r0 = 0;
    while r0 < m {
        let r1 = (r0 + ROW_BLOCK).min(m);
        for p in 0..panels {
            let mut r = r0;
            while r < r1 {
                // A short last tile runs a kernel of its own height: a lone
                // row costs one row, not eight.
                let rows = MR512.min(r1 - r);
                match rows {
                    8 => tile512::<8>(a, w, c, r, p),
                    7 => tile512::<7>(a, w, c, r, p),
                    6 => tile512::<6>(a, w, c, r, p),
                    5 => tile512::<5>(a, w, c, r, p),
                    4 => tile512::<4>(a, w, c, r, p),
                    3 => tile512::<3>(a, w, c, r, p),
                    2 => tile512::<2>(a, w, c, r, p),
                    _ => tile512::<1>(a, w, c, r, p),
                }
                r += rows;
            }
        }
        r0 = r1;
    }
}

/// Rows `r..r + R` of `c` in panel `p`: `R` rows by 48 columns, the whole
/// depth, in 3R registers.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
#[inline]
unsafe fn tile512<const R: usize>(a: &[u8], w: &Packed, c: &mut [i32], r: usize, p: usize) {
    use std::arch::x86_64::*;
    let (n, kp) = (w.n, w.stride());
    let groups = kp / 4;
    debug_assert!(a.len() >= (r + R) * kp && c.len() >= (r + R) * n);
    let bp = w.data.as_ptr().add(p * kp * NR512);
    let ap = a.as_ptr().add(r * kp);
    let mut acc = [[_mm512_setzero_si512(); 3]; R];
    for g in 0..groups {
        let b = bp.add(g * NR512 * 4) as *const __m512i;
        let b0 = _mm512_loadu_si512(b);
        let b1 = _mm512_loadu_si512(b.add(1));
        let b2 = _mm512_loadu_si512(b.add(2));
        for (i, acc) in acc.iter_mut().enumerate() {
            let four = std::ptr::read_unaligned(ap.add(i * kp + g * 4) as *const i32);
            let x = _mm512_set1_epi32(four);
            acc[0] = _mm512_dpbusd_epi32(acc[0], x, b0);
            acc[1] = _mm512_dpbusd_epi32(acc[1], x, b1);
            acc[2] = _mm512_dpbusd_epi32(acc[2], x, b2);
        }
    }
    for (i, acc) in acc.iter().enumerate() {
        for (j, &v) in acc.iter().enumerate() {
            let col = p * NR512 + j * 16;
            if col >= n {
                break;
            }
            let len = (n - col).min(16);
            let out = c[(r + i) * n + col..].as_mut_ptr();
            // A partial register is stored through a mask: no write past
            // the row's last column.
            let mask: __mmask16 = if len == 16 { !0 } else { (1u16 << len) - 1 };
            _mm512_mask_storeu_epi32(out, mask, v);
        }
    }
}

/// A query's int8 codes prepared for many dot products against stored
/// codes of its length (a vector index's scan and scores): its own sum,
/// which each product needs, taken once.
#[derive(Debug, Clone)]
pub struct DotQuery {
    codes: Vec<i8>,
    whole_sum: i32,
}

impl DotQuery {
    pub fn new(codes: Vec<i8>) -> DotQuery {
        DotQuery {
            whole_sum: whole_sum(&codes),
            codes,
        }
    }

    /// The query's dot product with `c`, exactly the plain sum of products.
    #[inline]
    pub fn dot(&self, c: &[i8]) -> i32 {
        dot_summed(&self.codes, self.whole_sum, c)
    }
}

/// The sum of the codes the 64-byte steps of a product read.
fn whole_sum(q: &[i8]) -> i32 {
    q[..q.len() / 64 * 64].iter().map(|&v| i32::from(v)).sum()
}

/// `q` . `c`, given `q`'s [`whole_sum`]. With AVX-512 VNNI, 64 products
/// per instruction: `vpdpbusd` multiplies unsigned by signed bytes, so the
/// stored code is read shifted by 128 to unsigned and 128 times the
/// query's sum is taken back at the end (one multiply-add per 64 bytes; a
/// shifted query would need the code's sum, a second one).
#[inline]
fn dot_summed(q: &[i8], whole_sum: i32, c: &[i8]) -> i32 {
    assert_eq!(q.len(), c.len());
    #[cfg(target_arch = "x86_64")]
    if level() >= Level::Avx512Vnni {
        // SAFETY: AVX-512 F, BW and VNNI are present (checked); the loads
        // read 64 bytes at offsets below the common length rounded down to
        // 64, the rest is summed in plain Rust.
        return unsafe { dot_vnni(q, whole_sum, c) };
    }
    plain_dot(q, c)
}

/// The dot product in plain Rust: the fallback, and the tail past the last
/// whole 64 bytes.
fn plain_dot(q: &[i8], c: &[i8]) -> i32 {
    q.iter()
        .zip(c)
        .map(|(&a, &b)| i32::from(a) * i32::from(b))
        .sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn dot_vnni(q: &[i8], whole_sum: i32, c: &[i8]) -> i32 {
    use std::arch::x86_64::*;
    let whole = q.len() / 64 * 64;
    let flip = _mm512_set1_epi8(i8::MIN);
    let mut acc = _mm512_setzero_si512();
    for at in (0..whole).step_by(64) {
        let a = _mm512_xor_si512(_mm512_loadu_si512(c.as_ptr().add(at).cast()), flip);
        let b = _mm512_loadu_si512(q.as_ptr().add(at).cast());
        acc = _mm512_dpbusd_epi32(acc, a, b);
    }
    let tail = plain_dot(&q[whole..], &c[whole..]);
    _mm512_reduce_add_epi32(acc) - 128 * whole_sum + tail
}

/// Values per step of [`range_within`]: one 512-bit register of f32.
pub const STEP: usize = 16;

/// The sum of the squares of `x`, in no fixed order: 64 lanes where
/// AVX-512 is present (one running sum is a chain of dependent adds, and
/// the caller only sets a threshold from it).
pub fn sum_squares(x: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if level() >= Level::Avx512Vnni {
        // SAFETY: AVX-512 F is present (checked); full loads stay below
        // `x.len()` rounded down to 16, the last step's load is masked to
        // the values left.
        return unsafe { sum_squares512(x) };
    }
    sum8(x, |v| v * v)
}

/// The sum of `f` over `x`, in eight lanes so the compiler can vectorise
/// it (one running sum of floats cannot be reordered).
#[inline(always)]
pub fn sum8(x: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    let chunks = x.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    let mut lanes = [0f32; 8];
    for c in chunks {
        for (l, &v) in lanes.iter_mut().zip(c) {
            *l += f(v);
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sum_squares512(x: &[f32]) -> f32 {
    use std::arch::x86_64::*;
    let mut acc = [_mm512_setzero_ps(); 4];
    let whole = x.len() / (4 * STEP) * (4 * STEP);
    for at in (0..whole).step_by(4 * STEP) {
        for (j, a) in acc.iter_mut().enumerate() {
            let v = _mm512_loadu_ps(x.as_ptr().add(at + j * STEP));
            *a = _mm512_fmadd_ps(v, v, *a);
        }
    }
    for at in (whole..x.len()).step_by(STEP) {
        let left = (x.len() - at).min(STEP);
        let v = _mm512_maskz_loadu_ps(((1u32 << left) - 1) as u16, x.as_ptr().add(at));
        acc[0] = _mm512_fmadd_ps(v, v, acc[0]);
    }
    let s = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
    _mm512_reduce_add_ps(s)
}

/// The least and the greatest of `x` and zero, the values above `bar` in
/// magnitude (and NaN) left out; and in `above`, one mask per [`STEP`]
/// values of those left out (bit `t` of `above[c]` for `x[c * STEP + t]`).
/// `above` holds at least `x.len().div_ceil(STEP)` masks. Exact: a minimum
/// and a maximum do not depend on the order they are taken in.
pub fn range_within(x: &[f32], bar: f32, above: &mut [u16]) -> (f32, f32) {
    assert!(above.len() >= x.len().div_ceil(STEP));
    #[cfg(target_arch = "x86_64")]
    if level() >= Level::Avx512Vnni {
        // SAFETY: AVX-512 F is present (checked); loads as in
        // `sum_squares512`; `above` is long enough (asserted).
        return unsafe { range_within512(x, bar, above) };
    }
    let (mut lo, mut hi) = (0f32, 0f32);
    for (chunk, mask) in x.chunks(STEP).zip(above.iter_mut()) {
        *mask = 0;
        for (t, &v) in chunk.iter().enumerate() {
            if v.abs() <= bar {
                lo = if v < lo { v } else { lo };
                hi = if v > hi { v } else { hi };
            } else {
                *mask |= 1 << t;
            }
        }
    }
    (lo, hi)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn range_within512(x: &[f32], bar: f32, above: &mut [u16]) -> (f32, f32) {
    use std::arch::x86_64::*;
    let bar = _mm512_set1_ps(bar);
    // Two of each, so consecutive steps do not wait on each other.
    let mut lo = [_mm512_setzero_ps(); 2];
    let mut hi = [_mm512_setzero_ps(); 2];
    for (c, at) in (0..x.len()).step_by(STEP).enumerate() {
        let left = (x.len() - at).min(STEP);
        let valid = ((1u32 << left) - 1) as u16;
        let v = _mm512_maskz_loadu_ps(valid, x.as_ptr().add(at));
        // Not (|v| <= bar), unordered: NaN is above too.
        let out = _mm512_cmp_ps_mask::<_CMP_NLE_UQ>(_mm512_abs_ps(v), bar) & valid;
        *above.get_unchecked_mut(c) = out;
        let v = _mm512_maskz_mov_ps(!out, v);
        lo[c & 1] = _mm512_min_ps(v, lo[c & 1]);
        hi[c & 1] = _mm512_max_ps(v, hi[c & 1]);
    }
    (
        _mm512_reduce_min_ps(_mm512_min_ps(lo[0], lo[1])),
        _mm512_reduce_max_ps(_mm512_max_ps(hi[0], hi[1])),
    )
}

/// Queries per call of the attention kernels.
pub const QUERIES: usize = 8;
/// The width of an attention head, fixed for the kernels.
pub const HEAD: usize = 32;
/// Keys per block of attention scores.
pub const KEYS: usize = 16;

/// Whether the blocked attention kernels below are vectorised here
/// (AVX-512); elsewhere a query at a time in plain Rust is faster.
pub fn blocked_attention() -> bool {
    level() >= Level::Avx512Vnni
}

/// `out[g][t]` = the dot product of query `g` with key `t` of a block, the
/// keys transposed (`k[d]` holds dimension `d` of the block's keys). Eight
/// queries at once: each key row loaded once serves all eight, and their
/// sums are eight independent chains the CPU overlaps.
pub fn scores(
    q: &[[f32; HEAD]; QUERIES],
    k: &[[f32; KEYS]; HEAD],
    out: &mut [[f32; KEYS]; QUERIES],
) {
    #[cfg(target_arch = "x86_64")]
    if blocked_attention() {
        // SAFETY: AVX-512 F is present (checked); fixed-size arrays only.
        unsafe { scores512(q, k, out) };
        return;
    }
    for (o, q) in out.iter_mut().zip(q) {
        *o = [0.0; KEYS];
        for (&qd, kd) in q.iter().zip(k) {
            for t in 0..KEYS {
                o[t] += qd * kd[t];
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn scores512(
    q: &[[f32; HEAD]; QUERIES],
    k: &[[f32; KEYS]; HEAD],
    out: &mut [[f32; KEYS]; QUERIES],
) {
    use std::arch::x86_64::*;
    let mut acc = [_mm512_setzero_ps(); QUERIES];
    for (d, kd) in k.iter().enumerate() {
        let kd = _mm512_loadu_ps(kd.as_ptr());
        for (a, q) in acc.iter_mut().zip(q) {
            *a = _mm512_fmadd_ps(_mm512_set1_ps(q[d]), kd, *a);
        }
    }
    for (o, a) in out.iter_mut().zip(acc) {
        _mm512_storeu_ps(o.as_mut_ptr(), a);
    }
}

/// `out[g]` = the sum over rows `j` of `p[g * stride + j]` times `v[j]`:
/// eight queries' weighted sums of the value rows at once.
pub fn weighted(p: &[f32], stride: usize, v: &[[f32; HEAD]], out: &mut [[f32; HEAD]; QUERIES]) {
    assert!(v.len() <= stride && p.len() >= (QUERIES - 1) * stride + v.len());
    #[cfg(target_arch = "x86_64")]
    if blocked_attention() {
        // SAFETY: AVX-512 F is present (checked); every index into `p` is
        // below (QUERIES - 1) * stride + v.len() (asserted).
        unsafe { weighted512(p, stride, v, out) };
        return;
    }
    for (g, o) in out.iter_mut().enumerate() {
        *o = [0.0; HEAD];
        for (j, v) in v.iter().enumerate() {
            let pj = p[g * stride + j];
            for d in 0..HEAD {
                o[d] += pj * v[d];
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn weighted512(
    p: &[f32],
    stride: usize,
    v: &[[f32; HEAD]],
    out: &mut [[f32; HEAD]; QUERIES],
) {
    use std::arch::x86_64::*;
    let mut lo = [_mm512_setzero_ps(); QUERIES];
    let mut hi = [_mm512_setzero_ps(); QUERIES];
    for (j, row) in v.iter().enumerate() {
        let vl = _mm512_loadu_ps(row.as_ptr());
        let vh = _mm512_loadu_ps(row.as_ptr().add(16));
        for g in 0..QUERIES {
            let pj = _mm512_set1_ps(*p.get_unchecked(g * stride + j));
            lo[g] = _mm512_fmadd_ps(pj, vl, lo[g]);
            hi[g] = _mm512_fmadd_ps(pj, vh, hi[g]);
        }
    }
    for (g, o) in out.iter_mut().enumerate() {
        _mm512_storeu_ps(o.as_mut_ptr(), lo[g]);
        _mm512_storeu_ps(o.as_mut_ptr().add(16), hi[g]);
    }
}

/// The AMX kernel: tiles of 16 rows by 64 bytes, two of activations and two
/// of weights multiplied into four of sums per 64-deep step, a 32 x 32 block
/// of the output at a time. Stable Rust has no AMX intrinsics, so the tile
/// instructions are inline assembly.
#[cfg(target_arch = "x86_64")]
mod amx {
    use super::{Packed, K_AMX, NR_AMX, ROW_BLOCK};
    use std::arch::asm;

    /// Rows per block: two tiles.
    const MB: usize = 32;

    /// Whether the CPU has AMX tiles and int8 products and Linux lets this
    /// process use them: the tile data is a 8 KB part of the thread state
    /// that a process must ask for once before its first tile instruction.
    pub fn available() -> bool {
        let leaf7 = std::arch::x86_64::__cpuid_count(7, 0);
        let (tile, int8) = (leaf7.edx >> 24 & 1 == 1, leaf7.edx >> 25 & 1 == 1);
        tile && int8 && permit()
    }

    #[cfg(target_os = "linux")]
    fn permit() -> bool {
        const ARCH_REQ_XCOMP_PERM: libc::c_long = 0x1023;
        const XFEATURE_XTILEDATA: libc::c_long = 18;
        // SAFETY: a system call with two integer arguments; it changes only
        // which register state the kernel saves for this process.
        let r = unsafe {
            libc::syscall(
                libc::SYS_arch_prctl,
                ARCH_REQ_XCOMP_PERM,
                XFEATURE_XTILEDATA,
            )
        };
        r == 0
    }

    #[cfg(not(target_os = "linux"))]
    fn permit() -> bool {
        false
    }

    /// The tile configuration: palette 1, tiles 0-3 the sums (16 rows of 16
    /// i32), 4-5 the activations (16 rows of 64 u8), 6-7 the weights (16
    /// groups of four inputs for 16 outputs).
    #[repr(C, align(64))]
    struct Config([u8; 64]);

    impl Config {
        fn new() -> Config {
            let mut c = [0u8; 64];
            c[0] = 1;
            for t in 0..8 {
                c[16 + 2 * t..18 + 2 * t].copy_from_slice(&64u16.to_le_bytes());
                c[48 + t] = 16;
            }
            Config(c)
        }
    }

    /// `c` = `a` times the weights, as `super::gemm`.
    ///
    /// # Safety
    /// The CPU has AMX-TILE and AMX-INT8 and the process has permission
    /// (`available`); `a` holds `m` rows of `w.stride()` bytes, `c` at least
    /// `m` rows of `w.n()`; `w` is packed in panels of `NR_AMX`.
    pub unsafe fn gemm(a: &[u8], m: usize, w: &Packed, c: &mut [i32]) {
        let (n, kp) = (w.n, w.stride());
        debug_assert!(w.nr == NR_AMX && kp % K_AMX == 0);
        debug_assert!(a.len() >= m * kp && c.len() >= m * n);
        let steps = kp / K_AMX;
        let panels = n.div_ceil(NR_AMX);
        let config = Config::new();
        asm!("ldtilecfg [{}]", in(reg) config.0.as_ptr(), options(nostack, readonly));
        // A short last block of rows, zero-padded (only the last block of
        // `ROW_BLOCK` can have one, so it is made at most once, and only
        // when there is one); a block's sums that do not all land in `c`.
        // The thread's buffer, kept between calls: a fresh one each call
        // was a calloc of up to 48 KB in every product.
        let mut tail = TAIL.take();
        let mut sums = [0i32; MB * NR_AMX];
        let mut r0 = 0;
        while r0 < m {
            let r1 = (r0 + ROW_BLOCK).min(m);
            if !(r1 - r0).is_multiple_of(MB) {
                let from = r0 + (r1 - r0) / MB * MB;
                let rows = (r1 - from) * kp;
                tail.resize(MB * kp, 0);
                tail[..rows].copy_from_slice(&a[from * kp..r1 * kp]);
                tail[rows..MB * kp].fill(0);
            }
            for p in 0..panels {
                let panel = w.data.as_ptr().add(p * kp * NR_AMX);
                let cols = (n - p * NR_AMX).min(NR_AMX);
                let mut r = r0;
                while r < r1 {
                    let rows = (r1 - r).min(MB);
                    let rows_at = if rows == MB {
                        a.as_ptr().add(r * kp)
                    } else {
                        tail.as_ptr()
                    };
                    block(rows_at, kp, panel, steps);
                    if rows == MB && cols == NR_AMX {
                        store(c.as_mut_ptr().add(r * n + p * NR_AMX), n * 4);
                    } else {
                        store(sums.as_mut_ptr(), NR_AMX * 4);
                        for i in 0..rows {
                            c[(r + i) * n + p * NR_AMX..][..cols]
                                .copy_from_slice(&sums[i * NR_AMX..i * NR_AMX + cols]);
                        }
                    }
                    r += rows;
                }
            }
            r0 = r1;
        }
        TAIL.set(tail);
        asm!("tilerelease", options(nostack, nomem));
    }

    thread_local! {
        /// A short last block of rows, zero-padded to `MB`.
        static TAIL: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
    }

    /// Sums of one 32 x 32 block into tiles 0-3: 32 rows of activations
    /// from `rows` (row stride `kp`) against one panel, the whole depth.
    #[inline(always)]
    unsafe fn block(rows: *const u8, kp: usize, panel: *const i8, steps: usize) {
        asm!(
            "tilezero tmm0",
            "tilezero tmm1",
            "tilezero tmm2",
            "tilezero tmm3",
            options(nostack, nomem)
        );
        // A panel's row holds four inputs of each of its 32 outputs.
        let wstride = NR_AMX * 4;
        for s in 0..steps {
            let a0 = rows.add(s * K_AMX);
            let a1 = a0.add(16 * kp);
            let b0 = panel.add(s * (K_AMX / 4) * wstride);
            let b1 = b0.add(64);
            asm!(
                "tileloadd tmm4, [{a0} + {sa}*1]",
                "tileloadd tmm5, [{a1} + {sa}*1]",
                "tileloadd tmm6, [{b0} + {sb}*1]",
                "tileloadd tmm7, [{b1} + {sb}*1]",
                "tdpbusd tmm0, tmm4, tmm6",
                "tdpbusd tmm1, tmm4, tmm7",
                "tdpbusd tmm2, tmm5, tmm6",
                "tdpbusd tmm3, tmm5, tmm7",
                a0 = in(reg) a0,
                a1 = in(reg) a1,
                b0 = in(reg) b0,
                b1 = in(reg) b1,
                sa = in(reg) kp,
                sb = in(reg) wstride,
                options(nostack, readonly)
            );
        }
    }

    /// Tiles 0-3 to a 32 x 32 block of i32 at `at`, rows `stride` bytes apart.
    #[inline(always)]
    unsafe fn store(at: *mut i32, stride: usize) {
        let lower = at.add(16 * (stride / 4));
        asm!(
            "tilestored [{c0} + {s}*1], tmm0",
            "tilestored [{c1} + {s}*1], tmm1",
            "tilestored [{c2} + {s}*1], tmm2",
            "tilestored [{c3} + {s}*1], tmm3",
            c0 = in(reg) at,
            c1 = in(reg) at.add(16),
            c2 = in(reg) lower,
            c3 = in(reg) lower.add(16),
            s = in(reg) stride,
            options(nostack)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A seeded generator of test values (Knuth's MMIX step): each call
    /// returns the next state.
    fn lcg(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state
        }
    }

    fn check(m: usize, n: usize, k: usize, seed: u64) {
        let mut step = lcg(seed.wrapping_mul(6364136223846793005).wrapping_add(1));
        let mut next = || (step() >> 33) as u32;
        let w: Vec<i8> = (0..n * k)
            .map(|_| ((next() % 255) as i32 - 127) as i8)
            .collect();
        // Each kernel this CPU has: AMX reads panels of 32, AVX-512 of 48,
        // AVX2 of 24.
        for nr in [NR, NR512, NR_AMX] {
            check_width(m, n, k, &w, &mut next, nr);
        }
    }

    fn check_width(
        m: usize,
        n: usize,
        k: usize,
        w: &[i8],
        next: &mut impl FnMut() -> u32,
        nr: usize,
    ) {
        let packed = Packed::with_width(w, n, k, nr);
        let kp = packed.stride();
        let mut a = vec![0u8; m * kp];
        for i in 0..m {
            for kk in 0..k {
                a[i * kp + kk] = (next() % 128) as u8;
            }
        }
        let mut fast = vec![0i32; m * n];
        let mut slow = vec![0i32; m * n];
        gemm(&a, m, &packed, &mut fast);
        gemm_portable(&a, m, &packed, &mut slow);
        assert_eq!(fast, slow, "{m}x{n}x{k} in panels of {nr}");
        // And both are the plain definition.
        for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3)] {
            let e: i32 = (0..k)
                .map(|kk| i32::from(a[i * kp + kk]) * i32::from(w[j * k + kk]))
                .sum();
            assert_eq!(slow[i * n + j], e);
        }
    }

    #[test]
    fn the_fast_kernel_matches_the_portable_one_at_the_model_shapes() {
        // Extremes included: all-127 activations against all -127 weights.
        for (m, n, k) in [
            (1, 384, 384),
            (27, 1152, 384),
            (130, 384, 1536),
            (64, 1536, 384),
        ] {
            check(m, n, k, (m * n + k) as u64);
        }
        for nr in [NR, NR512, NR_AMX] {
            let w = vec![-127i8; 50 * 8];
            let p = Packed::with_width(&w, 50, 8, nr);
            let a = vec![127u8; 9 * p.stride()];
            let mut c = vec![0i32; 9 * 50];
            gemm(&a, 9, &p, &mut c);
            assert!(c.iter().all(|&v| v == -127 * 127 * 8), "panels of {nr}");
        }
    }

    #[test]
    fn the_int8_dot_product_matches_a_plain_sum_at_any_length() {
        let mut step = lcg(7);
        let mut next = || (step() >> 33) as u8 as i8;
        for len in [0, 1, 63, 64, 65, 384, 400] {
            let q: Vec<i8> = (0..len).map(|_| next()).collect();
            let c: Vec<i8> = (0..len).map(|_| next()).collect();
            let plain: i32 = q
                .iter()
                .zip(&c)
                .map(|(&a, &b)| i32::from(a) * i32::from(b))
                .sum();
            assert_eq!(DotQuery::new(q.clone()).dot(&c), plain, "length {len}");
        }
    }

    #[test]
    fn the_attention_kernels_match_plain_sums() {
        let mut step = lcg(3);
        let mut next = || ((step() >> 40) as f32 / 16_777_216.0 - 0.5) * 4.0;
        let q: [[f32; HEAD]; QUERIES] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let k: [[f32; KEYS]; HEAD] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let mut out = [[0f32; KEYS]; QUERIES];
        scores(&q, &k, &mut out);
        for g in 0..QUERIES {
            for t in 0..KEYS {
                let want: f32 = (0..HEAD).map(|d| q[g][d] * k[d][t]).sum();
                assert!((out[g][t] - want).abs() < 1e-4, "score {g} {t}");
            }
        }
        for rows in [1usize, 5, 16, 37] {
            let stride = rows + 3;
            let v: Vec<[f32; HEAD]> = (0..rows).map(|_| std::array::from_fn(|_| next())).collect();
            let p: Vec<f32> = (0..(QUERIES - 1) * stride + rows).map(|_| next()).collect();
            let mut out = [[0f32; HEAD]; QUERIES];
            weighted(&p, stride, &v, &mut out);
            for g in 0..QUERIES {
                for d in 0..HEAD {
                    let want: f32 = (0..rows).map(|j| p[g * stride + j] * v[j][d]).sum();
                    assert!((out[g][d] - want).abs() < 1e-3, "{rows} rows: {g} {d}");
                }
            }
        }
    }

    #[test]
    fn the_row_passes_match_plain_loops_at_any_length() {
        let mut step = lcg(11);
        let mut next = || ((step() >> 40) as f32 / 16_777_216.0 - 0.5) * 8.0;
        for len in [0usize, 1, 15, 16, 17, 63, 64, 65, 384, 1536, 1541] {
            let mut x: Vec<f32> = (0..len).map(|_| next()).collect();
            if len > 20 {
                x[3] = f32::NAN;
                x[19] = -40.0;
            }
            let plain: f32 = x.iter().filter(|v| !v.is_nan()).map(|v| v * v).sum();
            let clean: Vec<f32> = x
                .iter()
                .map(|v| if v.is_nan() { 0.0 } else { *v })
                .collect();
            let fast = sum_squares(&clean);
            assert!(
                (fast - plain).abs() <= 1e-4 * plain.max(1.0),
                "length {len}"
            );
            let bar = 2.5;
            let mut above = vec![0u16; len.div_ceil(STEP)];
            let (lo, hi) = range_within(&x, bar, &mut above);
            let within = x.iter().filter(|v| v.abs() <= bar);
            let want_lo = within.clone().fold(0f32, |a, &b| a.min(b));
            let want_hi = within.fold(0f32, |a, &b| a.max(b));
            assert_eq!((lo, hi), (want_lo, want_hi), "length {len}");
            for (i, v) in x.iter().enumerate() {
                let bit = above[i / STEP] >> (i % STEP) & 1 == 1;
                assert_eq!(
                    bit,
                    v.is_nan() || v.abs() > bar,
                    "length {len}, channel {i}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn the_fast_kernel_matches_the_portable_one_at_any_shape(
            m in 1usize..70, n in 1usize..60, k in 1usize..50, seed in any::<u64>()
        ) {
            check(m, n, k, seed);
        }
    }
}
