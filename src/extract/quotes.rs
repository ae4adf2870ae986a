//! Stage 3: quotations. Marks are paired across the whole text, so a quote
//! may run over several paragraphs (a paragraph that opens a quote without
//! closing it continues into the next one that opens with a quote mark).

use super::segment::Para;
use super::tokens::{TokKind, Token};

#[derive(Debug, Clone)]
pub struct Quote {
    /// Token index of the opening mark.
    pub open: usize,
    /// Token index of the closing mark, or of the last token when unclosed.
    pub close: usize,
    pub closed: bool,
    /// Number of word tokens inside.
    pub words: usize,
    /// Ends with punctuation inside the marks: a full utterance, not a phrase.
    pub utterance: bool,
}

fn opens(tokens: &[Token], i: usize, chars: &[char]) -> Option<bool> {
    let t = &tokens[i];
    // Where the mark sits: after space and before a word it opens; after a
    // word and before space or punctuation it closes.
    let before_space = t.start == 0
        || chars[t.start - 1].is_whitespace()
        || "([{-\u{2014}".contains(chars[t.start - 1]);
    let after_space =
        t.end >= chars.len() || chars[t.end].is_whitespace() || ",.;:!?)]}".contains(chars[t.end]);
    let by_context = match (before_space, after_space) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    };
    match t.lower.as_str() {
        // Curly marks say which they are, unless the context plainly
        // contradicts them (a mark typed the wrong way round).
        "\u{201c}" | "\u{201e}" | "\u{ab}" => Some(by_context.unwrap_or(true)),
        "\u{201d}" | "\u{bb}" => Some(by_context.unwrap_or(false)),
        "``" => Some(true),
        _ => by_context,
    }
}

pub fn find(tokens: &[Token], paras: &[Para], chars: &[char]) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut open: Option<usize> = None;
    for (p, para) in paras.iter().enumerate() {
        for i in para.tokens.clone() {
            if tokens[i].kind != TokKind::Quote {
                continue;
            }
            let continues = open.is_some() && i == para.tokens.start;
            let dir = opens(tokens, i, chars).unwrap_or(open.is_none());
            match (dir, open) {
                (true, Some(_)) if continues => {}
                (true, Some(o)) => {
                    // Unbalanced: close the dangling quote before this one.
                    if i > o + 1 {
                        quotes.push(make(tokens, o, i - 1, false));
                    }
                    open = Some(i);
                }
                (true, None) => open = Some(i),
                (false, Some(o)) => {
                    quotes.push(make(tokens, o, i, true));
                    open = None;
                }
                // A closing mark with nothing open, and another closing mark
                // later in the paragraph: the first was meant to open.
                (false, None) => {
                    let next_close =
                        (i + 1..para.tokens.end).find(|&k| tokens[k].kind == TokKind::Quote);
                    if next_close.is_some_and(|k| opens(tokens, k, chars) == Some(false)) {
                        open = Some(i);
                    }
                }
            }
        }
        // A quote left open continues only if the next paragraph opens one.
        if let Some(o) = open {
            let next_opens = paras.get(p + 1).is_some_and(|n| {
                !n.tokens.is_empty() && tokens[n.tokens.start].kind == TokKind::Quote
            });
            if !next_opens {
                if para.tokens.end > o + 1 {
                    quotes.push(make(tokens, o, para.tokens.end - 1, false));
                }
                open = None;
            }
        }
    }
    quotes
}

fn make(tokens: &[Token], open: usize, close: usize, closed: bool) -> Quote {
    let inner = &tokens[open + 1..close.max(open + 1)];
    let words = inner
        .iter()
        .filter(|t| t.kind != TokKind::Punct && t.kind != TokKind::Quote)
        .count();
    let last_inner = if closed {
        close.checked_sub(1)
    } else {
        Some(close)
    };
    let utterance = last_inner.filter(|&k| k > open).is_some_and(|k| {
        tokens[k].kind == TokKind::Punct
            && matches!(
                tokens[k].lower.as_str(),
                "." | "," | "!" | "?" | "..." | "\u{2026}" | ";"
            )
    });
    Quote {
        open,
        close,
        closed,
        words,
        utterance,
    }
}

#[cfg(test)]
mod tests {
    use super::super::segment::paragraphs;
    use super::super::text::Text;
    use super::super::tokens::tokenize;
    use super::*;

    fn quoted(s: &str) -> Vec<String> {
        let t = Text::new(s);
        let toks = tokenize(&t);
        let paras = paragraphs(&t.chars, &toks);
        find(&toks, &paras, &t.chars)
            .iter()
            .map(|q| t.slice(toks[q.open].start, toks[q.close].end))
            .collect()
    }

    #[test]
    fn straight_and_curly_quotes_pair() {
        assert_eq!(quoted("\"Yes,\" he said, “no.”"), ["\"Yes,\"", "“no.”"]);
    }

    #[test]
    fn an_open_quote_continues_into_a_paragraph_that_reopens_it() {
        let q = quoted("He said: \"One.\n\n\"Two.\"\n\nAfter.");
        assert_eq!(q, ["\"One.\n\n\"Two.\""]);
    }

    #[test]
    fn an_unclosed_quote_ends_with_its_paragraph() {
        assert_eq!(quoted("He said: \"One.\n\nAfter."), ["\"One."]);
    }
}
