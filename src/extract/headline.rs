//! Stage 5b: a headline that is itself an attribution. News headlines put
//! the speaker first and the claim after a colon or a present-tense
//! reporting verb: "Paul Ryan: FBI Decision Defies Explanation", "Bernie
//! Sanders Says He Is Staying In The Race". Other headings stay out of the
//! claims (see `segment`).

use super::lexicon;
use super::tokens::{TokKind, Token};
use super::Doc;
use super::RawClaim;
use std::ops::Range;

/// At most this many words name the speaker before the colon or the verb.
const MAX_SPEAKER_WORDS: usize = 5;
/// A claim needs this many words after the colon or the verb.
const MIN_CONTENT_WORDS: usize = 3;

/// The headline's attribution, when the document opens with a title line
/// followed by body text and the speaker it names is named in the body too
/// (so "Exclusive:" or "Watch:" never speak).
pub fn find(doc: &Doc) -> Option<RawClaim> {
    if doc.paras.len() < 2 {
        return None;
    }
    let title = doc.paras[0].tokens.clone();
    let tokens = &doc.tokens;
    let start = title.start;
    let end = trim_terminal(tokens, title.clone());
    // The speaker: capitalised words (and possessives) from the start.
    let mut i = start;
    while i < end
        && i - start < MAX_SPEAKER_WORDS + 2
        && (tokens[i].kind == TokKind::Word && tokens[i].cap || tokens[i].lower == "'s")
    {
        if tokens[i].kind == TokKind::Word && tokens[i].lower != "'s" && i > start {
            // A reporting verb ends the name: "Sanders Says ...".
            if is_headline_cue(&tokens[i]) {
                break;
            }
        }
        i += 1;
    }
    if i == start || i >= end {
        return None;
    }
    let speaker = start..i;
    let words = |r: Range<usize>| tokens[r].iter().filter(|t| t.is_word()).count();
    if words(speaker.clone()) > MAX_SPEAKER_WORDS
        || tokens[speaker.clone()]
            .iter()
            .any(|t| t.lower.chars().any(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let (cue, rule) = if tokens[i].is_punct(':') {
        (i..i + 1, "headline-colon")
    } else if is_headline_cue(&tokens[i]) {
        (i..i + 1, "headline-reporting-verb")
    } else {
        return None;
    };
    let content = cue.end..end;
    if content.is_empty() || words(content.clone()) < MIN_CONTENT_WORDS {
        return None;
    }
    // Last, as it reads the body: the speaker's name must appear there.
    let name: Vec<&str> = tokens[speaker.clone()]
        .iter()
        .filter(|t| {
            t.kind == TokKind::Word && t.lower.chars().count() >= 3 && !lexicon::is_role(&t.lower)
        })
        .map(|t| t.lower.as_str())
        .collect();
    let named_in_body = tokens[doc.paras[1].tokens.start..]
        .iter()
        .any(|t| t.kind == TokKind::Word && t.cap && name.contains(&t.lower.as_str()));
    if !named_in_body {
        return None;
    }
    Some(RawClaim::reported(
        tokens,
        content,
        cue,
        Some(speaker),
        rule,
        0.7,
    ))
}

/// A present-tense reporting verb, as headlines write them: "Says", "Urges".
fn is_headline_cue(t: &Token) -> bool {
    t.kind == TokKind::Word
        && t.lower.len() > 3
        && t.lower.ends_with('s')
        && !t.lower.ends_with("ss")
        && lexicon::reporting_lemma(&t.lower).is_some()
}

/// The title without its closing full stop.
fn trim_terminal(tokens: &[Token], r: Range<usize>) -> usize {
    let mut e = r.end;
    while e > r.start && tokens[e - 1].kind == TokKind::Punct && !tokens[e - 1].is_punct(')') {
        e -= 1;
    }
    e
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    fn headline_claim(text: &str) -> Option<(String, String, &'static str)> {
        let e = extract(text);
        e.claims
            .iter()
            .find(|c| c.rule.starts_with("headline"))
            .map(|c| {
                let who = c
                    .speakers
                    .first()
                    .map(|&s| e.speakers[s].name.clone())
                    .unwrap_or_default();
                (who, c.text.clone(), c.rule)
            })
    }

    #[test]
    fn a_speaker_and_a_colon_make_the_headline_a_claim() {
        let (who, what, rule) = headline_claim(
            "Jane Doyle: The Budget Will Not Balance Itself\n\nSenator Jane Doyle warned on Monday that the plan falls short.",
        )
        .expect("a headline claim");
        assert_eq!(who, "Jane Doyle");
        assert_eq!(what, "The Budget Will Not Balance Itself");
        assert_eq!(rule, "headline-colon");
    }

    #[test]
    fn a_present_tense_reporting_verb_after_a_name_makes_the_headline_a_claim() {
        let (who, what, _) = headline_claim(
            "Mayor Tom Reyes Says The Bridge Will Open In May\n\nThe bridge has been closed for two years, Reyes told reporters.",
        )
        .expect("a headline claim");
        assert!(who.contains("Reyes"), "{who}");
        assert_eq!(what, "The Bridge Will Open In May");
    }

    #[test]
    fn a_label_before_a_colon_is_not_a_speaker() {
        // "Exclusive" is named nowhere in the body: a label, not a source.
        assert!(headline_claim(
            "Exclusive: The Bridge Will Open In May\n\nThe bridge has been closed for two years."
        )
        .is_none());
        // A headline alone is not an article with a title.
        assert!(headline_claim("Jane Doyle: The Budget Will Not Balance Itself").is_none());
    }
}
