//! What happened, for live subscribers: published after a write commits,
//! never from inside a transaction; and counted, for operators (`/metrics`).

use super::{FactCheckInserted, Ingested};
use crate::domain::{ClaimId, Corroboration, FactCheckMatch, SpeakerId};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Events a slow subscriber may miss before it is told it lagged.
const BUFFER: usize = 1_024;

#[derive(Debug, Clone)]
pub enum Event {
    ClaimAdded {
        claim: ClaimId,
        speakers: Vec<SpeakerId>,
    },
    /// A new link, seen from `claim`'s side.
    CorroborationAdded {
        claim: ClaimId,
        link: Corroboration,
    },
    FactCheckMatched(FactCheckMatch),
}

#[derive(Clone)]
pub struct Events(broadcast::Sender<Event>, Arc<Counts>);

/// Writes since the process started.
#[derive(Debug, Default)]
pub struct Counts {
    /// New articles stored.
    pub articles: AtomicU64,
    /// Articles sent again: already stored, nothing written.
    pub duplicates: AtomicU64,
    /// Claims of the new articles.
    pub claims: AtomicU64,
    /// Links between claims of different articles.
    pub corroborations: AtomicU64,
    /// New fact-checks (reviews and imports).
    pub fact_checks: AtomicU64,
    /// Claims matched to a fact-check.
    pub fact_check_matches: AtomicU64,
}

impl Default for Events {
    fn default() -> Self {
        Events(broadcast::channel(BUFFER).0, Arc::default())
    }
}

impl Events {
    /// What has been written since the process started.
    pub fn counts(&self) -> &Counts {
        &self.1
    }

    /// Live subscriptions (each holds one receiver).
    pub fn subscribers(&self) -> usize {
        self.0.receiver_count()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.0.subscribe()
    }

    fn send(&self, e: Event) {
        // No subscribers is not an error.
        let _ = self.0.send(e);
    }

    /// Everything a new article added: its claims, its links (from both
    /// ends), its fact-check matches.
    pub fn article_ingested(&self, done: &Ingested) {
        let c = self.counts();
        if !done.created {
            c.duplicates.fetch_add(1, Ordering::Relaxed);
            return;
        }
        c.articles.fetch_add(1, Ordering::Relaxed);
        c.claims
            .fetch_add(done.claims.len() as u64, Ordering::Relaxed);
        c.corroborations
            .fetch_add(done.corroborations.len() as u64, Ordering::Relaxed);
        c.fact_check_matches
            .fetch_add(done.fact_check_matches.len() as u64, Ordering::Relaxed);
        for (claim, speakers) in &done.claims {
            self.send(Event::ClaimAdded {
                claim: *claim,
                speakers: speakers.clone(),
            });
        }
        for (from, link) in &done.corroborations {
            self.send(Event::CorroborationAdded {
                claim: *from,
                link: link.clone(),
            });
            self.send(Event::CorroborationAdded {
                claim: link.claim,
                link: Corroboration {
                    claim: *from,
                    ..link.clone()
                },
            });
        }
        for m in &done.fact_check_matches {
            self.send(Event::FactCheckMatched(m.clone()));
        }
    }

    pub fn fact_check_stored(&self, done: &FactCheckInserted) {
        if done.created {
            let c = self.counts();
            c.fact_checks.fetch_add(1, Ordering::Relaxed);
            c.fact_check_matches
                .fetch_add(done.matches.len() as u64, Ordering::Relaxed);
        }
        for m in &done.matches {
            self.send(Event::FactCheckMatched(m.clone()));
        }
    }
}
