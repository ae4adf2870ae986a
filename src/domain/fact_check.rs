//! Fact-checks: a verdict on a claim, recorded here (`reviewClaim`) or
//! imported as a schema.org ClaimReview published elsewhere.

use super::{ClaimId, FactCheckId, Stance};
use serde::{Deserialize, Serialize};

/// A verdict in schema.org's `Rating` terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// The verdict in words ("False", "Mostly true"): ClaimReview's `alternateName`.
    pub name: Option<String>,
    pub value: Option<f64>,
    pub best: Option<f64>,
    pub worst: Option<f64>,
}

/// A fact-check as stored: what was supplied, with its id and when it was
/// stored. Its fields read through (`fc.claim_reviewed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactCheck {
    pub id: FactCheckId,
    #[serde(flatten)]
    pub details: NewFactCheck,
    pub created_at: u64,
}

impl std::ops::Deref for FactCheck {
    type Target = NewFactCheck;
    fn deref(&self) -> &NewFactCheck {
        &self.details
    }
}

/// A fact-check as supplied, before it has an id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewFactCheck {
    pub claim_reviewed: String,
    pub headline: Option<String>,
    pub rating: Rating,
    pub explanation: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub date_published: Option<String>,
    pub claimant: Option<String>,
    pub appearance: Option<String>,
    pub claim: Option<ClaimId>,
}

/// A stored claim and a fact-check that say the same thing (or the opposite).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactCheckMatch {
    pub claim: ClaimId,
    pub fact_check: FactCheckId,
    pub score: f32,
    pub stance: Stance,
    pub evidence: Vec<String>,
}
