//! The extraction pipeline: text -> tokens -> paragraphs and sentences ->
//! quotes -> attributions -> speakers -> claims. Pure functions; every span is
//! a code-point range of the input text (see `domain::Span`).

pub mod assertions;
pub mod attribution;
pub mod headline;
pub mod lexicon;
pub mod mentions;
pub mod quotes;
pub mod segment;
pub mod speakers;
pub mod text;
pub mod tokens;
pub mod train;

use crate::domain::{ClaimKind, Span, SpeakerKind};
use serde::Serialize;
use std::ops::Range;
use text::Text;
use tokens::{TokKind, Token};

/// A text with its analysis, shared by the stages.
pub struct Doc {
    pub text: Text,
    pub tokens: Vec<Token>,
    pub paras: Vec<segment::Para>,
    pub sents: Vec<segment::Sentence>,
    pub quotes: Vec<quotes::Quote>,
    /// For each token: inside a quotation (marks included).
    pub in_quote: Vec<bool>,
}

impl Doc {
    pub fn new(s: &str) -> Doc {
        let text = Text::new(s);
        let tokens = tokens::tokenize(&text);
        let paras = segment::paragraphs(&text.chars, &tokens);
        let sents = segment::sentences(&tokens, &paras);
        let quotes = quotes::find(&tokens, &paras, &text.chars);
        let mut in_quote = vec![false; tokens.len()];
        for q in &quotes {
            in_quote[q.open..=q.close].fill(true);
        }
        Doc {
            text,
            tokens,
            paras,
            sents,
            quotes,
            in_quote,
        }
    }

    fn span(&self, r: &std::ops::Range<usize>) -> Span {
        Span::new(self.tokens[r.start].start, self.tokens[r.end - 1].end)
    }
}

/// A speaker as the article knows it, before it is matched to the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalSpeaker {
    pub name: String,
    pub kind: SpeakerKind,
    pub aliases: Vec<String>,
    pub titles: Vec<String>,
    pub affiliation: Option<String>,
    /// Known only by a description ("the cardinal"): never matched to
    /// another article's speaker by name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub described: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedClaim {
    pub kind: ClaimKind,
    pub text: String,
    pub content: Vec<Span>,
    pub cue: Option<Span>,
    pub speaker_mention: Option<Span>,
    /// Indexes into `Extraction::speakers`.
    pub speakers: Vec<usize>,
    pub rule: &'static str,
    pub resolution: Option<&'static str>,
    pub confidence: f32,
    pub check_worthiness: Option<f32>,
    /// Who and what the claim involves, with the words that named them:
    /// its speakers, their affiliations, and people named in its text
    /// ("Erdogan" -> "Turkey"). Corroboration matches on these.
    pub entities: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub claims: Vec<ExtractedClaim>,
    pub speakers: Vec<LocalSpeaker>,
}

/// How attributions are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Attribution {
    /// The rules only (no model pass: several times faster).
    Rules,
    /// The rules, and the learned tagger where the rules found nothing.
    #[default]
    Learned,
}

/// Find the claims in `text` and who made them (rules and the learned tagger).
pub fn extract(text: &str) -> Extraction {
    extract_with(text, Attribution::default())
}

/// Find the claims in `text` and who made them, attributions found as `mode` says.
pub fn extract_with(text: &str, mode: Attribution) -> Extraction {
    let doc = Doc::new(text);
    if doc.tokens.is_empty() {
        return Extraction::default();
    }
    let raw = attribution::find(&doc, mode);
    let (entities, resolutions) = speakers::resolve(&doc, &raw);

    // Keep only the entities some claim speaks through, in first-use order.
    let mut remap = vec![usize::MAX; entities.len()];
    let mut out_speakers = Vec::new();
    let mut claims = Vec::with_capacity(raw.len());
    for (c, r) in raw.iter().zip(&resolutions) {
        let mut ids = Vec::new();
        for &e in &r.speakers {
            if remap[e] == usize::MAX {
                remap[e] = out_speakers.len();
                let ent = &entities[e];
                out_speakers.push(LocalSpeaker {
                    name: ent.name.clone(),
                    kind: ent.kind,
                    aliases: ent.aliases.clone(),
                    titles: ent.titles.clone(),
                    affiliation: ent.affiliation.clone().filter(|a| a != &ent.name),
                    described: ent.described,
                });
            }
            if !ids.contains(&remap[e]) {
                ids.push(remap[e]);
            }
        }
        let content: Vec<Span> = c.content.iter().map(|r| doc.span(r)).collect();
        claims.push(ExtractedClaim {
            kind: c.kind,
            text: claim_text(&doc, &content),
            cue: c.cue.as_ref().map(|r| doc.span(r)),
            speaker_mention: c.mention.as_ref().map(|r| doc.span(r)),
            content,
            speakers: ids,
            rule: c.rule,
            resolution: r.rule,
            confidence: if r.speakers.is_empty() {
                c.confidence * 0.5
            } else {
                c.confidence * r.confidence
            },
            check_worthiness: None,
            entities: Vec::new(),
        });
    }
    claims.extend(assertions::find(&doc, &raw));
    claims.sort_by_key(|c| c.content[0].start);
    for c in claims.iter_mut() {
        c.entities = entities_of(c, &out_speakers, &entities);
    }
    Extraction {
        claims,
        speakers: out_speakers,
    }
}

/// The entities a claim involves: its speakers (and what they belong to), and
/// the people, countries and bodies of the article named in its text.
fn entities_of(
    c: &ExtractedClaim,
    speakers: &[LocalSpeaker],
    all: &[speakers::Entity],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |e: &str, from: &str| {
        if !out.iter().any(|(x, _)| x == e) {
            out.push((e.to_string(), from.to_string()));
        }
    };
    // A speaker known only by a description ("the monitoring group") is
    // nobody another article can name.
    for &i in c.speakers.iter().filter(|&&i| !speakers[i].described) {
        let s = &speakers[i];
        add(&s.name, &s.name);
        if let Some(a) = &s.affiliation {
            add(a, &s.name);
        }
    }
    let text = c.text.to_lowercase();
    for e in all
        .iter()
        .filter(|e| e.kind == crate::domain::SpeakerKind::Person)
    {
        let surname = e
            .name
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_lowercase();
        if surname.len() > 2
            && text
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|w| w == surname)
        {
            add(&e.name, &surname);
            if let Some(a) = &e.affiliation {
                add(a, &surname);
            }
        }
    }
    out
}

/// The claim's words: its content parts without the outer quotation marks.
fn claim_text(doc: &Doc, parts: &[Span]) -> String {
    let pieces: Vec<String> = parts
        .iter()
        .map(|s| {
            let mut t = doc.text.slice(s.start as usize, s.end as usize);
            // A quote running over paragraphs reopens with a mark at each one.
            for q in ['"', '\u{201c}'] {
                t = t.replace(&format!("\n{q}"), "\n");
            }
            t.trim_matches(|c: char| tokens::is_quote_char(c) || c.is_whitespace())
                .trim_end_matches(',')
                .trim()
                .to_string()
        })
        .collect();
    let mut out = pieces.join(" ... ");
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    out
}

/// A claim before its speaker is resolved, as an attribution rule found it;
/// ranges are token ranges. Every rule (`attribution/`, `headline`,
/// `assertions`) produces these; `speakers` resolves their mentions.
#[derive(Debug, Clone)]
pub struct RawClaim {
    pub kind: ClaimKind,
    pub content: Vec<Range<usize>>,
    pub cue: Option<Range<usize>>,
    pub mention: Option<Range<usize>>,
    pub rule: &'static str,
    pub confidence: f32,
    /// Speaker taken from an earlier claim (continuation paragraphs, coordinated verbs).
    pub inherit_from: Option<usize>,
}

impl RawClaim {
    /// Reported speech: mixed when its content holds a quotation.
    pub fn reported(
        tokens: &[Token],
        content: Range<usize>,
        cue: Range<usize>,
        mention: Option<Range<usize>>,
        rule: &'static str,
        confidence: f32,
    ) -> RawClaim {
        let quoted = tokens[content.clone()]
            .iter()
            .any(|t| t.kind == TokKind::Quote);
        RawClaim {
            kind: if quoted {
                ClaimKind::MixedQuote
            } else {
                ClaimKind::IndirectQuote
            },
            content: vec![content],
            cue: Some(cue),
            mention,
            rule,
            confidence,
            inherit_from: None,
        }
    }

    pub fn first_token(&self) -> usize {
        self.content.iter().map(|r| r.start).min().unwrap_or(0)
    }
}
