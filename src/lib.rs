#![forbid(unsafe_code)]
//! claimgraph: claims, speakers and their sources, extracted from news
//! articles and served over GraphQL.

pub mod cli;
pub mod cli_extract;
pub mod corroborate;
pub mod domain;
pub mod events;
pub mod extract;
pub mod factcheck;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod seed;
pub mod store;
