use crate::helpers::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn a_repeated_query_never_outlives_a_write() {
    let app = spawn_app().await;
    let q = "{ stats { articles claims } claims(first: 1, filter: {search: \"harbour\"}) { totalCount } }";
    let first = app.data(q, json!({})).await;
    assert_eq!(first["stats"]["articles"], 2);
    assert_eq!(app.data(q, json!({})).await, first, "the same answer again");
    app.ingest(json!({"body": "\"The harbour will reopen in April,\" the mayor said."}))
        .await;
    let after = app.data(q, json!({})).await;
    assert_eq!(after["stats"]["articles"], 3);
    assert_eq!(after["claims"]["totalCount"], 1);
    // Mutations are never answered from memory: the second one is a no-op ingest of the same body.
    let m = "mutation { ingestArticle(input: {body: \"Plain text.\"}) { id } }";
    let a = app.data(m, json!({})).await;
    let b = app.data(m, json!({})).await;
    assert_eq!(a, b);
    assert_eq!(app.data(q, json!({})).await["stats"]["articles"], 4);
}
