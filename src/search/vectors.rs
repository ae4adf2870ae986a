//! An in-memory nearest-neighbour index over fact-checks' embeddings: an
//! inverted file (IVF). Vectors are grouped under the nearest of about
//! sqrt(n) centroids (k-means); a query reads the groups of its nearest
//! centroids only, so a search touches a few percent of the collection.
//! sled stays the record (each vector is written in its fact-check's
//! transaction); this mirror is filled at open and extended after each
//! commit, and re-clustered whenever the collection has doubled.
//!
//! Vectors are held as int8 codes with one scale each (symmetric, per
//! vector): 4 bytes per dimension become 1, so a 384-dimension vector takes
//! 388 bytes (and its id, position and place about 40 more). Each group
//! holds its vectors' codes one after another, so a search sweeps memory in
//! order instead of gathering vectors from all over the collection (at
//! 600,000 vectors the gather was most of a cross-check). A query is coded the
//! same way, so a scan is integer products, 64 to an instruction on AVX-512
//! VNNI; its dot product differs from the f32 one by about 0.001 (a test
//! holds it under 0.01), far below what separates neighbours.

use crate::corroborate::embed::cosine as dot;
use crate::encoder::kernel::simd;
use crate::store::quantise;
use std::collections::HashMap;
use std::sync::RwLock;

/// Below this many vectors one group holds them all.
const MIN_CLUSTERED: usize = 1024;
/// Lloyd iterations per clustering: the groups only need to be good, not optimal.
const ITERATIONS: usize = 8;
/// Centroids are learned from at most this many vectors (evenly spaced), then
/// every vector is assigned once: opening a large store stays quick.
const TRAINING_SAMPLE: usize = 4096;
/// Groups read per query, at least; more as the collection grows.
const MIN_PROBES: usize = 8;

#[derive(Default)]
pub struct VecIndex {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// By position: the order vectors were added in.
    ids: Vec<u64>,
    /// Where each id's vector is.
    positions: HashMap<u64, u32>,
    /// Per position, its group and its place there.
    slots: Vec<(u32, u32)>,
    dim: usize,
    centroids: Vec<Vec<f32>>,
    /// Per centroid, its vectors.
    groups: Vec<Group>,
    /// The size at the last clustering.
    clustered_at: usize,
}

/// The vectors nearest one centroid.
#[derive(Debug, Default, Clone, PartialEq)]
struct Group {
    /// Their positions.
    members: Vec<u32>,
    /// Their ids (also `Inner::ids[member]`, but a search reading them
    /// there waited on a cache miss per vector).
    ids: Vec<u64>,
    /// Their int8 codes, one after another (`dim` each), in blocks of
    /// `BLOCK` vectors: a group grows by a block, never by copying itself
    /// to a larger allocation (growing whole groups left the allocator
    /// holding 60-130 MB more at 600,000 vectors).
    blocks: Vec<Box<[i8]>>,
    /// Per vector, what a code of 1 stands for.
    scales: Vec<f32>,
}

/// Vectors per block of a group's codes (24 KB at 384 dimensions).
const BLOCK: usize = 64;

impl Group {
    /// Appends a vector; returns its place. A new block is one of
    /// `spare` when there is one.
    fn push(
        &mut self,
        at: u32,
        id: u64,
        codes: &[i8],
        scale: f32,
        spare: &mut Vec<Box<[i8]>>,
    ) -> u32 {
        let j = self.members.len();
        if j.is_multiple_of(BLOCK) {
            let block = match spare.pop() {
                Some(mut b) => {
                    b.fill(0);
                    b
                }
                None => vec![0; BLOCK * codes.len()].into_boxed_slice(),
            };
            self.blocks.push(block);
        }
        self.members.push(at);
        self.ids.push(id);
        self.scales.push(scale);
        self.code_mut(j, codes.len()).copy_from_slice(codes);
        j as u32
    }

    /// The codes of its `j`th vector.
    #[inline(always)]
    fn code(&self, j: usize, dim: usize) -> &[i8] {
        let at = j % BLOCK * dim;
        &self.blocks[j / BLOCK][at..at + dim]
    }

    fn code_mut(&mut self, j: usize, dim: usize) -> &mut [i8] {
        let at = j % BLOCK * dim;
        &mut self.blocks[j / BLOCK][at..at + dim]
    }

    /// Room for `n` vectors, all zero.
    fn zeroed(&mut self, n: usize, dim: usize) {
        self.blocks = (0..n.div_ceil(BLOCK))
            .map(|_| vec![0; BLOCK * dim].into_boxed_slice())
            .collect();
        self.scales = vec![0.0; n];
    }
}

/// A query as the stored vectors are held: int8 codes and a scale, so a
/// dot product with each is an integer one (about 0.001 off the f32 one).
struct Query {
    codes: crate::encoder::kernel::DotQuery,
    scale: f32,
}

impl Query {
    fn new(q: &[f32]) -> Query {
        let (codes, scale) = quantise(q);
        Query {
            codes: crate::encoder::kernel::DotQuery::new(codes),
            scale,
        }
    }
}

impl Inner {
    /// The codes and scale of the vector at position `i`.
    fn coded(&self, i: usize) -> (&[i8], f32) {
        let (g, j) = self.slots[i];
        let (g, j) = (&self.groups[g as usize], j as usize);
        (g.code(j, self.dim), g.scales[j])
    }

    /// The dot product of the query with the vector at position `i`: int8
    /// by int8, in the kernel's integer product (which picks its own
    /// instructions).
    fn score(&self, q: &Query, i: usize) -> f32 {
        let (codes, scale) = self.coded(i);
        q.codes.dot(codes) as f32 * q.scale * scale
    }

    /// The vector at position `i`, decoded.
    #[inline(always)]
    fn vector(&self, i: usize) -> Vec<f32> {
        let (codes, scale) = self.coded(i);
        codes.iter().map(|&c| f32::from(c) * scale).collect()
    }

    /// Puts the vector at position `at` (the next one, or one not yet in
    /// a group) at the end of group `g`, in a block of `spare` if it needs one.
    fn place(&mut self, at: u32, g: usize, codes: &[i8], scale: f32, spare: &mut Vec<Box<[i8]>>) {
        let id = self.ids[at as usize];
        let j = self.groups[g].push(at, id, codes, scale, spare);
        match self.slots.get_mut(at as usize) {
            Some(slot) => *slot = (g as u32, j),
            None => self.slots.push((g as u32, j)),
        }
    }

    #[inline(always)]
    fn nearest_centroid(&self, v: &[f32]) -> usize {
        let mut best = (0, f32::NEG_INFINITY);
        for (c, centroid) in self.centroids.iter().enumerate() {
            let s = dot(v, centroid);
            if s > best.1 {
                best = (c, s);
            }
        }
        best.0
    }

    /// k-means on the sphere from evenly spaced seeds: deterministic, so a
    /// store opened twice searches the same way.
    fn cluster(&mut self) {
        simd(
            #[inline(always)]
            || self.cluster_now(),
        )
    }

    #[inline(always)]
    fn cluster_now(&mut self) {
        let n = self.ids.len();
        self.clustered_at = n;
        let k = (n as f64).sqrt().round() as usize;
        let sample: Vec<usize> = (0..n.min(TRAINING_SAMPLE))
            .map(|i| i * n / n.min(TRAINING_SAMPLE))
            .collect();
        self.centroids = (0..k).map(|c| self.vector(c * n / k)).collect();
        for _ in 0..ITERATIONS {
            let mut sums = vec![vec![0.0f32; self.dim]; k];
            for &i in &sample {
                let v = self.vector(i);
                let a = self.nearest_centroid(&v);
                for (s, v) in sums[a].iter_mut().zip(v) {
                    *s += v;
                }
            }
            for (c, sum) in sums.into_iter().enumerate() {
                let norm = dot(&sum, &sum).sqrt();
                // An emptied group keeps its old centroid.
                if norm > 0.0 {
                    self.centroids[c] = sum.into_iter().map(|s| s / norm).collect();
                }
            }
        }
        let assigned: Vec<u32> = (0..n)
            .map(|i| self.nearest_centroid(&self.vector(i)) as u32)
            .collect();
        // Regrouped one old group at a time, into groups sized up front,
        // each old group's blocks reused once it is copied: memory holds the
        // codes about once, not twice, meanwhile. (Fresh blocks for the new
        // groups while the old ones went back to the allocator peaked an
        // ingest 350 MB higher at 524,288 claims: freed by another thread
        // than the one allocating, they were not reused.)
        let mut sizes = vec![0usize; k];
        for &a in &assigned {
            sizes[a as usize] += 1;
        }
        let old = std::mem::replace(
            &mut self.groups,
            sizes
                .iter()
                .map(|&s| Group {
                    members: Vec::with_capacity(s),
                    ids: Vec::with_capacity(s),
                    blocks: Vec::with_capacity(s.div_ceil(BLOCK)),
                    scales: Vec::with_capacity(s),
                })
                .collect(),
        );
        let dim = self.dim;
        let mut spare = Vec::new();
        for group in old {
            for (j, &at) in group.members.iter().enumerate() {
                let codes = group.code(j, dim);
                let g = assigned[at as usize] as usize;
                self.place(at, g, codes, group.scales[j], &mut spare);
            }
            spare.extend(group.blocks);
        }
    }

    #[inline(always)]
    fn add(&mut self, id: u64, v: &[f32]) {
        if self.dim == 0 {
            self.dim = v.len();
        }
        if v.len() != self.dim {
            return;
        }
        let at = self.ids.len() as u32;
        self.ids.push(id);
        self.positions.insert(id, at);
        let (codes, scale) = quantise(v);
        let g = if self.centroids.is_empty() {
            if self.groups.is_empty() {
                self.groups.push(Group::default());
            }
            0
        } else {
            self.nearest_centroid(v)
        };
        self.place(at, g, &codes, scale, &mut Vec::new());
    }

    fn grown(&self) -> bool {
        let n = self.ids.len();
        n >= MIN_CLUSTERED && n >= 2 * self.clustered_at
    }
}

impl VecIndex {
    /// Adds vectors (a load at open, or a commit's).
    pub fn extend(&self, vectors: impl IntoIterator<Item = (u64, Vec<f32>)>) {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        simd(
            #[inline(always)]
            || {
                for (id, v) in vectors {
                    inner.add(id, &v);
                }
            },
        );
        // Once per call: a load at open clusters once, not at every doubling.
        if inner.grown() {
            inner.cluster();
        }
    }

    /// The index as it is, clusters included, for a snapshot: a large
    /// collection is opened without clustering it again.
    ///
    /// Without `codes`, the vectors themselves are left out (ids, clusters and
    /// groups kept): the store holds them, and `fill` puts them back.
    pub(super) fn write_to(&self, out: &mut super::snapshot::Out, codes: bool) {
        use super::postings::put;
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        // In pieces, so the staging buffer spills between them.
        const PIECE: usize = 1 << 16;
        let floats = |out: &mut super::snapshot::Out, v: &[f32]| {
            for piece in v.chunks(PIECE / 4) {
                let buf = out.buf();
                for x in piece {
                    buf.extend_from_slice(&x.to_le_bytes());
                }
            }
        };
        put(out.buf(), inner.dim as u64);
        put(out.buf(), inner.ids.len() as u64);
        for id in &inner.ids {
            put(out.buf(), *id);
        }
        if codes {
            // By position, as the ids.
            for i in 0..inner.ids.len() {
                let (codes, _) = inner.coded(i);
                out.buf().extend(codes.iter().map(|&c| c as u8));
            }
            let scales: Vec<f32> = (0..inner.ids.len()).map(|i| inner.coded(i).1).collect();
            floats(out, &scales);
        }
        put(out.buf(), inner.clustered_at as u64);
        put(out.buf(), inner.centroids.len() as u64);
        for c in &inner.centroids {
            floats(out, c);
        }
        put(out.buf(), inner.groups.len() as u64);
        for g in &inner.groups {
            put(out.buf(), g.members.len() as u64);
            for &i in &g.members {
                put(out.buf(), u64::from(i));
            }
        }
    }

    /// Reads what `write_to` wrote; none if it does not hold together.
    /// Without `codes`, every vector is zero until `fill` places it.
    pub(super) fn read_from(buf: &[u8], at: &mut usize, codes: bool) -> Option<VecIndex> {
        use super::postings::get;
        let num = |at: &mut usize| get(buf, at).and_then(|n| usize::try_from(n).ok());
        let floats = |at: &mut usize, n: usize| -> Option<Vec<f32>> {
            let end = at
                .checked_add(n.checked_mul(4)?)
                .filter(|&e| e <= buf.len())?;
            let v = buf[*at..end]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            *at = end;
            Some(v)
        };
        let dim = num(at)?;
        let n = num(at)?;
        let mut ids = Vec::with_capacity(n.min(buf.len()));
        for _ in 0..n {
            ids.push(get(buf, at)?);
        }
        let len = n.checked_mul(dim)?;
        // By position; none: zero until `fill` places them.
        let coded = if codes {
            let end = at.checked_add(len).filter(|&e| e <= buf.len())?;
            let start = *at;
            *at = end;
            Some((&buf[start..end], floats(at, n)?))
        } else {
            None
        };
        let clustered_at = num(at)?;
        let k = num(at)?;
        let mut centroids = Vec::with_capacity(k.min(buf.len()));
        for _ in 0..k {
            centroids.push(floats(at, dim)?);
        }
        let g = num(at)?;
        let mut groups = Vec::with_capacity(g.min(buf.len()));
        // Every position in exactly one group.
        const NONE: (u32, u32) = (u32::MAX, u32::MAX);
        let mut slots = vec![NONE; n];
        for c in 0..g {
            let len = num(at)?;
            let mut group = Group {
                members: Vec::with_capacity(len.min(buf.len())),
                ..Group::default()
            };
            for j in 0..len {
                let i = u32::try_from(get(buf, at)?).ok()?;
                let slot = slots.get_mut(i as usize).filter(|s| **s == NONE)?;
                *slot = (c as u32, j as u32);
                group.members.push(i);
                group.ids.push(*ids.get(i as usize)?);
            }
            group.zeroed(group.members.len(), dim);
            if let Some((codes, scales)) = &coded {
                for j in 0..group.members.len() {
                    let i = group.members[j] as usize;
                    for (c, &b) in group.code_mut(j, dim).iter_mut().zip(&codes[i * dim..]) {
                        *c = b as i8;
                    }
                    group.scales[j] = scales[i];
                }
            }
            groups.push(group);
        }
        if slots.contains(&NONE) {
            return None;
        }
        let positions = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        Some(VecIndex {
            inner: RwLock::new(Inner {
                ids,
                positions,
                slots,
                dim,
                centroids,
                groups,
                clustered_at,
            }),
        })
    }

    /// Puts back the vectors of ids it holds (read without codes); returns
    /// how many it placed. Others are ignored: added after, they come
    /// through `extend`.
    pub(super) fn fill(&self, vectors: impl IntoIterator<Item = (u64, Vec<i8>, f32)>) -> usize {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let dim = inner.dim;
        let mut placed = 0;
        for (id, codes, scale) in vectors {
            let Some(&at) = inner.positions.get(&id) else {
                continue;
            };
            if codes.len() != dim {
                continue;
            }
            let (g, j) = inner.slots[at as usize];
            let (g, j) = (&mut inner.groups[g as usize], j as usize);
            g.code_mut(j, dim).copy_from_slice(&codes);
            g.scales[j] = scale;
            placed += 1;
        }
        placed
    }

    /// How many vectors it holds.
    pub fn len(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .ids
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `id` has a vector here.
    pub fn contains(&self, id: u64) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .positions
            .contains_key(&id)
    }

    /// The dot product of `q` with each id's vector; none for an id without one.
    pub fn similarities(&self, q: &[f32], ids: &[u64]) -> Vec<Option<f32>> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let dim = q.len() == inner.dim;
        let q = Query::new(q);
        ids.iter()
            .map(|id| {
                let at = *inner.positions.get(id)? as usize;
                dim.then(|| inner.score(&q, at))
            })
            .collect()
    }

    /// The `k` ids whose vectors have the largest dot product with `q`, best
    /// first, read from the groups of `q`'s nearest centroids.
    pub fn nearest(&self, q: &[f32], k: usize) -> Vec<(u64, f32)> {
        self.nearest_within(q, k, None)
    }

    /// `nearest`, reading the groups of the nearest centroids until
    /// `budget` vectors are read (at least one group; none: an eighth of the
    /// groups, at least `MIN_PROBES`). A fixed budget keeps a search's cost
    /// flat as the collection grows, and finds fewer of the true neighbours.
    pub fn nearest_within(&self, q: &[f32], k: usize, budget: Option<usize>) -> Vec<(u64, f32)> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        if q.len() != inner.dim || k == 0 {
            return Vec::new();
        }
        let probed: Vec<usize> = if inner.centroids.is_empty() {
            (0..inner.groups.len()).collect()
        } else {
            let mut order: Vec<(usize, f32)> = Vec::with_capacity(inner.centroids.len());
            simd(
                #[inline(always)]
                || {
                    for (c, v) in inner.centroids.iter().enumerate() {
                        order.push((c, dot(q, v)));
                    }
                },
            );
            order.sort_by(|a, b| b.1.total_cmp(&a.1));
            match budget {
                None => {
                    let probes = MIN_PROBES.max(inner.centroids.len() / 8);
                    order.into_iter().take(probes).map(|(c, _)| c).collect()
                }
                Some(budget) => {
                    let mut read = 0;
                    order
                        .into_iter()
                        .map(|(c, _)| c)
                        .take_while(|&c| {
                            let more = read == 0 || read < budget;
                            read += inner.groups[c].members.len();
                            more
                        })
                        .collect()
                }
            }
        };
        let q = Query::new(q);
        let mut found = Vec::new();
        for c in probed {
            // One group's codes in one sweep, block by block.
            let g = &inner.groups[c];
            let codes = g
                .blocks
                .iter()
                .flat_map(|b| b.chunks_exact(inner.dim.max(1)));
            for ((&id, code), scale) in g.ids.iter().zip(codes).zip(&g.scales) {
                let dot = q.codes.dot(code);
                found.push((id, dot as f32 * q.scale * scale));
            }
        }
        best(found, k)
    }
}

/// The `k` best of `found`, best first, ties by id.
fn best(mut found: Vec<(u64, f32)>, k: usize) -> Vec<(u64, f32)> {
    let by_score = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if found.len() > k {
        found.select_nth_unstable_by(k - 1, by_score);
        found.truncate(k);
    }
    found.sort_by(by_score);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic unit vectors around a few directions.
    fn vectors(n: usize, dim: usize) -> Vec<(u64, Vec<f32>)> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        (0..n)
            .map(|i| {
                let mut v: Vec<f32> = (0..dim).map(|_| next() * 0.3).collect();
                v[i % dim] += 1.0;
                let norm = dot(&v, &v).sqrt();
                (i as u64, v.into_iter().map(|x| x / norm).collect())
            })
            .collect()
    }

    fn exact(all: &[(u64, Vec<f32>)], q: &[f32], k: usize) -> Vec<u64> {
        let mut s: Vec<(u64, f32)> = all.iter().map(|(i, v)| (*i, dot(q, v))).collect();
        s.sort_by(|a, b| b.1.total_cmp(&a.1));
        s.into_iter().take(k).map(|(i, _)| i).collect()
    }

    #[test]
    fn a_small_collection_is_searched_exactly() {
        let all = vectors(300, 16);
        let index = VecIndex::default();
        index.extend(all.clone());
        for (_, q) in all.iter().step_by(37) {
            // Every group is read: the best ten, up to int8 rounding.
            let got = index.nearest(q, 10);
            let want = exact(&all, q, 10);
            let tenth = dot(q, &all[want[9] as usize].1);
            assert_eq!(got[0].0, want[0]);
            for (id, s) in got {
                let truth = dot(q, &all[id as usize].1);
                assert!((s - truth).abs() < 0.01 && truth >= tenth - 0.01, "{id}");
            }
        }
        assert!(index.nearest(&[1.0; 3], 5).is_empty(), "wrong dimensions");
        let (_, q) = &all[5];
        let s = index.similarities(q, &[5, 6, 9999]);
        assert!((s[0].unwrap() - 1.0).abs() < 0.01);
        assert!((s[1].unwrap() - dot(q, &all[6].1)).abs() < 0.01);
        assert_eq!(s[2], None);
    }

    #[test]
    fn the_smallest_budget_reads_the_query_s_own_group() {
        let all = vectors(2000, 16);
        let index = VecIndex::default();
        index.extend(all[..1500].to_vec());
        index.extend(all[1500..].to_vec());
        let (_, q) = &all[1700];
        assert_eq!(index.nearest_within(q, 1, Some(1))[0].0, 1700);
    }

    #[test]
    fn int8_codes_keep_dot_products_of_embedding_sized_vectors_within_a_hundredth() {
        let all = vectors(200, 384);
        let index = VecIndex::default();
        index.extend(all.clone());
        let ids: Vec<u64> = all.iter().map(|(i, _)| *i).collect();
        let mut worst = 0.0f32;
        for (_, q) in all.iter().step_by(13) {
            let got = index.similarities(q, &ids);
            for ((_, v), s) in all.iter().zip(got) {
                worst = worst.max((s.unwrap() - dot(q, v)).abs());
            }
        }
        assert!(worst < 0.01, "{worst}");
        // Nothing to scale: all zeros stay zeros.
        assert_eq!(quantise(&[0.0; 4]), (vec![0; 4], 0.0));
    }

    #[test]
    fn a_clustered_collection_finds_most_true_neighbours() {
        let all = vectors(5000, 32);
        let index = VecIndex::default();
        // In two commits, so the second is assigned to existing groups.
        index.extend(all[..3000].to_vec());
        index.extend(all[3000..].to_vec());
        assert_eq!(index.len(), 5000);
        let (mut hit, mut total) = (0, 0);
        for (_, q) in all.iter().step_by(97) {
            let got: Vec<u64> = index.nearest(q, 20).into_iter().map(|(i, _)| i).collect();
            let want = exact(&all, q, 20);
            hit += want.iter().filter(|w| got.contains(w)).count();
            total += want.len();
            assert_eq!(got.len(), 20);
        }
        assert!(hit * 10 >= total * 9, "recall {hit}/{total}");
        // Regrouped twice (at 1,024 and 2,048) and added to since: every
        // vector is where its position says, once.
        let inner = index.inner.read().unwrap();
        for (i, (_, v)) in all.iter().enumerate() {
            assert_eq!(inner.coded(i).0, quantise(v).0.as_slice(), "{i}");
        }
        let held: usize = inner.groups.iter().map(|g| g.members.len()).sum();
        assert_eq!(held, all.len());
    }

    type Vectors = Vec<(u64, Vec<f32>)>;

    /// An index of 3,000 vectors, and the bytes `write_to` makes of it.
    fn saved(codes: bool) -> (Vectors, VecIndex, Vec<u8>) {
        let all = vectors(3000, 24);
        let index = VecIndex::default();
        index.extend(all.clone());
        let mut bytes = Vec::new();
        let mut out = super::super::snapshot::Out::new(&mut bytes);
        index.write_to(&mut out, codes);
        out.finish().unwrap();
        bytes.truncate(bytes.len() - 4); // the checksum `finish` closes with
        (all, index, bytes)
    }

    #[test]
    fn an_index_read_back_from_its_bytes_searches_as_it_did_without_clustering_again() {
        let (all, index, bytes) = saved(true);
        let mut at = 0;
        let back = VecIndex::read_from(&bytes, &mut at, true).unwrap();
        assert_eq!(at, bytes.len());
        {
            let (a, b) = (index.inner.read().unwrap(), back.inner.read().unwrap());
            assert_eq!((&a.ids, &a.slots, &a.groups), (&b.ids, &b.slots, &b.groups));
            assert_eq!(
                (&a.centroids, a.clustered_at),
                (&b.centroids, b.clustered_at)
            );
        }
        for (_, q) in all.iter().step_by(211) {
            assert_eq!(index.nearest(q, 10), back.nearest(q, 10));
        }
        // Cut short anywhere: refused, not misread.
        for cut in [1, bytes.len() / 3, bytes.len() - 1] {
            assert!(VecIndex::read_from(&bytes[..cut], &mut 0, true).is_none());
        }
    }

    #[test]
    fn an_index_saved_without_its_vectors_searches_as_it_did_once_they_are_put_back() {
        let (all, index, bytes) = saved(false);
        let mut at = 0;
        let back = VecIndex::read_from(&bytes, &mut at, false).unwrap();
        assert_eq!(at, bytes.len());
        // A stranger is not placed; every vector it holds is.
        let coded = |(id, v): &(u64, Vec<f32>)| {
            let (codes, scale) = quantise(v);
            (*id, codes, scale)
        };
        let stranger = coded(&(u64::MAX, all[0].1.clone()));
        assert_eq!(
            back.fill(all.iter().map(coded).chain([stranger])),
            all.len()
        );
        {
            let (a, b) = (index.inner.read().unwrap(), back.inner.read().unwrap());
            assert_eq!((&a.ids, &a.slots, &a.groups), (&b.ids, &b.slots, &b.groups));
        }
        for (_, q) in all.iter().step_by(211) {
            assert_eq!(index.nearest(q, 10), back.nearest(q, 10));
        }
    }
}
