//! The actix-web application: /graphql (POST, and GET for GraphiQL or
//! queries), /health. `Application::build` binds the listener first, so tests
//! can ask for port 0 and learn the real port.

use crate::graphql::{build_schema, AppSchema, SchemaOptions};
use crate::store::{SledStore, Store};
use actix_web::{dev::Server, http::header, web, App, HttpRequest, HttpResponse, HttpServer};
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

/// The query GraphiQL opens with; also in `schema/queries/first.graphql`.
pub const FIRST_QUERY: &str = include_str!("../schema/queries/first.graphql");

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
        }
    }
}

pub struct Application {
    server: Server,
    port: u16,
    pub store: Arc<dyn Store>,
}

struct State {
    schema: AppSchema,
    store: Arc<dyn Store>,
    graphiql_page: Option<String>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store: Arc<dyn Store> = match &settings.data_dir {
            Some(dir) => Arc::new(SledStore::open(dir)?),
            None => Arc::new(SledStore::temporary()?),
        };
        Self::with_store(settings, store).await
    }

    pub async fn with_store(settings: Settings, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        if settings.seed && store.stats()?.articles == 0 {
            let s = store.clone();
            let n = tokio::task::spawn_blocking(move || crate::seed::load(s.as_ref())).await??;
            tracing::info!(articles = n, "seeded an empty store");
        }
        let events = crate::events::Events::default();
        let listener = TcpListener::bind(&settings.addr)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(State {
            schema: build_schema(store.clone(), events.clone(), &settings.schema),
            graphiql_page: settings.graphiql.then(graphiql_page),
            store: store.clone(),
        });
        let max_body = settings.max_body_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .app_data(web::JsonConfig::default().limit(max_body))
                .route("/graphql", web::post().to(graphql))
                .route("/graphql/ws", web::get().to(graphql_ws))
                .route("/graphql", web::get().to(graphql_get))
                .route(
                    "/claims/{id}/claimreview.jsonld",
                    web::get().to(claim_review_jsonld),
                )
                .route("/health", web::get().to(health))
                .route("/", web::get().to(root))
        })
        .listen(listener)?;
        if let Some(w) = settings.workers {
            server = server.workers(w);
        }
        Ok(Application {
            server: server.run(),
            port,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stop accepting requests, finish those in flight, and flush the store.
    pub async fn stop(self) -> anyhow::Result<()> {
        // The server future handles the stop command, so it must be running.
        let handle = self.server.handle();
        let running = tokio::spawn(self.server);
        handle.stop(true).await;
        let _ = running.await;
        self.store.flush()?;
        Ok(())
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let r = self.server.await;
        if let Err(e) = self.store.flush() {
            tracing::error!(error = %e, "flushing the store at shutdown failed");
        }
        r
    }
}

fn graphiql_page() -> String {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql/ws")
        .title("claimgraph")
        .finish();
    // Open with a useful query instead of an empty editor.
    let query = serde_json::to_string(FIRST_QUERY)
        .unwrap_or_default()
        .replace("</", "<\\/");
    page.replacen(
        "defaultEditorToolsVisibility: true,",
        &format!("defaultEditorToolsVisibility: true, defaultQuery: {query},"),
        1,
    )
}

/// POST /graphql. The body is read under the configured size limit (413
/// past it), then parsed: a body that is not a GraphQL request is a 400.
async fn graphql(state: web::Data<State>, body: web::Bytes) -> HttpResponse {
    match serde_json::from_slice::<async_graphql::BatchRequest>(&body) {
        Ok(batch) => HttpResponse::Ok().json(state.schema.execute_batch(batch).await),
        Err(e) => HttpResponse::BadRequest().json(serde_json::json!({
            "errors": [{"message": format!("the body is not a GraphQL request: {e}"), "extensions": {"code": "BAD_REQUEST"}}]
        })),
    }
}

async fn graphql_get(
    state: web::Data<State>,
    http: HttpRequest,
    req: Option<GraphQLRequest>,
) -> HttpResponse {
    // Without a query: the GraphiQL page (for browsers and anyone else).
    let has_query = http.query_string().contains("query=");
    if !has_query {
        return match &state.graphiql_page {
            Some(page) => HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page.clone()),
            None => HttpResponse::NotFound().json(serde_json::json!({"error": {"code": "NOT_FOUND", "message": "GraphiQL is switched off; POST GraphQL to /graphql"}})),
        };
    }
    match req {
        Some(r) => {
            let resp: GraphQLResponse = state.schema.execute(r.into_inner()).await.into();
            actix_web::Responder::respond_to(resp, &http).map_into_boxed_body()
        }
        None => HttpResponse::BadRequest().json(serde_json::json!({"error": {"code": "BAD_REQUEST", "message": "malformed GraphQL GET request"}})),
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

/// GET /claims/{id}/claimreview.jsonld: the claim's reviews as ClaimReview JSON-LD.
async fn claim_review_jsonld(state: web::Data<State>, id: web::Path<String>) -> HttpResponse {
    let not_found = |m: String| {
        HttpResponse::NotFound()
            .json(serde_json::json!({"error": {"code": "NOT_FOUND", "message": m}}))
    };
    let Ok(claim) = id.parse::<crate::domain::ClaimId>() else {
        return HttpResponse::BadRequest().json(serde_json::json!({"error": {"code": "BAD_USER_INPUT", "message": format!("`{id}` is not a valid claim id")}}));
    };
    let store = state.store.clone();
    let found = web::block(
        move || -> Result<Option<Vec<serde_json::Value>>, crate::store::StoreError> {
            if store.claim(claim)?.is_none() {
                return Ok(None);
            }
            crate::factcheck::claim_reviews_of(store.as_ref(), claim).map(Some)
        },
    )
    .await;
    match found {
        Ok(Ok(Some(reviews))) => HttpResponse::Ok()
            .content_type("application/ld+json")
            .json(reviews),
        Ok(Ok(None)) => not_found(format!("claim {claim} was not found")),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "reading claim reviews failed");
            HttpResponse::InternalServerError().json(serde_json::json!({"error": {"code": "INTERNAL_SERVER_ERROR", "message": "internal error; the server log has the details"}}))
        }
        Err(e) => {
            tracing::error!(error = %e, "reading claim reviews failed");
            HttpResponse::InternalServerError().json(serde_json::json!({"error": {"code": "INTERNAL_SERVER_ERROR", "message": "internal error; the server log has the details"}}))
        }
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
