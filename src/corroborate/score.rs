//! Stage 2: align two claims' terms, score the match, decide the stance.

use super::features::{Bound, Features};
use crate::domain::Stance;

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
    compare_with(a, b, super::pair::model())
}

/// [`compare`] with a given pair model (none: the score alone decides).
pub fn compare_with(
    a: &Features,
    b: &Features,
    model: Option<&super::pair::PairModel>,
) -> Comparison {
    let mut evidence = Vec::new();
    let (ma, ta) = covered(a, b, &mut Some(&mut evidence));
    let (mb, tb) = covered(b, a, &mut None);
    let score = if ta + tb > 0.0 {
        ((ma + mb) / (ta + tb)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    evidence.sort();
    evidence.dedup();
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
    let numbers_differ = a.numbers.iter().any(|(_, _, k)| {
        let of = |f: &Features| {
            f.numbers
                .iter()
                .enumerate()
                .filter(|(_, n)| n.2 == *k)
                .map(|(i, _)| figure_of(f, i))
                .collect::<Vec<Figure>>()
        };
        let (x, y) = (of(a), of(b));
        !y.is_empty() && !x.iter().any(|v| y.iter().any(|w| consistent(*v, *w)))
    });
    let denial = super::features::denial_conflict(a, b);
    let polarity_differs = denial.is_some();
    let conflict = numbers_differ || polarity_differs;
    let content = |f: &Features| f.terms.iter().filter(|t| !t.bonus).count();
    let short = content(a).min(content(b)) <= SHORT_TERMS;
    let same = score >= SAME && short
        || score >= FLOOR
            && match model {
                Some(m) => m.says_same(&super::pair::pair_features(a, b, (ma, ta), (mb, tb))),
                None => score >= THRESHOLD,
            };
    // Claims that both name who or what they are about, and share none of
    // it, are about different things: "profit doubled" at two companies.
    let names = |f: &Features| {
        f.terms
            .iter()
            .filter(|t| t.name)
            .flat_map(|t| std::iter::once(t.stem.clone()).chain(t.alts.iter().cloned()))
            .collect::<std::collections::HashSet<String>>()
    };
    let (na, nb) = (names(a), names(b));
    // Only claims that know who they involve (speakers, people named) are
    // held to it; bare text pairs are judged on their words alone.
    let knows = |f: &Features| f.terms.iter().any(|t| t.bonus || !t.alts.is_empty());
    let different_subjects =
        knows(a) && knows(b) && !na.is_empty() && !nb.is_empty() && na.is_disjoint(&nb);
    if different_subjects && score < 1.0 {
        evidence.push("different subjects: the claims name no one and nothing in common".into());
        return Comparison {
            score,
            stance: None,
            evidence,
        };
    }
    let stance = if same && !conflict {
        Some(Stance::Supports)
    } else if conflict && (same || score >= THRESHOLD) {
        if let Some(word) = &denial {
            evidence.push(format!(
                "polarity differs: one denies what the other states ({word})"
            ));
        }
        if numbers_differ {
            let fmt = |f: &Features| {
                f.numbers
                    .iter()
                    .map(|(_, s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            evidence.push(format!("numbers differ: {} vs {}", fmt(a), fmt(b)));
        }
        Some(Stance::Contradicts)
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
    fn a_different_number_contradicts() {
        let c = cmp(
            "The war has killed more than half a million people",
            "The war has killed 200,000 people",
        );
        assert_eq!(c.stance, Some(Stance::Contradicts), "{c:?}");
        assert!(c.evidence.iter().any(|e| e.starts_with("numbers differ")));
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
    fn the_score_is_symmetric() {
        let (a, b) = (
            "Russia and Iran rejected the call for a truce",
            "Iran rejected a ceasefire",
        );
        assert!((cmp(a, b).score - cmp(b, a).score).abs() < 1e-6);
    }
}
