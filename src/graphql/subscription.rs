//! Live updates over the graphql-transport-ws protocol (at /graphql/ws).
//! Each subscription reads the broadcast of committed writes; arguments
//! filter it.

use super::error::{bad_input, Result};
use super::fact_checks::FactCheckMatch;
use super::types::{store, Claim, Corroboration};
use crate::app::events::Event;
use crate::domain::{ClaimId, FactCheckId, SpeakerId};
use async_graphql::futures_util::stream::{self, Stream, StreamExt};
use async_graphql::{Context, SimpleObject, Subscription, ID};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

fn parse<T: std::str::FromStr<Err = crate::domain::IdError>>(id: Option<ID>) -> Result<Option<T>> {
    id.map(|i| i.parse::<T>().map_err(|e| bad_input(e.to_string())))
        .transpose()
}

/// The committed events, skipping over any a slow client missed.
fn events(ctx: &Context<'_>) -> impl Stream<Item = Event> {
    let rx = super::types::app(ctx).events().subscribe();
    stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) => return Some((e, rx)),
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a subscriber fell behind");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

/// A new link, seen from one claim's side.
#[derive(SimpleObject, Clone)]
pub struct CorroborationEvent {
    /// The claim the link was added to.
    pub claim: Claim,
    /// The link: the other claim, score, stance, evidence.
    pub corroboration: Corroboration,
}

#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Claims as their articles are stored; with `speakerId`, only that speaker's.
    async fn claim_added(
        &self,
        ctx: &Context<'_>,
        speaker_id: Option<ID>,
    ) -> Result<impl Stream<Item = Claim>> {
        let speaker = parse::<SpeakerId>(speaker_id)?;
        let store = store(ctx).clone();
        Ok(events(ctx).filter_map(move |e| {
            let store = Arc::clone(&store);
            async move {
                match e {
                    Event::ClaimAdded { claim, speakers }
                        if speaker.is_none_or(|s| speakers.contains(&s)) =>
                    {
                        store.claim(claim).ok().flatten().map(Claim)
                    }
                    _ => None,
                }
            }
        }))
    }

    /// Links between claims as they are made; with `claimId`, only that claim's.
    async fn corroboration_added(
        &self,
        ctx: &Context<'_>,
        claim_id: Option<ID>,
    ) -> Result<impl Stream<Item = CorroborationEvent>> {
        let only = parse::<ClaimId>(claim_id)?;
        let store = store(ctx).clone();
        Ok(events(ctx).filter_map(move |e| {
            let store = Arc::clone(&store);
            async move {
                match e {
                    Event::CorroborationAdded { claim, link }
                        if only.is_none_or(|c| c == claim) =>
                    {
                        let this = store.claim(claim).ok().flatten()?;
                        let other = store.claim(link.claim).ok().flatten()?;
                        Some(CorroborationEvent {
                            claim: Claim(this),
                            corroboration: Corroboration {
                                claim: Claim(other),
                                score: f64::from(link.score),
                                stance: link.stance.into(),
                                evidence: link.evidence,
                                independent: link.independent,
                            },
                        })
                    }
                    _ => None,
                }
            }
        }))
    }

    /// Fact-checks matched to claims, as either arrives; filtered by either side.
    async fn fact_check_matched(
        &self,
        ctx: &Context<'_>,
        claim_id: Option<ID>,
        fact_check_id: Option<ID>,
    ) -> Result<impl Stream<Item = FactCheckMatch>> {
        let claim = parse::<ClaimId>(claim_id)?;
        let fact_check = parse::<FactCheckId>(fact_check_id)?;
        Ok(events(ctx).filter_map(move |e| async move {
            match e {
                Event::FactCheckMatched(m)
                    if claim.is_none_or(|c| c == m.claim)
                        && fact_check.is_none_or(|f| f == m.fact_check) =>
                {
                    Some(FactCheckMatch(m))
                }
                _ => None,
            }
        }))
    }
}
