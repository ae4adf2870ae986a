//! Properties that hold for any input: extraction never panics, every span
//! lies inside the text, speakers exist; ClaimReview parsing and cross-check
//! never panic either.

use claimgraph::extract::{extract, text::decode};
use proptest::prelude::*;

/// Characters that stress the extractor: every kind of quote mark, sentence
/// and clause punctuation, whitespace, controls and a few non-Latin letters.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::char::range('A', 'Z'),
        3 => prop::sample::select(vec![' ', ' ', '\n', '\n', '\t', '\r']),
        3 => prop::sample::select(vec!['"', '\'', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}', '`', '\u{ab}', '\u{bb}']),
        2 => prop::sample::select(vec!['.', ',', ';', ':', '?', '!', '-', '(', ')', '\u{2014}']),
        1 => prop::sample::select(vec!['\0', '\u{7}', '\u{feff}', '\u{fffd}', '\u{200b}', '\u{301}', '\u{e9}', '\u{4e2d}', '\u{1f600}']),
    ]
}

/// Text made of words, reporting verbs and quotes, more like news than noise.
fn newsy() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "said",
        "told",
        "Mr",
        "Mrs.",
        "he",
        "she",
        "they",
        "it",
        "the",
        "minister",
        "Putin",
        "Russia",
        "Anna Kowalski",
        "according to",
        "warned",
        "\"",
        "\u{201c}",
        "\u{201d}",
        ",",
        ".",
        "\n\n",
        "that",
        "3.5 million",
        "2011",
        "not",
        "?",
        "added",
        "U.S.",
        "'s",
    ]);
    prop::collection::vec(words, 0..120).prop_map(|w| w.join(" "))
}

fn check(text: &str) {
    let n = text.chars().count() as u32;
    let ex = extract(text);
    for c in &ex.claims {
        let spans = c
            .content
            .iter()
            .chain(c.cue.iter())
            .chain(c.speaker_mention.iter());
        for s in spans {
            assert!(s.start <= s.end && s.end <= n, "span {s:?} outside 0..{n}");
        }
        assert!(!c.content.is_empty());
        assert!(c.speakers.iter().all(|&i| i < ex.speakers.len()));
        assert!((0.0..=1.0).contains(&c.confidence));
        // Slicing by code points is always possible: offsets never split a character.
        let chars: Vec<char> = text.chars().collect();
        for s in &c.content {
            let _: String = chars[s.start as usize..s.end as usize].iter().collect();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn extraction_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        check(&decode(&bytes));
    }

    #[test]
    fn extraction_keeps_spans_in_bounds_on_hostile_text(chars in prop::collection::vec(hostile_char(), 0..3000)) {
        check(&chars.into_iter().collect::<String>());
    }

    #[test]
    fn extraction_keeps_spans_in_bounds_on_news_like_text(text in newsy()) {
        check(&text);
    }

    #[test]
    fn claim_review_parsing_never_panics(doc in "[\\[\\]{}\",:0-9a-zA-Z@ ]{0,300}") {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&doc) {
            let _ = claimgraph::claimreview::parse_claim_reviews(&v);
        }
    }

    #[test]
    fn comparing_any_two_texts_gives_a_score_in_range(a in newsy(), b in newsy()) {
        use claimgraph::corroborate::{compare, features};
        let c = compare(&features(&a, &[]), &features(&b, &[]));
        prop_assert!((0.0..=1.0).contains(&c.score));
    }
}

#[test]
fn a_megabyte_line_and_thousands_of_unbalanced_quotes_are_handled() {
    check(&"word ".repeat(200_000));
    check(&"\"".repeat(8_000));
    check(&"\u{201c}He said ".repeat(3_000));
    check(&"no punctuation at all just words and more words ".repeat(5_000));
}
