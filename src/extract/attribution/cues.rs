//! What is a reporting cue: the lexicon's verbs and phrases, weighed by
//! how often annotated news uses each as one (`cues.tsv`).

use crate::extract::lexicon;
use crate::extract::mentions::subject_left;
use crate::extract::tokens::{TokKind, Token};
use std::ops::Range;

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
pub(super) fn takes_object(
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
    // "was also denied", "were repeatedly told": an adverb may come between.
    let mut k = i;
    while k > 1
        && i - k < 2
        && (tokens[k - 1].lower.ends_with("ly")
            || matches!(
                tokens[k - 1].lower.as_str(),
                "also" | "not" | "never" | "still" | "just" | "then" | "again" | "already" | "once"
            ))
    {
        k -= 1;
    }
    k > 0
        && matches!(
            tokens[k - 1].lower.as_str(),
            "was" | "were" | "been" | "be" | "is" | "are" | "being"
        )
        && (t.ends_with("ed") || t.ends_with("told"))
}

/// A form that is a cue only after a subject ("voters think", "polls show"):
/// its learned precision in that frame.
pub(super) fn framed_cue_at(tokens: &[Token], st: usize, i: usize) -> Option<(Range<usize>, bool)> {
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
