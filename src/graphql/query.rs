//! The root query, merged from one part per domain.

use super::error::{bad_input, st, Result};
use super::pagination::{self, Page, TotalCount};
use super::types::{store, Article, Claim, ClaimKind, Speaker};
use crate::domain::{ArticleId, ClaimId, SpeakerId};
use crate::store::ClaimFilter;
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, MergedObject, Object, SimpleObject, ID};

fn parse_id<T: std::str::FromStr<Err = crate::domain::IdError>>(id: &ID) -> Result<T> {
    id.parse::<T>().map_err(|e| bad_input(e.to_string()))
}

#[derive(Default)]
pub struct ArticleQuery;

#[Object]
impl ArticleQuery {
    /// Stored articles, oldest first.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Article, TotalCount>> {
        pagination::articles_page(store(ctx), Page::new(first, after)?)
    }
    /// One article by id, or null if there is none.
    async fn article(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Article>> {
        Ok(st(store(ctx).article(parse_id::<ArticleId>(&id)?))?.map(Article))
    }
}

/// Which claims to list.
#[derive(InputObject, Default)]
pub struct ClaimFilterInput {
    /// Only claims of this kind.
    pub kind: Option<ClaimKind>,
    /// Only claims from this article.
    pub article_id: Option<ID>,
    /// Only claims made by this speaker.
    pub speaker_id: Option<ID>,
    /// Only claims whose text contains this, ignoring case.
    pub search: Option<String>,
    /// Only claims whose attribution confidence is at least this.
    pub min_confidence: Option<f64>,
}

impl ClaimFilterInput {
    fn to_filter(&self) -> Result<ClaimFilter> {
        Ok(ClaimFilter {
            kind: self.kind.map(Into::into),
            article: self
                .article_id
                .as_ref()
                .map(parse_id::<ArticleId>)
                .transpose()?,
            speaker: self
                .speaker_id
                .as_ref()
                .map(parse_id::<SpeakerId>)
                .transpose()?,
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            min_confidence: self.min_confidence.map(|c| c as f32),
        })
    }
}

#[derive(Default)]
pub struct ClaimQuery;

#[Object]
impl ClaimQuery {
    /// Claims across all articles, in article order then order of appearance.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn claims(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ClaimFilterInput>,
    ) -> Result<Connection<String, Claim, TotalCount>> {
        let filter = filter.unwrap_or_default().to_filter()?;
        pagination::claims_page(super::types::app(ctx), Page::new(first, after)?, &filter)
    }
    /// One claim by id, or null if there is none.
    async fn claim(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Claim>> {
        Ok(st(store(ctx).claim(parse_id::<ClaimId>(&id)?))?.map(Claim))
    }
}

#[derive(Default)]
pub struct SpeakerQuery;

#[Object]
impl SpeakerQuery {
    /// Speakers, in order of first appearance; `search` matches the start of any word of a name or alias.
    #[graphql(complexity = "super::limits::page(first, child_complexity)")]
    async fn speakers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
    ) -> Result<Connection<String, Speaker, TotalCount>> {
        pagination::speakers_page(
            store(ctx),
            Page::new(first, after)?,
            search.as_deref().filter(|s| !s.trim().is_empty()),
        )
    }
    /// One speaker by id, or null if there is none.
    async fn speaker(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Speaker>> {
        Ok(st(store(ctx).speaker(parse_id::<SpeakerId>(&id)?))?.map(Speaker))
    }
}

/// How much the store holds.
#[derive(SimpleObject)]
pub struct Stats {
    /// Stored articles.
    pub articles: u64,
    /// Claims extracted from them.
    pub claims: u64,
    /// Distinct speakers.
    pub speakers: u64,
    /// Stored fact-checks (reviews and imports).
    pub fact_checks: u64,
    /// Links between claims of different articles.
    pub corroborations: u64,
}

#[derive(Default)]
pub struct StatsQuery;

#[Object]
impl StatsQuery {
    /// Totals over the whole store.
    async fn stats(&self, ctx: &Context<'_>) -> Result<Stats> {
        let s = st(store(ctx).stats())?;
        Ok(Stats {
            articles: s.articles,
            claims: s.claims,
            speakers: s.speakers,
            fact_checks: s.fact_checks,
            corroborations: s.corroborations,
        })
    }
}

#[derive(MergedObject, Default)]
pub struct Query(
    ArticleQuery,
    ClaimQuery,
    SpeakerQuery,
    super::fact_checks::FactCheckQuery,
    StatsQuery,
);
