//! Relay connections over the store's ordered keys. A cursor is the opaque id
//! of the edge's node, so it stays valid across restarts and inserts.

use super::error::{bad_input, st, Result};
use super::types::{Article, Claim, Speaker};
use crate::domain::{ArticleId, ClaimId, SpeakerId};
use crate::store::{ClaimFilter, Store};
use async_graphql::connection::{Connection, Edge};
use async_graphql::Object;
use std::sync::Arc;

pub const DEFAULT_PAGE: usize = 20;
pub const MAX_PAGE: usize = 100;

/// Extra fields on every connection. The total is counted only when a
/// client asks for it: counting a filtered list means walking it.
pub struct TotalCount(Count);

enum Count {
    Known(u64),
    Claims(Arc<crate::app::App>, ClaimFilter),
    Speakers(Arc<dyn Store>, Option<String>),
}

#[Object]
impl TotalCount {
    /// Number of nodes in the whole list, not just this page.
    async fn total_count(&self) -> Result<u64> {
        match &self.0 {
            Count::Known(n) => Ok(*n),
            Count::Claims(app, filter) => st(app.count_claims(filter)),
            Count::Speakers(store, search) => st(store.count_speakers(search.as_deref())),
        }
    }
}

pub fn page_size(first: Option<i32>) -> Result<usize> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n < 0 => Err(bad_input("`first` must not be negative")),
        Some(n) if n as usize > MAX_PAGE => {
            Err(bad_input(format!("`first` must be at most {MAX_PAGE}")))
        }
        Some(n) => Ok(n as usize),
    }
}

pub struct Page<C> {
    pub first: usize,
    pub after: Option<C>,
}

impl Page<String> {
    pub fn new(first: Option<i32>, after: Option<String>) -> Result<Self> {
        Ok(Page {
            first: page_size(first)?,
            after,
        })
    }

    pub fn parse<C: std::str::FromStr>(&self) -> Result<Option<C>> {
        self.after
            .as_deref()
            .map(|a| {
                a.parse::<C>()
                    .map_err(|_| bad_input(format!("`after` is not a valid cursor: {a}")))
            })
            .transpose()
    }
}

fn connection<T: async_graphql::OutputType, F: Fn(&T) -> String>(
    mut items: Vec<T>,
    first: usize,
    has_prev: bool,
    total: TotalCount,
    cursor: F,
) -> Connection<String, T, TotalCount> {
    let has_next = items.len() > first;
    items.truncate(first);
    let mut c = Connection::with_additional_fields(has_prev, has_next, total);
    c.edges
        .extend(items.into_iter().map(|n| Edge::new(cursor(&n), n)));
    c
}

pub fn articles_page(
    store: &Arc<dyn Store>,
    page: Page<String>,
) -> Result<Connection<String, Article, TotalCount>> {
    let after = page.parse::<ArticleId>()?;
    let items = st(store.list_articles(after, page.first + 1))?;
    let total = TotalCount(Count::Known(st(store.stats())?.articles));
    Ok(connection(
        items.into_iter().map(Article).collect(),
        page.first,
        after.is_some(),
        total,
        |a| a.0.id.to_string(),
    ))
}

pub fn claims_page(
    app: &Arc<crate::app::App>,
    page: Page<String>,
    filter: &ClaimFilter,
) -> Result<Connection<String, Claim, TotalCount>> {
    let after = page.parse::<ClaimId>()?;
    let items = st(app.list_claims(after, page.first + 1, filter))?;
    let total = TotalCount(Count::Claims(app.clone(), filter.clone()));
    Ok(connection(
        items.into_iter().map(Claim).collect(),
        page.first,
        after.is_some(),
        total,
        |c| c.0.id.to_string(),
    ))
}

pub fn speakers_page(
    store: &Arc<dyn Store>,
    page: Page<String>,
    search: Option<&str>,
) -> Result<Connection<String, Speaker, TotalCount>> {
    let after = page.parse::<SpeakerId>()?;
    let items = st(store.list_speakers(after, page.first + 1, search))?;
    let total = TotalCount(Count::Speakers(store.clone(), search.map(str::to_string)));
    Ok(connection(
        items.into_iter().map(Speaker).collect(),
        page.first,
        after.is_some(),
        total,
        |s| s.0.id.to_string(),
    ))
}

pub fn fact_checks_page(
    store: &Arc<dyn Store>,
    page: Page<String>,
) -> Result<Connection<String, super::fact_checks::FactCheck, TotalCount>> {
    let after = page.parse::<crate::domain::FactCheckId>()?;
    let items = st(store.list_fact_checks(after, page.first + 1))?;
    let total = TotalCount(Count::Known(st(store.stats())?.fact_checks));
    Ok(connection(
        items
            .into_iter()
            .map(super::fact_checks::FactCheck)
            .collect(),
        page.first,
        after.is_some(),
        total,
        |f| f.0.id.to_string(),
    ))
}
