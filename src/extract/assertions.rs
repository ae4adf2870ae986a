//! Stage 7: the article's own check-worthy assertions: sentences outside any
//! attribution that state numbers, named actors or events.

use super::lexicon;
use super::tokens::TokKind;
use super::RawClaim;
use super::{claim_text, Doc, ExtractedClaim};
use crate::domain::{ClaimKind, Span};

/// Below this a sentence is background, not a claim worth checking.
pub const THRESHOLD: f32 = 0.5;

const EVENT_WORDS: &[&str] = &[
    "killed",
    "died",
    "dead",
    "deaths",
    "injured",
    "wounded",
    "arrested",
    "accepted",
    "launched",
    "won",
    "lost",
    "rose",
    "fell",
    "increased",
    "decreased",
    "grew",
    "dropped",
    "doubled",
    "cut",
    "raised",
    "signed",
    "approved",
    "banned",
    "voted",
    "elected",
    "fled",
    "forced",
    "attacked",
    "invaded",
    "sold",
    "bought",
    "paid",
    "spent",
    "earned",
    "jumped",
    "slumped",
    "reclaimed",
    "percent",
    "per",
    "million",
    "billion",
    "thousand",
    "thousands",
    "millions",
    "hundreds",
    "most",
    "largest",
    "biggest",
    "highest",
    "lowest",
    "first",
    "record",
    "more",
    "less",
    "fewer",
];

pub fn check_worthiness(doc: &Doc, toks: std::ops::Range<usize>) -> f32 {
    let t = &doc.tokens[toks.clone()];
    let words = t.iter().filter(|x| x.kind == TokKind::Word).count();
    if words < 6 {
        return 0.0;
    }
    let number = t.iter().any(|x| {
        x.kind == TokKind::Number
            || matches!(
                x.lower.as_str(),
                "million"
                    | "billion"
                    | "thousand"
                    | "thousands"
                    | "millions"
                    | "half"
                    | "hundreds"
                    | "dozens"
            )
    });
    let named = t
        .iter()
        .skip(1)
        .filter(|x| x.cap && x.kind == TokKind::Word && !lexicon::np_boundary(&x.lower))
        .count();
    let event = t
        .iter()
        .filter(|x| EVENT_WORDS.contains(&x.lower.as_str()))
        .count();
    let first_second_person = t
        .iter()
        .any(|x| matches!(x.lower.as_str(), "i" | "you" | "we" | "my" | "our"));
    let hedge = t.iter().any(|x| {
        matches!(
            x.lower.as_str(),
            "could" | "might" | "may" | "perhaps" | "possibly" | "if"
        )
    });
    let mut s = 0.15;
    if number {
        s += 0.35;
    }
    s += 0.1 * (named.min(3) as f32);
    s += 0.1 * (event.min(2) as f32);
    if first_second_person {
        s -= 0.2;
    }
    if hedge {
        s -= 0.1;
    }
    s.clamp(0.0, 1.0)
}

pub fn find(doc: &Doc, claims: &[RawClaim]) -> Vec<ExtractedClaim> {
    let mut covered = vec![false; doc.tokens.len()];
    for c in claims {
        for r in c.content.iter().chain(c.cue.iter()).chain(c.mention.iter()) {
            for x in r.clone() {
                covered[x] = true;
            }
        }
    }
    for (c, &q) in covered.iter_mut().zip(&doc.in_quote) {
        *c |= q;
    }
    let mut out = Vec::new();
    for s in &doc.sents {
        if doc.paras[s.para].heading || s.question {
            continue;
        }
        let r = s.tokens.clone();
        if r.clone().any(|x| covered[x]) {
            continue;
        }
        let score = check_worthiness(doc, r.clone());
        if score < THRESHOLD {
            continue;
        }
        let mut end = r.end;
        while end > r.start && doc.tokens[end - 1].kind == TokKind::Punct {
            end -= 1;
        }
        let span = Span::new(doc.tokens[r.start].start, doc.tokens[end - 1].end);
        out.push(ExtractedClaim {
            kind: ClaimKind::Assertion,
            text: claim_text(doc, &[span]),
            content: vec![span],
            cue: None,
            speaker_mention: None,
            speakers: Vec::new(),
            rule: "check-worthy-assertion",
            resolution: None,
            confidence: score,
            check_worthiness: Some(score),
            entities: Vec::new(),
        });
    }
    out
}
