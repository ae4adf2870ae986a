//! Reported speech, sentence by sentence: at each reporting cue, the rule
//! its surroundings call for, one function each: `according_to`; with a
//! subject before the cue (`with_subject`), `reported_speech` or
//! `postposed`; without one (`without_subject`), `coordinated`,
//! `coordinated_with_opening_subject`, `participle` or `inverted`.

use super::clauses::{
    adjunct, clause_end, opening_subject, skip_addressee, through_quote, trim_end,
};
use super::cues::{cue_at, framed_cue_at, takes_object};
use crate::extract::lexicon;
use crate::extract::mentions::{np_right, subject_left};
use crate::extract::tokens::{TokKind, Token};
use crate::extract::{Doc, RawClaim};
use std::ops::Range;

/// Every cue outside the quotes already attributed.
pub(super) fn attribute(doc: &Doc, claims: &mut Vec<RawClaim>, used_cue: &[bool]) {
    let tokens = &doc.tokens;
    // Tokens inside attributed direct quotes hold no reported speech of their own.
    let mut in_claim = vec![false; tokens.len()];
    for c in claims.iter() {
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
    for s in &doc.sents {
        if doc.paras[s.para].heading || s.question {
            continue;
        }
        let (st, en) = (s.tokens.start, s.tokens.end);
        let mut r = Reading {
            doc,
            tokens,
            in_claim: &in_claim,
            st,
            en,
            claims: &mut *claims,
            sent_claims: Vec::new(),
        };
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
            r.at_cue(i, cue.clone(), weak);
            i = cue.end;
        }
    }
}

/// One sentence being read: the claims found so far, and this sentence's.
struct Reading<'a> {
    doc: &'a Doc,
    tokens: &'a [Token],
    in_claim: &'a [bool],
    st: usize,
    en: usize,
    claims: &'a mut Vec<RawClaim>,
    sent_claims: Vec<usize>,
}

impl Reading<'_> {
    fn at_cue(&mut self, i: usize, cue: Range<usize>, weak: bool) {
        let (tokens, in_claim, st) = (self.tokens, self.in_claim, self.st);
        if tokens[i].lower == "according" {
            return self.according_to(i, cue);
        }
        let subject = subject_left(tokens, st, i).filter(|m| !m.clone().any(|x| in_claim[x]));
        // A later cue must open a clause of its own (", but he added"),
        // otherwise it is nested in the earlier claim's content.
        if let (Some(m), Some(&last)) = (&subject, self.sent_claims.last()) {
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
            let inside = self.claims[last].content.iter().any(|r| r.contains(&b));
            if inside && !opens_clause {
                return;
            }
        }
        match subject {
            Some(m) => self.with_subject(cue, weak, m),
            None => self.without_subject(i, cue, weak),
        }
    }

    /// "according to X, ..." / "..., according to X."
    fn according_to(&mut self, i: usize, cue: Range<usize>) {
        let (tokens, st, en) = (self.tokens, self.st, self.en);
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
                self.push(RawClaim::reported(
                    tokens,
                    content,
                    cue.clone(),
                    Some(m),
                    "according-to",
                    0.85,
                ));
            }
        }
    }

    /// A subject before the cue: reported speech, or postposed when nothing
    /// but an adjunct follows the cue.
    fn with_subject(&mut self, cue: Range<usize>, weak: bool, m: Range<usize>) {
        let (tokens, st, en) = (self.tokens, self.st, self.en);
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
                        lexicon::reporting_lemma(&tokens[cue.start].lower).unwrap_or(""),
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
        if before_comma && that_follows.is_none() && nothing_follows && self.sent_claims.is_empty()
        {
            self.postposed(cue, m, clause_start);
        } else {
            self.reported_speech(cue, weak, m, that_follows, lemma);
        }
    }

    /// Postposed: "Content, a source said." or parenthetical: "But to
    /// prevent problems, he said, officials should be vigilant." Rule
    /// `reported-postposed`.
    fn postposed(&mut self, cue: Range<usize>, m: Range<usize>, clause_start: usize) {
        let (tokens, st, en) = (self.tokens, self.st, self.en);
        // Postposed: "Content, a source said." or parenthetical:
        // "But to prevent problems, he said, officials should be vigilant."
        let mut content: Vec<Range<usize>> = Vec::with_capacity(2);
        content.push(st..m.start - 1);
        let resumes =
            clause_start < en && tokens[clause_start].is_punct(',') && clause_start + 1 < en && {
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
            let n = self.claims.len();
            self.push(RawClaim::reported(
                tokens,
                content[0].clone(),
                cue.clone(),
                Some(m),
                "reported-postposed",
                0.8,
            ));
            self.claims[n].content = content;
        }
    }

    /// "X said (that) ...", "X told reporters ...": the content follows the
    /// cue to the end of its clause. Rule `reported-speech`.
    fn reported_speech(
        &mut self,
        cue: Range<usize>,
        weak: bool,
        m: Range<usize>,
        that_follows: Option<usize>,
        lemma: &str,
    ) {
        let (doc, tokens, st, en) = (self.doc, self.tokens, self.st, self.en);
        let in_quote = &doc.in_quote;
        let after = cue.end;
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
                "what" | "whether" | "how" | "why" | "who" | "if" | "when" | "where"
            );
        if weak
            && that_follows.is_none()
            && !starts_quote
            && !wh_clause
            && !takes_object(tokens, &m, &cue, start, en)
        {
            return;
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
            if let Some(c) = (start..en).find(|&x| tokens[x].is_punct(',') && !in_quote[x]) {
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
            self.close_previous(m.start);
            self.push(RawClaim::reported(
                tokens,
                start..end,
                cue.clone(),
                Some(m),
                "reported-speech",
                if weak { 0.6 } else { 0.8 },
            ));
        }
    }

    /// No subject before the cue: which rule applies depends on what precedes it.
    fn without_subject(&mut self, i: usize, cue: Range<usize>, weak: bool) {
        let (tokens, st) = (self.tokens, self.st);
        let prev_and = i > st && tokens[i - 1].lower == "and";
        if prev_and && !self.sent_claims.is_empty() {
            self.coordinated(i, cue);
        } else if prev_and && !weak {
            self.coordinated_with_opening_subject(i, cue);
        } else if tokens[i].lower.ends_with("ing") && i > st + 1 && tokens[i - 1].is_punct(',') {
            self.participle(i, cue, weak);
        } else if i > st && tokens[i - 1].is_punct(',') && self.sent_claims.is_empty() {
            self.inverted(i, cue);
        }
    }

    /// Coordinated cue sharing the last claim's subject: "X called for A and urged B".
    /// Rule `reported-coordinated`.
    fn coordinated(&mut self, i: usize, cue: Range<usize>) {
        let (tokens, en) = (self.tokens, self.en);
        let last = *self.sent_claims.last().unwrap();
        let start = cue.end;
        let end = trim_end(tokens, start, en);
        if end > start + 1 {
            self.close_previous(i - 1);
            let m = self.claims[last].mention.clone();
            self.push(RawClaim::reported(
                tokens,
                start..end,
                cue.clone(),
                m,
                "reported-coordinated",
                0.7,
            ));
            let n = self.claims.len() - 1;
            self.claims[n].inherit_from = Some(last);
        }
    }

    /// A coordinated cue with no claim before it: "Mr. Schultz supported
    /// Democrats ... and said he did not" (the subject opening the sentence).
    /// Rule `reported-coordinated`.
    fn coordinated_with_opening_subject(&mut self, i: usize, cue: Range<usize>) {
        let (doc, tokens, st, en) = (self.doc, self.tokens, self.st, self.en);
        let in_quote = &doc.in_quote;
        // "Mr. Schultz supported Democrats ... and said he did not":
        // the sentence's subject, when it opens the sentence.
        let m = opening_subject(tokens, st, en).filter(|r| r.end < i);
        let that = (cue.end..(cue.end + 6).min(en)).find(|&x| tokens[x].lower == "that");
        let start = that.unwrap_or(cue.end);
        let end = trim_end(tokens, start, clause_end(tokens, in_quote, start, en));
        if let Some(m) = m.filter(|_| end > start + 1) {
            self.push(RawClaim::reported(
                tokens,
                start..end,
                cue.clone(),
                Some(m),
                "reported-coordinated",
                0.6,
            ));
        }
    }

    /// "X did Y, saying Z": the last claim's speaker, or the sentence's subject.
    /// Rule `reported-participle`.
    fn participle(&mut self, i: usize, cue: Range<usize>, weak: bool) {
        let (tokens, st, en) = (self.tokens, self.st, self.en);
        // "X did Y, saying Z": the sentence's subject speaks.
        let last = self.sent_claims.last().copied().or_else(|| {
            // `"...," Trump said, adding that ...`: the quote's speaker.
            self.claims.iter().rposition(|c| {
                c.cue
                    .as_ref()
                    .is_some_and(|cu| cu.start >= st && cu.end <= i)
            })
        });
        let m = last
            .and_then(|l| self.claims[l].mention.clone())
            .or_else(|| opening_subject(tokens, st, en));
        let that = (cue.end..(cue.end + 6).min(en)).find(|&x| tokens[x].lower == "that");
        let mut start = that.unwrap_or(cue.end);
        if start < en && tokens[start].is_punct(',') {
            start += 1;
        }
        let end = trim_end(tokens, start, en);
        if let Some(m) = m.filter(|_| end > start + 1 && (!weak || that.is_some())) {
            self.close_previous(i - 1);
            self.push(RawClaim::reported(
                tokens,
                start..end,
                cue.clone(),
                Some(m),
                "reported-participle",
                0.6,
            ));
            if let Some(l) = last {
                let n = self.claims.len() - 1;
                self.claims[n].inherit_from = Some(l);
            }
        }
    }

    /// Inverted: "Content, said Mr X." Rule `reported-inverted`.
    fn inverted(&mut self, i: usize, cue: Range<usize>) {
        let (tokens, st, en) = (self.tokens, self.st, self.en);
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
                self.push(RawClaim::reported(
                    tokens,
                    content,
                    cue.clone(),
                    Some(m),
                    "reported-inverted",
                    0.75,
                ));
            }
        }
    }

    /// A claim of the sentence being read: kept, and remembered as the sentence's.
    fn push(&mut self, claim: RawClaim) {
        self.claims.push(claim);
        self.sent_claims.push(self.claims.len() - 1);
    }

    /// The sentence's last claim ends where a new clause begins at `at`.
    fn close_previous(&mut self, at: usize) {
        let (claims, sent_claims, tokens) = (&mut *self.claims, &self.sent_claims, self.tokens);
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
}
