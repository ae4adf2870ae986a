//! A speaker's track record: how their claims fared with fact-checkers and
//! other sources.

use crate::domain::{SpeakerId, Stance};
use crate::store::{ClaimFilter, Result, Store};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackRecord {
    /// Claims attributed to the speaker.
    pub claims: u64,
    /// Claims with at least one review recorded on them.
    pub reviewed: u64,
    /// Verdicts of reviews and supporting fact-checks, by rating, most common first.
    pub ratings: Vec<(String, u64)>,
    /// Claims with an independent supporting source.
    pub corroborated: u64,
    /// Claims that another source contradicts.
    pub contradicted: u64,
    /// Claims matched to a fact-check.
    pub fact_checked: u64,
}

/// Walks the speaker's claims through their index, with their reviews,
/// matches and links.
pub fn track_record(store: &dyn Store, speaker: SpeakerId) -> Result<TrackRecord> {
    let filter = ClaimFilter {
        speaker: Some(speaker),
        ..Default::default()
    };
    let mut r = TrackRecord::default();
    let mut ratings: BTreeMap<String, u64> = BTreeMap::new();
    for c in store.list_claims(None, usize::MAX, &filter)? {
        r.claims += 1;
        let reviews = store.reviews_of_claim(c.id)?;
        if !reviews.is_empty() {
            r.reviewed += 1;
        }
        let matched = store.fact_checks_of_claim(c.id)?;
        if !matched.is_empty() {
            r.fact_checked += 1;
        }
        let mut fcs = reviews;
        fcs.extend(
            matched
                .iter()
                .filter(|m| m.stance == Stance::Supports)
                .map(|m| m.fact_check),
        );
        for f in store.fact_checks(&fcs)?.into_iter().flatten() {
            if let Some(name) = &f.details.rating.name {
                *ratings.entry(name.clone()).or_default() += 1;
            }
        }
        let links = store.corroborations(c.id)?;
        if links
            .iter()
            .any(|l| l.independent && l.stance == Stance::Supports)
        {
            r.corroborated += 1;
        }
        if links.iter().any(|l| l.stance == Stance::Contradicts) {
            r.contradicted += 1;
        }
    }
    let mut ratings: Vec<(String, u64)> = ratings.into_iter().collect();
    ratings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    r.ratings = ratings;
    Ok(r)
}
