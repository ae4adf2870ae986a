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

/// Pair each key with what the store found for it, dropping misses.
fn found<K: Copy + Eq + std::hash::Hash, V>(keys: &[K], values: Vec<Option<V>>) -> HashMap<K, V> {
    keys.iter()
        .copied()
        .zip(values)
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

fn err(e: crate::store::StoreError) -> LoadError {
    tracing::error!(error = %e, "store read failed in a loader");
    Arc::new(e.to_string())
}

impl Loader<ArticleId> for StoreLoader {
    type Value = Article;
    type Error = LoadError;

    async fn load(&self, keys: &[ArticleId]) -> Result<HashMap<ArticleId, Article>, LoadError> {
        Ok(found(keys, self.0.articles(keys).map_err(err)?))
    }
}

impl Loader<SpeakerId> for StoreLoader {
    type Value = Speaker;
    type Error = LoadError;

    async fn load(&self, keys: &[SpeakerId]) -> Result<HashMap<SpeakerId, Speaker>, LoadError> {
        Ok(found(keys, self.0.speakers(keys).map_err(err)?))
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
        Ok(found(keys, self.0.claims(keys).map_err(err)?))
    }
}
