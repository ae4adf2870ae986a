//! The words of claims' texts, for the claim search filter. The filter is a
//! case-insensitive substring of the text; this index narrows the claims
//! to read without changing that meaning: every claim the substring
//! matches is among the candidates, which the caller then checks whole.
//!
//! Texts and queries are lowercased whole (as the filter does) and cut into
//! runs of letters and digits. Where a query's run stands decides what it
//! can match in a text: a run with other characters on both sides is a
//! whole word there, one at the query's end starts a word, one at its start
//! ends a word, and a query of one run can lie anywhere inside a word.
//! Words are kept sorted, so the words a run starts are one range.

use super::postings::{List, Posting};
use crate::domain::ClaimId;
use std::collections::BTreeMap;
use std::sync::RwLock;

/// Where a query's run can lie in a text's word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    Whole,
    Starts,
    Ends,
    Inside,
}

/// The runs of letters and digits of lowercased text.
pub fn words(lowercased: &str) -> impl Iterator<Item = &str> {
    lowercased
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

#[derive(Default)]
pub struct WordIndex {
    pub(super) lists: RwLock<BTreeMap<Box<str>, List<ClaimId>>>,
}

impl WordIndex {
    /// Indexes claims' texts; claims arrive in id order.
    pub fn add<'a>(&self, claims: impl IntoIterator<Item = (ClaimId, &'a str)>) {
        let mut lists = self.lists.write().unwrap_or_else(|p| p.into_inner());
        for (id, text) in claims {
            let lower = text.to_lowercase();
            let mut seen: Vec<&str> = words(&lower).collect();
            seen.sort_unstable();
            let mut counted: Vec<(&str, u16)> = Vec::new();
            for w in seen {
                match counted.last_mut() {
                    Some((last, n)) if *last == w => *n = n.saturating_add(1),
                    _ => counted.push((w, 1)),
                }
            }
            let len = counted.len().min(usize::from(u16::MAX)) as u16;
            for (w, tf) in counted {
                let p = Posting { id, tf, len };
                let list = match lists.get_mut(w) {
                    Some(l) => l,
                    None => lists
                        .entry(Box::from(w))
                        .or_insert_with(|| List::starting(&p)),
                };
                if list.count > 0 && list.last >= id {
                    continue;
                }
                list.push(p);
            }
        }
    }

    /// The claims whose text may hold `query` (case-insensitive), in id
    /// order; none when the query has no letters or digits to narrow by.
    pub fn candidates(&self, query: &str) -> Option<Vec<ClaimId>> {
        let lower = query.to_lowercase();
        let runs: Vec<(&str, Fit)> = {
            let all: Vec<&str> = words(&lower).collect();
            let n = all.len();
            let open_start = lower.starts_with(|c: char| c.is_alphanumeric());
            let open_end = lower.ends_with(|c: char| c.is_alphanumeric());
            all.into_iter()
                .enumerate()
                .map(|(i, w)| {
                    let left = i == 0 && open_start;
                    let right = i + 1 == n && open_end;
                    let fit = match (left, right) {
                        (false, false) => Fit::Whole,
                        (false, true) => Fit::Starts,
                        (true, false) => Fit::Ends,
                        (true, true) => Fit::Inside,
                    };
                    (w, fit)
                })
                .collect()
        };
        if runs.is_empty() {
            return None;
        }
        let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
        // Each run's words, and how many claims they hold together.
        let mut sets: Vec<(u64, Vec<&List<ClaimId>>)> = runs
            .iter()
            .map(|&(w, fit)| {
                let found: Vec<&List<ClaimId>> = match fit {
                    Fit::Whole => lists.get(w).into_iter().collect(),
                    Fit::Starts => lists
                        .range::<str, _>((std::ops::Bound::Included(w), std::ops::Bound::Unbounded))
                        .take_while(|(k, _)| k.starts_with(w))
                        .map(|(_, l)| l)
                        .collect(),
                    Fit::Ends => lists
                        .iter()
                        .filter(|(k, _)| k.ends_with(w))
                        .map(|(_, l)| l)
                        .collect(),
                    Fit::Inside => lists
                        .iter()
                        .filter(|(k, _)| k.contains(w))
                        .map(|(_, l)| l)
                        .collect(),
                };
                (found.iter().map(|l| u64::from(l.count)).sum(), found)
            })
            .collect();
        sets.sort_by_key(|s| s.0);
        // The rarest run bounds the answer; others narrow it while they are
        // not much larger than what is left.
        let mut out: Option<Vec<ClaimId>> = None;
        for (total, found) in sets {
            if let Some(o) = &out {
                if o.is_empty() || total > 16 * o.len() as u64 {
                    break;
                }
            }
            let mut ids: Vec<ClaimId> = Vec::with_capacity(total as usize);
            for l in found {
                l.each(&mut |p| ids.push(p.id));
            }
            ids.sort_unstable();
            ids.dedup();
            out = Some(match out {
                None => ids,
                Some(o) => intersect(&o, &ids),
            });
        }
        out
    }
}

/// The items two sorted, distinct lists share, in order.
pub(super) fn intersect<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ArticleId;
    use proptest::prelude::*;

    const TEXTS: [&str; 6] = [
        "The budget deficit will fall to 3% next year.",
        "Hyperinflation is over, the governor said.",
        "ΟΔΟΣ ΚΑΙ ΣΠΙΤΙ: the İstanbul office reopened.",
        "Inflation rose; the bank's governor-elect spoke.",
        "\"We will not cut taxes,\" she said.",
        "",
    ];

    fn index() -> (WordIndex, Vec<(ClaimId, &'static str)>) {
        let claims: Vec<(ClaimId, &str)> = TEXTS
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let id = ClaimId {
                    article: ArticleId(1 + i as u64 / 2),
                    ordinal: i as u32 % 2,
                };
                (id, *t)
            })
            .collect();
        let w = WordIndex::default();
        w.add(claims.iter().copied());
        (w, claims)
    }

    /// What the filter itself matches.
    fn matching(claims: &[(ClaimId, &str)], q: &str) -> Vec<ClaimId> {
        let q = q.to_lowercase();
        claims
            .iter()
            .filter(|(_, t)| t.to_lowercase().contains(&q))
            .map(|c| c.0)
            .collect()
    }

    #[test]
    fn every_claim_the_substring_matches_is_a_candidate_and_few_others_are() {
        let (w, claims) = index();
        for q in [
            "inflation",
            "INFLATION",
            "flat",
            "budget def",
            "deficit will",
            "get deficit w",
            "governor-el",
            "r-elect",
            "3%",
            "% next",
            "bank's",
            "k's gov",
            "οδος",
            "ΟΔΟΣ ΚΑΙ",
            "istanbul",
            "not cut",
            "\"we will",
            "zzz",
            "ation",
        ] {
            let got = w.candidates(q).unwrap();
            let want = matching(&claims, q);
            for id in &want {
                assert!(got.contains(id), "{q:?}: {id} missing from {got:?}");
            }
            // Whole words narrow to the claims holding them all.
            if q == "budget def" || q == "not cut" || q == "zzz" {
                assert_eq!(got, want, "{q:?}");
            }
        }
        // Nothing to narrow by: the caller scans.
        assert_eq!(w.candidates(" %; "), None);
        assert_eq!(w.candidates(""), None);
    }

    proptest! {
        // Any text, any piece of it as the query: its claim is a candidate.
        #[test]
        fn any_piece_of_a_text_finds_it(
            text in "[a-zA-Z0-9 ,.'%\u{3a3}\u{130}é-]{0,60}",
            start in 0usize..60,
            len in 1usize..20,
        ) {
            let chars: Vec<char> = text.chars().collect();
            let start = start.min(chars.len());
            let end = (start + len).min(chars.len());
            let q: String = chars[start..end].iter().collect();
            let id = ClaimId { article: ArticleId(7), ordinal: 0 };
            let w = WordIndex::default();
            w.add([(id, text.as_str())]);
            if text.to_lowercase().contains(&q.to_lowercase()) {
                if let Some(c) = w.candidates(&q) {
                    prop_assert_eq!(c, vec![id]);
                }
            }
        }
    }
}
