//! GraphQL errors carry a stable `extensions.code` (Apollo's vocabulary);
//! internal details go to the log, never to the client.

use crate::app::IngestError;
use crate::store::StoreError;
use async_graphql::{Error, ErrorExtensions};

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const INTERNAL: &str = "INTERNAL_SERVER_ERROR";
pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
/// A limit was exceeded: batch size, query depth or complexity, request time.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";

pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

pub fn bad_input(message: impl Into<String>) -> Error {
    coded(BAD_USER_INPUT, message)
}

pub fn internal(e: &dyn std::fmt::Display) -> Error {
    tracing::error!(error = %e, "internal error while answering a request");
    coded(INTERNAL, "internal error; the server log has the details")
}

impl From<StoreErr> for Error {
    fn from(e: StoreErr) -> Self {
        match e.0 {
            StoreError::Locked(_) => coded(SERVICE_UNAVAILABLE, "the store is unavailable"),
            other => internal(&other),
        }
    }
}

/// Wrapper so `?` turns store errors into coded GraphQL errors.
pub struct StoreErr(pub StoreError);

impl From<StoreError> for StoreErr {
    fn from(e: StoreError) -> Self {
        StoreErr(e)
    }
}

pub fn ingest_error(e: IngestError) -> Error {
    match e {
        IngestError::EmptyBody => {
            bad_input(e.to_string()).extend_with(|_, x| x.set("field", "body"))
        }
        IngestError::TooLarge { .. } => {
            coded(PAYLOAD_TOO_LARGE, e.to_string()).extend_with(|_, x| x.set("field", "body"))
        }
        IngestError::InvalidField { field, .. } => {
            bad_input(e.to_string()).extend_with(|_, x| x.set("field", field))
        }
        IngestError::Store(s) => StoreErr(s).into(),
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Run a store call, mapping its error.
pub fn st<T>(r: std::result::Result<T, StoreError>) -> Result<T> {
    r.map_err(|e| StoreErr(e).into())
}

pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const FORBIDDEN: &str = "FORBIDDEN";
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// Gives every error a code: the framework's own parse, validation and
/// limit errors come without one.
pub struct ErrorCodes;

impl async_graphql::extensions::ExtensionFactory for ErrorCodes {
    fn create(&self) -> std::sync::Arc<dyn async_graphql::extensions::Extension> {
        std::sync::Arc::new(ErrorCodes)
    }
}

fn with_code(mut e: async_graphql::ServerError, code: &'static str) -> async_graphql::ServerError {
    let has = e
        .extensions
        .as_ref()
        .is_some_and(|x| x.get("code").is_some());
    if !has {
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    e
}

#[async_graphql::async_trait::async_trait]
impl async_graphql::extensions::Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: async_graphql::extensions::NextParseQuery<'_>,
    ) -> async_graphql::ServerResult<async_graphql::parser::types::ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|e| with_code(e, GRAPHQL_PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextValidation<'_>,
    ) -> std::result::Result<async_graphql::ValidationResult, Vec<async_graphql::ServerError>> {
        next.run(ctx).await.map_err(|errs| {
            errs.into_iter()
                .map(|e| {
                    let limit = e.message.contains("too complex") || e.message.contains("too deep");
                    with_code(
                        e,
                        if limit {
                            LIMIT_EXCEEDED
                        } else {
                            GRAPHQL_VALIDATION_FAILED
                        },
                    )
                })
                .collect()
        })
    }

    async fn execute(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let mut resp = next.run(ctx, operation_name).await;
        // Left without a code here: a value the schema could not accept
        // (an argument of the wrong type or range).
        resp.errors = resp
            .errors
            .into_iter()
            .map(|e| with_code(e, BAD_USER_INPUT))
            .collect();
        resp
    }
}
