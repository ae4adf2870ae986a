//! Stage 2: paragraphs and sentences over the tokens. Headings, captions and
//! questions are marked so later stages never take them for claims.

use super::lexicon;
use super::tokens::{TokKind, Token};
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct Para {
    pub tokens: Range<usize>,
    /// A heading, subheading or caption: no sentence-final punctuation.
    pub heading: bool,
}

#[derive(Debug, Clone)]
pub struct Sentence {
    pub tokens: Range<usize>,
    pub para: usize,
    pub question: bool,
}

/// Split tokens into paragraphs at line breaks (a line is a paragraph).
pub fn paragraphs(chars: &[char], tokens: &[Token]) -> Vec<Para> {
    let mut paras = Vec::new();
    let mut start = 0;
    for i in 0..tokens.len() {
        let last = i + 1 == tokens.len();
        let breaks = !last && chars[tokens[i].end..tokens[i + 1].start].contains(&'\n');
        if breaks || last {
            let range = start..i + 1;
            let heading = is_heading(&tokens[range.clone()]);
            paras.push(Para {
                tokens: range,
                heading,
            });
            start = i + 1;
        }
    }
    paras
}

fn is_heading(toks: &[Token]) -> bool {
    let terminal = |t: &Token| match t.kind {
        TokKind::Quote => true,
        TokKind::Punct => matches!(t.lower.as_str(), "." | "!" | "?" | "..." | "\u{2026}" | ":"),
        _ => false,
    };
    let Some(last) = toks
        .iter()
        .rev()
        .find(|t| !(t.kind == TokKind::Punct && matches!(t.lower.as_str(), ")" | "]")))
    else {
        return true;
    };
    // Several sentences ending in a signature or source ("... shame." ― Name)
    // are text, not a heading.
    let inner_sentences = toks[..toks.len().saturating_sub(1)]
        .iter()
        .filter(|t| t.kind == TokKind::Punct && matches!(t.lower.as_str(), "." | "!" | "?"))
        .count();
    (!terminal(last) && inner_sentences == 0) || toks.len() < 3
}

/// Split a paragraph's tokens into sentences.
pub fn sentences(tokens: &[Token], paras: &[Para]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (p, para) in paras.iter().enumerate() {
        let mut start = para.tokens.start;
        let end = para.tokens.end;
        let mut i = start;
        while i < end {
            let t = &tokens[i];
            let is_end = t.kind == TokKind::Punct
                && matches!(t.lower.as_str(), "." | "!" | "?" | "..." | "\u{2026}")
                && !(t.lower == "." && i > start && is_abbrev(&tokens[i - 1]));
            if is_end {
                // Closing quotes and brackets belong to the sentence they close.
                let mut j = i + 1;
                // A closing curly quote belongs here even after a space ("lose . ”").
                while j < end
                    && ((!tokens[j].space_before
                        && (tokens[j].kind == TokKind::Quote
                            || matches!(tokens[j].lower.as_str(), ")" | "]" | "'")))
                        || matches!(tokens[j].lower.as_str(), "\u{201d}" | "\u{bb}"))
                {
                    j += 1;
                }
                let next_starts = j >= end || {
                    let n = &tokens[j];
                    n.cap || n.kind == TokKind::Quote || n.kind == TokKind::Number || n.lower == "("
                };
                if next_starts {
                    out.push(Sentence {
                        tokens: start..j,
                        para: p,
                        question: t.lower == "?",
                    });
                    start = j;
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        if start < end {
            let question = tokens[start..end]
                .iter()
                .rev()
                .find(|t| t.kind != TokKind::Quote)
                .is_some_and(|t| t.lower == "?");
            out.push(Sentence {
                tokens: start..end,
                para: p,
                question,
            });
        }
    }
    out
}

fn is_abbrev(t: &Token) -> bool {
    t.kind == TokKind::Word
        && (lexicon::abbreviation(&t.lower)
            || (t.lower.trim_end_matches('.').chars().count() == 1 && t.cap))
}

#[cfg(test)]
mod tests {
    use super::super::text::Text;
    use super::super::tokens::tokenize;
    use super::*;

    fn split(s: &str) -> (Vec<String>, Vec<bool>) {
        let t = Text::new(s);
        let toks = tokenize(&t);
        let paras = paragraphs(&t.chars, &toks);
        let sents = sentences(&toks, &paras);
        let texts = sents
            .iter()
            .map(|s| t.slice(toks[s.tokens.start].start, toks[s.tokens.end - 1].end))
            .collect();
        (texts, paras.iter().map(|p| p.heading).collect())
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let (s, _) = split("Mr. Smith met Dr. Jones in the U.S. on Monday. They talked.");
        assert_eq!(
            s,
            [
                "Mr. Smith met Dr. Jones in the U.S. on Monday.",
                "They talked."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let (s, _) = split("He said: \"It is over.\" Then he left.");
        assert_eq!(s, ["He said: \"It is over.\"", "Then he left."]);
    }

    #[test]
    fn headings_and_captions_are_marked() {
        let (_, h) = split(
            "Russian air strikes on Idlib\n\nThe war goes on, he said.\n\nA man sits in a cave",
        );
        assert_eq!(h, [true, false, true]);
    }
}
