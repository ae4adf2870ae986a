//! From an extraction to stored claims: each claim with its id, the text of
//! its cue and speaker mention, its stored speakers and its attribution.

use crate::domain::{ArticleId, Attribution, Claim, ClaimId, Span, SpeakerId};
use crate::extract::Extraction;

/// The article's claims, numbered in extraction order. `speakers` maps the
/// extraction's speakers to stored ones.
pub fn build(
    article: ArticleId,
    body: &str,
    ex: &Extraction,
    speakers: &[SpeakerId],
) -> Vec<Claim> {
    let body: Vec<char> = body.chars().collect();
    let slice = |s: Span| -> String {
        body[(s.start as usize).min(body.len())..(s.end as usize).min(body.len())]
            .iter()
            .collect()
    };
    ex.claims
        .iter()
        .enumerate()
        .map(|(ordinal, c)| {
            let mut ids: Vec<SpeakerId> = c.speakers.iter().map(|&i| speakers[i]).collect();
            ids.dedup();
            Claim {
                id: ClaimId {
                    article,
                    ordinal: ordinal as u32,
                },
                text: c.text.clone(),
                kind: c.kind,
                content: c.content.clone(),
                cue: c.cue,
                cue_text: c.cue.map(slice),
                speaker_mention: c.speaker_mention,
                speaker_mention_text: c.speaker_mention.map(slice),
                speakers: ids,
                attribution: Attribution {
                    rule: c.rule.to_string(),
                    resolution: c.resolution.map(str::to_string),
                    confidence: c.confidence,
                },
                check_worthiness: c.check_worthiness,
                entities: c.entities.clone(),
            }
        })
        .collect()
}

/// How many independent sources support a claim: the articles whose claims
/// support it and are marked independent, where supporters from one
/// publisher, or whose texts repeat one another, count once.
pub fn independent_sources(
    store: &dyn crate::store::Store,
    claim: ClaimId,
) -> crate::store::Result<u64> {
    use crate::corroborate::score::near_copy;
    let mut ids: Vec<ClaimId> = store
        .corroborations(claim)?
        .into_iter()
        .filter(|l| l.independent && l.stance == crate::domain::Stance::Supports)
        .map(|l| l.claim)
        .collect();
    ids.sort();
    ids.dedup_by_key(|id| id.article);
    let claims: Vec<Claim> = store.claims(&ids)?.into_iter().flatten().collect();
    let articles: Vec<ArticleId> = claims.iter().map(|c| c.id.article).collect();
    let publishers: Vec<Option<String>> = store
        .articles(&articles)?
        .into_iter()
        .map(|a| a.and_then(|a| a.publisher))
        .collect();
    // Each supporter joins the first source it repeats or shares a publisher with.
    let mut source: Vec<usize> = Vec::with_capacity(claims.len());
    for i in 0..claims.len() {
        let same = (0..i).find(|&j| {
            publishers[i].is_some() && publishers[i] == publishers[j]
                || near_copy(&claims[i].text, &claims[j].text)
        });
        source.push(same.map_or(i, |j| source[j]));
    }
    source.sort_unstable();
    source.dedup();
    Ok(source.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_carry_the_text_of_their_cue_and_mention_and_their_stored_speakers() {
        let body = "\"We will win,\" Mr Smith said.";
        let ex = crate::extract::extract(body);
        let ids: Vec<SpeakerId> = (0..ex.speakers.len())
            .map(|i| SpeakerId(10 + i as u64))
            .collect();
        let claims = build(ArticleId(3), body, &ex, &ids);
        assert_eq!(claims.len(), 1);
        let c = &claims[0];
        assert_eq!(
            c.id,
            ClaimId {
                article: ArticleId(3),
                ordinal: 0
            }
        );
        assert_eq!(c.cue_text.as_deref(), Some("said"));
        assert_eq!(c.speaker_mention_text.as_deref(), Some("Mr Smith"));
        assert_eq!(c.speakers, [SpeakerId(10)]);
    }
}
