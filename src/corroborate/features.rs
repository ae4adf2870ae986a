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

/// Words that deny what follows them, beyond [`NEGATIONS`]: contractions
/// written without the apostrophe, determiners of absence, "unless" (if not)
/// and adverbs of near-denial.
const DENIERS: &[&str] = &[
    "no", "without", "nobody", "nothing", "none", "unless", "dont", "doesnt", "didnt", "isnt",
    "wasnt", "arent", "werent", "cant", "couldnt", "wouldnt", "shouldnt", "wont", "hasnt",
    "havent", "hadnt", "rarely", "seldom", "hardly", "barely", "scarcely", "deny", "denies",
    "denied", "denying", "refusal",
];

/// Verbs that deny the verb after their "to": "failed to meet", "refused to recuse".
const DENYING_VERBS: &[&str] = &[
    "fail",
    "fails",
    "failed",
    "failing",
    "failure",
    "refuse",
    "refuses",
    "refused",
    "refusing",
    "decline",
    "declines",
    "declined",
    "declining",
];

/// Words a denial passes over on its way to what it bears on, beyond the
/// stopwords: copulas, indefinites, degree words.
const DENIAL_SKIP: &[&str] = &[
    "be",
    "been",
    "being",
    "is",
    "are",
    "was",
    "were",
    "am",
    "ever",
    "even",
    "always",
    "exactly",
    "really",
    "necessarily",
    "any",
    "anyone",
    "anybody",
    "anything",
    "longer",
    "such",
    "much",
    "all",
    "quite",
    "enough",
];

/// Reporting verbs are stopwords for matching but can be what is denied:
/// "did not say".
const DENIABLE_STOPWORDS: &[&str] = &["said", "say", "says", "told"];

/// How many words after what a denial bears on are still under it:
/// "did not give details of the passengers".
const DENIAL_REACH: usize = 4;

/// What each denial bears on, and the stems stated outside every denial.
/// A denial bears on the first word after it that is not a function word,
/// an -ly adverb or a name; "not until" and "not only" are not denials, nor
/// is a denial inside a compound ("do-not-call") or a sentence adverb
/// opening the text ("Not surprisingly, ...").
/// What a text denies and what it states undenied, derived on first use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Polarity {
    /// What each denial bears on, as a stem ("did not immediately respond" ->
    /// "respond"), one per denial.
    pub denied: Vec<String>,
    /// Stems of the words the text states outside every denial.
    pub affirmed: std::collections::HashSet<String>,
    /// One per denial: whether it negates a predicate ("did not", "never",
    /// "denied", "failed to") rather than a noun ("no plans", "without").
    /// Only a predicate's denial can contradict what another text asserts.
    pub predicate: Vec<bool>,
    /// The content stems of each clause, held once: what a denial or an
    /// assertion shares with the other text is read from its clause.
    pub clauses: Vec<std::collections::HashSet<String>>,
    /// One per denial: its clause (in `clauses`).
    pub context: Vec<usize>,
    /// Stems stated outside every denial in a clause that asserts (not an
    /// if- or whether-clause, not a question), each with its clause.
    pub asserted: std::collections::HashMap<String, usize>,
    /// One per denial: whether a modal of will or duty governs it ("would
    /// not apologise", "should ... not resign"): it then also meets a call
    /// or wish for the same thing ("urged him to apologise").
    pub modal: Vec<bool>,
    /// Predicates called for or wished rather than stated ("him to
    /// apologise"), each with its clause.
    pub wished: std::collections::HashMap<String, usize>,
}

/// Nouns for what others said, which a following "that" opens.
const REPORTED: &[&str] = &[
    "claim",
    "claims",
    "suggestion",
    "suggestions",
    "allegation",
    "allegations",
    "report",
    "reports",
    "rumour",
    "rumours",
    "accusation",
    "accusations",
    "speculation",
];

/// "deny" in its forms: a denier of what follows it.
fn deny_verb(w: &str) -> bool {
    matches!(w, "deny" | "denies" | "denied" | "denying")
}

/// Denials of a predicate: what can contradict a statement.
fn denies_predicate(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "never"
            | "cannot"
            | "n't"
            | "dont"
            | "doesnt"
            | "didnt"
            | "isnt"
            | "wasnt"
            | "arent"
            | "werent"
            | "cant"
            | "couldnt"
            | "wouldnt"
            | "shouldnt"
            | "wont"
            | "hasnt"
            | "havent"
            | "hadnt"
            | "deny"
            | "denies"
            | "denied"
            | "denying"
            | "fail"
            | "fails"
            | "failed"
            | "failing"
            | "refuse"
            | "refuses"
            | "refused"
            | "refusing"
    )
}

/// Whether the denial at `i` is inside a relative clause ("households that
/// do not own one", "fans who did not travel"): it qualifies a noun and
/// denies nothing the sentence asserts. "said that it did not" is a
/// reported denial, not a relative clause.
fn relative_clause(ws: &[(String, String)], i: usize) -> bool {
    let mut k = i;
    while k > 0
        && matches!(
            ws[k - 1].0.as_str(),
            "do" | "does"
                | "did"
                | "have"
                | "has"
                | "had"
                | "is"
                | "are"
                | "was"
                | "were"
                | "will"
                | "would"
                | "can"
                | "could"
                | "should"
        )
    {
        k -= 1;
    }
    if k == 0 {
        return false;
    }
    match ws[k - 1].0.as_str() {
        w if RELATIVES.contains(&w) => true,
        "that" => {
            k >= 2 && {
                let (before, raw) = (ws[k - 2].0.as_str(), ws[k - 2].1.as_str());
                !REPORTING_BEFORE_THAT.contains(&before)
                    && !before.ends_with("ed")
                    && (before.ends_with('s') || raw.starts_with(char::is_uppercase))
            }
        }
        _ => false,
    }
}

/// Words whose "that" opens what they report or state ("says that", "is
/// that"), not a relative clause.
const REPORTING_BEFORE_THAT: &[&str] = &[
    "says",
    "claims",
    "insists",
    "argues",
    "believes",
    "thinks",
    "warns",
    "adds",
    "admits",
    "denies",
    "suggests",
    "shows",
    "means",
    "hopes",
    "knows",
    "feels",
    "fears",
    "accepts",
    "agrees",
    "is",
    "was",
    "maintains",
    "stresses",
    "notes",
];

/// Content stems of a clause: what it is about, function words aside.
fn clause_content(ws: &[(String, String)]) -> std::collections::HashSet<String> {
    ws.iter()
        .map(|w| w.0.as_str())
        .filter(|n| {
            n.len() > 1
                && n.chars().all(char::is_alphabetic)
                && !STOPWORDS.contains(n)
                && !NEGATIONS.contains(n)
                && !DENIERS.contains(n)
                && !DENYING_VERBS.contains(n)
                && !DENIAL_SKIP.contains(n)
        })
        .map(stem)
        .collect()
}

fn polarity(text: &str) -> Polarity {
    let mut p = Polarity::default();
    // A denial never reaches past its clause, nor past its sentence.
    let mut rest = text;
    while !rest.is_empty() {
        let cut = rest
            .char_indices()
            .find(|&(k, c)| {
                matches!(
                    c,
                    ',' | ';' | ':' | '(' | ')' | '?' | '!' | '\u{2014}' | '\u{2013}'
                ) || rest[k..].starts_with("--")
                    || c == '.'
                        && rest[k + 1..].starts_with(' ')
                        && rest[..k].ends_with(|c: char| c.is_lowercase())
            })
            .map_or(rest.len(), |(k, _)| k);
        let clause = &rest[..cut];
        let question = rest[cut..].starts_with('?');
        rest = rest[cut..]
            .char_indices()
            .nth(1)
            .map_or("", |(k, _)| &rest[cut + k..]);
        let ws = words(clause);
        // "If you think they are racist": supposed, not stated.
        let supposed = question
            || ws
                .first()
                .is_some_and(|w| matches!(w.0.as_str(), "if" | "whether" | "unless"))
            // "it would be classed as marketing": a hypothesis.
            || ws
                .iter()
                .any(|w| matches!(w.0.as_str(), "would" | "could" | "might") || w.1 == "may");
        // "claims that he did not trust", "denied suggestions that it
        // would close": what others said, neither stated nor denied by the
        // text, whose polarity is read up to there.
        let own = &ws[..ws
            .windows(2)
            .position(|w| REPORTED.contains(&w[0].0.as_str()) && w[1].0 == "that")
            .map_or(ws.len(), |m| m + 2)];
        let before = p.affirmed.clone();
        let ci = p.clauses.len();
        p.clauses.push(clause_content(&ws));
        let from = p.denied.len();
        clause_polarity(own, &mut p);
        p.context
            .extend(std::iter::repeat_n(ci, p.denied.len() - from));
        // "the chance to tackle", "he could resign": not said to be so.
        let irrealis: std::collections::HashSet<String> = ws
            .windows(2)
            .filter(|w| {
                matches!(
                    w[0].0.as_str(),
                    "to" | "could" | "might" | "may" | "would" | "should"
                )
            })
            .map(|w| stem(&w[1].0))
            .collect();
        // "Livingstone to apologise", "urged him to resign": the person
        // called on, then what is called for.
        for w in own.windows(3) {
            let called = w[0].1.chars().next().is_some_and(char::is_uppercase)
                || matches!(
                    w[0].0.as_str(),
                    "him" | "her" | "them" | "us" | "me" | "you"
                );
            if called && w[1].0 == "to" && !STOPWORDS.contains(&w[2].0.as_str()) {
                p.wished.entry(stem(&w[2].0)).or_insert(ci);
            }
        }
        if ws.first().is_some_and(|w| w.0 == "to") && p.asserted.is_empty() && p.wished.is_empty() {
            // A text that is only what was called for: "to apologise".
            if let Some(w) = ws.get(1).filter(|w| !STOPWORDS.contains(&w.0.as_str())) {
                p.wished.entry(stem(&w.0)).or_insert(ci);
            }
        }
        if !supposed {
            for s in p
                .affirmed
                .difference(&before)
                .filter(|s| !irrealis.contains(*s))
            {
                p.asserted.entry(s.clone()).or_insert(ci);
            }
        }
    }
    p
}

fn clause_polarity(ws: &[(String, String)], p: &mut Polarity) {
    let (denied, affirmed) = (&mut p.denied, &mut p.affirmed);
    let (predicate, modal) = (&mut p.predicate, &mut p.modal);
    let opening = denied.is_empty() && affirmed.is_empty();
    // Pieces of a hyphenated word follow the joined word: they share its fate.
    let mut part = vec![false; ws.len()];
    for (k, w) in ws.iter().enumerate() {
        if w.1.contains('-') && !w.0.contains('-') {
            let n = w.1.split('-').filter(|p| !p.is_empty()).count();
            for p in part.iter_mut().skip(k + 1).take(n) {
                *p = true;
            }
        }
    }
    let compound_end = |k: usize| {
        let mut e = k;
        while e + 1 < ws.len() && part[e + 1] {
            e += 1;
        }
        e
    };
    let mut scoped = vec![false; ws.len()];
    let mut cancelled = vec![false; ws.len()];
    for i in 0..ws.len() {
        let w = ws[i].0.as_str();
        if part[i] {
            continue;
        }
        // "ruled out taking part"; a text opening on "out" lost its "ruled".
        let ruled_out = w == "out"
            && ws.get(i + 1).is_none_or(|n| n.0 != "of")
            && (i == 0 && opening
                || i > 0
                    && !scoped[i - 1]
                    && matches!(ws[i - 1].0.as_str(), "rule" | "rules" | "ruled" | "ruling"));
        // "was also denied gold": deprived of, not a denial of.
        let passive = i > 0
            && matches!(w, "denied" | "refused")
            && ws[..i]
                .iter()
                .rev()
                .take(3)
                .map(|w| w.0.as_str())
                .find(|w| !(w.ends_with("ly") || matches!(*w, "also" | "again" | "then")))
                .is_some_and(|w| {
                    matches!(w, "was" | "were" | "been" | "be" | "is" | "are" | "being")
                });
        if cancelled[i] || passive {
            continue;
        }
        let start = if NEGATIONS.contains(&w) || DENIERS.contains(&w) || ruled_out {
            i + 1
        } else if DENYING_VERBS.contains(&w) {
            // "declined to comment", "declined comment"
            match ws.get(i + 1).map(|n| n.0.as_str()) {
                Some("to") => i + 2,
                Some("comment") => i + 1,
                _ => continue,
            }
        } else {
            continue;
        };
        // "failed to deny", "did not deny": two denials assert.
        if let Some(n) = ws.get(start).map(|n| n.0.as_str()) {
            if deny_verb(n) || matches!(n, "dispute" | "disputed") {
                cancelled[start] = true;
                continue;
            }
        }
        scoped[i] = true;
        // "found no blood", "said nothing": the verb before an absent object
        // is denied too.
        if matches!(w, "no" | "nothing" | "none" | "nobody") {
            for s in scoped.iter_mut().take(i).skip(i.saturating_sub(2)) {
                *s = true;
            }
        }
        let next = ws.get(start).map_or("", |n| n.0.as_str());
        let contrast = (start..ws.len().min(start + DENIAL_REACH + 3)).any(|k| ws[k].0 == "but");
        // "not just X", "not only X": X is granted, not denied.
        if matches!(
            next,
            "until" | "till" | "only" | "but" | "just" | "merely" | "simply" | "necessarily"
        )
            // "No. 1" is a rank.
            || w == "no" && next.starts_with(|c: char| c.is_ascii_digit())
            || i == 0 && next.len() > 4 && next.ends_with("ly")
            // "whether or not", "neither ... nor": no single thing denied.
            || i > 0 && ws[i - 1].0 == "or"
            || matches!(w, "neither" | "nor")
            // "not X but Y" corrects rather than denies.
            || contrast
        {
            let end = compound_end(ws.len().min(start + DENIAL_REACH).max(start + 1) - 1);
            for s in scoped.iter_mut().take(end + 1).skip(start) {
                *s = true;
            }
            continue;
        }
        // "denied the campaign was racist": what is denied is the clause's
        // predicate, not its subject.
        let start = if deny_verb(w) {
            (start..ws.len().min(start + 5))
                .find(|&k| AUXILIARIES.contains(&ws[k].0.as_str()))
                .map_or(start, |k| k + 1)
        } else {
            start
        };
        let focus = (start..ws.len().min(start + 8)).find(|&j| {
            let n = ws[j].0.as_str();
            let capitalised = ws[j].1.chars().next().is_some_and(char::is_uppercase);
            !part[j]
                && !capitalised
                && n.chars().all(char::is_alphabetic)
                && !NEGATIONS.contains(&n)
                && !DENIERS.contains(&n)
                && !DENIAL_SKIP.contains(&n)
                && (!STOPWORDS.contains(&n) || DENIABLE_STOPWORDS.contains(&n))
                && !(n.len() > 4 && n.ends_with("ly"))
        });
        let Some(j) = focus else { continue };
        denied.push(stem(&ws[j].0));
        // A predicate denied outright, not a phrase ("not for British
        // suspects"), a time ("not expected until 2005") or a degree ("not
        // improved enough").
        let after = ws.get(j + 1).map_or("", |n| n.0.as_str());
        // "no longer a member" denies as "not" does.
        // "has not played since the final": a period's denial, not the act's.
        let since = ws[j..ws.len().min(j + DENIAL_REACH + 2)]
            .iter()
            .any(|w| w.0 == "since");
        let outright = (denies_predicate(w) || ruled_out || w == "no" && next == "longer")
            && !since
            && !relative_clause(ws, i)
            && !matches!(
                next,
                "for" | "in" | "on" | "at" | "from" | "with" | "by" | "as" | "because" | "since"
            )
            && !matches!(after, "until" | "till" | "before" | "enough")
            // A phrasal verb is another verb: "couldn't set up" is not "set to".
            && !matches!(after, "up" | "out" | "off" | "away")
            // "not sure", "not certain": doubt, not a denial.
            && !matches!(
                ws[j].0.as_str(),
                "sure" | "certain" | "convinced" | "think" | "believe" | "feel" | "expect" | "know"
            );
        predicate.push(outright);
        // "would not", "should stick to his guns and not": will or duty.
        let willed = ws[..i].iter().any(|w| {
            matches!(
                w.0.as_str(),
                "would" | "will" | "wo" | "should" | "must" | "shall" | "ought"
            )
        });
        modal.push(willed);
        // "did not detect anti-Semitism", "does not think he will resign":
        // what is not found or not believed is what is denied.
        let mut raised: Vec<usize> = Vec::new();
        if outright
            && matches!(
                ws[j].0.as_str(),
                "detect" | "find" | "see" | "think" | "believe" | "accept"
            )
        {
            let mut k = j + 1;
            while k < ws.len() && raised.iter().filter(|&&r| !part[r]).count() < 3 {
                let n = ws[k].0.as_str();
                let content = n.chars().all(char::is_alphabetic)
                    && !STOPWORDS.contains(&n)
                    && !DENIAL_SKIP.contains(&n)
                    && !ws[k].1.chars().next().is_some_and(char::is_uppercase);
                if content {
                    raised.push(k);
                } else if !raised.is_empty() && !part[k] {
                    break;
                }
                k += 1;
            }
        }
        for &k in &raised {
            denied.push(stem(&ws[k].0));
            predicate.push(true);
            modal.push(willed);
        }
        let mut end = j;
        let mut reached = 0;
        while end + 1 < ws.len() && reached < DENIAL_REACH {
            end = compound_end(end) + 1;
            reached += 1;
        }
        for s in scoped.iter_mut().take(compound_end(end) + 1).skip(start) {
            *s = true;
        }
        for p in (j + 1..=compound_end(j)).filter(|&p| part[p]) {
            denied.push(stem(&ws[p].0));
            predicate.push(outright);
            modal.push(willed);
        }
        if let Some(&last) = raised.last() {
            let end = compound_end(last).min(ws.len() - 1);
            for s in scoped.iter_mut().take(end + 1).skip(start) {
                *s = true;
            }
        }
    }
    // Only words a denial can bear on are worth remembering as stated.
    affirmed.extend(
        ws.iter()
            .zip(&scoped)
            .filter(|(w, s)| {
                let n = w.0.as_str();
                !**s && n.chars().all(char::is_alphabetic)
                    && !DENIAL_SKIP.contains(&n)
                    && (!STOPWORDS.contains(&n) || DENIABLE_STOPWORDS.contains(&n))
            })
            .map(|(w, _)| stem(&w.0)),
    );
}

/// A word one text denies and the other states: what the two disagree on.
pub fn denial_conflict(a: &Features, b: &Features) -> Option<String> {
    if !a.may_deny && !b.may_deny {
        return None;
    }
    let one_way = |fx: &Features, fy: &Features| {
        let (x, y) = (fx.polarity(), fy.polarity());
        x.denied
            .iter()
            .find(|d| {
                !x.affirmed.contains(*d)
                    && !y.denied.contains(d)
                    && (y.affirmed.contains(*d) || {
                        let cs = lexicon::concepts(d);
                        !cs.is_empty()
                            && fy.terms.iter().any(|t| {
                                y.affirmed.contains(&t.stem)
                                    && !y.denied.contains(&t.stem)
                                    && t.concepts.iter().any(|c| cs.contains(c))
                            })
                    })
            })
            .cloned()
    };
    one_way(a, b).or_else(|| one_way(b, a))
}

/// The first two words of a text past what opens a reported claim: "that"
/// and a reporting verb carried with it ("pleaded not guilty"), with its
/// auxiliaries and adverbs when the cue leads the text ("has also pleaded
/// not guilty": the attribution tagger's cues carry them).
fn opening_words(text: &str) -> Vec<String> {
    let ws = words(text);
    let mut rest = ws
        .iter()
        .map(|w| w.0.as_str())
        .skip_while(|w| *w == "that" || AUXILIARIES.contains(w) || CUE_ADVERBS.contains(w));
    let mut out: Vec<&str> = rest.by_ref().take(2).collect();
    if out.len() == 2 && out[0].len() > 4 && out[0].ends_with("ed") {
        out = std::iter::once(out[1])
            .chain(rest)
            .skip_while(|w| *w == "that")
            .take(2)
            .collect();
    }
    out.into_iter().map(str::to_string).collect()
}

/// Auxiliaries of tense and voice: what a verb's clause may open on.
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "had", "has", "have", "would", "will",
];

/// Adverbs a cue opens on before its verb ("also said", "had earlier
/// denied"), read past like its auxiliaries.
const CUE_ADVERBS: &[&str] = &["also", "already", "later", "previously", "earlier"];

/// Relative pronouns: a clause opening on one qualifies something outside it.
const RELATIVES: &[&str] = &["who", "which", "whose", "whom"];

/// Whether the text says whom or what it is about: it does not open on a
/// pronoun or an infinitive ("It is also paying", "to pay $300m").
pub fn subject_given(f: &Features) -> bool {
    !opening_words(&f.text).first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "it" | "he" | "she" | "they" | "we" | "i" | "you" | "this" | "these" | "those" | "to"
        )
    })
}

/// A denial of what the other text asserts about the same matter: the
/// denial negates a predicate, the other text states it outside any if-
/// or whether-clause or question, and the two clauses share something
/// besides the denied word (who or what it is about). Returns the denied
/// word and what the clauses share.
pub fn aligned_denial(a: &Features, b: &Features) -> Option<(String, Vec<String>)> {
    if !a.may_deny && !b.may_deny {
        return None;
    }
    let (wa, wb) = (opening_words(&a.text), opening_words(&b.text));
    // "which ... were anti-Semitic": a clause cut from its sentence, whose
    // subject lies outside it, aligns with nothing.
    let relative = |ws: &[String]| ws.first().is_some_and(|w| RELATIVES.contains(&w.as_str()));
    if relative(&wa) || relative(&wb) {
        return None;
    }
    // "not guilty to charges" against "guilty to fraud": neither says of
    // whom, so nothing aligns the two. The predicate a text opens on, past
    // a denial, read once per text.
    let opening = |ws: &[String]| {
        let first = match ws.first() {
            Some(w) if NEGATIONS.contains(&w.as_str()) || DENIERS.contains(&w.as_str()) => {
                ws.get(1)
            }
            w => w,
        };
        first.map(|w| stem(w)).unwrap_or_default()
    };
    let (oa, ob) = (opening(&wa), opening(&wb));
    let one_way = |fx: &Features, fy: &Features, ox: &str, oy: &str| {
        let (x, y) = (fx.polarity(), fy.polarity());
        x.denied.iter().enumerate().find_map(|(i, d)| {
            if ox == d && oy == d {
                return None;
            }
            if !x.predicate.get(i).copied().unwrap_or(false)
                || x.affirmed.contains(d)
                || y.denied.contains(d)
            {
                return None;
            }
            let clause = &x.clauses[*x.context.get(i)?];
            // What a modal denial refuses can also be what the other calls for.
            let willed = x.modal.get(i).copied().unwrap_or(false);
            let stated = |s: &String| {
                y.asserted
                    .get(s)
                    .or_else(|| willed.then(|| y.wished.get(s)).flatten())
                    .map(|&c| (s.clone(), c))
            };
            // The counterpart: the same stem, or a synonym, stated by y; a
            // synonym the denying clause itself uses stands for something
            // else ("can't chase ... with dogs" is not denied by "dogs").
            let counterpart = stated(d).or_else(|| {
                let cs = lexicon::concepts(d);
                fy.terms
                    .iter()
                    .filter(|t| !cs.is_empty() && t.concepts.iter().any(|c| cs.contains(c)))
                    .filter(|t| {
                        let own = t.stem != *d && clause.contains(&t.stem);
                        !own && !x.affirmed.contains(&t.stem)
                    })
                    .find_map(|t| stated(&t.stem))
            })?;
            // What the two clauses share besides the denied word and its counterpart.
            let (said, cy) = counterpart;
            let mut shared: Vec<String> = clause
                .intersection(&y.clauses[cy])
                .filter(|w| *w != d && **w != said)
                .cloned()
                .collect();
            // Two words in common, or a name: one common word is a topic.
            let named = |s: &String| fx.terms.iter().any(|t| t.name && t.stem == *s);
            if shared.len() < 2 && !shared.iter().any(named) {
                return None;
            }
            shared.sort();
            Some((d.clone(), shared))
        })
    };
    one_way(a, b, &oa, &ob).or_else(|| one_way(b, a, &ob, &oa))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month or a weekday, as written: a date, not a name.
pub fn time_word(word: &str) -> bool {
    let w = word.to_lowercase();
    MONTHS.contains(&w.as_str()) || DAYS.contains(&w.as_str())
}

/// Words of a figure read at a moment: prices and levels that move.
pub fn moving_word(w: &str) -> bool {
    matches!(
        w,
        "rose"
            | "rise"
            | "rises"
            | "risen"
            | "rising"
            | "fell"
            | "fall"
            | "falls"
            | "fallen"
            | "falling"
            | "gained"
            | "gains"
            | "lost"
            | "dropped"
            | "drops"
            | "jumped"
            | "climbed"
            | "slipped"
            | "slid"
            | "closed"
            | "stood"
            | "stands"
            | "now"
            | "currently"
            | "up"
            | "down"
            | "higher"
            | "lower"
            | "trading"
            | "traded"
    )
}

/// Which way a text says something moved: `Some((true, word))` for up
/// ("rose", "higher", "up 4%"), `Some((false, word))` for down ("fell",
/// "lower", "down 4%"), `None` when it says neither, both, or denies the
/// move ("did not rise"). "Up" and "down" count only before a figure ("up
/// 4%", "down by a third"), not as particles ("up to 50,000", "shut down");
/// "more" and "less" not at all, as they qualify nouns ("more weakness").
pub fn direction(f: &Features) -> Option<(bool, &str)> {
    // Asked of a stored claim once per candidate pair: worked out once.
    f.moves
        .get_or_init(|| direction_of(f))
        .as_ref()
        .map(|(up, w)| (*up, w.as_str()))
}

fn direction_of(f: &Features) -> Option<(bool, String)> {
    let ws = words(&f.text);
    let mut found: Option<(bool, String)> = None;
    for (i, (w, _)) in ws.iter().enumerate() {
        let next = ws.get(i + 1).map_or("", |n| n.0.as_str());
        let before_figure = next == "by"
            || next.starts_with(|c: char| c.is_ascii_digit())
            || number_word(next).is_some();
        let up = match w.as_str() {
            "rise" | "rises" | "rose" | "risen" | "rising" | "increase" | "increased"
            | "increases" | "increasing" | "grew" | "grown" | "growing" | "gained" | "jumped"
            | "climbed" | "surged" | "soared" | "higher" | "raised" | "boosted" => Some(true),
            "up" if before_figure => Some(true),
            "fall" | "falls" | "fell" | "fallen" | "falling" | "decrease" | "decreased"
            | "decreases" | "declined" | "declining" | "dropped" | "shrank" | "shrunk"
            | "shrinking" | "slumped" | "plunged" | "slid" | "lower" | "lowered" | "reduced" => {
                Some(false)
            }
            "down" if before_figure => Some(false),
            _ => None,
        };
        let Some(up) = up else { continue };
        // What a denial bears on, as the denial rules scope it.
        let denied = f.polarity().denied.contains(&stem(w));
        match &found {
            _ if denied => return None,
            Some((was, _)) if *was != up => return None,
            Some(_) => {}
            None => found = Some((up, w.clone())),
        }
    }
    found
}

/// When a text says its figures hold: years, months, days, quarters and
/// halves, and times relative to now ("last year", "yesterday"). Two
/// figures for different times do not disagree.
pub fn time_marks(f: &Features) -> &std::collections::BTreeSet<String> {
    f.times.get_or_init(|| time_marks_of(f))
}

/// Whether a text dates its figures by a day relative to its telling
/// ("tomorrow", "on Tuesday"): which day that is, its article's date says.
pub fn relative_day(f: &Features) -> bool {
    time_marks(f).iter().any(|m| {
        DAYS.contains(&m.as_str())
            || matches!(m.as_str(), "yesterday" | "today" | "tomorrow" | "tonight")
    })
}

fn time_marks_of(f: &Features) -> std::collections::BTreeSet<String> {
    let ws = words(&f.text);
    let mut out = std::collections::BTreeSet::new();
    for (k, (w, raw)) in ws.iter().enumerate() {
        let prev = k.checked_sub(1).map_or("", |p| ws[p].0.as_str());
        // "May" is a month only capitalised, "may" a verb.
        let month = MONTHS.iter().find(|m| {
            w == *m
                || w.len() == 3 && m.starts_with(w.as_str()) && raw.starts_with(char::is_uppercase)
        });
        if let Some(m) = month.filter(|_| w != "may" || raw == "May") {
            out.insert((*m).to_string());
        } else if DAYS.contains(&w.as_str())
            || matches!(w.as_str(), "yesterday" | "today" | "tomorrow" | "tonight")
        {
            out.insert(w.clone());
        } else if matches!(w.as_str(), "quarter" | "half")
            && matches!(
                prev,
                "first" | "second" | "third" | "fourth" | "last" | "final"
            )
        {
            let p = if prev == "final" { "last" } else { prev };
            out.insert(format!("{p} {w}"));
        } else if matches!(w.as_str(), "year" | "month" | "week")
            && matches!(prev, "this" | "last" | "next" | "previous")
        {
            out.insert(format!("{prev} {w}"));
        }
    }
    for (v, _, kind) in &f.numbers {
        if *kind == NumKind::Year {
            out.insert(format!("{v}"));
        }
    }
    out
}

/// A word's Snowball stem, remembered per thread: the same words recur in
/// every claim, and a text is stemmed for its terms, its polarity and the
/// pair model.
pub fn stem(word: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static MEMO: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    MEMO.with(|m| {
        if let Some(s) = m.borrow().get(word) {
            return s.clone();
        }
        let s = stemmer().stem(word).into_owned();
        let mut m = m.borrow_mut();
        // Bounded: rare words (names, typos) must not grow it forever.
        if m.len() >= 50_000 {
            m.clear();
        }
        m.insert(word.to_string(), s.clone());
        s
    })
}

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
        // ".20" is a fraction, not twenty.
        let leading_point =
            raw.starts_with('.') && raw[1..].starts_with(|c: char| c.is_ascii_digit());
        let raw = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if raw.is_empty() {
            continue;
        }
        // Numbers keep their separators; words lose trailing punctuation.
        if raw.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let lower = match raw.split_once(',') {
                // A decimal comma: "1,2 million" (thousands come in threes).
                Some((int, frac))
                    if !frac.contains([',', '.'])
                        && (1..=2).contains(&frac.len())
                        && int.len() <= 3 =>
                {
                    format!("{int}.{frac}")
                }
                _ => raw.replace(',', ""),
            };
            let lower = if leading_point {
                format!("0.{lower}")
            } else {
                lower
            };
            // "40m", "1.2bn": the figure, then its scale as a word.
            let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let suffix = &lower[digits.len()..];
            if !digits.is_empty()
                && matches!(suffix, "m" | "mn" | "bn" | "b" | "k" | "tn")
                && digits.parse::<f64>().is_ok()
            {
                out.push((digits.to_string(), digits.to_string()));
                out.push((suffix.to_string(), suffix.to_string()));
                continue;
            }
            out.push((lower, raw.to_string()));
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
    /// The place of each number's last written digit, scaled ("1.2 million"
    /// -> 100,000): what it may have been rounded to.
    pub units: Vec<f64>,
    /// Who said it, lower-cased, when known: a speaker does not contradict
    /// a report of their own words.
    pub speakers: Vec<String>,
    /// Whether any word of the text can deny: most cannot, and their
    /// polarity is then never derived.
    pub may_deny: bool,
    /// Someone's reported words (the claim has a reporting cue), not the
    /// article's own voice: about what its speaker speaks of.
    pub reported: bool,
    /// Reported words that open with a pronoun ("it will add 30 mln dlrs to
    /// its reserve", "they would appeal"): about their speaker, or whom the
    /// speaker's sentence names, not about whoever else says the like.
    pub about_speaker: bool,
    pub(crate) polarity: std::sync::OnceLock<Polarity>,
    /// The surface forms the pair model reads, derived on first use.
    pub(crate) surface: std::sync::OnceLock<super::pair::Surface>,
    /// `direction` and `time_marks`, derived on first use.
    pub(crate) moves: std::sync::OnceLock<Option<(bool, String)>>,
    pub(crate) times: std::sync::OnceLock<std::collections::BTreeSet<String>>,
}

fn scale(word: &str) -> Option<f64> {
    Some(match word {
        "thousand" | "thousands" | "k" => 1e3,
        // "mln" and "bln": newswire style (Reuters).
        "million" | "millions" | "m" | "mn" | "mln" => 1e6,
        "billion" | "billions" | "bn" | "b" | "bln" => 1e9,
        "trillion" | "trillions" | "tn" => 1e12,
        "hundred" | "hundreds" => 1e2,
        "dozen" | "dozens" => 12.0,
        _ => return None,
    })
}

/// "twenty" .. "ninety", alone or joined with a unit ("sixtyone" from "sixty-one").
fn tens_word(word: &str) -> Option<f64> {
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    const UNITS: [&str; 9] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    TENS.iter().enumerate().find_map(|(k, t)| {
        let rest = word.strip_prefix(t)?;
        let tens = 20.0 + 10.0 * k as f64;
        if rest.is_empty() {
            return Some(tens);
        }
        let u = UNITS.iter().position(|u| *u == rest)?;
        Some(tens + 1.0 + u as f64)
    })
}

fn number_word(word: &str) -> Option<f64> {
    if let Some(v) = tens_word(word) {
        return Some(v);
    }
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
        "hundred" => 100.0,
        "thousand" => 1e3,
        "million" => 1e6,
        "half" => 0.5,
        _ => return None,
    })
}

/// Fractions written with a slash as decimals: "8-1/4" (newswire's 8 1/4)
/// as "8.25", "5/8" as "0.625". Only a proper fraction over 2, 4, 8, 16, 32
/// or 64 (what prices and rates are quoted in): "9/11", "24/7" and dates
/// stay as written.
fn slash_fractions(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('/') {
        return text.into();
    }
    let value = |word: &str| -> Option<String> {
        let (whole, frac) = match word.split_once('-') {
            Some((w, f)) => (Some(w), f),
            None => (None, word),
        };
        let (n, d) = frac.split_once('/')?;
        let digits =
            |x: &str| !x.is_empty() && x.len() <= 3 && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(n) || !digits(d) || whole.is_some_and(|w| !digits(w)) {
            return None;
        }
        let (n, d): (u32, u32) = (n.parse().ok()?, d.parse().ok()?);
        if n == 0 || n >= d || ![2, 4, 8, 16, 32, 64].contains(&d) {
            return None;
        }
        let w: u32 = whole.map_or(Some(0), |w| w.parse().ok())?;
        Some(format!("{}", f64::from(w) + f64::from(n) / f64::from(d)))
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end();
        // Trailing punctuation stays: "1-1/2," and "5/8."
        let core = word.trim_end_matches([',', '.', ';', ':', ')']);
        match value(core) {
            Some(v) => {
                changed = true;
                out.push_str(&v);
                out.push_str(&piece[core.len()..]);
            }
            None => out.push_str(piece),
        }
    }
    if changed {
        out.into()
    } else {
        text.into()
    }
}

/// "2\u{bd}" and "2 \u{bd}" as "2.5", a lone "\u{bd}" as "0.5".
fn vulgar_fractions(text: &str) -> std::borrow::Cow<'_, str> {
    const FRACTIONS: [(char, &str); 5] = [
        ('\u{bd}', "5"),
        ('\u{bc}', "25"),
        ('\u{be}', "75"),
        ('\u{2153}', "33"),
        ('\u{2154}', "67"),
    ];
    if !text.contains(|c| FRACTIONS.iter().any(|(f, _)| *f == c)) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match FRACTIONS.iter().find(|(f, _)| *f == c) {
            Some((_, digits)) => {
                let trimmed = out.trim_end_matches(' ').len();
                if out[..trimmed].ends_with(|p: char| p.is_ascii_digit()) {
                    out.truncate(trimmed);
                    out.push('.');
                } else {
                    out.push_str("0.");
                }
                out.push_str(digits);
            }
            None => out.push(c),
        }
    }
    out.into()
}

impl Features {
    /// What the text denies and states, derived once.
    pub fn polarity(&self) -> &Polarity {
        self.polarity.get_or_init(|| polarity(&self.text))
    }
}

/// Terms, numbers and negations of a text. `extra` adds entity terms the text
/// stands for (a speaker's country), each with the word it came from.
pub fn features(text: &str, extra: &[(String, String)]) -> Features {
    // Mark what symbols say about a number before they are split off.
    let marked = vulgar_fractions(&slash_fractions(text))
        .replace('%', " percent ")
        .replace(['$', '\u{a3}', '\u{20ac}'], " currency ");
    let ws = words(&marked);
    let may_deny = ws.iter().any(|w| {
        let w = w.0.as_str();
        NEGATIONS.contains(&w) || DENIERS.contains(&w) || DENYING_VERBS.contains(&w) || w == "out"
    });
    let mut f = Features {
        text: text.to_string(),
        may_deny,
        // An entity named by its own words is the claim's speaker.
        speakers: extra
            .iter()
            .filter(|(e, from)| e == from)
            .map(|(e, _)| e.to_lowercase())
            .collect(),
        ..Features::default()
    };
    let mut i = 0;
    while i < ws.len() {
        let (lower, orig) = &ws[i];
        let no_longer = lower == "no" && ws.get(i + 1).is_some_and(|w| w.0 == "longer");
        if NEGATIONS.contains(&lower.as_str()) || no_longer {
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
            // The last digit written: "3.8" is to a tenth, "4" to a unit.
            let mut unit = lower
                .split_once('.')
                .map_or(1.0, |(_, d)| 10f64.powi(-(d.len() as i32)));
            // "sixty-one": its pieces follow it and are the same number.
            if orig.contains('-') && tens_word(lower).is_some() {
                while ws
                    .get(j)
                    .is_some_and(|w| number_word(&w.0).is_some() && w.0 == w.1.to_lowercase())
                {
                    j += 1;
                }
            }
            let spelled_figure = tens_word(lower).is_some();
            if v == 0.5 && ws.get(j).is_some_and(|w| w.0 == "a") {
                j += 1;
            }
            if let Some(s) = ws.get(j).and_then(|w| scale(&w.0)) {
                if !(v == 1e6 || v == 1e3) || s > 1.0 {
                    v *= s;
                    unit *= s;
                    written = format!("{written} {}", ws[j].1);
                    j += 1;
                }
            }
            // A lone small number word ("two", "half") is weak evidence;
            // digits and spelled figures ("sixty-one") count.
            if lower.chars().next().is_some_and(|c| c.is_ascii_digit())
                || j > i + 1
                || spelled_figure
            {
                let money = i > 0 && ws[i - 1].0 == "currency"
                    || ws.get(j).is_some_and(|w| {
                        matches!(
                            w.0.as_str(),
                            "dollars" | "pounds" | "euros" | "dlrs" | "dlr"
                        )
                    });
                let percent = ws
                    .get(j)
                    .is_some_and(|w| matches!(w.0.as_str(), "percent" | "pc" | "pct"))
                    || ws.get(j).is_some_and(|w| w.0 == "per")
                        && ws.get(j + 1).is_some_and(|w| w.0 == "cent");
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
                f.units.push(unit);
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
        let stem = stem(key);
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

/// A person or body named in full in a text: two or more capitalised
/// words in a row ("Charles Scott", "Endotronics Inc", "Lord Goldsmith").
#[derive(Debug, Clone)]
pub struct FullName {
    /// As written.
    pub written: String,
    /// Its words that tell who or what it is, lower-cased: titles,
    /// honorifics, the generic heads of bodies' names ("Inc", "Bank")
    /// and times aside.
    pub words: Vec<String>,
    /// The initials of all its words, lower-cased ("un" for "United Nations").
    pub initials: String,
}

/// The persons and bodies a text names in full ([`FullName`]); a lone
/// capitalised word ("Labour", "Windows", "Parliamentary") is not one.
pub fn full_names(text: &str) -> Vec<FullName> {
    let words: Vec<&str> = text.split_whitespace().collect();
    names_at(&words).into_iter().map(|(n, _)| n).collect()
}

/// [`full_names`] over whitespace-separated words, each with the words it spans.
fn names_at(words: &[&str]) -> Vec<(FullName, std::ops::Range<usize>)> {
    use crate::extract::lexicon as lex;
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut flush = |run: &mut Vec<&str>, end: usize| {
        let words: Vec<String> = run
            .iter()
            .map(|w| w.trim_end_matches('.').to_lowercase())
            .filter(|w| {
                w.chars().count() > 1
                    && !time_word(w)
                    && !lex::org_word(w)
                    && !lex::is_role(w)
                    && lex::honorific(w).is_none()
                    && !STOPWORDS.contains(&w.as_str())
            })
            .collect();
        if run.len() >= 2 && !words.is_empty() {
            out.push((
                FullName {
                    written: run.join(" "),
                    initials: run
                        .iter()
                        .filter_map(|w| w.chars().next())
                        .flat_map(char::to_lowercase)
                        .collect(),
                    words,
                },
                end - run.len()..end,
            ));
        }
        run.clear();
    };
    for (k, raw) in words.iter().enumerate() {
        let ends = raw.ends_with([',', ';', ':', '"', ')', '\u{201d}']);
        let w = name_token(raw);
        let end = ends_sentence(raw);
        let w = if end { w.trim_end_matches('.') } else { w };
        let capital = w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().any(char::is_alphabetic)
            && !STOPWORDS.contains(&w.to_lowercase().as_str());
        if capital {
            run.push(w);
        } else {
            flush(&mut run, k);
        }
        // A name ends at a comma or a closing mark, and at a sentence's end.
        if ends || end {
            flush(&mut run, k + 1);
        }
    }
    flush(&mut run, words.len());
    out
}

/// Whom an article is about, as far as its lead tells: the persons and
/// bodies its first sentence names in full ("Standard and Poor's Corp said
/// it upgraded Heritage Communications Inc's senior debt ..."), its teller
/// aside when it names anyone else: a name that says or reports the
/// sentence ("X said ...", "..., lead manager X said", "..., said manager
/// X") tells of the others (the agency of the company it rated, the
/// underwriter of the issuer's bond). Empty when that sentence names none
/// in full ("The Bundesbank will not hold ...", "Hog prices are expected ...").
pub fn lead_subjects(body: &str) -> Vec<FullName> {
    let Some(line) = body.trim_start().lines().next() else {
        return Vec::new();
    };
    // Up to the first sentence's end.
    let mut words = Vec::new();
    for raw in line.split_whitespace().take(80) {
        words.push(raw);
        if raw.ends_with(['!', '?']) || ends_sentence(raw) {
            break;
        }
    }
    let named = names_at(&words);
    let reports = |w: &str| {
        crate::extract::lexicon::reporting_lemma(
            &name_token(w).trim_end_matches('.').to_lowercase(),
        )
        .is_some()
    };
    let teller = |r: &std::ops::Range<usize>| {
        // Right before a reporting verb; or closing the sentence after one,
        // past nothing or a role ("said sole manager X."): a name right
        // after "said" mid-sentence is what was said.
        words.get(r.end).is_some_and(|w| reports(w))
            || r.end == words.len()
                && (r.start.saturating_sub(4)..r.start).rev().any(|k| {
                    let between = &words[k + 1..r.start];
                    reports(words[k])
                        && between.iter().all(|w| w.starts_with(char::is_lowercase))
                        && between
                            .last()
                            .is_none_or(|w| crate::extract::lexicon::is_role(&w.to_lowercase()))
                })
    };
    let (tellers, subjects): (Vec<_>, Vec<_>) = named.into_iter().partition(|(_, r)| teller(r));
    let keep = if subjects.is_empty() {
        tellers
    } else {
        subjects
    };
    keep.into_iter().map(|(n, _)| n).collect()
}

/// Whether a word is the form that ends a company's name ("Inc.", "Group").
fn company_form(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    COMPANY_ENDS.contains(&w.as_str())
}

/// Words that end a company's name ("Gemcraft Inc", "Altria Group").
const COMPANY_ENDS: &[&str] = &[
    "inc",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "plc",
    "group",
    "bancorp",
    "ag",
    "nv",
    "sa",
];

/// Whom an article is about: its lead's subjects ([`lead_subjects`]), or,
/// when the lead names no one in full (a table of figures: "Shr 15 cts vs
/// 13 cts ..."), the body an all-capital newswire title opens with ("GTI
/// CORP <GTI> 4TH QTR OPER NET"): its words up to the suffix that ends a
/// company's name, or up to a ticker in angle brackets.
pub fn article_subjects(title: Option<&str>, body: &str) -> Vec<FullName> {
    let lead = lead_subjects(body);
    let capitals =
        |t: &&str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    let Some(title) = title.filter(capitals).filter(|_| lead.is_empty()) else {
        return lead;
    };
    let mut name: Vec<String> = Vec::new();
    let mut ended = false;
    for raw in title.split_whitespace().take(6) {
        if raw.starts_with('<') {
            ended = true;
            break;
        }
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        // Cased as names are read in running text.
        let mut cs = w.chars();
        let cased: String = cs
            .next()
            .into_iter()
            .chain(cs.flat_map(char::to_lowercase))
            .collect();
        name.push(cased);
        if company_form(w) {
            ended = true;
            break;
        }
    }
    if !ended {
        return lead;
    }
    let words: Vec<&str> = name.iter().map(String::as_str).collect();
    names_at(&words).into_iter().map(|(n, _)| n).collect()
}

/// Words of bodies' names that say what they do or where, shared by many
/// that are not one ("Petroleum", "Brothers", "National", "United").
const GENERIC_NAME_WORDS: &[&str] = &[
    "american",
    "brothers",
    "capital",
    "chemical",
    "chemicals",
    "communications",
    "electric",
    "energy",
    "federal",
    "financial",
    "gas",
    "general",
    "holdings",
    "industries",
    "insurance",
    "international",
    "investors",
    "markets",
    "motors",
    "national",
    "oil",
    "petroleum",
    "power",
    "resources",
    "savings",
    "securities",
    "services",
    "steel",
    "systems",
    "telephone",
    "trust",
    "united",
    "utilities",
];

/// Whether two articles' leads are about different persons or bodies: both
/// name someone, and no name of one meets a name of the other (a word in
/// common, or its initials, "kop", as a word of the other). Leads that share
/// a name may tell of one matter from two sides (two agencies rating one
/// company's debt); a lead that names no one tells nothing.
pub fn subjects_apart(a: &[FullName], b: &[FullName]) -> bool {
    // A word that says what a body does, not which it is, meets nothing:
    // Marathon Petroleum Co and Phillips Petroleum Corp are two companies.
    let meets = |x: &FullName, y: &FullName| {
        x.words
            .iter()
            .any(|w| !GENERIC_NAME_WORDS.contains(&w.as_str()) && y.words.contains(w))
            || y.words.contains(&x.initials)
            || x.words.contains(&y.initials)
    };
    !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.iter().any(|y| meets(x, y)))
}

/// Whether a whitespace-separated word ends a sentence: its dot is not an
/// initial's or an abbreviation's ("U.S.", "F.").
fn ends_sentence(raw: &str) -> bool {
    let w = name_token(raw);
    raw.ends_with('.') && w.matches('.').count() == 1 && w.chars().count() > 2
}

/// A whitespace-separated word as names are read: outer punctuation and a
/// possessive off, dots kept ("U.S.", "F.").
pub fn name_token(raw: &str) -> &str {
    raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .trim_end_matches("'s")
        .trim_end_matches("\u{2019}s")
}

/// An entity as one term: a person by surname ("Vladimir Putin" -> "putin"),
/// anything else by its whole name.
fn entity_stem(entity: &str) -> String {
    let lower = entity.to_lowercase();
    // A company's name ends in its form ("Gemcraft Inc", "Bank of New York
    // Co Inc"), which is no surname: keyed by the words before it, two
    // companies do not meet on "Inc", and "Gemcraft" in a text is Gemcraft Inc.
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    let named = words.len();
    while words.len() > 1 && words.last().is_some_and(|w| company_form(w)) {
        words.pop();
    }
    if words.len() < named {
        return stem(&words.join(" "));
    }
    let person_like = named > 1
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
    stem(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companies_are_keyed_by_the_name_before_their_form_and_people_by_surname() {
        // Two companies do not meet on "Inc".
        assert_ne!(
            entity_stem("Gemcraft Inc"),
            entity_stem("Bank of New York Co Inc")
        );
        assert_eq!(entity_stem("Gemcraft Inc"), entity_stem("Gemcraft"));
        assert_eq!(
            entity_stem("Larissa Industries Inc"),
            entity_stem("Larissa Industries Corp")
        );
        assert_eq!(entity_stem("Bernard Ebbers"), entity_stem("Mr Ebbers"));
        // A claim by Gemcraft Inc and another naming Gemcraft share a name;
        // one by Bank of New York Co Inc shares none with either.
        let by = |text: &str, who: &str| features(text, &[(who.into(), who.into())]);
        let gemcraft = by(
            "it expects to post a profitable second quarter",
            "Gemcraft Inc",
        );
        let named = features("Gemcraft sees a profitable second quarter", &[]);
        let bank = by(
            "it expects a second quarter loss of 35 mln dlrs",
            "Bank of New York Co Inc",
        );
        let shares = |a: &Features, b: &Features| {
            a.terms
                .iter()
                .any(|t| t.name && b.terms.iter().any(|u| u.stem == t.stem))
        };
        assert!(shares(&gemcraft, &named));
        assert!(!shares(&gemcraft, &bank));
    }

    #[test]
    fn a_text_moves_one_way_only_when_it_says_so_plainly() {
        let way = |t: &str| direction(&features(t, &[])).map(|(up, _)| up);
        assert_eq!(way("Sales were up 4% in 2004"), Some(true));
        assert_eq!(way("Sales were down by a third"), Some(false));
        assert_eq!(way("Inflation fell to 2.1% in May"), Some(false));
        // Particles, qualifiers, denials and mixed moves say no direction.
        assert_eq!(way("Payouts for up to 50,000 investors"), None);
        assert_eq!(way("The plant was shut down last year"), None);
        assert_eq!(way("There is more dollar weakness to come"), None);
        assert_eq!(way("Prices did not rise in March"), None);
        assert_eq!(way("Exports rose while imports fell"), None);
    }

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
        assert_eq!(f.polarity().denied, ["kill"]);
        assert_eq!(
            features("They didn't agree", &[]).polarity().denied,
            ["agre"]
        );
    }

    #[test]
    fn a_denial_bears_on_the_word_it_denies() {
        let f = features("Officer Evans did not immediately respond to requests", &[]);
        assert_eq!(f.polarity().denied, ["respond"]);
        assert!(
            f.polarity().affirmed.contains("offic") && !f.polarity().affirmed.contains("respond")
        );
        // "failed to", "refused to", "no", "without" deny too.
        assert_eq!(
            features("He refused to recuse himself", &[])
                .polarity()
                .denied,
            ["recus"]
        );
        assert_eq!(
            features("They left without paying", &[]).polarity().denied,
            ["pay"]
        );
        // "ruled out" denies; "out of" counts.
        assert_eq!(
            features("The mayor ruled out standing again", &[])
                .polarity()
                .denied,
            ["stand"]
        );
        assert!(features("Out of ten voters, six back the plan", &[])
            .polarity()
            .denied
            .is_empty());
        // Not denials: "not until", a compound, a sentence adverb.
        assert!(features("The vote is not until March", &[])
            .polarity()
            .denied
            .is_empty());
        assert!(features("the do-not-call registry", &[])
            .polarity()
            .denied
            .is_empty());
        assert!(features("Not surprisingly, Korea leads", &[])
            .polarity()
            .denied
            .is_empty());
    }

    #[test]
    fn a_conflict_needs_one_text_to_state_what_the_other_denies() {
        let c = |a: &str, b: &str| denial_conflict(&features(a, &[]), &features(b, &[]));
        assert!(c("The minister resigned", "The minister did not resign").is_some());
        // The same denial worded two ways.
        assert!(c(
            "Moore had no immediate comment",
            "Moore did not have an immediate comment"
        )
        .is_none());
        assert!(c(
            "He failed to meet the targets",
            "He did not meet the targets"
        )
        .is_none());
        // A denial of something the other text does not mention.
        assert!(c(
            "Lee asked for an injunction, saying he had never given consent",
            "Lee asked for an injunction against the network"
        )
        .is_none());
    }

    #[test]
    fn figures_are_read_as_written() {
        let v = |s: &str| {
            features(s, &[])
                .numbers
                .iter()
                .map(|n| n.0)
                .collect::<Vec<f64>>()
        };
        assert_eq!(v("1,2 million women"), [1.2e6]);
        assert_eq!(v("1,200 women"), [1200.0]);
        assert_eq!(v("ozone reaches .20 parts per million"), [0.2]);
        assert_eq!(v("it contains 2 \u{bd} servings"), [2.5]);
        assert_eq!(v("Sixty-one people were killed"), [61.0]);
        let f = features("sales rose 8.8 per cent", &[]);
        assert_eq!(f.numbers[0].2, NumKind::Percent);
        assert!((f.units[0] - 0.1).abs() < 1e-9);
    }

    #[test]
    fn demonyms_stand_for_their_country() {
        let a = features("Russian warplanes", &[]);
        assert!(a.terms.iter().any(|t| t.stem == "russia"));
    }
}
