//! In a real browser: headless Chromium (Debian's `chromium`), driven over
//! the DevTools protocol, with every host but this machine's loopback sent
//! to a dead proxy, so the network is off. Skipped where Chromium is not
//! installed, unless `CLAIMGRAPH_REQUIRE_CHROMIUM` is set (CI sets it).

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use async_graphql::futures_util::{SinkExt, StreamExt};
use awc::ws::{Frame, Message};
use serde_json::{json, Value};
use std::time::Duration;

type Socket = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

struct Browser {
    child: std::process::Child,
    ws: Socket,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CLAIMGRAPH_REQUIRE_CHROMIUM").is_none(),
        "CLAIMGRAPH_REQUIRE_CHROMIUM is set but there is no Chromium at {}",
        path.display()
    );
    eprintln!(
        "skipped: no Chromium at {} (apt-get install chromium)",
        path.display()
    );
    None
}

impl Browser {
    /// Chromium on an empty page, or `None` when it is not installed.
    async fn launch() -> Option<Browser> {
        let exe = chromium()?;
        let profile = tempfile::tempdir().unwrap();
        let child = std::process::Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                // Offline: anything not on loopback goes to a port nobody
                // listens on, and no name resolves.
                "--proxy-server=127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Chromium starts");
        // It writes the port it chose into the profile.
        let port_file = profile.path().join("DevToolsActivePort");
        let mut port = None;
        for _ in 0..300 {
            if let Ok(s) = std::fs::read_to_string(&port_file) {
                if let Some(p) = s.lines().next().and_then(|l| l.trim().parse::<u16>().ok()) {
                    port = Some(p);
                    break;
                }
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let port = port.expect("Chromium opens its DevTools port");
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish();
        let targets: Value = client
            .get(format!("http://127.0.0.1:{port}/json/list"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let (_, ws) = client
            .ws(page["webSocketDebuggerUrl"].as_str().unwrap())
            .max_frame_size(64 << 20)
            .connect()
            .await
            .expect("the DevTools socket opens");
        Some(Browser {
            child,
            ws,
            next_id: 0,
            _profile: profile,
        })
    }

    /// One DevTools command; its result (events in between are skipped).
    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"id": id, "method": method, "params": params});
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap();
        loop {
            let frame = actix_web::rt::time::timeout(Duration::from_secs(60), self.ws.next())
                .await
                .expect("DevTools answers")
                .expect("the socket stays open")
                .unwrap();
            let Frame::Text(t) = frame else { continue };
            let v: Value = serde_json::from_slice(&t).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    async fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        self.until("document.readyState === 'complete'", "the page loads")
            .await;
    }

    /// The value of a JavaScript expression (promises awaited).
    async fn eval(&mut self, expr: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expr, "awaitPromise": true, "returnByValue": true}),
            )
            .await;
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Wait until `expr` is true; fail after 30 s.
    async fn until(&mut self, expr: &str, what: &str) {
        for _ in 0..300 {
            if self.eval(expr).await == json!(true) {
                return;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting until {what} ({expr})");
    }
}

/// The text in GraphiQL's response pane.
const RESPONSE: &str = "(document.querySelector('.result-window .CodeMirror') || {CodeMirror: {getValue: () => ''}}).CodeMirror.getValue()";

#[actix_web::test]
async fn graphiql_works_offline_and_runs_the_first_query_and_a_subscription() {
    let Some(mut b) = Browser::launch().await else {
        return;
    };
    let app = spawn_app().await;
    b.goto(&format!("{}/graphql", app.address)).await;
    b.until(
        "!!document.querySelector('.graphiql-execute-button')",
        "GraphiQL renders",
    )
    .await;
    let query = b
        .eval("document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()")
        .await;
    assert!(
        query.as_str().unwrap().contains("query FirstLook"),
        "opens on schema/queries/first.graphql: {query}"
    );
    b.eval("document.querySelector('.graphiql-execute-button').click()")
        .await;
    b.until(&format!("{RESPONSE}.includes('totalCount')"), "the answer")
        .await;
    let answer: Value = serde_json::from_str(b.eval(RESPONSE).await.as_str().unwrap()).unwrap();
    assert_eq!(answer["data"]["stats"]["articles"], 2, "{answer}");
    assert!(!answer["data"]["claims"]["edges"]
        .as_array()
        .unwrap()
        .is_empty());

    // Everything the page loaded came from the server itself.
    let loaded = b
        .eval("performance.getEntriesByType('resource').map(e => e.name)")
        .await;
    let loaded = loaded.as_array().unwrap();
    assert!(loaded.len() >= 5, "{loaded:?}");
    for url in loaded {
        assert!(url.as_str().unwrap().starts_with(&app.address), "{url}");
    }

    // A subscription over the page's websocket sees an article ingested now.
    b.eval("document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('subscription Watch { claimAdded { text } }')").await;
    // GraphiQL reads the operation's name from the editor after a pause.
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    b.eval("document.querySelector('.graphiql-execute-button').click()")
        .await;
    let mut subscribed = false;
    for _ in 0..300 {
        let m = crate::metrics::scrape(&app).await;
        if crate::metrics::sample(&m, "claimgraph_subscription_clients ").unwrap_or(0.0) >= 1.0 {
            subscribed = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        subscribed,
        "the page subscribes: {}",
        b.eval(RESPONSE).await
    );
    app.ingest(json!({"title": "Budget", "body": "\"We will balance the books by 2030,\" the finance minister said on Monday."}))
        .await;
    b.until(
        &format!("{RESPONSE}.includes('balance the books')"),
        "the subscription's event",
    )
    .await;
}

async fn fetch(b: &mut Browser, api: &TestApp, token: Option<&str>, query: &str) -> Value {
    let auth = token.map_or(String::new(), |t| {
        format!(", 'Authorization': 'Bearer {t}'")
    });
    let expr = format!(
        "fetch('{}/graphql', {{method: 'POST', headers: {{'Content-Type': 'application/json'{auth}}}, body: JSON.stringify({{query: {}}})}})
           .then(r => r.json()).catch(e => ({{failed: String(e)}}))",
        api.address,
        serde_json::to_string(query).unwrap()
    );
    b.eval(&expr).await
}

#[actix_web::test]
async fn a_page_on_a_listed_origin_reads_the_api_but_cannot_write_without_the_token() {
    let Some(mut b) = Browser::launch().await else {
        return;
    };
    // The dashboard: another server, so another origin.
    let dashboard = spawn_app_with(|s| s.seed = false).await;
    let api = spawn_app_with(|s| {
        s.cors_origins = vec![dashboard.address.clone()];
        s.api_token = Some("sesame".into());
    })
    .await;
    b.goto(&format!("{}/health", dashboard.address)).await;
    let read = fetch(&mut b, &api, None, "{ stats { articles } }").await;
    assert_eq!(read["data"]["stats"]["articles"], 2, "{read}");
    let write = "mutation { ingestArticle(input: {body: \"Prices rose 3 percent, the office said.\"}) { id } }";
    let refused = fetch(&mut b, &api, None, write).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let written = fetch(&mut b, &api, Some("sesame"), write).await;
    assert!(
        written["data"]["ingestArticle"]["id"].is_string(),
        "{written}"
    );

    // The same page from an origin not listed cannot even read.
    let unlisted = dashboard.address.replace("127.0.0.1", "localhost");
    b.goto(&format!("{unlisted}/health")).await;
    let blocked = fetch(&mut b, &api, None, "{ stats { articles } }").await;
    assert!(blocked["failed"].is_string(), "CORS blocks it: {blocked}");
}
