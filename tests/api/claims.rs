use crate::helpers::spawn_app;
use serde_json::{json, Value};
use std::collections::HashSet;

fn find<'a>(claims: &'a [Value], fragment: &str) -> &'a Value {
    claims
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains(fragment))
        .unwrap_or_else(|| panic!("no claim contains {fragment:?}"))
}

fn speaker_names(c: &Value) -> Vec<String> {
    c["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn seed_quotes_are_attributed_to_the_people_who_said_them() {
    let app = spawn_app().await;
    let claims = app.all_claims(100, "text kind speakers { name }").await;
    let cases = [
        ("he feared a massacre", vec!["Reccep Tayyip Erdogan"]), // "The Turkish leader said"
        (
            "no representatives of the armed opposition",
            vec!["Vladimir Putin"],
        ), // quote over two paragraphs
        (
            "Whatever reason there is an attack",
            vec!["Reccep Tayyip Erdogan"],
        ), // "he said"
        (
            "Millions will be coming to Turkey",
            vec!["Reccep Tayyip Erdogan"],
        ), // continuation paragraph
        (
            "The fight against terrorism in Idlib",
            vec!["Hassan Rouhani"],
        ),
        (
            "This would apply in particular for Al-Nusra",
            vec!["Staffan de Mistura"],
        ),
        (
            "There is no doubt that an all-out military operation",
            vec!["Feridun Sinirlioglu"],
        ),
        ("The world will hold them responsible", vec!["Nikki Haley"]), // "she added"
        ("We cannot allow terrorists", vec!["Vassily Nebenzia"]),
        ("Turkey's call for a ceasefire", vec!["Russia", "Iran"]),
        // "the three men agreed on ...": a group resolved to its members.
        (
            "the need to eliminate",
            vec!["Reccep Tayyip Erdogan", "Vladimir Putin", "Hassan Rouhani"],
        ),
        // "Britain and France backed the call ..., recalling that ...".
        ("de-escalation zone", vec!["United Kingdom", "France"]),
    ];
    for (fragment, expected) in cases {
        let c = find(&claims, fragment);
        assert_eq!(speaker_names(c), expected, "speakers of {fragment:?}");
    }
}

#[actix_web::test]
async fn spans_point_at_the_exact_text_of_the_article_body() {
    let app = spawn_app().await;
    let d = app
        .data("{ claims(first: 100) { edges { node { text cue spans { content { start end text } cue { start end text } speakerMention { start end text } } article { body } } } } }", json!({}))
        .await;
    for e in d["claims"]["edges"].as_array().unwrap() {
        let n = &e["node"];
        let body: Vec<char> = n["article"]["body"].as_str().unwrap().chars().collect();
        for key in ["content", "cue", "speakerMention"] {
            let s = &n["spans"][key];
            if s.is_null() {
                continue;
            }
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            let slice: String = body[a..b].iter().collect();
            assert_eq!(slice, s["text"].as_str().unwrap());
        }
        if !n["cue"].is_null() {
            assert_eq!(n["cue"], n["spans"]["cue"]["text"]);
        }
    }
}

#[actix_web::test]
async fn a_claim_leads_to_its_article_and_back() {
    let app = spawn_app().await;
    let d = app
        .data(
            "{ claims(first: 5) { edges { node { id article { id claims { id } } } } } }",
            json!({}),
        )
        .await;
    for e in d["claims"]["edges"].as_array().unwrap() {
        let id = &e["node"]["id"];
        let siblings: Vec<&Value> = e["node"]["article"]["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["id"])
            .collect();
        assert!(
            siblings.contains(&id),
            "claim {id} is among its article's claims"
        );
        let again = app
            .data(
                "query($id: ID!) { claim(id: $id) { id article { id } } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(again["claim"]["article"]["id"], e["node"]["article"]["id"]);
    }
}

#[actix_web::test]
async fn pagination_visits_every_claim_once_in_order() {
    let app = spawn_app().await;
    let total = app.data("{ claims { totalCount } }", json!({})).await["claims"]["totalCount"]
        .as_u64()
        .unwrap();
    for page in [1, 3, 7, 100] {
        let ids: Vec<String> = app
            .all_claims(page, "id")
            .await
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids.len() as u64, total, "page size {page}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            ids.len(),
            "no claim twice"
        );
    }
}

#[actix_web::test]
async fn claims_can_be_filtered_by_kind_speaker_and_text() {
    let app = spawn_app().await;
    let d = app.data("{ claims(first: 100, filter: {kind: DIRECT_QUOTE}) { totalCount edges { node { kind } } } }", json!({})).await;
    assert!(d["claims"]["totalCount"].as_u64().unwrap() >= 5);
    assert!(d["claims"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["node"]["kind"] == "DIRECT_QUOTE"));
    let d = app
        .data(
            "{ claims(first: 100, filter: {search: \"CEASEFIRE\"}) { edges { node { text } } } }",
            json!({}),
        )
        .await;
    let edges = d["claims"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    assert!(edges.iter().all(|e| e["node"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("ceasefire")));
    let sp = app
        .data(
            "{ speakers(search: \"putin\") { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let id = sp["speakers"]["edges"][0]["node"]["id"].clone();
    let d = app.data("query($id: ID!) { claims(first: 100, filter: {speakerId: $id}) { totalCount edges { node { speakers { id } } } } }", json!({"id": id})).await;
    assert!(d["claims"]["totalCount"].as_u64().unwrap() >= 3);
    for e in d["claims"]["edges"].as_array().unwrap() {
        assert!(e["node"]["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id));
    }
}

#[actix_web::test]
async fn every_claim_explains_its_attribution() {
    let app = spawn_app().await;
    let claims = app
        .all_claims(
            100,
            "kind attribution { rule resolution confidence } speakers { id } checkWorthiness",
        )
        .await;
    for c in &claims {
        let conf = c["attribution"]["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&conf));
        assert!(!c["attribution"]["rule"].as_str().unwrap().is_empty());
        if !c["speakers"].as_array().unwrap().is_empty() && c["kind"] != "ASSERTION" {
            assert!(c["attribution"]["resolution"].is_string(), "{c}");
        }
        if c["kind"] == "ASSERTION" {
            let w = c["checkWorthiness"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&w));
        }
    }
}
