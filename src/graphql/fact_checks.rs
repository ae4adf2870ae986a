//! Fact-checks: reviews recorded on claims, ClaimReview in and out, and
//! cross-checking new text against everything stored.

use super::error::{bad_input, coded, internal, st, Result, StoreErr, BAD_USER_INPUT, NOT_FOUND};
use super::pagination::{self, Page, TotalCount};
use super::types::{app, load_err, loader, store, Claim, Stance};
use crate::claimreview::{self as fc, FactCheckError, ReviewInput as DReviewInput};
use crate::domain::{self, ClaimId, FactCheckId};
use crate::search::crosscheck::{self, Scope, Target};
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ErrorExtensions, InputObject, Json, Object, SimpleObject, ID};

/// Longest text `crossCheck` accepts, in characters.
pub const MAX_CROSS_CHECK_CHARS: usize = 10_000;
/// Most ClaimReviews one `importClaimReviews` call accepts.
pub const MAX_IMPORT_BATCH: usize = 1_000;

fn fact_check_error(e: FactCheckError) -> async_graphql::Error {
    match e {
        FactCheckError::Invalid { ref field, .. } => {
            bad_input(e.to_string()).extend_with(|_, x| x.set("field", field.clone()))
        }
        FactCheckError::NotFound(_) => coded(NOT_FOUND, e.to_string()),
        FactCheckError::Store(s) => StoreErr(s).into(),
    }
}

/// A fact-check: a verdict recorded here on a stored claim (`reviewClaim`),
/// or a ClaimReview imported from a fact-checker.
#[derive(Clone)]
pub struct FactCheck(pub domain::FactCheck);

#[Object]
impl FactCheck {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The claim as the fact-checker worded it.
    async fn claim_reviewed(&self) -> &str {
        &self.0.claim_reviewed
    }
    /// The fact-check's title.
    async fn headline(&self) -> Option<&str> {
        self.0.headline.as_deref()
    }
    /// The verdict in words ("False", "Mostly true"): ClaimReview's `alternateName`.
    async fn rating(&self) -> Option<&str> {
        self.0.rating.name.as_deref()
    }
    /// The verdict on the fact-checker's numeric scale.
    async fn rating_value(&self) -> Option<f64> {
        self.0.rating.value
    }
    /// The best value of that scale.
    async fn best_rating(&self) -> Option<f64> {
        self.0.rating.best
    }
    /// The worst value of that scale.
    async fn worst_rating(&self) -> Option<f64> {
        self.0.rating.worst
    }
    /// Why the verdict is what it is.
    async fn explanation(&self) -> Option<&str> {
        self.0.explanation.as_deref()
    }
    /// Where the fact-check is published.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Who checked the claim.
    async fn author(&self) -> Option<&str> {
        self.0.author.as_deref()
    }
    /// When the fact-check was published (as given; today's date for reviews recorded here).
    async fn date_published(&self) -> Option<&str> {
        self.0.date_published.as_deref()
    }
    /// Who made the claim, as the fact-checker names them.
    async fn claimant(&self) -> Option<&str> {
        self.0.claimant.as_deref()
    }
    /// Where the claim appeared, as the fact-checker gives it.
    async fn appearance(&self) -> Option<&str> {
        self.0.appearance.as_deref()
    }
    /// The stored claim this reviews, when it was recorded with `reviewClaim`.
    async fn claim(&self, ctx: &Context<'_>) -> Result<Option<Claim>> {
        match self.0.claim {
            Some(id) => Ok(loader(ctx).load_one(id).await.map_err(load_err)?.map(Claim)),
            None => Ok(None),
        }
    }
    /// Stored claims that say the same thing (or the opposite), best first.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn matches(&self, ctx: &Context<'_>, first: Option<i32>) -> Result<Vec<FactCheckMatch>> {
        let first = pagination::page_size(first)?;
        let mut ms = st(store(ctx).claims_of_fact_check(self.0.id))?;
        ms.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.claim.cmp(&b.claim)));
        ms.truncate(first);
        Ok(ms.into_iter().map(FactCheckMatch).collect())
    }
    /// This fact-check as schema.org ClaimReview JSON-LD.
    async fn claim_review(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        Ok(Json(st(fc::render(store(ctx).as_ref(), &self.0))?))
    }
}

/// A stored claim and a fact-check that say the same thing, or the opposite.
#[derive(Clone)]
pub struct FactCheckMatch(pub domain::FactCheckMatch);

#[Object]
impl FactCheckMatch {
    /// The claim.
    async fn claim(&self, ctx: &Context<'_>) -> Result<Option<Claim>> {
        Ok(loader(ctx)
            .load_one(self.0.claim)
            .await
            .map_err(load_err)?
            .map(Claim))
    }
    /// The fact-check.
    async fn fact_check(&self, ctx: &Context<'_>) -> Result<Option<FactCheck>> {
        Ok(st(store(ctx).fact_check(self.0.fact_check))?.map(FactCheck))
    }
    /// How strongly they match, in [0, 1].
    async fn score(&self) -> f64 {
        f64::from(self.0.score)
    }
    /// Whether the claim says what the fact-check reviewed, or the opposite.
    async fn stance(&self) -> Stance {
        self.0.stance.into()
    }
    /// What matched: shared entities, aligned terms, numbers.
    async fn evidence(&self) -> &[String] {
        &self.0.evidence
    }
}

/// How many reviews gave a verdict.
#[derive(SimpleObject, Clone)]
pub struct RatingCount {
    /// The verdict in words, as the reviews give it.
    pub rating: String,
    /// Reviews that gave it.
    pub count: u64,
}

/// A speaker's record across everything stored.
#[derive(SimpleObject, Clone, Default)]
pub struct TrackRecord {
    /// Claims attributed to the speaker.
    pub claims: u64,
    /// Claims with at least one review recorded on them.
    pub reviewed: u64,
    /// Reviews of the speaker's claims, and fact-checks matched to them as
    /// saying the same thing, counted by verdict; most frequent first.
    pub ratings: Vec<RatingCount>,
    /// Claims that an independent source supports.
    pub corroborated: u64,
    /// Claims that some other claim contradicts.
    pub contradicted: u64,
    /// Claims matched to at least one stored fact-check.
    pub fact_checked: u64,
}

impl From<crate::app::track_record::TrackRecord> for TrackRecord {
    fn from(r: crate::app::track_record::TrackRecord) -> Self {
        TrackRecord {
            claims: r.claims,
            reviewed: r.reviewed,
            ratings: r
                .ratings
                .into_iter()
                .map(|(rating, count)| RatingCount { rating, count })
                .collect(),
            corroborated: r.corroborated,
            contradicted: r.contradicted,
            fact_checked: r.fact_checked,
        }
    }
}

/// What to cross-check against.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum CrossCheckScope {
    /// Stored claims and fact-checks.
    #[default]
    All,
    /// Stored claims only.
    Claims,
    /// Fact-checks only.
    FactChecks,
}

/// A stored claim or fact-check that matches the text cross-checked.
#[derive(SimpleObject, Clone)]
pub struct CrossCheckMatch {
    /// The matching claim, when the match is a claim.
    pub claim: Option<Claim>,
    /// The matching fact-check, when the match is a fact-check.
    pub fact_check: Option<FactCheck>,
    /// How likely it is what the text is about, in [0, 1]; the ranking is by
    /// this. It falls steeply after the best match.
    pub score: f64,
    /// How much it and the text share, in [0, 1], as corroboration scores
    /// claims: comparable across matches and queries.
    pub similarity: f64,
    /// How close the two texts are in meaning, in [-1, 1]: the cosine of their
    /// sentence embeddings (all-MiniLM-L6-v2). Set for fact-checks and claims,
    /// which are embedded when stored; null for one stored without an embedding
    /// (a claim ingested before claims were embedded).
    pub semantic_similarity: Option<f64>,
    /// Whether it says the same as the text or the opposite; null when it is
    /// related without stating the same proposition.
    pub stance: Option<Stance>,
    /// What matched: shared entities, aligned terms, numbers.
    pub evidence: Vec<String>,
}

#[derive(Default)]
pub struct FactCheckQuery;

#[Object]
impl FactCheckQuery {
    /// One fact-check by id, or null if there is none.
    async fn fact_check(&self, ctx: &Context<'_>, id: ID) -> Result<Option<FactCheck>> {
        let id = id
            .parse::<FactCheckId>()
            .map_err(|e| bad_input(e.to_string()))?;
        Ok(st(store(ctx).fact_check(id))?.map(FactCheck))
    }
    /// Stored fact-checks, oldest first.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn fact_checks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, FactCheck, TotalCount>> {
        pagination::fact_checks_page(store(ctx), Page::new(first, after)?)
    }
    /// The stored claims and fact-checks that match a piece of text, best
    /// first: what an automated pipeline asks of every new sentence.
    #[graphql(complexity = "super::limits::cross_check(&text, first, child_complexity)")]
    async fn cross_check(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text to check: a sentence, a post, a paragraph.")] text: String,
        #[graphql(desc = "At most this many matches (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "What to match against (default: everything).")] scope: Option<
            CrossCheckScope,
        >,
    ) -> Result<Vec<CrossCheckMatch>> {
        let first = pagination::page_size(first)?;
        let n = text.chars().count();
        if n > MAX_CROSS_CHECK_CHARS {
            return Err(coded(
                BAD_USER_INPUT,
                format!("`text` has {n} characters; the limit is {MAX_CROSS_CHECK_CHARS}"),
            )
            .extend_with(|_, x| x.set("field", "text")));
        }
        let scope = match scope.unwrap_or_default() {
            CrossCheckScope::All => Scope::ALL,
            CrossCheckScope::Claims => Scope {
                claims: true,
                fact_checks: false,
            },
            CrossCheckScope::FactChecks => Scope::FACT_CHECKS,
        };
        let a = app(ctx).clone();
        let deadline = super::limits::deadline(ctx);
        let hits = tokio::task::spawn_blocking(move || {
            crosscheck::cross_check_until(
                a.store().as_ref(),
                a.search(),
                &text,
                first,
                scope,
                deadline,
            )
        })
        .await
        .map_err(|e| internal(&e))?;
        let Some(hits) = st(hits)? else {
            return Err(coded(
                super::error::LIMIT_EXCEEDED,
                "the request's time ran out before this cross-check finished",
            )
            .extend_with(|_, x| x.set("limit", "timeout")));
        };
        let claim_ids: Vec<ClaimId> = hits
            .iter()
            .filter_map(|h| match h.target {
                Target::Claim(c) => Some(c),
                Target::FactCheck(_) => None,
            })
            .collect();
        let claims = loader(ctx).load_many(claim_ids).await.map_err(load_err)?;
        let mut out = Vec::new();
        for h in hits {
            let (claim, fact_check) = match h.target {
                Target::Claim(c) => match claims.get(&c) {
                    Some(c) => (Some(Claim(c.clone())), None),
                    None => continue,
                },
                Target::FactCheck(f) => match st(store(ctx).fact_check(f))? {
                    Some(f) => (None, Some(FactCheck(f))),
                    None => continue,
                },
            };
            out.push(CrossCheckMatch {
                claim,
                fact_check,
                score: f64::from(h.score),
                similarity: f64::from(h.similarity),
                semantic_similarity: h.semantic_similarity.map(f64::from),
                stance: h.stance.map(Into::into),
                evidence: h.evidence,
            });
        }
        Ok(out)
    }
}

/// A fact-checker's verdict on a stored claim.
#[derive(InputObject)]
pub struct ReviewInput {
    /// The verdict in words ("False", "Mostly true"). Required.
    pub rating: String,
    /// The verdict on a numeric scale.
    pub rating_value: Option<f64>,
    /// The best value of that scale.
    pub best_rating: Option<f64>,
    /// The worst value of that scale.
    pub worst_rating: Option<f64>,
    /// Why.
    pub explanation: Option<String>,
    /// Where the fact-check is published: an absolute http(s) URL.
    pub url: Option<String>,
    /// Who checked it.
    pub author: Option<String>,
}

/// What an import did.
#[derive(SimpleObject)]
pub struct ImportClaimReviewsResult {
    /// The fact-checks, in the order given (already stored ones included).
    pub fact_checks: Vec<FactCheck>,
    /// How many were new.
    pub created: u64,
    /// How many were already stored (same url, or same content).
    pub existing: u64,
    /// Links made to stored claims.
    pub links: u64,
}

#[derive(Default)]
pub struct FactCheckMutation;

#[Object]
impl FactCheckMutation {
    /// Record a fact-checker's verdict on a stored claim. Other stored claims
    /// that say the same thing are linked to it, and so are later ones.
    #[graphql(guard = "super::auth::WriteAccess")]
    async fn review_claim(
        &self,
        ctx: &Context<'_>,
        claim_id: ID,
        input: ReviewInput,
    ) -> Result<FactCheck> {
        let claim = claim_id
            .parse::<ClaimId>()
            .map_err(|e| bad_input(e.to_string()).extend_with(|_, x| x.set("field", "claimId")))?;
        let a = app(ctx).clone();
        let review = DReviewInput {
            rating: input.rating,
            rating_value: input.rating_value,
            best_rating: input.best_rating,
            worst_rating: input.worst_rating,
            explanation: input.explanation,
            url: input.url,
            author: input.author,
        };
        let done = tokio::task::spawn_blocking(move || a.review_claim(claim, review))
            .await
            .map_err(|e| internal(&e))?
            .map_err(fact_check_error)?;
        Ok(FactCheck(done.fact_check))
    }

    /// Import fact-checks published elsewhere: a ClaimReview object, an
    /// array of them, a JSON-LD `@graph`, a schema.org DataFeed, or a Fact
    /// Check Tools response. Each is linked to the stored claims it matches.
    /// Idempotent on each fact-check's url.
    #[graphql(guard = "super::auth::WriteAccess")]
    async fn import_claim_reviews(
        &self,
        ctx: &Context<'_>,
        claim_reviews: Json<serde_json::Value>,
    ) -> Result<ImportClaimReviewsResult> {
        let items = fc::parse_claim_reviews(&claim_reviews.0).map_err(fact_check_error)?;
        if items.len() > MAX_IMPORT_BATCH {
            return Err(coded(
                super::error::LIMIT_EXCEEDED,
                format!(
                    "{} ClaimReviews in one call; the limit is {MAX_IMPORT_BATCH}",
                    items.len()
                ),
            ));
        }
        let a = app(ctx).clone();
        let done = tokio::task::spawn_blocking(move || a.import_fact_checks(items))
            .await
            .map_err(|e| internal(&e))?
            .map_err(fact_check_error)?;
        let mut r = ImportClaimReviewsResult {
            fact_checks: Vec::new(),
            created: 0,
            existing: 0,
            links: 0,
        };
        for d in done {
            if d.created {
                r.created += 1;
            } else {
                r.existing += 1;
            }
            r.links += d.matches.len() as u64;
            r.fact_checks.push(FactCheck(d.fact_check));
        }
        Ok(r)
    }
}
