//! Postings lists, compact in memory: each list is a run of blocks of
//! `BLOCK` postings, delta- and varint-coded, with the first id of each
//! block kept aside so a read starts at the right block without decoding
//! the ones before it. A posting takes 3-4 bytes (24 as a plain struct).
//! Lists are built from the change log (or a saved snapshot, `snapshot.rs`)
//! and extended after each commit; a candidate lookup decodes the few
//! blocks it reads.

/// An entry of a postings list: who, how often the term occurs there, and
/// how many index terms that text has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting<I> {
    pub id: I,
    pub tf: u16,
    pub len: u16,
}

use crate::domain::{ArticleId, ClaimId, FactCheckId};
use std::collections::HashMap;
use std::sync::RwLock;

/// Postings per block: a read of the newest n decodes at most n + BLOCK.
const BLOCK: u16 = 64;

/// An id a list can hold: written as a difference from the one before it
/// in its block (the first of a block whole), so sorted ids take a byte or two.
pub trait PostingId: Copy + Ord {
    fn write(self, prev: Option<Self>, out: &mut Vec<u8>);
    fn read(prev: Option<Self>, buf: &[u8], at: &mut usize) -> Option<Self>;
}

impl PostingId for ClaimId {
    fn write(self, prev: Option<Self>, out: &mut Vec<u8>) {
        match prev {
            // Same article: only the ordinal moves.
            Some(p) if p.article == self.article => {
                put(out, 0);
                put(out, u64::from(self.ordinal - p.ordinal));
            }
            _ => {
                let base = prev.map_or(0, |p| p.article.0);
                put(out, self.article.0 - base);
                put(out, u64::from(self.ordinal));
            }
        }
    }

    fn read(prev: Option<Self>, buf: &[u8], at: &mut usize) -> Option<Self> {
        let step = get(buf, at)?;
        let ordinal = u32::try_from(get(buf, at)?).ok()?;
        Some(match prev {
            Some(p) if step == 0 => ClaimId {
                article: p.article,
                ordinal: p.ordinal.checked_add(ordinal)?,
            },
            _ => ClaimId {
                article: ArticleId(prev.map_or(0, |p| p.article.0).checked_add(step)?),
                ordinal,
            },
        })
    }
}

impl PostingId for FactCheckId {
    fn write(self, prev: Option<Self>, out: &mut Vec<u8>) {
        put(out, self.0 - prev.map_or(0, |p| p.0));
    }

    fn read(prev: Option<Self>, buf: &[u8], at: &mut usize) -> Option<Self> {
        Some(FactCheckId(
            prev.map_or(0, |p| p.0).checked_add(get(buf, at)?)?,
        ))
    }
}

#[cfg(test)]
impl PostingId for u64 {
    fn write(self, prev: Option<Self>, out: &mut Vec<u8>) {
        put(out, self - prev.unwrap_or(0));
    }

    fn read(prev: Option<Self>, buf: &[u8], at: &mut usize) -> Option<Self> {
        prev.unwrap_or(0).checked_add(get(buf, at)?)
    }
}

/// LEB128: seven bits a byte, the high bit set on all but the last.
pub(super) fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(super) fn get(buf: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// One term's postings.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct List<I> {
    /// The blocks, one after another.
    pub(super) bytes: Vec<u8>,
    /// The first id of the first block (it starts at byte 0).
    pub(super) first: I,
    /// The blocks after the first: each one's first id and where it starts.
    pub(super) blocks: Vec<(I, u32)>,
    /// The last id written, which the next one is coded against.
    pub(super) last: I,
    /// Postings in the list.
    pub(super) count: u32,
}

impl<I: PostingId> List<I> {
    /// An empty list that `p` will start.
    pub(super) fn starting(p: &Posting<I>) -> List<I> {
        List {
            bytes: Vec::new(),
            first: p.id,
            blocks: Vec::new(),
            last: p.id,
            count: 0,
        }
    }

    pub(super) fn push(&mut self, p: Posting<I>) {
        let prev = if self.count == 0 {
            self.first = p.id;
            None
        } else if self.count.is_multiple_of(u32::from(BLOCK)) {
            self.blocks.push((p.id, self.bytes.len() as u32));
            None
        } else {
            Some(self.last)
        };
        p.id.write(prev, &mut self.bytes);
        // Length and whether the term occurs once, in one number: most do.
        put(
            &mut self.bytes,
            u64::from(p.len) << 1 | u64::from(p.tf == 1),
        );
        if p.tf != 1 {
            put(&mut self.bytes, u64::from(p.tf));
        }
        self.last = p.id;
        self.count += 1;
    }

    fn block_count(&self) -> usize {
        if self.count == 0 {
            0
        } else {
            1 + self.blocks.len()
        }
    }

    /// Appends block `b`'s postings to `out`.
    fn decode_block(&self, b: usize, out: &mut Vec<Posting<I>>) {
        let start = if b == 0 {
            0
        } else {
            self.blocks[b - 1].1 as usize
        };
        let end = self
            .blocks
            .get(b)
            .map_or(self.bytes.len(), |x| x.1 as usize);
        let buf = &self.bytes[..end];
        let mut at = start;
        let mut prev = None;
        while at < end {
            // Written by `push`: a list that does not decode is a bug here.
            let (Some(id), Some(packed)) = (I::read(prev, buf, &mut at), get(buf, &mut at)) else {
                debug_assert!(false, "undecodable postings block");
                return;
            };
            let tf = if packed & 1 == 1 {
                1
            } else {
                get(buf, &mut at).unwrap_or(1) as u16
            };
            out.push(Posting {
                id,
                tf,
                len: (packed >> 1) as u16,
            });
            prev = Some(id);
        }
    }

    /// The newest `limit` postings before `before` (none: of all), in id order.
    fn newest(&self, before: Option<I>, limit: usize, out: &mut Vec<Posting<I>>) {
        out.clear();
        if limit == 0 || self.count == 0 {
            return;
        }
        // Blocks that may hold ids before the bound: those starting before it.
        let mut b = match before {
            None => self.block_count(),
            Some(x) => {
                if self.first >= x {
                    return;
                }
                1 + self.blocks.partition_point(|(f, _)| *f < x)
            }
        };
        // Decode back from the newest block until enough; the blocks come
        // out newest first and are put in order once.
        let mut blocks: Vec<Vec<Posting<I>>> = Vec::new();
        let mut have = 0;
        while b > 0 && have < limit {
            b -= 1;
            let mut block = Vec::with_capacity(usize::from(BLOCK));
            self.decode_block(b, &mut block);
            if let Some(x) = before {
                block.retain(|p| p.id < x);
            }
            have += block.len();
            blocks.push(block);
        }
        for block in blocks.into_iter().rev() {
            out.extend(block);
        }
        if out.len() > limit {
            out.drain(..out.len() - limit);
        }
    }

    /// The first `limit` postings from `from` on, in id order.
    fn from(&self, from: I, limit: usize) -> Vec<Posting<I>> {
        let mut out = Vec::new();
        if self.count == 0 {
            return out;
        }
        // The block holding `from`: the last one starting at or before it.
        let mut b = self.blocks.partition_point(|(f, _)| *f <= from);
        while b < self.block_count() && out.len() < limit {
            let mut block = Vec::with_capacity(usize::from(BLOCK));
            self.decode_block(b, &mut block);
            out.extend(block.into_iter().filter(|p| p.id >= from));
            b += 1;
        }
        out.truncate(limit);
        out
    }

    /// Calls `f` with every posting, in id order.
    pub(super) fn each(&self, f: &mut dyn FnMut(Posting<I>)) {
        let mut block = Vec::with_capacity(usize::from(BLOCK));
        for b in 0..self.block_count() {
            block.clear();
            self.decode_block(b, &mut block);
            block.iter().for_each(|p| f(*p));
        }
    }

    /// Every posting, in id order.
    #[cfg(test)]
    fn all(&self) -> Vec<Posting<I>> {
        let mut out = Vec::new();
        for b in 0..self.block_count() {
            self.decode_block(b, &mut out);
        }
        out
    }
}

pub struct MemIndex<I> {
    pub(super) lists: RwLock<HashMap<Box<str>, List<I>>>,
    /// The newest write whose postings are all here (0: none).
    pub(super) mark: std::sync::atomic::AtomicU64,
}

impl<I> Default for MemIndex<I> {
    fn default() -> Self {
        MemIndex {
            lists: RwLock::new(HashMap::new()),
            mark: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<I: PostingId> MemIndex<I> {
    /// An index of these lists, holding writes up to `mark` (a snapshot's).
    pub(super) fn from_parts(lists: HashMap<Box<str>, List<I>>, mark: u64) -> Self {
        MemIndex {
            lists: RwLock::new(lists),
            mark: std::sync::atomic::AtomicU64::new(mark),
        }
    }

    /// Appends postings; ids arrive in increasing order per term. One
    /// already there or older than the list's last is dropped: a change is
    /// applied once, in order.
    pub fn extend(&self, postings: impl IntoIterator<Item = (String, Posting<I>)>) {
        self.extend_through(postings, None)
    }

    /// Appends a write's postings and marks the write as indexed, both under
    /// the lock: a reader that sees the mark finds the postings.
    pub fn extend_through(
        &self,
        postings: impl IntoIterator<Item = (String, Posting<I>)>,
        mark: Option<u64>,
    ) {
        let mut lists = self.lists.write().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = mark {
            self.mark.fetch_max(m, std::sync::atomic::Ordering::SeqCst);
        }
        for (term, p) in postings {
            let list = match lists.get_mut(term.as_str()) {
                Some(l) => l,
                None => lists
                    .entry(term.into_boxed_str())
                    .or_insert_with(|| List::starting(&p)),
            };
            if list.count > 0 && list.last >= p.id {
                debug_assert!(false, "postings out of order");
                continue;
            }
            list.push(p);
        }
    }

    /// The newest write whose postings are all here.
    pub fn mark(&self) -> Option<u64> {
        Some(self.mark.load(std::sync::atomic::Ordering::SeqCst)).filter(|&m| m > 0)
    }

    /// How many entries a term's list has (its document frequency).
    pub fn count(&self, term: &str) -> u32 {
        let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
        lists.get(term).map_or(0, |l| l.count)
    }

    /// The first `limit` postings of a term from `from` on, in key order.
    pub fn get_from(&self, term: &str, from: I, limit: usize) -> Vec<Posting<I>> {
        let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
        lists
            .get(term)
            .map(|l| l.from(from, limit))
            .unwrap_or_default()
    }

    /// The newest `limit` postings of a term before `before` (none: of all),
    /// in key order: a long list is read from its recent end, so a lookup
    /// costs the same however long the list has grown and still reaches
    /// the newest entries.
    pub fn newest(&self, term: &str, before: Option<I>, limit: usize) -> Vec<Posting<I>> {
        let mut out = Vec::new();
        self.with(term, before, limit, &mut |l, _| out = l.to_vec());
        out
    }

    /// Calls `f` with the newest `limit` postings of a term before `before`
    /// (none: of all), in key order, and the list's whole length; not
    /// called for a term with no list.
    pub fn with(
        &self,
        term: &str,
        before: Option<I>,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<I>], u32),
    ) {
        let mut out = Vec::new();
        let count = {
            let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
            let Some(l) = lists.get(term) else {
                return;
            };
            l.newest(before, limit, &mut out);
            l.count
        };
        f(&out, count);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(v: Vec<Posting<u64>>) -> Vec<u64> {
        v.iter().map(|p| p.id).collect()
    }

    #[test]
    fn lists_stay_in_id_order_and_are_cut_at_the_limit() {
        let m = MemIndex::<u64>::default();
        let p = |id| Posting { id, tf: 1, len: 1 };
        m.extend([("a".to_string(), p(3)), ("a".to_string(), p(5))]);
        assert_eq!(ids(m.newest("a", None, 10)), [3, 5]);
        assert_eq!(m.newest("a", None, 1).len(), 1);
        assert!(m.newest("b", None, 2).is_empty());
        // Read from the recent end, before a bound or from the very end.
        m.extend([("a".to_string(), p(7))]);
        assert_eq!(ids(m.newest("a", None, 2)), [5, 7]);
        assert_eq!(ids(m.newest("a", Some(7), 2)), [3, 5]);
        assert_eq!(ids(m.newest("a", Some(3), 2)), Vec::<u64>::new());
        assert_eq!(m.count("a"), 3);
    }

    #[test]
    fn claim_ids_counts_and_lengths_come_back_as_written() {
        let mut l: Option<List<ClaimId>> = None;
        let mut want = Vec::new();
        for (article, ordinal, tf, len) in [
            (1, 0, 1, 12),
            (1, 3, 2, 40),
            (2, 0, 1, 0),
            (900_000, 70_000, 300, 65_535),
            (900_001, 1, 1, 1),
        ] {
            let p = Posting {
                id: ClaimId {
                    article: ArticleId(article),
                    ordinal,
                },
                tf,
                len,
            };
            l.get_or_insert_with(|| List::starting(&p)).push(p);
            want.push(p);
        }
        assert_eq!(l.unwrap().all(), want);
    }

    proptest! {
        // Any sorted list, any bound, any limit: the same answer as a plain
        // sorted vector gives, across block edges.
        #[test]
        fn a_coded_list_reads_like_a_sorted_vector(
            steps in prop::collection::vec(1u64..1000, 0..400),
            tfs in prop::collection::vec(1u16..5, 400),
            bound in 0u64..200_000,
            limit in 0usize..300,
        ) {
            let mut plain = Vec::new();
            let mut l = List::starting(&Posting { id: 1u64, tf: 1, len: 1 });
            let mut id = 0;
            for (i, s) in steps.iter().enumerate() {
                id += s;
                let p = Posting { id, tf: tfs[i], len: (i % 70) as u16 };
                l.push(p);
                plain.push(p);
            }
            prop_assert_eq!(l.all(), plain.clone());
            let mut got = Vec::new();
            l.newest(Some(bound), limit, &mut got);
            let before: Vec<_> = plain.iter().copied().filter(|p| p.id < bound).collect();
            prop_assert_eq!(&got[..], &before[before.len().saturating_sub(limit)..]);
            l.newest(None, limit, &mut got);
            prop_assert_eq!(&got[..], &plain[plain.len().saturating_sub(limit)..]);
            let from: Vec<_> = plain.iter().copied().filter(|p| p.id >= bound).take(limit).collect();
            prop_assert_eq!(l.from(bound, limit), from);
        }
    }
}
