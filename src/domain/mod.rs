//! Plain data: what claimgraph knows about articles, claims and speakers.
//! No I/O here; the store, the extractor and the API all speak these types.

mod fact_check;
mod ids;

pub use fact_check::{FactCheck, FactCheckMatch, NewFactCheck, Rating};
pub use ids::{ArticleId, ClaimId, FactCheckId, IdError, SpeakerId};
use serde::{Deserialize, Serialize};

/// A half-open range `[start, end)` of Unicode code points (not bytes, not
/// UTF-16 units) into an article's body. Code points are what Python's `str`
/// and most annotation tools index, and they never split a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimKind {
    /// Words inside quotation marks, attributed to a speaker.
    DirectQuote,
    /// Reported speech: "X said that ...", "according to X, ...".
    IndirectQuote,
    /// Reported speech that carries a quoted fragment: X called for "an immediate ceasefire".
    MixedQuote,
    /// The article's own check-worthy statement.
    Assertion,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::DirectQuote => "DIRECT_QUOTE",
            ClaimKind::IndirectQuote => "INDIRECT_QUOTE",
            ClaimKind::MixedQuote => "MIXED_QUOTE",
            ClaimKind::Assertion => "ASSERTION",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpeakerKind {
    Person,
    Organization,
    Country,
    /// A set of people or bodies spoken of together ("officials", "the rebels").
    Group,
}

impl SpeakerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerKind::Person => "PERSON",
            SpeakerKind::Organization => "ORGANIZATION",
            SpeakerKind::Country => "COUNTRY",
            SpeakerKind::Group => "GROUP",
        }
    }
}

/// A news article as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    pub title: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    /// ISO 8601 date or date-time, as given.
    pub published_at: Option<String>,
    pub body: String,
    /// SHA-256 of the source URL (when given) and the whitespace-normalised
    /// body, truncated: the idempotency key (see `ingest::identity_hash`).
    pub content_hash: [u8; 16],
    /// Seconds since the Unix epoch.
    pub ingested_at: u64,
    pub claim_count: u32,
}

/// Why an attribution was made, and how sure the rule is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// Name of the extraction rule that found the claim and its speaker mention.
    pub rule: String,
    /// Name of the rule that resolved the mention to a speaker, if it was resolved.
    pub resolution: Option<String>,
    /// In [0, 1].
    pub confidence: f32,
}

/// A claim made in an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub id: ClaimId,
    pub text: String,
    pub kind: ClaimKind,
    /// The content, possibly in several parts when the attribution splits a quote.
    pub content: Vec<Span>,
    pub cue: Option<Span>,
    pub cue_text: Option<String>,
    pub speaker_mention: Option<Span>,
    pub speaker_mention_text: Option<String>,
    pub speakers: Vec<SpeakerId>,
    pub attribution: Attribution,
    /// For assertions: how worth checking, in [0, 1].
    pub check_worthiness: Option<f32>,
    /// Who and what the claim involves (entity, the words that named it).
    #[serde(default)]
    pub entities: Vec<(String, String)>,
}

impl Claim {
    /// The smallest span covering every content part.
    pub fn content_extent(&self) -> Span {
        let start = self.content.iter().map(|s| s.start).min().unwrap_or(0);
        let end = self.content.iter().map(|s| s.end).max().unwrap_or(0);
        Span { start, end }
    }
}

/// Whether a corroborating claim says the same thing or the opposite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stance {
    Supports,
    Contradicts,
}

/// A link from a claim to a claim in another article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Corroboration {
    /// The other claim.
    pub claim: ClaimId,
    pub score: f32,
    pub stance: Stance,
    /// What matched and what differed.
    pub evidence: Vec<String>,
    /// False for the same publisher or a copy of the same text.
    pub independent: bool,
}

/// Someone (or something) that makes claims, recognised across articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub id: SpeakerId,
    pub name: String,
    pub kind: SpeakerKind,
    pub aliases: Vec<String>,
    pub titles: Vec<String>,
    pub affiliation: Option<String>,
}

/// What a caller supplies to ingest an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewArticle {
    /// Where the text was read from when it has no URL (a file's path):
    /// part of its identity, so an identical text in another file is a
    /// copy, not the same article. Not part of the API input.
    #[serde(skip)]
    pub origin: Option<String>,
    pub title: Option<String>,
    pub body: String,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub published_at: Option<String>,
}

/// Collapse every run of whitespace to one space and trim: two bodies that
/// differ only in layout are the same article.
pub fn normalise_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower-case, letters and digits only, single spaces: the key speakers are looked up by.
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' || c == '.' {
            // "O'Brien" and "U.S." keep their letters together.
        } else {
            space = true;
        }
    }
    out
}

/// What is wrong with a short text field, if anything: too long, or
/// control characters (a title or a name is one line of text).
pub fn field_problem(s: &str, max: usize) -> Option<String> {
    if s.chars().count() > max {
        Some(format!("longer than {max} characters"))
    } else if s.chars().any(|c| c.is_control()) {
        Some("contains control characters".into())
    } else {
        None
    }
}

/// Whether `s` is a real calendar date or date-time in ISO 8601: a date
/// (`2018-09-07`), a date-time with a zone (RFC 3339: `2018-09-07T12:00:00Z`,
/// `...+02:00`, fractions of a second allowed), or one without (`T` or a
/// space between, seconds optional). Days that do not exist (`2023-02-31`)
/// are not dates.
pub fn is_iso_date(s: &str) -> bool {
    use time::format_description::{self, well_known::Rfc3339, BorrowedFormatItem};
    type Format = Vec<BorrowedFormatItem<'static>>;
    static FORMATS: std::sync::OnceLock<(Format, Vec<Format>)> = std::sync::OnceLock::new();
    let (date, times) = FORMATS.get_or_init(|| {
        let parse =
            |f: &'static str| format_description::parse_borrowed::<2>(f).expect("a valid format");
        (
            parse("[year]-[month]-[day]"),
            [
                "[year]-[month]-[day]T[hour]:[minute]:[second]",
                "[year]-[month]-[day]T[hour]:[minute]",
                "[year]-[month]-[day] [hour]:[minute]:[second]",
                "[year]-[month]-[day] [hour]:[minute]",
            ]
            .map(parse)
            .into(),
        )
    });
    time::OffsetDateTime::parse(s, &Rfc3339).is_ok()
        || time::Date::parse(s, date).is_ok()
        || times
            .iter()
            .any(|f| time::PrimitiveDateTime::parse(s, f).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_must_exist_on_the_calendar() {
        for ok in [
            "2018-09-07",
            "2024-02-29",
            "2018-09-07T12:00:00Z",
            "2018-09-07T12:00:00.250+02:00",
            "2018-09-07T12:00:00",
            "2018-09-07 12:00",
        ] {
            assert!(is_iso_date(ok), "{ok}");
        }
        for bad in [
            "2023-02-31",
            "2023-02-29",
            "2018-13-01",
            "2018-09-07T25:00:00Z",
            "2018-9-7",
            "yesterday",
            "2018-09-07T",
            "",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn whitespace_normalisation_ignores_layout() {
        assert_eq!(normalise_whitespace("  a\n\nb\t c "), "a b c");
    }

    #[test]
    fn names_normalise_to_lowercase_words() {
        assert_eq!(normalise_name("Bashar al-Assad"), "bashar al assad");
        assert_eq!(normalise_name("U.S."), "us");
        assert_eq!(normalise_name("O'Brien"), "obrien");
    }
}
