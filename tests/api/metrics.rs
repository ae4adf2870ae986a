//! `/metrics`: what an operator scrapes.

use crate::helpers::TestApp;
use serde_json::json;

/// The exposition, after the models are loaded (their warm-up encodes a text).
pub async fn scrape(app: &TestApp) -> String {
    for _ in 0..600 {
        let resp = app
            .client
            .get(format!("{}/ready", app.address))
            .send()
            .await
            .unwrap();
        if resp.status().is_success() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut resp = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let ct = resp
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
    String::from_utf8(resp.body().limit(1 << 22).await.unwrap().to_vec()).unwrap()
}

/// The value of the sample whose name and labels start with `prefix`.
pub fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[actix_web::test]
async fn metrics_count_operations_by_name_errors_by_code_and_what_the_store_holds() {
    let app = crate::helpers::spawn_app().await;
    let before = scrape(&app).await;
    assert_eq!(
        sample(&before, "claimgraph_articles "),
        Some(2.0),
        "the seeds:\n{before}"
    );
    assert!(
        sample(&before, "claimgraph_encoder_texts_total ").unwrap() >= 1.0,
        "the warm-up"
    );
    assert_eq!(
        sample(&before, "claimgraph_subscription_clients "),
        Some(0.0)
    );

    let q = "query Totals { stats { articles claims } }";
    app.data(q, json!({})).await;
    app.data(q, json!({})).await; // answered from the response cache
    let code = app.error_code("{ nonsense }", json!({})).await;
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
    app.ingest(json!({"title": "Rates", "body": "The central bank said on Tuesday that interest rates would stay at 4 percent. \"We are not in a hurry,\" the governor told reporters."}))
        .await;

    let after = scrape(&app).await;
    let ops = r#"claimgraph_graphql_operations_total{operation="Totals",kind="query"} "#;
    assert_eq!(sample(&after, ops), Some(1.0), "{after}");
    assert_eq!(
        sample(&after, "claimgraph_response_cache_hits_total "),
        Some(1.0)
    );
    assert!(
        sample(
            &after,
            r#"claimgraph_graphql_operation_duration_seconds_count{operation="Totals",kind="query"} "#
        ) == Some(1.0),
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            r#"claimgraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} "#
        ),
        Some(1.0)
    );
    let delta = |name: &str| sample(&after, name).unwrap() - sample(&before, name).unwrap();
    assert_eq!(delta("claimgraph_ingested_articles_total "), 1.0);
    assert!(delta("claimgraph_ingested_claims_total ") >= 1.0);
    assert_eq!(sample(&after, "claimgraph_articles "), Some(3.0));
    assert!(
        sample(
            &after,
            r#"claimgraph_http_responses_total{route="/graphql",status="200"} "#
        )
        .unwrap()
            >= 4.0,
        "{after}"
    );
}
