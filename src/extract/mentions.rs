//! Stage 4: speaker mentions. Finds the noun phrase that names who speaks
//! (left of a cue, or right of an inverted cue) and reads what it says about
//! the speaker: a name, titles, an affiliation, a pronoun, a description.

use super::lexicon::{self, Gender};
use super::tokens::{TokKind, Token};
use crate::domain::SpeakerKind;
use std::ops::Range;

/// What one mention (or one conjunct of it) refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    Named(Named),
    Pronoun {
        gender: Gender,
        plural: bool,
    },
    /// "the Turkish leader", "the three men", "the UN peace envoy for Syria".
    Description {
        head: String,
        affiliation: Option<String>,
        plural: bool,
        count: Option<usize>,
    },
    /// "the communique", "the report": speaks for whoever issued it,
    /// named in it ("Chelsea's statement", "an IAAF statement") or before.
    Document {
        owner: Option<Named>,
    },
    /// "the company", "the newspaper": an organisation named before.
    Body {
        head: String,
    },
    /// "a source", "officials": a speaker nobody can name.
    Anonymous,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub kind: SpeakerKind,
    pub name: String,
    pub titles: Vec<String>,
    pub affiliation: Option<String>,
    pub gender: Gender,
    /// Only a surname was given ("Mr Putin", "Haley").
    pub partial: bool,
}

fn np_word(t: &Token) -> bool {
    match t.kind {
        TokKind::Word => {
            if t.cap {
                // Sentence-initial function words are capitalised too.
                !lexicon::np_boundary(&t.lower) || lexicon::determiner(&t.lower)
            } else {
                (!lexicon::np_boundary(&t.lower) || lexicon::determiner(&t.lower))
                    && (lexicon::reporting_lemma(&t.lower).is_none() || noun_like_cue(&t.lower))
                    && !(t.lower.ends_with("ing")
                        && !lexicon::is_role(&t.lower)
                        && t.lower.len() > 5)
                    && !t.lower.ends_with("ly")
            }
        }
        TokKind::Number => true,
        _ => false,
    }
}

/// Reporting-verb forms that are as often nouns inside a noun phrase
/// ("the state's chairman", "show insiders", "a report").
fn noun_like_cue(w: &str) -> bool {
    matches!(
        w,
        "state"
            | "show"
            | "report"
            | "claim"
            | "comment"
            | "question"
            | "note"
            | "call"
            | "charge"
            | "vote"
            | "brief"
            | "statement"
            | "counter"
            | "signal"
    )
}

/// Index of the first token of the subject whose last token is `end - 1`,
/// walking left from the cue over fillers ("also", "has", "on Tuesday").
/// Returns the mention's token range.
pub fn subject_left(tokens: &[Token], sent_start: usize, cue: usize) -> Option<Range<usize>> {
    let mut j = cue;
    // Fillers between subject and cue.
    while j > sent_start {
        let t = &tokens[j - 1];
        if t.kind == TokKind::Word
            && lexicon::pre_cue_filler(&t.lower)
            && !(t.cap && j - 1 == sent_start)
        {
            // "on Tuesday", "last week": a temporal phrase is a filler too.
            j -= 1;
            if j > sent_start && matches!(tokens[j - 1].lower.as_str(), "on" | "last" | "this") {
                j -= 1;
            }
        } else if t.kind == TokKind::Word && t.lower.ends_with("ly") && !t.cap && t.lower.len() > 4
        {
            j -= 1;
        } else {
            break;
        }
    }
    let end = j;
    if end == sent_start {
        return None;
    }
    // "an architect who said": the relative pronoun stands for the noun before it.
    if matches!(tokens[end - 1].lower.as_str(), "who" | "which") && end - 1 > sent_start {
        let mut e = end - 1;
        if tokens[e - 1].is_punct(',') {
            e -= 1;
        }
        return np_left(tokens, sent_start, e);
    }
    // "spotted a sign in the crowd and asked": a verb coordinated with the
    // sentence's own, whose subject is not the noun before "and".
    if matches!(tokens[end - 1].lower.as_str(), "and" | "or" | "but") {
        return None;
    }
    // A single pronoun.
    let last = &tokens[end - 1];
    if last.kind == TokKind::Word && lexicon::pronoun(&last.lower).is_some() {
        return Some(end - 1..end);
    }
    // Appositive or relative clause right before the cue:
    // "Turkey, which has sent troops ..., called for"; "X, the Y of Z, said".
    if last.is_punct(',') {
        let mut k = end - 1;
        let mut hops = 0;
        while hops < 3 {
            // previous comma before k
            let prev = (sent_start..k).rev().find(|&x| tokens[x].is_punct(','));
            let Some(pc) = prev else { break };
            let chunk_first = &tokens[pc + 1];
            let rel = matches!(
                chunk_first.lower.as_str(),
                "who" | "which" | "whose" | "whom"
            );
            // "Trump, speaking to veterans, said": a participial phrase, like a relative clause.
            let participle = !chunk_first.cap
                && chunk_first.is_word()
                && (chunk_first.lower.ends_with("ing") || chunk_first.lower.ends_with("ed"))
                && !lexicon::is_role(&chunk_first.lower);
            // "Clinton, at a later press gaggle, said": an adverbial phrase.
            let adverbial = !chunk_first.cap
                && matches!(
                    chunk_first.lower.as_str(),
                    "at" | "in"
                        | "on"
                        | "during"
                        | "after"
                        | "before"
                        | "speaking"
                        | "like"
                        | "for"
                        | "with"
                        | "from"
                        | "unlike"
                        | "as"
                        | "meanwhile"
                        | "however"
                        | "too"
                        | "though"
                        | "moreover"
                        | "also"
                        | "instead"
                        | "then"
                        | "now"
                        | "later"
                        | "earlier"
                        | "again"
                        | "still"
                );
            let rel = rel || participle || adverbial;
            let appositive = lexicon::determiner(&chunk_first.lower)
                || chunk_first.cap
                || rel
                || lexicon::is_role(&chunk_first.lower);
            if !appositive {
                return None;
            }
            // The NP before this comma is the subject if it looks like one.
            let cand = np_left(tokens, sent_start, pc);
            if chunk_first.cap && !rel {
                // "The state's campaign chairman, Phil Lovas, said": the appositive is a name.
                if let Some(r) = &cand {
                    return Some(r.start..end);
                }
            }
            if let Some(r) = cand {
                if tokens[r.clone()].iter().any(|t| t.cap) || r.len() == 1 {
                    // An appositive belongs to the mention ("Elaine Kamarck, a veteran
                    // of the committee,"); a relative or participial clause does not.
                    return Some(r.start..if rel { pc } else { end });
                }
            }
            k = pc;
            hops += 1;
        }
        return None;
    }
    np_left(tokens, sent_start, end)
}

/// The noun phrase ending at `end` (exclusive), walking left.
fn np_left(tokens: &[Token], sent_start: usize, end: usize) -> Option<Range<usize>> {
    let mut i = end;
    while i > sent_start {
        let t = &tokens[i - 1];
        // A parenthetical inside a name: "Rep. Gwen Moore (D-Wis.)".
        if t.lower == ")" {
            if let Some(open) = (sent_start..i - 1)
                .rev()
                .take(8)
                .find(|&x| tokens[x].lower == "(")
            {
                if open > sent_start && tokens[open - 1].cap {
                    i = open;
                    continue;
                }
            }
        }
        let ok = if np_word(t) || t.lower == "'s" {
            true
        } else if matches!(t.lower.as_str(), "and" | "&") {
            // Coordination of names: "Russia and Iran", "Mr Putin and Mr Rouhani".
            i - 1 > sent_start && i < end && tokens[i - 2].cap && tokens[i].cap
        } else if matches!(t.lower.as_str(), "of" | "for" | "at" | "by") {
            // "envoy for Syria", "director of the Institute", "a report by Politico".
            let next_named = tokens[i].cap
                || (lexicon::determiner(&tokens[i].lower)
                    && tokens.get(i + 1).is_some_and(|n| n.cap));
            i < end
                && next_named
                && i - 1 > sent_start
                && np_word(&tokens[i - 2])
                && !tokens[i - 2].cap
        } else if t.is_punct(',') {
            // A list of names: "A's X, B's Y and C's Z".
            i < end
                && tokens[i].cap
                && tokens[i..end].iter().any(|x| x.lower == "and")
                && i - 1 > sent_start
                && tokens[i - 2].cap
        } else {
            false
        };
        if !ok {
            break;
        }
        i -= 1;
        if end - i > 24 {
            return None;
        }
    }
    // Drop leading connectives that may be capitalised at sentence start.
    while i < end && (tokens[i].lower == "and" || tokens[i].lower == "," || tokens[i].lower == "of")
    {
        i += 1;
    }
    if i >= end {
        return None;
    }
    let r = i..end;
    // A bare lower-case word ("policy said") is rarely a speaker unless it
    // heads a known kind of speaker.
    let toks = &tokens[r.clone()];
    let has_cap = toks.iter().any(|t| t.cap && !lexicon::determiner(&t.lower));
    let head = &toks[toks.len() - 1].lower;
    let known_head = lexicon::anonymous_head(head)
        || lexicon::is_person_head(head)
        || lexicon::plural_person_head(head)
        || lexicon::document_noun(head)
        || lexicon::is_role(head);
    // A short common-noun phrase with a determiner ("the bank", "a spokesman for the firm").
    let determined = lexicon::determiner(&toks[0].lower) && toks.len() <= 5;
    if !has_cap && !known_head && !determined {
        return None;
    }
    Some(r)
}

/// The noun phrase starting at `start` (an inverted cue: `said Mr X.`).
pub fn np_right(tokens: &[Token], start: usize, sent_end: usize) -> Option<Range<usize>> {
    let mut i = start;
    while i < sent_end {
        let t = &tokens[i];
        let ok = np_word(t)
            || t.lower == "'s"
            || (matches!(t.lower.as_str(), "and" | "of" | "for" | "at")
                && i + 1 < sent_end
                && tokens[i + 1].cap);
        if !ok {
            break;
        }
        i += 1;
        if i - start > 12 {
            break;
        }
    }
    if i == start {
        return None;
    }
    let toks = &tokens[start..i];
    let named = toks.iter().any(|t| t.cap);
    let pronoun = lexicon::pronoun(&toks[0].lower).is_some();
    let anonymous = lexicon::anonymous_head(&toks[toks.len() - 1].lower);
    let short_described = lexicon::determiner(&toks[0].lower) && toks.len() <= 6;
    (named || pronoun || anonymous || short_described).then_some(start..i)
}

/// The part of a mention that names the speaker: without an appositive,
/// relative clause or trailing comma ("Michael Tanner, an analyst at X," ->
/// "Michael Tanner"). A list of names ("A, B and C") stays whole.
pub fn head(tokens: &[Token], r: Range<usize>) -> Range<usize> {
    let mut end = r.end;
    if end > r.start + 2 && tokens[end - 1].lower == ")" {
        if let Some(p) = (r.start + 1..end).rev().find(|&x| tokens[x].lower == "(") {
            end = p;
        }
    }
    while end > r.start + 1 && tokens[end - 1].kind == TokKind::Punct {
        end -= 1;
    }
    for k in r.start + 1..end {
        if tokens[k].is_punct(',') && k + 1 < end {
            let n = &tokens[k + 1];
            if !n.cap
                || lexicon::determiner(&n.lower)
                || matches!(n.lower.as_str(), "who" | "which")
            {
                return r.start..k;
            }
        }
    }
    r.start..end
}

/// Split a mention at its top-level coordinations and read each conjunct.
pub fn parse(tokens: &[Token], chars: &[char], r: Range<usize>) -> Vec<Ref> {
    let toks = &tokens[r.clone()];
    if let Some(n) = apposition(toks, chars) {
        return vec![Ref::Named(n)];
    }
    // "the Finance and Economy Ministry": one body, not two.
    if toks.last().is_some_and(|t| lexicon::body_head(&t.lower))
        && toks.iter().any(|t| t.lower == "and" || t.lower == "&")
        && !toks.iter().any(|t| t.is_punct(','))
    {
        return vec![parse_one(toks, chars)];
    }
    let mut parts = Vec::new();
    let mut start = 0;
    for (k, t) in toks.iter().enumerate() {
        // "&" joins a firm's name ("Procter & Gamble"), never two speakers.
        let split = (t.lower == "and" || t.is_punct(','))
            && k > 0
            && k + 1 < toks.len()
            && toks[k + 1].cap
            && toks[k - 1].cap;
        if split {
            if k > start {
                parts.push(start..k);
            }
            start = k + 1;
        }
    }
    parts.push(start..toks.len());
    let refs: Vec<Ref> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| parse_one(&toks[p], chars))
        .collect();
    // "Procter and Gamble" style names stay one if a part is not a name.
    if refs.len() > 1 && refs.iter().any(|r| !matches!(r, Ref::Named(_))) {
        return vec![parse_one(toks, chars)];
    }
    refs
}

/// A name with its role beside it, either way round: "Rene Obermann,
/// T-Mobile's chief executive", "the firm's chief executive, Jane Roe". The
/// role's words become titles and its owner the affiliation.
fn apposition(toks: &[Token], chars: &[char]) -> Option<Named> {
    // The comma that closes an apposition ("Jane Roe, the firm's head, said").
    let toks = match toks.last() {
        Some(t) if t.is_punct(',') => &toks[..toks.len() - 1],
        _ => toks,
    };
    let c = toks.iter().position(|t| t.is_punct(','))?;
    let (a, b) = (&toks[..c], &toks[c + 1..]);
    if a.is_empty() || b.is_empty() || toks[c + 1..].iter().any(|t| t.is_punct(',')) {
        return None;
    }
    let role_of = |side: &[Token]| -> Option<(Vec<String>, Option<String>)> {
        if side.iter().any(|t| matches!(t.lower.as_str(), "and" | "&")) {
            return None;
        }
        let roles: Vec<usize> = (0..side.len())
            .filter(|&k| {
                !side[k].cap
                    && (lexicon::is_role(&side[k].lower) || lexicon::person_noun(&side[k].lower))
            })
            .collect();
        let last = *roles.last()?;
        let first = (0..=last)
            .rev()
            .take_while(|&k| roles.contains(&k))
            .last()
            .unwrap_or(last);
        let title = text_of(&side[first..=last], chars);
        // The owner: "T-Mobile's", or the capitalised words before the role.
        let owner_end = side.iter().position(|t| t.lower == "'s").unwrap_or(first);
        let owner: Vec<&Token> = side[..owner_end]
            .iter()
            .filter(|t| t.cap && !lexicon::determiner(&t.lower))
            .collect();
        let affiliation = (!owner.is_empty()).then(|| {
            let (s, e) = (owner[0], owner[owner.len() - 1]);
            chars[s.start..e.end].iter().collect::<String>()
        });
        Some((vec![title], affiliation))
    };
    let person = |side: &[Token]| match parse_one(side, chars) {
        Ref::Named(n) if n.kind == SpeakerKind::Person && !n.partial => Some(n),
        _ => None,
    };
    let (mut n, (titles, affiliation)) = match (person(a), person(b)) {
        (Some(n), None) => (n, role_of(b)?),
        (None, Some(n)) => (n, role_of(a)?),
        _ => return None,
    };
    for t in titles {
        if !n.titles.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            n.titles.push(t);
        }
    }
    if n.affiliation.is_none() {
        n.affiliation = affiliation.map(|a| {
            lexicon::country(&a.to_lowercase())
                .or_else(|| lexicon::known_org(&a.to_lowercase()))
                .map_or(a, str::to_string)
        });
    }
    Some(n)
}

fn text_of(toks: &[Token], chars: &[char]) -> String {
    let mut s = String::new();
    for (k, t) in toks.iter().enumerate() {
        if k > 0 && t.space_before {
            s.push(' ');
        }
        s.extend(&chars[t.start..t.end]);
    }
    s
}

fn is_acronym(t: &Token, chars: &[char]) -> bool {
    let s = &chars[t.start..t.end];
    s.len() >= 2
        && s.iter().filter(|c| c.is_alphabetic()).count() >= 2
        && s.iter().all(|c| c.is_uppercase() || *c == '.')
}

/// Country or organisation that a token (or a two-token phrase at `k`) stands for.
fn place_or_org(toks: &[Token], k: usize, chars: &[char]) -> Option<(String, usize, SpeakerKind)> {
    if k + 1 < toks.len() {
        let two = format!("{} {}", toks[k].lower, toks[k + 1].lower);
        if let Some(c) = lexicon::country(&two) {
            return Some((c.into(), 2, SpeakerKind::Country));
        }
        if let Some(o) = lexicon::known_org(&two) {
            return Some((o.into(), 2, SpeakerKind::Organization));
        }
        if let Some(st) = lexicon::us_state(&two) {
            return Some((st, 2, SpeakerKind::Organization));
        }
    }
    let t = &toks[k];
    if !t.cap {
        return None;
    }
    if let Some(c) = lexicon::country(&t.lower) {
        return Some((c.into(), 1, SpeakerKind::Country));
    }
    if let Some(st) = lexicon::us_state(&t.lower) {
        return Some((st, 1, SpeakerKind::Organization));
    }
    if is_acronym(t, chars) {
        if let Some(o) = lexicon::known_org(&t.lower) {
            return Some((o.into(), 1, SpeakerKind::Organization));
        }
    }
    None
}

pub fn parse_one(toks: &[Token], chars: &[char]) -> Ref {
    read_one(toks, chars, true)
}

/// How many tokens open a mention without being part of it: sentence
/// adverbs and dates before a subject ("Similarly", "Personally I",
/// "Wednesday Mr Straw", "March Lord Goldsmith", "Tuesday the chancellor").
pub fn lead_len(toks: &[Token]) -> usize {
    let mut lead = 0;
    while lead < toks.len() {
        let w = toks[lead].lower.as_str();
        let next = toks.get(lead + 1);
        // A weekday before any name; a month only before a title ("March
        // Lord Goldsmith"), since months are names too ("April Ryan").
        let titled = next.is_some_and(|n| {
            n.cap && (lexicon::honorific(&n.lower).is_some() || lexicon::is_role(&n.lower))
        });
        // "Tuesday the chancellor", "Wednesday, Mr Botin": a weekday also
        // before a determiner or a comma.
        let weekday = w.ends_with("day");
        let date = lexicon::is_weekday_or_month(w)
            && next.is_some_and(|n| {
                n.cap || weekday && (lexicon::determiner(&n.lower) || n.is_punct(','))
            })
            && (weekday || titled);
        let comma = lead > 0 && toks[lead].is_punct(',');
        if !(date || comma || lexicon::discourse_word(w) && toks[lead].cap) {
            break;
        }
        lead += 1;
    }
    lead
}

/// One mention read; `inside` the fallback, without another fallback.
fn read_one(toks: &[Token], chars: &[char], top: bool) -> Ref {
    let lead = lead_len(toks);
    if lead == toks.len() {
        return Ref::Anonymous;
    }
    let toks = &toks[lead..];
    if toks.len() == 1 {
        if let Some((gender, plural)) = lexicon::pronoun(&toks[0].lower) {
            return Ref::Pronoun { gender, plural };
        }
    }
    let mut k = 0;
    let mut count = None;
    let mut determiner = false;
    while k < toks.len() && lexicon::determiner(&toks[k].lower) && !(toks[k].cap && k > 0) {
        count = count.or(lexicon::number_word(&toks[k].lower));
        determiner = true;
        k += 1;
    }
    let whole = toks;
    // "the UN peace envoy for Syria": the phrase after the preposition is a
    // complement of the head, not the name.
    let toks = match toks
        .iter()
        .position(|t| matches!(t.lower.as_str(), "for" | "of" | "at"))
    {
        Some(p) if p > k && !toks[p - 1].cap => &toks[..p],
        _ => toks,
    };
    let mut affiliation: Option<String> = None;
    let mut owner_range: Option<Range<usize>> = None;
    // "Turkey's X", "the UN's X"
    if let Some(p) = toks[k..].iter().position(|t| t.lower == "'s") {
        let owner = &toks[k..k + p];
        if !owner.is_empty() && k + p + 1 < toks.len() {
            owner_range = Some(k..k + p);
            let owner_text = text_of(owner, chars);
            let lower = owner_text.to_lowercase();
            affiliation = Some(
                lexicon::country(&lower)
                    .or_else(|| lexicon::known_org(&lower))
                    .map(str::to_string)
                    .unwrap_or(owner_text),
            );
            k += p + 1;
        }
    }
    // A trailing parenthetical is not part of the name: "Mike Pence (R-IN)".
    let toks = match toks.iter().rposition(|t| t.lower == "(") {
        Some(p) if p > k && toks.last().is_some_and(|t| t.lower == ")") => &toks[..p],
        _ => toks,
    };
    if let Some(name) = body_name(&toks[k..], chars) {
        return organisation(name, affiliation);
    }
    // The name is the trailing run of capitalised words; capitalised words
    // before a lower-case one describe ("Republican vice-presidential nominee").
    let mut trailing = toks.len();
    while trailing > k
        && (toks[trailing - 1].cap
            || (lexicon::name_particle(&toks[trailing - 1].lower) && trailing < toks.len()))
    {
        trailing -= 1;
    }
    // A body's name may join words with "and": "the Finance and Economy Ministry".
    let body_name = toks[trailing..]
        .last()
        .is_some_and(|t| lexicon::org_word(&t.lower));
    while body_name
        && trailing >= k + 2
        && matches!(toks[trailing - 1].lower.as_str(), "and" | "&")
        && toks[trailing - 2].cap
    {
        trailing -= 2;
        while trailing > k && toks[trailing - 1].cap {
            trailing -= 1;
        }
    }
    let mut titles: Vec<String> = Vec::new();
    let mut gender = Gender::Unknown;
    let mut name_start = None;
    let mut i = k;
    while i < toks.len() {
        let t = &toks[i];
        let rest = toks.len() - i;
        let describes = i < trailing
            && t.cap
            && lexicon::honorific(&t.lower).is_none()
            && !lexicon::is_role(&t.lower)
            && place_or_org(toks, i, chars).is_none();
        if describes {
            i += 1;
            continue;
        }
        if let Some(g) = lexicon::honorific(&t.lower) {
            if rest > 1 {
                gender = g;
                i += 1;
                if i < toks.len() && toks[i].lower == "." {
                    i += 1;
                }
                name_start = Some(i);
                break;
            }
        }
        if let Some((what, n, _)) = place_or_org(toks, i, chars) {
            if rest > n {
                affiliation.get_or_insert(what);
                i += n;
                continue;
            }
        }
        if lexicon::is_role(&t.lower) && rest > 1 {
            // Consecutive role words make one title: "peace envoy", "Foreign Minister".
            let mut j = i + 1;
            while j < toks.len() - 1 && lexicon::is_role(&toks[j].lower) && toks[j].cap == t.cap {
                j += 1;
            }
            titles.push(text_of(&toks[i..j], chars));
            i = j;
            continue;
        }
        if !t.cap && rest > 1 && !lexicon::name_particle(&t.lower) && i < trailing {
            i += 1;
            continue;
        }
        name_start = Some(i);
        break;
    }
    let tail = name_start
        .map(|s| &toks[s.min(toks.len())..])
        .unwrap_or(&[]);
    let all_name = !tail.is_empty()
        && tail.iter().all(|t| {
            t.cap
                || lexicon::name_particle(&t.lower)
                || t.lower == "."
                || t.lower == "'s"
                || body_name && matches!(t.lower.as_str(), "and" | "&")
        })
        // "Mr de Vabres": a particle may open a surname.
        && (tail[0].cap
            || lexicon::name_particle(&tail[0].lower) && tail.get(1).is_some_and(|t| t.cap));
    if all_name {
        let name = text_of(tail, chars);
        let lower = name.to_lowercase();
        if let Some(c) = lexicon::country(&lower) {
            return named(
                SpeakerKind::Country,
                c.to_string(),
                titles,
                None,
                gender,
                false,
            );
        }
        if tail.len() == 1 && is_acronym(&tail[0], chars) {
            let canonical = lexicon::known_org(&lower)
                .map(str::to_string)
                .unwrap_or(name);
            return named(
                SpeakerKind::Organization,
                canonical,
                titles,
                affiliation,
                gender,
                false,
            );
        }
        if let Some(o) = lexicon::known_org(&lower) {
            return named(
                SpeakerKind::Organization,
                o.to_string(),
                titles,
                affiliation,
                gender,
                false,
            );
        }
        if tail.iter().any(|t| lexicon::org_word(&t.lower))
            || (determiner && titles.is_empty() && gender == Gender::Unknown)
        {
            return named(
                SpeakerKind::Organization,
                name,
                titles,
                affiliation,
                gender,
                false,
            );
        }
        let given = tail
            .iter()
            .filter(|t| t.cap && !lexicon::name_particle(&t.lower))
            .count();
        let partial = given == 1;
        let titles = titles
            .into_iter()
            .map(|t| t.trim_end_matches('.').to_string())
            .collect();
        return named(
            SpeakerKind::Person,
            name,
            titles,
            affiliation,
            gender,
            partial,
        );
    }
    // No name: a description, a document, an anonymous source, or a place.
    let head_tok = &toks[toks.len() - 1];
    let head = head_tok.lower.as_str();
    if toks.len() - k == 1 || (affiliation.is_some() && toks.len() - k <= 2 && head_tok.cap) {
        if let Some((what, _, kind)) = place_or_org(toks, toks.len() - 1, chars) {
            return named(kind, what, titles, None, gender, false);
        }
    }
    // The capitalised words right before the head: "an IAAF statement",
    // "the Financial Times newspaper", "Reuters news agency".
    let modifier = {
        let mut e = toks.len() - 1;
        if e > k + 1 && !toks[e - 1].cap && toks[e - 1].lower == "news" {
            e -= 1;
        }
        let mut b = e;
        while b > k && toks[b - 1].cap && !lexicon::determiner(&toks[b - 1].lower) {
            b -= 1;
        }
        (b < e).then_some(b..e)
    };
    if lexicon::document_noun(head) {
        // "Chelsea's statement", "an IAAF statement": whoever issued it.
        let owner = owner_range
            .or(modifier)
            .and_then(|r| match read_one(&toks[r], chars, false) {
                // A lone capitalised word that issues statements is a body.
                Ref::Named(mut n) => {
                    if n.kind == SpeakerKind::Person
                        && n.partial
                        && n.titles.is_empty()
                        && n.gender == Gender::Unknown
                    {
                        n.kind = SpeakerKind::Organization;
                        n.partial = false;
                    }
                    Some(n)
                }
                _ => None,
            });
        return Ref::Document { owner };
    }
    if lexicon::body_noun(head) {
        if let Some(r) = modifier.filter(|r| r.start == k || owner_range.is_none()) {
            return organisation(text_of(&toks[r], chars), affiliation);
        }
    }
    // "the UN peace envoy for Syria": the head is before "for"/"of"; in
    // "A Department for Education source" the "for" is inside a name.
    let head_idx = (1..toks.len())
        .rev()
        .find(|&p| matches!(toks[p].lower.as_str(), "for" | "of" | "at") && !toks[p - 1].cap)
        .map(|p| p - 1)
        .unwrap_or(toks.len() - 1);
    let head2 = toks[head_idx].lower.as_str();
    let determined = determiner || affiliation.is_some();
    if lexicon::body_noun(head2) && determiner && toks.len() - k == 1 {
        return Ref::Body {
            head: head2.to_string(),
        };
    }
    // "Embassy spokesman": a capitalised word before the noun stands for
    // its determiner.
    let modified = toks.len() - k >= 2 && head_idx > k && toks[head_idx - 1].cap;
    // "chief executive of SK Telecom": the complement determines the role.
    let complemented = head_idx + 1 < whole.len() && lexicon::is_role(head2);
    if complemented {
        if let Some(n) = named_after_role(whole, chars) {
            return n;
        }
    }
    // An anonymous head is still a description once its body is given:
    // "Mr Blair's official spokesman", "a Department for Health source".
    let anonymous = lexicon::anonymous_head(head2) && affiliation.is_none() && !modified;
    if (lexicon::person_noun(head2)
        || lexicon::agent_noun(head2)
        || lexicon::anonymous_head(head2) && !head2.ends_with('s'))
        && (determined || modified || complemented)
        && !anonymous
        || lexicon::is_person_head(head2) && (determiner || modified || complemented)
    {
        let affiliation = affiliation.or_else(|| {
            complemented.then(|| {
                let rest = &whole[head_idx + 2..];
                let skip = rest
                    .iter()
                    .take_while(|t| lexicon::determiner(&t.lower))
                    .count();
                text_of(&rest[skip..], chars)
            })
        });
        return Ref::Description {
            head: head2.to_string(),
            affiliation: affiliation.filter(|a| !a.is_empty()),
            plural: false,
            count: None,
        };
    }
    let singular = head.strip_suffix('s').unwrap_or(head);
    let plural_head = lexicon::plural_person_head(head)
        || head != singular && (lexicon::person_noun(singular) || lexicon::agent_noun(singular));
    if plural_head && count.is_some() {
        return Ref::Description {
            head: head.to_string(),
            affiliation,
            plural: true,
            count,
        };
    }
    // "the judges", "the researchers": definite, so someone in particular;
    // "some analysts" and "officials" stay anonymous.
    let definite = toks[..k].iter().any(|t| {
        matches!(
            t.lower.as_str(),
            "the" | "his" | "her" | "their" | "its" | "our" | "these" | "those"
        )
    });
    if plural_head
        && (determiner && !lexicon::anonymous_head(head)
            || (definite || modified || affiliation.is_some()) && head != singular)
    {
        return Ref::Description {
            head: head.to_string(),
            affiliation,
            plural: true,
            count: None,
        };
    }
    if top {
        fallback(whole, chars).unwrap_or(Ref::Anonymous)
    } else {
        Ref::Anonymous
    }
}

/// A name of two words or more closing a role with its complement:
/// "director of rugby Nigel Melville".
fn named_after_role(toks: &[Token], chars: &[char]) -> Option<Ref> {
    let mut b = toks.len();
    while b > 0 && toks[b - 1].cap {
        b -= 1;
    }
    // The run must not be the complement itself ("chief executive of SK Telecom").
    if toks.len() - b < 2
        || b == 0
        || toks[b - 1].cap
        || matches!(toks[b - 1].lower.as_str(), "of" | "for" | "at" | "the")
    {
        return None;
    }
    match read_one(&toks[b..], chars, false) {
        Ref::Named(mut n) if n.kind == SpeakerKind::Person => {
            let role = text_of(&toks[..b], chars);
            if !n.titles.iter().any(|t| t.eq_ignore_ascii_case(&role)) {
                n.titles.push(role);
            }
            Some(Ref::Named(n))
        }
        _ => None,
    }
}

/// When the mention as a whole is nobody, the speaker inside it:
/// "Nadal afterwards", "Cara Diemont of Acme", "Rangers manager Alex
/// McLeish of the ban" (a name before an adverb or a complement); "a 0-0
/// tie at Old Trafford and Ancelotti" (the conjunct that is someone).
fn fallback(toks: &[Token], chars: &[char]) -> Option<Ref> {
    for e in 1..toks.len() {
        let w = toks[e].lower.as_str();
        let after_name = toks[e - 1].cap
            && (lexicon::discourse_word(w)
                || lexicon::np_boundary(w)
                || matches!(w, "of" | "ahead"));
        if after_name {
            if let Ref::Named(n) = read_one(&toks[..e], chars, false) {
                if n.kind == SpeakerKind::Person {
                    return Some(Ref::Named(n));
                }
            }
        }
    }
    // "X and Y" where X is nobody.
    let and = toks.iter().rposition(|t| t.lower == "and")?;
    if and > 0 && and + 1 < toks.len() {
        let right = read_one(&toks[and + 1..], chars, false);
        if matches!(right, Ref::Named(_) | Ref::Description { .. })
            && matches!(read_one(&toks[..and], chars, false), Ref::Anonymous)
        {
            return Some(right);
        }
    }
    None
}

/// A body's whole name, kept whole: "the Finance and Economy Ministry",
/// "the Department of Health", "the Bank of England". The capitalised run
/// may join words with "and", "&", "of" or "for"; the word that heads it
/// (last, or before "of"/"for") names a kind of body.
fn body_name(toks: &[Token], chars: &[char]) -> Option<String> {
    let joiner = |t: &Token| matches!(t.lower.as_str(), "and" | "&" | "of" | "for");
    if toks.len() < 2 || !toks.iter().all(|t| t.cap || joiner(t)) || !toks[0].cap {
        return None;
    }
    if !toks.iter().any(joiner) {
        return None;
    }
    if toks.windows(2).any(|w| joiner(&w[0]) && joiner(&w[1]))
        || joiner(&toks[0])
        || joiner(&toks[toks.len() - 1])
    {
        return None;
    }
    let head = toks
        .iter()
        .position(|t| matches!(t.lower.as_str(), "of" | "for"))
        .map_or(toks.len() - 1, |p| p - 1);
    let last = toks[toks.len() - 1].lower.as_str();
    let firm = toks.iter().any(|t| t.lower == "&");
    if !firm && !lexicon::org_word(&toks[head].lower) && !lexicon::body_head(last) {
        return None;
    }
    Some(text_of(toks, chars))
}

/// A body by its name, in its canonical spelling when the lexicon knows it.
fn organisation(name: String, affiliation: Option<String>) -> Ref {
    let name = lexicon::known_org(&name.to_lowercase()).map_or(name, str::to_string);
    named(
        SpeakerKind::Organization,
        name,
        Vec::new(),
        affiliation,
        Gender::Unknown,
        false,
    )
}

fn named(
    kind: SpeakerKind,
    name: String,
    titles: Vec<String>,
    affiliation: Option<String>,
    gender: Gender,
    partial: bool,
) -> Ref {
    Ref::Named(Named {
        kind,
        name,
        titles,
        affiliation,
        gender,
        partial,
    })
}

#[cfg(test)]
mod tests {
    use super::super::text::Text;
    use super::super::tokens::tokenize;
    use super::*;

    fn read(s: &str) -> Vec<Ref> {
        let t = Text::new(s);
        let toks = tokenize(&t);
        parse(&toks, &t.chars, 0..toks.len())
    }

    fn person(s: &str) -> Named {
        match read(s).remove(0) {
            Ref::Named(n) => n,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn a_role_in_apposition_becomes_title_and_affiliation_either_way_round() {
        let n = person("Jane Doe, Acme Corp's finance director");
        assert_eq!(n.name, "Jane Doe");
        assert_eq!(n.titles, ["finance director"]);
        assert_eq!(n.affiliation.as_deref(), Some("Acme Corp"));
        // The comma closing the apposition is not part of it.
        let n = person("Ann Lee, senior editor for Acme Press,");
        assert_eq!(n.name, "Ann Lee");
        let n = person("the bank's chief economist, John Roe");
        assert_eq!(n.name, "John Roe");
        assert_eq!(n.titles, ["chief economist"]);
        // Two names side by side are not a name and its role.
        assert_eq!(read("Anna Bell, Tom Hart").len(), 2);
    }

    #[test]
    fn a_body_keeps_its_whole_name_across_and_of_and_ampersand() {
        for (text, name) in [
            (
                "the Trade and Industry Department",
                "Trade and Industry Department",
            ),
            ("the Bank of Scotland", "Bank of Scotland"),
            ("Marks & Spencer", "Marks & Spencer"),
            (
                "the Food and Drug Administration",
                "Food and Drug Administration",
            ),
        ] {
            let refs = read(text);
            assert_eq!(refs.len(), 1, "{text}: {refs:?}");
            match &refs[0] {
                Ref::Named(n) => {
                    assert_eq!(n.name, name);
                    assert_eq!(n.kind, SpeakerKind::Organization);
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        // Two people joined by "and" stay two.
        assert_eq!(read("Anna Bell and Tom Hart").len(), 2);
        // A joining word first or last is no body's name (and no panic).
        for text in ["Of Counsel", "For Britain", "Of", "Bank of"] {
            let _ = read(text);
        }
    }

    #[test]
    fn sentence_adverbs_and_weekdays_before_a_subject_are_not_its_name() {
        assert_eq!(person("Separately Anna Bell").name, "Anna Bell");
        assert_eq!(person("Tuesday Mr Hart").name, "Hart");
        assert!(matches!(read("Frankly I")[0], Ref::Pronoun { .. }));
        assert!(matches!(read("Meanwhile")[0], Ref::Anonymous));
        // A month is a given name too: kept unless a title follows it.
        assert_eq!(person("April Ryan").name, "April Ryan");
        assert_eq!(person("June Lord Hart").name, "Hart");
        // A particle may open a surname.
        assert_eq!(person("Mr de Lisle").name, "de Lisle");
    }

    #[test]
    fn descriptions_of_people_and_bodies_are_read_as_such() {
        for text in [
            "the archbishop",
            "her husband",
            "the 41-year-old",
            "the ship's captain",
            "Consulate spokeswoman",
        ] {
            assert!(
                matches!(read(text)[0], Ref::Description { plural: false, .. }),
                "{text}: {:?}",
                read(text)
            );
        }
        for text in ["the firm", "the newspaper"] {
            assert!(
                matches!(read(text)[0], Ref::Body { .. }),
                "{text}: {:?}",
                read(text)
            );
        }
    }

    #[test]
    fn titles_and_nationality_become_title_and_affiliation() {
        let n = person("Turkish Ambassador Feridun Sinirlioglu");
        assert_eq!(n.name, "Feridun Sinirlioglu");
        assert_eq!(n.titles, ["Ambassador"]);
        assert_eq!(n.affiliation.as_deref(), Some("Turkey"));
        assert_eq!(n.kind, SpeakerKind::Person);
    }

    #[test]
    fn possessive_country_is_an_affiliation() {
        let n = person("Russia's Vladimir Putin");
        assert_eq!(
            (n.name.as_str(), n.affiliation.as_deref()),
            ("Vladimir Putin", Some("Russia"))
        );
    }

    #[test]
    fn honorific_with_surname_is_partial_and_gendered() {
        let n = person("Mr Putin");
        assert!(n.partial);
        assert_eq!(n.gender, Gender::Male);
        let n = person("Mr De Mistura");
        assert_eq!(n.name, "De Mistura");
    }

    #[test]
    fn coordinated_countries_are_two_speakers() {
        let r = read("Russia and Iran");
        assert_eq!(r.len(), 2);
        assert!(
            matches!(&r[1], Ref::Named(n) if n.name == "Iran" && n.kind == SpeakerKind::Country)
        );
    }

    #[test]
    fn descriptions_documents_and_anonymous_sources() {
        assert!(
            matches!(&read("The Turkish leader")[0], Ref::Description { head, affiliation: Some(a), .. } if head == "leader" && a == "Turkey")
        );
        assert!(matches!(
            &read("the three men")[0],
            Ref::Description {
                plural: true,
                count: Some(3),
                ..
            }
        ));
        assert_eq!(read("The communique")[0], Ref::Document { owner: None });
        assert_eq!(read("a source")[0], Ref::Anonymous);
        assert!(
            matches!(&read("The United Nations")[0], Ref::Named(n) if n.kind == SpeakerKind::Organization && n.name == "United Nations")
        );
    }
}

#[cfg(test)]
mod subject_tests {
    use super::super::text::Text;
    use super::super::tokens::tokenize;
    use super::*;

    fn subject(s: &str, cue: &str) -> String {
        let t = Text::new(s);
        let toks = tokenize(&t);
        let c = toks.iter().position(|k| k.lower == cue).unwrap();
        let r = subject_left(&toks, 0, c).expect("a subject");
        t.slice(toks[r.start].start, toks[r.end - 1].end)
    }

    #[test]
    fn subject_skips_a_relative_clause() {
        let s = "Turkey's A B, Russia's C D and Iran's E F, who are meeting in Tehran for a summit of key foreign players in Syria's war, agreed in a statement that";
        assert_eq!(
            subject(s, "agreed"),
            "Turkey's A B, Russia's C D and Iran's E F"
        );
        assert_eq!(
            head_of(
                "Turkey, which has sent troops, called for a truce",
                "called"
            ),
            "Turkey"
        );
    }

    #[test]
    fn an_appositive_is_part_of_the_mention_but_not_of_its_head() {
        let s = "Michael Tanner, an analyst at the Cato Institute, said it";
        assert_eq!(
            subject(s, "said"),
            "Michael Tanner, an analyst at the Cato Institute,"
        );
        assert_eq!(head_of(s, "said"), "Michael Tanner");
    }

    fn head_of(s: &str, cue: &str) -> String {
        let t = Text::new(s);
        let toks = tokenize(&t);
        let c = toks.iter().position(|k| k.lower == cue).unwrap();
        let r = head(&toks, subject_left(&toks, 0, c).expect("a subject"));
        t.slice(toks[r.start].start, toks[r.end - 1].end)
    }

    #[test]
    fn subject_skips_fillers_and_stops_at_clause_boundaries() {
        assert_eq!(
            subject("In his remarks, Mr Erdogan also said a truce", "said"),
            "Mr Erdogan"
        );
        assert_eq!(
            subject("Turkey on Tuesday appealed for backing", "appealed"),
            "Turkey"
        );
        assert_eq!(
            subject("The Turkish leader said he feared", "said"),
            "The Turkish leader"
        );
    }
}

#[cfg(test)]
mod named_inside_tests {
    use super::super::text::Text;
    use super::super::tokens::tokenize;
    use super::*;

    fn read(s: &str) -> Ref {
        let t = Text::new(s);
        let toks = tokenize(&t);
        parse(&toks, &t.chars, 0..toks.len()).remove(0)
    }

    fn name(s: &str) -> String {
        match read(s) {
            Ref::Named(n) => n.name,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn a_name_inside_a_longer_mention_is_still_the_speaker() {
        assert_eq!(name("Jones afterwards"), "Jones");
        assert_eq!(name("coach Ann Smith of the club's defeat"), "Ann Smith");
        assert_eq!(name("head of research Mark Lee"), "Mark Lee");
        assert_eq!(name("a late goal at Old Park and Rossi"), "Rossi");
        assert_eq!(name("the Evening Courier newspaper"), "Evening Courier");
    }

    #[test]
    fn descriptions_and_documents_stay_described_not_anonymous() {
        assert!(matches!(
            read("the researchers"),
            Ref::Description { plural: true, .. }
        ));
        assert!(matches!(read("The goalkeeper"), Ref::Description { .. }));
        assert!(matches!(
            read("the 30-year-old comedian"),
            Ref::Description { .. }
        ));
        assert!(matches!(
            read("Acme's official spokesman"),
            Ref::Description { .. }
        ));
        match read("A FIFA statement") {
            Ref::Document { owner: Some(n) } => assert_eq!(n.name, "FIFA"),
            other => panic!("{other:?}"),
        }
        // Unnamed, unaffiliated sources stay anonymous.
        assert_eq!(read("officials"), Ref::Anonymous);
        assert_eq!(read("some analysts"), Ref::Anonymous);
        // A role's complement is not a person's name.
        assert!(matches!(
            read("chief executive of Acme Telecom"),
            Ref::Description { .. }
        ));
    }
}
