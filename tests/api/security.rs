//! Auth for writes, limits, and a code on every error.

use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::{json, Value};

const INGEST: &str =
    "mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { id } }";

async fn post(app: &crate::helpers::TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = app.client.post(format!("{}/graphql", app.address));
    if let Some(t) = token {
        req = req.insert_header(("Authorization", t.to_string()));
    }
    let mut resp = req.send_json(&body).await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json::<Value>().limit(1 << 24).await.unwrap())
}

#[actix_web::test]
async fn with_a_token_configured_writes_need_it_and_reads_stay_open() {
    let app = spawn_app_with(|s| s.api_token = Some("s3cret-token".into())).await;
    let write = json!({"query": INGEST, "variables": {"input": {"body": "\"Rates will rise,\" the governor said."}}});
    let (_, none) = post(&app, None, write.clone()).await;
    assert_eq!(
        none["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{none}"
    );
    let (_, wrong) = post(&app, Some("Bearer s3cret-tokem"), write.clone()).await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{wrong}"
    );
    let (_, stats) = post(&app, None, json!({"query": "{ stats { articles } }"})).await;
    assert_eq!(
        stats["data"]["stats"]["articles"], 2,
        "nothing was written without the token"
    );
    let (_, ok) = post(&app, Some("Bearer s3cret-token"), write).await;
    assert!(ok["errors"].is_null(), "{ok}");
    assert!(ok["data"]["ingestArticle"]["id"].is_string());
    // Every mutation is guarded, not only ingest.
    let (_, review) = post(&app, None, json!({"query": "mutation { importClaimReviews(claimReviews: {claimReviewed: \"x y z\"}) { created } }"})).await;
    assert_eq!(review["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[actix_web::test]
async fn framework_errors_carry_codes_too() {
    let app = spawn_app().await;
    let (status, syntax) = post(&app, None, json!({"query": "{ claims(first: 1 { id }"})).await;
    assert_eq!(status, 200);
    assert_eq!(
        syntax["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
        "{syntax}"
    );
    let (_, unknown) = post(&app, None, json!({"query": "{ nonsense }"})).await;
    assert_eq!(
        unknown["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let (_, wrong_type) = post(&app, None, json!({"query": "query($n: Int) { claims(first: $n) { totalCount } }", "variables": {"n": "many"}})).await;
    assert!(
        wrong_type["errors"][0]["extensions"]["code"].is_string(),
        "{wrong_type}"
    );
    let deep = format!(
        "{{ claims(first: 1) {{ edges {{ node {{ {} }} }} }} }}",
        "speakers { claims(first: 1) { edges { node { ".repeat(6) + "id" + &" } } } }".repeat(6)
    );
    let (_, too_deep) = post(&app, None, json!({"query": deep})).await;
    assert_eq!(
        too_deep["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{too_deep}"
    );
}

#[actix_web::test]
async fn malformed_and_oversized_requests_get_coded_4xx_answers() {
    let app = spawn_app_with(|s| s.max_batch = 2).await;
    let mut resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("content-type", "application/json"))
        .send_body("{not json")
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    let batch = json!([{"query": "{ __typename }"}, {"query": "{ __typename }"}, {"query": "{ __typename }"}]);
    let (status, v) = post(&app, None, batch).await;
    assert_eq!(status, 400);
    assert_eq!(v["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    let (status, v) = post(
        &app,
        None,
        json!([{"query": "{ __typename }"}, {"query": "{ stats { articles } }"}]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v[1]["data"]["stats"]["articles"], 2);
    let big = "x".repeat(3 * 1024 * 1024);
    let (status, v) = post(
        &app,
        None,
        json!({"query": INGEST, "variables": {"input": {"body": big}}}),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(v["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
}

#[actix_web::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(|s| {
        s.schema.introspection = false;
        s.graphiql = false;
    })
    .await;
    let (_, v) = post(
        &app,
        None,
        json!({"query": "{ __schema { types { name } } }"}),
    )
    .await;
    assert!(
        v["data"].is_null() || v["data"]["__schema"].is_null(),
        "{v}"
    );
    let (_, v) = post(&app, None, json!({"query": "{ stats { articles } }"})).await;
    assert_eq!(v["data"]["stats"]["articles"], 2);
    let open = spawn_app().await;
    let (_, v) = post(
        &open,
        None,
        json!({"query": "{ __schema { queryType { name } } }"}),
    )
    .await;
    assert_eq!(v["data"]["__schema"]["queryType"]["name"], "Query");
}

#[actix_web::test]
async fn get_requests_may_read_but_never_write() {
    let app = spawn_app().await;
    let url = |q: &str| {
        format!(
            "{}/graphql?query={}",
            app.address,
            q.bytes()
                .map(|b| if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                })
                .collect::<String>()
        )
    };
    let mut read = app
        .client
        .get(url("{ stats { articles } }"))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200);
    let v: Value = read.json().await.unwrap();
    assert_eq!(v["data"]["stats"]["articles"], 2);
    let write = app
        .client
        .get(url(
            "mutation { ingestArticle(input: {body: \"Sent by GET.\"}) { id } }",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status().as_u16(), 405);
    let (_, v) = post(&app, None, json!({"query": "{ stats { articles } }"})).await;
    assert_eq!(v["data"]["stats"]["articles"], 2);
}

/// A request from a page on `origin`: its status, its
/// `Access-Control-Allow-Origin` and its body.
async fn from_origin(
    app: &crate::helpers::TestApp,
    origin: &str,
    content_type: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    let mut resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("Origin", origin))
        .insert_header(("content-type", content_type))
        .send_body(body.to_string())
        .await
        .unwrap();
    let allow = resp
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string());
    let v = resp.json::<Value>().await.unwrap_or(Value::Null);
    (resp.status().as_u16(), allow, v)
}

/// A CORS preflight for a JSON POST from `origin`: its status and
/// `Access-Control-Allow-Origin`.
async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> (u16, Option<String>) {
    let resp = app
        .client
        .request(
            awc::http::Method::OPTIONS,
            format!("{}/graphql", app.address),
        )
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", "POST"))
        .insert_header((
            "Access-Control-Request-Headers",
            "content-type, authorization",
        ))
        .send()
        .await
        .unwrap();
    let allow = resp
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string());
    (resp.status().as_u16(), allow)
}

const WRITE: &str =
    r#"mutation { ingestArticle(input: {body: "\"Taxes will fall,\" the mayor said."}) { id } }"#;

#[actix_web::test]
async fn a_text_plain_post_of_a_mutation_is_refused_as_a_cross_site_forgery() {
    let app = spawn_app().await;
    let mut resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("content-type", "text/plain"))
        .send_body(json!({ "query": WRITE }).to_string())
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("CSRF"));
    // A form post is refused the same way; nothing was written.
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .send_body(json!({ "query": WRITE }).to_string())
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let (_, stats) = post(&app, None, json!({"query": "{ stats { articles } }"})).await;
    assert_eq!(stats["data"]["stats"]["articles"], 2);
    // A header that forces a preflight lets a client send any content type.
    let mut resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("content-type", "text/plain"))
        .insert_header(("Apollo-Require-Preflight", "true"))
        .send_body(json!({ "query": "{ stats { articles } }" }).to_string())
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["data"]["stats"]["articles"], 2, "{v}");
}

#[actix_web::test]
async fn by_default_no_other_origin_passes_a_preflight_but_the_servers_own_pages_do() {
    let app = spawn_app().await;
    let (_, allow) = preflight(&app, "http://dash.example").await;
    assert_eq!(allow, None);
    // A simple read is answered (curl may send any Origin), but without the
    // header that would let a browser hand the answer to the page.
    let (_, allow, _) = from_origin(
        &app,
        "http://dash.example",
        "application/json",
        json!({ "query": "{ stats { articles } }" }),
    )
    .await;
    assert_eq!(allow, None, "a page on another origin cannot read");
    // GraphiQL, served by the server itself, sends its own origin.
    let own = app.address.clone();
    let (status, _, v) =
        from_origin(&app, &own, "application/json", json!({ "query": WRITE })).await;
    assert_eq!(status, 200);
    assert!(v["data"]["ingestArticle"]["id"].is_string(), "{v}");
}

#[actix_web::test]
async fn a_listed_origin_reads_and_writes_and_others_are_refused() {
    let app = spawn_app_with(|s| {
        s.cors_origins = vec!["http://dash.example".into()];
        s.api_token = Some("s3cret-token".into());
    })
    .await;
    assert_eq!(
        preflight(&app, "http://dash.example").await,
        (200, Some("http://dash.example".into()))
    );
    assert_eq!(preflight(&app, "http://evil.example").await.1, None);
    let (status, allow, v) = from_origin(
        &app,
        "http://dash.example",
        "application/json",
        json!({ "query": "{ stats { articles } }" }),
    )
    .await;
    assert_eq!(
        (status, allow.as_deref()),
        (200, Some("http://dash.example"))
    );
    assert_eq!(v["data"]["stats"]["articles"], 2);
    // Without the token, the listed origin cannot write either.
    let (_, _, v) = from_origin(
        &app,
        "http://dash.example",
        "application/json",
        json!({ "query": WRITE }),
    )
    .await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{v}"
    );
}

#[actix_web::test]
async fn a_wildcard_lets_any_origin_read_but_not_write() {
    let app = spawn_app_with(|s| s.cors_origins = vec!["*".into()]).await;
    let (status, allow, v) = from_origin(
        &app,
        "http://anyone.example",
        "application/json",
        json!({ "query": "{ stats { articles } }" }),
    )
    .await;
    assert_eq!((status, allow.is_some()), (200, true));
    assert_eq!(v["data"]["stats"]["articles"], 2);
    let (status, _, v) = from_origin(
        &app,
        "http://anyone.example",
        "application/json",
        json!({ "query": WRITE }),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(v["errors"][0]["extensions"]["code"], "FORBIDDEN", "{v}");
    let (_, stats) = post(&app, None, json!({"query": "{ stats { articles } }"})).await;
    assert_eq!(stats["data"]["stats"]["articles"], 2, "nothing was written");
}

const CROSS_CHECK: &str =
    "query($t: String!) { crossCheck(text: $t, first: 5) { score similarity claim { text } } }";

#[actix_web::test]
async fn an_aliased_cross_check_bomb_is_refused_with_its_code_before_any_work() {
    let app = spawn_app().await;
    let aliases: String = (0..200)
        .map(|i| format!("c{i}: crossCheck(text: \"the truce holds {i}\") {{ score }} "))
        .collect();
    let (status, v) = post(&app, None, json!({"query": format!("{{ {aliases} }}")})).await;
    assert_eq!(status, 200);
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{v}"
    );
    assert!(v["data"].is_null(), "nothing ran: {v}");
    // A handful of the same is an ordinary request.
    let few: String = (0..3)
        .map(|i| format!("c{i}: crossCheck(text: \"the truce holds {i}\") {{ score }} "))
        .collect();
    let (_, v) = post(&app, None, json!({"query": format!("{{ {few} }}")})).await;
    assert!(v.get("errors").is_none(), "{v}");
    assert!(v["data"]["c2"].is_array());
}

#[actix_web::test]
async fn a_page_costs_its_size_so_nested_pages_of_a_hundred_are_refused() {
    let app = spawn_app().await;
    let nested = |n: u32| {
        format!("{{ claims(first: {n}) {{ edges {{ node {{ speakers {{ claims(first: {n}) {{ edges {{ node {{ text article {{ title body }} }} }} }} }} }} }} }} }}")
    };
    let (_, v) = post(&app, None, json!({"query": nested(100)})).await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
        "{v}"
    );
    let (_, v) = post(&app, None, json!({"query": nested(5)})).await;
    assert!(v.get("errors").is_none(), "{v}");
}

#[actix_web::test]
async fn the_operations_of_one_batched_request_share_its_budget() {
    let app = spawn_app_with(|s| s.request_budget = 6_000).await;
    let op = |t: &str| json!({"query": CROSS_CHECK, "variables": {"t": t}});
    let (status, v) = post(
        &app,
        None,
        json!([op("a ceasefire"), op("a truce"), op("the offensive")]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(v[0].get("errors").is_none(), "{v}");
    assert!(v[1].get("errors").is_none(), "{v}");
    assert_eq!(v[2]["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    assert_eq!(v[2]["errors"][0]["extensions"]["limit"], "budget");
}

#[actix_web::test]
async fn a_client_over_its_rate_is_told_when_to_retry_and_the_token_holder_is_not_limited() {
    let app = spawn_app_with(|s| {
        s.rate_limit = 100;
        s.rate_burst = 4_000;
        s.request_budget = 4_000;
        s.api_token = Some("sesame".into());
    })
    .await;
    let op = |t: &str| json!({"query": CROSS_CHECK, "variables": {"t": t}});
    let (status, v) = post(&app, None, op("a ceasefire")).await;
    assert_eq!(status, 200, "{v}");
    let mut resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .send_json(&op("a truce"))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let wait: u64 = resp
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "RATE_LIMITED", "{v}");
    // Cheap reads go on, and so does a client with the token.
    let (status, _) = post(&app, None, json!({"query": "{ stats { claims } }"})).await;
    assert_eq!(status, 200);
    let (status, v) = post(&app, Some("Bearer sesame"), op("a truce")).await;
    assert_eq!(status, 200, "{v}");
    assert!(v.get("errors").is_none(), "{v}");
}
