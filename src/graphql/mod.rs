//! The GraphQL API: schema, per-domain query and mutation parts, output
//! types, loaders, pagination and errors.

pub mod auth;
pub mod error;
pub mod fact_checks;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod subscription;
pub mod types;

use crate::app::App;
use async_graphql::dataloader::DataLoader;
use async_graphql::Schema;
use std::sync::Arc;
use std::time::Duration;

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// Limits that protect the server from expensive queries.
#[derive(Debug, Clone)]
pub struct SchemaOptions {
    pub max_depth: usize,
    pub max_complexity: usize,
    /// How long a DataLoader waits to gather a batch. Reads from the embedded
    /// store take microseconds, so waiting longer costs more than it saves.
    pub loader_delay: Duration,
    /// Answer introspection queries (GraphiQL needs them).
    pub introspection: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        SchemaOptions {
            max_depth: 16,
            // About 75 ms of one core (see `limits`): a dozen cross-checks.
            max_complexity: 50_000,
            loader_delay: Duration::ZERO,
            introspection: true,
        }
    }
}

/// With `metrics`, every operation is counted and timed.
pub fn build_schema(
    app: Arc<App>,
    opts: &SchemaOptions,
    metrics: Option<Arc<crate::metrics::Metrics>>,
) -> AppSchema {
    let loader = DataLoader::new(loaders::StoreLoader(app.store().clone()), tokio::spawn)
        .delay(opts.loader_delay);
    let mut builder = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::Subscription,
    )
    .data(app)
    .data(loader)
    .extension(error::ErrorCodes)
    .extension(limits::Budget)
    .limit_depth(opts.max_depth)
    .limit_complexity(opts.max_complexity);
    if let Some(m) = metrics {
        builder = builder.extension(crate::metrics::OperationMetrics(m));
    }
    if !opts.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    let schema = Schema::build(
        query::Query::default(),
        mutation::Mutation::default(),
        subscription::Subscription,
    )
    .finish();
    schema.sdl()
}
