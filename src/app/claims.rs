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

/// Claims read from the store at a time while checking candidates.
const CANDIDATE_BATCH: usize = 128;

impl super::App {
    /// Claims after `after` that pass `filter`, at most `limit`, in id order.
    /// A text search reads only the claims whose words can hold it (the
    /// search layer's word index); other filters walk the store's own keys.
    pub fn list_claims(
        &self,
        after: Option<ClaimId>,
        limit: usize,
        filter: &crate::store::ClaimFilter,
    ) -> crate::store::Result<Vec<Claim>> {
        let Some(ids) = self.text_candidates(filter)? else {
            return self.store().list_claims(after, limit, filter);
        };
        let from = after.map_or(0, |a| ids.partition_point(|id| *id <= a));
        let mut out = Vec::new();
        for chunk in ids[from..].chunks(CANDIDATE_BATCH) {
            for c in self.store().claims(chunk)?.into_iter().flatten() {
                if out.len() >= limit {
                    return Ok(out);
                }
                if filter.matches(&c) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }

    /// How many claims pass `filter`.
    pub fn count_claims(&self, filter: &crate::store::ClaimFilter) -> crate::store::Result<u64> {
        let Some(ids) = self.text_candidates(filter)? else {
            return self.store().count_claims(filter);
        };
        let mut n = 0;
        for chunk in ids.chunks(CANDIDATE_BATCH) {
            let claims = self.store().claims(chunk)?;
            n += claims
                .iter()
                .flatten()
                .filter(|c| filter.matches(c))
                .count() as u64;
        }
        Ok(n)
    }

    /// The claims a text search needs to read, when the word index narrows
    /// them to a fraction of the store; none: walk the store. An article
    /// or speaker filter is narrower already.
    fn text_candidates(
        &self,
        filter: &crate::store::ClaimFilter,
    ) -> crate::store::Result<Option<Vec<ClaimId>>> {
        if filter.article.is_some() || filter.speaker.is_some() {
            return Ok(None);
        }
        let Some(ids) = filter
            .search
            .as_deref()
            .and_then(|q| self.search().claims_with_text(q))
        else {
            return Ok(None);
        };
        // Reading most claims one by one is slower than one ordered walk.
        let all = self.store().stats()?.claims;
        Ok((ids.len() as u64 <= all / 4).then_some(ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_search_through_the_word_index_finds_what_a_scan_of_the_store_finds() {
        let app = crate::app::App::open(crate::store::temporary().unwrap()).unwrap();
        let topics = [
            "budget", "bridge", "harbour", "vaccine", "railway", "tariff", "museum",
        ];
        for (i, topic) in topics.iter().enumerate() {
            for j in 0..3 {
                let body = format!(
                    "\"The {topic} plan will cost {n} million pounds,\" the minister said. \
                     Critics said the {topic}-related spending was unaffordable in year {j}.",
                    n = 10 * i + j
                );
                app.ingest(crate::domain::NewArticle {
                    body,
                    ..Default::default()
                })
                .unwrap();
            }
        }
        let store = app.store();
        for q in [
            "harbour",
            "HARBOUR plan",
            "bour pla",
            "vaccine-rel",
            "12 million",
            "ailwa",
            "nothing",
            "-",
        ] {
            let filter = crate::store::ClaimFilter {
                search: Some(q.to_string()),
                ..Default::default()
            };
            let want = store.list_claims(None, usize::MAX, &filter).unwrap();
            assert_eq!(
                app.list_claims(None, usize::MAX, &filter).unwrap(),
                want,
                "{q}"
            );
            assert_eq!(app.count_claims(&filter).unwrap(), want.len() as u64, "{q}");
            // Page by page, from each cursor.
            for (k, c) in want.iter().enumerate() {
                let page = app.list_claims(Some(c.id), 2, &filter).unwrap();
                let rest: Vec<_> = want[k + 1..].iter().take(2).cloned().collect();
                assert_eq!(page, rest, "{q} after {}", c.id);
            }
        }
        // The word index narrowed the read: a rare word has few candidates.
        let few = app.search().claims_with_text("harbour").unwrap();
        assert!(!few.is_empty() && few.len() <= 6, "{few:?}");
    }

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
