//! Stage 5: attribution rules. Each rule finds a claim's content, its cue and
//! its speaker mention, and names itself so every claim can say why it exists.

use super::lexicon;
use super::mentions::{np_right, subject_left};
use super::segment::Sentence;
use super::tokens::{TokKind, Token};
use super::Doc;
use crate::domain::ClaimKind;
use std::ops::Range;

/// A claim before its speaker is resolved; ranges are token ranges.
#[derive(Debug, Clone)]
pub struct RawClaim {
    pub kind: ClaimKind,
    pub content: Vec<Range<usize>>,
    pub cue: Option<Range<usize>>,
    pub mention: Option<Range<usize>>,
    pub rule: &'static str,
    pub confidence: f32,
    /// Speaker taken from an earlier claim (continuation paragraphs, coordinated verbs).
    pub inherit_from: Option<usize>,
}

impl RawClaim {
    /// Reported speech: mixed when its content holds a quotation.
    pub fn reported(
        tokens: &[Token],
        content: Range<usize>,
        cue: Range<usize>,
        mention: Option<Range<usize>>,
        rule: &'static str,
        confidence: f32,
    ) -> RawClaim {
        let quoted = tokens[content.clone()]
            .iter()
            .any(|t| t.kind == TokKind::Quote);
        RawClaim {
            kind: if quoted {
                ClaimKind::MixedQuote
            } else {
                ClaimKind::IndirectQuote
            },
            content: vec![content],
            cue: Some(cue),
            mention,
            rule,
            confidence,
            inherit_from: None,
        }
    }

    pub fn first_token(&self) -> usize {
        self.content.iter().map(|r| r.start).min().unwrap_or(0)
    }
}

/// Learned cues below this precision are ignored.
const LEARNED_MIN: f32 = 0.3;
/// Learned-only cues below this precision need "that" or a quote after them.
const STRONG: f32 = 0.6;
/// Weak cues at least this precise after a subject take a plain object as
/// their content ("endorsed Mr. Sanders"), not only a "that" clause.
const OBJECT_MIN: f32 = 0.3;
/// Lexicon cues below this learned precision are not cues at all.
const NEVER_BELOW: f32 = 0.08;
/// Lexicon cues this rarely used as cues in annotated news need "that" too.
const WEAK_BELOW: f32 = 0.25;

/// An attribution found next to a quote: cue, speaker mention, rule.
type Found = (Range<usize>, Option<Range<usize>>, &'static str);

/// A reporting cue at token `i`: its token range, and whether it is weak.
pub fn cue_at(tokens: &[Token], i: usize) -> Option<(Range<usize>, bool)> {
    let t = &tokens[i];
    if t.kind != TokKind::Word {
        return None;
    }
    if t.lower == "according" && tokens.get(i + 1).is_some_and(|n| n.lower == "to") {
        return Some((i..i + 2, false));
    }
    // Capitalised mid-sentence it is a name ("Islamic State"), not a verb.
    if t.cap && i > 0 && !matches!(tokens[i - 1].kind, TokKind::Quote | TokKind::Punct) {
        return None;
    }
    if after_determiner(tokens, i) {
        return None;
    }
    if passive(tokens, i) {
        return None;
    }
    let learned = lexicon::learned_cue(&t.lower);
    let Some(lemma) = lexicon::reporting_lemma(&t.lower) else {
        // Cues learned from annotated news, trusted when precise enough.
        return learned
            .filter(|&p| p >= LEARNED_MIN && !lexicon::np_boundary(&t.lower))
            .map(|p| (with_preposition(tokens, i), p < STRONG));
    };
    if let Some(parts) = lexicon::particles(lemma) {
        if let Some(n) = tokens.get(i + 1) {
            if parts.contains(&n.lower.as_str()) {
                // "pushed back against"
                let mut end = i + 2;
                if n.lower == "back"
                    && tokens
                        .get(i + 2)
                        .is_some_and(|x| matches!(x.lower.as_str(), "against" | "on"))
                {
                    end += 1;
                }
                return Some((i..end, false));
            }
        }
        // "called the plan a disaster": naming takes its object and what it is
        // called, no "that" needed; not "a group called X" (a participle).
        if lemma == "call"
            && t.lower != "call"
            && i > 0
            && !lexicon::determiner(&tokens[i - 1].lower)
            && tokens.get(i + 1).is_some_and(|n| {
                n.is_word()
                    && (lexicon::determiner(&n.lower)
                        || matches!(
                            n.lower.as_str(),
                            "him" | "her" | "them" | "it" | "his" | "their"
                        ))
            })
        {
            return Some((i..i + 1, false));
        }
        if lexicon::particle_only(lemma) {
            return learned
                .filter(|&p| p >= LEARNED_MIN)
                .map(|p| (i..i + 1, p < STRONG));
        }
    }
    // A lexicon verb that annotated news almost never uses as a cue ("state",
    // "estimate") is a noun or another sense here.
    if learned.is_some_and(|p| p < NEVER_BELOW) {
        return None;
    }
    // "called the plan a disaster": naming verbs take their content directly.
    if matches!(lemma, "call" | "describe") {
        return Some((i..i + 1, false));
    }
    let weak = lexicon::is_weak(lemma) || learned.is_some_and(|p| p < WEAK_BELOW);
    Some((with_preposition(tokens, i), weak))
}

/// A weak cue whose object is its content: "endorsed Mr. Sanders", "accused
/// him of lying". Only for forms annotated news often uses this way.
fn takes_object(
    tokens: &[Token],
    subject: &Range<usize>,
    cue: &Range<usize>,
    start: usize,
    en: usize,
) -> bool {
    let form = &tokens[cue.start].lower;
    // "a group called Hope Now": a participle after an indefinite noun names it.
    if matches!(tokens[subject.start].lower.as_str(), "a" | "an") && form.ends_with("ed") {
        return false;
    }
    let p = lexicon::framed_cue(form).or_else(|| lexicon::learned_cue(form));
    p.is_some_and(|p| p >= OBJECT_MIN)
        && start < en
        && (tokens[start].is_word() || tokens[start].kind == TokKind::Number)
}

/// "the said", "a report", "the call for": nouns, not verbs.
fn after_determiner(tokens: &[Token], i: usize) -> bool {
    i > 0 && (lexicon::determiner(&tokens[i - 1].lower) || tokens[i - 1].lower == "'s")
}

/// Past participles after "be" are passives ("was told", "was asked by"):
/// not cues of the subject.
fn passive(tokens: &[Token], i: usize) -> bool {
    let t = &tokens[i].lower;
    i > 0
        && matches!(
            tokens[i - 1].lower.as_str(),
            "was" | "were" | "been" | "be" | "is" | "are" | "being"
        )
        && (t.ends_with("ed") || t.ends_with("told"))
}

/// A form that is a cue only after a subject ("voters think", "polls show"):
/// its learned precision in that frame.
fn framed_cue_at(tokens: &[Token], st: usize, i: usize) -> Option<(Range<usize>, bool)> {
    let t = &tokens[i];
    // "quickly noted": the adverb opens annotated cues but is not one.
    if t.kind != TokKind::Word || t.cap || lexicon::np_boundary(&t.lower) || t.lower.ends_with("ly")
    {
        return None;
    }
    if after_determiner(tokens, i) {
        return None;
    }
    if passive(tokens, i) {
        return None;
    }
    let p = lexicon::framed_cue(&t.lower).filter(|&p| p >= LEARNED_MIN)?;
    subject_left(tokens, st, i)?;
    Some((with_preposition(tokens, i), p < STRONG))
}

/// "complained about X", "spoke of X", "warned against X": the preposition
/// belongs to the cue, the content is its object. Not "said on Tuesday".
fn with_preposition(tokens: &[Token], i: usize) -> Range<usize> {
    let takes = |t: &Token| matches!(t.lower.as_str(), "about" | "of" | "against" | "over");
    match (tokens.get(i + 1), tokens.get(i + 2)) {
        (Some(p), Some(n))
            if takes(p) && !lexicon::is_weekday_or_month(&n.lower) && !n.is_punct(',') =>
        {
            i..i + 2
        }
        _ => i..i + 1,
    }
}

fn sent_of(sents: &[Sentence], tok: usize) -> usize {
    sents.partition_point(|s| s.tokens.end <= tok)
}

/// The content's last token before sentence-final punctuation.
/// Reported content ends where a new clause with its own subject begins:
/// "..., and Democrats accused the GOP", "...; the rest".
fn clause_end(tokens: &[Token], in_quote: &[bool], start: usize, end: usize) -> usize {
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
fn through_quote(doc: &Doc, start: usize, end: usize) -> usize {
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

fn trim_end(tokens: &[Token], start: usize, mut end: usize) -> usize {
    while end > start
        && tokens[end - 1].kind == TokKind::Punct
        && !matches!(tokens[end - 1].lower.as_str(), ")" | "%")
    {
        end -= 1;
    }
    end
}

pub fn find(doc: &Doc) -> Vec<RawClaim> {
    let tokens = &doc.tokens;
    let mut claims: Vec<RawClaim> = Vec::new();
    let mut used_cue = vec![false; tokens.len()];
    let mut consumed_quote = vec![false; doc.quotes.len()];

    // Direct quotes first: their attribution sits right next to the marks.
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
        let mut found: Option<Found> = None;

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
        // A quote signed with a dash: `"..." ― Sonya Herridge, Chicago`.
        if found.is_none()
            && q.closed
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
            if let Some(m) =
                np_right(tokens, k + 1, end.min(para_end)).filter(|m| tokens[m.start].cap)
            {
                found = Some((k..k + 1, Some(m), "quote-signed"));
            }
        }
        // Later quotes of the same paragraph with no attribution of their own
        // continue the utterance: `"A," he said, "B."`, `"A," she said. "B."`
        if let Some((cue, m, _)) = &found {
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
        // Before the quote: `Mr X said: "..."` / `Mr X said, "..."`
        if found.is_none() && q.open > s_open.tokens.start {
            let mut c = q.open;
            while c > s_open.tokens.start && matches!(tokens[c - 1].lower.as_str(), ":" | ",") {
                c -= 1;
            }
            if c < q.open && c > s_open.tokens.start {
                let cue_end = c;
                // the cue is the last word(s) before the colon
                if let Some(cs) = (s_open.tokens.start..cue_end).rev().take(4).find(|&x| {
                    cue_at(tokens, x).is_some_and(|(r, _)| {
                        r.end == cue_end
                            || (r.end + 1 == cue_end
                                && matches!(
                                    tokens[r.end].lower.as_str(),
                                    "him" | "her" | "them" | "us" | "reporters"
                                ))
                    })
                }) {
                    let (cue, _) = cue_at(tokens, cs).unwrap();
                    if let Some(m) = subject_left(tokens, s_open.tokens.start, cs) {
                        found = Some((cue, Some(m), "quote-leading-attribution"));
                    }
                }
            }
        }
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
        match found {
            Some((cue, mention, rule)) => {
                for c in cue.clone() {
                    used_cue[c] = true;
                }
                // `"A." "B," she said.`: the quote before, left unattributed, is hers too.
                while let Some(prev) = claims.last() {
                    let p_end = prev.content.last().map_or(0, |r| r.end);
                    let same_para =
                        doc.sents[sent_of(&doc.sents, prev.first_token())].para == s_open.para;
                    let glue = (p_end..content[0].start).all(|x| tokens[x].kind == TokKind::Punct);
                    if prev.rule == "quote-unattributed"
                        && same_para
                        && glue
                        && p_end <= content[0].start
                    {
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
            None => {
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
                            ClaimKind::DirectQuote
                                | ClaimKind::MixedQuote
                                | ClaimKind::IndirectQuote
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
        }
    }

    // Tokens inside attributed direct quotes hold no reported speech of their own.
    let mut in_claim = vec![false; tokens.len()];
    for c in &claims {
        if c.rule == "quote-unattributed" {
            continue;
        }
        for r in &c.content {
            for x in r.clone() {
                in_claim[x] = true;
            }
        }
    }
    let in_quote = &doc.in_quote;

    // Reported speech, sentence by sentence.
    for s in &doc.sents {
        if doc.paras[s.para].heading || s.question {
            continue;
        }
        let st = s.tokens.start;
        let en = s.tokens.end;
        let mut sent_claims: Vec<usize> = Vec::new();
        let mut i = st;
        while i < en {
            if used_cue[i] || in_claim[i] || in_quote[i] {
                i += 1;
                continue;
            }
            let Some((cue, weak)) = cue_at(tokens, i).or_else(|| framed_cue_at(tokens, st, i))
            else {
                i += 1;
                continue;
            };
            if cue.end > en {
                break;
            }
            // "according to X, ..." / "..., according to X."
            if tokens[i].lower == "according" {
                // "according to federal statistics": any short phrase up to a comma or the end.
                let any_np = || {
                    let e = (cue.end..en)
                        .find(|&x| tokens[x].kind == TokKind::Punct)
                        .unwrap_or(en);
                    (e > cue.end && e - cue.end <= 8).then_some(cue.end..e)
                };
                if let Some(m) = np_right(tokens, cue.end, en).or_else(any_np) {
                    let content = if i == st || (i == st + 1 && !tokens[st].is_word()) {
                        let mut a = m.end;
                        if a < en && tokens[a].is_punct(',') {
                            a += 1;
                        }
                        a..trim_end(tokens, a, en)
                    } else {
                        let mut e = i;
                        if e > st && tokens[e - 1].is_punct(',') {
                            e -= 1;
                        }
                        st..e
                    };
                    if content.len() >= 3 {
                        push_reported(
                            &mut claims,
                            &mut sent_claims,
                            RawClaim::reported(
                                tokens,
                                content,
                                cue.clone(),
                                Some(m),
                                "according-to",
                                0.85,
                            ),
                        );
                    }
                }
                i = cue.end;
                continue;
            }
            let subject = subject_left(tokens, st, i).filter(|m| !m.clone().any(|x| in_claim[x]));
            // A later cue must open a clause of its own (", but he added"),
            // otherwise it is nested in the earlier claim's content.
            if let (Some(m), Some(&last)) = (&subject, sent_claims.last()) {
                let b = m.start;
                let opens_clause = b > st
                    && (tokens[b - 1].is_punct(',')
                        || tokens[b - 1].is_punct(';')
                        || (b >= st + 2
                            && matches!(
                                tokens[b - 1].lower.as_str(),
                                "but" | "while" | "whereas" | "and"
                            )
                            && tokens[b - 2].is_punct(',')));
                let inside = claims[last].content.iter().any(|r| r.contains(&b));
                if inside && !opens_clause {
                    i = cue.end;
                    continue;
                }
            }
            match subject {
                Some(m) => {
                    let after = cue.end;
                    let before_comma = m.start > st && tokens[m.start - 1].is_punct(',');
                    // "said that ...", "said Tuesday that ...", "told reporters that ...";
                    // but in "vetoed legislation that would ..." the "that" is relative.
                    let that_follows = (after..(after + 8).min(en)).find(|&x| {
                        tokens[x].lower == "that"
                            && !tokens[after..x].iter().any(|t| t.is_punct(','))
                            && (x == after
                                || adjunct(&tokens[after])
                                || lexicon::takes_addressee(
                                    lexicon::reporting_lemma(&tokens[cue.start].lower)
                                        .unwrap_or(""),
                                )
                                || !(tokens[x - 1].is_word()
                                    && !tokens[x - 1].cap
                                    && !lexicon::is_weekday_or_month(&tokens[x - 1].lower)))
                    });
                    let lemma = lexicon::reporting_lemma(&tokens[cue.start].lower).unwrap_or("");
                    let clause_start = if lemma == "tell" {
                        skip_addressee(tokens, after, en)
                    } else {
                        after
                    };
                    // Nothing but an adjunct after the cue ("said Friday", "said of the
                    // election", "told The Post."): the content is before the subject.
                    let nothing_follows = clause_start >= en
                        || tokens[clause_start].kind == TokKind::Punct && tokens[clause_start].lower != "\u{201c}"
                        // "said Friday", "said on Tuesday": a short adjunct to the sentence's end.
                        || adjunct(&tokens[clause_start]) && en - clause_start <= 6;
                    if before_comma
                        && that_follows.is_none()
                        && nothing_follows
                        && sent_claims.is_empty()
                    {
                        // Postposed: "Content, a source said." or parenthetical:
                        // "But to prevent problems, he said, officials should be vigilant."
                        let mut content: Vec<Range<usize>> = Vec::with_capacity(2);
                        content.push(st..m.start - 1);
                        let resumes = clause_start < en
                            && tokens[clause_start].is_punct(',')
                            && clause_start + 1 < en
                            && {
                                let n = &tokens[clause_start + 1];
                                (n.cap || !n.lower.ends_with("ing")) && !adjunct(n)
                            };
                        if resumes {
                            let e = trim_end(tokens, clause_start + 1, en);
                            if e > clause_start + 3 {
                                content.push(clause_start + 1..e);
                            }
                        }
                        if content.iter().map(|r| r.len()).sum::<usize>() >= 3 {
                            let n = claims.len();
                            push_reported(
                                &mut claims,
                                &mut sent_claims,
                                RawClaim::reported(
                                    tokens,
                                    content[0].clone(),
                                    cue.clone(),
                                    Some(m),
                                    "reported-postposed",
                                    0.8,
                                ),
                            );
                            claims[n].content = content;
                        }
                    } else {
                        let start = match that_follows {
                            Some(x) => x,
                            // "told reporters the plan was dead": skip who was told.
                            None if lemma == "tell" => skip_addressee(tokens, after, en),
                            None => after,
                        };
                        let starts_quote = start < en && tokens[start].kind == TokKind::Quote;
                        let wh_clause = start < en
                            && matches!(
                                tokens[start].lower.as_str(),
                                "what"
                                    | "whether"
                                    | "how"
                                    | "why"
                                    | "who"
                                    | "if"
                                    | "when"
                                    | "where"
                            );
                        if weak
                            && that_follows.is_none()
                            && !starts_quote
                            && !wh_clause
                            && !takes_object(tokens, &m, &cue, start, en)
                        {
                            i = cue.end;
                            continue;
                        }
                        // A sentence opening with a subordinate clause ends the
                        // content at the clause's comma.
                        let subordinate = matches!(
                            tokens[st].lower.as_str(),
                            "although"
                                | "though"
                                | "while"
                                | "as"
                                | "because"
                                | "if"
                                | "when"
                                | "since"
                                | "after"
                                | "before"
                                | "whereas"
                        );
                        let mut end = en;
                        if subordinate && m.start <= st + 2 {
                            if let Some(c) =
                                (start..en).find(|&x| tokens[x].is_punct(',') && !in_quote[x])
                            {
                                end = c;
                            }
                        }
                        let end = clause_end(tokens, in_quote, start, end);
                        let end = trim_end(tokens, start, through_quote(doc, start, end));
                        if end > start
                            && tokens[start..end]
                                .iter()
                                .filter(|t| t.is_word() || t.kind == TokKind::Number)
                                .count()
                                >= 2
                        {
                            // Trim the previous claim of this sentence at this clause.
                            close_previous(&mut claims, &sent_claims, tokens, m.start);
                            push_reported(
                                &mut claims,
                                &mut sent_claims,
                                RawClaim::reported(
                                    tokens,
                                    start..end,
                                    cue.clone(),
                                    Some(m),
                                    "reported-speech",
                                    if weak { 0.6 } else { 0.8 },
                                ),
                            );
                        }
                    }
                }
                None => {
                    let prev_and = i > st && tokens[i - 1].lower == "and";
                    if prev_and && !sent_claims.is_empty() {
                        // Coordinated cue sharing the subject: "X called for A and urged B".
                        let last = *sent_claims.last().unwrap();
                        let start = cue.end;
                        let end = trim_end(tokens, start, en);
                        if end > start + 1 {
                            close_previous(&mut claims, &sent_claims, tokens, i - 1);
                            let m = claims[last].mention.clone();
                            push_reported(
                                &mut claims,
                                &mut sent_claims,
                                RawClaim::reported(
                                    tokens,
                                    start..end,
                                    cue.clone(),
                                    m,
                                    "reported-coordinated",
                                    0.7,
                                ),
                            );
                            let n = claims.len() - 1;
                            claims[n].inherit_from = Some(last);
                        }
                    } else if prev_and && !weak {
                        // "Mr. Schultz supported Democrats ... and said he did not":
                        // the sentence's subject, when it opens the sentence.
                        let m = opening_subject(tokens, st, en).filter(|r| r.end < i);
                        let that =
                            (cue.end..(cue.end + 6).min(en)).find(|&x| tokens[x].lower == "that");
                        let start = that.unwrap_or(cue.end);
                        let end = trim_end(tokens, start, clause_end(tokens, in_quote, start, en));
                        if let Some(m) = m.filter(|_| end > start + 1) {
                            push_reported(
                                &mut claims,
                                &mut sent_claims,
                                RawClaim::reported(
                                    tokens,
                                    start..end,
                                    cue.clone(),
                                    Some(m),
                                    "reported-coordinated",
                                    0.6,
                                ),
                            );
                        }
                    } else if tokens[i].lower.ends_with("ing")
                        && i > st + 1
                        && tokens[i - 1].is_punct(',')
                    {
                        // "X did Y, saying Z": the sentence's subject speaks.
                        let last = sent_claims.last().copied().or_else(|| {
                            // `"...," Trump said, adding that ...`: the quote's speaker.
                            claims.iter().rposition(|c| {
                                c.cue
                                    .as_ref()
                                    .is_some_and(|cu| cu.start >= st && cu.end <= i)
                            })
                        });
                        let m = last
                            .and_then(|l| claims[l].mention.clone())
                            .or_else(|| opening_subject(tokens, st, en));
                        let that =
                            (cue.end..(cue.end + 6).min(en)).find(|&x| tokens[x].lower == "that");
                        let mut start = that.unwrap_or(cue.end);
                        if start < en && tokens[start].is_punct(',') {
                            start += 1;
                        }
                        let end = trim_end(tokens, start, en);
                        if let Some(m) = m.filter(|_| end > start + 1 && (!weak || that.is_some()))
                        {
                            close_previous(&mut claims, &sent_claims, tokens, i - 1);
                            push_reported(
                                &mut claims,
                                &mut sent_claims,
                                RawClaim::reported(
                                    tokens,
                                    start..end,
                                    cue.clone(),
                                    Some(m),
                                    "reported-participle",
                                    0.6,
                                ),
                            );
                            if let Some(l) = last {
                                let n = claims.len() - 1;
                                claims[n].inherit_from = Some(l);
                            }
                        }
                    } else if i > st && tokens[i - 1].is_punct(',') && sent_claims.is_empty() {
                        // Inverted: "Content, said Mr X."
                        if let Some(m) = np_right(tokens, cue.end, en) {
                            let content = st..i - 1;
                            // "..., said Jeffrey Trimble, a former official."
                            let m = if m.end < en && tokens[m.end].is_punct(',') {
                                m.start..trim_end(tokens, m.end, en)
                            } else {
                                m
                            };
                            if content.len() >= 3 && trim_end(tokens, m.end, en) == m.end {
                                push_reported(
                                    &mut claims,
                                    &mut sent_claims,
                                    RawClaim::reported(
                                        tokens,
                                        content,
                                        cue.clone(),
                                        Some(m),
                                        "reported-inverted",
                                        0.75,
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            i = cue.end;
        }
    }
    // An unattributed quote that a reported-speech claim covers is part of it.
    let covered: Vec<bool> = claims
        .iter()
        .map(|c| {
            c.rule == "quote-unattributed"
                && claims.iter().any(|o| {
                    o.rule != "quote-unattributed"
                        && o.content.iter().any(|r| {
                            c.content
                                .iter()
                                .all(|x| r.start <= x.start && x.end <= r.end + 1)
                        })
                })
        })
        .collect();
    let mut kept = vec![usize::MAX; claims.len()];
    let mut n = 0;
    for (k, c) in covered.iter().enumerate() {
        if !c {
            kept[k] = n;
            n += 1;
        }
    }
    let mut k = 0;
    claims.retain(|_| {
        k += 1;
        !covered[k - 1]
    });
    for c in claims.iter_mut() {
        c.inherit_from = c.inherit_from.map(|p| kept[p]).filter(|&p| p != usize::MAX);
    }
    // Trimming may have cut a quoted fragment out of a claim.
    for c in claims.iter_mut() {
        if matches!(c.kind, ClaimKind::MixedQuote | ClaimKind::IndirectQuote) {
            let quoted = c
                .content
                .iter()
                .any(|r| tokens[r.clone()].iter().any(|t| t.kind == TokKind::Quote));
            c.kind = if quoted {
                ClaimKind::MixedQuote
            } else {
                ClaimKind::IndirectQuote
            };
        }
    }
    // A headline that attributes, unless a rule above already took it.
    if let Some(h) = super::headline::find(doc) {
        let title_end = doc.paras[0].tokens.end;
        if !claims
            .iter()
            .any(|c| c.content.iter().any(|r| r.start < title_end))
        {
            claims.push(h);
        }
    }
    // Sort by position, keeping `inherit_from` pointing at the same claims.
    // Rules that trim may leave nothing: a claim needs some content.
    for c in claims.iter_mut() {
        c.content.retain(|r| !r.is_empty());
    }
    let mut order: Vec<usize> = (0..claims.len())
        .filter(|&k| !claims[k].content.is_empty())
        .collect();
    order.sort_by_key(|&k| claims[k].first_token());
    let mut new_index = vec![usize::MAX; claims.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut sorted: Vec<RawClaim> = order.iter().map(|&k| claims[k].clone()).collect();
    for c in sorted.iter_mut() {
        c.inherit_from = c
            .inherit_from
            .map(|p| new_index[p])
            .filter(|&p| p != usize::MAX);
    }
    sorted
}

/// The noun phrase opening a sentence, when it names someone or is a pronoun:
/// the subject that later verbs of the sentence share.
fn opening_subject(tokens: &[Token], st: usize, en: usize) -> Option<Range<usize>> {
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
fn adjunct(t: &Token) -> bool {
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
fn skip_addressee(tokens: &[Token], from: usize, end: usize) -> usize {
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

/// A cue right after the quote, in its sentence: the quote has its own speaker.
fn has_own_attribution(doc: &Doc, q: &super::quotes::Quote, current: &Range<usize>) -> bool {
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

fn close_previous(claims: &mut [RawClaim], sent_claims: &[usize], tokens: &[Token], at: usize) {
    if let Some(&last) = sent_claims.last() {
        if let Some(r) = claims[last].content.last_mut() {
            if r.start < at && at < r.end {
                let mut e = at;
                while e > r.start
                    && (tokens[e - 1].kind == TokKind::Punct
                        || matches!(
                            tokens[e - 1].lower.as_str(),
                            "but" | "while" | "and" | "whereas"
                        ))
                {
                    e -= 1;
                }
                r.end = e.max(r.start + 1);
            }
        }
    }
}

/// A claim of the sentence being read: kept, and remembered as the sentence's.
fn push_reported(claims: &mut Vec<RawClaim>, sent_claims: &mut Vec<usize>, claim: RawClaim) {
    claims.push(claim);
    sent_claims.push(claims.len() - 1);
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    #[test]
    fn a_claim_trimmed_to_nothing_is_dropped_not_a_panic() {
        // Found by the property test: a cue whose content trims away.
        let e = extract(", Mr warned , said said said \"");
        assert!(e.claims.iter().all(|c| !c.content.is_empty()));
    }

    #[test]
    fn naming_someone_something_is_a_claim_without_that() {
        let e = extract("Title\n\nThe senator called the decision an absolute disgrace.\n\nA group called Hope Now met on Monday.");
        let texts: Vec<&str> = e.claims.iter().map(|c| c.text.as_str()).collect();
        assert!(
            texts.contains(&"the decision an absolute disgrace"),
            "{texts:?}"
        );
        assert!(!texts.iter().any(|t| t.contains("Hope Now")), "{texts:?}");
    }

    fn claim<'a>(
        e: &'a super::super::Extraction,
        text: &str,
    ) -> Option<&'a super::super::ExtractedClaim> {
        e.claims.iter().find(|c| c.text == text)
    }

    /// Whether any claim is attributed to a speaker whose name passes `name`.
    fn spoken_by(e: &super::super::Extraction, name: impl Fn(&str) -> bool) -> bool {
        e.claims
            .iter()
            .any(|c| c.speakers.iter().any(|&k| name(&e.speakers[k].name)))
    }

    #[test]
    fn a_quote_resumed_after_its_attribution_is_one_claim_in_two_parts() {
        let src = "Title\n\n\"It is heartbreaking,\" Ryan said. \"This country has to find new ways to heal.\"";
        let e = extract(src);
        let quotes: Vec<_> = e
            .claims
            .iter()
            .filter(|c| c.cue.is_some() || c.speaker_mention.is_some())
            .collect();
        assert_eq!(quotes.len(), 1, "{:?}", e.claims);
        assert_eq!(quotes[0].content.len(), 2);
        let chars: Vec<char> = src.chars().collect();
        let part = |k: usize| -> String {
            let s = quotes[0].content[k];
            chars[s.start as usize..s.end as usize].iter().collect()
        };
        assert!(part(1).contains("new ways to heal"), "{}", part(1));
    }

    #[test]
    fn verbs_that_report_only_after_a_subject_are_cues_there() {
        // "believe" is rarely a cue on its own; after a subject, annotated news
        // counts it as one.
        let e = extract("Title\n\nMost Democrats believe the economy has improved since 2009.");
        assert!(
            claim(&e, "the economy has improved since 2009").is_some(),
            "{:?}",
            e.claims
        );
    }

    #[test]
    fn a_weak_cue_after_a_subject_takes_its_object_as_content() {
        let e = extract("Title\n\nIn 2016, Mrs. Schlafly endorsed Donald J. Trump for president.");
        let c = claim(&e, "Donald J. Trump for president").expect("endorsement claim");
        assert!(c.speaker_mention.is_some());
    }

    #[test]
    fn the_noun_before_a_coordinated_verb_is_not_its_subject() {
        let e = extract(
            "Title\n\nTrump spotted a sign in the crowd and asked it to be fetched for him.",
        );
        assert!(!spoken_by(&e, |n| n.contains("crowd")), "{:?}", e.claims);
    }

    #[test]
    fn a_quote_opened_after_a_full_stop_is_not_mixed_with_the_sentence_before() {
        // Texts typed with '' for both marks, tokens spaced out.
        let e = extract("Title\n\nThe mood was calm . '' We will win this fight , '' he said .");
        let c = e
            .claims
            .iter()
            .find(|c| c.text.contains("win this fight"))
            .expect("the quote");
        assert_eq!(c.kind, crate::domain::ClaimKind::DirectQuote);
        assert!(!c.text.contains("mood"), "{}", c.text);
    }

    #[test]
    fn a_date_inside_the_content_stays_in_it() {
        let e = extract("Title\n\nPolice said there were 2,521 shooting incidents in the city between January 1 and September 18.");
        assert!(
            claim(&e, "there were 2,521 shooting incidents in the city between January 1 and September 18").is_some(),
            "{:?}",
            e.claims
        );
        let e =
            extract("Title\n\nThe senator called the plan a disgrace Wednesday on a radio show.");
        assert!(claim(&e, "the plan a disgrace").is_some(), "{:?}", e.claims);
    }

    #[test]
    fn a_passive_cue_is_not_the_subject_speaking() {
        let e =
            extract("Title\n\nRubio was asked by the moderator whether his plan was conservative.");
        assert!(!spoken_by(&e, |n| n == "Rubio"), "{:?}", e.claims);
    }
}
