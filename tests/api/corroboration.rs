use crate::helpers::spawn_app;
use serde_json::{json, Value};

const CLAIMS: &str = "{ claims(first: 100) { edges { node { id text corroborationCount contradictionCount corroborations { score stance evidence independent claim { id text article { id } } } article { id } } } } }";

fn nodes(d: &Value) -> Vec<Value> {
    d["claims"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn find<'a>(nodes: &'a [Value], fragment: &str) -> &'a Value {
    nodes
        .iter()
        .find(|n| n["text"].as_str().unwrap().contains(fragment))
        .unwrap_or_else(|| panic!("no claim with {fragment:?}"))
}

#[actix_web::test]
async fn the_seed_articles_corroborate_each_other_on_the_call_for_a_ceasefire() {
    let app = spawn_app().await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let pushback = find(&all, "Erdogan's call for a truce");
    let rejected = find(&all, "Turkey's call for a ceasefire");
    let link = pushback["corroborations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["claim"]["id"] == rejected["id"])
        .unwrap_or_else(|| panic!("no link in {pushback}"));
    assert_eq!(link["stance"], "SUPPORTS");
    assert!(link["independent"].as_bool().unwrap());
    let evidence: Vec<&str> = link["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("truce") && e.contains("ceasefire")),
        "{evidence:?}"
    );
    // Both claims are embedded: the evidence says how close in meaning.
    assert!(evidence[0].starts_with("meaning: cosine "), "{evidence:?}");
    // Visible from both sides, and counted.
    assert!(rejected["corroborations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["claim"]["id"] == pushback["id"]));
    assert!(pushback["corroborationCount"].as_u64().unwrap() >= 1);
    assert_ne!(pushback["article"]["id"], rejected["article"]["id"]);
}

#[actix_web::test]
async fn an_article_lists_the_articles_that_corroborate_it() {
    let app = spawn_app().await;
    let d = app.data("{ articles { edges { node { id corroboratedBy { article { id } supporting contradicting independent } } } } }", json!({})).await;
    let arts = d["articles"]["edges"].as_array().unwrap();
    let (a, b) = (&arts[0]["node"], &arts[1]["node"]);
    assert_eq!(a["corroboratedBy"][0]["article"]["id"], b["id"]);
    assert_eq!(b["corroboratedBy"][0]["article"]["id"], a["id"]);
    assert!(a["corroboratedBy"][0]["supporting"].as_u64().unwrap() >= 1);
}

#[actix_web::test]
async fn a_different_number_for_the_same_event_is_a_contradiction() {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    app.ingest(json!({"body": "The war in the region has killed more than half a million people, the monitoring group said.", "publisher": "Paper A"})).await;
    app.ingest(json!({"body": "The war in the region has killed 200,000 people, the monitoring group said on Monday.", "publisher": "Paper B"})).await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let c = &find(&all, "half a million")["corroborations"][0];
    assert_eq!(c["stance"], "CONTRADICTS", "{c}");
    assert!(c["evidence"].as_array().unwrap().iter().any(|e| e
        .as_str()
        .unwrap()
        .starts_with("figures differ on the same matter")));
    assert_eq!(find(&all, "half a million")["contradictionCount"], 1);
}

#[actix_web::test]
async fn copies_and_same_publisher_links_are_not_independent_and_not_counted() {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    let body =
        "The finance minister said the budget deficit would fall to 3 percent of output next year.";
    app.ingest(json!({"body": body, "publisher": "Wire"})).await;
    app.ingest(json!({"title": "Deficit to fall", "body": format!("{body}\n\nShe spoke in the capital."), "publisher": "Other Paper"})).await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let first = all
        .iter()
        .find(|n| n["article"]["id"] == "art_1" && n["text"].as_str().unwrap().contains("deficit"))
        .unwrap();
    let link = &first["corroborations"][0];
    assert_eq!(link["stance"], "SUPPORTS");
    assert_eq!(
        link["independent"], false,
        "a copy of the same text: {link}"
    );
    assert_eq!(first["corroborationCount"], 0);
}

#[actix_web::test]
async fn a_text_republished_many_times_links_each_copy_to_the_oldest_two_not_to_every_other() {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    let body =
        "The finance minister said the budget deficit would fall to 3 percent of output next year.";
    let papers = ["Wire", "Daily", "Herald", "Courier", "Post"];
    for (i, p) in papers.iter().enumerate() {
        app.ingest(json!({"title": format!("Deficit, edition {i}"), "body": format!("{body}\n\nEdition {i} went to print at {} o'clock.", i + 1), "publisher": p})).await;
    }
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let copies: Vec<&Value> = all
        .iter()
        .filter(|n| n["text"].as_str().unwrap().contains("deficit"))
        .collect();
    assert_eq!(copies.len(), papers.len());
    let linked_to = |n: &Value| -> Vec<String> {
        n["corroborations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["claim"]["article"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    // Every copy reaches the original; the newest links to the two oldest
    // (both ways), not to all four before it.
    let newest = copies
        .iter()
        .find(|n| n["article"]["id"] == "art_5")
        .unwrap();
    let mut to = linked_to(newest);
    to.sort();
    assert_eq!(to, ["art_1", "art_2"], "{newest}");
    let original = copies
        .iter()
        .find(|n| n["article"]["id"] == "art_1")
        .unwrap();
    assert_eq!(linked_to(original).len(), papers.len() - 1, "{original}");
    for c in &copies {
        assert_eq!(
            c["corroborationCount"], 0,
            "copies are not independent: {c}"
        );
    }
}

#[actix_web::test]
async fn corroborations_filter_by_score_and_stance() {
    let app = spawn_app().await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let id = &find(&all, "Erdogan's call for a truce")["id"];
    let d = app
        .data("query($id: ID!) { claim(id: $id) { none: corroborations(minScore: 1.01) { score } contra: corroborations(stance: CONTRADICTS) { stance } one: corroborations(first: 1) { score } } }", json!({"id": id}))
        .await;
    assert_eq!(d["claim"]["none"], json!([]));
    assert!(d["claim"]["contra"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["stance"] == "CONTRADICTS"));
    assert_eq!(d["claim"]["one"].as_array().unwrap().len(), 1);
}

#[test]
fn the_similarity_command_scores_each_pair_on_its_own_line() {
    let out = crate::helpers::run_with_stdin(
        &["similarity"],
        "The bridge will open in May\tThe bridge will open in May\nShares fell sharply\tThe minister resigned\nThe war killed 500,000 people\tThe war killed 200,000 people\n",
    );
    let lines: Vec<String> = out.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3);
    let parse = |l: &str| {
        let (s, st) = l.split_once('\t').unwrap();
        (s.parse::<f64>().unwrap(), st.to_string())
    };
    assert_eq!(parse(&lines[0]), (1.0, "SUPPORTS".to_string()));
    assert_eq!(parse(&lines[1]).1, "NONE");
    assert!(parse(&lines[1]).0 < 0.3);
    assert_eq!(parse(&lines[2]).1, "CONTRADICTS");
    // With --explain, each line says how alike the two are in meaning.
    let out = crate::helpers::run_with_stdin(
        &["similarity", "--explain"],
        "The minister resigned on Friday after the scandal\tThe minister quit on Friday following the scandal\n",
    );
    assert!(
        out.contains("SUPPORTS\t") && out.contains("meaning: cosine 0."),
        "{out}"
    );
}

/// The link between two claims, seen from the first: (stance, score).
async fn link_between(app: &crate::helpers::TestApp, first: &str, second: &str) -> (Value, Value) {
    let all = app
        .all_claims(
            100,
            "text article { id } corroborations { claim { text } stance score }",
        )
        .await;
    let c = all
        .iter()
        .find(|n| n["text"].as_str().unwrap().contains(first))
        .unwrap_or_else(|| panic!("no claim with {first}"));
    let link = c["corroborations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["claim"]["text"].as_str().unwrap().contains(second))
        .unwrap_or_else(|| panic!("{first} is not linked to {second}: {c}"));
    (link["stance"].clone(), link["score"].clone())
}

#[actix_web::test]
async fn a_pair_links_in_a_crowded_store_exactly_as_in_an_empty_one() {
    let a = json!({"body": "The government said the budget plan would cut fuel subsidies for farmers in the northern provinces.", "publisher": "Paper A"});
    let b = json!({"body": "The government budget plan will cut fuel subsidies for farmers in the northern provinces, the finance ministry said.", "publisher": "Paper B"});
    let empty = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    empty.ingest(a.clone()).await;
    empty.ingest(b.clone()).await;
    let alone = link_between(&empty, "would cut fuel", "will cut fuel").await;
    assert_eq!(alone.0, "SUPPORTS", "{alone:?}");

    // More claims on every word the pair shares but two than a term's
    // postings are read: the first of the pair is found only if the
    // newest entries are read (or all), not the oldest.
    let crowded = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    for i in 0..260 {
        crowded.ingest(json!({"body": format!("The budget plan for district {i} would spend {} million dollars on fuel subsidies for farmers in the northern provinces.", i + 3), "publisher": format!("Filler {}", i % 7)})).await;
    }
    crowded.ingest(a).await;
    crowded.ingest(b).await;
    let among_many = link_between(&crowded, "would cut fuel", "will cut fuel").await;
    assert_eq!(among_many, alone);
}

#[actix_web::test]
async fn unnamed_figures_about_different_issuers_do_not_contradict_and_about_one_issuer_do() {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    let story = |issuer: &str, agency: &str, debt: &str| json!({"body": format!("{agency} said it downgraded the senior debt of {issuer} to BB-minus from BBB.\n\nAbout {debt} mln dlrs of debt is affected."), "publisher": agency});
    for (issuer, agency, debt) in [
        (
            "Heritage Communications Inc",
            "Standard and Poor's Corp",
            "400",
        ),
        (
            "Reichhold Chemicals Inc",
            "Moody's Investors Service Inc",
            "60",
        ),
    ] {
        app.ingest(story(issuer, agency, debt)).await;
    }
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let heritage = find(&all, "About 400 mln");
    assert_eq!(heritage["article"]["id"], "art_1");
    // Another company's debt: not the same matter.
    assert_eq!(heritage["contradictionCount"], 0, "{heritage}");
    assert!(
        heritage["corroborations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["stance"] != "CONTRADICTS"),
        "{heritage}"
    );
    // Another report on the same company's debt, with another figure: a contradiction.
    app.ingest(story(
        "Heritage Communications Inc",
        "Duff and Phelps Credit Rating Co",
        "60",
    ))
    .await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let heritage = find(&all, "About 400 mln");
    let c = heritage["corroborations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["claim"]["article"]["id"] == "art_3")
        .unwrap_or_else(|| panic!("no link to the second report: {heritage}"));
    assert_eq!(c["stance"], "CONTRADICTS", "{c}");
}

/// The link from claim `a` to the claim with text `b`, if any.
fn link(all: &[Value], a: &str, b: &str) -> Option<Value> {
    let b = find(all, b);
    find(all, a)["corroborations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["claim"]["id"] == b["id"])
        .cloned()
}

/// Whether claim `a` links to the claim with text `b` as a contradiction.
fn contradicts(all: &[Value], a: &str, b: &str) -> bool {
    link(all, a, b).is_some_and(|c| c["stance"] == "CONTRADICTS")
}

#[actix_web::test]
async fn what_two_companies_say_of_themselves_and_figures_for_tomorrow_in_undated_stories_do_not_contradict(
) {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    // Stories with a paragraph of their own each, so that none is a copy.
    let bank = |name: &str, amount: &str, more: &str, wire: &str| json!({"body": format!("{name} said it will add {amount} mln dlrs to its reserve to cover exposure for Latin American loans.\n\n{more}"), "publisher": wire});
    app.ingest(bank(
        "Manufacturers National Corp",
        "30.4",
        "The Detroit-based bank holding company said the addition will result in a second-quarter loss.",
        "Wire A",
    ))
    .await;
    app.ingest(bank(
        "Republic New York Corp",
        "100",
        "The New York bank said it still expects a profit for the year, after similar moves by Citicorp and Chase Manhattan.",
        "Wire B",
    ))
    .await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    // Each bank's own reserve: not one matter.
    assert!(!contradicts(&all, "30.4 mln", "100 mln"), "{all:?}");

    let sale = |amount: &str, more: &str, wire: &str, day: Option<&str>| json!({"body": format!("The Bank of Japan will sell tomorrow {amount} billion yen of financing bills it holds to help absorb a projected money market surplus, money traders said.\n\n{more}"), "publisher": wire, "publishedAt": day});
    app.ingest(sale(
        "500",
        "The yield on the bills will be 3.8 pct.",
        "Wire A",
        None,
    ))
    .await;
    app.ingest(sale(
        "1,200",
        "Of the total, 800 billion yen will mature in May and the rest in June.",
        "Wire B",
        None,
    ))
    .await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    // "Tomorrow" in two undated stories need not be one day.
    assert!(
        !contradicts(&all, "500 billion", "1,200 billion"),
        "{all:?}"
    );
    // Two stories of one day: one sale, two figures.
    app.ingest(sale(
        "700",
        "The yield on the bills will be 3.8 pct.",
        "Wire A",
        Some("1987-04-06"),
    ))
    .await;
    app.ingest(sale(
        "300",
        "Of the total, 200 billion yen will mature in May and the rest in June.",
        "Wire B",
        Some("1987-04-06"),
    ))
    .await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    assert!(contradicts(&all, "300 billion", "700 billion"), "{all:?}");
}

#[actix_web::test]
async fn two_companies_words_about_themselves_do_not_corroborate_each_other_and_two_reports_of_one_company_do(
) {
    let app = crate::helpers::spawn_app_with(|s| s.seed = false).await;
    let story = |lead: &str, more: &str, wire: &str| json!({"body": format!("{lead}\n\n{more}"), "publisher": wire});
    app.ingest(story(
        "Zehntel Inc said it filed a registration statement with the Securities and Exchange Commission covering a proposed public offering of two mln common shares.",
        "The company said proceeds will be used to repay bank debt and for working capital.",
        "Wire A",
    ))
    .await;
    app.ingest(story(
        "Larissa Industries Inc said it plans to register with the Securities and Exchange Commission in July to sell two mln common shares to the public.",
        "Larissa, a maker of sporting goods, said Drexel Burnham Lambert Inc will manage the offering.",
        "Wire B",
    ))
    .await;
    app.ingest(story(
        "Zehntel Inc said it has filed with the Securities and Exchange Commission to offer two mln common shares to the public.",
        "Zehntel makes automatic test equipment for printed circuit boards.",
        "Wire C",
    ))
    .await;
    let all = nodes(&app.data(CLAIMS, json!({})).await);
    let (zehntel, larissa, again) = (
        "it filed a registration statement",
        "it plans to register",
        "it has filed with",
    );
    // Each company's own offering: two matters, however alike the words.
    assert!(link(&all, larissa, zehntel).is_none(), "{all:?}");
    assert!(link(&all, again, larissa).is_none(), "{all:?}");
    // Two wires on one company's filing.
    let c = link(&all, again, zehntel)
        .unwrap_or_else(|| panic!("no link between the two reports of Zehntel's filing: {all:?}"));
    assert_eq!(c["stance"], "SUPPORTS", "{c}");
}
