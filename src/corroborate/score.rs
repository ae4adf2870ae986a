//! Stage 2: align two claims' terms, score the match, decide the stance.

use super::features::{Bound, Features, NumKind};
use crate::domain::Stance;
use std::collections::HashSet;

/// At or above this score two claims on the same proposition that differ in
/// a number or in polarity contradict each other.
pub const THRESHOLD: f32 = 0.5;
/// At or above this score two short claims say the same thing whatever the
/// pair model thinks: claims about one event share most of their weight
/// without being sentence paraphrases.
pub const SAME: f32 = 0.7;
/// A claim with at most this many content words is short: the pair model,
/// which learned from whole sentences, does not judge it alone.
pub const SHORT_TERMS: usize = 8;
/// Below this score the pair model is not consulted: too little is shared
/// for two texts to say the same thing.
pub const FLOOR: f32 = 0.3;

/// A synonym (shared WordNet concept) counts for this much of an exact match.
const SYNONYM: f32 = 0.8;
/// Weight of a number: as telling as a rare word.
const NUMBER_WEIGHT: f32 = 6.0;

/// A stance as `claimgraph similarity` prints it: `NONE` for no link.
pub fn stance_label(s: Option<Stance>) -> &'static str {
    match s {
        Some(Stance::Supports) => "SUPPORTS",
        Some(Stance::Contradicts) => "CONTRADICTS",
        None => "NONE",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub score: f32,
    /// `None`: neither the same nor the opposite.
    pub stance: Option<Stance>,
    /// What matched and what differed, in words.
    pub evidence: Vec<String>,
}

fn same_number(a: f64, b: f64) -> bool {
    let m = a.abs().max(b.abs());
    m == 0.0 || (a - b).abs() / m < 0.01
}

/// The unit a round number was probably rounded to: 300 -> 100, 5,200 -> 100.
fn rounding_unit(v: f64) -> f64 {
    if v.fract() != 0.0 || v.abs() < 10.0 {
        return 0.0;
    }
    let mut unit = 1.0;
    let mut x = v.abs();
    while x >= 10.0 && (x / 10.0).fract() == 0.0 {
        x /= 10.0;
        unit *= 10.0;
    }
    if unit > 1.0 {
        unit
    } else {
        0.0
    }
}

/// A figure as written: its value, the place of its last digit (1 for "4",
/// 0.1 for "3.8") and its qualifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub unit: f64,
    pub bound: Bound,
}

impl Figure {
    /// A figure written to whole units.
    pub fn new(value: f64, bound: Bound) -> Figure {
        Figure {
            value,
            unit: 1.0,
            bound,
        }
    }
}

/// Whether two figures can describe the same quantity: equal; one a
/// rounding of the other (within 5%: 296 and "300"), or written to fewer
/// digits (within 10%: "4 percent" and 3.8, "1.2" and 1.23); or within what
/// a qualifier allows ("more than 5,200" and 5,270; "about 50" and 48).
pub fn consistent(fa: Figure, fb: Figure) -> bool {
    let (a, b, ba, bb) = (fa.value, fb.value, fa.bound, fb.bound);
    if same_number(a, b) {
        return true;
    }
    let m = a.abs().max(b.abs());
    let d = (a - b).abs();
    let unit = rounding_unit(a).max(rounding_unit(b));
    if d <= unit / 2.0 && d <= 0.05 * m {
        return true;
    }
    // The coarser of the two as a rounding of the finer.
    let coarse = fa.unit.max(fb.unit);
    if fa.unit != fb.unit && d <= coarse / 2.0 * (1.0 + 1e-9) && d <= 0.1 * m {
        return true;
    }
    let fits = |bound: Bound, x: f64, y: f64| match bound {
        Bound::AtLeast => y >= x * 0.99,
        Bound::AtMost => y <= x * 1.01,
        Bound::About => (x - y).abs() <= 0.1 * x.abs().max(y.abs()),
        Bound::Exact => false,
    };
    fits(ba, a, b) || fits(bb, b, a)
}

/// Whether two figures give one quantity: [`consistent`], except that two
/// limits the same way ("up to", "more than") are one only when neither is
/// more than half as large again as the other: "at least 23 killed" and
/// "at least 26" report one toll as it grows, but "up to 2 mln shares"
/// allows "up to 200,000" without saying it.
fn same_figure(fa: Figure, fb: Figure) -> bool {
    let limits = fa.bound == fb.bound && matches!(fa.bound, Bound::AtLeast | Bound::AtMost);
    if limits {
        let (x, y) = (fa.value.abs(), fb.value.abs());
        x.max(y) <= LIMITS_APART * x.min(y)
    } else {
        consistent(fa, fb)
    }
}

/// How far apart two limits the same way may lie and still give one
/// quantity ([`same_figure`]).
const LIMITS_APART: f64 = 1.5;

/// Limits the same way ("up to", "more than") of one kind on both sides,
/// none near one on the other ([`same_figure`]): the first of each, as
/// written.
fn limits_apart(a: &Features, b: &Features) -> Option<(String, String)> {
    let limits = |f: &Features, k: NumKind, d: Bound| -> Vec<(Figure, String)> {
        figures(f, k)
            .filter(|(_, v)| v.bound == d)
            .map(|(i, v)| (v, bound_written(f, i)))
            .collect()
    };
    // Another figure of the kind that both give ("about 120,000 people",
    // "more than 120,000") ties the two to one quantity.
    let agree = |k: NumKind| {
        let all = |f: &Features| figures(f, k).map(|(_, v)| v).collect::<Vec<Figure>>();
        let (x, y) = (all(a), all(b));
        x.iter().any(|v| {
            y.iter()
                .any(|w| same_figure(*v, *w) && v.bound == w.bound || same_number(v.value, w.value))
        })
    };
    // Each kind once: a text with five amounts is asked about amounts once.
    let mut kinds: Vec<NumKind> = Vec::new();
    for n in &a.numbers {
        if !kinds.contains(&n.2) {
            kinds.push(n.2);
        }
    }
    kinds.into_iter().find_map(|k| {
        [Bound::AtMost, Bound::AtLeast].into_iter().find_map(|d| {
            let (x, y) = (limits(a, k, d), limits(b, k, d));
            let close = x.iter().any(|v| y.iter().any(|w| same_figure(v.0, w.0)));
            (!x.is_empty() && !y.is_empty() && !close && !agree(k))
                .then(|| (x[0].1.clone(), y[0].1.clone()))
        })
    })
}

/// A figure as written, with its qualifier: "up to 2 mln".
fn bound_written(f: &Features, i: usize) -> String {
    let n = &f.numbers[i].1;
    match f.bounds.get(i).copied().unwrap_or_default() {
        Bound::AtMost => format!("at most {n}"),
        Bound::AtLeast => format!("at least {n}"),
        Bound::About => format!("about {n}"),
        Bound::Exact => n.clone(),
    }
}

fn figure_of(f: &Features, i: usize) -> Figure {
    Figure {
        value: f.numbers[i].0,
        unit: f.units.get(i).copied().unwrap_or(1.0),
        bound: f.bounds.get(i).copied().unwrap_or_default(),
    }
}

/// How much of `a`'s weight finds a match in `b`.
fn covered(a: &Features, b: &Features, evidence: &mut Option<&mut Vec<String>>) -> (f32, f32) {
    let mut total = 0.0;
    let mut matched = 0.0;
    for t in &a.terms {
        let mut best = 0.0f32;
        let mut how = None;
        for u in &b.terms {
            let same_entity = t.alts.contains(&u.stem)
                || u.alts.contains(&t.stem)
                || t.alts.iter().any(|x| u.alts.contains(x));
            let m = if t.stem == u.stem || same_entity {
                1.0
            } else if t.concepts.iter().any(|c| u.concepts.contains(c)) {
                SYNONYM
            } else {
                0.0
            };
            if m > best {
                best = m;
                how = Some(u);
            }
        }
        // Supplementary knowledge only ever adds evidence.
        if t.bonus && best == 0.0 {
            continue;
        }
        total += t.weight;
        matched += t.weight * best;
        if let (Some(ev), Some(u)) = (evidence.as_deref_mut(), how) {
            if best == 1.0
                && t.stem != u.stem
                && !t.word.contains('\u{2192}')
                && !u.word.contains('\u{2192}')
            {
                ev.push(format!("entity: {} = {}", t.word, u.word));
            } else if best == 1.0 && t.word.contains('\u{2192}') {
                ev.push(format!("speaker: {}", t.word));
            } else if best == 1.0 && u.word.contains('\u{2192}') {
                ev.push(format!("speaker: {}", u.word));
            } else if best == 1.0 {
                ev.push(format!("shared: {}", t.word.to_lowercase()));
            } else if best > 0.0 {
                ev.push(format!(
                    "synonym: {} ~ {}",
                    t.word.to_lowercase(),
                    u.word.to_lowercase()
                ));
            }
        }
    }
    for (v, _, _) in &a.numbers {
        total += NUMBER_WEIGHT;
        if b.numbers.iter().any(|(w, _, _)| same_number(*v, *w)) {
            matched += NUMBER_WEIGHT;
        }
    }
    (matched, total)
}

/// Whether two texts nearly repeat each other word for word: one text
/// reused (wire copy, a background paragraph, boilerplate), not two
/// sources. Their longest common word sequence covers 80% of both, or 90%
/// of the shorter when it has eight words or more (a sentence reused with
/// a clause added).
pub fn near_copy(a: &str, b: &str) -> bool {
    let ws = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (x, y) = (ws(a), ws(b));
    if x.is_empty() || y.is_empty() {
        return false;
    }
    // Longest common subsequence of words, one row at a time.
    let mut row = vec![0usize; y.len() + 1];
    for w in &x {
        let mut diag = 0;
        for (j, v) in y.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if w == v { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    let lcs = row[y.len()] as f32;
    let (short, long) = (x.len().min(y.len()) as f32, x.len().max(y.len()) as f32);
    2.0 * lcs / (short + long) >= 0.8 || short >= 8.0 && lcs >= 0.9 * short
}

/// Whether what two claims share names something: a name or a figure in
/// both, or shared words of at least `min_weight` together. "No plans for
/// a comeback" and "no plans for another series" share only a topic.
pub fn specific(a: &Features, b: &Features, min_weight: f32) -> bool {
    let shared: Vec<&super::features::Term> = a
        .terms
        .iter()
        .filter(|t| !t.bonus && b.terms.iter().any(|u| !u.bonus && same_term(t, u)))
        .collect();
    shared.iter().any(|t| t.name)
        || a.numbers
            .iter()
            .any(|(v, _, _)| b.numbers.iter().any(|(w, _, _)| same_number(*v, *w)))
        || shared.iter().map(|t| t.weight).sum::<f32>() >= min_weight
}

/// Whether `a` and `b` both give numbers of kind `k` and none of them agree.
fn differs(a: &Features, b: &Features, k: NumKind) -> bool {
    let of = |f: &Features| figures(f, k).map(|(_, v)| v).collect::<Vec<Figure>>();
    let (x, y) = (of(a), of(b));
    !x.is_empty() && !y.is_empty() && !x.iter().any(|v| y.iter().any(|w| consistent(*v, *w)))
}

/// The figures of kind `k` a text gives, with their places.
fn figures(f: &Features, k: NumKind) -> impl Iterator<Item = (usize, Figure)> + '_ {
    (0..f.numbers.len())
        .filter(move |&i| f.numbers[i].2 == k)
        .map(move |i| (i, figure_of(f, i)))
}

/// How much of `a`'s content-word weight `b` covers: numbers and the
/// markers that stand for their units ("$", "%", "m", "bn") aside, since
/// those say what a figure is, not what it is about.
fn content_coverage(a: &Features, b: &Features) -> f32 {
    let unit = |t: &super::features::Term| {
        t.bonus
            || matches!(
                t.stem.as_str(),
                "currenc"
                    | "currency"
                    | "percent"
                    | "m"
                    | "mn"
                    | "mln"
                    | "pct"
                    | "bn"
                    | "bln"
                    | "dlr"
                    | "dlrs"
                    | "b"
                    | "k"
                    | "tn"
                    | "million"
                    | "billion"
                    | "thousand"
                    | "trillion"
            )
    };
    let (mut total, mut matched) = (0.0f32, 0.0f32);
    for t in a.terms.iter().filter(|t| !unit(t)) {
        total += t.weight;
        let m = b.terms.iter().filter(|u| !unit(u)).fold(0.0f32, |m, u| {
            if same_term(t, u) {
                1.0
            } else if t.concepts.iter().any(|c| u.concepts.contains(c)) {
                m.max(SYNONYM)
            } else {
                m
            }
        });
        matched += t.weight * m;
    }
    if total > 0.0 {
        matched / total
    } else {
        0.0
    }
}

/// Whether two terms stand for the same word or entity.
fn same_term(t: &super::features::Term, u: &super::features::Term) -> bool {
    t.stem == u.stem
        || t.alts.contains(&u.stem)
        || u.alts.contains(&t.stem)
        || t.alts.iter().any(|x| u.alts.contains(x))
}

/// Time marks split into dates and periods, and days ("Monday",
/// "yesterday"): a day is often only when something was said.
fn split_days(t: &std::collections::BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    t.iter().cloned().partition(|m| {
        !(m.ends_with("day") && super::features::time_word(m)
            || matches!(m.as_str(), "yesterday" | "today" | "tomorrow" | "tonight"))
    })
}

/// The names a text gives of who or what it is about: its name terms, the
/// speaker's (supplementary) ones and dates aside.
fn subject_names(f: &Features) -> Vec<super::features::Term> {
    f.terms
        .iter()
        .filter(|t| t.name && !t.bonus && !super::features::time_word(&t.word))
        .cloned()
        .collect()
}

/// When both texts name a person or a body in full ([`super::features::full_names`]:
/// "Charles Scott", "Drexel Burnham Lambert Inc") and no word of those
/// names, nor their initials ("UN" for "United Nations"), appears in the
/// other text, one name of each.
fn names_apart(a: &Features, b: &Features) -> Option<(String, String)> {
    let (na, nb) = (
        super::features::full_names(&a.text),
        super::features::full_names(&b.text),
    );
    if na.is_empty() || nb.is_empty() {
        return None;
    }
    // The other text's words as written, lower-cased, and its acronyms
    // ("U.S." as "us"), from one pass over it.
    let meets = |names: &[super::features::FullName], other: &Features| {
        let (mut words, mut short) = (HashSet::new(), HashSet::new());
        for w in other
            .text
            .split_whitespace()
            .map(super::features::name_token)
        {
            let bare = w.replace('.', "");
            if bare.chars().count() >= 2 && bare.chars().all(|c| c.is_ascii_uppercase()) {
                short.insert(bare.to_lowercase());
            }
            words.insert(w.trim_end_matches('.').to_lowercase());
        }
        names
            .iter()
            .any(|n| n.words.iter().any(|w| words.contains(w)) || short.contains(&n.initials))
    };
    if meets(&na, b) || meets(&nb, a) {
        return None;
    }
    Some((na[0].written.clone(), nb[0].written.clone()))
}

/// Two claims about their articles' subjects say what they say of them:
/// claims in their articles' own voice that name no person or body in full
/// ("The selling concession is 1-1/4 pct", "About 57 mln dlrs of debt is
/// affected"), or only what the other names too (a grade of crude both
/// price, "West Texas Intermediate"), and claims that point at their
/// article's subject ("the increase brings its posting for ..."). Whether
/// the two articles' leads name different bodies
/// ([`super::features::subjects_apart`]: one issuer's bond and another's,
/// one oil company's posted price and another's), so that the claims are
/// about different things however alike their frames, and their figures do
/// not contradict each other.
pub fn leads_apart(
    a: &Features,
    b: &Features,
    lead_a: &[super::features::FullName],
    lead_b: &[super::features::FullName],
) -> bool {
    use super::features::{full_names, FullName};
    if !super::features::subjects_apart(lead_a, lead_b) {
        return false;
    }
    let (names_a, names_b) = (full_names(&a.text), full_names(&b.text));
    // A name the other claim gives too is what both speak of, not whose.
    let shared_only = |own: &[FullName], other: &[FullName]| {
        own.iter().all(|n| {
            other
                .iter()
                .any(|m| n.words.iter().any(|w| m.words.contains(w)))
        })
    };
    // A claim someone is reported to have made is about what its speaker
    // speaks of, which a story with several actors need not lead with,
    // unless it points at the subject.
    let about_lead = |f: &Features, own: &[FullName], other: &[FullName]| {
        shared_only(own, other) && (!f.reported && f.speakers.is_empty() || points_at_subject(f))
    };
    about_lead(a, &names_a, &names_b) && about_lead(b, &names_b, &names_a)
}

/// Whether a text refers to a body as its article's subject: "its", or "the
/// company" (any noun that stands for a body named before it,
/// `lexicon::body_noun`).
fn points_at_subject(f: &Features) -> bool {
    let ws: Vec<String> = f
        .text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphabetic())
                .trim_end_matches("'s")
                .to_lowercase()
        })
        .collect();
    ws.iter().any(|w| w == "its")
        || ws
            .windows(2)
            .any(|p| p[0] == "the" && crate::extract::lexicon::body_noun(&p[1]))
}

/// What linking knows of a claim's article besides the claim: whom its
/// lead (or title) is about and the day it was published.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Whom it is about: [`super::features::article_subjects`] of its
    /// title and body.
    pub subjects: Vec<super::features::FullName>,
    /// Its publication date ("2026-12-07", or longer), when known.
    pub published: Option<String>,
}

/// Whether two claims that read as contradicting each other are about
/// different matters, for what their articles tell: unnamed claims about
/// their leads' different subjects ([`leads_apart`]), reported words about
/// their different speakers ([`speakers_apart`]), or figures for a day
/// relative to articles not known to be of one day ([`days_apart`]).
pub fn frames_apart(a: &Features, b: &Features, fa: &Frame, fb: &Frame) -> bool {
    leads_apart(a, b, &fa.subjects, &fb.subjects)
        || speakers_apart(a, b)
        || days_apart(a, b, fa, fb)
}

/// Two speakers' words about themselves ("it will add 30.4 mln dlrs to its
/// reserve", by two banks): both open with a pronoun
/// ([`Features::about_speaker`]) and no word of one's speakers' names is in
/// the other's (the generic heads of bodies' names, "Corp", aside; a
/// speaker known only by those tells nothing).
pub fn speakers_apart(a: &Features, b: &Features) -> bool {
    use crate::extract::lexicon as lex;
    let words = |f: &Features| -> HashSet<String> {
        f.speakers
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| w.chars().count() > 1 && !lex::org_word(w) && !lex::is_role(w))
            .collect()
    };
    if !(a.about_speaker && b.about_speaker) {
        return false;
    }
    let (wa, wb) = (words(a), words(b));
    !wa.is_empty() && !wb.is_empty() && wa.is_disjoint(&wb)
}

/// Figures dated by a day relative to their telling ("will sell tomorrow
/// 500 billion yen", "on Tuesday") in articles not known to be of the same
/// day: the days may differ, so the figures need not disagree.
pub fn days_apart(a: &Features, b: &Features, fa: &Frame, fb: &Frame) -> bool {
    use super::features::relative_day;
    fn day(f: &Frame) -> Option<&str> {
        f.published.as_deref().and_then(|p| p.get(..10))
    }
    let same_day = matches!((day(fa), day(fb)), (Some(x), Some(y)) if x == y);
    (relative_day(a) || relative_day(b)) && !same_day
}

/// Different figures of one kind for the same subject at the same time:
/// the claims name the same people or things (one's names within the
/// other's), give the same dates and periods, and say the same besides the
/// figure. With no name on either side the rest must match almost whole.
/// Returns the evidence: what was aligned and the figures.
fn aligned_figures(a: &Features, b: &Features, differing: &[NumKind]) -> Option<String> {
    let kind = *differing.first()?;
    let year_differs = differing.contains(&NumKind::Year);
    let has_other = |f: &Features| f.numbers.iter().any(|n| n.2 != NumKind::Year);
    // The same figure for another year is another period, not a correction.
    if year_differs && (differing.len() > 1 || has_other(a) && has_other(b)) {
        return None;
    }
    let period = |f: &Features| {
        let mut t = super::features::time_marks(f).clone();
        if year_differs {
            t.retain(|m| !m.starts_with(|c: char| c.is_ascii_digit()));
        }
        t
    };
    let (ta, tb) = (period(a), period(b));
    // Dates and periods must match; a day ("on Monday", "yesterday") is
    // often when it was said, so it counts only when both give one.
    let ((da, ya), (db, yb)) = (split_days(&ta), split_days(&tb));
    if da != db || !ya.is_empty() && !yb.is_empty() && ya != yb {
        return None;
    }
    // A price or a level that moves ("fell to", "now stands at") is a
    // reading at some moment: with no time given, two readings differ
    // without disagreeing.
    let reading = |f: &Features| {
        super::features::words(&f.text)
            .iter()
            .any(|w| super::features::moving_word(&w.0))
    };
    // "Last week" and "yesterday" are relative to a publication date the
    // text does not carry: they do not pin a reading down.
    let anchored = |t: &std::collections::BTreeSet<String>| {
        split_days(t).0.iter().any(|m| {
            !(m.ends_with(" week") || m.ends_with(" month"))
                || m.starts_with(|c: char| c.is_ascii_digit())
        })
    };
    if (!anchored(&ta) || !anchored(&tb)) && (reading(a) || reading(b)) {
        return None;
    }
    // "42.7 trillion calculations" and "42.7 teraflops": the same figure in
    // two units.
    let digits = |f: &Features| -> Vec<String> {
        f.numbers
            .iter()
            .filter(|n| n.2 == kind)
            .map(|n| n.1.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    if digits(a).iter().any(|x| digits(b).contains(x)) {
        return None;
    }
    // "It is also paying $500,000", "to pay $300m": a figure whose subject
    // the text does not give cannot be held against another's.
    if !super::features::subject_given(a) || !super::features::subject_given(b) {
        return None;
    }
    // Two figures a side ("$881m for one, $576m for the other"): which
    // belongs to what cannot be told, so none is set against another.
    let main = |f: &Features| {
        let mut text = String::new();
        let mut depth = 0usize;
        for c in f.text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ if depth == 0 => text.push(c),
                _ => {}
            }
        }
        super::features::features(&text, &[])
            .numbers
            .iter()
            .filter(|n| n.2 == kind)
            .count()
    };
    if main(a) > 1 && main(b) > 1 {
        return None;
    }
    let (na, nb) = (subject_names(a), subject_names(b));
    let within = |x: &[super::features::Term], y: &[super::features::Term]| {
        x.iter().all(|t| y.iter().any(|u| same_term(t, u)))
    };
    let shared_words: Vec<&super::features::Term> = a
        .terms
        .iter()
        .filter(|t| !t.bonus && b.terms.iter().any(|u| !u.bonus && same_term(t, u)))
        .collect();
    let (ca, cb) = (content_coverage(a, b), content_coverage(b, a));
    let ok = if na.is_empty() && nb.is_empty() {
        ca >= 0.8 && cb >= 0.8 && shared_words.len() >= 3
    } else {
        !na.is_empty()
            && !nb.is_empty()
            && (within(&na, &nb) || within(&nb, &na))
            && ca >= 0.6
            && cb >= 0.6
    };
    if !ok {
        return None;
    }
    let fmt = |f: &Features| {
        f.numbers
            .iter()
            .filter(|n| n.2 == kind)
            .map(|(_, s, _)| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut on: Vec<String> = shared_words
        .iter()
        .filter(|t| {
            !matches!(
                t.stem.as_str(),
                "currenc" | "currency" | "percent" | "m" | "mn" | "bn" | "b" | "k" | "tn"
            )
        })
        .take(6)
        .map(|t| t.word.clone())
        .collect();
    on.extend(ta.iter().cloned());
    Some(format!(
        "figures differ on the same matter ({}): {} vs {}",
        on.join(" "),
        fmt(a),
        fmt(b)
    ))
}

/// What comparing two texts' words finds, worked out once however many
/// times the pair is then asked about (is the judge worth a pass, does its
/// answer matter, the comparison itself): these are the costly part of a
/// comparison, and a candidate worth the judge was asked them four times.
/// Lazy, and for one pair only: always ask it with the same two texts.
#[derive(Debug, Default)]
pub struct Basis {
    coverage: std::cell::OnceCell<Covered>,
    lexical: std::cell::OnceCell<[f32; super::pair::N_FEATURES]>,
}

#[derive(Debug)]
struct Covered {
    /// `covered` both ways: (matched, total).
    ab: (f32, f32),
    ba: (f32, f32),
    /// What the words of `a` found in `b`.
    evidence: Vec<String>,
}

impl Basis {
    fn covered(&self, a: &Features, b: &Features) -> &Covered {
        self.coverage.get_or_init(|| {
            let mut evidence = Vec::new();
            let ab = covered(a, b, &mut Some(&mut evidence));
            let ba = covered(b, a, &mut None);
            Covered { ab, ba, evidence }
        })
    }

    /// The pair model's features.
    fn lexical(&self, a: &Features, b: &Features) -> [f32; super::pair::N_FEATURES] {
        *self.lexical.get_or_init(|| {
            let c = self.covered(a, b);
            super::pair::pair_features(a, b, c.ab, c.ba)
        })
    }
}

/// How much of `a`'s weight `b` covers, and how much of `b`'s `a` covers,
/// each in [0, 1].
pub fn coverage(a: &Features, b: &Features) -> (f32, f32) {
    let (ma, ta) = covered(a, b, &mut None);
    let (mb, tb) = covered(b, a, &mut None);
    let r = |m: f32, t: f32| {
        if t > 0.0 {
            (m / t).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    (r(ma, ta), r(mb, tb))
}

/// The pair model's feature vector for two texts.
pub fn pair_vector(a: &Features, b: &Features) -> [f32; super::pair::N_FEATURES] {
    let (ma, ta) = covered(a, b, &mut None);
    let (mb, tb) = covered(b, a, &mut None);
    super::pair::pair_features(a, b, (ma, ta), (mb, tb))
}

/// Compare two claims. The score is how much of each claim's weight the
/// other covers (exact stems, then WordNet synonyms, then numbers); whether
/// they say the same thing is the pair model's call; a denial or a different
/// number on the same proposition makes it a contradiction.
pub fn compare(a: &Features, b: &Features) -> Comparison {
    compare_with(a, b, super::pair::model(), None)
}

/// [`compare`] for two claims whose embeddings are known, `cosine` apart:
/// the semantic pair model decides, and the score is the graded similarity
/// (as STS-B grades it, over 5). Without the semantic model, as [`compare`].
pub fn compare_meaning(a: &Features, b: &Features, cosine: f32, basis: &Basis) -> Comparison {
    match super::pair::semantic_model() {
        Some(m) => compare_full(a, b, basis, Some(m), Some(cosine), None),
        None => compare_full(a, b, basis, super::pair::model(), None, None),
    }
}

/// [`compare_meaning`] for two claims the paraphrase judge has read
/// together (`paraphrase`: its probability that they say the same thing):
/// the judge decides whether they are the same; figures and denials still
/// make a contradiction, and claims about different subjects are neither.
pub fn compare_judged(
    a: &Features,
    b: &Features,
    cosine: f32,
    paraphrase: f32,
    basis: &Basis,
) -> Comparison {
    compare_full(
        a,
        b,
        basis,
        super::pair::semantic_model(),
        Some(cosine),
        Some(paraphrase),
    )
}

/// Whether the judge's answer could change the stance of two texts `cosine`
/// apart: the stances with its surest "no" and "yes" differ. The rule only
/// ever links more as the judge's probability rises, so where those agree
/// the pass is moot, and [`compare_meaning`] gives that same stance. Over
/// a wire corpus most pairs worth judging are copies the words already
/// link (or different subjects nothing links), and the pass is the cost.
pub fn judge_matters(a: &Features, b: &Features, cosine: f32, basis: &Basis) -> bool {
    compare_judged(a, b, cosine, 0.0, basis).stance
        != compare_judged(a, b, cosine, 1.0, basis).stance
}

/// Pairs this close in meaning are worth the paraphrase judge's pass.
/// Below it pairs are topical at best; the pass is the costly part of a
/// comparison (over the BBC corpus, 16.5 of an article's candidates reach
/// this cosine, and 11% of them were judged the same).
const JUDGE_FROM: f32 = 0.55;
/// The judge reads a pair only when the semantic pair model gives it at
/// least this probability: on BBC this leaves 7 pairs of the 16.5, and
/// the judge's "the same" below it were mostly topical ("growing fast"
/// against "set to slow").
const JUDGE_MIN_MODEL: f32 = 0.1;
/// Content words each side needs: the judge learnt from whole sentences,
/// and on phrases ("the plans", "the proposals") it calls a shared topic
/// the same.
const JUDGE_MIN_TERMS: usize = 4;

/// Whether two texts `cosine` apart are worth reading together with the
/// paraphrase judge ([`compare_judged`]); the rest are decided by
/// [`compare_meaning`]. Linking and `claimgraph similarity` both ask this.
pub fn worth_judging(a: &Features, b: &Features, cosine: f32, basis: &Basis) -> bool {
    let content = |f: &Features| f.terms.iter().filter(|t| !t.bonus).count();
    if cosine < JUDGE_FROM || content(a) < JUDGE_MIN_TERMS || content(b) < JUDGE_MIN_TERMS {
        return false;
    }
    let Covered { ab, ba, .. } = *basis.covered(a, b);
    let model = super::pair::semantic_model().map_or(0.0, |m| {
        m.logistic.probability(&super::pair::semantic_features(
            &basis.lexical(a, b),
            cosine,
        ))
    });
    // Below the coverage where the judge decides, it can only add a link
    // the semantic model gives at least `PARAPHRASE_ADDS_MODEL`: a pass on
    // any other pair could not change the outcome.
    if combined(ab, ba) < JUDGE_DECIDES_FROM {
        model >= PARAPHRASE_ADDS_MODEL
    } else {
        model >= JUDGE_MIN_MODEL
    }
}

/// Whether the judge may read a pair both ways round ([`crate::encoder::PairJudge`]:
/// it does when its first reading is unsure): where its answer decides
/// alone, the texts sharing most of their words.
/// Below that it only adds a link it is sure of, and a second reading
/// would double the passes of most of a store's candidates for little.
pub fn judge_both_ways(a: &Features, b: &Features, basis: &Basis) -> bool {
    let Covered { ab, ba, .. } = *basis.covered(a, b);
    combined(ab, ba) >= JUDGE_DECIDES_FROM
}

/// How much of both texts' weight the other covers, together, from what
/// `covered` found each way: (matched, total).
fn combined((ma, ta): (f32, f32), (mb, tb): (f32, f32)) -> f32 {
    if ta + tb > 0.0 {
        ((ma + mb) / (ta + tb)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Below this cosine, meaning alone never makes two claims the same: the
/// words must also cover [`FLOOR`] of each other.
pub const MEANING_FLOOR: f32 = 0.8;
/// Below this cosine two claims are about different things: neither the
/// same claim nor a contradiction, whatever words they share. Over the BBC
/// corpus 2 of 3,118 links were below it, both thin ("replied No" for
/// "replied No, I don't think so") or wrong; no MRPC pair below it was
/// called a paraphrase. The linker drops such candidates before
/// reading them.
pub const UNRELATED: f32 = 0.35;
/// Below this cosine a denial contradicts nothing the other claim states:
/// what the two share is a topic (over the BBC corpus with the attribution
/// tagger, 5 of the 6 contradictions by denial below it joined different
/// matters: "six pre-election pledges" against "there will not be a
/// pre-election giveaway"). A different figure for the same thing is read
/// without it: figures say what they are about.
const DENIAL_FROM: f32 = 0.5;
/// From this probability the paraphrase judge's "the same" stands, for
/// texts whose words cover at least `JUDGE_DECIDES_FROM` of each other.
const PARAPHRASE_SAME: f32 = 0.5;
/// The words' coverage from which the judge decides alone: MRPC's pairs
/// (median 0.72) are mostly above it, the store's candidates (median 0.29
/// over BBC) mostly below.
const JUDGE_DECIDES_FROM: f32 = 0.5;
/// A text whose weight the other covers this much is inside it.
const CONTAINED: f32 = 0.9;
/// Below that coverage the judge adds a link at this probability, when the
/// semantic pair model gives it at least `PARAPHRASE_ADDS_MODEL`. Over the
/// BBC corpus, 70% of the judge's passes were on such pairs and 1.9% of
/// them added a link; of those the model gave under 0.3, 7 of 12 were
/// topical ("an increase of 20%" for "an improvement on recent months"),
/// so below it the pass is cost without gain.
const PARAPHRASE_ADDS: f32 = 0.9;
const PARAPHRASE_ADDS_MODEL: f32 = 0.3;

/// [`compare`] with a given pair model (none: the score alone decides): a
/// lexical one without `cosine`, a semantic one with it.
pub fn compare_with(
    a: &Features,
    b: &Features,
    model: Option<&super::pair::PairModel>,
    cosine: Option<f32>,
) -> Comparison {
    compare_full(a, b, &Basis::default(), model, cosine, None)
}

fn compare_full(
    a: &Features,
    b: &Features,
    basis: &Basis,
    model: Option<&super::pair::PairModel>,
    cosine: Option<f32>,
    paraphrase: Option<f32>,
) -> Comparison {
    let words = basis.covered(a, b);
    let mut evidence = words.evidence.clone();
    let ((ma, ta), (mb, tb)) = (words.ab, words.ba);
    let coverage = combined((ma, ta), (mb, tb));
    // Derived only when a model reads them: most candidates are decided
    // without (too little in common, or short and alike).
    let lexical = || basis.lexical(a, b);
    let semantic = cosine.map(|c| super::pair::semantic_features(&lexical(), c));
    // The graded similarity when meaning is known (a text against itself
    // is 1, which a regression only approaches); the words' coverage
    // otherwise.
    let score = match (&semantic, super::pair::graded_model(), cosine) {
        (Some(_), _, Some(c)) if coverage >= 1.0 && c >= 0.999 => 1.0,
        (Some(x), Some(g), _) => {
            (g.linear(&super::pair::graded_features(x, coverage)) / 5.0).clamp(0.0, 1.0)
        }
        _ => coverage,
    };
    evidence.sort();
    evidence.dedup();
    // First, whatever the words' evidence sorts to: it says how the pair
    // was read.
    if let Some(c) = cosine {
        let judged = paraphrase.map_or(String::new(), |p| format!(", paraphrase {p:.2}"));
        evidence.insert(0, format!("meaning: cosine {c:.2}{judged}"));
        if c < UNRELATED {
            evidence.push("meaning too far apart: about different things".into());
            return Comparison {
                score,
                stance: None,
                evidence,
            };
        }
    }
    let shared_numbers: Vec<&String> = a
        .numbers
        .iter()
        .filter(|(v, _, _)| b.numbers.iter().any(|(w, _, _)| same_number(*v, *w)))
        .map(|(_, s, _)| s)
        .collect();
    for s in &shared_numbers {
        evidence.push(format!("number: {s}"));
    }
    // A year against a year, a share against a share: numbers of one kind
    // that never agree are a different figure for the same thing.
    let differing: Vec<NumKind> = {
        let mut v: Vec<NumKind> = a.numbers.iter().map(|n| n.2).collect();
        v.sort_by_key(|k| *k as u8);
        v.dedup();
        v.retain(|k| differs(a, b, *k));
        v
    };
    let numbers_differ = !differing.is_empty();
    // A denial in one text only is a difference unless the judge, which
    // read the two together, is sure they say the same and the denial
    // negates nothing the other states ("no longer had any sense of time"
    // for "having lost their sense of time").
    let judged_same = paraphrase.is_some_and(|p| p >= PARAPHRASE_ADDS);
    let polarity_differs = match super::features::denial_conflict(a, b) {
        Some(word) if judged_same && super::features::aligned_denial(a, b).is_none() => {
            evidence.push(format!(
                "denial ({word}) of nothing the other states: the judge reads them as the same"
            ));
            false
        }
        denial => denial.is_some(),
    };
    let conflict = numbers_differ || polarity_differs;
    let content = |f: &Features| f.terms.iter().filter(|t| !t.bonus).count();
    let short = content(a).min(content(b)) <= SHORT_TERMS;
    let base = coverage >= SAME && short
        || (coverage >= FLOOR || cosine.is_some_and(|c| c >= MEANING_FLOOR))
            && match (model, &semantic) {
                (Some(m), Some(x)) => m.says_same(x),
                (Some(m), None) => m.says_same(&lexical()),
                (None, _) => coverage >= THRESHOLD,
            };
    let same = match paraphrase {
        // Texts that share most of their words: the judge, which read them
        // together, tells a rewording from a near miss (another figure,
        // another actor) better than the words' overlap can.
        Some(p) if coverage >= JUDGE_DECIDES_FROM => {
            // One text inside the other (it repeats it and says more) is
            // corroboration, not paraphrase: the judge's no does not hold there.
            let inside = ma >= CONTAINED * ta || mb >= CONTAINED * tb;
            p >= PARAPHRASE_SAME || inside && base
        }
        // Texts that share less: the judge only adds what it is sure of
        // and the semantic model does not rule out. It learnt paraphrase,
        // and a claim that repeats another and says more is corroboration
        // but no paraphrase, so it does not take away what the words found.
        Some(p) => {
            base || p >= PARAPHRASE_ADDS
                && model
                    .zip(semantic.as_ref())
                    .is_some_and(|(m, x)| m.logistic.probability(x) >= PARAPHRASE_ADDS_MODEL)
        }
        None => base,
    };
    // Claims that both name who or what they are about, and share none of
    // it, are about different things: "profit doubled" at two companies.
    let names = |f: &Features| {
        f.terms
            .iter()
            .filter(|t| t.name)
            .flat_map(|t| std::iter::once(t.stem.clone()).chain(t.alts.iter().cloned()))
            .collect::<HashSet<String>>()
    };
    let (na, nb) = (names(a), names(b));
    // Only claims that know who they involve (speakers, people named) are
    // held to it; bare text pairs are judged on their words alone.
    let knows = |f: &Features| f.terms.iter().any(|t| t.bonus || !t.alts.is_empty());
    let different_subjects =
        knows(a) && knows(b) && !na.is_empty() && !nb.is_empty() && na.is_disjoint(&nb);
    if different_subjects && coverage < 1.0 {
        evidence.push("different subjects: the claims name no one and nothing in common".into());
        return Comparison {
            score,
            stance: None,
            evidence,
        };
    }
    // Each names in its own words who or what it is about, and the names
    // differ: another person or body in the same frame ("X was named
    // president", "Y was named president"; one underwriter and another),
    // however much the context (the company, the speaker) or the frame's
    // words are shared. Held, like the rule above, to claims that know
    // who they involve: a bare sentence (MRPC's) carries its attribution
    // and side details ("in New York", "Duisenberg said") in its words.
    // Asked only of pairs that could still take a stance: it reads both
    // texts again.
    if coverage < 1.0 && (same || conflict) && knows(a) && knows(b) {
        if let Some((x, y)) = names_apart(a, b) {
            evidence.push(format!("different subjects: {x} against {y}"));
            return Comparison {
                score,
                stance: None,
                evidence,
            };
        }
    }
    // Two limits the same way that are far apart ("up to 2 mln shares",
    // "up to 200,000 shares"): either may hold with the other, so no
    // contradiction, but they are not one claim either.
    if same && !conflict {
        if let Some((x, y)) = limits_apart(a, b) {
            evidence.push(format!(
                "limits apart ({x} against {y}): not the same claim"
            ));
            return Comparison {
                score,
                stance: None,
                evidence,
            };
        }
    }
    // One says the thing went up, the other down ("profits slightly higher
    // in 2005" and "profits in 2005 lower"): not the same claim, however
    // much else they share or the judge reads alike; without a figure for
    // the same moment, not a contradiction either.
    if same && !conflict {
        if let (Some((x, wx)), Some((y, wy))) =
            (super::features::direction(a), super::features::direction(b))
        {
            if x != y {
                evidence.push(format!(
                    "moves apart ({wx} against {wy}): not the same claim"
                ));
                return Comparison {
                    score,
                    stance: None,
                    evidence,
                };
            }
        }
    }
    // A difference counts only between claims about the same matter: a
    // figure of one kind for one subject and time, or a denial of the
    // predicate the other asserts. Anything else that differs is neither
    // support nor contradiction.
    let stance = if same && !conflict {
        Some(Stance::Supports)
    } else if conflict && (same || coverage >= THRESHOLD) {
        // One speaker's words reported twice are not a contradiction.
        let same_speaker = a.speakers.iter().any(|s| b.speakers.contains(s));
        let aligned = (!same_speaker)
            .then_some(())
            .and_then(|()| aligned_figures(a, b, &differing))
            .or_else(|| {
                if same_speaker {
                    return None;
                }
                // Named subjects apart, or times apart: another matter.
                let (na, nb) = (subject_names(a), subject_names(b));
                let names_apart = !na.is_empty()
                    && !nb.is_empty()
                    && !na.iter().any(|t| nb.iter().any(|u| same_term(t, u)));
                let (ta, tb) = (
                    super::features::time_marks(a),
                    super::features::time_marks(b),
                );
                let (da, db) = (split_days(ta).0, split_days(tb).0);
                let times_apart =
                    !da.is_empty() && !db.is_empty() && !da.iter().any(|m| db.contains(m));
                // Two words in common, far apart in meaning: a denial of
                // another matter ("not guilty to the charges brought against
                // him" against "expects the vendors will plead guilty").
                if names_apart || times_apart || cosine.is_some_and(|c| c < DENIAL_FROM) {
                    return None;
                }
                super::features::aligned_denial(a, b).map(|(word, on)| {
                    format!(
                        "denial aligned on {}: one denies what the other states ({word})",
                        on.join(", ")
                    )
                })
            });
        match aligned {
            Some(why) => {
                evidence.push(why);
                Some(Stance::Contradicts)
            }
            None => {
                evidence.push(
                    "differs, but not on the same subject, quantity and time: no contradiction"
                        .into(),
                );
                None
            }
        }
    } else {
        None
    };
    Comparison {
        score,
        stance,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::super::features::features;
    use super::*;

    fn cmp(a: &str, b: &str) -> Comparison {
        compare(&features(a, &[]), &features(b, &[]))
    }

    #[test]
    fn a_basis_shared_by_every_question_about_a_pair_answers_as_fresh_ones_do() {
        let pairs = [
            (
                "The minister said the new bridge will open to traffic in March",
                "The new bridge opens to traffic in March, the minister said",
            ),
            (
                "Unemployment fell to 5.2% in the third quarter, officials said",
                "Officials said unemployment rose to 5.8% in the third quarter",
            ),
            (
                "Profits doubled at the firm",
                "The weather was mild in Paris",
            ),
        ];
        for (a, b) in pairs {
            let (fa, fb) = (features(a, &[]), features(b, &[]));
            for cosine in [0.5, 0.7, 0.95] {
                let shared = Basis::default();
                // Asked in linking's order, then every comparison once more.
                let worth = worth_judging(&fa, &fb, cosine, &shared);
                let matters = judge_matters(&fa, &fb, cosine, &shared);
                assert_eq!(worth, worth_judging(&fa, &fb, cosine, &Basis::default()));
                assert_eq!(matters, judge_matters(&fa, &fb, cosine, &Basis::default()));
                for p in [0.0, 0.6, 1.0] {
                    assert_eq!(
                        compare_judged(&fa, &fb, cosine, p, &shared),
                        compare_judged(&fa, &fb, cosine, p, &Basis::default())
                    );
                }
                assert_eq!(
                    compare_meaning(&fa, &fb, cosine, &shared),
                    compare_meaning(&fa, &fb, cosine, &Basis::default())
                );
            }
        }
    }

    fn meaning(a: &str, b: &str, cosine: f32) -> Comparison {
        compare_meaning(
            &features(a, &[]),
            &features(b, &[]),
            cosine,
            &Basis::default(),
        )
    }

    fn meaning_with(a: &str, b: &str, cosine: f32, known: &[(String, String)]) -> Comparison {
        compare_meaning(
            &features(a, known),
            &features(b, known),
            cosine,
            &Basis::default(),
        )
    }

    fn judged(a: &str, b: &str, cosine: f32, p: f32) -> Comparison {
        compare_judged(
            &features(a, &[]),
            &features(b, &[]),
            cosine,
            p,
            &Basis::default(),
        )
    }

    #[test]
    fn a_rise_and_a_fall_of_the_same_thing_are_never_the_same_claim() {
        let (a, b) = (
            "The carmaker expects its profits to be slightly higher in 2026",
            "The carmaker expects its profits in 2026 to be lower",
        );
        // Even read as a paraphrase, the two moves keep them apart.
        let c = judged(a, b, 0.9, 0.95);
        assert_eq!(c.stance, None, "{c:?}");
        assert!(
            c.evidence
                .iter()
                .any(|e| e.contains("higher against lower")),
            "{c:?}"
        );
        // The same move in other words still links.
        let d = judged(
            a,
            "The carmaker sees its profits rising slightly in 2026",
            0.9,
            0.95,
        );
        assert_eq!(d.stance, Some(Stance::Supports), "{d:?}");
    }

    #[test]
    fn the_judge_decides_texts_that_share_most_words_and_only_adds_to_others() {
        // Most words shared: the judge tells the near miss.
        let (a, b) = (
            "The minister said the new bridge will open to traffic in March",
            "The minister said the new bridge will open to cyclists in March",
        );
        assert_eq!(judged(a, b, 0.95, 0.1).stance, None);
        assert_eq!(judged(a, b, 0.95, 0.9).stance, Some(Stance::Supports));
        // Few words shared: a sure judge adds the link, an unsure one
        // leaves the semantic model's call, and says what it read.
        let (c, d) = (
            "Police arrested three men after the robbery",
            "Three men were detained by officers following the heist",
        );
        let sure = judged(c, d, 0.9, 0.97);
        assert_eq!(sure.stance, Some(Stance::Supports), "{sure:?}");
        assert_eq!(sure.evidence[0], "meaning: cosine 0.90, paraphrase 0.97");
        assert_eq!(
            judged(c, d, 0.9, 0.6).stance,
            meaning(c, d, 0.9).stance,
            "not sure: as without the judge"
        );
        // A figure still keeps a rewording from supporting.
        let (e, f) = (
            "Unemployment fell to 5.2% in May",
            "The jobless rate dropped to 6.1% in May",
        );
        assert_ne!(judged(e, f, 0.9, 0.99).stance, Some(Stance::Supports));
    }

    #[test]
    fn the_judge_is_asked_only_where_its_answer_could_change_the_stance() {
        let f = |t: &str| features(t, &[]);
        // A near miss the judge decides.
        let (a, b) = (
            f("The minister said the new bridge will open to traffic in March"),
            f("The minister said the new bridge will open to cyclists in March"),
        );
        assert!(judge_matters(&a, &b, 0.95, &Basis::default()));
        // One text inside the other, which the words link: any answer links it,
        // and without the pass the stance is the one a pass would give.
        let (c, d) = (
            f("The council approved the harbour plan on Monday"),
            f("The council approved the harbour plan on Monday after a long debate over costs"),
        );
        assert!(!judge_matters(&c, &d, 0.9, &Basis::default()));
        assert_eq!(
            compare_meaning(&c, &d, 0.9, &Basis::default()).stance,
            compare_judged(&c, &d, 0.9, 0.2, &Basis::default()).stance
        );
        assert_eq!(
            compare_meaning(&c, &d, 0.9, &Basis::default()).stance,
            Some(Stance::Supports)
        );
    }

    #[test]
    fn the_cosine_decides_a_rewording_both_ways() {
        let (a, b) = (
            "Police arrested three men after the robbery",
            "Three men were detained by officers following the heist",
        );
        assert_eq!(meaning(a, b, 0.95).stance, Some(Stance::Supports));
        assert_eq!(meaning(a, b, 0.3).stance, None);
        assert!(meaning(a, b, 0.95).score > meaning(a, b, 0.3).score);
    }

    #[test]
    fn the_evidence_says_when_meaning_was_read() {
        let c = meaning(
            "The bridge will open in May",
            "The bridge opens in May",
            0.97,
        );
        assert!(
            c.evidence.iter().any(|e| e == "meaning: cosine 0.97"),
            "{c:?}"
        );
        assert_eq!(
            c.evidence[0], "meaning: cosine 0.97",
            "it comes first: {c:?}"
        );
        let c = cmp("The bridge will open in May", "The bridge opens in May");
        assert!(
            !c.evidence.iter().any(|e| e.starts_with("meaning")),
            "{c:?}"
        );
    }

    #[test]
    fn a_text_against_itself_scores_one_by_meaning_too() {
        let c = meaning(
            "The bridge will open in May",
            "The bridge will open in May",
            1.0,
        );
        assert_eq!((c.score, c.stance), (1.0, Some(Stance::Supports)));
    }

    #[test]
    fn a_high_cosine_does_not_hide_a_different_figure() {
        let c = meaning(
            "The war killed 500,000 people",
            "The war killed 200,000 people",
            0.97,
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
    }

    #[test]
    fn a_low_cosine_is_not_a_contradiction() {
        let c = meaning(
            "The bridge will open in May",
            "Shares in the bank fell sharply on Tuesday",
            -0.2,
        );
        assert_eq!(c.stance, None);
        assert!(c.score < 0.3, "{c:?}");
    }

    #[test]
    fn shared_words_far_apart_in_meaning_make_no_link() {
        // The words alone would call these the same claim.
        let (a, b) = ("replied No, I don't think so. We will see.", "replied No");
        assert_eq!(meaning(a, b, 0.6).stance, Some(Stance::Supports));
        let c = meaning(a, b, 0.3);
        assert_eq!(c.stance, None, "{c:?}");
        assert!(
            c.evidence.iter().any(|e| e.contains("too far apart")),
            "{c:?}"
        );
        // Nor a contradiction: a denial is close in meaning to what it denies.
        let (a, b) = (
            "The minister did not resign over the scandal",
            "The minister resigned over the scandal",
        );
        assert_eq!(meaning(a, b, 0.9).stance, Some(Stance::Contradicts));
        let c = meaning(a, b, 0.3);
        assert_eq!(c.stance, None, "{c:?}");
    }

    #[test]
    fn identical_claims_score_one_and_support() {
        let c = cmp("The bridge will open in May", "The bridge will open in May");
        assert!((c.score - 1.0).abs() < 1e-6);
        assert_eq!(c.stance, Some(Stance::Supports));
    }

    #[test]
    fn unrelated_claims_do_not_match() {
        let c = cmp(
            "The bridge will open in May",
            "Shares in the bank fell sharply on Tuesday",
        );
        assert!(c.score < 0.2, "{c:?}");
        assert_eq!(c.stance, None);
    }

    #[test]
    fn a_denial_contradicts() {
        let c = cmp(
            "The minister resigned over the scandal",
            "The minister did not resign over the scandal",
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
    }

    #[test]
    fn a_denial_of_nothing_the_other_states_gives_way_to_a_sure_judge() {
        // The second text's "did not" denies tackling, which the first
        // does not assert ("has failed to tackle"): a denial aligned with
        // nothing.
        let (a, b) = (
            "Mr Blair has failed to tackle the problems facing the health service",
            "Tony Blair had the chance to tackle the problems of the health service and did not",
        );
        assert!(
            super::super::features::aligned_denial(&features(a, &[]), &features(b, &[])).is_none()
        );
        let sure = judged(a, b, 0.84, 0.97);
        assert_eq!(sure.stance, Some(Stance::Supports), "{sure:?}");
        assert!(sure
            .evidence
            .iter()
            .any(|e| e.contains("the judge reads them as the same")));
        // Unsure, the denial still keeps them apart.
        assert_eq!(judged(a, b, 0.84, 0.6).stance, None);
        // A denial of what the other states is never overruled.
        let c = judged(
            "The minister resigned over the scandal",
            "The minister did not resign over the scandal",
            0.95,
            0.97,
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
    }

    #[test]
    fn the_judge_reads_both_ways_only_pairs_it_decides_alone() {
        let both = |a: &str, b: &str| {
            judge_both_ways(&features(a, &[]), &features(b, &[]), &Basis::default())
        };
        assert!(both(
            "The central bank raised interest rates by half a point on Thursday",
            "On Thursday the central bank raised its interest rates by half a point"
        ));
        assert!(!both(
            "The central bank raised interest rates by half a point on Thursday",
            "Borrowing costs are going up, the governor warned households"
        ));
    }

    #[test]
    fn a_different_number_contradicts() {
        let c = cmp(
            "The war has killed more than half a million people",
            "The war has killed 200,000 people",
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
        assert!(c
            .evidence
            .iter()
            .any(|e| e.starts_with("figures differ on the same matter")));
    }

    fn contradicts(a: &str, b: &str) -> bool {
        let c = cmp(a, b);
        assert_eq!(c.stance, cmp(b, a).stance, "stance is symmetric: {c:?}");
        c.stance == Some(Stance::Contradicts)
    }

    #[test]
    fn a_figure_contradicts_only_for_the_same_subject_and_period() {
        let a = "Spain's economy grew 2.1% in 2005";
        let c = cmp(a, "Spain's economy grew by 3.4% in 2005");
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
        let why = c
            .evidence
            .iter()
            .find(|e| e.starts_with("figures differ"))
            .expect("aligned evidence");
        assert!(why.contains("Spain") && why.contains("2005"), "{why}");
        assert!(why.contains("2.1") && why.contains("3.4"), "{why}");
        // Another country, another year: both may be true.
        assert!(!contradicts(a, "Portugal's economy grew 0.4% in 2005"));
        assert!(!contradicts(a, "Spain's economy grew 3.0% in 2006"));
        assert!(!contradicts(
            a,
            "Spain's economy grew 3.4% in the first quarter of 2005"
        ));
        // A date of another event.
        assert!(!contradicts(
            "The Grammy awards will be handed out on 13 February",
            "The Brit awards will be handed out on 9 February"
        ));
    }

    #[test]
    fn a_speaker_does_not_contradict_a_report_of_their_own_words() {
        let who = [("Jane Roe".to_string(), "Jane Roe".to_string())];
        let (a, b) = (
            "The senator voted for the farm bill",
            "The senator did not vote for the farm bill",
        );
        let c = compare(&features(a, &who), &features(b, &who));
        assert_ne!(c.stance, Some(Stance::Contradicts), "{c:?}");
        let other = [("John Doe".to_string(), "John Doe".to_string())];
        let c = compare(&features(a, &who), &features(b, &other));
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
    }

    #[test]
    fn two_limits_far_apart_are_neither_one_claim_nor_a_contradiction() {
        let (a, b) = (
            "its board authorized the repurchase of up to two mln shares of its common stock",
            "its board authorized the repurchase of up to 200,000 shares of its common stock",
        );
        let c = meaning(a, b, 0.9);
        assert_eq!(c.stance, None, "{c:?}");
        assert!(
            c.evidence
                .iter()
                .any(|e| e.starts_with("limits apart (at most two mln")),
            "{c:?}"
        );
        // Limits near each other, or a figure within a limit, still say
        // the same.
        let near =
            "its board authorized the repurchase of up to 2.1 mln shares of its common stock";
        assert_eq!(meaning(a, near, 0.9).stance, Some(Stance::Supports));
        // A figure both give ties them to one quantity, whatever limits
        // they add.
        let tied = meaning(
            "About 120,000 people are expected at the show, which covers more than 1.5 million square feet",
            "More than 120,000 people attended the show, which covers more than 100,000 square feet",
            0.9,
        );
        assert!(
            !tied.evidence.iter().any(|e| e.starts_with("limits apart")),
            "{tied:?}"
        );
        let within = "its board authorized the repurchase of 1.5 mln shares of its common stock";
        assert_ne!(meaning(a, within, 0.9).stance, Some(Stance::Contradicts));
    }

    #[test]
    fn claims_naming_different_people_in_one_frame_are_not_linked() {
        // Two announcements of one company, each naming its own appointee.
        let firm = [("Acme Corp".to_string(), "it".to_string())];
        let (a, b) = (
            "it has elected David Schwartz as president and chief executive officer",
            "it elected Jonathan Scott as president and chief executive officer",
        );
        let c = meaning_with(a, b, 0.85, &firm);
        assert_eq!(c.stance, None, "{c:?}");
        assert!(
            c.evidence
                .iter()
                .any(|e| e == "different subjects: David Schwartz against Jonathan Scott"),
            "{c:?}"
        );
        // The same person, named in full once and by title and surname once.
        let c = meaning_with(
            a,
            "it has elected Mr Schwartz as president and chief executive officer",
            0.85,
            &firm,
        );
        assert_eq!(c.stance, Some(Stance::Supports), "{c:?}");
    }

    #[test]
    fn a_name_and_its_initials_name_the_same_body() {
        let who = [("Jane Roe".to_string(), "Jane Roe".to_string())];
        let (a, b) = (
            "the United Nations warned of a humanitarian disaster in the province",
            "the U.N. and Kofi Annan warned of a humanitarian disaster in the province",
        );
        assert_eq!(names_apart(&features(a, &who), &features(b, &who)), None);
        let c = meaning_with(a, b, 0.9, &who);
        assert!(
            !c.evidence
                .iter()
                .any(|e| e.starts_with("different subjects")),
            "{c:?}"
        );
        // Without the initials, two bodies named apart.
        let other =
            "the Red Cross and Kofi Annan warned of a humanitarian disaster in the province";
        let c = meaning_with(a, other, 0.9, &who);
        assert_eq!(c.stance, None, "{c:?}");
    }

    #[test]
    fn a_full_name_is_two_capitalised_words_or_more() {
        let names = |t: &str| -> Vec<String> {
            super::super::features::full_names(t)
                .into_iter()
                .map(|n| n.written)
                .collect()
        };
        assert_eq!(
            names("Drexel Burnham Lambert Inc, as sole underwriter, and Tony Blair's aide"),
            ["Drexel Burnham Lambert Inc", "Tony Blair"]
        );
        // A lone capitalised word, a title and a time are not one.
        assert!(
            names("Labour said the PCs were slow. The President spoke on Monday March 4")
                .is_empty()
        );
        // An abbreviation's dots do not end a name; a sentence's end does.
        assert_eq!(
            names("U.S. Warships left, and Tehran Radio said so"),
            ["U.S. Warships", "Tehran Radio"]
        );
        assert_eq!(
            names("He met Tony Blair. Gordon Brown spoke"),
            ["Tony Blair", "Gordon Brown"]
        );
    }

    #[test]
    fn an_article_is_about_whom_its_first_sentence_names_in_full() {
        use super::super::features::{lead_subjects, subjects_apart};
        let written = |body: &str| -> Vec<String> {
            lead_subjects(body).into_iter().map(|n| n.written).collect()
        };
        let agency = "Standard and Poor's Corp said it upgraded Heritage Communications Inc's senior debt. Moody's Investors Service Inc did not.";
        // ("Standard and" is cut off by the lower-case "and", as `full_names` reads.)
        // The agency tells of the company it rated.
        assert_eq!(written(agency), ["Heritage Communications Inc"]);
        // A sentence that names no one in full tells nothing.
        assert!(written(
            "The Bundesbank will not hold a press conference. Karl Otto Poehl is away."
        )
        .is_empty());
        assert!(written("").is_empty());
        let other = lead_subjects(
            "Duff and Phelps Credit Rating Co said it cut Reichhold Chemicals Inc's debt.",
        );
        assert!(subjects_apart(&lead_subjects(agency), &other));
        // Leads that share a name may tell of one matter from two sides:
        // they are not held apart. One agency rating two companies tells of
        // two matters.
        let same = lead_subjects(
            "Duff and Phelps Credit Rating Co said it upgraded Heritage Communications Inc.",
        );
        assert!(!subjects_apart(&lead_subjects(agency), &same));
        let agency_again =
            lead_subjects("Standard and Poor's Corp said it cut Reichhold Chemicals Inc's debt.");
        assert!(subjects_apart(&lead_subjects(agency), &agency_again));
        // What a company does is no name: two oil companies are two.
        let (marathon, phillips) = (
            lead_subjects("Marathon Petroleum Co said it will raise its contract prices."),
            lead_subjects("Phillips Petroleum Corp said it raised the contract price."),
        );
        assert!(subjects_apart(&marathon, &phillips));
        assert!(!subjects_apart(
            &phillips,
            &lead_subjects("Phillips Petroleum said it cut its prices.")
        ));
    }

    #[test]
    fn a_leads_teller_is_not_its_subject_unless_it_names_no_one_else() {
        use super::super::features::lead_subjects;
        let written = |body: &str| -> Vec<String> {
            lead_subjects(body).into_iter().map(|n| n.written).collect()
        };
        // Before the verb, after it closing the sentence, past a role.
        assert_eq!(
            written("Brunswick Corp is raising 100 mln dlrs through notes, lead manager Shearson Lehman Brothers Inc said."),
            ["Brunswick Corp"]
        );
        assert_eq!(
            written("Republic National Bank is offering 100 mln dlrs of notes, said sole manager Salomon Brothers Inc."),
            ["Republic National Bank"]
        );
        // A name right after the verb, mid-sentence, is what was said.
        assert_eq!(
            written("Traders said Acme Steel Corp would be fined by Federal Judge John Roe."),
            ["Acme Steel Corp", "Federal Judge John Roe"]
        );
        // A lead that names only its teller is about the teller.
        assert_eq!(
            written(
                "Diamond Shamrock said it raised the contract price it will pay for crude oil."
            ),
            ["Diamond Shamrock"]
        );
    }

    #[test]
    fn a_table_without_a_lead_is_about_the_company_its_capital_title_opens_with() {
        use super::super::features::{article_subjects, subjects_apart};
        let written = |title: &str, body: &str| -> Vec<String> {
            article_subjects(Some(title), body)
                .into_iter()
                .map(|n| n.written)
                .collect()
        };
        let table = "Shr 15 cts vs 13 cts\nNet 1,234,000 vs 987,000";
        assert_eq!(
            written("GTI CORP <GTI> 4TH QTR OPER NET", table),
            ["Gti Corp"]
        );
        assert_eq!(
            written("APPLIED SOLAR ENERGY CORP <SOLR.O> 2ND QTR NET", table),
            ["Applied Solar Energy Corp"]
        );
        assert_eq!(
            written("INTER-TEL <INTLA.O> 2ND QTR NET", table),
            Vec::<String>::new()
        );
        let gti = article_subjects(Some("GTI CORP <GTI> 4TH QTR OPER NET"), table);
        let solar = article_subjects(
            Some("APPLIED SOLAR ENERGY CORP <SOLR.O> 2ND QTR NET"),
            table,
        );
        assert!(subjects_apart(&gti, &solar));
        // A lead that names someone speaks first; a title in running case,
        // or one whose first words end no company's name, tells nothing.
        assert_eq!(
            written(
                "GTI CORP <GTI> SELLS NOTES",
                "Brunswick Corp is raising 100 mln dlrs."
            ),
            ["Brunswick Corp"]
        );
        assert!(written("Greek duo cleared in doping case", table).is_empty());
        assert!(written("BANK OF JAPAN TO SELL 800 BILLION YEN IN BILLS", table).is_empty());
    }

    #[test]
    fn claims_pointing_at_their_articles_subject_or_naming_only_what_both_price_are_about_their_leads(
    ) {
        use super::super::features::lead_subjects;
        let sun = lead_subjects(
            "Sun Co Inc said it raised the contract price it will pay for crude oil.",
        );
        let texaco = lead_subjects(
            "Texaco Inc said it raised the contract price it will pay for crude oil.",
        );
        let own = features(
            "The increase brings Sun's posted price for West Texas Intermediate to 17.50 dlrs",
            &[],
        );
        let reported = Features {
            reported: true,
            ..features(
                "said the increase brings its posting for West Texas Intermediate to 19.00 dlrs",
                &[],
            )
        };
        assert!(leads_apart(&own, &reported, &sun, &texaco));
        assert!(!leads_apart(&own, &reported, &sun, &sun));
        // A name one gives and the other does not tells whom it is about.
        let blair = features(
            "Tony Blair brings the posted price for West Texas Intermediate to 19.00 dlrs",
            &[],
        );
        assert!(!leads_apart(&own, &blair, &sun, &texaco));
        // Reported words that neither point at the subject nor name it.
        let said = Features {
            reported: true,
            ..features(
                "said the posted price for West Texas Intermediate is 19.00 dlrs",
                &[],
            )
        };
        assert!(!leads_apart(&own, &said, &sun, &texaco));
    }

    #[test]
    fn two_speakers_figures_about_themselves_are_about_different_things() {
        let bank = |speaker: &str, text: &str| Features {
            reported: true,
            about_speaker: true,
            speakers: vec![speaker.to_string()],
            ..features(text, &[])
        };
        let a = bank(
            "manufacturers national corp",
            "said it will add 30.4 mln dlrs to its reserve",
        );
        let b = bank(
            "republic new york corp",
            "said it will add 100 mln dlrs to its reserve",
        );
        assert!(speakers_apart(&a, &b));
        // The same speaker, or one known only as "Corp", may be one body.
        let again = bank(
            "manufacturers national",
            "said it will add 40 mln dlrs to its reserve",
        );
        assert!(!speakers_apart(&a, &again));
        assert!(!speakers_apart(
            &a,
            &bank("corp", "said it will add 25 mln dlrs")
        ));
        // Words that do not open with a pronoun may be about anything.
        let other = Features {
            about_speaker: false,
            ..b.clone()
        };
        assert!(!speakers_apart(&a, &other));
        assert!(frames_apart(&a, &b, &Frame::default(), &Frame::default()));
    }

    #[test]
    fn figures_for_a_relative_day_hold_apart_unless_both_articles_are_of_one_day() {
        let (a, b) = (
            features(
                "The Bank of Japan will sell tomorrow 500 billion yen of bills",
                &[],
            ),
            features(
                "The Bank of Japan will sell tomorrow 1,200 billion yen of bills",
                &[],
            ),
        );
        let on = |day: &str| Frame {
            published: Some(day.to_string()),
            ..Frame::default()
        };
        let undated = Frame::default();
        assert!(days_apart(&a, &b, &undated, &undated));
        assert!(days_apart(&a, &b, &on("1987-04-06"), &undated));
        assert!(days_apart(
            &a,
            &b,
            &on("1987-04-06"),
            &on("1987-04-07T09:00:00Z")
        ));
        assert!(!days_apart(
            &a,
            &b,
            &on("1987-04-06"),
            &on("1987-04-06T18:30:00Z")
        ));
        // Figures dated absolutely, or not at all, are left to the comparison.
        let (c, d) = (
            features("The bank sold 500 billion yen of bills in April", &[]),
            features("The bank sold 1,200 billion yen of bills in April", &[]),
        );
        assert!(!days_apart(&c, &d, &undated, &undated));
    }

    #[test]
    fn unnamed_claims_in_their_articles_own_voice_are_about_their_articles_subjects() {
        use super::super::features::lead_subjects;
        let hertz = lead_subjects("Hertz Realty Corp is issuing a 75 mln dlr bond, lead manager Orion Royal Bank Ltd said.");
        let dominion = lead_subjects("Toronto Dominion Bank is issuing a 40 mln dlr bond, lead manager Hambros Bank Ltd said.");
        let (a, b) = (
            features("The selling concession is 1-1/4 pct", &[]),
            features("The selling concession is one pct", &[]),
        );
        assert!(leads_apart(&a, &b, &hertz, &dominion));
        assert!(!leads_apart(&a, &b, &hertz, &hertz));
        // A lead that names no one leaves the claims as they are.
        assert!(!leads_apart(&a, &b, &hertz, &[]));
        // A claim that names its subject, or someone's reported words, is
        // about what it says.
        let named = features("Hertz Realty Corp's selling concession is 1-1/4 pct", &[]);
        assert!(!leads_apart(&named, &b, &hertz, &dominion));
        let reported = Features {
            reported: true,
            ..features("said the selling concession is 1-1/4 pct", &[])
        };
        assert!(!leads_apart(&reported, &b, &hertz, &dominion));
    }

    #[test]
    fn a_denial_contradicts_only_a_claim_close_enough_in_meaning() {
        let (a, b) = (
            "The senator voted for the farm bill",
            "The senator did not vote for the farm bill",
        );
        assert_eq!(meaning(a, b, 0.8).stance, Some(Stance::Contradicts));
        // The same words, far apart in meaning: about another matter.
        let far = meaning(a, b, DENIAL_FROM - 0.05);
        assert_eq!(far.stance, None, "{far:?}");
        // A figure says what it is about, so meaning does not hold it back.
        let (x, y) = (
            "Spain's economy grew 2.1% in 2005",
            "Spain's economy grew by 3.4% in 2005",
        );
        assert_eq!(
            meaning(x, y, DENIAL_FROM - 0.05).stance,
            Some(Stance::Contradicts)
        );
    }

    #[test]
    fn two_defendants_pleas_are_not_a_contradiction_whatever_their_cues_carry() {
        // The attribution tagger's cues lead the text with their auxiliaries.
        assert!(!contradicts(
            "has pleaded not guilty to charges of fraud and conspiracy",
            "have pleaded guilty to fraud charges stemming from an investigation"
        ));
        assert!(!contradicts(
            "pleaded not guilty to the charges brought against him",
            "also pleaded guilty to criminal charges related to the investigation"
        ));
    }

    #[test]
    fn a_clause_cut_from_its_sentence_contradicts_nothing() {
        let whole = "The campaign posters were anti-Semitic";
        let denial = "The campaign posters were not anti-Semitic";
        assert!(contradicts(whole, denial));
        // Whose posters, or what, "which" stood for is outside the claim.
        assert!(!contradicts("claimed which ... were anti-Semitic", denial));
    }

    #[test]
    fn a_denial_inside_what_others_claimed_is_not_the_texts_own() {
        let own = "Of course I trust the prime minister";
        assert!(!contradicts(
            own,
            "asked how he would deal with claims that he did not trust the prime minister"
        ));
        assert!(!contradicts(
            own,
            "to deny the claim that he told the prime minister he could never trust anything he said"
        ));
        // Said outright, it still is.
        assert!(contradicts(
            "The chancellor trusts the prime minister",
            "The chancellor did not trust the prime minister"
        ));
    }

    #[test]
    fn figures_written_with_a_scale_suffix_are_figures() {
        assert!(contradicts(
            "The bridge cost $40m to build",
            "The bridge cost $65m to build"
        ));
        let c = cmp(
            "The deal is worth $1.2bn",
            "The deal is worth $1,200 million",
        );
        assert_eq!(c.stance, Some(Stance::Supports), "{c:?}");
    }

    #[test]
    fn prices_read_at_no_stated_time_do_not_contradict() {
        assert!(!contradicts(
            "Gold rose $3 to $420 an ounce in London",
            "Gold fell $2 to $415 an ounce in London"
        ));
    }

    #[test]
    fn a_denial_contradicts_only_the_predicate_it_denies() {
        assert!(contradicts(
            "The senator voted for the farm bill",
            "The senator did not vote for the farm bill"
        ));
        // "no" negates a noun, not what the other asserts.
        assert!(!contradicts(
            "There is no fixed quota for skilled migrants",
            "Skilled migrants face fixed detention terms"
        ));
        // Supposed, not stated: an if-clause and an infinitive.
        assert!(!contradicts(
            "If you call the remarks sexist, I think you are mistaken",
            "The remarks were clumsy but were not sexist"
        ));
        assert!(!contradicts(
            "The scheme would count as a subsidy if the council paid for it",
            "The scheme is not a subsidy, the council said"
        ));
        assert!(!contradicts(
            "The council had every chance to cut the parking charges",
            "The council has not cut the parking charges"
        ));
        // One word in common is a topic, not the same matter.
        assert!(!contradicts(
            "The sequel was not delayed by the strike",
            "Fans complained about delays at the stadium"
        ));
    }

    #[test]
    fn what_is_not_found_or_no_longer_so_is_denied() {
        // Not finding or not believing something denies it.
        assert!(contradicts(
            "There was widespread fraud in the election",
            "The observers did not find widespread fraud in the election"
        ));
        assert!(contradicts(
            "The drummer is one of the members of the Ashford band",
            "The drummer is no longer a member of the Ashford band"
        ));
        // "ruled out" denies what follows; "haven't ruled out" does not.
        assert!(contradicts(
            "The mayor will stand for a third term in office",
            "The mayor ruled out standing for a third term in office"
        ));
        assert!(!contradicts(
            "We have not ruled out standing for a third term in office",
            "The mayor will stand for a third term in office"
        ));
    }

    #[test]
    fn a_denied_clause_is_denied_in_its_predicate_not_its_subject() {
        assert!(contradicts(
            "The party spokesman denied the election leaflet was offensive",
            "The election leaflet was offensive to many voters"
        ));
        assert!(!contradicts(
            "The party spokesman denied the election leaflet was offensive",
            "The election leaflet was handed to many voters by the party"
        ));
    }

    #[test]
    fn a_denial_in_a_relative_clause_or_of_a_period_denies_nothing_asserted() {
        // "households that do not own one" qualify households.
        assert!(!contradicts(
            "more than half of all Irish households own a home broadband line",
            "the firm will target those households in Ireland that do not own a home broadband line"
        ));
        assert!(contradicts(
            "most Irish households own a home broadband line",
            "Irish households do not own a home broadband line, the survey says"
        ));
        // "has not played since the final" is about the time after it.
        assert!(!contradicts(
            "He played for Wales in every game of the 2019 Six Nations",
            "The winger has not played for Wales since the 2019 Six Nations"
        ));
    }

    #[test]
    fn a_refusal_contradicts_a_call_for_the_same_thing() {
        assert!(contradicts(
            "Mr Okafor should ignore his critics and not resign over the housing report",
            "Councillors urged Mr Okafor to resign over the housing report"
        ));
        // An ability denied is not a call refused: "dogs to chase" is a purpose.
        assert!(!contradicts(
            "You can't chase wild deer with a pack of hounds",
            "These events involve the use of hounds to chase wild deer"
        ));
    }

    #[test]
    fn two_denials_and_a_deprivation_are_not_denials() {
        // "failed to deny" leaves the claim standing.
        assert!(!contradicts(
            "The minister failed to deny that he had leaked the memo to the press",
            "The minister had leaked the memo to the press"
        ));
        // "was denied a medal" says what he did not get, not what he denied.
        assert!(!contradicts(
            "Okoye was also denied a medal in the relay when he fell on the final bend",
            "The relay medallists Ade and Brennan will meet again in the 200m"
        ));
    }

    #[test]
    fn claims_that_do_not_say_of_whom_do_not_contradict() {
        // Two pleas, neither saying whose.
        assert!(!contradicts(
            "pleaded not guilty to charges of fraud and bribery",
            "pleaded guilty to fraud charges stemming from the audit"
        ));
        // A figure for "it" is nobody's in particular.
        assert!(!contradicts(
            "It is also paying $2m to the regulator to settle the charges",
            "The bank agreed to pay $40m to the regulator to settle the charges"
        ));
        // Two figures a side: which belongs to what cannot be told.
        assert!(!contradicts(
            "Toy Story 3 took $400m, compared with $300m for Cars 2",
            "Toy Story 3 and Cars 2 took $250m while Cars 2 took $180m"
        ));
        // A chart position "last week" in two articles is two weeks.
        assert!(!contradicts(
            "The Firm knocked last week's top film down to third place with $12.5m",
            "There were no big releases last week, and the top film finished second with $14.7m"
        ));
    }

    #[test]
    fn newswire_fractions_are_one_figure() {
        let c = cmp(
            "The selling concession is 1-1/4 pct on the notes",
            "The selling concession is 1-1/2 pct on the notes",
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
        assert!(
            c.evidence
                .iter()
                .any(|e| e.starts_with("figures differ") && e.ends_with(": 1.25 vs 1.5")),
            "{c:?}"
        );
        let c = cmp(
            "The notes pay 8-1/4 pct, and fees are 5/8 pct.",
            "The notes pay 8.25 pct, and fees are 0.625 pct.",
        );
        assert_eq!(c.stance, Some(Stance::Supports), "{c:?}");
        // Not fractions: a date, a slogan.
        assert_eq!(
            features("open 24/7 since 9/11", &[]).numbers.len(),
            features("open 24 7 since 9 11", &[]).numbers.len()
        );
    }

    #[test]
    fn a_shared_year_does_not_hide_a_different_count() {
        let c = cmp(
            "The war has killed 500,000 people since 2011",
            "The war has killed 200,000 people since 2011",
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
        // Different kinds of number do not disagree: a year and an amount.
        let c = cmp(
            "The firm paid $2.5 billion for the chain",
            "The firm paid $2.5 billion for the chain in 1998",
        );
        assert_eq!(c.stance, Some(Stance::Supports), "{c:?}");
    }

    #[test]
    fn qualified_and_rounded_figures_agree_with_what_they_allow() {
        use Bound::*;
        let f = Figure::new;
        assert!(consistent(f(296.0, Exact), f(300.0, Exact)));
        assert!(consistent(f(5_200.0, AtLeast), f(5_270.0, Exact)));
        assert!(consistent(f(50.0, About), f(48.0, Exact)));
        assert!(!consistent(f(500_000.0, AtLeast), f(200_000.0, Exact)));
        assert!(!consistent(f(200_000.0, Exact), f(250_000.0, Exact)));
        assert!(!consistent(f(5_200.0, Exact), f(5_270.0, Exact)));
        // Written to fewer digits: a rounding of the finer figure.
        let tenth = |v| Figure {
            value: v,
            unit: 0.1,
            bound: Exact,
        };
        assert!(consistent(f(4.0, Exact), tenth(3.8)));
        assert!(!consistent(f(4.0, Exact), tenth(3.4)));
        assert!(!consistent(f(1.0, Exact), tenth(1.4)));
        let c = cmp(
            "SARS has killed 296 people and infected more than 5,200",
            "The disease has killed 300 people and infected 5,270",
        );
        assert_ne!(c.stance, Some(Stance::Contradicts), "{c:?}");
    }

    #[test]
    fn a_reused_sentence_is_a_copy_and_a_paraphrase_is_not() {
        let a = "The ban on hunting with dogs came into force in February after years of debate";
        assert!(near_copy(a, a));
        assert!(near_copy(
            a,
            "The ban on hunting with dogs came into force in February, after years of bitter debate"
        ));
        // The same sentence with a clause added is still that sentence.
        assert!(near_copy(
            "The ban on hunting with dogs came into force in February",
            "Campaigners say the ban on hunting with dogs came into force in February without enough police"
        ));
        assert!(!near_copy(
            a,
            "Hunting with hounds was outlawed in February"
        ));
        assert!(!near_copy("", a));
    }

    #[test]
    fn claims_that_share_only_a_topic_are_not_specific() {
        let f = |t: &str| features(t, &[]);
        assert!(!specific(
            &f("There are no plans for another series"),
            &f("He has no plans for a comeback"),
            8.0
        ));
        assert!(specific(
            &f("Iran rejected the truce"),
            &f("Iran rejected a ceasefire"),
            8.0
        ));
        assert!(specific(
            &f("The hunting ban was introduced after a long fight"),
            &f("A hunting ban was introduced despite protests"),
            8.0
        ));
    }

    #[test]
    fn the_score_is_symmetric() {
        let (a, b) = (
            "Russia and Iran rejected the call for a truce",
            "Iran rejected a ceasefire",
        );
        assert!((cmp(a, b).score - cmp(b, a).score).abs() < 1e-6);
    }
}
