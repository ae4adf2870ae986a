use claimgraph::http::{Application, Settings};
use serde_json::{json, Value};
use std::path::Path;
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: awc::Client,
    /// Keeps the store's directory alive as long as the app.
    pub dir: TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary directory");
    spawn_app_in(dir, tweak).await
}

pub async fn spawn_app_in(dir: TempDir, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = settings_for(dir.path());
    tweak(&mut settings);
    // A store just released by a stopped app may take a moment to unlock.
    let mut tries = 0;
    let app = loop {
        match Application::build(settings.clone()).await {
            Ok(app) => break app,
            Err(e) if tries < 50 && e.to_string().contains("in use") => {
                tries += 1;
                actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("the app does not build: {e}"),
        }
    };
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: awc::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .finish(),
        dir,
    }
}

pub fn settings_for(dir: &Path) -> Settings {
    Settings {
        addr: "127.0.0.1:0".into(),
        data_dir: Some(dir.to_path_buf()),
        workers: Some(1),
        ..Settings::default()
    }
}

impl TestApp {
    /// POST a GraphQL operation; returns the whole response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let mut resp = self
            .client
            .post(format!("{}/graphql", self.address))
            .send_json(&json!({"query": query, "variables": variables}))
            .await
            .expect("the request is sent");
        assert!(resp.status().is_success(), "status {}", resp.status());
        resp.json::<Value>()
            .limit(64 * 1024 * 1024)
            .await
            .expect("a JSON body")
    }

    /// POST a GraphQL operation that must succeed; returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// The error code of an operation that must fail.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.graphql(query, variables).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {body}"))
            .to_string()
    }

    pub async fn ingest(&self, input: Value) -> Value {
        self.data("mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { id title claimCount } }", json!({ "input": input }))
            .await["ingestArticle"]
            .clone()
    }

    /// Every claim, following the pagination to the end.
    pub async fn all_claims(&self, page: i64, fields: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after = Value::Null;
        loop {
            let q = format!("query($first: Int, $after: String) {{ claims(first: $first, after: $after) {{ edges {{ cursor node {{ {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}");
            let d = self.data(&q, json!({"first": page, "after": after})).await;
            let conn = &d["claims"];
            out.extend(
                conn["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"].clone()),
            );
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                return out;
            }
            after = conn["pageInfo"]["endCursor"].clone();
        }
    }
}

/// Run the binary with `args`; it must succeed. Its stdout.
pub fn run_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Run the binary with `args`, feed it `input` on stdin; its stdout.
pub fn run_with_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("a stdin")
        .write_all(input.as_bytes())
        .expect("stdin is written");
    let out = child.wait_with_output().expect("the binary exits");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}
