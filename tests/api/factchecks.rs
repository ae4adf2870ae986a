use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use serde_json::{json, Value};

/// The id and text of the first claim whose text contains `fragment`.
async fn claim_with(app: &TestApp, fragment: &str) -> (String, Value) {
    let d = app
        .data(
            "query($q: String) { claims(first: 100, filter: {search: $q}) { edges { node { id text speakers { id name } article { id url title } } } } }",
            json!({"q": fragment}),
        )
        .await;
    let node = d["claims"]["edges"][0]["node"].clone();
    assert!(node.is_object(), "no claim with {fragment:?}");
    (node["id"].as_str().unwrap().to_string(), node)
}

const REVIEW: &str = "mutation($id: ID!, $input: ReviewInput!) { reviewClaim(claimId: $id, input: $input) { id rating ratingValue bestRating worstRating url author claimReviewed claim { id } } }";

fn review_input(rating: &str) -> Value {
    json!({"rating": rating, "ratingValue": 2, "bestRating": 5, "worstRating": 1,
           "explanation": "The figure counts registered refugees only.",
           "url": format!("https://checker.example/{}", rating.to_lowercase().replace(' ', "-")),
           "author": "Checker Desk"})
}

#[actix_web::test]
async fn a_review_is_listed_on_its_claim_and_served_as_claim_review_json_ld() {
    let app = spawn_app().await;
    let (id, claim) = claim_with(&app, "Millions will be coming").await;
    let fc = app
        .data(
            REVIEW,
            json!({"id": id, "input": review_input("Mostly false")}),
        )
        .await["reviewClaim"]
        .clone();
    assert_eq!(fc["rating"], "Mostly false");
    assert_eq!(fc["claim"]["id"], id.as_str());
    assert!(fc["id"].as_str().unwrap().starts_with("fc_"));

    let d = app
        .data(
            "query($id: ID!) { claim(id: $id) { reviews { rating url author } claimReviews } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        d["claim"]["reviews"][0]["url"],
        "https://checker.example/mostly-false"
    );
    let ld = &d["claim"]["claimReviews"][0];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "ClaimReview");
    assert_eq!(ld["claimReviewed"], claim["text"]);
    assert_eq!(ld["reviewRating"]["alternateName"], "Mostly false");
    assert_eq!(ld["reviewRating"]["ratingValue"], 2.0);
    assert_eq!(ld["reviewRating"]["bestRating"], 5.0);
    assert_eq!(ld["author"]["name"], "Checker Desk");
    assert_eq!(ld["url"], "https://checker.example/mostly-false");
    assert!(ld["datePublished"].as_str().unwrap().len() == 10);
    // The claim's speaker is the item's author, its article the appearance.
    assert_eq!(ld["itemReviewed"]["@type"], "Claim");
    assert_eq!(
        ld["itemReviewed"]["author"]["name"],
        claim["speakers"][0]["name"]
    );
    assert_eq!(
        ld["itemReviewed"]["appearance"]["identifier"],
        claim["article"]["id"]
    );

    // The same document over plain HTTP.
    let mut resp = app
        .client
        .get(format!("{}/claims/{id}/claimreview.jsonld", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("application/ld+json"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(&body[0], ld);
    let mut missing = app
        .client
        .get(format!(
            "{}/claims/clm_ffff_0/claimreview.jsonld",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // Errors in the API's shape, with its codes.
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    let mut bad = app
        .client
        .get(format!(
            "{}/claims/not-an-id/claimreview.jsonld",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}

#[actix_web::test]
async fn a_speakers_track_record_counts_reviews_by_rating() {
    let app = spawn_app().await;
    let (id, claim) = claim_with(&app, "Millions will be coming").await;
    let speaker = claim["speakers"][0]["id"].as_str().unwrap().to_string();
    let q = "query($id: ID!) { speaker(id: $id) { trackRecord { claims reviewed ratings { rating count } corroborated contradicted } } }";
    let before = app.data(q, json!({"id": speaker})).await["speaker"]["trackRecord"].clone();
    assert_eq!(before["reviewed"], 0);
    assert!(before["claims"].as_u64().unwrap() >= 1);
    app.data(REVIEW, json!({"id": id, "input": review_input("False")}))
        .await;
    let mut second = review_input("False");
    second["url"] = json!("https://other-checker.example/1");
    app.data(REVIEW, json!({"id": id, "input": second})).await;
    let after = app.data(q, json!({"id": speaker})).await["speaker"]["trackRecord"].clone();
    assert_eq!(after["reviewed"], 1);
    assert_eq!(after["ratings"], json!([{"rating": "False", "count": 2}]));
    assert_eq!(after["claims"], before["claims"]);
}

const IMPORT: &str = "mutation($doc: JSON!) { importClaimReviews(claimReviews: $doc) { created existing links factChecks { id url matches { score stance claim { id text } } } } }";

fn ceasefire_review() -> Value {
    json!({"@context": "https://schema.org", "@type": "ClaimReview",
           "url": "https://checker.example/ceasefire",
           "claimReviewed": "Russia and Iran rejected a call by Turkey for a truce in Idlib",
           "author": {"@type": "Organization", "name": "Checker Desk"},
           "reviewRating": {"@type": "Rating", "alternateName": "True", "ratingValue": 5, "bestRating": 5, "worstRating": 1}})
}

#[actix_web::test]
async fn imported_claim_reviews_are_linked_to_the_stored_claims_they_match() {
    let app = spawn_app().await;
    let r =
        app.data(IMPORT, json!({"doc": [ceasefire_review()]})).await["importClaimReviews"].clone();
    assert_eq!(r["created"], 1);
    assert!(r["links"].as_u64().unwrap() >= 1, "{r}");
    let matched: Vec<&str> = r["factChecks"][0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["claim"]["text"].as_str().unwrap())
        .collect();
    assert!(
        matched
            .iter()
            .any(|t| t.contains("ceasefire") || t.contains("truce")),
        "{matched:?}"
    );
    // Visible from the claim's side too.
    let (id, _) = claim_with(&app, "Turkey's call for a ceasefire").await;
    let d = app
        .data("query($id: ID!) { claim(id: $id) { factChecks { stance score factCheck { url rating } } } }", json!({"id": id}))
        .await;
    assert_eq!(
        d["claim"]["factChecks"][0]["factCheck"]["url"],
        "https://checker.example/ceasefire"
    );
    assert_eq!(d["claim"]["factChecks"][0]["factCheck"]["rating"], "True");
    // Importing the same fact-check again stores nothing new.
    let again = app
        .data(IMPORT, json!({"doc": {"@graph": [ceasefire_review()]}}))
        .await["importClaimReviews"]
        .clone();
    assert_eq!(again["created"], 0);
    assert_eq!(again["existing"], 1);
    let n = app.data("{ stats { factChecks } }", json!({})).await;
    assert_eq!(n["stats"]["factChecks"], 1);
}

#[actix_web::test]
async fn an_article_stored_after_a_fact_check_is_linked_to_it() {
    let app = spawn_app_with(|s| s.seed = false).await;
    app.data(
        IMPORT,
        json!({"doc": {"@type": "DataFeed", "dataFeedElement": [{"item": [{
        "@type": "ClaimReview", "url": "https://checker.example/bridge",
        "claimReviewed": "The new Tyne bridge will open to traffic in May",
        "reviewRating": {"alternateName": "Mostly true"}}]}]}}),
    )
    .await;
    app.ingest(json!({"body": "The council said the new Tyne bridge would open to traffic in May, after two years of delays.", "publisher": "The Chronicle"}))
        .await;
    let d = app
        .data("{ claims(first: 10) { edges { node { text factChecks { stance factCheck { url } } } } } }", json!({}))
        .await;
    let linked = d["claims"]["edges"].as_array().unwrap().iter().any(|e| {
        e["node"]["factChecks"][0]["factCheck"]["url"] == "https://checker.example/bridge"
    });
    assert!(linked, "{d}");
}

#[actix_web::test]
async fn cross_check_ranks_the_fact_check_a_text_is_about_first() {
    let app = spawn_app().await;
    let reviews = json!([
        ceasefire_review(),
        {"@type": "ClaimReview", "url": "https://checker.example/refugees",
         "claimReviewed": "Turkey hosts 3.5 million Syrian refugees",
         "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "url": "https://checker.example/moon",
         "claimReviewed": "The moon landing was filmed in a studio",
         "reviewRating": {"alternateName": "False"}}
    ]);
    app.data(IMPORT, json!({"doc": reviews})).await;
    let q = "query($t: String!, $s: CrossCheckScope) { crossCheck(text: $t, first: 5, scope: $s) { score similarity stance evidence factCheck { url } claim { id text } } }";
    let d = app
        .data(q, json!({"t": "Viral post: Turkey is hosting some 3.5 million refugees from Syria", "s": "FACT_CHECKS"}))
        .await;
    let hits = d["crossCheck"].as_array().unwrap();
    assert_eq!(
        hits[0]["factCheck"]["url"], "https://checker.example/refugees",
        "{d}"
    );
    let s0 = hits[0]["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&s0));
    assert!(hits
        .windows(2)
        .all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()));
    assert!(hits.iter().all(|h| h["claim"].is_null()));
    // Against stored claims: the seeds' ceasefire claims come back.
    let d = app
        .data(
            q,
            json!({"t": "Iran and Russia rejected Turkey's call for a ceasefire", "s": "CLAIMS"}),
        )
        .await;
    let top = &d["crossCheck"][0];
    assert!(
        top["claim"]["text"].as_str().unwrap().contains("ceasefire"),
        "{d}"
    );
    assert!(top["factCheck"].is_null());
    assert_eq!(top["stance"], "SUPPORTS");
    assert!(top["similarity"].as_f64().unwrap() >= 0.5, "{top}");
    // Text that shares nothing finds nothing.
    let d = app.data(q, json!({"t": "zzzz qqqq", "s": null})).await;
    assert_eq!(d["crossCheck"], json!([]));
}

#[actix_web::test]
async fn bad_fact_check_input_gets_coded_errors() {
    let app = spawn_app().await;
    let (id, _) = claim_with(&app, "Millions will be coming").await;
    let mut bad = review_input("False");
    bad["ratingValue"] = json!(9);
    assert_eq!(
        app.error_code(REVIEW, json!({"id": id, "input": bad}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(
            REVIEW,
            json!({"id": "clm_fff_0", "input": review_input("False")})
        )
        .await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.error_code(
            REVIEW,
            json!({"id": "nonsense", "input": review_input("False")})
        )
        .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(IMPORT, json!({"doc": {"hello": 1}})).await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(
            IMPORT,
            json!({"doc": [{"@type": "ClaimReview", "claimReviewed": "x", "url": "ftp://x"}]})
        )
        .await,
        "BAD_USER_INPUT"
    );
    let long = "word ".repeat(3_000);
    assert_eq!(
        app.error_code(
            "query($t: String!) { crossCheck(text: $t) { score } }",
            json!({"t": long})
        )
        .await,
        "BAD_USER_INPUT"
    );
    // Nothing half-written.
    let d = app.data("{ stats { factChecks } }", json!({})).await;
    assert_eq!(d["stats"]["factChecks"], 0);
}

#[actix_web::test]
async fn the_cli_imports_claim_reviews_and_cross_checks_lines_of_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reviews.jsonl");
    std::fs::write(
        &file,
        [
            json!({"@type": "ClaimReview", "url": "https://c.example/1", "claimReviewed": "Vaccines cause autism in children", "headline": "Do vaccines cause autism?"}),
            json!({"@type": "ClaimReview", "url": "https://c.example/2", "claimReviewed": "The Eiffel Tower will be demolished next year"}),
        ]
        .iter()
        .map(|v| v.to_string() + "\n")
        .collect::<String>(),
    )
    .unwrap();
    let store = dir.path().join("store");
    let out = crate::helpers::run_ok(&[
        "import-claimreviews".as_ref(),
        "--data-dir".as_ref(),
        store.as_os_str(),
        file.as_os_str(),
    ]);
    assert!(out.contains("imported 2 new fact-checks"));
    let text = crate::helpers::run_with_stdin(
        &[
            "cross-check".as_ref(),
            "--top".as_ref(),
            "1".as_ref(),
            "--data-dir".as_ref(),
            store.as_os_str(),
        ],
        "q1\tParis plans to demolish the Eiffel Tower\nq2\tmy child got autism from a vaccine\n",
    );
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(&lines[0][..3], ["q1", "https://c.example/2", "1"]);
    assert_eq!(&lines[1][..3], ["q2", "https://c.example/1", "1"]);
    assert!(lines[0][3].parse::<f64>().is_ok());
}

#[actix_web::test]
async fn cross_check_finds_a_fact_check_that_shares_no_words_with_the_text() {
    let app = spawn_app().await;
    let reviews = json!([
        {"@type": "ClaimReview", "url": "https://checker.example/moon",
         "claimReviewed": "The moon landing was filmed in a studio",
         "reviewRating": {"alternateName": "False"}},
        {"@type": "ClaimReview", "url": "https://checker.example/refugees",
         "claimReviewed": "Turkey hosts 3.5 million Syrian refugees",
         "reviewRating": {"alternateName": "True"}}
    ]);
    app.data(IMPORT, json!({"doc": reviews})).await;
    let q = "query($t: String!, $s: CrossCheckScope) { crossCheck(text: $t, first: 5, scope: $s) { score similarity semanticSimilarity factCheck { url } claim { id } } }";
    // Not one word in common: only the meaning leads to the fact-check.
    let d = app
        .data(
            q,
            json!({"t": "Apollo astronauts never went to space, it was staged by Hollywood", "s": "FACT_CHECKS"}),
        )
        .await;
    let top = &d["crossCheck"][0];
    assert_eq!(
        top["factCheck"]["url"], "https://checker.example/moon",
        "{d}"
    );
    let meaning = top["semanticSimilarity"].as_f64().unwrap();
    assert!(meaning > 0.4, "{top}");
    assert!(top["similarity"].as_f64().unwrap() < meaning, "{top}");
    // The unrelated fact-check is not offered as a paraphrase.
    let urls: Vec<&Value> = d["crossCheck"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["factCheck"]["url"])
        .collect();
    assert!(
        !urls.contains(&&json!("https://checker.example/refugees")),
        "{d}"
    );
    // Stored claims are embedded at ingest: found by meaning too, with their cosine.
    let d = app
        .data(
            q,
            json!({"t": "Tehran and Moscow turned down Ankara's demand for a truce", "s": "CLAIMS"}),
        )
        .await;
    let top = &d["crossCheck"][0];
    assert!(top["claim"]["id"].is_string(), "{d}");
    assert!(top["semanticSimilarity"].as_f64().unwrap() > 0.4, "{d}");
}
