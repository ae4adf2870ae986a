//! The conformance suite: what every `Store` backend must do, written once
//! against the trait. A backend runs it with `conformance_suite!(Backend)`,
//! where `Backend` gives fresh stores and reopens them (a restart).

use super::{
    ArticleWrite, Change, ClaimFilter, ClaimTerms, EmbeddingWrite, FactCheckWrite, Outcome,
    SpeakerWrite, Store, StoreError, Unit,
};
use crate::domain::{
    Article, ArticleId, Attribution, Claim, ClaimId, ClaimKind, Corroboration, FactCheck,
    FactCheckId, FactCheckMatch, NewFactCheck, Rating, Span, Speaker, SpeakerId, SpeakerKind,
    Stance,
};
use std::sync::Arc;

/// How the suite gets stores from a backend.
pub trait Backend {
    /// An empty store, and whatever keeps it alive (a directory, a schema).
    fn fresh(&self) -> (Arc<dyn Store>, Box<dyn std::any::Any>);
    /// The same store after its process ended and a new one opened it.
    fn reopen(&self, store: Arc<dyn Store>, keep: &dyn std::any::Any) -> Arc<dyn Store>;
}

/// Instantiates every test of the suite for a backend.
macro_rules! conformance_suite {
    ($backend:expr) => {
        $crate::store::conformance::conformance_suite!(@tests $backend;
            an_empty_store_has_nothing_and_starts_its_ids_at_one,
            an_article_is_committed_whole_and_read_back_every_way,
            committing_the_same_article_twice_writes_nothing,
            a_unit_with_stale_ids_is_refused_and_leaves_nothing_behind,
            links_are_stored_both_ways_and_counted_once,
            a_speaker_changed_by_a_later_article_is_updated_in_place,
            fact_checks_are_committed_whole_idempotent_and_read_back,
            a_review_of_a_missing_claim_is_refused_and_writes_nothing,
            the_change_feed_returns_every_commit_in_order_with_its_terms,
            a_restart_keeps_everything_and_ids_continue,
            embeddings_added_later_come_through_the_feed_once_with_their_links,
            embeddings_for_missing_or_embedded_claims_are_refused_whole,
            claim_embeddings_are_read_in_pages_in_claim_order,
            an_export_imports_into_an_empty_store_as_the_same_store);
    };
    (@tests $backend:expr; $($name:ident),*) => {
        $(
            #[test]
            fn $name() {
                $crate::store::conformance::$name(&$backend);
            }
        )*
    };
}
pub(crate) use conformance_suite;

fn article(id: u64, body: &str) -> Article {
    let mut hash = [0u8; 16];
    for (i, b) in body.bytes().enumerate() {
        hash[i % 16] = hash[i % 16].wrapping_mul(31).wrapping_add(b);
    }
    Article {
        id: ArticleId(id),
        title: Some(format!("Article {id}")),
        url: Some(format!("https://news.example/{id}")),
        publisher: Some("Example News".into()),
        published_at: Some("2024-01-02".into()),
        body: body.into(),
        content_hash: hash,
        ingested_at: 1_700_000_000 + id,
        claim_count: 0,
    }
}

fn claim(article: u64, ordinal: u32, text: &str, kind: ClaimKind, speakers: &[u64]) -> Claim {
    Claim {
        id: ClaimId {
            article: ArticleId(article),
            ordinal,
        },
        text: text.into(),
        kind,
        content: vec![Span::new(0, text.chars().count())],
        cue: None,
        cue_text: None,
        speaker_mention: None,
        speaker_mention_text: None,
        speakers: speakers.iter().map(|&s| SpeakerId(s)).collect(),
        attribution: Attribution {
            rule: "test".into(),
            resolution: None,
            confidence: 0.5 + 0.1 * ordinal as f32,
        },
        check_worthiness: None,
        entities: Vec::new(),
    }
}

fn person(id: u64, name: &str, surname: &str) -> SpeakerWrite {
    SpeakerWrite {
        speaker: Speaker {
            id: SpeakerId(id),
            name: name.into(),
            kind: SpeakerKind::Person,
            aliases: Vec::new(),
            titles: vec!["Minister".into()],
            affiliation: Some("Ruritania".into()),
        },
        surname: Some(surname.into()),
    }
}

fn terms(ordinal: u32, words: &[&str]) -> ClaimTerms {
    ClaimTerms {
        ordinal,
        len: words.len() as u16,
        terms: words.iter().map(|w| (w.to_string(), 1)).collect(),
    }
}

/// Article 1: two claims by two new speakers.
pub(crate) fn first_article() -> ArticleWrite {
    let mut a = article(
        1,
        "The minister said taxes would fall. The union warned of strikes.",
    );
    a.claim_count = 2;
    ArticleWrite {
        article: a,
        claims: vec![
            claim(1, 0, "taxes would fall", ClaimKind::IndirectQuote, &[1]),
            claim(1, 1, "We will strike", ClaimKind::DirectQuote, &[2]),
        ],
        speakers: vec![
            person(1, "Anna Berg", "berg"),
            SpeakerWrite {
                speaker: Speaker {
                    id: SpeakerId(2),
                    name: "Dock Workers Union".into(),
                    kind: SpeakerKind::Organization,
                    aliases: vec!["the union".into()],
                    titles: Vec::new(),
                    affiliation: None,
                },
                surname: None,
            },
        ],
        terms: vec![terms(0, &["tax", "fall"]), terms(1, &["strike"])],
        links: Vec::new(),
        fact_check_matches: Vec::new(),
        vectors: vec![
            (0, vec![0.5, -0.25, 0.0, 0.125]),
            (1, vec![0.0, 0.0, 1.0, 0.0]),
        ],
    }
}

/// Article 2: one claim by the first article's minister, linked to her earlier claim.
pub(crate) fn second_article() -> ArticleWrite {
    let mut a = article(2, "Taxes will fall next year, Ms Berg said again.");
    a.claim_count = 1;
    ArticleWrite {
        article: a,
        claims: vec![claim(
            2,
            0,
            "Taxes will fall next year",
            ClaimKind::IndirectQuote,
            &[1],
        )],
        speakers: Vec::new(),
        terms: vec![terms(0, &["tax", "fall", "year"])],
        vectors: Vec::new(),
        links: vec![(
            0,
            Corroboration {
                claim: ClaimId {
                    article: ArticleId(1),
                    ordinal: 0,
                },
                score: 0.8,
                stance: Stance::Supports,
                evidence: vec!["shared: tax, fall".into()],
                independent: true,
            },
        )],
        fact_check_matches: Vec::new(),
    }
}

fn fact_check(id: u64, claim: Option<ClaimId>, matches: Vec<FactCheckMatch>) -> FactCheckWrite {
    FactCheckWrite {
        fact_check: FactCheck {
            id: FactCheckId(id),
            details: NewFactCheck {
                claim_reviewed: format!("Claim number {id} about taxes"),
                rating: Rating {
                    name: Some("False".into()),
                    ..Default::default()
                },
                url: Some(format!("https://checks.example/{id}")),
                claim,
                ..Default::default()
            },
            created_at: 1_700_000_100 + id,
        },
        terms: vec![("tax".into(), 1), ("claim".into(), 1)],
        length: 2,
        matches,
        vector: Some(vec![0.25; 4]),
    }
}

fn cid(article: u64, ordinal: u32) -> ClaimId {
    ClaimId {
        article: ArticleId(article),
        ordinal,
    }
}

fn created<I: std::fmt::Debug>(o: Result<Outcome<I>, StoreError>) -> u64 {
    match o {
        Ok(Outcome::Created { seq }) => seq,
        other => panic!("expected a commit, got {other:?}"),
    }
}

pub fn an_empty_store_has_nothing_and_starts_its_ids_at_one(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    assert_eq!(s.stats().unwrap(), Default::default());
    let next = s.next_ids().unwrap();
    assert_eq!(
        (next.article, next.speaker, next.fact_check),
        (ArticleId(1), SpeakerId(1), FactCheckId(1))
    );
    assert_eq!(s.last_seq().unwrap(), 0);
    assert!(s.changes_since(0, 10).unwrap().is_empty());
    assert!(s.article(ArticleId(1)).unwrap().is_none());
    assert!(s.claim(cid(1, 0)).unwrap().is_none());
    assert!(s.list_articles(None, 10).unwrap().is_empty());
    assert!(s
        .list_claims(None, 10, &ClaimFilter::default())
        .unwrap()
        .is_empty());
    assert!(s.list_speakers(None, 10, None).unwrap().is_empty());
    assert!(s.list_fact_checks(None, 10).unwrap().is_empty());
    assert!(s.verify().unwrap().is_ok());
}

pub fn an_article_is_committed_whole_and_read_back_every_way(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    let w = first_article();
    assert_eq!(created(s.commit_article(&w)), 1);
    assert_eq!(s.article(ArticleId(1)).unwrap().as_ref(), Some(&w.article));
    assert_eq!(
        s.articles(&[ArticleId(2), ArticleId(1)]).unwrap(),
        vec![None, Some(w.article.clone())]
    );
    assert_eq!(s.list_articles(None, 10).unwrap(), vec![w.article.clone()]);
    assert!(s.list_articles(Some(ArticleId(1)), 10).unwrap().is_empty());
    assert_eq!(
        s.article_by_hash(&w.article.content_hash).unwrap(),
        Some(ArticleId(1))
    );
    assert_eq!(s.claim(cid(1, 1)).unwrap().as_ref(), Some(&w.claims[1]));
    assert_eq!(
        s.claims(&[cid(1, 1), cid(9, 0)]).unwrap(),
        vec![Some(w.claims[1].clone()), None]
    );
    assert_eq!(s.claims_of_article(ArticleId(1)).unwrap(), w.claims);
    let all = ClaimFilter::default();
    assert_eq!(s.list_claims(None, 10, &all).unwrap(), w.claims);
    assert_eq!(
        s.list_claims(Some(cid(1, 0)), 10, &all).unwrap(),
        w.claims[1..]
    );
    assert_eq!(s.list_claims(None, 1, &all).unwrap(), w.claims[..1]);
    let by = |f: ClaimFilter| s.list_claims(None, 10, &f).unwrap();
    let quotes = ClaimFilter {
        kind: Some(ClaimKind::DirectQuote),
        ..Default::default()
    };
    assert_eq!(by(quotes.clone()), w.claims[1..]);
    assert_eq!(s.count_claims(&quotes).unwrap(), 1);
    let of_speaker = ClaimFilter {
        speaker: Some(SpeakerId(1)),
        ..Default::default()
    };
    assert_eq!(by(of_speaker.clone()), w.claims[..1]);
    assert_eq!(s.count_claims(&of_speaker).unwrap(), 1);
    let text = ClaimFilter {
        search: Some("STRIKE".into()),
        ..Default::default()
    };
    assert_eq!(by(text), w.claims[1..]);
    let search = |q: &str| {
        by(ClaimFilter {
            search: Some(q.into()),
            ..Default::default()
        })
    };
    // Words across a space, any case; a field name of the stored value
    // ("text") is not the claim's text; punctuation is matched as written.
    assert_eq!(search("will STRIKE"), w.claims[1..]);
    assert_eq!(search("Taxes would"), w.claims[..1]);
    assert!(search("text").is_empty());
    assert!(search("strike,").is_empty());
    assert_eq!(search("will strike"), search("WILL strike"));
    let confident = ClaimFilter {
        min_confidence: Some(0.55),
        ..Default::default()
    };
    assert_eq!(by(confident), w.claims[1..]);
    let of_article = ClaimFilter {
        article: Some(ArticleId(1)),
        ..Default::default()
    };
    assert_eq!(s.count_claims(&of_article).unwrap(), 2);
    assert_eq!(s.count_claims(&all).unwrap(), 2);

    let anna = &w.speakers[0].speaker;
    assert_eq!(s.speaker(SpeakerId(1)).unwrap().as_ref(), Some(anna));
    assert_eq!(s.speakers(&[SpeakerId(3)]).unwrap(), vec![None]);
    assert_eq!(s.list_speakers(None, 10, None).unwrap().len(), 2);
    assert_eq!(
        s.list_speakers(None, 10, Some("ber")).unwrap(),
        vec![anna.clone()]
    );
    assert_eq!(s.count_speakers(Some("union")).unwrap(), 1);
    assert_eq!(s.count_speakers(None).unwrap(), 2);
    assert_eq!(s.articles_of_speaker(SpeakerId(2)).unwrap(), [ArticleId(1)]);
    assert_eq!(s.speakers_named("anna berg").unwrap(), [SpeakerId(1)]);
    assert_eq!(s.speakers_named("the union").unwrap(), [SpeakerId(2)]);
    assert_eq!(s.speakers_with_surname("berg").unwrap(), [SpeakerId(1)]);
    assert!(s.speakers_with_surname("union").unwrap().is_empty());

    let stats = s.stats().unwrap();
    assert_eq!(
        (
            stats.articles,
            stats.claims,
            stats.speakers,
            stats.claim_terms
        ),
        (1, 2, 2, 3)
    );
    let next = s.next_ids().unwrap();
    assert_eq!((next.article, next.speaker), (ArticleId(2), SpeakerId(3)));
    let report = s.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.checked.get("claim embeddings"), Some(&2));
}

pub fn committing_the_same_article_twice_writes_nothing(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    let before = s.stats().unwrap();
    // The same article again, even planned with the next ids.
    let mut again = first_article();
    again.article.id = ArticleId(2);
    for c in &mut again.claims {
        c.id.article = ArticleId(2);
    }
    assert_eq!(
        s.commit_article(&again).unwrap(),
        Outcome::Existing(ArticleId(1))
    );
    assert_eq!(s.stats().unwrap(), before);
    assert_eq!(s.last_seq().unwrap(), 1);
    assert!(s.claim(cid(2, 0)).unwrap().is_none());
}

pub fn a_unit_with_stale_ids_is_refused_and_leaves_nothing_behind(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    // An article id that is not the next one.
    let mut stale = first_article();
    stale.article.id = ArticleId(7);
    assert!(matches!(
        s.commit_article(&stale),
        Err(StoreError::Conflict(_))
    ));
    // A new speaker whose id skips ahead: the article's other writes must
    // not survive either.
    let mut skipping = first_article();
    skipping.speakers[1].speaker.id = SpeakerId(9);
    assert!(matches!(
        s.commit_article(&skipping),
        Err(StoreError::Conflict(_))
    ));
    // An embedding for a claim the article does not have.
    let mut stray = first_article();
    stray.vectors.push((5, vec![1.0; 4]));
    assert!(matches!(
        s.commit_article(&stray),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.stats().unwrap(), Default::default());
    assert!(s.article(ArticleId(1)).unwrap().is_none());
    assert!(s.claim(cid(1, 0)).unwrap().is_none());
    assert!(s.speaker(SpeakerId(1)).unwrap().is_none());
    assert!(s.speakers_named("anna berg").unwrap().is_empty());
    assert_eq!(s.last_seq().unwrap(), 0);
    assert!(s.changes_since(0, 10).unwrap().is_empty());
    // And the right unit still goes in.
    assert_eq!(created(s.commit_article(&first_article())), 1);
    assert!(s.verify().unwrap().is_ok());
}

pub fn links_are_stored_both_ways_and_counted_once(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_article(&second_article()));
    let forward = s.corroborations(cid(2, 0)).unwrap();
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].claim, cid(1, 0));
    let back = s.corroborations(cid(1, 0)).unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].claim, cid(2, 0));
    assert_eq!(back[0].stance, Stance::Supports);
    assert_eq!(back[0].evidence, forward[0].evidence);
    assert!(s.corroborations(cid(1, 1)).unwrap().is_empty());
    assert_eq!(s.stats().unwrap().corroborations, 1);
    assert_eq!(
        s.articles_of_speaker(SpeakerId(1)).unwrap(),
        [ArticleId(1), ArticleId(2)]
    );
    assert!(s.verify().unwrap().is_ok());
}

pub fn a_speaker_changed_by_a_later_article_is_updated_in_place(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    let mut w = second_article();
    let mut anna = first_article().speakers[0].clone();
    anna.speaker.aliases.push("Ms Berg".into());
    w.speakers.push(anna.clone());
    created(s.commit_article(&w));
    assert_eq!(s.speaker(SpeakerId(1)).unwrap(), Some(anna.speaker));
    assert_eq!(s.stats().unwrap().speakers, 2);
    assert_eq!(s.speakers_named("ms berg").unwrap(), [SpeakerId(1)]);
    assert_eq!(s.list_speakers(None, 10, Some("ms")).unwrap().len(), 1);
    assert_eq!(s.next_ids().unwrap().speaker, SpeakerId(3));
}

pub fn fact_checks_are_committed_whole_idempotent_and_read_back(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    let m = FactCheckMatch {
        claim: cid(1, 0),
        fact_check: FactCheckId(1),
        score: 0.7,
        stance: Stance::Supports,
        evidence: vec!["shared: tax".into()],
    };
    let review = fact_check(1, Some(cid(1, 1)), vec![m.clone()]);
    assert_eq!(created(s.commit_fact_check(&review)), 2);
    assert_eq!(
        s.fact_check(FactCheckId(1)).unwrap().as_ref(),
        Some(&review.fact_check)
    );
    assert_eq!(
        s.fact_checks(&[FactCheckId(1), FactCheckId(2)]).unwrap(),
        vec![Some(review.fact_check.clone()), None]
    );
    assert_eq!(
        s.fact_check_stored(&review.fact_check.details).unwrap(),
        Some(FactCheckId(1))
    );
    assert_eq!(
        s.list_fact_checks(None, 10).unwrap(),
        vec![review.fact_check.clone()]
    );
    assert_eq!(s.reviews_of_claim(cid(1, 1)).unwrap(), [FactCheckId(1)]);
    assert!(s.reviews_of_claim(cid(1, 0)).unwrap().is_empty());
    assert_eq!(s.fact_checks_of_claim(cid(1, 0)).unwrap(), vec![m.clone()]);
    assert_eq!(s.claims_of_fact_check(FactCheckId(1)).unwrap(), vec![m]);
    // The same fact-check (same url) again: nothing written.
    let mut again = fact_check(2, None, Vec::new());
    again.fact_check.details.url = review.fact_check.details.url.clone();
    assert_eq!(
        s.commit_fact_check(&again).unwrap(),
        Outcome::Existing(FactCheckId(1))
    );
    // One without a url is known by its content.
    let mut plain = fact_check(2, None, Vec::new());
    plain.fact_check.details.url = None;
    created(s.commit_fact_check(&plain));
    assert_eq!(
        s.fact_check_stored(&plain.fact_check.details).unwrap(),
        Some(FactCheckId(2))
    );
    let stats = s.stats().unwrap();
    assert_eq!((stats.fact_checks, stats.fact_check_terms), (2, 4));
    assert_eq!(s.next_ids().unwrap().fact_check, FactCheckId(3));
    assert!(s.verify().unwrap().is_ok(), "{:?}", s.verify().unwrap());
}

pub fn a_review_of_a_missing_claim_is_refused_and_writes_nothing(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    let review = fact_check(1, Some(cid(4, 0)), Vec::new());
    assert!(matches!(
        s.commit_fact_check(&review),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.stats().unwrap().fact_checks, 0);
    assert!(s
        .fact_check_stored(&review.fact_check.details)
        .unwrap()
        .is_none());
    assert_eq!(s.last_seq().unwrap(), 0);
}

pub fn the_change_feed_returns_every_commit_in_order_with_its_terms(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_fact_check(&fact_check(1, None, Vec::new())));
    created(s.commit_article(&second_article()));
    assert_eq!(s.last_seq().unwrap(), 3);
    let all = s.changes_since(0, 100).unwrap();
    let seqs: Vec<u64> = all.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    let Unit::Article { id, terms, vectors } = &all[0].unit else {
        panic!("an article first: {:?}", all[0].unit);
    };
    assert_eq!((*id, terms), (ArticleId(1), &first_article().terms));
    // Each claim's embedding, as written (to int8 precision: 1/127 of its largest value).
    assert_eq!(vectors.len(), 2);
    for ((o, got), (o2, want)) in vectors.iter().zip(&first_article().vectors) {
        assert_eq!(o, o2);
        let max = want.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            got.iter()
                .zip(want)
                .all(|(g, w)| (g - w).abs() <= max / 127.0),
            "{got:?} for {want:?}"
        );
    }
    assert!(matches!(&all[2].unit, Unit::Article { vectors, .. } if vectors.is_empty()));
    assert_eq!(
        all[1].unit,
        Unit::FactCheck {
            id: FactCheckId(1),
            terms: vec![("tax".into(), 1), ("claim".into(), 1)],
            length: 2,
            vector: Some(vec![0.25; 4]),
        }
    );
    // Paged: after 1, at most 1.
    let page: Vec<Change> = s.changes_since(1, 1).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].seq, 2);
    assert!(s.changes_since(3, 10).unwrap().is_empty());
    assert!(s.changes_since(u64::MAX, 10).unwrap().is_empty());
}

/// The second article's claim, stored without an embedding, gets one later
/// with a new link to the first article's second claim, the old link to its
/// first claim replaced, and nothing else.
fn embeddings_for_the_second_article() -> EmbeddingWrite {
    let link = |ordinal, score| Corroboration {
        claim: cid(1, ordinal),
        score,
        stance: Stance::Supports,
        evidence: vec!["meaning: cosine 0.90".into()],
        independent: true,
    };
    EmbeddingWrite {
        article: ArticleId(2),
        vectors: vec![(0, vec![0.0, 0.5, 0.5, 0.0])],
        links: vec![(0, link(1, 0.7)), (0, link(0, 0.9))],
        unlinks: Vec::new(),
    }
}

pub fn embeddings_added_later_come_through_the_feed_once_with_their_links(b: &dyn Backend) {
    let (s, keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_article(&second_article()));
    assert_eq!(
        created(s.commit_embeddings(&embeddings_for_the_second_article())),
        3
    );
    let all = s.changes_since(0, 100).unwrap();
    assert_eq!(all.len(), 3);
    // The article's own commit still has none: each vector goes out once.
    assert!(matches!(&all[1].unit, Unit::Article { vectors, .. } if vectors.is_empty()));
    let Unit::Embedded { id, vectors } = &all[2].unit else {
        panic!("embeddings last: {:?}", all[2].unit);
    };
    assert_eq!((*id, vectors.len(), vectors[0].0), (ArticleId(2), 1, 0));
    assert!((vectors[0].1[1] - 0.5).abs() < 0.01);
    assert!(matches!(&all[0].unit, Unit::Article { vectors, .. } if vectors.len() == 2));
    // One new link (both ways), one replaced: two in all.
    assert_eq!(s.stats().unwrap().corroborations, 2);
    let back = s.corroborations(cid(1, 0)).unwrap();
    assert_eq!((back.len(), back[0].score), (1, 0.9));
    assert_eq!(back[0].evidence, ["meaning: cosine 0.90"]);
    assert_eq!(s.corroborations(cid(1, 1)).unwrap()[0].claim, cid(2, 0));
    // A link the embeddings no longer make goes, both ways.
    let unlink = EmbeddingWrite {
        article: ArticleId(2),
        vectors: Vec::new(),
        links: Vec::new(),
        unlinks: vec![(0, cid(1, 1)), (0, cid(1, 1))],
    };
    assert_eq!(created(s.commit_embeddings(&unlink)), 4);
    assert!(s.corroborations(cid(1, 1)).unwrap().is_empty());
    assert_eq!(s.corroborations(cid(2, 0)).unwrap().len(), 1);
    assert_eq!(s.stats().unwrap().corroborations, 1);
    let report = s.verify().unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.checked["claim embeddings"], 3);
    // The same after a restart.
    let feed = s.changes_since(0, 100).unwrap();
    s.flush().unwrap();
    let s = b.reopen(s, keep.as_ref());
    assert_eq!(s.changes_since(0, 100).unwrap(), feed);
    assert_eq!(s.last_seq().unwrap(), 4);
    assert_eq!(s.next_ids().unwrap().article, ArticleId(3));
}

pub fn claim_embeddings_are_read_in_pages_in_claim_order(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_article(&second_article()));
    created(s.commit_embeddings(&embeddings_for_the_second_article()));
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s.claim_vectors(after, 2).unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.0);
        seen.extend(page);
    }
    let ids: Vec<ClaimId> = seen.iter().map(|(c, ..)| *c).collect();
    assert_eq!(ids, [cid(1, 0), cid(1, 1), cid(2, 0)]);
    // As committed, in int8 codes: [0, 0.5, 0.5, 0].
    let (_, codes, scale) = &seen[2];
    assert_eq!(codes, &[0, 127, 127, 0]);
    assert!((f32::from(codes[1]) * scale - 0.5).abs() < 0.01);
    assert!(s.claim_vectors(Some(cid(2, 0)), 10).unwrap().is_empty());
}

pub fn embeddings_for_missing_or_embedded_claims_are_refused_whole(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_article(&second_article()));
    let before = s.stats().unwrap();
    // A claim the article does not have, beside one it has: nothing is written.
    let mut w = embeddings_for_the_second_article();
    w.vectors.push((5, vec![0.1; 4]));
    assert!(matches!(
        s.commit_embeddings(&w),
        Err(StoreError::NotFound(_))
    ));
    // A claim that has its embedding already.
    let mut w = embeddings_for_the_second_article();
    w.article = ArticleId(1);
    assert!(matches!(
        s.commit_embeddings(&w),
        Err(StoreError::Conflict(_))
    ));
    // An article that is not stored.
    w.article = ArticleId(9);
    assert!(matches!(
        s.commit_embeddings(&w),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.stats().unwrap(), before);
    assert_eq!(s.last_seq().unwrap(), 2);
    assert!(s.corroborations(cid(1, 1)).unwrap().is_empty());
    assert!(s.verify().unwrap().is_ok());
    // Nothing to add is nothing written.
    let nothing = EmbeddingWrite {
        article: ArticleId(2),
        vectors: Vec::new(),
        links: Vec::new(),
        unlinks: Vec::new(),
    };
    assert!(matches!(
        s.commit_embeddings(&nothing),
        Ok(Outcome::Existing(ArticleId(2)))
    ));
    assert_eq!(s.last_seq().unwrap(), 2);
}

pub fn a_restart_keeps_everything_and_ids_continue(b: &dyn Backend) {
    let (s, keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_fact_check(&fact_check(1, None, Vec::new())));
    let (stats, feed) = (s.stats().unwrap(), s.changes_since(0, 100).unwrap());
    s.flush().unwrap();
    let s = b.reopen(s, keep.as_ref());
    assert_eq!(s.stats().unwrap(), stats);
    assert_eq!(s.changes_since(0, 100).unwrap(), feed);
    assert_eq!(
        s.claims_of_article(ArticleId(1)).unwrap(),
        first_article().claims
    );
    assert_eq!(s.speakers_with_surname("berg").unwrap(), [SpeakerId(1)]);
    created(s.commit_article(&second_article()));
    assert_eq!(s.last_seq().unwrap(), 3);
    assert!(s.verify().unwrap().is_ok());
}

pub fn an_export_imports_into_an_empty_store_as_the_same_store(b: &dyn Backend) {
    let (s, _keep) = b.fresh();
    created(s.commit_article(&first_article()));
    created(s.commit_article(&second_article()));
    created(s.commit_fact_check(&fact_check(1, Some(cid(1, 0)), Vec::new())));
    let mut dump = Vec::new();
    let n = s.export(&mut dump).unwrap();
    assert!(n > 10);
    let (t, _keep2) = b.fresh();
    assert_eq!(t.import(&mut dump.as_slice()).unwrap(), n);
    assert!(t.verify().unwrap().is_ok());
    let mut again = Vec::new();
    t.export(&mut again).unwrap();
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(dump.clone()).unwrap()
    );
    assert_eq!(
        t.changes_since(0, 10).unwrap(),
        s.changes_since(0, 10).unwrap()
    );
    // A store with data refuses an import.
    assert!(matches!(
        s.import(&mut dump.as_slice()),
        Err(StoreError::NotEmpty)
    ));
}
