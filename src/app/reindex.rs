//! Bringing a store written before claims were embedded up to date: its
//! claims get their embeddings, and the links those find, as if they had
//! been ingested by this build.

use super::App;
use crate::domain::{Article, ArticleId};
use crate::search::linking;
use crate::store::{EmbeddingWrite, Outcome, StoreError, Unit};

/// What a reindex did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reindexed {
    /// Articles read.
    pub articles: u64,
    /// Claims that got an embedding.
    pub claims: u64,
    /// Links added.
    pub links: u64,
    /// Links removed: the comparison with embeddings does not make them.
    pub unlinks: u64,
}

/// Articles embedded in one encoder batch: batches of a few hundred claims
/// run the encoder near its best rate.
const ARTICLES_PER_BATCH: usize = 32;

impl App {
    /// How many stored claims have no embedding.
    pub fn claims_without_embedding(&self) -> Result<u64, StoreError> {
        let stored = self.store.stats()?.claims;
        Ok(stored.saturating_sub(self.search.claim_vector_count() as u64))
    }

    /// Embed every stored claim that has none, and link it as ingest would
    /// have, article by article in id order; `progress` gets the articles
    /// read so far and their total. Each article's embeddings and links are
    /// one commit, so an interrupted run loses nothing and a second run
    /// carries on where it stopped.
    pub fn reindex(&self, progress: &dyn Fn(u64, u64)) -> Result<Reindexed, StoreError> {
        let mut done = Reindexed::default();
        let total = self.store.stats()?.articles;
        if self.claims_without_embedding()? == 0 {
            progress(total, total);
            return Ok(done);
        }
        let mut after: Option<ArticleId> = None;
        loop {
            let page = self.store.list_articles(after, ARTICLES_PER_BATCH)?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            // The slow part outside the lock: every missing embedding of the page in one batch.
            let mut todo: Vec<(Article, Vec<u32>)> = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            for article in page {
                // Its claims are read only when one of its ordinals lacks an embedding.
                let complete = (0..article.claim_count).all(|ordinal| {
                    self.search.claim_embedded(crate::domain::ClaimId {
                        article: article.id,
                        ordinal,
                    })
                });
                let missing: Vec<_> = if complete {
                    Vec::new()
                } else {
                    self.store
                        .claims_of_article(article.id)?
                        .into_iter()
                        .filter(|c| !self.search.claim_embedded(c.id))
                        .collect()
                };
                if missing.is_empty() {
                    done.articles += 1;
                    continue;
                }
                let ordinals = missing.iter().map(|c| c.id.ordinal).collect();
                texts.extend(missing.into_iter().map(|c| c.text));
                todo.push((article, ordinals));
            }
            let mut vectors = linking::embed_texts(&self.search, &texts).into_iter();
            for (article, ordinals) in todo {
                let vectors: Vec<(u32, Vec<f32>)> =
                    ordinals.into_iter().zip(vectors.by_ref()).collect();
                let claims = vectors.len() as u64;
                let _w = self.write_lock();
                let found = linking::relink(self.store.as_ref(), &self.search, &article, &vectors)?;
                let added = (found.links.len() - found.updated) as u64;
                let write = EmbeddingWrite {
                    article: article.id,
                    vectors,
                    links: found.links,
                    unlinks: found.unlinks,
                };
                if let Outcome::Created { seq } = self.store.commit_embeddings(&write)? {
                    done.claims += claims;
                    done.links += added;
                    done.unlinks += write.unlinks.len() as u64;
                    let unit = Unit::Embedded {
                        id: article.id,
                        vectors: write.vectors,
                    };
                    self.committed(seq, unit, Vec::new())?;
                }
                done.articles += 1;
                progress(done.articles, total);
            }
            progress(done.articles, total);
        }
        self.flush()?;
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ClaimId, Corroboration};

    /// Every link as (from, to, stance, evidence), each pair once.
    fn links(app: &App) -> Vec<(ClaimId, ClaimId, String, Vec<String>)> {
        let mut out = Vec::new();
        for c in app
            .store()
            .list_claims(None, 10_000, &Default::default())
            .unwrap()
        {
            for Corroboration {
                claim,
                stance,
                evidence,
                ..
            } in app.store().corroborations(c.id).unwrap()
            {
                if c.id > claim {
                    out.push((c.id, claim, format!("{stance:?}"), evidence));
                }
            }
        }
        out
    }

    #[test]
    fn a_store_loaded_without_embeddings_is_reindexed_into_what_ingest_makes() {
        let ingested = App::open(crate::store::temporary().unwrap()).unwrap();
        crate::seed::load(&ingested).unwrap();
        let want = links(&ingested);
        assert!(
            want.iter().any(|l| l.3[0].starts_with("meaning: cosine")),
            "the seeds have links by meaning: {want:?}"
        );

        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::open(dir.path()).unwrap();
        let loaded = App::open(store).unwrap().with_embeddings(false);
        crate::seed::load(&loaded).unwrap();
        let claims = loaded.store().stats().unwrap().claims;
        assert_eq!(loaded.claims_without_embedding().unwrap(), claims);
        assert!(links(&loaded)
            .iter()
            .all(|l| !l.3.iter().any(|e| e.starts_with("meaning"))));

        let seen = std::sync::Mutex::new(Vec::new());
        let done = loaded
            .reindex(&|n, total| seen.lock().unwrap().push((n, total)))
            .unwrap();
        assert_eq!((done.articles, done.claims), (2, claims));
        assert_eq!(seen.lock().unwrap().last(), Some(&(2, 2)));
        assert_eq!(links(&loaded), want);
        assert_eq!(loaded.claims_without_embedding().unwrap(), 0);
        assert!(loaded.store().verify().unwrap().is_ok());

        // Once done, a second run has nothing to do.
        assert_eq!(loaded.reindex(&|_, _| {}).unwrap().claims, 0);
        // Reopened, the indexes hold each claim's embedding once, from the
        // snapshot or rebuilt from the log.
        let store = loaded.store().clone();
        drop(loaded);
        let reopened = App::open(store.clone()).unwrap();
        assert_eq!(reopened.search().claim_vector_count() as u64, claims);
        std::fs::remove_file(dir.path().join("claimgraph-indexes.snapshot")).unwrap();
        let rebuilt = App::open(store).unwrap();
        assert_eq!(rebuilt.search().claim_vector_count() as u64, claims);
    }
}
