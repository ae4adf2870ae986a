use crate::helpers::{settings_for, spawn_app, spawn_app_in};
use claimgraph::http::Application;
use serde_json::json;

#[actix_web::test]
async fn a_restart_keeps_everything_and_does_not_seed_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let (ids_before, stats_before) = {
        let settings = settings_for(&path);
        let app = Application::build(settings).await.unwrap();
        let store = app.store().clone();
        let created = app
            .app
            .ingest(claimgraph::app::ingest::parse_plain_text(
                "Extra story\n\nThe mayor said the park would reopen.",
            ))
            .unwrap();
        assert!(created.created);
        let stats = store.stats().unwrap();
        let ids: Vec<_> = store
            .list_claims(None, 1000, &Default::default())
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        drop(store);
        app.stop().await.unwrap();
        (ids, stats)
    };
    let app = spawn_app_in(dir, |_| {}).await;
    let d = app
        .data("{ stats { articles claims speakers } }", json!({}))
        .await;
    assert_eq!(
        d["stats"]["articles"].as_u64().unwrap(),
        stats_before.articles
    );
    assert_eq!(d["stats"]["claims"].as_u64().unwrap(), stats_before.claims);
    assert_eq!(
        d["stats"]["speakers"].as_u64().unwrap(),
        stats_before.speakers
    );
    let ids_after: Vec<String> = app
        .all_claims(100, "id")
        .await
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let ids_before: Vec<String> = ids_before.iter().map(|i| i.to_string()).collect();
    assert_eq!(ids_after, ids_before, "ids are stable across a restart");
}

#[actix_web::test]
async fn no_seed_starts_empty() {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    let d = app.data("{ stats { articles } }", json!({})).await;
    assert_eq!(d["stats"]["articles"], 0);
}

#[actix_web::test]
async fn the_cli_ingest_refuses_a_store_a_server_holds_and_says_why() {
    let app = spawn_app().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .args(["ingest", "--data-dir"])
        .arg(app.dir.path())
        .arg(env!("CARGO_MANIFEST_DIR").to_string() + "/seed")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked"), "{err}");
}

#[actix_web::test]
async fn the_cli_ingests_files_directories_and_json_lines_and_skips_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    std::fs::write(
        src.path().join("a.txt"),
        "Harbour plan approved\n\nThe council said the harbour plan was approved.",
    )
    .unwrap();
    std::fs::write(
        src.path().join("b.jsonl"),
        "{\"title\": \"One\", \"body\": \"The minister said taxes would fall.\", \"publisher\": \"Wire\"}\n{\"title\": 3}\n",
    )
    .unwrap();
    std::fs::write(src.path().join("c.txt"), b"bin\0ary").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimgraph"))
        .args(["ingest", "--data-dir"])
        .arg(dir.path().join("store"))
        .arg(src.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("ingested 2 new articles"), "{summary}");
    assert!(summary.contains("2 skipped"), "{summary}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.jsonl:2") && err.contains("c.txt"), "{err}");
    let _ = spawn_app;
}

#[actix_web::test]
async fn the_same_text_in_two_files_is_two_articles_linked_as_copies_and_ingesting_again_adds_nothing(
) {
    let dir = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let text = "Harbour plan approved\n\nThe council said the harbour plan would cost 40 million pounds and create 300 jobs.";
    std::fs::write(src.path().join("business-1.txt"), text).unwrap();
    std::fs::write(src.path().join("business-2.txt"), text).unwrap();
    let ingest = || {
        crate::helpers::run_ok(&[
            "ingest".as_ref(),
            "--data-dir".as_ref(),
            dir.path().as_os_str(),
            src.path().as_os_str(),
        ])
    };
    assert!(ingest().contains("ingested 2 new articles"));
    assert!(ingest().contains("ingested 0 new articles"));
    let app = crate::helpers::spawn_app_in(dir, |s| s.seed = false).await;
    let d = app
        .data(
            "{ stats { articles } articles { edges { node { id corroboratedBy { article { id } supporting independent } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["stats"]["articles"], 2);
    let first = &d["articles"]["edges"][0]["node"];
    let by = &first["corroboratedBy"][0];
    assert_eq!(by["article"]["id"], d["articles"]["edges"][1]["node"]["id"]);
    assert_eq!(by["independent"], false, "a copy is not independent: {by}");
}

#[actix_web::test]
async fn a_store_ingested_without_embeddings_is_embedded_by_reindex_and_a_server_then_finds_claims_by_meaning(
) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let seeds = env!("CARGO_MANIFEST_DIR").to_string() + "/seed";
    let out = crate::helpers::run_ok(&[
        "ingest".as_ref(),
        "--no-embed".as_ref(),
        "--data-dir".as_ref(),
        store.as_os_str(),
        seeds.as_ref(),
    ]);
    assert!(out.contains("ingested 2 new articles"), "{out}");
    let out =
        crate::helpers::run_ok(&["reindex".as_ref(), "--data-dir".as_ref(), store.as_os_str()]);
    assert!(out.contains("2 articles read"), "{out}");
    let embedded: u64 = out
        .split(", ")
        .find_map(|p| p.split_once(" claims embedded"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(embedded > 20, "{out}");
    let again =
        crate::helpers::run_ok(&["reindex".as_ref(), "--data-dir".as_ref(), store.as_os_str()]);
    assert!(again.contains("0 claims embedded"), "{again}");
    let verified =
        crate::helpers::run_ok(&["verify".as_ref(), "--data-dir".as_ref(), store.as_os_str()]);
    assert!(
        verified.contains(&format!("{embedded} claim embeddings")),
        "{verified}"
    );

    // The claims are found by meaning, as if ingested by this build.
    let app = spawn_app_in(dir, |s| {
        s.seed = false;
        s.data_dir = Some(store.clone());
    })
    .await;
    let d = app
        .data(
            "query($t: String!) { crossCheck(text: $t, first: 5, scope: CLAIMS) { semanticSimilarity claim { text } } }",
            json!({"t": "Tehran and Moscow turned down Ankara's demand for a truce"}),
        )
        .await;
    let claims = d["crossCheck"].as_array().unwrap();
    assert!(
        claims
            .iter()
            .any(|c| c["semanticSimilarity"].as_f64().unwrap_or(0.0) > 0.4),
        "{d}"
    );
    let all = app.all_claims(100, "corroborations { evidence }").await;
    assert!(
        all.iter()
            .flat_map(|c| c["corroborations"].as_array().unwrap())
            .any(|l| l["evidence"][0]
                .as_str()
                .unwrap()
                .starts_with("meaning: cosine")),
        "no link by meaning after reindex"
    );
}
