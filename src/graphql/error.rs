//! GraphQL errors carry a stable `extensions.code` (Apollo's vocabulary);
//! internal details go to the log, never to the client.

use crate::ingest::IngestError;
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
