//! Writes.

use super::error::{ingest_error, internal, Result};
use super::types::{app, Article};
use crate::domain::NewArticle;
use async_graphql::{Context, InputObject, MergedObject, Object};

/// A news article to store.
#[derive(InputObject)]
pub struct IngestArticleInput {
    /// The headline.
    pub title: Option<String>,
    /// The full text. Required; whitespace-only bodies are refused.
    pub body: String,
    /// Where it was published: an absolute http(s) URL.
    pub url: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published: an ISO 8601 date or date-time.
    pub published_at: Option<String>,
}

#[derive(Default)]
pub struct ArticleMutation;

#[Object]
impl ArticleMutation {
    /// Store an article and extract its claims and speakers. Idempotent: the
    /// same body (whitespace aside) at the same url (or with none) returns
    /// the article already stored; the same body at another url is a copy,
    /// stored and linked to the first as not independent.
    #[graphql(guard = "super::auth::WriteAccess")]
    async fn ingest_article(
        &self,
        ctx: &Context<'_>,
        input: IngestArticleInput,
    ) -> Result<Article> {
        let app = app(ctx).clone();
        let new = NewArticle {
            origin: None,
            title: input.title,
            body: input.body,
            url: input.url,
            publisher: input.publisher,
            published_at: input.published_at,
        };
        // Extraction is CPU work: keep it off the async workers.
        let done = tokio::task::spawn_blocking(move || app.ingest(new))
            .await
            .map_err(|e| internal(&e))?;
        let done = done.map_err(ingest_error)?;
        Ok(Article(done.article))
    }
}

#[derive(MergedObject, Default)]
pub struct Mutation(ArticleMutation, super::fact_checks::FactCheckMutation);
