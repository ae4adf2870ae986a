//! Compaction: every tree copied in key order into a fresh sled log, which
//! then takes the store's place. sled's log keeps the garbage its page
//! rewrites leave until a segment falls under half live, and an ingest that
//! links new claims to old ones rewrites pages all over the store: after
//! 100,000 articles the file holds 3.8 times its keys and values, and a copy
//! written in key order about 2.2 times.
//!
//! The store is never without a complete copy on disk: the new log is
//! written beside it (`<dir>.compacting`) and checked against the old one's
//! checksum, then the directories are swapped by two renames. A crash
//! before the swap leaves the old store as it was (the partial copy is
//! removed the next time); one between the renames leaves the old store
//! under `<dir>.compacted-from`, which `recover` (called by every open)
//! puts back.

use super::{io, SledStore};
use crate::store::{Result, StoreError};
use std::path::{Path, PathBuf};

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    /// The directory's bytes before and after.
    pub before: u64,
    pub after: u64,
    /// Keys copied, over all trees.
    pub entries: u64,
}

impl Compaction {
    /// Whether the copy took the store's place: only a smaller one does (a
    /// store ingested into today's segments is often that compact
    /// already); otherwise `after` is `before`.
    pub fn replaced(&self) -> bool {
        self.after < self.before
    }
}

/// Suffixes of the directories beside the store: the copy being written,
/// and the old store between the two renames.
pub(super) const COPY: &str = ".compacting";
pub(super) const OLD: &str = ".compacted-from";

/// Entries per batch written to the copy: large enough that sled writes
/// each page of the copy a few times at most, small enough to bound memory.
const BATCH: usize = 4096;

pub(super) fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    dir.with_file_name(name)
}

fn fs(e: std::io::Error, what: &str, path: &Path) -> StoreError {
    StoreError::Io(format!("{what} {}: {e}", path.display()))
}

/// sled's own files in a store's directory; anything else there (the
/// derived indexes' snapshot) belongs to the layers above and moves along.
fn sled_file(name: &str) -> bool {
    matches!(name, "db" | "conf" | "blobs") || name.starts_with("snap.")
}

/// The directory `dir` is named in (a bare name's is the working directory).
pub(super) fn parent(dir: &Path) -> &Path {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Flush directory `d`, so the entries created or renamed in it are
/// durable. An error stops the compaction before the old store is
/// deleted. Only Unix can open a directory to flush it (the index
/// snapshot's rename, one layer up, makes the same flush best effort,
/// since losing it only costs a rebuild).
#[cfg(unix)]
pub(super) fn sync_dir(d: &Path) -> Result<()> {
    std::fs::File::open(d)
        .and_then(|f| f.sync_all())
        .map_err(|e| fs(e, "syncing", d))
}

#[cfg(not(unix))]
pub(super) fn sync_dir(_d: &Path) -> Result<()> {
    Ok(())
}

/// Put back a store a compaction left between its two renames.
pub(super) fn recover(dir: &Path) -> Result<()> {
    let old = sibling(dir, OLD);
    if old.is_dir() && !dir.exists() {
        std::fs::rename(&old, dir).map_err(|e| fs(e, "restoring", dir))?;
        sync_dir(parent(dir))?;
        tracing::warn!(dir = %dir.display(), "an interrupted compaction was undone");
    }
    Ok(())
}

/// The bytes of the files under `dir`.
pub fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Compact the store in `dir`, which no other process may have open;
/// `progress` hears the entries copied so far.
pub fn compact(dir: &Path, progress: &dyn Fn(u64)) -> Result<Compaction> {
    let before = dir_bytes(dir);
    let copy = sibling(dir, COPY);
    let entries = write_copy(dir, &copy, progress)?;
    if dir_bytes(&copy) >= before {
        std::fs::remove_dir_all(&copy).map_err(|e| fs(e, "removing", &copy))?;
        return Ok(Compaction {
            before,
            after: before,
            entries,
        });
    }
    // Both handles are dropped: swap the directories.
    let old = sibling(dir, OLD);
    // The copy's files are named on disk before it takes the store's place,
    // and the renames reach the disk before the old store is deleted:
    // otherwise a power cut could keep the deletion and lose the swap.
    sync_dir(&copy)?;
    std::fs::rename(dir, &old).map_err(|e| fs(e, "moving", dir))?;
    std::fs::rename(&copy, dir).map_err(|e| fs(e, "moving", &copy))?;
    sync_dir(parent(dir))?;
    std::fs::remove_dir_all(&old).map_err(|e| fs(e, "removing", &old))?;
    Ok(Compaction {
        before,
        after: dir_bytes(dir),
        entries,
    })
}

/// Write the store in `dir` into a new one in `copy`, with the files the
/// layers above keep beside it; returns the entries copied.
fn write_copy(dir: &Path, copy: &Path, progress: &dyn Fn(u64)) -> Result<u64> {
    let store = SledStore::open(dir)?;
    if copy.exists() {
        // A copy an earlier run did not finish: the store itself is whole.
        std::fs::remove_dir_all(copy).map_err(|e| fs(e, "removing", copy))?;
    }
    // The copy takes today's segments; sled's page compression, if the
    // store has it, stays.
    let layout = super::Layout {
        compressed: super::Layout::of(dir).compressed,
        ..super::Layout::NEW
    };
    let dst = SledStore::config(copy, layout).open().map_err(io)?;
    let entries = copy_trees(&store.db, &dst, progress)?;
    dst.flush().map_err(io)?;
    for e in std::fs::read_dir(dir).map_err(|e| fs(e, "reading", dir))? {
        let e = e.map_err(|e| fs(e, "reading", dir))?;
        let name = e.file_name();
        if !sled_file(&name.to_string_lossy()) && e.path().is_file() {
            let to = copy.join(&name);
            std::fs::copy(e.path(), &to).map_err(|e| fs(e, "copying to", &to))?;
        }
    }
    Ok(entries)
}

/// Copy every tree of `src` into `dst` in key order, then check that the
/// copy's checksum is the one computed over what was read.
fn copy_trees(src: &::sled::Db, dst: &::sled::Db, progress: &dyn Fn(u64)) -> Result<u64> {
    // sled's checksum reads its trees in name order.
    let mut names = src.tree_names();
    names.sort();
    let mut crc = crc32fast::Hasher::new();
    let mut entries = 0u64;
    for name in names {
        crc.update(&name);
        let (from, to) = (
            src.open_tree(&name).map_err(io)?,
            dst.open_tree(&name).map_err(io)?,
        );
        let mut batch = ::sled::Batch::default();
        let mut held = 0;
        for kv in from.iter() {
            let (k, v) = kv.map_err(io)?;
            crc.update(&k);
            crc.update(&v);
            batch.insert(k, v);
            held += 1;
            entries += 1;
            if held == BATCH {
                to.apply_batch(std::mem::take(&mut batch)).map_err(io)?;
                held = 0;
                progress(entries);
            }
        }
        to.apply_batch(batch).map_err(io)?;
        progress(entries);
    }
    if dst.checksum().map_err(io)? != crc.finalize() {
        return Err(StoreError::Corrupt(
            "the compacted copy does not match the store; the store is left as it was".into(),
        ));
    }
    Ok(entries)
}
