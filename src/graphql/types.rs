//! Output types: newtypes over domain structs. Every field's `///` becomes
//! its description in the schema.

use super::error::{st, Result};
use super::loaders::{ClaimsOf, StoreLoader};
use super::pagination::{self, Page, TotalCount};
use crate::domain::{self, ClaimKind as DClaimKind, SpeakerKind as DSpeakerKind};
use crate::store::{ClaimFilter, Store};
use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use std::sync::Arc;

pub fn store<'a>(ctx: &Context<'a>) -> &'a Arc<dyn Store> {
    app(ctx).store()
}

/// The service layer: writes, and reads that combine the store and the indexes.
pub fn app<'a>(ctx: &Context<'a>) -> &'a Arc<crate::app::App> {
    ctx.data_unchecked::<Arc<crate::app::App>>()
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a DataLoader<StoreLoader> {
    ctx.data_unchecked::<DataLoader<StoreLoader>>()
}

pub fn load_err(e: Arc<String>) -> async_graphql::Error {
    super::error::coded(
        super::error::INTERNAL,
        format!("internal error: {}", e.split(':').next().unwrap_or("store")),
    )
}

/// What kind of claim this is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ClaimKind {
    /// Words inside quotation marks, attributed to a speaker.
    DirectQuote,
    /// Reported speech: "X said that ...", "according to X, ...".
    IndirectQuote,
    /// Reported speech that carries a quoted fragment.
    MixedQuote,
    /// The article's own check-worthy statement.
    Assertion,
}

impl From<DClaimKind> for ClaimKind {
    fn from(k: DClaimKind) -> Self {
        match k {
            DClaimKind::DirectQuote => ClaimKind::DirectQuote,
            DClaimKind::IndirectQuote => ClaimKind::IndirectQuote,
            DClaimKind::MixedQuote => ClaimKind::MixedQuote,
            DClaimKind::Assertion => ClaimKind::Assertion,
        }
    }
}

impl From<ClaimKind> for DClaimKind {
    fn from(k: ClaimKind) -> Self {
        match k {
            ClaimKind::DirectQuote => DClaimKind::DirectQuote,
            ClaimKind::IndirectQuote => DClaimKind::IndirectQuote,
            ClaimKind::MixedQuote => DClaimKind::MixedQuote,
            ClaimKind::Assertion => DClaimKind::Assertion,
        }
    }
}

/// What kind of speaker this is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SpeakerKind {
    /// A named person.
    Person,
    /// A company, agency, party, newspaper or other body.
    Organization,
    /// A state, speaking through its government.
    Country,
    /// Several people or bodies spoken of together.
    Group,
}

impl From<DSpeakerKind> for SpeakerKind {
    fn from(k: DSpeakerKind) -> Self {
        match k {
            DSpeakerKind::Person => SpeakerKind::Person,
            DSpeakerKind::Organization => SpeakerKind::Organization,
            DSpeakerKind::Country => SpeakerKind::Country,
            DSpeakerKind::Group => SpeakerKind::Group,
        }
    }
}

// The domain's `Stance`, as the API shows it.
/// Whether a corroborating claim says the same thing or the opposite.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "domain::Stance")]
pub enum Stance {
    /// The other claim says the same thing.
    Supports,
    /// The other claim says the opposite, or gives a different number or date.
    Contradicts,
}

/// A range of an article's body. Offsets count Unicode code points (not
/// bytes, not UTF-16 units), start inclusive, end exclusive.
#[derive(SimpleObject, Clone, Debug)]
pub struct Span {
    /// First code point of the range.
    pub start: u32,
    /// One past the last code point of the range.
    pub end: u32,
    /// The text the range covers.
    pub text: String,
}

fn span(body: &[char], s: domain::Span) -> Span {
    let a = (s.start as usize).min(body.len());
    let b = (s.end as usize).min(body.len()).max(a);
    Span {
        start: s.start,
        end: s.end,
        text: body[a..b].iter().collect(),
    }
}

/// Where a claim sits in its article.
#[derive(SimpleObject, Clone, Debug)]
pub struct ClaimSpans {
    /// The whole content, from its first part to its last.
    pub content: Span,
    /// Each part of the content: a quote split by its attribution has two.
    pub content_parts: Vec<Span>,
    /// The reporting verb phrase, if any.
    pub cue: Option<Span>,
    /// The words that name the speaker (a name, a description or a pronoun), if any.
    pub speaker_mention: Option<Span>,
}

/// Why the claim was extracted and attributed as it was.
#[derive(SimpleObject, Clone, Debug)]
pub struct Attribution {
    /// The extraction rule that found the claim and its speaker mention.
    pub rule: String,
    /// The rule that resolved the mention to speakers (name match, pronoun, description, ...).
    pub resolution: Option<String>,
    /// How sure the rules are, in [0, 1].
    pub confidence: f64,
}

/// A claim in another article that corroborates or contradicts this one.
#[derive(SimpleObject, Clone)]
pub struct Corroboration {
    /// The other claim.
    pub claim: Claim,
    /// How strongly the two claims match, in [0, 1].
    pub score: f64,
    /// Whether the other claim supports or contradicts this one.
    pub stance: Stance,
    /// What matched: shared entities, aligned terms, numbers.
    pub evidence: Vec<String>,
    /// False when the other claim comes from the same publisher or a copy of the same text.
    pub independent: bool,
}

/// Another article linked to this one through its claims.
#[derive(SimpleObject, Clone)]
pub struct ArticleLink {
    /// The other article.
    pub article: Article,
    /// How many claim links support.
    pub supporting: u32,
    /// How many claim links contradict.
    pub contradicting: u32,
    /// False when the two articles share a publisher or are copies of one text.
    pub independent: bool,
}

/// A news article.
#[derive(Clone)]
pub struct Article(pub domain::Article);

#[Object]
impl Article {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The headline, when the article states one.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Where the article was published.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Who published it.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// When it was published (ISO 8601, as given).
    async fn published_at(&self) -> Option<&str> {
        self.0.published_at.as_deref()
    }
    /// The full text; every span offset indexes it in code points.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// When claimgraph stored it, in seconds since the Unix epoch.
    async fn ingested_at(&self) -> u64 {
        self.0.ingested_at
    }
    /// Number of claims extracted from it.
    async fn claim_count(&self) -> u32 {
        self.0.claim_count
    }
    /// Its claims, in order of appearance.
    #[graphql(complexity = "super::limits::list(super::limits::UNBOUNDED_LIST, child_complexity)")]
    async fn claims(&self, ctx: &Context<'_>, kind: Option<ClaimKind>) -> Result<Vec<Claim>> {
        let claims = loader(ctx)
            .load_one(ClaimsOf(self.0.id))
            .await
            .map_err(load_err)?
            .unwrap_or_default();
        Ok(claims
            .iter()
            .filter(|c| kind.is_none_or(|k| c.kind == k.into()))
            .cloned()
            .map(Claim)
            .collect())
    }
    /// Other articles whose claims corroborate or contradict this one's, most links first.
    #[graphql(complexity = "super::limits::list(super::limits::UNBOUNDED_LIST, child_complexity)")]
    async fn corroborated_by(&self, ctx: &Context<'_>) -> Result<Vec<ArticleLink>> {
        let claims = loader(ctx)
            .load_one(ClaimsOf(self.0.id))
            .await
            .map_err(load_err)?
            .unwrap_or_default();
        let mut tally: Vec<(domain::ArticleId, u32, u32, bool)> = Vec::new();
        for c in claims.iter() {
            for l in st(store(ctx).corroborations(c.id))? {
                let i = match tally.iter().position(|t| t.0 == l.claim.article) {
                    Some(i) => i,
                    None => {
                        tally.push((l.claim.article, 0, 0, true));
                        tally.len() - 1
                    }
                };
                match l.stance {
                    domain::Stance::Supports => tally[i].1 += 1,
                    domain::Stance::Contradicts => tally[i].2 += 1,
                }
                tally[i].3 &= l.independent;
            }
        }
        tally.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(&b.0)));
        let found = loader(ctx)
            .load_many(tally.iter().map(|t| t.0))
            .await
            .map_err(load_err)?;
        Ok(tally
            .into_iter()
            .filter_map(|(id, supporting, contradicting, independent)| {
                Some(ArticleLink {
                    article: Article(found.get(&id)?.clone()),
                    supporting,
                    contradicting,
                    independent,
                })
            })
            .collect())
    }
    /// Everyone it quotes or reports, in order of first appearance.
    #[graphql(complexity = "super::limits::list(10, child_complexity)")]
    async fn speakers(&self, ctx: &Context<'_>) -> Result<Vec<Speaker>> {
        let claims = loader(ctx)
            .load_one(ClaimsOf(self.0.id))
            .await
            .map_err(load_err)?
            .unwrap_or_default();
        let mut ids: Vec<domain::SpeakerId> = Vec::new();
        for c in claims.iter() {
            for s in &c.speakers {
                if !ids.contains(s) {
                    ids.push(*s);
                }
            }
        }
        let found = loader(ctx)
            .load_many(ids.iter().copied())
            .await
            .map_err(load_err)?;
        Ok(ids
            .iter()
            .filter_map(|i| found.get(i).cloned())
            .map(Speaker)
            .collect())
    }
}

/// A claim made in an article: a quote, reported speech, or the article's own assertion.
#[derive(Clone)]
pub struct Claim(pub domain::Claim);

#[Object]
impl Claim {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The claim's content, without surrounding quotation marks.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Direct quote, reported speech, mixed, or the article's own assertion.
    async fn kind(&self) -> ClaimKind {
        self.0.kind.into()
    }
    /// The reporting verb phrase: "said", "warned", "called for".
    async fn cue(&self) -> Option<&str> {
        self.0.cue_text.as_deref()
    }
    /// The words in the article that name the speaker.
    async fn speaker_mention(&self) -> Option<&str> {
        self.0.speaker_mention_text.as_deref()
    }
    /// Exact positions of the content, cue and speaker mention in the article body.
    async fn spans(&self, ctx: &Context<'_>) -> Result<ClaimSpans> {
        let article = loader(ctx)
            .load_one(self.0.id.article)
            .await
            .map_err(load_err)?;
        let body: Vec<char> = article
            .map(|a| a.body.chars().collect())
            .unwrap_or_default();
        Ok(ClaimSpans {
            content: span(&body, self.0.content_extent()),
            content_parts: self.0.content.iter().map(|&s| span(&body, s)).collect(),
            cue: self.0.cue.map(|s| span(&body, s)),
            speaker_mention: self.0.speaker_mention.map(|s| span(&body, s)),
        })
    }
    /// How the claim was found and attributed, with a confidence.
    async fn attribution(&self) -> Attribution {
        let a = &self.0.attribution;
        Attribution {
            rule: a.rule.clone(),
            resolution: a.resolution.clone(),
            confidence: f64::from(a.confidence),
        }
    }
    /// For assertions: how worth checking the statement is, in [0, 1].
    async fn check_worthiness(&self) -> Option<f64> {
        self.0.check_worthiness.map(f64::from)
    }
    /// The article the claim comes from.
    async fn article(&self, ctx: &Context<'_>) -> Result<Article> {
        loader(ctx)
            .load_one(self.0.id.article)
            .await
            .map_err(load_err)?
            .map(Article)
            .ok_or_else(|| super::error::internal(&format!("claim {} has no article", self.0.id)))
    }
    /// Who made the claim: one or more speakers, or none for an unattributed assertion.
    #[graphql(complexity = "super::limits::list(3, child_complexity)")]
    async fn speakers(&self, ctx: &Context<'_>) -> Result<Vec<Speaker>> {
        let found = loader(ctx)
            .load_many(self.0.speakers.iter().copied())
            .await
            .map_err(load_err)?;
        Ok(self
            .0
            .speakers
            .iter()
            .filter_map(|i| found.get(i).cloned())
            .map(Speaker)
            .collect())
    }
    /// Claims in other articles that say the same thing or the opposite, best first.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn corroborations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only links scoring at least this, in [0, 1].")] min_score: Option<f64>,
        #[graphql(desc = "Only links of this stance.")] stance: Option<Stance>,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
    ) -> Result<Vec<Corroboration>> {
        let first = pagination::page_size(first)?;
        let mut links = st(store(ctx).corroborations(self.0.id))?;
        links.retain(|l| {
            min_score.is_none_or(|m| f64::from(l.score) >= m)
                && stance.is_none_or(|s| Stance::from(l.stance) == s)
        });
        links.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.claim.cmp(&b.claim)));
        links.truncate(first);
        let claims = loader(ctx)
            .load_many(links.iter().map(|l| l.claim))
            .await
            .map_err(load_err)?;
        Ok(links
            .into_iter()
            .filter_map(|l| {
                let claim = claims.get(&l.claim)?.clone();
                Some(Corroboration {
                    claim: Claim(claim),
                    score: f64::from(l.score),
                    stance: l.stance.into(),
                    evidence: l.evidence,
                    independent: l.independent,
                })
            })
            .collect())
    }
    /// How many independent sources support this claim: other publishers'
    /// articles whose claims say the same in their own words. Supporters
    /// that repeat one text, or share a publisher, count once.
    #[graphql(complexity = 5)]
    async fn corroboration_count(&self, ctx: &Context<'_>) -> Result<u64> {
        st(crate::app::claims::independent_sources(
            store(ctx).as_ref(),
            self.0.id,
        ))
    }
    /// Verdicts recorded on this claim with `reviewClaim`, oldest first.
    #[graphql(complexity = "super::limits::list(5, child_complexity)")]
    async fn reviews(&self, ctx: &Context<'_>) -> Result<Vec<super::fact_checks::FactCheck>> {
        let s = store(ctx);
        let ids = st(s.reviews_of_claim(self.0.id))?;
        Ok(st(s.fact_checks(&ids))?
            .into_iter()
            .flatten()
            .map(super::fact_checks::FactCheck)
            .collect())
    }
    /// Each review as schema.org ClaimReview JSON-LD: the claim's speakers as
    /// its author, its source article as its appearance.
    #[graphql(complexity = "super::limits::list(5, child_complexity)")]
    async fn claim_reviews(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<async_graphql::Json<serde_json::Value>>> {
        Ok(st(crate::claimreview::claim_reviews_of(
            store(ctx).as_ref(),
            self.0.id,
        ))?
        .into_iter()
        .map(async_graphql::Json)
        .collect())
    }
    /// Fact-checks (imported or recorded on other claims) that match this claim, best first.
    #[graphql(complexity = "super::limits::list(10, child_complexity)")]
    async fn fact_checks(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::fact_checks::FactCheckMatch>> {
        let mut ms = st(store(ctx).fact_checks_of_claim(self.0.id))?;
        ms.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.fact_check.cmp(&b.fact_check))
        });
        Ok(ms
            .into_iter()
            .map(super::fact_checks::FactCheckMatch)
            .collect())
    }
    /// How many claims in other articles contradict this one.
    #[graphql(complexity = 3)]
    async fn contradiction_count(&self, ctx: &Context<'_>) -> Result<u64> {
        let links = st(store(ctx).corroborations(self.0.id))?;
        Ok(links
            .iter()
            .filter(|l| l.stance == domain::Stance::Contradicts)
            .count() as u64)
    }
}

/// Someone (or something) that makes claims, recognised across articles.
#[derive(Clone)]
pub struct Speaker(pub domain::Speaker);

#[Object]
impl Speaker {
    /// Opaque, stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Canonical name: the fullest form seen.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Person, organization, country or group.
    async fn kind(&self) -> SpeakerKind {
        self.0.kind.into()
    }
    /// Other names and forms seen for this speaker ("Mr Putin", "Russia's Vladimir Putin").
    async fn aliases(&self) -> &[String] {
        &self.0.aliases
    }
    /// Titles seen before the name ("Ambassador", "President").
    async fn titles(&self) -> &[String] {
        &self.0.titles
    }
    /// The country or body the speaker belongs to, as learned from the text.
    async fn affiliation(&self) -> Option<&str> {
        self.0.affiliation.as_deref()
    }
    /// The speaker's claims across all articles, in article order.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Claim, TotalCount>> {
        let filter = ClaimFilter {
            speaker: Some(self.0.id),
            ..Default::default()
        };
        pagination::claims_page(app(ctx), Page::new(first, after)?, &filter)
    }
    /// The speaker's record: claims, verdicts on them, corroborated and contradicted.
    #[graphql(complexity = 200)]
    async fn track_record(&self, ctx: &Context<'_>) -> Result<super::fact_checks::TrackRecord> {
        let s = store(ctx).clone();
        let id = self.0.id;
        let r = tokio::task::spawn_blocking(move || {
            crate::app::track_record::track_record(s.as_ref(), id)
        })
        .await
        .map_err(|e| super::error::internal(&e))?;
        st(r).map(Into::into)
    }
    /// Articles in which the speaker makes claims.
    #[graphql(complexity = "super::limits::list(super::limits::UNBOUNDED_LIST, child_complexity)")]
    async fn articles(&self, ctx: &Context<'_>) -> Result<Vec<Article>> {
        let ids = st(store(ctx).articles_of_speaker(self.0.id))?;
        let found = loader(ctx)
            .load_many(ids.iter().copied())
            .await
            .map_err(load_err)?;
        Ok(ids
            .iter()
            .filter_map(|i| found.get(i).cloned())
            .map(Article)
            .collect())
    }
}
