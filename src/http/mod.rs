//! The actix-web application: /graphql (POST, and GET for GraphiQL or
//! queries), /health. `Application::build` binds the listener first, so tests
//! can ask for port 0 and learn the real port.

use crate::app::App as Service;
use crate::graphql::limits::{RateLimit, RequestLimits};
use crate::graphql::{build_schema, AppSchema, SchemaOptions};
use crate::store::Store;
use actix_web::{dev::Server, http::header, web, App, HttpRequest, HttpResponse, HttpServer};
use async_graphql_actix_web::GraphQLRequest;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

pub mod graphiql;

/// The query GraphiQL opens with; also in `schema/queries/first.graphql`.
pub const FIRST_QUERY: &str = include_str!("../../schema/queries/first.graphql");

#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: String,
    /// `None`: a temporary in-memory store.
    pub data_dir: Option<PathBuf>,
    pub seed: bool,
    pub graphiql: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub workers: Option<usize>,
    pub schema: SchemaOptions,
    /// When set, every mutation needs `Authorization: Bearer <token>`.
    pub api_token: Option<String>,
    /// Longest a GraphQL request may run.
    pub request_timeout: std::time::Duration,
    /// Most operations in one batched request.
    pub max_batch: usize,
    /// Keep the answers of read-only requests until the next write (entries).
    pub response_cache: usize,
    /// Other origins whose pages may call the API from a browser (CORS);
    /// `*` lets any origin read, but not write.
    pub cors_origins: Vec<String>,
    /// One log line per request (method, path, status, time, request id).
    pub access_log: bool,
    /// Complexity points one HTTP request may spend over all its operations.
    pub request_budget: usize,
    /// Complexity points per second each client may spend on expensive
    /// operations (0: no limit); clients with the API token are not limited.
    pub rate_limit: u32,
    /// How far a client may run ahead of its rate, in points.
    pub rate_burst: u32,
    /// Take the client's address from `Forwarded` / `X-Forwarded-For` (only
    /// behind a proxy that sets them).
    pub trust_proxy: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: "127.0.0.1:8080".into(),
            data_dir: Some(PathBuf::from("data")),
            seed: true,
            graphiql: true,
            max_body_bytes: 2 * 1024 * 1024,
            workers: None,
            schema: SchemaOptions::default(),
            api_token: None,
            request_timeout: std::time::Duration::from_secs(30),
            max_batch: 16,
            response_cache: 4_096,
            cors_origins: Vec::new(),
            access_log: false,
            request_budget: 100_000,
            rate_limit: 100_000,
            rate_burst: 300_000,
            trust_proxy: false,
        }
    }
}

pub struct Application {
    server: Server,
    port: u16,
    pub app: Arc<Service>,
}

struct State {
    schema: AppSchema,
    app: Arc<Service>,
    api_token: Option<String>,
    timeout: std::time::Duration,
    max_batch: usize,
    max_body: usize,
    cache: Option<ResponseCache>,
    graphiql: Option<&'static graphiql::Playground>,
    origins: Origins,
    /// Set once the models are loaded and have encoded a text.
    warm: Arc<std::sync::atomic::AtomicBool>,
    access_log: bool,
    request_budget: usize,
    rate: Option<Arc<RateLimit>>,
    trust_proxy: bool,
    metrics: Arc<crate::metrics::Metrics>,
}

/// The origins CORS lets in: the server's own always, those listed, and any
/// (for reading only) when `*` is listed.
#[derive(Clone, Default)]
struct Origins {
    listed: Vec<String>,
    any: bool,
}

/// What an `Origin` header may do.
#[derive(Debug, PartialEq)]
enum Allowed {
    /// The server's own pages, a listed origin, or no browser at all.
    ReadWrite,
    /// Any origin, through `*`.
    Read,
    No,
}

impl Origins {
    fn new(list: &[String]) -> Origins {
        Origins {
            listed: list
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty() && o != "*")
                .collect(),
            any: list.iter().any(|o| o.trim() == "*"),
        }
    }

    /// What a request from `origin` may do; `host` is the request's `Host`.
    fn allowed(&self, origin: Option<&str>, host: Option<&str>) -> Allowed {
        let Some(origin) = origin.map(str::to_ascii_lowercase) else {
            return Allowed::ReadWrite;
        };
        let same = host.is_some_and(|h| {
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(h))
        });
        if same || self.listed.contains(&origin) {
            Allowed::ReadWrite
        } else if self.any {
            Allowed::Read
        } else {
            Allowed::No
        }
    }

    /// The CORS middleware: GET and POST, the headers a GraphQL client
    /// sends, preflights kept a day.
    fn cors(&self) -> actix_cors::Cors {
        let origins = self.clone();
        actix_cors::Cors::default()
            .allowed_origin_fn(move |origin, head| {
                let host = head
                    .headers()
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok());
                origins.allowed(origin.to_str().ok(), host) != Allowed::No
            })
            .allowed_methods(["GET", "POST"])
            .allowed_headers([
                header::CONTENT_TYPE,
                header::AUTHORIZATION,
                header::ACCEPT,
                header::HeaderName::from_static("apollo-require-preflight"),
                header::HeaderName::from_static("x-apollo-operation-name"),
            ])
            .max_age(86_400)
    }
}

/// The request id header: a client's own (up to 64 visible characters) is
/// kept, so one id follows a request through a pipeline; else one is made.
const REQUEST_ID: &str = "x-request-id";

/// Every answer's request id in the `X-Request-Id` header, and with
/// `--access-log` one log line per request (target `access`; JSON with
/// `--log-format json`). Off by default: a line per request cost a third
/// of the load test's throughput.
async fn access_log(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string);
    let id = given.unwrap_or_else(|| {
        // Unique within the process, and across restarts by the start time.
        static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let start = START.get_or_init(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
        format!("{start:x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
    });
    let state = req.app_data::<web::Data<State>>().cloned();
    let logged = state.as_ref().is_some_and(|s| s.access_log);
    let route = route_of(req.path());
    let count = |status: u16| {
        if let Some(s) = &state {
            s.metrics.http_response(route, status);
        }
    };
    if !logged {
        let mut resp = next.call(req).await?;
        count(resp.status().as_u16());
        if let Ok(v) = header::HeaderValue::from_str(&id) {
            resp.headers_mut()
                .insert(header::HeaderName::from_static(REQUEST_ID), v);
        }
        return Ok(resp);
    }
    let (method, path) = (req.method().to_string(), req.path().to_string());
    let started = std::time::Instant::now();
    let result = next.call(req).await;
    let micros = started.elapsed().as_micros() as u64;
    match result {
        Ok(mut resp) => {
            count(resp.status().as_u16());
            if let Ok(v) = header::HeaderValue::from_str(&id) {
                resp.headers_mut()
                    .insert(header::HeaderName::from_static(REQUEST_ID), v);
            }
            tracing::info!(target: "access", request_id = %id, %method, %path, status = resp.status().as_u16(), micros, "request");
            Ok(resp)
        }
        Err(e) => {
            count(e.as_response_error().status_code().as_u16());
            tracing::info!(target: "access", request_id = %id, %method, %path, error = %e, micros, "request");
            Err(e)
        }
    }
}

/// The route a path is served by, as a metrics label (without allocating:
/// this runs on every request).
fn route_of(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/graphql/ws" => "/graphql/ws",
        "/health" => "/health",
        "/ready" => "/ready",
        "/metrics" => "/metrics",
        "/" => "/",
        p if p.starts_with("/claims/") && p.ends_with("/claimreview.jsonld") => {
            "/claims/{id}/claimreview.jsonld"
        }
        p if p.starts_with("/graphiql/") => "/graphiql/{asset}",
        _ => "unmatched",
    }
}

/// Apollo's CSRF prevention: a POST a browser would send without asking
/// first (a form, or `fetch` with a simple content type) is refused, so a
/// hostile page cannot make a visitor's browser run a mutation. A JSON body
/// or a preflight-forcing header makes the browser ask first (CORS).
fn csrf_refusal(http: &HttpRequest) -> Option<HttpResponse> {
    let json = http
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .is_some_and(|t| t == "application/json" || t == "application/graphql-response+json");
    let preflighted = ["apollo-require-preflight", "x-apollo-operation-name"]
        .iter()
        .any(|h| http.headers().get(*h).is_some_and(|v| !v.is_empty()));
    (!json && !preflighted).then(|| {
        error_body(
            actix_web::http::StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "this request has been blocked as a potential cross-site request forgery (CSRF): \
             send it with `Content-Type: application/json`, or with a non-empty \
             `Apollo-Require-Preflight` or `X-Apollo-Operation-Name` header"
                .into(),
        )
    })
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = match &settings.data_dir {
            Some(dir) => crate::store::open(dir)?,
            None => crate::store::temporary()?,
        };
        Self::with_store(settings, store).await
    }

    pub async fn with_store(settings: Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let s = store.clone();
        let app = Arc::new(tokio::task::spawn_blocking(move || Service::open(s)).await??);
        if settings.seed && store.stats()?.articles == 0 {
            let a = app.clone();
            let n = tokio::task::spawn_blocking(move || crate::seed::load(&a)).await??;
            tracing::info!(articles = n, "seeded an empty store");
        }
        let metrics = crate::metrics::Metrics::new(app.clone());
        let listener = TcpListener::bind(&settings.addr)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(State {
            schema: build_schema(app.clone(), &settings.schema, Some(metrics.clone())),
            metrics,
            graphiql: settings
                .graphiql
                .then(|| graphiql::Playground::get(FIRST_QUERY)),
            app: app.clone(),
            api_token: settings.api_token.clone().filter(|t| !t.is_empty()),
            timeout: settings.request_timeout,
            max_batch: settings.max_batch,
            max_body: settings.max_body_bytes,
            cache: (settings.response_cache > 0)
                .then(|| ResponseCache::new(settings.response_cache)),
            origins: Origins::new(&settings.cors_origins),
            warm: Arc::default(),
            access_log: settings.access_log,
            request_budget: settings.request_budget.max(1),
            rate: RateLimit::new(
                settings.rate_limit,
                // Never below what one request may spend: it could not pass.
                settings
                    .rate_burst
                    .max(u32::try_from(settings.request_budget).unwrap_or(u32::MAX)),
            ),
            trust_proxy: settings.trust_proxy,
        });
        // The encoder loads in the background: the first cross-check does
        // not pay for it, and /ready says when it is done.
        let warm = state.warm.clone();
        tokio::task::spawn_blocking(move || {
            crate::corroborate::embed::Encoder::get().embed("warming up");
            warm.store(true, std::sync::atomic::Ordering::SeqCst);
            tracing::info!("models loaded");
        });
        if settings.api_token.as_deref().is_none_or(str::is_empty) {
            tracing::warn!("CLAIMGRAPH_API_TOKEN is not set: writes (mutations) are open to anyone who can reach this server");
        }
        let max_body = settings.max_body_bytes.max(1024);
        let mut server = HttpServer::new(move || {
            App::new()
                // Gzip for clients that ask (a page of claims shrinks about
                // tenfold); wrk and most pipelines do not ask, and pay nothing.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(access_log))
                .wrap(state.origins.cors())
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .route("/graphql", web::post().to(graphql))
                .route("/graphql/ws", web::get().to(graphql_ws))
                .route("/graphql", web::get().to(graphql_get))
                .route(
                    "/claims/{id}/claimreview.jsonld",
                    web::get().to(claim_review_jsonld),
                )
                .route("/graphiql/{digest}/{name}", web::get().to(graphiql_asset))
                .route("/health", web::get().to(health))
                .route("/ready", web::get().to(ready))
                .route("/metrics", web::get().to(serve_metrics))
                .route("/", web::get().to(root))
        })
        .listen(listener)?;
        if let Some(w) = settings.workers {
            server = server.workers(w);
        }
        Ok(Application {
            server: server.run(),
            port,
            app,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        self.app.store()
    }

    /// Stop accepting requests, finish those in flight, and flush the store.
    pub async fn stop(self) -> anyhow::Result<()> {
        // The server future handles the stop command, so it must be running.
        let handle = self.server.handle();
        let running = tokio::spawn(self.server);
        handle.stop(true).await;
        let _ = running.await;
        self.app.flush()?;
        Ok(())
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let r = self.server.await;
        if let Err(e) = self.app.flush() {
            tracing::error!(error = %e, "flushing the store at shutdown failed");
        }
        r
    }
}

fn error_body(status: actix_web::http::StatusCode, code: &str, message: String) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "errors": [{"message": message, "extensions": {"code": code}}]
    }))
}

/// Who may write, from the request's `Authorization` header.
fn access(state: &State, http: &HttpRequest) -> crate::graphql::auth::Access {
    let header = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok());
    crate::graphql::auth::Access::decide(state.api_token.as_deref(), header)
}

/// Answers to read-only requests, each valid while the store's generation is
/// the one it was computed under: any committed write retires them all. A
/// dashboard polling the same query gets bytes, not a re-execution.
struct ResponseCache {
    entries: crate::search::DerivedCache<u64, Arc<CachedResponse>>,
}

struct CachedResponse {
    generation: u64,
    request: web::Bytes,
    response: web::Bytes,
}

/// Largest answer kept, in bytes.
const MAX_CACHED_RESPONSE: usize = 256 * 1024;

impl ResponseCache {
    fn new(entries: usize) -> Self {
        ResponseCache {
            entries: crate::search::DerivedCache::new(entries),
        }
    }

    fn key(body: &[u8]) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(body)
    }

    fn get(&self, body: &[u8], generation: u64) -> Option<web::Bytes> {
        let e = self.entries.get(&Self::key(body))?;
        (e.generation == generation && e.request[..] == body[..]).then(|| e.response.clone())
    }

    fn put(&self, body: web::Bytes, generation: u64, response: web::Bytes) {
        if response.len() <= MAX_CACHED_RESPONSE {
            self.entries.insert(
                Self::key(&body),
                Arc::new(CachedResponse {
                    generation,
                    request: body,
                    response,
                }),
            );
        }
    }
}

/// Whether every operation of a request only reads.
fn read_only(batch: &async_graphql::BatchRequest) -> bool {
    use async_graphql::parser::types::{DocumentOperations, OperationType};
    batch
        .iter()
        .all(|r| match async_graphql::parser::parse_query(&r.query) {
            Ok(doc) => match &doc.operations {
                DocumentOperations::Single(op) => op.node.ty == OperationType::Query,
                DocumentOperations::Multiple(ops) => {
                    ops.values().all(|op| op.node.ty == OperationType::Query)
                }
            },
            Err(_) => false,
        })
}

/// The limits of one HTTP request: its budget, its deadline, and the
/// client's rate unless it holds the API token.
fn limits_of(
    state: &State,
    http: &HttpRequest,
    who: crate::graphql::auth::Access,
) -> Arc<RequestLimits> {
    let client = if state.trust_proxy {
        http.connection_info().realip_remote_addr().and_then(|a| {
            a.parse::<std::net::SocketAddr>()
                .map(|s| s.ip())
                .or_else(|_| a.trim_matches(['[', ']']).parse())
                .ok()
        })
    } else {
        http.peer_addr().map(|a| a.ip())
    };
    let exempt = who == crate::graphql::auth::Access::Granted;
    RequestLimits::new(
        state.request_budget,
        std::time::Instant::now() + state.timeout,
        client,
        state.rate.clone().filter(|_| !exempt),
    )
}

/// Run requests under the time limit and the request's limits.
async fn run(
    state: &State,
    batch: async_graphql::BatchRequest,
    limits: &Arc<RequestLimits>,
) -> Result<async_graphql::BatchResponse, HttpResponse> {
    let batch = batch.data(limits.clone());
    let resp = tokio::time::timeout(state.timeout, state.schema.execute_batch(batch))
        .await
        .map_err(|_| execute_timed_out(state))?;
    match limits.retry_after() {
        // Refused by the rate limit: 429, so HTTP clients and proxies back off.
        Some(wait) => Err(HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait.as_secs().max(1).to_string()))
            .json(resp)),
        None => Ok(resp),
    }
}

async fn execute(
    state: &State,
    batch: async_graphql::BatchRequest,
    limits: &Arc<RequestLimits>,
) -> HttpResponse {
    match run(state, batch, limits).await {
        Ok(resp) => HttpResponse::Ok().json(resp),
        Err(refused) => refused,
    }
}

/// POST /graphql. The body is read under the configured size limit (413
/// past it), then parsed: a body that is not a GraphQL request is a 400.
async fn graphql(
    state: web::Data<State>,
    http: HttpRequest,
    mut payload: web::Payload,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    use async_graphql::futures_util::StreamExt;
    if let Some(refused) = csrf_refusal(&http) {
        return refused;
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return error_body(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the request body could not be read".into(),
            );
        };
        if body.len() + chunk.len() > state.max_body {
            return error_body(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the request body is larger than {} bytes", state.max_body),
            );
        }
        body.extend_from_slice(&chunk);
    }
    // Read before anything else: an answer is never tagged newer than its
    // data. Only read-only requests are ever kept, so a hit needs no parsing.
    let generation = state.app.generation();
    let body = body.freeze();
    if let Some(hit) = state.cache.as_ref().and_then(|c| c.get(&body, generation)) {
        state.metrics.cache_hit();
        return HttpResponse::Ok()
            .content_type("application/json")
            .body(hit);
    }
    let batch = match serde_json::from_slice::<async_graphql::BatchRequest>(&body) {
        Ok(b) => b,
        Err(e) => {
            return error_body(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("the body is not a GraphQL request: {e}"),
            )
        }
    };
    let n = batch.iter().count();
    if n > state.max_batch {
        return error_body(
            StatusCode::BAD_REQUEST,
            "LIMIT_EXCEEDED",
            format!(
                "{n} operations in one request; the limit is {}",
                state.max_batch
            ),
        );
    }
    let origin = http
        .headers()
        .get(header::ORIGIN)
        .and_then(|h| h.to_str().ok());
    let host = http
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    if state.origins.allowed(origin, host) == Allowed::Read && !read_only(&batch) {
        return error_body(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "pages from this origin may read the API but not write: list the origin with --cors-origin"
                .into(),
        );
    }
    let who = access(&state, &http);
    let limits = limits_of(&state, &http, who);
    let Some(cache) = state.cache.as_ref().filter(|_| read_only(&batch)) else {
        return execute(&state, batch.data(who), &limits).await;
    };
    let resp = match run(&state, batch.data(who), &limits).await {
        Ok(resp) => resp,
        Err(refused) => return refused,
    };
    let ok = match &resp {
        async_graphql::BatchResponse::Single(r) => r.is_ok(),
        async_graphql::BatchResponse::Batch(rs) => rs.iter().all(|r| r.is_ok()),
    };
    match serde_json::to_vec(&resp) {
        Ok(bytes) => {
            let bytes = web::Bytes::from(bytes);
            if ok {
                cache.put(body, generation, bytes.clone());
            }
            HttpResponse::Ok()
                .content_type("application/json")
                .body(bytes)
        }
        Err(e) => {
            tracing::error!(error = %e, "serialising a response failed");
            error_body(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "internal error; the server log has the details".into(),
            )
        }
    }
}

fn execute_timed_out(state: &State) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "data": null,
        "errors": [{"message": format!("the request ran past the {} s limit", state.timeout.as_secs_f32()),
                    "extensions": {"code": "LIMIT_EXCEEDED", "limit": "timeout"}}]
    }))
}

async fn graphql_get(
    state: web::Data<State>,
    http: HttpRequest,
    req: Option<GraphQLRequest>,
) -> HttpResponse {
    // Without a query: the GraphiQL page (for browsers and anyone else).
    let has_query = http.query_string().contains("query=");
    if !has_query {
        return match state.graphiql {
            Some(p) => HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((
                    header::CONTENT_SECURITY_POLICY,
                    graphiql::CONTENT_SECURITY_POLICY,
                ))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(p.page.clone()),
            None => error_body(
                actix_web::http::StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "GraphiQL is switched off; POST GraphQL to /graphql".into(),
            ),
        };
    }
    match req {
        Some(r) => {
            let batch = async_graphql::BatchRequest::Single(r.into_inner());
            // A link or an image tag can make a browser send a GET: writes need POST.
            if !read_only(&batch) {
                return error_body(
                    actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
                    "BAD_REQUEST",
                    "only queries may be sent with GET; send mutations with POST".into(),
                );
            }
            let who = access(&state, &http);
            let limits = limits_of(&state, &http, who);
            execute(&state, batch.data(who), &limits).await
        }
        None => error_body(
            actix_web::http::StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "malformed GraphQL GET request".into(),
        ),
    }
}

/// GET /graphql/ws: subscriptions over graphql-transport-ws (or the older graphql-ws).
async fn graphql_ws(
    state: web::Data<State>,
    req: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    async_graphql_actix_web::GraphQLSubscription::new(state.schema.clone()).start(&req, payload)
}

/// GET /claims/{id}/claimreview.jsonld: the claim's reviews as schema.org
/// ClaimReview. Errors have the API's shape (`errors[].extensions.code`).
async fn claim_review_jsonld(state: web::Data<State>, id: web::Path<String>) -> HttpResponse {
    use actix_web::http::StatusCode;
    let Ok(claim) = id.parse::<crate::domain::ClaimId>() else {
        return error_body(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!("`{id}` is not a valid claim id"),
        );
    };
    let store = state.app.store().clone();
    let found = web::block(
        move || -> Result<Option<Vec<serde_json::Value>>, crate::store::StoreError> {
            if store.claim(claim)?.is_none() {
                return Ok(None);
            }
            crate::claimreview::claim_reviews_of(store.as_ref(), claim).map(Some)
        },
    )
    .await;
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "reading claim reviews failed");
        error_body(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            "internal error; the server log has the details".into(),
        )
    };
    match found {
        Ok(Ok(Some(reviews))) => HttpResponse::Ok()
            .content_type("application/ld+json")
            .json(reviews),
        Ok(Ok(None)) => error_body(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("claim {claim} was not found"),
        ),
        Ok(Err(e)) => failed(&e),
        Err(e) => failed(&e),
    }
}

/// GET /ready: 200 once the models are loaded and the store answers; 503
/// (with the API's error shape) before that or when the store fails. For
/// load balancers and `claimgraph healthcheck`; /health only says the
/// process serves HTTP.
async fn ready(state: web::Data<State>) -> HttpResponse {
    use actix_web::http::StatusCode;
    if !state.warm.load(std::sync::atomic::Ordering::SeqCst) {
        return error_body(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the models are still loading".into(),
        );
    }
    let store = state.app.store().clone();
    match web::block(move || store.stats()).await {
        Ok(Ok(stats)) => HttpResponse::Ok().json(serde_json::json!({
            "status": "ready",
            "articles": stats.articles,
            "claims": stats.claims,
        })),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the store did not answer /ready");
            error_body(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the store is not answering; the server log has the details".into(),
            )
        }
        Err(_) => error_body(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the server is shutting down".into(),
        ),
    }
}

/// GET /graphiql/{digest}/{name}: the playground's files. The digest in
/// the path changes with the content, so they are kept a year.
async fn graphiql_asset(state: web::Data<State>, http: HttpRequest) -> HttpResponse {
    match state.graphiql.and_then(|p| p.asset(http.path())) {
        Some(a) => HttpResponse::Ok()
            .content_type(a.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(a.body),
        None => error_body(
            actix_web::http::StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such file".into(),
        ),
    }
}

/// GET /metrics: Prometheus (OpenMetrics text).
async fn serve_metrics(state: web::Data<State>) -> HttpResponse {
    // The store's totals are a read; keep it off the async workers.
    let m = state.metrics.clone();
    match web::block(move || m.render()).await {
        Ok(Ok(text)) => HttpResponse::Ok()
            .content_type(crate::metrics::CONTENT_TYPE)
            .body(text),
        _ => error_body(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            "the metrics could not be rendered".into(),
        ),
    }
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn root() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/graphql"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_the_servers_own_listed_let_in_by_a_wildcard_or_refused() {
        let none = Origins::new(&[]);
        let host = Some("127.0.0.1:8080");
        assert_eq!(
            none.allowed(None, host),
            Allowed::ReadWrite,
            "not a browser"
        );
        assert_eq!(
            none.allowed(Some("http://127.0.0.1:8080"), host),
            Allowed::ReadWrite
        );
        assert_eq!(
            none.allowed(Some("http://127.0.0.1:9090"), host),
            Allowed::No
        );
        assert_eq!(none.allowed(Some("http://dash.example"), None), Allowed::No);
        let listed = Origins::new(&["https://Dash.example/ ".into()]);
        assert_eq!(
            listed.allowed(Some("https://dash.example"), host),
            Allowed::ReadWrite
        );
        assert_eq!(
            listed.allowed(Some("http://dash.example"), host),
            Allowed::No,
            "another scheme"
        );
        let any = Origins::new(&["*".into(), "https://dash.example".into()]);
        assert_eq!(
            any.allowed(Some("https://dash.example"), host),
            Allowed::ReadWrite
        );
        assert_eq!(
            any.allowed(Some("https://else.example"), host),
            Allowed::Read
        );
    }
}
