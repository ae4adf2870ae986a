//! Ingest on every core: workers validate, extract and prepare articles in
//! parallel; one thread commits them in input order, so ids and links come
//! out as a one-core run would make them.

use super::{App, Ingested};
use crate::domain::NewArticle;
use std::collections::BTreeMap;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

/// Articles a worker prepares together at most: their claims (about a
/// dozen an article) make one encoder batch.
const BATCH: usize = 8;

impl App {
    /// Ingest `items` (each tagged, e.g. with where it came from) on
    /// `workers` threads; `done` is called for each, in input order, with
    /// what became of it. An item that is already an error is passed through.
    pub fn ingest_in_order<T: Send>(
        &self,
        workers: usize,
        items: impl Iterator<Item = (T, Result<NewArticle, String>)> + Send,
        mut done: impl FnMut(T, Result<Ingested, String>),
    ) {
        let workers = workers.max(1);
        type Prepared = Result<super::ingest::Prepared, String>;
        let (work_tx, work_rx) =
            sync_channel::<(usize, T, Result<NewArticle, String>)>(2 * BATCH * workers);
        let work_rx = Mutex::new(work_rx);
        let (done_tx, done_rx) = sync_channel::<(usize, T, Prepared)>(4 * workers);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                for (seq, (tag, item)) in items.enumerate() {
                    if work_tx.send((seq, tag, item)).is_err() {
                        return;
                    }
                }
            });
            for _ in 0..workers {
                let done_tx = done_tx.clone();
                let work_rx = &work_rx;
                scope.spawn(move || loop {
                    // What is waiting, up to a batch, prepared together
                    // (one encoder batch); never waiting to fill one.
                    let mut batch = Vec::new();
                    {
                        let rx = work_rx.lock().unwrap_or_else(|p| p.into_inner());
                        let Ok(first) = rx.recv() else { return };
                        batch.push(first);
                        while batch.len() < BATCH {
                            match rx.try_recv() {
                                Ok(next) => batch.push(next),
                                Err(_) => break,
                            }
                        }
                    }
                    let mut good = Vec::new();
                    let mut tags = Vec::new();
                    for (seq, tag, item) in batch {
                        match item {
                            Ok(a) => {
                                good.push(a);
                                tags.push((seq, tag, None));
                            }
                            Err(e) => tags.push((seq, tag, Some(e))),
                        }
                    }
                    let mut prepared = self.prepare_batch(good).into_iter();
                    for (seq, tag, failed) in tags {
                        let p = match failed {
                            Some(e) => Err(e),
                            None => match prepared.next() {
                                Some(p) => p.map_err(|e| e.to_string()),
                                None => Err("not prepared".to_string()),
                            },
                        };
                        if done_tx.send((seq, tag, p)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for (seq, tag, prepared) in done_rx {
                waiting.insert(seq, (tag, prepared));
                while let Some((tag, prepared)) = waiting.remove(&next) {
                    next += 1;
                    done(
                        tag,
                        prepared.and_then(|p| self.commit(p).map_err(|e| e.to_string())),
                    );
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn articles_ingested_on_several_threads_are_committed_in_input_order() {
        let app = App::open(crate::store::temporary().unwrap()).unwrap();
        let items = (0..12).map(|i| {
            let body = format!("Article {i}. \"We will build {i} bridges,\" the minister said.");
            let item = if i == 5 {
                Err("unreadable".to_string())
            } else {
                Ok(NewArticle {
                    body,
                    ..Default::default()
                })
            };
            (i, item)
        });
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        app.ingest_in_order(3, items, move |tag, r| {
            s.lock().unwrap().push((tag, r.map(|i| i.article.id.0)));
        });
        let seen = seen.lock().unwrap();
        let tags: Vec<i32> = seen.iter().map(|r| r.0).collect();
        assert_eq!(tags, (0..12).collect::<Vec<_>>());
        assert_eq!(seen[5].1, Err("unreadable".to_string()));
        // Ids follow input order, whatever thread prepared each.
        let ids: Vec<u64> = seen.iter().filter_map(|r| r.1.clone().ok()).collect();
        assert_eq!(ids, (1..=11).collect::<Vec<u64>>());
    }
}
