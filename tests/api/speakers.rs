use crate::helpers::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn the_same_person_is_one_speaker_across_both_seed_articles() {
    let app = spawn_app().await;
    let d = app.data("{ speakers(search: \"mistura\") { totalCount edges { node { name kind affiliation titles articles { id } } } } }", json!({})).await;
    assert_eq!(d["speakers"]["totalCount"], 1);
    let s = &d["speakers"]["edges"][0]["node"];
    assert_eq!(s["name"], "Staffan de Mistura");
    assert_eq!(s["kind"], "PERSON");
    assert_eq!(s["articles"].as_array().unwrap().len(), 2, "{s}");
}

#[actix_web::test]
async fn speakers_carry_kind_titles_aliases_and_affiliation() {
    let app = spawn_app().await;
    let d = app.data("{ speakers(first: 100) { edges { node { name kind aliases titles affiliation claims(first: 2) { totalCount edges { node { id } } } } } } }", json!({})).await;
    let all = d["speakers"]["edges"].as_array().unwrap();
    let get = |name: &str| {
        all.iter()
            .map(|e| &e["node"])
            .find(|n| n["name"] == name)
            .unwrap_or_else(|| panic!("no speaker {name}"))
    };
    let s = get("Feridun Sinirlioglu");
    assert_eq!(s["titles"], json!(["Ambassador"]));
    assert_eq!(s["affiliation"], "Turkey");
    let p = get("Vladimir Putin");
    assert_eq!(p["affiliation"], "Russia");
    assert!(p["aliases"]
        .as_array()
        .unwrap()
        .contains(&json!("Mr Putin")));
    assert!(p["claims"]["totalCount"].as_u64().unwrap() > 2);
    assert_eq!(p["claims"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(get("Russia")["kind"], "COUNTRY");
    assert_eq!(get("United Nations")["kind"], "ORGANIZATION");
}

#[actix_web::test]
async fn speaker_search_matches_the_start_of_any_name_word() {
    let app = spawn_app().await;
    let d = app
        .data(
            "{ speakers(search: \"rouh\") { totalCount edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["speakers"]["edges"][0]["node"]["name"], "Hassan Rouhani");
    let none = app
        .data("{ speakers(search: \"zzzz\") { totalCount } }", json!({}))
        .await;
    assert_eq!(none["speakers"]["totalCount"], 0);
}
