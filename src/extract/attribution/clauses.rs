//! Where a claim's content ends: clauses, quotes running past a sentence,
//! trailing punctuation; and the phrases around a cue that are not content.

use crate::extract::lexicon;
use crate::extract::mentions::np_right;
use crate::extract::segment::Sentence;
use crate::extract::tokens::{TokKind, Token};
use crate::extract::Doc;
use std::ops::Range;

pub(super) fn sent_of(sents: &[Sentence], tok: usize) -> usize {
    sents.partition_point(|s| s.tokens.end <= tok)
}

/// The content's last token before sentence-final punctuation.
/// Reported content ends where a new clause with its own subject begins:
/// "..., and Democrats accused the GOP", "...; the rest".
pub(super) fn clause_end(tokens: &[Token], in_quote: &[bool], start: usize, end: usize) -> usize {
    for x in start + 3..end {
        if in_quote[x] {
            continue;
        }
        if tokens[x].is_punct(';') {
            return x;
        }
        if tokens[x].is_punct(',') && x + 2 < end {
            let conj = matches!(
                tokens[x + 1].lower.as_str(),
                "and" | "but" | "while" | "whereas" | "although" | "though" | "yet"
            );
            let n = &tokens[x + 2];
            let subject =
                n.cap || lexicon::pronoun(&n.lower).is_some() || lexicon::determiner(&n.lower);
            if conj && subject && !n.lower.ends_with("ing") {
                return x;
            }
            // ", contradicting ...": a participial comment on the content, not part of it.
            let m = &tokens[x + 1];
            if !m.cap && m.is_word() && m.lower.ends_with("ing") && m.lower.len() > 5 {
                return x;
            }
        }
        // "... more intense — and he noted that": a dash before a new clause.
        if matches!(tokens[x].lower.as_str(), "\u{2014}" | "--" | "\u{2013}")
            && x + 1 < end
            && matches!(tokens[x + 1].lower.as_str(), "and" | "but")
        {
            return x;
        }
        // "... debates and followed the same script": a second verb phrase.
        if tokens[x].lower == "and" && x + 1 < end {
            let v = &tokens[x + 1];
            let verb = !v.cap
                && v.is_word()
                && (v.lower.ends_with("ed") || lexicon::reporting_lemma(&v.lower).is_some())
                && !lexicon::is_role(&v.lower);
            if verb {
                return if tokens[x - 1].is_punct(',') {
                    x - 1
                } else {
                    x
                };
            }
        }
        // "... a disgrace Wednesday on a radio show": a trailing time adjunct.
        let time = (lexicon::is_weekday_or_month(&tokens[x].lower) && tokens[x].cap)
            || matches!(tokens[x].lower.as_str(), "yesterday" | "today");
        // Not a date inside the content: "between January 1 and ...", "during
        // Monday night's debate", "since March".
        let inside = matches!(
            tokens[x - 1].lower.as_str(),
            "between"
                | "during"
                | "from"
                | "until"
                | "through"
                | "by"
                | "before"
                | "after"
                | "of"
                | "in"
                | "since"
                | "and"
                | "to"
        ) || tokens[x + 1..end.min(x + 3)]
            .iter()
            .any(|t| t.lower == "'s");
        if time
            && !inside
            && end - x <= 8
            && (x + 1..end).all(|y| !in_quote[y] && tokens[y].kind != TokKind::Quote)
        {
            // "... at the summit on Friday": the preposition goes with the date.
            let prep = x > start + 3
                && matches!(
                    tokens[x - 1].lower.as_str(),
                    "on" | "last" | "this" | "next"
                );
            return if prep { x - 1 } else { x };
        }
    }
    end
}

/// Content that opens a quotation runs to its close, across sentence ends inside it.
pub(super) fn through_quote(doc: &Doc, start: usize, end: usize) -> usize {
    let para = |t: usize| doc.sents[sent_of(&doc.sents, t).min(doc.sents.len() - 1)].para;
    doc.quotes
        .iter()
        .filter(|q| {
            q.open >= start && q.open < end && q.close >= end && para(q.close) == para(start)
        })
        .map(|q| q.close + 1)
        .max()
        .unwrap_or(end)
}

pub(super) fn trim_end(tokens: &[Token], start: usize, mut end: usize) -> usize {
    while end > start
        && tokens[end - 1].kind == TokKind::Punct
        && !matches!(tokens[end - 1].lower.as_str(), ")" | "%")
    {
        end -= 1;
    }
    end
}

/// The noun phrase opening a sentence, when it names someone or is a pronoun:
/// the subject that later verbs of the sentence share.
pub(super) fn opening_subject(tokens: &[Token], st: usize, en: usize) -> Option<Range<usize>> {
    // Names, possessives and "and": the phrase ends at the first other
    // lower-case word, which is likely its verb ("Britain and France backed").
    let end = (st..en)
        .find(|&x| {
            let t = &tokens[x];
            !(t.cap
                || t.lower == "'s"
                || t.lower == "and"
                || lexicon::determiner(&t.lower)
                || lexicon::pronoun(&t.lower).is_some() && x == st)
        })
        .unwrap_or(en);
    np_right(tokens, st, end).filter(|r| {
        let named = tokens[r.clone()]
            .iter()
            .any(|t| t.cap && !lexicon::determiner(&t.lower));
        named || lexicon::pronoun(&tokens[r.start].lower).is_some()
    })
}

/// A word that opens an adjunct, not a clause: "said Friday", "said of the vote".
pub(super) fn adjunct(t: &Token) -> bool {
    matches!(
        t.lower.as_str(),
        "in" | "on"
            | "at"
            | "during"
            | "after"
            | "before"
            | "of"
            | "to"
            | "with"
            | "about"
            | "from"
            | "by"
            | "while"
            | "when"
            | "as"
            | "last"
            | "this"
            | "yesterday"
            | "today"
            | "earlier"
            | "later"
            | "recently"
            | "again"
            | "repeatedly"
            | "through"
            | "via"
            | "afterward"
            | "afterwards"
            | "privately"
            | "publicly"
            | "tonight"
    ) || lexicon::is_weekday_or_month(&t.lower)
}

/// The token after the person spoken to: a name, a pronoun, or a short noun phrase.
pub(super) fn skip_addressee(tokens: &[Token], from: usize, end: usize) -> usize {
    let mut i = from;
    if i < end
        && matches!(
            tokens[i].lower.as_str(),
            "him" | "her" | "them" | "us" | "me" | "reporters" | "journalists"
        )
    {
        return i + 1;
    }
    while i < end
        && (tokens[i].cap || lexicon::determiner(&tokens[i].lower) || tokens[i].lower == "'s")
    {
        i += 1;
    }
    if i < end
        && i > from
        && !tokens[i].cap
        && tokens[i].is_word()
        && lexicon::determiner(&tokens[i - 1].lower)
    {
        i += 1;
    }
    i
}
