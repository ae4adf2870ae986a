use crate::helpers::spawn_app;
use serde_json::json;

const INGEST: &str =
    "mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { id } }";

#[actix_web::test]
async fn an_empty_body_is_refused_as_bad_user_input() {
    let app = spawn_app().await;
    assert_eq!(
        app.error_code(INGEST, json!({"input": {"body": "  \n "}}))
            .await,
        "BAD_USER_INPUT"
    );
}

#[actix_web::test]
async fn an_oversized_body_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with_big_limit().await;
    let body = "word ".repeat(250_000);
    assert_eq!(
        app.error_code(INGEST, json!({"input": {"body": body}}))
            .await,
        "PAYLOAD_TOO_LARGE"
    );
    let d = app.data("{ stats { articles } }", json!({})).await;
    assert_eq!(d["stats"]["articles"], 2);
}

async fn spawn_app_with_big_limit() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(|s| s.max_body_bytes = 8 * 1024 * 1024).await
}

#[actix_web::test]
async fn a_request_over_the_body_limit_gets_413_not_500() {
    let app = spawn_app().await;
    let body = "x".repeat(3 * 1024 * 1024);
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .send_json(&json!({"query": INGEST, "variables": {"input": {"body": body}}}))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
}

#[actix_web::test]
async fn invalid_fields_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let body = app
        .graphql(
            INGEST,
            json!({"input": {"body": "Text.", "url": "not a url"}}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "url");
    let body = app
        .graphql(
            INGEST,
            json!({"input": {"body": "Text.", "publishedAt": "last week"}}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "publishedAt");
    // Shaped like a date, but no such day.
    let body = app
        .graphql(
            INGEST,
            json!({"input": {"body": "Text.", "publishedAt": "2023-02-31"}}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "publishedAt");
    let imported = app
        .graphql(
            "mutation($doc: JSON!) { importClaimReviews(claimReviews: $doc) { created } }",
            json!({"doc": {"@type": "ClaimReview", "claimReviewed": "The moon is made of cheese.", "datePublished": "2023-02-31", "reviewRating": {"alternateName": "False"}}}),
        )
        .await;
    assert_eq!(
        imported["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{imported}"
    );
}

#[actix_web::test]
async fn malformed_ids_and_cursors_are_bad_user_input() {
    let app = spawn_app().await;
    assert_eq!(
        app.error_code("{ claim(id: \"nope\") { id } }", json!({}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code("{ article(id: \"clm_1_1\") { id } }", json!({}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code("{ claims(after: \"garbage\") { totalCount } }", json!({}))
            .await,
        "BAD_USER_INPUT"
    );
}

#[actix_web::test]
async fn page_sizes_are_bounded() {
    let app = spawn_app().await;
    assert_eq!(
        app.error_code("{ claims(first: 1000) { totalCount } }", json!({}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code("{ articles(first: -1) { totalCount } }", json!({}))
            .await,
        "BAD_USER_INPUT"
    );
}

#[actix_web::test]
async fn a_malformed_http_body_gets_a_4xx() {
    let app = spawn_app().await;
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("content-type", "application/json"))
        .send_body("{not json")
        .await
        .unwrap();
    assert!(resp.status().is_client_error(), "status {}", resp.status());
}
