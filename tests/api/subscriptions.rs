//! Subscriptions over graphql-transport-ws at /graphql/ws.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use async_graphql::futures_util::{SinkExt, StreamExt};
use awc::ws::{Frame, Message};
use serde_json::{json, Value};
use std::time::Duration;

type Socket = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

/// Open a socket, complete the handshake and start one subscription.
async fn subscribe(app: &TestApp, query: &str, variables: Value) -> Socket {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let (resp, mut ws) = app
        .client
        .ws(url)
        .protocols(["graphql-transport-ws"])
        .connect()
        .await
        .expect("the websocket opens");
    assert_eq!(
        resp.headers().get("sec-websocket-protocol").unwrap(),
        "graphql-transport-ws"
    );
    send(&mut ws, json!({"type": "connection_init"})).await;
    assert_eq!(next(&mut ws).await["type"], "connection_ack");
    send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})).await;
    ws
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next protocol message, skipping pings; fails after a few seconds.
async fn next(ws: &mut Socket) -> Value {
    loop {
        let frame = actix_web::rt::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("a message before the timeout")
            .expect("the socket stays open")
            .unwrap();
        match frame {
            Frame::Text(t) => {
                let v: Value = serde_json::from_slice(&t).unwrap();
                if v["type"] == "ping" {
                    send(ws, json!({"type": "pong"})).await;
                    continue;
                }
                return v;
            }
            Frame::Ping(p) => ws.send(Message::Pong(p)).await.unwrap(),
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

#[actix_web::test]
async fn claim_added_streams_new_claims_filtered_by_speaker() {
    let app = spawn_app_with(|s| s.seed = false).await;
    let mut all = subscribe(
        &app,
        "subscription { claimAdded { text speakers { name } } }",
        json!({}),
    )
    .await;
    // Let the subscription register before the write.
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    app.ingest(json!({"body": "\"We will rebuild the harbour by spring,\" said Mayor Anna Kowalski on Monday."}))
        .await;
    let msg = next(&mut all).await;
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(msg["id"], "1");
    let claim = &msg["payload"]["data"]["claimAdded"];
    assert!(claim["text"]
        .as_str()
        .unwrap()
        .contains("rebuild the harbour"));
    assert_eq!(claim["speakers"][0]["name"], "Anna Kowalski");

    // Filtered by another speaker: the next claim by Kowalski is not sent, one by Novak is.
    let speakers = app
        .data(
            "{ speakers(first: 10) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let kowalski = speakers["speakers"]["edges"][0]["node"]["id"].clone();
    let mut only = subscribe(
        &app,
        "subscription($s: ID) { claimAdded(speakerId: $s) { text } }",
        json!({"s": kowalski}),
    )
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    app.ingest(json!({"body": "\"The budget is balanced,\" said Finance Minister Petr Novak."}))
        .await;
    app.ingest(json!({"body": "\"The harbour will reopen in April,\" Kowalski said later."}))
        .await;
    let msg = next(&mut only).await;
    assert!(
        msg["payload"]["data"]["claimAdded"]["text"]
            .as_str()
            .unwrap()
            .contains("reopen in April"),
        "{msg}"
    );
}

#[actix_web::test]
async fn corroboration_added_and_fact_check_matched_stream_new_links() {
    let app = spawn_app().await;
    let d = app
        .data("{ claims(first: 1, filter: {search: \"Turkey's call for a ceasefire\"}) { edges { node { id } } } }", json!({}))
        .await;
    let id = d["claims"]["edges"][0]["node"]["id"].clone();
    let mut links = subscribe(
        &app,
        "subscription($c: ID) { corroborationAdded(claimId: $c) { claim { id } corroboration { stance score claim { text } } } }",
        json!({"c": id}),
    )
    .await;
    let mut checks = subscribe(
        &app,
        "subscription { factCheckMatched { stance claim { id } factCheck { url } } }",
        json!({}),
    )
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    app.ingest(json!({"body": "Moscow and Tehran on Friday rejected Turkey's call for a ceasefire in Idlib province, a Kremlin spokesman said.", "publisher": "Wire"}))
        .await;
    let msg = next(&mut links).await;
    assert_eq!(msg["type"], "next", "{msg}");
    let ev = &msg["payload"]["data"]["corroborationAdded"];
    assert_eq!(ev["claim"]["id"], id);
    assert_eq!(ev["corroboration"]["stance"], "SUPPORTS");

    app.data(
        "mutation($doc: JSON!) { importClaimReviews(claimReviews: $doc) { created } }",
        json!({"doc": {"@type": "ClaimReview", "url": "https://checker.example/idlib",
                        "claimReviewed": "Russia and Iran rejected Turkey's call for a ceasefire in Idlib",
                        "reviewRating": {"alternateName": "True"}}}),
    )
    .await;
    let msg = next(&mut checks).await;
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(
        msg["payload"]["data"]["factCheckMatched"]["factCheck"]["url"],
        "https://checker.example/idlib"
    );
}

#[actix_web::test]
async fn a_bad_subscription_argument_gets_a_coded_error() {
    let app = spawn_app().await;
    let mut ws = subscribe(
        &app,
        "subscription { claimAdded(speakerId: \"nope\") { text } }",
        json!({}),
    )
    .await;
    let msg = next(&mut ws).await;
    // A resolver error arrives as a result carrying the error, then the stream completes.
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(
        msg["payload"]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(next(&mut ws).await["type"], "complete");
}
