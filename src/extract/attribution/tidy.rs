//! After the rules: quotes a reported claim covers join it, kinds follow
//! what trimming left, an attributing headline is added, claims are put in
//! text order (with their `inherit_from` links kept) and empty ones dropped.

use crate::domain::ClaimKind;
use crate::extract::tokens::TokKind;
use crate::extract::{Doc, RawClaim};

pub(super) fn finish(doc: &Doc, mut claims: Vec<RawClaim>) -> Vec<RawClaim> {
    let tokens = &doc.tokens;
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
    if let Some(h) = crate::extract::headline::find(doc) {
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
