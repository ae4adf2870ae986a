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
async fn a_browser_gets_graphiql_opening_with_an_example_query() {
    let app = spawn_app().await;
    let mut resp = app
        .client
        .get(format!("{}/graphql", app.address))
        .insert_header(("Accept", "text/html"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    assert!(body.contains("GraphiQL"));
    assert!(
        body.contains("defaultQuery"),
        "GraphiQL should open with an example query"
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
