//! The fact-check write path: reviews recorded on stored claims and
//! fact-checks imported from elsewhere, each embedded outside the write
//! lock, linked to the stored claims it matches and committed whole.

use super::{now, App};
use crate::claimreview::{iso_date, validate, FactCheckError, ReviewInput};
use crate::domain::{ClaimId, FactCheck, FactCheckMatch, NewFactCheck, Rating, Speaker};
use crate::search::linking::{embed_fact_checks, plan_fact_check};
use crate::store::{FactCheckWrite, Outcome, StoreError, Unit};

/// What one fact-check write did.
#[derive(Debug, Clone)]
pub struct FactCheckInserted {
    pub fact_check: FactCheck,
    /// False when the same fact-check (same url, or same content) was stored.
    pub created: bool,
    /// The stored claims it was linked to.
    pub matches: Vec<FactCheckMatch>,
}

impl App {
    /// Record a fact-checker's verdict on a stored claim. The review is itself a
    /// fact-check: claims elsewhere that say the same thing get linked to it.
    pub fn review_claim(
        &self,
        claim_id: ClaimId,
        input: ReviewInput,
    ) -> Result<FactCheckInserted, FactCheckError> {
        let store = self.store.as_ref();
        let claim = store
            .claim(claim_id)?
            .ok_or_else(|| FactCheckError::NotFound(format!("claim {claim_id}")))?;
        if input.rating.trim().is_empty() {
            return Err(FactCheckError::Invalid {
                field: "rating".into(),
                reason: "is empty".into(),
            });
        }
        let article = store.article(claim.id.article)?;
        let speakers: Vec<Speaker> = store
            .speakers(&claim.speakers)?
            .into_iter()
            .flatten()
            .collect();
        let new = validate(NewFactCheck {
            claim_reviewed: claim.text.clone(),
            headline: None,
            rating: Rating {
                name: Some(input.rating),
                value: input.rating_value,
                best: input.best_rating,
                worst: input.worst_rating,
            },
            explanation: input.explanation,
            url: input.url,
            author: input.author,
            date_published: Some(iso_date(now())),
            claimant: (!speakers.is_empty()).then(|| {
                speakers
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            appearance: article.and_then(|a| a.url),
            claim: Some(claim_id),
        })?;
        // Embedded before the write lock is taken: the model is the slow part.
        let vector = embed_fact_checks(&[&new]).pop();
        Ok(self.insert_fact_check(new, vector)?)
    }

    /// Store fact-checks published elsewhere, each linked to the stored claims
    /// it matches. All or none are valid; each is stored atomically.
    pub fn import_fact_checks(
        &self,
        items: Vec<NewFactCheck>,
    ) -> Result<Vec<FactCheckInserted>, FactCheckError> {
        let items = items
            .into_iter()
            .map(validate)
            .collect::<Result<Vec<_>, _>>()?;
        self.import_valid(items)
            .into_iter()
            .map(|r| r.map_err(FactCheckError::from))
            .collect()
    }

    /// Store validated fact-checks, one answer each: the new ones are embedded
    /// first, on every core and outside the write lock.
    pub fn import_valid(
        &self,
        items: Vec<NewFactCheck>,
    ) -> Vec<Result<FactCheckInserted, StoreError>> {
        let stored: Vec<bool> = items
            .iter()
            .map(|n| matches!(self.store.fact_check_stored(n), Ok(Some(_))))
            .collect();
        let fresh: Vec<&NewFactCheck> = items
            .iter()
            .zip(&stored)
            .filter(|(_, s)| !**s)
            .map(|(n, _)| n)
            .collect();
        let mut vectors = embed_fact_checks(&fresh).into_iter();
        items
            .into_iter()
            .zip(stored)
            .map(|(new, stored)| {
                // A stored one is found by the insert before any linking.
                let vector = if stored { None } else { vectors.next() };
                self.insert_fact_check(new, vector)
            })
            .collect()
    }

    /// Link and commit one fact-check, under the write lock.
    fn insert_fact_check(
        &self,
        new: NewFactCheck,
        vector: Option<Vec<f32>>,
    ) -> Result<FactCheckInserted, StoreError> {
        let store = self.store.as_ref();
        let _w = self.write_lock();
        if let Some(id) = store.fact_check_stored(&new)? {
            if let Some(fact_check) = store.fact_check(id)? {
                return Ok(FactCheckInserted {
                    fact_check,
                    created: false,
                    matches: Vec::new(),
                });
            }
        }
        // A review of a missing claim is refused by the store's transaction.
        let id = store.next_ids()?.fact_check;
        let links = plan_fact_check(store, &self.search, id, &new)?;
        let write = FactCheckWrite {
            fact_check: FactCheck {
                id,
                details: new,
                created_at: now(),
            },
            terms: links.terms,
            length: links.length,
            matches: links.matches,
            vector,
        };
        let done = match store.commit_fact_check(&write)? {
            Outcome::Created { seq } => {
                let FactCheckWrite {
                    fact_check,
                    terms,
                    length,
                    matches,
                    vector,
                } = write;
                let unit = Unit::FactCheck {
                    id,
                    terms,
                    length,
                    vector,
                };
                self.committed(seq, unit, Vec::new())?;
                FactCheckInserted {
                    fact_check,
                    created: true,
                    matches,
                }
            }
            Outcome::Existing(id) => FactCheckInserted {
                fact_check: store
                    .fact_check(id)?
                    .ok_or_else(|| StoreError::NotFound(format!("fact-check {id}")))?,
                created: false,
                matches: Vec::new(),
            },
        };
        self.events.fact_check_stored(&done);
        Ok(done)
    }
}
