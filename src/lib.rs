// Unsafe code is denied everywhere but `encoder::kernel`, the one audited
// module of SIMD intrinsics (it says so with its own `allow`).
#![deny(unsafe_code)]
//! claimgraph: claims, speakers and their sources, extracted from news
//! articles and served over GraphQL.
//!
//! Layers, each importing only those below it:
//!
//! | layer | what it holds |
//! |---|---|
//! | `domain` | plain data: articles, claims, speakers, fact-checks, ids, spans |
//! | `encoder` | the sentence encoder runtime: word pieces, the int8 forward pass, its SIMD kernel |
//! | `extract`, `corroborate` | pure functions over text: claims and speakers out of an article; features and scores |
//! | `store` | the persistence port (`Store`), units written atomically, the change feed; `store::sled` the embedded backend |
//! | `search` | derived indexes fed by the change feed: postings, vectors, feature cache; linking and cross-check candidates |
//! | `claimreview` | ClaimReview JSON-LD in and out, and the checks a fact-check passes |
//! | `app` | the service layer: the write path (ingest, reviews, imports), speaker resolution, claim construction, track records, events |
//! | `metrics` | Prometheus metrics over the service layer, and the GraphQL extension that times operations |
//! | `graphql`, `http` | the API |
//! | `cli` | thin commands; `seed` the seed articles |

pub mod app;
pub mod claimreview;
pub mod cli;
pub mod corroborate;
pub mod domain;
pub mod encoder;
pub mod extract;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod search;
pub mod seed;
pub mod store;
pub mod train;
