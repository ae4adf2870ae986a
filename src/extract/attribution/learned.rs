//! The learned rule: the attribution tagger (`encoder::Tagger`, MiniLM
//! fine-tuned on PolNeAR) tags every token as source, cue or content; the
//! tags are decoded into well-formed spans and grouped around their cues.
//! It finds what the rules cannot name: cues beyond speech verbs ("fears",
//! "shows", "plans"), organisations and documents as sources, content that
//! runs across clauses. `attribution::merge` says how its claims and the
//! rules' are combined.

use super::super::{Doc, RawClaim};
use crate::domain::ClaimKind;
use crate::encoder::{Tagger, MAX_TOKENS, TAGS};
use crate::extract::tokens::TokKind;
use std::ops::Range;

/// The rule's name in `attribution.rule`.
pub const RULE: &str = "learned";
/// Word pieces per pass of the tagger, [CLS] and [SEP] aside; must match
/// `PACK` in `scripts/train-attribution.py`.
const PACK: usize = MAX_TOKENS - 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Source,
    Cue,
    Content,
}

/// A decoded span: extract tokens `range`, and the mean probability of its tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    pub role: Role,
    pub range: Range<usize>,
    pub prob: f32,
}

/// The tagger's claims in `doc`, in token ranges.
pub fn find(doc: &Doc) -> Vec<RawClaim> {
    let tagger = Tagger::get();
    // Each token's word pieces; a token the vocabulary cannot read has none
    // and takes no tag (it can still sit inside a span).
    let pieces: Vec<Vec<u32>> = doc
        .tokens
        .iter()
        .map(|t| {
            let text = doc.text.slice(t.start, t.end);
            let p = tagger.vocab().tokenize(&text);
            p[1..p.len() - 1].iter().map(|p| p.id).collect()
        })
        .collect();
    let packs = packs(doc, &pieces);
    let seqs: Vec<Vec<u32>> = packs
        .iter()
        .map(|r| pieces[r.clone()].iter().flatten().copied().collect())
        .collect();
    let scores = tagger.tag_batch(&seqs);
    let mut out = Vec::new();
    for (range, scores) in packs.iter().zip(&scores) {
        // A token's tag scores are its first piece's.
        let mut first = Vec::with_capacity(range.len());
        let mut at = 0;
        for t in range.clone() {
            first.push((!pieces[t].is_empty()).then(|| &scores[at * TAGS..(at + 1) * TAGS]));
            at += pieces[t].len();
        }
        let spans = decode(&first, range.start);
        out.extend(group(doc, &spans));
    }
    out
}

/// Consecutive sentences of a paragraph while their pieces fit in one pass;
/// a sentence longer than a pass is cut into passes.
fn packs(doc: &Doc, pieces: &[Vec<u32>]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // The open pack: its tokens, its pieces, its paragraph.
    let mut cur: Option<(Range<usize>, usize, usize)> = None;
    for s in &doc.sents {
        let n: usize = pieces[s.tokens.clone()].iter().map(Vec::len).sum();
        match &mut cur {
            Some((r, k, p)) if *p == s.para && r.end == s.tokens.start && *k + n <= PACK => {
                r.end = s.tokens.end;
                *k += n;
                continue;
            }
            _ => {}
        }
        if let Some((r, _, _)) = cur.take() {
            out.push(r);
        }
        if n <= PACK {
            cur = Some((s.tokens.clone(), n, s.para));
            continue;
        }
        let mut start = s.tokens.start;
        let mut k = 0;
        for t in s.tokens.clone() {
            let m = pieces[t].len();
            if k + m > PACK && t > start {
                out.push(start..t);
                start = t;
                k = 0;
            }
            k += m;
        }
        out.push(start..s.tokens.end);
    }
    if let Some((r, _, _)) = cur.take() {
        out.push(r);
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Whether tag `b` may follow tag `a`: an inside tag only continues a span
/// of its own role.
fn allowed(a: Option<usize>, b: usize) -> bool {
    if b == 0 || b % 2 == 1 {
        return true;
    }
    matches!(a, Some(a) if a == b || a + 1 == b)
}

/// The best well-formed tag sequence (Viterbi over the allowed
/// transitions), as spans of tokens numbered from `offset`. A token
/// without scores continues whatever span it sits in.
pub fn decode(scores: &[Option<&[f32]>], offset: usize) -> Vec<Tagged> {
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    let mut best = vec![[f32::NEG_INFINITY; TAGS]; n];
    let mut back = vec![[0usize; TAGS]; n];
    for i in 0..n {
        for b in 0..TAGS {
            let emit = match scores[i] {
                Some(s) => s[b],
                // No pieces: free to continue a span or stay outside.
                None if b == 0 || b % 2 == 0 => 0.0,
                None => f32::NEG_INFINITY,
            };
            if i == 0 {
                if allowed(None, b) {
                    best[0][b] = emit;
                }
                continue;
            }
            for a in 0..TAGS {
                if best[i - 1][a] == f32::NEG_INFINITY || !allowed(Some(a), b) {
                    continue;
                }
                let v = best[i - 1][a] + emit;
                if v > best[i][b] {
                    best[i][b] = v;
                    back[i][b] = a;
                }
            }
        }
    }
    let mut tags = vec![0usize; n];
    tags[n - 1] = (0..TAGS)
        .max_by(|&a, &b| best[n - 1][a].total_cmp(&best[n - 1][b]))
        .unwrap_or(0);
    for i in (1..n).rev() {
        tags[i - 1] = back[i][tags[i]];
    }
    let mut out: Vec<Tagged> = Vec::new();
    let mut open: Option<(usize, usize, f32, usize)> = None; // tag, start, prob sum, scored
    let role = |t: usize| match (t - 1) / 2 {
        0 => Role::Source,
        1 => Role::Cue,
        _ => Role::Content,
    };
    for i in 0..=n {
        let t = if i < n { tags[i] } else { 0 };
        let continues = t != 0 && t % 2 == 0;
        if !continues {
            if let Some((tag, start, sum, k)) = open.take() {
                out.push(Tagged {
                    role: role(tag),
                    range: offset + start..offset + i,
                    prob: if k == 0 { 0.0 } else { sum / k as f32 },
                });
            }
        }
        if i == n || t == 0 {
            continue;
        }
        let p = scores[i].map(|s| s[t].exp());
        match &mut open {
            Some((_, _, sum, k)) if continues => {
                if let Some(p) = p {
                    *sum += p;
                    *k += 1;
                }
            }
            _ => open = Some((t, i, p.unwrap_or(0.0), usize::from(p.is_some()))),
        }
    }
    out
}

/// Token distance between two ranges (0 when they touch or overlap).
fn gap(a: &Range<usize>, b: &Range<usize>) -> usize {
    b.start
        .saturating_sub(a.end)
        .max(a.start.saturating_sub(b.end))
}

/// Claims from one pack's spans: each content and each source goes to its
/// nearest cue; a cue with content is a claim. A cue without a source of
/// its own takes the pack's nearest one ("he said X and added Y").
pub fn group(doc: &Doc, spans: &[Tagged]) -> Vec<RawClaim> {
    let cues: Vec<&Tagged> = spans.iter().filter(|s| s.role == Role::Cue).collect();
    if cues.is_empty() {
        return Vec::new();
    }
    let nearest = |s: &Tagged| {
        (0..cues.len())
            .min_by_key(|&c| (gap(&cues[c].range, &s.range), cues[c].range.start))
            .unwrap_or(0)
    };
    let mut contents: Vec<Vec<&Tagged>> = vec![Vec::new(); cues.len()];
    let mut sources: Vec<Option<&Tagged>> = vec![None; cues.len()];
    for s in spans {
        match s.role {
            Role::Content => contents[nearest(s)].push(s),
            Role::Source => {
                let c = nearest(s);
                let closer = sources[c]
                    .is_none_or(|o| gap(&s.range, &cues[c].range) < gap(&o.range, &cues[c].range));
                if closer {
                    sources[c] = Some(s);
                }
            }
            Role::Cue => {}
        }
    }
    let all_sources: Vec<&Tagged> = spans.iter().filter(|s| s.role == Role::Source).collect();
    let mut out = Vec::new();
    for (c, cue) in cues.iter().enumerate() {
        if contents[c].is_empty() {
            continue;
        }
        let mention = sources[c].or_else(|| {
            all_sources
                .iter()
                .copied()
                .min_by_key(|s| gap(&s.range, &cue.range))
        });
        let content: Vec<Range<usize>> = contents[c]
            .iter()
            .map(|s| trim(doc, &s.range))
            .filter(|r| !r.is_empty())
            .collect();
        if content.is_empty() {
            continue;
        }
        let probs: Vec<f32> = std::iter::once(cue.prob)
            .chain(contents[c].iter().map(|s| s.prob))
            .collect();
        let confidence = probs.iter().sum::<f32>() / probs.len() as f32;

        let quoted_whole = content.len() == 1 && {
            let r = &content[0];
            doc.tokens[r.start].kind == TokKind::Quote
                && doc.tokens[r.end - 1].kind == TokKind::Quote
        };
        let mention = mention.map(|m| m.range.clone());
        let claim = if quoted_whole {
            RawClaim {
                kind: ClaimKind::DirectQuote,
                content,
                cue: Some(cue.range.clone()),
                mention,
                rule: RULE,
                confidence,
                inherit_from: None,
            }
        } else {
            // The reported claim's kind and defaults, with every content
            // span the tagger joined to this cue.
            let first = content[0].clone();
            RawClaim {
                content,
                ..RawClaim::reported(
                    &doc.tokens,
                    first,
                    cue.range.clone(),
                    mention,
                    RULE,
                    confidence,
                )
            }
        };
        out.push(claim);
    }
    out
}

/// A content range without the punctuation at its ends that PolNeAR leaves
/// out (a trailing comma or full stop), quotation marks kept.
fn trim(doc: &Doc, r: &Range<usize>) -> Range<usize> {
    let (mut a, mut b) = (r.start, r.end);
    let drop = |t: &crate::extract::tokens::Token| {
        t.kind == TokKind::Punct && (t.is(",") || t.is(";") || t.is(":"))
    };
    while a < b && drop(&doc.tokens[a]) {
        a += 1;
    }
    while b > a && drop(&doc.tokens[b - 1]) {
        b -= 1;
    }
    a..b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tag: usize) -> Vec<f32> {
        (0..TAGS)
            .map(|k| if k == tag { -0.1 } else { -5.0 })
            .collect()
    }

    #[test]
    fn an_inside_tag_after_outside_is_read_as_a_well_formed_span() {
        // O I-cue I-cue O: the decoder may not start a span on an inside tag.
        let rows = [row(0), row(4), row(4), row(0)];
        let scores: Vec<Option<&[f32]>> = rows.iter().map(|r| Some(r.as_slice())).collect();
        let spans = decode(&scores, 10);
        assert!(spans
            .iter()
            .all(|s| s.range.start >= 10 && s.range.end <= 14));
        // Either no span or a span that starts with its begin tag.
        for s in &spans {
            assert!(!s.range.is_empty());
        }
        let rows = [row(1), row(2), row(3), row(5), row(6), row(6)];
        let scores: Vec<Option<&[f32]>> = rows.iter().map(|r| Some(r.as_slice())).collect();
        let spans = decode(&scores, 0);
        let got: Vec<(Role, Range<usize>)> =
            spans.iter().map(|s| (s.role, s.range.clone())).collect();
        assert_eq!(
            got,
            vec![
                (Role::Source, 0..2),
                (Role::Cue, 2..3),
                (Role::Content, 3..6)
            ]
        );
        assert!(spans.iter().all(|s| s.prob > 0.8));
    }

    #[test]
    fn a_token_without_pieces_stays_inside_its_span() {
        let rows = [row(5), row(6)];
        let scores: Vec<Option<&[f32]>> = vec![Some(&rows[0]), None, Some(&rows[1])];
        let spans = decode(&scores, 0);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].range, 0..3);
    }
}
