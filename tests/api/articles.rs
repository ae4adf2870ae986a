use crate::helpers::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn an_empty_store_is_seeded_with_the_two_seed_articles() {
    let app = spawn_app().await;
    let d = app.data("{ stats { articles claims speakers } articles(first: 10) { totalCount edges { node { id title body claimCount } } } }", json!({})).await;
    assert_eq!(d["stats"]["articles"], 2);
    assert_eq!(d["articles"]["totalCount"], 2);
    let titles: Vec<_> = d["articles"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].clone())
        .collect();
    assert!(titles.contains(&json!("Turkey at UN appeals for backing for Idlib truce")));
    // The first seed states no headline: none is invented.
    assert!(titles.contains(&json!(null)));
}

#[actix_web::test]
async fn the_seeds_give_at_least_twenty_claims_most_with_a_speaker() {
    let app = spawn_app().await;
    let claims = app.all_claims(50, "kind speakers { name }").await;
    let attributed = claims
        .iter()
        .filter(|c| c["kind"] != "ASSERTION")
        .collect::<Vec<_>>();
    let with_speaker = attributed
        .iter()
        .filter(|c| !c["speakers"].as_array().unwrap().is_empty())
        .count();
    assert!(
        attributed.len() >= 20,
        "only {} attributed claims",
        attributed.len()
    );
    assert!(
        with_speaker * 10 >= attributed.len() * 8,
        "{with_speaker} of {} have a speaker",
        attributed.len()
    );
}

#[actix_web::test]
async fn ingesting_the_same_body_twice_returns_the_same_article() {
    let app = spawn_app().await;
    let body =
        "The minister said the bridge would open in May.\n\n\"We are on schedule,\" she added.";
    let first = app
        .ingest(json!({"title": "Bridge", "body": body, "publisher": "Daily Test"}))
        .await;
    let again = app.ingest(json!({"title": "Bridge again", "body": format!("  {}\n", body.replace("\n\n", "\n \n"))})).await;
    assert_eq!(first["id"], again["id"]);
    assert_eq!(
        again["title"], "Bridge",
        "the stored article is returned, not a new one"
    );
    let d = app.data("{ stats { articles } }", json!({})).await;
    assert_eq!(d["stats"]["articles"], 3);
}

#[actix_web::test]
async fn an_ingested_article_has_its_claims_speakers_and_metadata() {
    let app = spawn_app().await;
    let a = app
        .ingest(json!({
            "title": "Port strike",
            "body": "Union leader Maria Lopez said the strike would continue until wages rose.\n\n\"We will not back down,\" Ms Lopez told reporters.",
            "url": "https://example.org/port-strike",
            "publisher": "Example News",
            "publishedAt": "2024-03-05"
        }))
        .await;
    let d = app
        .data(
            "query($id: ID!) { article(id: $id) { url publisher publishedAt claims { kind cue speakers { name kind } } speakers { name } } }",
            json!({"id": a["id"]}),
        )
        .await;
    let art = &d["article"];
    assert_eq!(art["publisher"], "Example News");
    assert_eq!(art["publishedAt"], "2024-03-05");
    let claims = art["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 2, "{claims:?}");
    for c in claims {
        assert_eq!(c["speakers"][0]["name"], "Maria Lopez", "{c}");
    }
    assert_eq!(art["speakers"], json!([{"name": "Maria Lopez"}]));
}

#[actix_web::test]
async fn a_missing_article_is_null() {
    let app = spawn_app().await;
    let d = app
        .data("{ article(id: \"art_ffff\") { id } }", json!({}))
        .await;
    assert_eq!(d["article"], json!(null));
}
