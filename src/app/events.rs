//! What happened, for live subscribers: published after a write commits,
//! never from inside a transaction.

use super::{FactCheckInserted, Ingested};
use crate::domain::{ClaimId, Corroboration, FactCheckMatch, SpeakerId};
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
pub struct Events(broadcast::Sender<Event>);

impl Default for Events {
    fn default() -> Self {
        Events(broadcast::channel(BUFFER).0)
    }
}

impl Events {
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
        if !done.created {
            return;
        }
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
        for m in &done.matches {
            self.send(Event::FactCheckMatched(m.clone()));
        }
    }
}
