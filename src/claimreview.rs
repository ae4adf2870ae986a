//! Fact-checks as the world writes them: schema.org ClaimReview JSON-LD read
//! from other fact-checkers' feeds and written for ours, and the checks a
//! fact-check passes before it is stored. Storing them is `app::fact_checks`.

use crate::domain::{
    Article, Claim, ClaimId, FactCheck, NewFactCheck, Rating, Speaker, SpeakerKind,
};
use crate::store::{Store, StoreError};
use serde_json::{json, Map, Value};

const MAX_TEXT_CHARS: usize = 10_000;
const MAX_FIELD_CHARS: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum FactCheckError {
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{0} was not found")]
    NotFound(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for FactCheckError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => FactCheckError::NotFound(what),
            e => FactCheckError::Store(e),
        }
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> FactCheckError {
    FactCheckError::Invalid {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// A review as a fact-checker records it on a stored claim.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput {
    pub rating: String,
    pub rating_value: Option<f64>,
    pub best_rating: Option<f64>,
    pub worst_rating: Option<f64>,
    pub explanation: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
}

fn clean_text(
    field: &str,
    v: Option<String>,
    max: usize,
) -> Result<Option<String>, FactCheckError> {
    let v = v
        .map(|s| crate::domain::normalise_whitespace(&s))
        .filter(|s| !s.is_empty());
    match v
        .as_deref()
        .and_then(|s| crate::domain::field_problem(s, max))
    {
        Some(reason) => Err(invalid(field, reason)),
        None => Ok(v),
    }
}

/// A date field: absent, or a real ISO 8601 date or date-time.
fn clean_date(field: &str, v: Option<String>) -> Result<Option<String>, FactCheckError> {
    let v = clean_text(field, v, 64)?;
    match &v {
        Some(d) if !crate::domain::is_iso_date(d) => Err(invalid(
            field,
            "must be a real ISO 8601 date or date-time, e.g. 2018-09-07 or 2018-09-07T12:00:00Z",
        )),
        _ => Ok(v),
    }
}

fn clean_url(field: &str, v: Option<String>) -> Result<Option<String>, FactCheckError> {
    let v = clean_text(field, v, MAX_FIELD_CHARS)?;
    if let Some(u) = &v {
        // Feeds in the wild carry sloppy links (unescaped spaces): kept verbatim.
        let ok = (u.starts_with("http://") || u.starts_with("https://")) && u.len() > 8;
        if !ok {
            return Err(invalid(field, "must be an absolute http(s) URL"));
        }
    }
    Ok(v)
}

/// Check and tidy a fact-check before it is stored.
pub fn validate(new: NewFactCheck) -> Result<NewFactCheck, FactCheckError> {
    let claim_reviewed = clean_text("claimReviewed", Some(new.claim_reviewed), MAX_TEXT_CHARS)?
        .ok_or_else(|| invalid("claimReviewed", "is empty"))?;
    let r = &new.rating;
    for (name, v) in [
        ("ratingValue", r.value),
        ("bestRating", r.best),
        ("worstRating", r.worst),
    ] {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(invalid(name, "must be a finite number"));
        }
    }
    if let (Some(best), Some(worst)) = (r.best, r.worst) {
        let (lo, hi) = (best.min(worst), best.max(worst));
        if let Some(v) = r.value {
            if v < lo || v > hi {
                return Err(invalid(
                    "ratingValue",
                    format!("{v} lies outside the scale {worst}..{best}"),
                ));
            }
        }
    }
    Ok(NewFactCheck {
        claim_reviewed,
        headline: clean_text("headline", new.headline, MAX_FIELD_CHARS)?,
        rating: Rating {
            name: clean_text("rating", new.rating.name, MAX_FIELD_CHARS)?,
            ..new.rating
        },
        explanation: clean_text("explanation", new.explanation, MAX_TEXT_CHARS)?,
        url: clean_url("url", new.url)?,
        author: clean_text("author", new.author, MAX_FIELD_CHARS)?,
        date_published: clean_date("datePublished", new.date_published)?,
        claimant: clean_text("claimant", new.claimant, MAX_FIELD_CHARS)?,
        appearance: clean_text("appearance", new.appearance, MAX_FIELD_CHARS)?,
        claim: new.claim,
    })
}

/// `YYYY-MM-DD` of a Unix time (UTC), by the civil-from-days algorithm.
pub fn iso_date(secs: u64) -> String {
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---- ClaimReview in ----

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => text_of(o.get("name")).or_else(|| text_of(o.get("url"))),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(|x| text_of(Some(x))).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

fn url_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => url_of(o.get("url")).or_else(|| url_of(o.get("@id"))),
        Value::Array(a) => a.iter().find_map(|x| url_of(Some(x))),
        _ => None,
    }
}

fn number_of(field: &str, v: Option<&Value>) -> Result<Option<f64>, FactCheckError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| invalid(field, format!("`{s}` is not a number"))),
        Some(_) => Err(invalid(field, "must be a number")),
    }
}

fn has_type(o: &Map<String, Value>, t: &str) -> bool {
    match o.get("@type") {
        Some(Value::String(s)) => s == t || s.ends_with(&format!("/{t}")),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    }
}

/// One schema.org ClaimReview object.
pub fn from_claim_review(o: &Map<String, Value>) -> Result<NewFactCheck, FactCheckError> {
    let item = o.get("itemReviewed").and_then(Value::as_object);
    let claim_reviewed = text_of(o.get("claimReviewed"))
        .or_else(|| item.and_then(|i| text_of(i.get("text").or(i.get("name")))))
        .ok_or_else(|| invalid("claimReviewed", "is missing"))?;
    let rating = o.get("reviewRating").and_then(Value::as_object);
    let r = |k: &str| rating.and_then(|r| r.get(k));
    Ok(NewFactCheck {
        claim_reviewed,
        headline: text_of(o.get("headline")).or_else(|| text_of(o.get("name"))),
        rating: Rating {
            name: text_of(r("alternateName")).or_else(|| text_of(r("name"))),
            value: number_of("ratingValue", r("ratingValue"))?,
            best: number_of("bestRating", r("bestRating"))?,
            worst: number_of("worstRating", r("worstRating"))?,
        },
        explanation: text_of(r("ratingExplanation"))
            .or_else(|| text_of(o.get("reviewBody")))
            .or_else(|| text_of(o.get("description"))),
        url: url_of(o.get("url")),
        author: text_of(o.get("author")),
        date_published: text_of(o.get("datePublished")),
        claimant: item.and_then(|i| text_of(i.get("author"))),
        appearance: item
            .and_then(|i| url_of(i.get("appearance")).or_else(|| url_of(i.get("firstAppearance")))),
        claim: None,
    })
}

/// One claim of Google's Fact Check Tools API (`text`, `claimant`,
/// `claimReview: [{publisher, url, title, textualRating, reviewDate}]`).
fn from_google_claim(o: &Map<String, Value>) -> Result<Vec<NewFactCheck>, FactCheckError> {
    let text = text_of(o.get("text")).ok_or_else(|| invalid("text", "is missing"))?;
    let reviews = o
        .get("claimReview")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    Ok(reviews
        .iter()
        .filter_map(Value::as_object)
        .map(|r| NewFactCheck {
            claim_reviewed: text.clone(),
            headline: text_of(r.get("title")),
            rating: Rating {
                name: text_of(r.get("textualRating")),
                ..Rating::default()
            },
            explanation: None,
            url: url_of(r.get("url")),
            author: text_of(r.get("publisher")),
            date_published: text_of(r.get("reviewDate")),
            claimant: text_of(o.get("claimant")),
            appearance: None,
            claim: None,
        })
        .collect())
}

/// Every fact-check in a JSON document: a ClaimReview, an array of them, a
/// JSON-LD `@graph`, a schema.org DataFeed (as DataCommons publishes), or a
/// Fact Check Tools response (`{"claims": [...]}`).
pub fn parse_claim_reviews(v: &Value) -> Result<Vec<NewFactCheck>, FactCheckError> {
    let mut out = Vec::new();
    collect(v, &mut out, 0)?;
    Ok(out)
}

fn collect(v: &Value, out: &mut Vec<NewFactCheck>, depth: usize) -> Result<(), FactCheckError> {
    if depth > 8 {
        return Err(invalid("document", "nested too deeply"));
    }
    match v {
        Value::Array(a) => {
            for x in a {
                collect(x, out, depth + 1)?;
            }
            Ok(())
        }
        Value::Object(o) if has_type(o, "ClaimReview") || o.contains_key("claimReviewed") => {
            out.push(from_claim_review(o)?);
            Ok(())
        }
        Value::Object(o) if o.contains_key("claimReview") && o.contains_key("text") => {
            out.extend(from_google_claim(o)?);
            Ok(())
        }
        Value::Object(o) => {
            let mut found = false;
            for key in ["@graph", "dataFeedElement", "item", "claims"] {
                if let Some(x) = o.get(key) {
                    found = true;
                    collect(x, out, depth + 1)?;
                }
            }
            if found {
                Ok(())
            } else {
                Err(invalid(
                    "document",
                    "holds no ClaimReview (expected @type ClaimReview with claimReviewed)",
                ))
            }
        }
        _ => Err(invalid("document", "must be a JSON object or array")),
    }
}

// ---- ClaimReview out ----

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn num(v: Option<f64>) -> Value {
    v.and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

fn drop_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(drop_nulls).collect()),
        v => v,
    }
}

/// A fact-check as schema.org ClaimReview JSON-LD. With the stored claim it
/// reviews, `itemReviewed` names the claim's speakers and source article.
pub fn claim_review_jsonld(
    fc: &FactCheck,
    claim: Option<&Claim>,
    speakers: &[Speaker],
    article: Option<&Article>,
) -> Value {
    let authors: Vec<Value> = if speakers.is_empty() {
        fc.claimant
            .iter()
            .map(|n| json!({"@type": "Person", "name": n}))
            .collect()
    } else {
        speakers
            .iter()
            .map(|s| {
                let t = match s.kind {
                    SpeakerKind::Person => "Person",
                    SpeakerKind::Country => "Country",
                    SpeakerKind::Organization | SpeakerKind::Group => "Organization",
                };
                json!({"@type": t, "name": s.name, "identifier": s.id.to_string()})
            })
            .collect()
    };
    let appearance = match article {
        Some(a) => json!({
            "@type": "NewsArticle",
            "identifier": a.id.to_string(),
            "url": opt(&a.url),
            "headline": opt(&a.title),
            "publisher": a.publisher.as_ref().map(|p| json!({"@type": "Organization", "name": p})),
            "datePublished": opt(&a.published_at),
        }),
        None => fc
            .appearance
            .as_ref()
            .map_or(Value::Null, |u| json!({"@type": "CreativeWork", "url": u})),
    };
    let author = match authors.len() {
        0 => Value::Null,
        1 => authors.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Array(authors),
    };
    drop_nulls(json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": fc.id.to_string(),
        "url": opt(&fc.url),
        "claimReviewed": fc.claim_reviewed,
        "headline": opt(&fc.headline),
        "datePublished": opt(&fc.date_published),
        "author": fc.author.as_ref().map(|a| json!({"@type": "Organization", "name": a})),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": opt(&fc.rating.name),
            "ratingValue": num(fc.rating.value),
            "bestRating": num(fc.rating.best),
            "worstRating": num(fc.rating.worst),
            "ratingExplanation": opt(&fc.explanation),
        },
        "itemReviewed": {
            "@type": "Claim",
            "identifier": claim.map(|c| c.id.to_string()),
            "text": claim.map(|c| c.text.clone()),
            "author": author,
            "appearance": appearance,
            "datePublished": article.and_then(|a| a.published_at.clone()),
        },
    }))
}

/// A stored fact-check as ClaimReview, with what it reviews loaded from the store.
pub fn render(store: &dyn Store, fc: &FactCheck) -> Result<Value, StoreError> {
    let claim = match fc.claim {
        Some(id) => store.claim(id)?,
        None => None,
    };
    let speakers: Vec<Speaker> = match &claim {
        Some(c) => store.speakers(&c.speakers)?.into_iter().flatten().collect(),
        None => Vec::new(),
    };
    let article = match &claim {
        Some(c) => store.article(c.id.article)?,
        None => None,
    };
    Ok(claim_review_jsonld(
        fc,
        claim.as_ref(),
        &speakers,
        article.as_ref(),
    ))
}

/// The reviews of a claim as ClaimReview JSON-LD, oldest first.
pub fn claim_reviews_of(store: &dyn Store, claim: ClaimId) -> Result<Vec<Value>, StoreError> {
    let ids = store.reviews_of_claim(claim)?;
    store
        .fact_checks(&ids)?
        .into_iter()
        .flatten()
        .map(|fc| render(store, &fc))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FactCheckId;

    #[test]
    fn a_claim_review_object_is_read_with_its_rating_and_claimant() {
        let v: Value = serde_json::from_str(
            r#"{"@context": "https://schema.org", "@type": "ClaimReview",
                "url": "https://checker.example/1", "claimReviewed": "The moon is made of cheese",
                "author": {"@type": "Organization", "name": "Checker"},
                "datePublished": "2020-01-02",
                "reviewRating": {"@type": "Rating", "ratingValue": "1", "bestRating": 5,
                                 "worstRating": 1, "alternateName": "False"},
                "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Person"},
                                 "appearance": [{"url": "https://news.example/a"}]}}"#,
        )
        .unwrap();
        let items = parse_claim_reviews(&v).unwrap();
        assert_eq!(items.len(), 1);
        let f = &items[0];
        assert_eq!(f.claim_reviewed, "The moon is made of cheese");
        assert_eq!(f.rating.name.as_deref(), Some("False"));
        assert_eq!(f.rating.value, Some(1.0));
        assert_eq!(f.rating.best, Some(5.0));
        assert_eq!(f.author.as_deref(), Some("Checker"));
        assert_eq!(f.claimant.as_deref(), Some("A. Person"));
        assert_eq!(f.appearance.as_deref(), Some("https://news.example/a"));
    }

    #[test]
    fn feeds_graphs_and_fact_check_tools_responses_are_unwrapped() {
        let feed: Value = serde_json::from_str(
            r#"{"@type": "DataFeed", "dataFeedElement": [
                 {"@type": "DataFeedItem", "item": [{"@type": "ClaimReview", "claimReviewed": "one"}]},
                 {"@type": "DataFeedItem", "item": [{"@type": "ClaimReview", "claimReviewed": "two"}]}]}"#,
        )
        .unwrap();
        assert_eq!(parse_claim_reviews(&feed).unwrap().len(), 2);
        let google: Value = serde_json::from_str(
            r#"{"claims": [{"text": "three", "claimant": "X",
                 "claimReview": [{"publisher": {"name": "P"}, "url": "https://p.example/3",
                                  "title": "T", "textualRating": "False"}]}]}"#,
        )
        .unwrap();
        let g = parse_claim_reviews(&google).unwrap();
        assert_eq!(g[0].claim_reviewed, "three");
        assert_eq!(g[0].rating.name.as_deref(), Some("False"));
        assert_eq!(g[0].author.as_deref(), Some("P"));
    }

    #[test]
    fn documents_without_claim_reviews_and_bad_ratings_are_refused() {
        let v: Value = serde_json::from_str(r#"{"hello": "world"}"#).unwrap();
        assert!(parse_claim_reviews(&v).is_err());
        let v: Value = serde_json::from_str(r#"{"@type": "ClaimReview"}"#).unwrap();
        assert!(parse_claim_reviews(&v).is_err());
        let bad = NewFactCheck {
            claim_reviewed: "x".into(),
            rating: Rating {
                value: Some(7.0),
                best: Some(5.0),
                worst: Some(1.0),
                ..Rating::default()
            },
            ..NewFactCheck::default()
        };
        assert!(matches!(validate(bad), Err(FactCheckError::Invalid { .. })));
    }

    #[test]
    fn json_ld_out_carries_the_rating_and_drops_what_is_unknown() {
        let fc = FactCheck {
            id: FactCheckId(1),
            details: NewFactCheck {
                claim_reviewed: "c".into(),
                rating: Rating {
                    name: Some("False".into()),
                    value: Some(1.0),
                    best: Some(5.0),
                    worst: Some(1.0),
                },
                url: Some("https://c.example/1".into()),
                author: Some("Checker".into()),
                date_published: Some("2020-01-01".into()),
                ..NewFactCheck::default()
            },
            created_at: 0,
        };
        let v = claim_review_jsonld(&fc, None, &[], None);
        assert_eq!(v["@type"], "ClaimReview");
        assert_eq!(v["reviewRating"]["alternateName"], "False");
        assert_eq!(v["reviewRating"]["bestRating"], 5.0);
        assert!(v.get("headline").is_none());
        assert!(v["itemReviewed"].get("author").is_none());
    }

    #[test]
    fn unix_times_format_as_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_000_000), "2026-11-18");
    }
}
