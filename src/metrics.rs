//! Prometheus metrics, served at `/metrics`: GraphQL operations (count and
//! latency per operation name, errors by code), HTTP responses by route and
//! status, what the store holds, what was written since start, the
//! encoder's time and the live subscriptions.

use crate::app::App;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeCounterValue, EncodeLabelSet, EncodeMetric,
};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The content type of the exposition (OpenMetrics text, which Prometheus reads).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Distinct operation names kept as labels; later ones count as `other`,
/// so a client inventing names cannot grow the exposition without bound.
const MAX_OPERATION_NAMES: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: &'static str,
    status: u16,
}

pub struct Metrics {
    registry: Registry,
    operations: Family<OperationLabels, Counter>,
    latency: Family<OperationLabels, Histogram>,
    errors: Family<CodeLabels, Counter>,
    http: Family<HttpLabels, Counter>,
    cache_hits: Counter,
    names: Mutex<HashSet<String>>,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Metrics {
    pub fn new(app: Arc<App>) -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("claimgraph");
        let operations = Family::<OperationLabels, Counter>::default();
        let latency = Family::<OperationLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let errors = Family::<CodeLabels, Counter>::default();
        let http = Family::<HttpLabels, Counter>::default();
        let cache_hits = Counter::default();
        registry.register(
            "graphql_operations",
            "GraphQL operations executed, by operation name and type",
            operations.clone(),
        );
        registry.register(
            "graphql_operation_duration_seconds",
            "Time to answer a GraphQL operation (parse, validate, execute)",
            latency.clone(),
        );
        registry.register(
            "graphql_errors",
            "Errors in GraphQL answers, by extensions.code",
            errors.clone(),
        );
        registry.register(
            "http_responses",
            "HTTP responses, by route and status",
            http.clone(),
        );
        registry.register(
            "response_cache_hits",
            "Read-only requests answered from the response cache, without execution",
            cache_hits.clone(),
        );
        registry.register_collector(Box::new(Live(app)));
        Arc::new(Metrics {
            registry,
            operations,
            latency,
            errors,
            http,
            cache_hits,
            names: Mutex::default(),
        })
    }

    /// The exposition, in OpenMetrics text.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }

    /// Count a response; `route` is one of the server's route patterns.
    pub fn http_response(&self, route: &'static str, status: u16) {
        self.http.get_or_create(&HttpLabels { route, status }).inc();
    }

    pub fn cache_hit(&self) {
        self.cache_hits.inc();
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".into();
        };
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if names.contains(name) {
            return name.to_string();
        }
        if names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_string());
            return name.to_string();
        }
        "other".into()
    }
}

/// Values read at each scrape: the store's totals, the writes since start,
/// the encoder's work, the live subscriptions.
struct Live(Arc<App>);

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Live")
    }
}

fn gauge(e: &mut DescriptorEncoder, name: &str, help: &str, v: i64) -> std::fmt::Result {
    let g = ConstGauge::new(v);
    g.encode(e.encode_descriptor(name, help, None, g.metric_type())?)
}

fn counter<N: EncodeCounterValue>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    v: N,
) -> std::fmt::Result {
    let c = ConstCounter::new(v);
    c.encode(e.encode_descriptor(name, help, None, c.metric_type())?)
}

impl Collector for Live {
    fn encode(&self, mut e: DescriptorEncoder) -> std::fmt::Result {
        match self.0.store().stats() {
            Ok(s) => {
                let held = [
                    ("articles", "Articles stored", s.articles),
                    ("claims", "Claims stored", s.claims),
                    ("speakers", "Speakers stored", s.speakers),
                    ("fact_checks", "Fact-checks stored", s.fact_checks),
                    (
                        "corroborations",
                        "Links between claims stored",
                        s.corroborations,
                    ),
                ];
                for (name, help, v) in held {
                    gauge(&mut e, name, help, i64::try_from(v).unwrap_or(i64::MAX))?;
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "the store's totals are missing from /metrics")
            }
        }
        let c = self.0.events().counts();
        let written = [
            (
                "ingested_articles",
                "New articles stored since start",
                &c.articles,
            ),
            (
                "ingested_duplicates",
                "Articles sent again since start (already stored, nothing written)",
                &c.duplicates,
            ),
            (
                "ingested_claims",
                "Claims of the articles stored since start",
                &c.claims,
            ),
            (
                "linked_claims",
                "Links between claims made since start",
                &c.corroborations,
            ),
            (
                "stored_fact_checks",
                "Fact-checks stored since start",
                &c.fact_checks,
            ),
            (
                "fact_check_matches",
                "Claims matched to fact-checks since start",
                &c.fact_check_matches,
            ),
        ];
        for (name, help, v) in written {
            counter(&mut e, name, help, v.load(Ordering::Relaxed))?;
        }
        let u = crate::encoder::usage();
        counter(
            &mut e,
            "encoder_texts",
            "Texts through the sentence encoder",
            u.texts,
        )?;
        counter(
            &mut e,
            "encoder_pieces",
            "Word pieces through the sentence encoder",
            u.pieces,
        )?;
        counter(
            &mut e,
            "encoder_seconds",
            "Time spent in the sentence encoder's forward passes",
            u.seconds,
        )?;
        gauge(
            &mut e,
            "subscription_clients",
            "Live GraphQL subscriptions",
            self.0.events().subscribers() as i64,
        )?;
        Ok(())
    }
}

/// Counts and times every GraphQL operation.
pub struct OperationMetrics(pub Arc<Metrics>);

impl ExtensionFactory for OperationMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Observed {
            metrics: self.0.clone(),
            parsed: Mutex::default(),
        })
    }
}

struct Observed {
    metrics: Arc<Metrics>,
    parsed: Mutex<Parsed>,
}

/// What the request's document holds, and which operation it ran.
#[derive(Default)]
struct Parsed {
    /// Each operation's name (if any) and type, once the document is parsed.
    operations: Vec<(Option<String>, &'static str)>,
    /// The request's `operationName`.
    chosen: Option<String>,
}

impl Parsed {
    /// The name and type of the operation run; `unparsed` when the
    /// document did not parse.
    fn ran(self) -> (Option<String>, &'static str) {
        match self.operations.len() {
            0 => (None, "unparsed"),
            1 => self
                .operations
                .into_iter()
                .next()
                .unwrap_or((None, "query")),
            _ => {
                let ty = self
                    .operations
                    .iter()
                    .find(|o| o.0 == self.chosen)
                    .map_or("query", |o| o.1);
                (self.chosen, ty)
            }
        }
    }
}

fn kind(ty: OperationType) -> &'static str {
    match ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Observed {
    async fn request(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextRequest<'_>,
    ) -> async_graphql::Response {
        let started = Instant::now();
        let resp = next.run(ctx).await;
        let (name, ty) =
            std::mem::take(&mut *self.parsed.lock().unwrap_or_else(|e| e.into_inner())).ran();
        let labels = OperationLabels {
            operation: self.metrics.operation_label(name.as_deref()),
            kind: ty.into(),
        };
        self.metrics.operations.get_or_create(&labels).inc();
        self.metrics
            .latency
            .get_or_create(&labels)
            .observe(started.elapsed().as_secs_f64());
        for e in &resp.errors {
            let code = e
                .extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .and_then(|v| match v {
                    async_graphql::Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "NONE".into());
            self.metrics
                .errors
                .get_or_create(&CodeLabels { code })
                .inc();
        }
        resp
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: NextParseQuery<'_>,
    ) -> async_graphql::ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let ops = match &doc.operations {
            DocumentOperations::Single(op) => vec![(None, kind(op.node.ty))],
            DocumentOperations::Multiple(ops) => ops
                .iter()
                .map(|(name, op)| (Some(name.to_string()), kind(op.node.ty)))
                .collect(),
        };
        self.parsed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .operations = ops;
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        self.parsed.lock().unwrap_or_else(|e| e.into_inner()).chosen =
            operation_name.map(str::to_string);
        next.run(ctx, operation_name).await
    }
}
