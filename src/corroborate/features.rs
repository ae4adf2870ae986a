//! Stage 1: a claim as weighted terms, numbers and polarity.

use super::lexicon;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Words too common to say what a claim is about.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "also",
    "said",
    "says",
    "say",
    "told",
    "mr",
    "mrs",
    "ms",
    "dr",
    "s",
    "t",
    "one",
    "may",
    "might",
    "must",
    "shall",
    "us",
    "yet",
    "upon",
    "per",
    "via",
    "its",
    "ll",
    "re",
    "ve",
    "d",
];

/// Words that deny the clause they are in. "no" and "without" are left out:
/// they negate a noun ("no shares", "without parole"), not the statement.
const NEGATIONS: &[&str] = &["not", "never", "neither", "nor", "cannot", "n't"];

pub fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Lower-cased words of a text, with their original form; hyphenated words
/// count as their parts too ("cease-fire" -> "ceasefire", "cease", "fire").
pub fn words(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| {
        !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-' || c == '.' || c == ',')
    }) {
        let raw = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if raw.is_empty() {
            continue;
        }
        // Numbers keep their separators; words lose trailing punctuation.
        if raw.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            out.push((raw.replace(',', ""), raw.to_string()));
            continue;
        }
        for piece in raw.split([',', '.']) {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.is_empty() {
                continue;
            }
            let lower = piece.to_lowercase().replace('\u{2019}', "'");
            if let Some(stem) = lower.strip_suffix("n't") {
                out.push((stem.to_string(), piece.to_string()));
                out.push(("n't".into(), "n't".into()));
                continue;
            }
            let lower = lower.strip_suffix("'s").unwrap_or(&lower).to_string();
            if lower.contains('-') {
                out.push((lower.replace('-', ""), piece.to_string()));
                for part in lower.split('-').filter(|p| !p.is_empty()) {
                    out.push((part.to_string(), part.to_string()));
                }
            } else {
                out.push((lower, piece.to_string()));
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub stem: String,
    /// The word as written, for evidence.
    pub word: String,
    pub weight: f32,
    pub concepts: &'static [u32],
    /// What the word also stands for: "Erdogan" -> "turkey".
    pub alts: Vec<String>,
    /// Supplementary knowledge (a speaker's country): it can add a match,
    /// but its absence from the other claim costs nothing.
    pub bonus: bool,
    /// A name (capitalised inside the text) or an entity: what the claim is about.
    pub name: bool,
}

/// How a text qualifies a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bound {
    #[default]
    Exact,
    /// "more than", "over", "at least".
    AtLeast,
    /// "less than", "under", "up to".
    AtMost,
    /// "about", "nearly", "some", "an estimated".
    About,
}

/// The qualifier in the (up to two) words before a number.
fn bound_before(ws: &[(String, String)], i: usize) -> Bound {
    let w = |k: usize| {
        i.checked_sub(k)
            .and_then(|j| ws.get(j))
            .map(|x| x.0.as_str())
    };
    // Skip the currency marker: "more than $34 billion".
    let off = usize::from(w(1) == Some("currency"));
    let (one, two) = (w(1 + off), w(2 + off));
    match (two, one) {
        (Some("more" | "greater" | "higher"), Some("than")) | (Some("at"), Some("least")) => {
            Bound::AtLeast
        }
        (Some("less" | "fewer" | "lower"), Some("than"))
        | (Some("at"), Some("most"))
        | (Some("up"), Some("to")) => Bound::AtMost,
        (_, Some("over" | "exceeding" | "topping")) => Bound::AtLeast,
        (_, Some("under" | "below")) => Bound::AtMost,
        (
            _,
            Some(
                "about" | "around" | "nearly" | "almost" | "roughly" | "approximately" | "some"
                | "estimated" | "approx",
            ),
        ) => Bound::About,
        _ => Bound::Exact,
    }
}

/// What a number measures: only numbers of one kind can disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumKind {
    Year,
    Percent,
    Money,
    Count,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// The text the features come from.
    pub text: String,
    pub terms: Vec<Term>,
    /// Quantities, scaled ("3.5 million" -> 3_500_000) with how they were written.
    pub numbers: Vec<(f64, String, NumKind)>,
    /// How each number is qualified ("more than", "about"), by position.
    pub bounds: Vec<Bound>,
    pub negations: usize,
    /// The surface forms the pair model reads, derived on first use.
    pub(crate) surface: std::sync::OnceLock<super::pair::Surface>,
}

fn scale(word: &str) -> Option<f64> {
    Some(match word {
        "thousand" | "thousands" | "k" => 1e3,
        "million" | "millions" | "m" | "mn" => 1e6,
        "billion" | "billions" | "bn" | "b" => 1e9,
        "trillion" | "trillions" | "tn" => 1e12,
        "hundred" | "hundreds" => 1e2,
        "dozen" | "dozens" => 12.0,
        _ => return None,
    })
}

fn number_word(word: &str) -> Option<f64> {
    Some(match word {
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "twenty" => 20.0,
        "hundred" => 100.0,
        "thousand" => 1e3,
        "million" => 1e6,
        "half" => 0.5,
        _ => return None,
    })
}

/// Terms, numbers and negations of a text. `extra` adds entity terms the text
/// stands for (a speaker's country), each with the word it came from.
pub fn features(text: &str, extra: &[(String, String)]) -> Features {
    // Mark what symbols say about a number before they are split off.
    let marked = text
        .replace('%', " percent ")
        .replace(['$', '\u{a3}', '\u{20ac}'], " currency ");
    let ws = words(&marked);
    let mut f = Features {
        text: text.to_string(),
        ..Features::default()
    };
    let mut i = 0;
    while i < ws.len() {
        let (lower, orig) = &ws[i];
        let no_longer = lower == "no" && ws.get(i + 1).is_some_and(|w| w.0 == "longer");
        if NEGATIONS.contains(&lower.as_str()) || no_longer {
            f.negations += 1;
            i += 1;
            continue;
        }
        // Quantities: "3.5 million", "half a million", "11 million", "200,000".
        let value = lower
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .or_else(|| number_word(lower));
        if let Some(mut v) = value {
            let mut j = i + 1;
            let mut written = orig.clone();
            if v == 0.5 && ws.get(j).is_some_and(|w| w.0 == "a") {
                j += 1;
            }
            if let Some(s) = ws.get(j).and_then(|w| scale(&w.0)) {
                if !(v == 1e6 || v == 1e3) || s > 1.0 {
                    v *= s;
                    written = format!("{written} {}", ws[j].1);
                    j += 1;
                }
            }
            // A lone number word ("two", "half") is weak evidence; digits count.
            if lower.chars().next().is_some_and(|c| c.is_ascii_digit()) || j > i + 1 {
                let money = i > 0 && ws[i - 1].0 == "currency"
                    || ws
                        .get(j)
                        .is_some_and(|w| matches!(w.0.as_str(), "dollars" | "pounds" | "euros"));
                let percent = ws.get(j).is_some_and(|w| w.0 == "percent" || w.0 == "pc");
                let year = !money
                    && !percent
                    && j == i + 1
                    && v.fract() == 0.0
                    && (1800.0..=2100.0).contains(&v);
                let kind = if money {
                    NumKind::Money
                } else if percent {
                    NumKind::Percent
                } else if year {
                    NumKind::Year
                } else {
                    NumKind::Count
                };
                f.numbers.push((v, written, kind));
                f.bounds.push(bound_before(&ws, i));
                i = j;
                continue;
            }
        }
        if STOPWORDS.contains(&lower.as_str()) || lower.len() < 2 {
            i += 1;
            continue;
        }
        // A country's adjective, capital or name stands for the country.
        let canonical = crate::extract::lexicon::country(lower).map(|c| c.to_lowercase());
        let key = canonical.as_deref().unwrap_or(lower);
        let stem = stemmer().stem(key).into_owned();
        let alts: Vec<String> = extra
            .iter()
            .filter(|(_, from)| from.to_lowercase().split_whitespace().last() == Some(lower))
            .map(|(entity, _)| entity_stem(entity))
            .filter(|a| *a != stem)
            .collect();
        // Capitalised inside the text, a country, or someone the claim knows: a name.
        let name = (i > 0 && orig.chars().next().is_some_and(char::is_uppercase))
            || canonical.is_some()
            || !alts.is_empty();
        f.terms.push(Term {
            weight: lexicon::idf(&stem),
            concepts: lexicon::concepts(&stem),
            stem,
            word: orig.clone(),
            alts,
            bonus: false,
            name,
        });
        i += 1;
    }
    for (entity, from) in extra {
        let stem = entity_stem(entity);
        if f.terms
            .iter()
            .any(|t| t.stem == stem || t.alts.contains(&stem))
        {
            continue;
        }
        let word = if from == entity {
            entity.clone()
        } else {
            format!("{from} \u{2192} {entity}")
        };
        f.terms.push(Term {
            weight: lexicon::idf(&stem),
            concepts: &[],
            stem,
            word,
            alts: Vec::new(),
            bonus: true,
            name: true,
        });
    }
    f
}

/// An entity as one term: a person by surname ("Vladimir Putin" -> "putin"),
/// anything else by its whole name.
fn entity_stem(entity: &str) -> String {
    let lower = entity.to_lowercase();
    let person_like = lower.split_whitespace().count() > 1
        && entity
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || w.len() <= 3);
    let key = match crate::extract::lexicon::country(&lower) {
        Some(c) => c.to_lowercase(),
        None if person_like && crate::extract::lexicon::known_org(&lower).is_none() => lower
            .split_whitespace()
            .last()
            .unwrap_or(&lower)
            .to_string(),
        None => lower,
    };
    stemmer().stem(&key).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_scaled_and_words_stemmed() {
        let f = features("Turkey has accepted 3.5 million refugees since 2011.", &[]);
        assert!(f.numbers.iter().any(|(v, _, _)| (*v - 3.5e6).abs() < 1.0));
        assert!(f.numbers.iter().any(|(v, _, _)| *v == 2011.0));
        let stems: Vec<&str> = f.terms.iter().map(|t| t.stem.as_str()).collect();
        assert!(stems.contains(&"accept") && stems.contains(&"refuge"));
    }

    #[test]
    fn half_a_million_is_a_number_and_negation_is_counted() {
        let f = features(
            "The war has not killed more than half a million people",
            &[],
        );
        assert!(
            f.numbers.iter().any(|(v, _, _)| *v == 500_000.0),
            "{:?}",
            f.numbers
        );
        assert_eq!(f.negations, 1);
        assert_eq!(features("They didn't agree", &[]).negations, 1);
    }

    #[test]
    fn demonyms_stand_for_their_country() {
        let a = features("Russian warplanes", &[]);
        assert!(a.terms.iter().any(|t| t.stem == "russia"));
    }
}
