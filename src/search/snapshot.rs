//! The derived indexes saved to one file, so opening a large store reads
//! one file and the changes committed since, instead of replaying the
//! whole change log.
//!
//! A snapshot names the last change it holds and a fingerprint of that
//! change. It is used only when the store still has that change with that
//! fingerprint; anything else (a store rebuilt in the same directory, a
//! crash that lost the store's last writes, a torn or foreign file) makes
//! it ignored, and the indexes are rebuilt from the log as before. The file
//! is written whole beside the store, then renamed over the old one.
//!
//! Layout (little-endian): magic, version, the change's sequence number and
//! fingerprint, the claims' postings, the fact-checks' postings, the words
//! of claims, the fact-checks' vector index, the claims' vector index (since
//! version 2), then a CRC-32 of everything before it.

use super::postings::{get, put, List, MemIndex, PostingId};
use super::vectors::VecIndex;
use super::words::WordIndex;
use crate::store::{Change, Unit};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

const MAGIC: &[u8; 4] = b"CGIX";
const VERSION: u8 = 2;

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

fn write_index<I: PostingId>(index: &MemIndex<I>, out: &mut Vec<u8>) {
    let lists = index.lists.read().unwrap_or_else(|p| p.into_inner());
    write_lists(index.mark().unwrap_or(0), lists.len(), lists.iter(), out);
}

fn write_lists<'a, I: PostingId + 'a>(
    mark: u64,
    n: usize,
    lists: impl Iterator<Item = (&'a Box<str>, &'a List<I>)>,
    out: &mut Vec<u8>,
) {
    put(out, mark);
    put(out, n as u64);
    for (term, l) in lists {
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

/// Everything in a snapshot of indexes that hold the change `seq`.
pub(super) fn encode<A: PostingId, F: PostingId>(
    seq: u64,
    fingerprint: u32,
    claims: &MemIndex<A>,
    fact_checks: &MemIndex<F>,
    words: &WordIndex,
    vectors: &VecIndex,
    claim_vectors: &VecIndex,
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&fingerprint.to_le_bytes());
    write_index(claims, &mut out);
    write_index(fact_checks, &mut out);
    {
        let lists = words.lists.read().unwrap_or_else(|p| p.into_inner());
        write_lists(0, lists.len(), lists.iter(), &mut out);
    }
    vectors.write_to(&mut out);
    claim_vectors.write_to(&mut out);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

pub(super) fn decode<A: PostingId, F: PostingId>(
    buf: &[u8],
) -> Result<Loaded<A, F>, SnapshotError> {
    let bad = SnapshotError::Format;
    if buf.len() < 4 + 1 + 8 + 4 + 4 || &buf[..4] != MAGIC {
        return Err(bad("not an index snapshot"));
    }
    if buf[4] != VERSION {
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
    let vectors = VecIndex::read_from(body, &mut at).ok_or(bad("vectors"))?;
    let claim_vectors = VecIndex::read_from(body, &mut at).ok_or(bad("claim vectors"))?;
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
    })
}

/// Writes `bytes` to `path` whole: a temporary file beside it, synced, then
/// renamed over it, so a crash leaves the old snapshot or the new one.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
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
