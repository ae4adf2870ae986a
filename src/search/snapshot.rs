//! The derived indexes saved to one file, so opening a large store reads
//! one file and the changes committed since, instead of replaying the
//! whole change log.
//!
//! A snapshot names the last change it holds and a fingerprint of that
//! change. It is used only when the store still has that change with that
//! fingerprint; anything else (a store rebuilt in the same directory, a
//! crash that lost the store's last writes, a torn or foreign file) makes
//! it ignored, and the indexes are rebuilt from the log as before. The file
//! is written beside the store, then renamed over the old one; it is
//! streamed out through a small buffer, never built whole in memory (at
//! 100,000 articles it is 300 MB, which the ingest's peak RSS used to carry).
//!
//! Layout (little-endian): magic, version, the change's sequence number and
//! fingerprint, the claims' postings, the fact-checks' postings, the words
//! of claims, the fact-checks' vector index, the claims' vector index (since
//! version 2; since version 3 without the vectors themselves, which the store
//! holds and the open reads back: 400 bytes a claim not stored twice), then a
//! CRC-32 of everything before it.

use super::postings::{get, put, List, MemIndex, PostingId};
use super::vectors::VecIndex;
use super::words::WordIndex;
use crate::store::{Change, Unit};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

const MAGIC: &[u8; 4] = b"CGIX";
const VERSION: u8 = 3;
/// The version before, whose claims' vector index holds its vectors.
const WITH_CLAIM_VECTORS: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("reading or writing the index snapshot: {0}")]
    Io(#[from] std::io::Error),
    #[error("the index snapshot is not one this build reads: {0}")]
    Format(&'static str),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What a snapshot holds, decoded.
pub(super) struct Loaded<A, F> {
    pub seq: u64,
    pub fingerprint: u32,
    pub claims: MemIndex<A>,
    pub fact_checks: MemIndex<F>,
    pub words: WordIndex,
    pub vectors: VecIndex,
    pub claim_vectors: VecIndex,
    /// Whether `claim_vectors` was read without its vectors (to `fill`).
    pub claim_vectors_empty: bool,
}

/// A change, reduced to a number: what it committed and what it indexed.
pub(super) fn fingerprint(change: &Change) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&change.seq.to_le_bytes());
    let terms = |h: &mut crc32fast::Hasher, terms: &[(String, u16)]| {
        for (t, tf) in terms {
            h.update(&(t.len() as u64).to_le_bytes());
            h.update(t.as_bytes());
            h.update(&tf.to_le_bytes());
        }
    };
    match &change.unit {
        Unit::Article {
            id, terms: claims, ..
        } => {
            h.update(b"A");
            h.update(&id.0.to_le_bytes());
            for c in claims {
                h.update(&c.ordinal.to_le_bytes());
                h.update(&c.len.to_le_bytes());
                terms(&mut h, &c.terms);
            }
        }
        Unit::Embedded { id, .. } => {
            h.update(b"E");
            h.update(&id.0.to_le_bytes());
        }
        Unit::FactCheck {
            id,
            terms: t,
            length,
            ..
        } => {
            h.update(b"F");
            h.update(&id.0.to_le_bytes());
            h.update(&length.to_le_bytes());
            terms(&mut h, t);
        }
    }
    h.finalize()
}

/// Where a snapshot is written: a staging buffer spilled to the writer as
/// it fills, with the checksum of everything spilled. The first write error
/// is kept and returned by `finish`.
pub(super) struct Out<'a> {
    buf: Vec<u8>,
    w: &'a mut dyn Write,
    crc: crc32fast::Hasher,
    result: std::io::Result<()>,
}

impl<'a> Out<'a> {
    const SPILL: usize = 1 << 20;

    pub(super) fn new(w: &'a mut dyn Write) -> Self {
        Out {
            buf: Vec::with_capacity(Self::SPILL + 4096),
            w,
            crc: crc32fast::Hasher::new(),
            result: Ok(()),
        }
    }

    /// The staging buffer to append to (spilled first when full).
    pub(super) fn buf(&mut self) -> &mut Vec<u8> {
        if self.buf.len() >= Self::SPILL {
            self.spill();
        }
        &mut self.buf
    }

    fn spill(&mut self) {
        if self.result.is_ok() {
            self.crc.update(&self.buf);
            self.result = self.w.write_all(&self.buf);
        }
        self.buf.clear();
    }

    /// Spill the rest and close with the checksum.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        self.spill();
        self.result?;
        let crc = self.crc.clone().finalize();
        self.w.write_all(&crc.to_le_bytes())
    }
}

fn write_index<I: PostingId>(index: &MemIndex<I>, out: &mut Out) {
    let lists = index.lists.read().unwrap_or_else(|p| p.into_inner());
    write_lists(index.mark().unwrap_or(0), lists.len(), lists.iter(), out);
}

fn write_lists<'a, I: PostingId + 'a>(
    mark: u64,
    n: usize,
    lists: impl Iterator<Item = (&'a Box<str>, &'a List<I>)>,
    out: &mut Out,
) {
    put(out.buf(), mark);
    put(out.buf(), n as u64);
    for (term, l) in lists {
        let out = out.buf();
        put(out, term.len() as u64);
        out.extend_from_slice(term.as_bytes());
        put(out, u64::from(l.count));
        l.first.write(None, out);
        l.last.write(None, out);
        put(out, l.blocks.len() as u64);
        for (first, at) in &l.blocks {
            first.write(None, out);
            put(out, u64::from(*at));
        }
        put(out, l.bytes.len() as u64);
        out.extend_from_slice(&l.bytes);
    }
}

/// Reads what `write_lists` wrote: the lists and the mark.
#[allow(clippy::type_complexity)]
fn read_index<I: PostingId, M: Default + Extend<(Box<str>, List<I>)>>(
    buf: &[u8],
    at: &mut usize,
) -> Result<(M, u64), SnapshotError> {
    let bad = SnapshotError::Format;
    let num = |at: &mut usize| get(buf, at).ok_or(bad("truncated"));
    let bytes = |at: &mut usize, n: u64| -> Result<&[u8], SnapshotError> {
        let n = usize::try_from(n).map_err(|_| bad("length"))?;
        let end = at.checked_add(n).filter(|&e| e <= buf.len());
        let end = end.ok_or(bad("truncated"))?;
        let s = &buf[*at..end];
        *at = end;
        Ok(s)
    };
    let id = |at: &mut usize| I::read(None, buf, at).ok_or(bad("id"));
    let mark = num(at)?;
    let terms = num(at)?;
    let mut lists = M::default();
    for _ in 0..terms {
        let n = num(at)?;
        let term = std::str::from_utf8(bytes(at, n)?).map_err(|_| bad("term"))?;
        let count = u32::try_from(num(at)?).map_err(|_| bad("count"))?;
        let first = id(at)?;
        let last = id(at)?;
        let blocks = num(at)?;
        let mut starts = Vec::with_capacity(usize::try_from(blocks).unwrap_or(0).min(1 << 20));
        for _ in 0..blocks {
            let f = id(at)?;
            let o = u32::try_from(num(at)?).map_err(|_| bad("offset"))?;
            starts.push((f, o));
        }
        let n = num(at)?;
        let coded = bytes(at, n)?.to_vec();
        if starts.iter().any(|&(_, o)| o as usize > coded.len()) {
            return Err(bad("block offset"));
        }
        let list = List {
            bytes: coded,
            first,
            blocks: starts,
            last,
            count,
        };
        lists.extend([(Box::from(term), list)]);
    }
    Ok((lists, mark))
}

fn read_mem_index<I: PostingId>(buf: &[u8], at: &mut usize) -> Result<MemIndex<I>, SnapshotError> {
    let (lists, mark) = read_index::<I, HashMap<_, _>>(buf, at)?;
    Ok(MemIndex::from_parts(lists, mark))
}

/// The indexes that hold the change `seq`, as one snapshot.
pub(super) struct Parts<'a, A, F> {
    pub seq: u64,
    pub fingerprint: u32,
    pub claims: &'a MemIndex<A>,
    pub fact_checks: &'a MemIndex<F>,
    pub words: &'a WordIndex,
    pub vectors: &'a VecIndex,
    pub claim_vectors: &'a VecIndex,
}

/// Writes everything in a snapshot of `parts` to `w`.
pub(super) fn encode<A: PostingId, F: PostingId>(
    parts: &Parts<A, F>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = Out::new(w);
    {
        let head = out.buf();
        head.extend_from_slice(MAGIC);
        head.push(VERSION);
        head.extend_from_slice(&parts.seq.to_le_bytes());
        head.extend_from_slice(&parts.fingerprint.to_le_bytes());
    }
    write_index(parts.claims, &mut out);
    write_index(parts.fact_checks, &mut out);
    {
        let lists = parts.words.lists.read().unwrap_or_else(|p| p.into_inner());
        write_lists(0, lists.len(), lists.iter(), &mut out);
    }
    parts.vectors.write_to(&mut out, true);
    parts.claim_vectors.write_to(&mut out, false);
    out.finish()
}

pub(super) fn decode<A: PostingId, F: PostingId>(
    buf: &[u8],
) -> Result<Loaded<A, F>, SnapshotError> {
    let bad = SnapshotError::Format;
    if buf.len() < 4 + 1 + 8 + 4 + 4 || &buf[..4] != MAGIC {
        return Err(bad("not an index snapshot"));
    }
    let version = buf[4];
    if version != VERSION && version != WITH_CLAIM_VECTORS {
        return Err(bad("another version"));
    }
    let (body, crc) = buf.split_at(buf.len() - 4);
    if crc32fast::hash(body) != u32::from_le_bytes(crc.try_into().map_err(|_| bad("crc"))?) {
        return Err(bad("checksum mismatch (a torn or damaged file)"));
    }
    let seq = u64::from_le_bytes(body[5..13].try_into().map_err(|_| bad("seq"))?);
    let fingerprint = u32::from_le_bytes(body[13..17].try_into().map_err(|_| bad("fp"))?);
    let mut at = 17;
    let claims = read_mem_index(body, &mut at)?;
    let fact_checks = read_mem_index(body, &mut at)?;
    let words = WordIndex {
        lists: std::sync::RwLock::new(read_index(body, &mut at)?.0),
    };
    let vectors = VecIndex::read_from(body, &mut at, true).ok_or(bad("vectors"))?;
    let claim_codes = version == WITH_CLAIM_VECTORS;
    let claim_vectors =
        VecIndex::read_from(body, &mut at, claim_codes).ok_or(bad("claim vectors"))?;
    if at != body.len() {
        return Err(bad("trailing bytes"));
    }
    Ok(Loaded {
        seq,
        fingerprint,
        claims,
        fact_checks,
        words,
        vectors,
        claim_vectors,
        claim_vectors_empty: !claim_codes,
    })
}

/// Writes the snapshot of `parts` to `path` whole: a temporary file beside
/// it, synced, then renamed over it, so a crash leaves the old snapshot or
/// the new one.
pub(super) fn write_file<A: PostingId, F: PostingId>(
    path: &Path,
    parts: &Parts<A, F>,
) -> Result<(), SnapshotError> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        encode(parts, &mut f)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        // The rename itself durable; not every platform can open a directory.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}
