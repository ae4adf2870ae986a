//! The service layer: it owns the write path. Every write (an article, a
//! review, an imported fact-check) goes through `App`, which
//!
//! 1. does the slow work outside any lock (extraction, features, candidate
//!    comparisons, embeddings),
//! 2. under its write lock, reads the next ids, finishes linking against
//!    everything committed, resolves speakers and builds the unit,
//! 3. commits the unit atomically (`store`), then brings the derived indexes
//!    up to date from the change feed (`search`) and tells subscribers.
//!
//! Reads go straight to the store and the search layer; the business reads
//! that combine several (a speaker's track record) are here too.

pub mod claims;
pub mod events;
pub mod fact_checks;
pub mod ingest;
pub mod pipeline;
pub mod reindex;
pub mod speakers;
pub mod track_record;

pub use events::{Event, Events};
pub use fact_checks::FactCheckInserted;
pub use ingest::{IngestError, Ingested};
pub use reindex::Reindexed;

use crate::search::Search;
use crate::store::{Change, Store, StoreError, Unit};
use std::sync::{Arc, Mutex, MutexGuard};

pub struct App {
    store: Arc<dyn Store>,
    search: Arc<Search>,
    events: Events,
    /// One writer at a time: a unit is planned against a settled store and
    /// committed before the next is planned.
    write: Mutex<()>,
    /// How articles' attributions are found.
    attribution: crate::extract::Attribution,
    /// Whether ingest embeds claims (off: a bulk load by words only, several
    /// times faster, embedded and linked by meaning later by `reindex`).
    embed: bool,
}

impl App {
    /// Serve a store: the derived indexes are read from their snapshot
    /// beside it, if it has one that fits, and brought up to date from its
    /// change feed.
    pub fn open(store: Arc<dyn Store>) -> Result<App, StoreError> {
        let search = Arc::new(match snapshot_path(store.as_ref()) {
            Some(path) => Search::open_saved(store.as_ref(), &path)?,
            None => Search::open(store.as_ref())?,
        });
        let app = App {
            store,
            search,
            events: Events::default(),
            write: Mutex::new(()),
            attribution: crate::extract::Attribution::default(),
            embed: true,
        };
        let missing = app.claims_without_embedding()?;
        if missing > 0 {
            // Written by a build before claims were embedded: those claims
            // are found by their words only until `claimgraph reindex`.
            tracing::warn!("{missing} stored claims have no embedding; run `claimgraph reindex`");
        }
        Ok(app)
    }

    /// The same app, finding attributions as `mode` says (the rules alone are
    /// several times faster; the learned tagger finds more).
    pub fn with_attribution(mut self, mode: crate::extract::Attribution) -> App {
        self.attribution = mode;
        self
    }

    /// The same app, embedding claims at ingest or not (see `embed`).
    pub fn with_embeddings(mut self, embed: bool) -> App {
        self.embed = embed;
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn search(&self) -> &Arc<Search> {
        &self.search
    }

    pub fn events(&self) -> &Events {
        &self.events
    }

    /// Changes with every committed write: what was read under one
    /// generation is current while the generation is.
    pub fn generation(&self) -> u64 {
        self.search.applied()
    }

    fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.write.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a commit: the indexes take the unit just written, and are
    /// saved once enough has changed that replaying it at open would show.
    fn committed(
        &self,
        seq: u64,
        unit: Unit,
        texts: Vec<(crate::domain::ClaimId, String)>,
    ) -> Result<(), StoreError> {
        self.search
            .committed(self.store.as_ref(), Change { seq, unit }, texts)?;
        if self.search.unsaved() >= SAVE_EVERY {
            self.save_indexes();
        }
        Ok(())
    }

    /// Flush the store and save the derived indexes beside it (at the end
    /// of an ingest, at shutdown): the next open reads them, not the log.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()?;
        self.save_indexes();
        Ok(())
    }

    /// A snapshot that cannot be written costs only time at the next open.
    fn save_indexes(&self) {
        let Some(path) = snapshot_path(self.store.as_ref()) else {
            return;
        };
        if let Err(e) = self.search.save(self.store.as_ref(), &path) {
            tracing::warn!("saving the index snapshot {}: {e}", path.display());
        }
    }
}

/// The derived indexes' file, beside a store on disk.
fn snapshot_path(store: &dyn Store) -> Option<std::path::PathBuf> {
    store
        .local_dir()
        .map(|d| d.join("claimgraph-indexes.snapshot"))
}

/// Changes after which the indexes are saved again while writing.
const SAVE_EVERY: u64 = 20_000;

/// The one clock: seconds since the Unix epoch, as stored.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
