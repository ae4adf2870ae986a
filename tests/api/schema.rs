use crate::helpers::spawn_app;
use serde_json::json;

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .unwrap();
    assert!(
        committed == claimgraph::graphql::sdl(),
        "schema/schema.graphql is stale: run `cargo run -- schema > schema/schema.graphql`"
    );
}

#[actix_web::test]
async fn every_example_operation_runs_without_errors() {
    let app = spawn_app().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/queries");
    let mut ran = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
    {
        let q = std::fs::read_to_string(&path).unwrap();
        // Operations that need an id get the first claim's, article's and speaker's.
        let ids = app
            .data(
                "{ claims(first: 100, filter: {kind: DIRECT_QUOTE}) { edges { node { id article { id } speakers { id } } } } }",
                json!({}),
            )
            .await;
        let node = &ids["claims"]["edges"][0]["node"];
        assert!(
            node["speakers"][0]["id"].is_string(),
            "a quote with a speaker to run the examples on"
        );
        let vars = json!({"claimId": node["id"], "articleId": node["article"]["id"], "speakerId": node["speakers"][0]["id"]});
        let body = app.graphql(&q, vars).await;
        assert!(body.get("errors").is_none(), "{}: {body}", path.display());
        ran += 1;
    }
    assert!(ran >= 3, "expected several example operations, ran {ran}");
}
