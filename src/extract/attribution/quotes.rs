//! Direct quotes, each attributed by the first rule that finds its speaker
//! next to its marks: after it (`trailing`), signed with a dash (`signed`),
//! before it (`leading`); later parts of the same utterance join it
//! (`continue_utterance`); a paragraph that is only a quote continues the
//! previous speaker, and a quote nobody is named for is kept unattributed
//! (`unattributed`).

use super::clauses::{adjunct, sent_of, trim_end};
use super::cues::cue_at;
use crate::domain::ClaimKind;
use crate::extract::lexicon;
use crate::extract::mentions::{np_right, subject_left};
use crate::extract::quotes::Quote;
use crate::extract::segment::Sentence;
use crate::extract::tokens::TokKind;
use crate::extract::{Doc, RawClaim};
use std::ops::Range;

/// An attribution found next to a quote: cue, speaker mention, rule.
type Found = (Range<usize>, Option<Range<usize>>, &'static str);

/// Every standalone quote of the document, in order.
pub(super) fn attribute(doc: &Doc, claims: &mut Vec<RawClaim>, used_cue: &mut [bool]) {
    let tokens = &doc.tokens;
    let mut consumed_quote = vec![false; doc.quotes.len()];
    for qi in 0..doc.quotes.len() {
        if consumed_quote[qi] {
            continue;
        }
        let q = &doc.quotes[qi];
        let sent_open = sent_of(&doc.sents, q.open);
        if doc
            .sents
            .get(sent_open)
            .is_none_or(|s| doc.paras[s.para].heading)
        {
            continue;
        }
        // A full utterance, not a scare-quoted phrase; short ones need an attribution.
        let opens_sentence = q.open == doc.sents[sent_open].tokens.start
            || (q.open > 0 && matches!(tokens[q.open - 1].lower.as_str(), ":" | ","));
        let standalone =
            (q.utterance && (q.words >= 4 || opens_sentence)) || q.words >= 8 || !q.closed;
        if !standalone {
            continue;
        }
        let sent_close = sent_of(&doc.sents, q.close).min(doc.sents.len() - 1);
        let s_close = &doc.sents[sent_close];
        let s_open = &doc.sents[sent_open];
        let mut content: Vec<Range<usize>> = Vec::with_capacity(2);
        content.push(q.open..q.close + 1);

        // After the quote: `," Mr X said.` / `," said Mr X.`
        let mut k = q.close + 1;
        if k < s_close.tokens.end && tokens[k].is_punct(',') {
            k += 1;
        }
        // The attribution may follow a quote that ends its own sentence:
        // `"Who would have believed it?" Trump said.` Look to the paragraph's
        // end, but not past the next sentence-final mark.
        let para_end = doc.paras[s_close.para].tokens.end;
        let limit = (k + 14).min(para_end);
        let mut found = trailing(doc, q, k, limit);
        if found.is_none() {
            found = signed(doc, q, k, para_end);
        }
        if let Some(f) = &found {
            continue_utterance(doc, qi, q, f, sent_close, &mut consumed_quote, &mut content);
        }
        if found.is_none() {
            found = leading(doc, q, s_open);
        }
        let kind = kind_of(doc, q, s_open, &found, &mut content);
        match found {
            Some(f) => attributed(doc, claims, used_cue, f, content, s_open, kind),
            None => unattributed(doc, claims, q, content, s_open, kind),
        }
    }
}

/// After the quote: `," Mr X said.` / `," said Mr X.`, or in the next
/// sentence when the attribution is all that sentence says.
fn trailing(doc: &Doc, q: &Quote, k: usize, limit: usize) -> Option<Found> {
    let tokens = &doc.tokens;
    let mut found: Option<Found> = None;
    if q.closed {
        let stop = |c: usize| {
            tokens[c].kind == TokKind::Quote
                || (tokens[c].kind == TokKind::Punct
                    && matches!(tokens[c].lower.as_str(), "." | "!" | "?" | ";"))
                || cue_at(tokens, c).is_some()
        };
        if let Some(c) = (k..limit).find(|&c| stop(c)) {
            if let Some((cue, _)) = cue_at(tokens, c) {
                let att_end = doc.sents[sent_of(&doc.sents, c).min(doc.sents.len() - 1)]
                    .tokens
                    .end;
                if c == k
                    || (c > k
                        && tokens[k..c]
                            .iter()
                            .all(|t| lexicon::pre_cue_filler(&t.lower)))
                {
                    if let Some(m) = np_right(tokens, cue.end, att_end) {
                        // `," said Kevin Barrett, a lawyer at X, who represents Y.`
                        let m = if m.end < att_end && tokens[m.end].is_punct(',') {
                            m.start..trim_end(tokens, m.end, att_end)
                        } else {
                            m
                        };
                        found = Some((cue, Some(m), "quote-trailing-inverted"));
                    }
                } else if let Some(m) = subject_left(tokens, k, c) {
                    if m.start == k {
                        found = Some((cue, Some(m), "quote-trailing-attribution"));
                    }
                }
                // In the next sentence, the attribution must be all that
                // sentence says: "She adds, ..." or "He said the plan ..."
                // introduce new content, not this quote's speaker.
                if sent_of(&doc.sents, c) != sent_of(&doc.sents, q.close) {
                    if let Some((cue, m, _)) = &found {
                        let tail = cue.end.max(m.as_ref().map_or(0, |m| m.end));
                        let more = tokens[tail..att_end].iter().filter(|t| t.is_word()).count();
                        let adjunct_only = tail >= att_end
                            || !tokens[tail].is_word() && more <= 8
                            || adjunct(&tokens[tail]);
                        if !adjunct_only
                            || (tail < att_end
                                && tokens[tail].is_punct(',')
                                && tokens
                                    .get(tail + 1)
                                    .is_some_and(|t| t.kind == TokKind::Quote))
                        {
                            found = None;
                        }
                    }
                }
            }
        }
    }
    found
}

/// A quote signed with a dash: `"..." ― Sonya Herridge, Chicago`.
fn signed(doc: &Doc, q: &Quote, k: usize, para_end: usize) -> Option<Found> {
    let tokens = &doc.tokens;
    if q.closed
        && k < para_end
        && matches!(
            tokens[k].lower.as_str(),
            "\u{2015}" | "\u{2014}" | "\u{2013}" | "-" | "--"
        )
    {
        let end = doc.sents[sent_of(&doc.sents, k).min(doc.sents.len() - 1)]
            .tokens
            .end
            .max(k + 1);
        if let Some(m) = np_right(tokens, k + 1, end.min(para_end)).filter(|m| tokens[m.start].cap)
        {
            return Some((k..k + 1, Some(m), "quote-signed"));
        }
    }
    None
}

/// Later quotes of the same paragraph with no attribution of their own
/// continue the utterance: `"A," he said, "B."`, `"A," she said. "B."`
fn continue_utterance(
    doc: &Doc,
    qi: usize,
    q: &Quote,
    found: &Found,
    sent_close: usize,
    consumed_quote: &mut [bool],
    content: &mut Vec<Range<usize>>,
) {
    let tokens = &doc.tokens;
    let (cue, m, _) = found;
    let attribution = cue.start.min(m.as_ref().map_or(cue.start, |m| m.start))
        ..cue.end.max(m.as_ref().map_or(cue.end, |m| m.end));
    let para = doc.sents[sent_close].para;
    let mut last_end = q.close + 1;
    for (nq, q2) in doc.quotes.iter().enumerate().skip(qi + 1) {
        if consumed_quote[nq] || doc.sents[sent_of(&doc.sents, q2.open)].para != para {
            break;
        }
        // Between the parts: punctuation, the attribution, and the rest of
        // the attribution's sentence ("she said, clapping.").
        let att_sent = sent_of(&doc.sents, attribution.start);
        let glue_words = (last_end..q2.open)
            .filter(|&x| tokens[x].is_word() && !attribution.contains(&x))
            .count();
        let only_glue = glue_words <= 25
            && (last_end..q2.open).all(|x| {
                tokens[x].kind == TokKind::Punct
                    || attribution.contains(&x)
                    || sent_of(&doc.sents, x) == att_sent
            });
        if !only_glue || has_own_attribution(doc, q2, &attribution) {
            break;
        }
        consumed_quote[nq] = true;
        // One utterance, whether its attribution splits a sentence
        // (`"A," he said, "B."`) or stands between two (`"A," he said. "B."`):
        // one claim with a part per quote, as a quote of two sentences is.
        content.push(q2.open..q2.close + 1);
        last_end = q2.close + 1;
    }
}

/// Before the quote: `Mr X said: "..."` / `Mr X said, "..."`
fn leading(doc: &Doc, q: &Quote, s_open: &Sentence) -> Option<Found> {
    let tokens = &doc.tokens;
    let mut found: Option<Found> = None;
    if q.open > s_open.tokens.start {
        let mut c = q.open;
        while c > s_open.tokens.start && matches!(tokens[c - 1].lower.as_str(), ":" | ",") {
            c -= 1;
        }
        if c < q.open && c > s_open.tokens.start {
            let cue_end = c;
            // the cue is the last word(s) before the colon
            if let Some(cs) = (s_open.tokens.start..cue_end)
                .rev()
                .take(4)
                .find(|&x| {
                    cue_at(tokens, x).is_some_and(|(r, _)| {
                        r.end == cue_end
                            || (r.end + 1 == cue_end
                                && matches!(
                                    tokens[r.end].lower.as_str(),
                                    "him" | "her" | "them" | "us" | "reporters"
                                ))
                    })
                })
                .or_else(|| {
                    // The cue further back, with only where, when or to whom it
                    // was said before the colon: `told BBC Radio 4's Today
                    // programme:`, `said at a rally in Leeds on Monday:`.
                    (s_open.tokens.start..cue_end).rev().take(12).find(|&x| {
                        cue_at(tokens, x).is_some_and(|(r, _)| {
                            r.end < cue_end
                                && (r.end..cue_end).all(|y| {
                                    tokens[y].kind != TokKind::Quote
                                        && !matches!(
                                            tokens[y].lower.as_str(),
                                            "that" | "." | ";" | "?" | "!"
                                        )
                                        && cue_at(tokens, y).is_none()
                                })
                        })
                    })
                })
            {
                let (cue, _) = cue_at(tokens, cs).unwrap();
                if let Some(m) = subject_left(tokens, s_open.tokens.start, cs) {
                    found = Some((cue, Some(m), "quote-leading-attribution"));
                }
            }
        }
    }
    found
}

/// A direct quote, or a mixed one when its sentence says more before it.
fn kind_of(
    doc: &Doc,
    q: &Quote,
    s_open: &Sentence,
    found: &Option<Found>,
    content: &mut [Range<usize>],
) -> ClaimKind {
    let tokens = &doc.tokens;
    let mut kind = ClaimKind::DirectQuote;
    // Text before the quote in its sentence that is not its attribution
    // makes it a mixed quote: `Strikes will trigger a "massive wave ...," he warned.`
    if let Some((_, _, rule)) = &found {
        // A mark right after a full stop opens the next sentence, even
        // where the segmenter kept it with the last one (`... nothing. '' You`).
        let after_stop = q.open > s_open.tokens.start
            && matches!(tokens[q.open - 1].lower.as_str(), "." | "!" | "?");
        if *rule != "quote-leading-attribution" && q.open > s_open.tokens.start && !after_stop {
            let lead = &tokens[s_open.tokens.start..q.open];
            if lead.iter().filter(|t| t.kind == TokKind::Word).count() >= 2 {
                kind = ClaimKind::MixedQuote;
                content[0].start = s_open.tokens.start;
            }
        }
    }
    kind
}

/// An attributed quote; an unattributed one just before it in the same
/// paragraph is the same speaker's.
fn attributed(
    doc: &Doc,
    claims: &mut Vec<RawClaim>,
    used_cue: &mut [bool],
    (cue, mention, rule): Found,
    mut content: Vec<Range<usize>>,
    s_open: &Sentence,
    kind: ClaimKind,
) {
    let tokens = &doc.tokens;
    for c in cue.clone() {
        used_cue[c] = true;
    }
    // `"A." "B," she said.`: the quote before, left unattributed, is hers too.
    while let Some(prev) = claims.last() {
        let p_end = prev.content.last().map_or(0, |r| r.end);
        let same_para = doc.sents[sent_of(&doc.sents, prev.first_token())].para == s_open.para;
        let glue = (p_end..content[0].start).all(|x| tokens[x].kind == TokKind::Punct);
        if prev.rule == "quote-unattributed" && same_para && glue && p_end <= content[0].start {
            let mut merged = claims.pop().map(|c| c.content).unwrap_or_default();
            merged.append(&mut content);
            content = merged;
        } else {
            break;
        }
    }
    claims.push(RawClaim {
        kind,
        content,
        cue: Some(cue),
        mention,
        rule,
        confidence: if rule == "quote-leading-attribution" {
            0.85
        } else {
            0.9
        },
        inherit_from: None,
    });
}

/// No attribution next to the quote: a paragraph that is only a quote,
/// right after an attributed one, continues that speaker; otherwise the
/// quote is kept, honestly unattributed.
fn unattributed(
    doc: &Doc,
    claims: &mut Vec<RawClaim>,
    q: &Quote,
    content: Vec<Range<usize>>,
    s_open: &Sentence,
    kind: ClaimKind,
) {
    let tokens = &doc.tokens;
    // A paragraph that is only a quote, right after an attributed
    // one, continues the same speaker.
    let para = s_open.para;
    let para_toks = &doc.paras[para].tokens;
    let only_quote = q.open == para_toks.start
        && tokens[q.close + 1..para_toks.end.max(q.close + 1)]
            .iter()
            .all(|t| t.kind == TokKind::Punct);
    let prev = claims.iter().rposition(|c| {
        let p = doc.sents[sent_of(&doc.sents, c.first_token())].para;
        p + 2 >= para
            && p < para
            && matches!(
                c.kind,
                ClaimKind::DirectQuote | ClaimKind::MixedQuote | ClaimKind::IndirectQuote
            )
    });
    if let Some(prev) = prev.filter(|_| only_quote) {
        claims.push(RawClaim {
            kind,
            content,
            cue: None,
            mention: claims[prev].mention.clone(),
            rule: "quote-paragraph-continuation",
            confidence: 0.75,
            inherit_from: Some(prev),
        });
    } else if q.utterance && q.words >= 4 {
        // Nobody named: keep the quote, honestly unattributed,
        // unless a reported-speech rule takes it below.
        claims.push(RawClaim {
            kind,
            content,
            cue: None,
            mention: None,
            rule: "quote-unattributed",
            confidence: 0.3,
            inherit_from: None,
        });
    }
}

/// A cue right after the quote, in its sentence: the quote has its own speaker.
fn has_own_attribution(doc: &Doc, q: &Quote, current: &Range<usize>) -> bool {
    let s = &doc.sents[sent_of(&doc.sents, q.close).min(doc.sents.len() - 1)];
    let para_end = doc.paras[s.para].tokens.end;
    let sent_end = s.tokens.end.max(q.close + 1);
    let after = (q.close + 1..(q.close + 10).max(sent_end).min(para_end))
        .take_while(|&c| {
            !(doc.tokens[c].kind == TokKind::Quote
                || matches!(doc.tokens[c].lower.as_str(), "." | "!" | "?"))
        })
        .any(|c| cue_at(&doc.tokens, c).is_some());
    let so = &doc.sents[sent_of(&doc.sents, q.open).min(doc.sents.len() - 1)];
    let before = q.open > so.tokens.start
        && matches!(doc.tokens[q.open - 1].lower.as_str(), ":")
        && (so.tokens.start..q.open)
            .any(|c| !current.contains(&c) && cue_at(&doc.tokens, c).is_some());
    after || before
}

/// A quote nobody is named beside, right after a claim whose speaker is
/// known (same or next paragraph, a few words of narration at most and no
/// other cue between): the same speaker goes on. Catches `he said: "A. "B.`
/// in copy whose paragraph breaks were lost, and `"A," she said.` followed
/// by a paragraph that opens with a quote and goes on after it.
pub(super) fn continue_speaker(doc: &Doc, claims: &mut [RawClaim]) {
    let tokens = &doc.tokens;
    let para_of = |t: usize| doc.sents[sent_of(&doc.sents, t).min(doc.sents.len() - 1)].para;
    for k in 1..claims.len() {
        if claims[k].rule != "quote-unattributed" {
            continue;
        }
        let prev = &claims[k - 1];
        if prev.mention.is_none() && prev.inherit_from.is_none()
            || prev.rule.starts_with("headline")
        {
            continue;
        }
        let open = claims[k].first_token();
        let prev_end = prev
            .content
            .iter()
            .map(|r| r.end)
            .chain(prev.cue.iter().map(|r| r.end))
            .chain(prev.mention.iter().map(|r| r.end))
            .max()
            .unwrap_or(0);
        if prev_end > open || para_of(open) > para_of(prev_end.saturating_sub(1)) + 1 {
            continue;
        }
        let gap = prev_end..open;
        let words = gap.clone().filter(|&x| tokens[x].is_word()).count();
        let spoken = gap.clone().any(|x| cue_at(tokens, x).is_some());
        // Someone named in the narration between may be the next speaker.
        let named = gap.clone().any(|x| {
            tokens[x].cap
                && tokens[x].is_word()
                && x > doc.sents[sent_of(&doc.sents, x)].tokens.start
        });
        if words > 12 || spoken || named {
            continue;
        }
        let mention = prev.mention.clone();
        let c = &mut claims[k];
        c.mention = mention;
        c.inherit_from = Some(k - 1);
        c.rule = "quote-continuation";
        c.confidence = 0.6;
    }
}
