//! The API, driven over HTTP against a server on port 0 over a temporary store.

mod articles;
mod caching;
mod claims;
mod corroboration;
mod errors;
mod factchecks;
mod health;
mod helpers;
mod persistence;
mod reliability;
mod schema;
mod security;
mod speakers;
mod subscriptions;
