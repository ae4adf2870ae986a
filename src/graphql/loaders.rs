//! DataLoaders: relations are fetched in batches per request tick, so a list
//! of claims asks the store once for its articles and once for its speakers.

use crate::domain::{Article, ArticleId, Claim, ClaimId, Speaker, SpeakerId};
use crate::store::Store;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone)]
pub struct StoreLoader(pub Arc<dyn Store>);

type LoadError = Arc<String>;

fn err(e: crate::store::StoreError) -> LoadError {
    tracing::error!(error = %e, "store read failed in a loader");
    Arc::new(e.to_string())
}

impl Loader<ArticleId> for StoreLoader {
    type Value = Article;
    type Error = LoadError;

    async fn load(&self, keys: &[ArticleId]) -> Result<HashMap<ArticleId, Article>, LoadError> {
        let found = self.0.articles(keys).map_err(err)?;
        Ok(keys
            .iter()
            .copied()
            .zip(found)
            .filter_map(|(k, v)| Some((k, v?)))
            .collect())
    }
}

impl Loader<SpeakerId> for StoreLoader {
    type Value = Speaker;
    type Error = LoadError;

    async fn load(&self, keys: &[SpeakerId]) -> Result<HashMap<SpeakerId, Speaker>, LoadError> {
        let found = self.0.speakers(keys).map_err(err)?;
        Ok(keys
            .iter()
            .copied()
            .zip(found)
            .filter_map(|(k, v)| Some((k, v?)))
            .collect())
    }
}

/// An article's claims, keyed by the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimsOf(pub ArticleId);

impl Loader<ClaimsOf> for StoreLoader {
    type Value = Arc<Vec<Claim>>;
    type Error = LoadError;

    async fn load(&self, keys: &[ClaimsOf]) -> Result<HashMap<ClaimsOf, Self::Value>, LoadError> {
        keys.iter()
            .map(|&k| Ok((k, Arc::new(self.0.claims_of_article(k.0).map_err(err)?))))
            .collect()
    }
}

impl Loader<ClaimId> for StoreLoader {
    type Value = Claim;
    type Error = LoadError;

    async fn load(&self, keys: &[ClaimId]) -> Result<HashMap<ClaimId, Claim>, LoadError> {
        let found = self.0.claims(keys).map_err(err)?;
        Ok(keys
            .iter()
            .copied()
            .zip(found)
            .filter_map(|(k, v)| Some((k, v?)))
            .collect())
    }
}
