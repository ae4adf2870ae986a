//! Any bytes as a POST /graphql body: parsed as the server parses it, then
//! executed against a schema over a temporary store with the seed articles.
//! Any response is fine; a panic is not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

struct Env {
    rt: tokio::runtime::Runtime,
    schema: claimgraph::graphql::AppSchema,
}

fn env() -> &'static Env {
    static E: OnceLock<Env> = OnceLock::new();
    E.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let app = Arc::new(
            claimgraph::app::App::open(claimgraph::store::temporary().unwrap()).unwrap(),
        );
        claimgraph::seed::load(&app).unwrap();
        let schema = rt.block_on(async {
            claimgraph::graphql::build_schema(app, &claimgraph::graphql::SchemaOptions::default())
        });
        Env { rt, schema }
    })
}

fuzz_target!(|data: &[u8]| {
    let e = env();
    if let Ok(batch) = serde_json::from_slice::<async_graphql::BatchRequest>(data) {
        let _ = e.rt.block_on(e.schema.execute_batch(batch));
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = claimgraph::claimreview::parse_claim_reviews(&v);
    }
});
