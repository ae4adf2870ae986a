//! The API, driven over HTTP against a server on port 0 over a temporary store.

mod articles;
mod browser;
mod caching;
mod claims;
mod corroboration;
mod errors;
mod factchecks;
mod health;
mod helpers;
mod metrics;
mod persistence;
mod reliability;
mod schema;
mod security;
mod speakers;
mod subscriptions;
