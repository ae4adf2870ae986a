use crate::helpers::spawn_app;

#[actix_web::test]
async fn health_check_answers_200() {
    let app = spawn_app().await;
    let resp = app
        .client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[actix_web::test]
async fn a_browser_gets_graphiql_from_the_server_itself_opening_with_an_example_query() {
    let app = spawn_app().await;
    let mut resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .insert_header(("Accept", "text/html"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let csp = resp.headers().get("content-security-policy").unwrap();
    assert!(csp.to_str().unwrap().contains("default-src 'self'"));
    let page = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    assert!(page.contains("GraphiQL"));
    assert!(
        !page.contains("https://") && !page.contains("http://"),
        "nothing from elsewhere"
    );
    let assets: Vec<&str> = page
        .split("src=\"")
        .chain(page.split("href=\""))
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| s.starts_with("/graphiql/"))
        .collect();
    assert!(assets.len() >= 5, "{page}");
    let mut start = String::new();
    for a in &assets {
        let mut resp = app
            .client
            .get(format!("{}{a}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{a}");
        let cache = resp
            .headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(cache.contains("immutable"), "{a}: {cache}");
        let body = resp.body().limit(16 << 20).await.unwrap();
        if a.ends_with("claimgraph.js") {
            start = String::from_utf8(body.to_vec()).unwrap();
        }
    }
    assert!(
        start.contains("defaultQuery") && start.contains("query FirstLook"),
        "GraphiQL should open with the example query"
    );
}

#[actix_web::test]
async fn graphiql_can_be_switched_off() {
    let app = crate::helpers::spawn_app_with(|s| s.graphiql = false).await;
    let resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .insert_header(("Accept", "text/html"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

#[actix_web::test]
async fn a_query_can_be_sent_with_get() {
    let app = spawn_app().await;
    let mut resp = app
        .client
        .get(format!(
            "{}/graphql?query=%7Bstats%7Barticles%7D%7D",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["data"]["stats"]["articles"], 2);
}

#[actix_web::test]
async fn ready_answers_200_once_the_models_are_loaded_and_the_healthcheck_agrees() {
    let app = spawn_app().await;
    let mut status = 0;
    for _ in 0..600 {
        let resp = app
            .client
            .get(format!("{}/ready", app.address))
            .send()
            .await
            .unwrap();
        status = resp.status().as_u16();
        if status == 200 {
            break;
        }
        // Before that, 503 with the API's error shape.
        assert_eq!(status, 503);
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "ready within a minute");
    let addr = app.address.trim_start_matches("http://").to_string();
    let out = crate::helpers::run_ok(&["healthcheck", "--addr", &addr]);
    assert_eq!(out.trim(), "ready");
}

#[test]
fn the_healthcheck_fails_when_no_server_answers() {
    // A port just freed: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .args(["healthcheck", "--addr", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no server"));
}

#[actix_web::test]
async fn answers_are_gzipped_for_clients_that_ask() {
    let app = spawn_app().await;
    let query = serde_json::json!({"query": "{ claims(first: 50) { edges { node { text span { text } } } } }"});
    let plain = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("Accept-Encoding", "identity"))
        .send_json(&query)
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let gzipped = app
        .client
        .post(format!("{}/graphql", app.address))
        .insert_header(("Accept-Encoding", "gzip"))
        .no_decompress()
        .send_json(&query)
        .await
        .unwrap();
    assert_eq!(gzipped.headers().get("content-encoding").unwrap(), "gzip");
}

#[actix_web::test]
async fn every_answer_carries_a_request_id_and_a_clients_own_is_kept() {
    let app = spawn_app().await;
    let get = |id: Option<&'static str>| {
        let mut req = app.client.get(format!("{}/health", app.address));
        if let Some(id) = id {
            req = req.insert_header(("X-Request-Id", id));
        }
        req.send()
    };
    let a = get(None).await.unwrap();
    let b = get(None).await.unwrap();
    let id = |r: &awc::ClientResponse<_>| {
        r.headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (ia, ib) = (id(&a).unwrap(), id(&b).unwrap());
    assert!(!ia.is_empty() && ia != ib, "{ia} {ib}");
    let kept = get(Some("pipeline-42")).await.unwrap();
    assert_eq!(id(&kept).as_deref(), Some("pipeline-42"));
}
