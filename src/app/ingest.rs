//! The article write path: validate -> extract -> prepare links (any core,
//! no lock) -> under the write lock: ids, links finished, speakers resolved,
//! claims built -> one atomic commit -> indexes follow -> subscribers told.
//! Idempotent on the article's identity (its body at its place).

use super::{claims, now, speakers::Resolver, App};
use crate::domain::{
    normalise_whitespace, Article, ClaimId, Corroboration, FactCheckMatch, NewArticle, SpeakerId,
};
use crate::extract;
use crate::search::linking;
use crate::store::{ArticleWrite, Outcome, StoreError, Unit};
use sha2::{Digest, Sha256};

/// Largest body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 1_000_000;
const MAX_FIELD_CHARS: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the article body is empty")]
    EmptyBody,
    #[error("the article body has {len} characters; the limit is {max}")]
    TooLarge { len: usize, max: usize },
    #[error("invalid {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What makes two submissions the same article: the same body (whitespace
/// aside) from the same place (its URL, else the file it was read from).
/// Without either the body alone decides; with one, the same text at two
/// places is two articles (copies, linked as not independent), and
/// resubmitting either is a no-op.
pub fn identity_hash(new: &NewArticle) -> [u8; 16] {
    let place = new.url.as_deref().or(new.origin.as_deref());
    match place.map(str::trim).filter(|u| !u.is_empty()) {
        None => content_hash(&new.body),
        Some(url) => {
            let mut h = Sha256::new();
            h.update(b"url\n");
            h.update(url.as_bytes());
            h.update(b"\n");
            h.update(normalise_whitespace(&new.body).as_bytes());
            let mut out = [0u8; 16];
            out.copy_from_slice(&h.finalize()[..16]);
            out
        }
    }
}

/// SHA-256 of the whitespace-normalised body, first 16 bytes.
pub fn content_hash(body: &str) -> [u8; 16] {
    let digest = Sha256::digest(normalise_whitespace(body).as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

fn clean(field: &'static str, v: Option<String>) -> Result<Option<String>, IngestError> {
    let v = v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    match v
        .as_deref()
        .and_then(|s| crate::domain::field_problem(s, MAX_FIELD_CHARS))
    {
        Some(reason) => Err(IngestError::InvalidField { field, reason }),
        None => Ok(v),
    }
}

/// Check and tidy an article before it is stored.
pub fn validate(new: NewArticle) -> Result<NewArticle, IngestError> {
    let body = new
        .body
        .trim_matches(|c: char| c.is_whitespace())
        .to_string();
    if body.is_empty() {
        return Err(IngestError::EmptyBody);
    }
    let len = body.chars().count();
    if len > MAX_BODY_CHARS {
        return Err(IngestError::TooLarge {
            len,
            max: MAX_BODY_CHARS,
        });
    }
    let url = clean("url", new.url)?;
    if let Some(u) = &url {
        let ok = (u.starts_with("http://") || u.starts_with("https://"))
            && !u.contains(char::is_whitespace)
            && u.len() > 8;
        if !ok {
            return Err(IngestError::InvalidField {
                field: "url",
                reason: "must be an absolute http(s) URL".into(),
            });
        }
    }
    let published_at = clean("publishedAt", new.published_at)?;
    if let Some(d) = &published_at {
        if !crate::domain::is_iso_date(d) {
            return Err(IngestError::InvalidField {
                field: "publishedAt",
                reason: "must be a real ISO 8601 date or date-time, e.g. 2018-09-07 or 2018-09-07T12:00:00Z".into(),
            });
        }
    }
    Ok(NewArticle {
        origin: new.origin,
        title: clean("title", new.title)?,
        publisher: clean("publisher", new.publisher)?,
        url,
        published_at,
        body,
    })
}

/// What one ingest did.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub article: Article,
    /// False when the same article was already stored: nothing was written.
    pub created: bool,
    /// The new claims and their speakers.
    pub claims: Vec<(ClaimId, Vec<SpeakerId>)>,
    /// Links written, from the new claim to the stored one.
    pub corroborations: Vec<(ClaimId, Corroboration)>,
    /// The new claims' matches with stored fact-checks.
    pub fact_check_matches: Vec<FactCheckMatch>,
}

impl Ingested {
    pub fn existing(article: Article) -> Self {
        Ingested {
            article,
            created: false,
            claims: Vec::new(),
            corroborations: Vec::new(),
            fact_check_matches: Vec::new(),
        }
    }
}

/// An article checked, extracted and prepared for linking: the work that
/// needs no lock and can run on any core.
pub enum Prepared {
    /// The same article is stored already.
    Existing(Article),
    Ready(Box<Ready>),
}

pub struct Ready {
    new: NewArticle,
    hash: [u8; 16],
    extraction: extract::Extraction,
    links: linking::Prepared,
}

impl App {
    /// Validate, extract and prepare one article, without writing.
    pub fn prepare(&self, new: NewArticle) -> Result<Prepared, IngestError> {
        let mut one = self.prepare_batch(vec![new]);
        one.pop().expect("one answer per article")
    }

    /// `prepare` for several articles, their claims embedded in one encoder
    /// batch (a batch of a few hundred texts runs the encoder about a third
    /// faster than one article's dozen). One answer per article, in order.
    pub fn prepare_batch(&self, items: Vec<NewArticle>) -> Vec<Result<Prepared, IngestError>> {
        let store = self.store.as_ref();
        /// An article stored already, or extracted and waiting for its embeddings.
        enum Step {
            Stored(Article),
            Extracted(NewArticle, [u8; 16], extract::Extraction),
        }
        let extracted: Vec<Result<Step, IngestError>> = items
            .into_iter()
            .map(|item| {
                let new = validate(item)?;
                let hash = identity_hash(&new);
                if let Some(id) = store.article_by_hash(&hash)? {
                    if let Some(article) = store.article(id)? {
                        return Ok(Step::Stored(article));
                    }
                }
                let mut ex = extract::extract_with(&new.body, self.attribution);
                if let Some(p) = &new.publisher {
                    attribute_assertions_to(&mut ex, p);
                }
                Ok(Step::Extracted(new, hash, ex))
            })
            .collect();
        let mut vectors = if self.embed {
            let texts: Vec<&str> = extracted
                .iter()
                .filter_map(|r| match r {
                    Ok(Step::Extracted(_, _, ex)) => {
                        Some(ex.claims.iter().map(|c| c.text.as_str()))
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            linking::embed_texts(&self.search, &texts)
        } else {
            Vec::new()
        }
        .into_iter();
        // The extracted articles' links prepared together (one judge batch).
        let to_link: Vec<linking::ToPrepare> = extracted
            .iter()
            .filter_map(|r| match r {
                Ok(Step::Extracted(new, _, ex)) => Some((new, ex)),
                _ => None,
            })
            .map(|(new, ex)| {
                let vectors: Vec<Vec<f32>> = if self.embed {
                    vectors.by_ref().take(ex.claims.len()).collect()
                } else {
                    Vec::new()
                };
                (new, ex, vectors)
            })
            .collect();
        let mut links = linking::prepare(store, &self.search, to_link).into_iter();
        extracted
            .into_iter()
            .map(|r| match r? {
                Step::Stored(article) => Ok(Prepared::Existing(article)),
                Step::Extracted(new, hash, ex) => {
                    let links = links
                        .next()
                        .expect("links prepared per extracted article")?;
                    Ok(Prepared::Ready(Box::new(Ready {
                        new,
                        hash,
                        extraction: ex,
                        links,
                    })))
                }
            })
            .collect()
    }

    /// Store a prepared article: its claims, speakers, index terms and links,
    /// in one atomic commit. Idempotent on the article's identity.
    pub fn commit(&self, prepared: Prepared) -> Result<Ingested, IngestError> {
        let r = match prepared {
            Prepared::Existing(article) => return Ok(Ingested::existing(article)),
            Prepared::Ready(r) => r,
        };
        let store = self.store.as_ref();
        let _w = self.write_lock();
        if let Some(id) = store.article_by_hash(&r.hash)? {
            if let Some(article) = store.article(id)? {
                return Ok(Ingested::existing(article));
            }
        }
        // The only writer: the next ids are ours, and links see a settled store.
        let next = store.next_ids()?;
        let id = next.article;
        let links = linking::finish(store, &self.search, id, r.links)?;
        let mut resolver = Resolver::new(store, next.speaker);
        let speaker_ids = r
            .extraction
            .speakers
            .iter()
            .map(|l| resolver.resolve(l))
            .collect::<Result<Vec<_>, _>>()?;
        let Ready {
            new,
            hash,
            extraction,
            ..
        } = *r;
        let claims = claims::build(id, &new.body, &extraction, &speaker_ids);
        let article = Article {
            id,
            title: new.title,
            url: new.url,
            publisher: new.publisher,
            published_at: new.published_at,
            body: new.body,
            content_hash: hash,
            ingested_at: now(),
            claim_count: claims.len() as u32,
        };
        let write = ArticleWrite {
            article,
            claims,
            speakers: resolver.writes,
            terms: links.terms,
            links: links.edges,
            fact_check_matches: links.fact_checks,
            vectors: links.vectors,
        };
        let features = links.features;
        let done = match store.commit_article(&write)? {
            Outcome::Existing(id) => Ingested::existing(
                store
                    .article(id)?
                    .ok_or_else(|| StoreError::NotFound(format!("article {id}")))?,
            ),
            Outcome::Created { seq } => {
                let ArticleWrite {
                    article,
                    claims,
                    terms,
                    links,
                    fact_check_matches,
                    vectors,
                    ..
                } = write;
                let (texts, claims): (Vec<_>, Vec<_>) = claims
                    .into_iter()
                    .map(|c| ((c.id, c.text), (c.id, c.speakers)))
                    .unzip();
                self.committed(seq, Unit::Article { id, terms, vectors }, texts)?;
                self.search.remember_features(id, features);
                Ingested {
                    claims,
                    corroborations: links
                        .into_iter()
                        .map(|(ordinal, e)| {
                            (
                                ClaimId {
                                    article: id,
                                    ordinal,
                                },
                                e,
                            )
                        })
                        .collect(),
                    fact_check_matches,
                    article,
                    created: true,
                }
            }
        };
        self.events.article_ingested(&done);
        Ok(done)
    }

    /// Validate, extract and store one article. Ingesting the same article
    /// again returns the stored one and writes nothing.
    pub fn ingest(&self, new: NewArticle) -> Result<Ingested, IngestError> {
        self.commit(self.prepare(new)?)
    }
}

/// The article's own assertions are the publisher's.
fn attribute_assertions_to(ex: &mut extract::Extraction, publisher: &str) {
    let idx = ex
        .speakers
        .iter()
        .position(|s| s.name == publisher)
        .unwrap_or_else(|| {
            ex.speakers.push(extract::LocalSpeaker {
                name: publisher.to_string(),
                kind: crate::domain::SpeakerKind::Organization,
                aliases: Vec::new(),
                titles: Vec::new(),
                affiliation: None,
                described: false,
            });
            ex.speakers.len() - 1
        });
    for c in ex
        .claims
        .iter_mut()
        .filter(|c| c.kind == crate::domain::ClaimKind::Assertion)
    {
        c.speakers = vec![idx];
        c.resolution = Some("publisher");
    }
}

/// A plain-text article: the first line is its title when it reads as one
/// (short, and either unpunctuated or in title case), the rest its body.
pub fn parse_plain_text(text: &str) -> NewArticle {
    let text = text.trim_start_matches('\u{feff}').trim();
    let (first, rest) = match text.split_once('\n') {
        Some((f, r)) => (f.trim(), r.trim()),
        None => (text, ""),
    };
    let words: Vec<&str> = first.split_whitespace().collect();
    let unpunctuated = !first.ends_with(['.', '!', '?', ':', ';', ',', '"', '\u{201d}']);
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    let title_case = words.len() >= 2 && capitalised * 10 >= words.len() * 6;
    let is_title = !rest.is_empty()
        && !words.is_empty()
        && words.len() <= 25
        && first.chars().count() <= 250
        && (unpunctuated || title_case);
    if is_title {
        NewArticle {
            title: Some(first.to_string()),
            body: rest.to_string(),
            ..Default::default()
        }
    } else {
        NewArticle {
            title: None,
            body: text.to_string(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every link in `app`'s store: (claim, other, stance, evidence).
    fn links(app: &App) -> Vec<(u64, u64, String, Vec<String>)> {
        let claims = app
            .store()
            .list_claims(None, 10_000, &Default::default())
            .unwrap();
        let mut out = Vec::new();
        for c in claims {
            for l in app.store().corroborations(c.id).unwrap() {
                let key = |id: crate::domain::ClaimId| (id.article.0 << 20) | id.ordinal as u64;
                out.push((
                    key(c.id),
                    key(l.claim),
                    format!("{:?}", l.stance),
                    l.evidence,
                ));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn articles_prepared_together_link_as_each_prepared_alone() {
        // One report stored; two more of the same summit prepared against
        // it, in one batch (the judge reads both articles' pairs in one
        // pass) and each alone, then committed in the same order.
        let seeds: Vec<NewArticle> = crate::seed::SEEDS
            .iter()
            .map(|(_, t)| parse_plain_text(t))
            .collect();
        let mut reordered = seeds[1].clone();
        let paragraphs: Vec<&str> = reordered.body.split("\n\n").collect();
        reordered.body = paragraphs
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n\n");
        let fresh = || {
            let app = App::open(crate::store::temporary().unwrap()).unwrap();
            app.ingest(seeds[0].clone()).unwrap();
            app
        };
        let together = fresh();
        for p in together.prepare_batch(vec![seeds[1].clone(), reordered.clone()]) {
            together.commit(p.unwrap()).unwrap();
        }
        let alone = fresh();
        let prepared = [
            alone.prepare(seeds[1].clone()).unwrap(),
            alone.prepare(reordered).unwrap(),
        ];
        for p in prepared {
            alone.commit(p).unwrap();
        }
        let got = links(&together);
        assert_eq!(got, links(&alone));
        // Both new articles' claims reached the stored one's through the
        // judge's reading.
        for article in [2u64, 3] {
            assert!(
                got.iter().any(|(c, o, _, e)| c >> 20 == article
                    && o >> 20 == 1
                    && e[0].contains("paraphrase")),
                "article {article}: {got:?}"
            );
        }
    }

    #[test]
    fn a_short_unpunctuated_first_line_is_the_title() {
        let a = parse_plain_text(
            "Turkey at UN appeals for backing\n\nTurkey on Tuesday appealed for backing.",
        );
        assert_eq!(a.title.as_deref(), Some("Turkey at UN appeals for backing"));
        assert_eq!(a.body, "Turkey on Tuesday appealed for backing.");
    }

    #[test]
    fn a_first_sentence_is_not_a_title() {
        let a = parse_plain_text("The presidents of three countries have failed to agree on a ceasefire that would forestall an offensive.\n\nMore.");
        assert_eq!(a.title, None);
    }

    #[test]
    fn bodies_that_differ_only_in_whitespace_hash_alike() {
        assert_eq!(content_hash("a  b\n\nc"), content_hash(" a b c "));
        // The place is part of the identity; layout is not.
        let at = |url: Option<&str>, origin: Option<&str>, body: &str| {
            identity_hash(&NewArticle {
                url: url.map(str::to_string),
                origin: origin.map(str::to_string),
                body: body.into(),
                ..Default::default()
            })
        };
        assert_eq!(at(None, None, "a b"), content_hash("a b"));
        assert_ne!(
            at(None, Some("file:///x/1.txt"), "a b"),
            at(None, Some("file:///x/2.txt"), "a b")
        );
        assert_eq!(
            at(Some("https://e.org/1"), None, "a  b"),
            at(Some("https://e.org/1"), None, "a b")
        );
        assert_ne!(
            at(Some("https://e.org/1"), None, "a b"),
            at(Some("https://e.org/2"), None, "a b")
        );
        assert_ne!(content_hash("a b"), content_hash("a c"));
    }

    #[test]
    fn validation_refuses_empty_bodies_bad_urls_and_dates() {
        assert!(matches!(
            validate(NewArticle {
                body: "  \n".into(),
                ..Default::default()
            }),
            Err(IngestError::EmptyBody)
        ));
        let bad_url = NewArticle {
            body: "x".into(),
            url: Some("ftp://x".into()),
            ..Default::default()
        };
        assert!(matches!(
            validate(bad_url),
            Err(IngestError::InvalidField { field: "url", .. })
        ));
        let bad_date = NewArticle {
            body: "x".into(),
            published_at: Some("yesterday".into()),
            ..Default::default()
        };
        assert!(matches!(
            validate(bad_date),
            Err(IngestError::InvalidField {
                field: "publishedAt",
                ..
            })
        ));
        let ok = NewArticle {
            body: "x".into(),
            published_at: Some("2018-09-07".into()),
            ..Default::default()
        };
        assert!(validate(ok).is_ok());
    }
}
