//! Word lists the rules consult. All general English and world knowledge:
//! reporting verbs, titles, countries with their demonyms and capitals.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Reporting verbs: lemma, then irregular forms (empty for regular verbs).
const REPORTING: &[(&str, &[&str])] = &[
    ("say", &["says", "said", "saying"]),
    ("tell", &["tells", "told", "telling"]),
    ("write", &["writes", "wrote", "written", "writing"]),
    ("think", &["thinks", "thought", "thinking"]),
    ("add", &[]),
    ("warn", &[]),
    ("insist", &[]),
    ("urge", &[]),
    ("reject", &[]),
    ("propose", &[]),
    ("argue", &[]),
    ("claim", &[]),
    ("note", &[]),
    ("explain", &[]),
    ("announce", &[]),
    ("acknowledge", &[]),
    ("admit", &["admits", "admitted", "admitting"]),
    ("suggest", &[]),
    ("predict", &[]),
    ("report", &[]),
    ("tweet", &[]),
    ("assert", &[]),
    ("maintain", &[]),
    ("contend", &[]),
    ("deny", &["denies", "denied", "denying"]),
    ("confirm", &[]),
    ("reveal", &[]),
    ("disclose", &[]),
    ("agree", &[]),
    ("fear", &[]),
    ("hope", &[]),
    ("demand", &[]),
    ("promise", &[]),
    ("vow", &[]),
    ("pledge", &[]),
    ("accuse", &[]),
    ("criticize", &[]),
    ("criticise", &[]),
    ("declare", &[]),
    ("repeat", &[]),
    ("respond", &[]),
    ("reply", &["replies", "replied", "replying"]),
    ("stress", &[]),
    ("emphasize", &[]),
    ("emphasise", &[]),
    ("recall", &[]),
    ("concede", &[]),
    ("complain", &[]),
    ("allege", &[]),
    ("estimate", &[]),
    ("believe", &[]),
    ("caution", &[]),
    ("indicate", &[]),
    ("observe", &[]),
    ("remark", &[]),
    ("comment", &[]),
    ("testify", &["testifies", "testified", "testifying"]),
    ("boast", &[]),
    ("counter", &[]),
    ("conclude", &[]),
    ("forecast", &["forecasts", "forecasting"]),
    ("expect", &[]),
    ("charge", &[]),
    ("point", &[]),
    ("insinuate", &[]),
    ("question", &[]),
    ("speculate", &[]),
    ("mention", &[]),
    ("describe", &[]),
    ("recommend", &[]),
    ("find", &["finds", "found", "finding"]),
    ("show", &["shows", "showed", "shown", "showing"]),
    ("learn", &[]),
    ("appeal", &["appeals", "appealed", "appealing"]),
    ("call", &[]),
    ("blame", &[]),
    ("praise", &[]),
    ("condemn", &[]),
    ("welcome", &[]),
    ("threaten", &[]),
    (
        "signal",
        &[
            "signals",
            "signaled",
            "signalled",
            "signaling",
            "signalling",
        ],
    ),
    ("vote", &[]),
    ("ask", &[]),
    ("reiterate", &[]),
    ("advise", &[]),
    ("brief", &[]),
];

/// Cues that only count with the particle that follows them.
const PARTICLE_CUES: &[(&str, &[&str])] = &[
    ("call", &["for", "on"]),
    ("appeal", &["for", "to"]),
    ("point", &["out"]),
    ("push", &["back"]),
    ("warn", &["of", "against"]),
    ("speak", &["of", "out"]),
];

/// Verbs that count as cues only in these particle forms.
const PARTICLE_ONLY: &[&str] = &["call", "appeal", "point", "push", "speak"];

/// Reporting verbs too weak to introduce content without "that" or a quote.
const WEAK: &[&str] = &[
    "expect",
    "find",
    "show",
    "learn",
    "describe",
    "mention",
    "question",
    "praise",
    "welcome",
    "blame",
    "condemn",
    "vote",
    "ask",
    "brief",
    "accuse",
    "threaten",
    "recommend",
    "advise",
    "charge",
    "counter",
    "signal",
];

fn regular_forms(lemma: &str) -> [String; 3] {
    let b = lemma;
    let (s, ed, ing) = if let Some(stem) = b.strip_suffix('e') {
        (format!("{b}s"), format!("{b}d"), format!("{stem}ing"))
    } else if b.ends_with('s') || b.ends_with("sh") || b.ends_with("ch") || b.ends_with('x') {
        (format!("{b}es"), format!("{b}ed"), format!("{b}ing"))
    } else if let Some(stem) = b.strip_suffix('y') {
        (
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{b}ing"),
        )
    } else {
        (format!("{b}s"), format!("{b}ed"), format!("{b}ing"))
    };
    [s, ed, ing]
}

/// Word form -> lemma, for every reporting verb.
fn verb_forms() -> &'static HashMap<String, &'static str> {
    static M: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = HashMap::new();
        const NONE: &[&str] = &[];
        let particle_lemmas = PARTICLE_CUES.iter().map(|(l, _)| (*l, NONE));
        for (lemma, irregular) in REPORTING.iter().copied().chain(particle_lemmas) {
            m.insert(lemma.to_string(), lemma);
            if irregular.is_empty() {
                for f in regular_forms(lemma) {
                    m.insert(f, lemma);
                }
            } else {
                for f in irregular {
                    m.insert(f.to_string(), lemma);
                }
            }
        }
        m.insert("pushed".into(), "push");
        m.insert("pushes".into(), "push");
        m.insert("pushing".into(), "push");
        m.insert("spoke".into(), "speak");
        m.insert("spoken".into(), "speak");
        m.insert("speaks".into(), "speak");
        m
    })
}

/// The lemma of a reporting verb form, if it is one.
pub fn reporting_lemma(word: &str) -> Option<&'static str> {
    verb_forms().get(word).copied()
}

/// Particles that must follow the lemma, if it needs any.
pub fn particles(lemma: &str) -> Option<&'static [&'static str]> {
    PARTICLE_CUES
        .iter()
        .find(|(l, _)| *l == lemma)
        .map(|(_, p)| *p)
}

pub fn particle_only(lemma: &str) -> bool {
    PARTICLE_ONLY.contains(&lemma)
}

pub fn is_weak(lemma: &str) -> bool {
    WEAK.contains(&lemma)
}

/// A form's counts as learned from annotated news (see `train`).
#[derive(Debug, Clone, Copy)]
struct Learned {
    precision: f32,
    as_cue: u32,
    total: u32,
    framed_precision: f32,
    framed_as_cue: u32,
    framed_total: u32,
}

/// Cue precision learned from annotated news (see `train`): how often a
/// form heads a reporting cue when it occurs, and when it follows a subject.
fn learned() -> &'static HashMap<&'static str, Learned> {
    static M: OnceLock<HashMap<&'static str, Learned>> = OnceLock::new();
    M.get_or_init(|| {
        include_str!("cues.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                let form = f.next()?;
                let mut num = || f.next()?.parse::<f32>().ok();
                Some((
                    form,
                    Learned {
                        precision: num()?,
                        as_cue: num()? as u32,
                        total: num()? as u32,
                        framed_precision: num()?,
                        framed_as_cue: num()? as u32,
                        framed_total: num()? as u32,
                    },
                ))
            })
            .collect()
    })
}

/// Precision of `form` as a learned cue, when seen often enough to trust:
/// as a cue at least 5 times, or at least 30 times in all.
pub fn learned_cue(form: &str) -> Option<f32> {
    learned()
        .get(form)
        .filter(|l| l.as_cue >= 5 || l.total >= 30)
        .map(|l| l.precision)
}

/// The same precision counted only where the form follows a subject: "think"
/// is rarely a cue, "voters think" often is.
pub fn framed_cue(form: &str) -> Option<f32> {
    learned()
        .get(form)
        .filter(|l| l.framed_as_cue >= 5 || l.framed_total >= 30)
        .map(|l| l.framed_precision)
}

/// Honorifics: they sit before a name and give its gender when they can.
pub fn honorific(word: &str) -> Option<Gender> {
    match word.trim_end_matches('.') {
        "mr" | "sir" | "lord" | "king" | "prince" => Some(Gender::Male),
        "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" => Some(Gender::Female),
        "dr" | "prof" => Some(Gender::Unknown),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    Unknown,
}

/// Role nouns: titles before a name ("Ambassador X") and heads of
/// descriptions ("the Turkish leader").
const ROLES: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "ambassador",
    "senator",
    "sen",
    "rep",
    "representative",
    "gov",
    "governor",
    "secretary",
    "chancellor",
    "pope",
    "general",
    "gen",
    "judge",
    "justice",
    "mayor",
    "chairman",
    "chairwoman",
    "chair",
    "director",
    "ceo",
    "chief",
    "executive",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "leader",
    "premier",
    "king",
    "queen",
    "prince",
    "candidate",
    "nominee",
    "commissioner",
    "official",
    "officer",
    "adviser",
    "advisor",
    "aide",
    "diplomat",
    "analyst",
    "expert",
    "economist",
    "professor",
    "prof",
    "lawyer",
    "attorney",
    "founder",
    "head",
    "boss",
    "manager",
    "coach",
    "captain",
    "commander",
    "colonel",
    "col",
    "lt",
    "sgt",
    "president-elect",
    "speaker",
    "strongman",
    "foreign",
    "defence",
    "defense",
    "finance",
    "interior",
    "deputy",
    "senior",
    "former",
    "acting",
    "peace",
    "special",
    "campaign",
    "press",
    "white",
    "house",
    "state",
    "party",
    "union",
    "trade",
    "health",
    "economy",
    "treasury",
    "first",
    "lady",
    "congressman",
    "congresswoman",
    "lawmaker",
    "mp",
    "mep",
    "sheikh",
    "ayatollah",
    "emir",
    "sultan",
    "monarch",
    "dictator",
    "regime",
    "researcher",
    "scientist",
    "author",
    "writer",
    "historian",
    "director-general",
    "secretary-general",
    "president's",
    "owner",
    "investor",
    "actor",
    "actress",
    "singer",
    "star",
    "player",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
];

/// Role nouns that head a description of one person ("the Turkish leader").
const PERSON_HEADS: &[&str] = &[
    "president",
    "minister",
    "ambassador",
    "senator",
    "governor",
    "secretary",
    "chancellor",
    "leader",
    "premier",
    "king",
    "queen",
    "prince",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "director",
    "chief",
    "executive",
    "official",
    "officer",
    "diplomat",
    "candidate",
    "nominee",
    "commissioner",
    "general",
    "commander",
    "judge",
    "mayor",
    "strongman",
    "man",
    "woman",
    "boss",
    "manager",
    "coach",
    "captain",
    "monarch",
    "dictator",
    "head",
    "founder",
    "adviser",
    "advisor",
    "aide",
    "lawyer",
    "attorney",
    "analyst",
    "expert",
    "economist",
    "professor",
    "congressman",
    "congresswoman",
    "lawmaker",
    "emir",
    "sultan",
    "speaker",
    "representative",
];

pub fn is_role(word: &str) -> bool {
    ROLES.contains(&word.trim_end_matches('.'))
}

/// Titles of those who lead a country or body ("the Turkish leader").
pub fn head_of_state(word: &str) -> bool {
    matches!(
        word,
        "president"
            | "prime"
            | "premier"
            | "chancellor"
            | "king"
            | "queen"
            | "leader"
            | "emir"
            | "sultan"
            | "chairman"
            | "chief"
            | "ayatollah"
    )
}

pub fn is_person_head(word: &str) -> bool {
    PERSON_HEADS.contains(&word)
}

/// Nouns for what someone is or does, beyond the listed ones: "the
/// researcher", "the comedian", "the prop", "the ex-Wallaby". A noun that
/// names a body, a document or a thing does not count.
pub fn agent_noun(word: &str) -> bool {
    if document_noun(word) || body_noun(word) || org_word(word) || NOT_AGENTS.contains(&word) {
        return false;
    }
    if word.starts_with("ex-") && word.len() > 4 {
        return true;
    }
    AGENTS.contains(&word)
        || ["er", "or", "ist", "ian", "man", "-half", "-back"]
            .iter()
            .any(|s| word.len() > s.len() + 2 && word.ends_with(s))
}

const AGENTS: &[&str] = &[
    "agent",
    "student",
    "resident",
    "participant",
    "applicant",
    "claimant",
    "defendant",
    "consultant",
    "assistant",
    "sergeant",
    "lieutenant",
    "merchant",
    "tenant",
    "migrant",
    "immigrant",
    "servant",
    "opponent",
    "proponent",
    "patient",
    "client",
    "parent",
    "debutant",
    "contestant",
    "entrant",
    "informant",
    "attendant",
    "critic",
    "prop",
    "forward",
    "seed",
    "lock",
    "hooker",
    "flanker",
    "wing",
    "youngster",
    "veteran",
    "rookie",
    "skipper",
    "coach",
    "boss",
    "keeper",
    "pundit",
    "guru",
    "fan",
    "chef",
    "artiste",
    "diva",
    "star",
    "host",
    "judge",
    "magnate",
    "tycoon",
    "mogul",
    "heir",
    "model",
    "pilot",
    "nurse",
    "surgeon",
    "medic",
    "victim",
    "survivor",
    "witness",
    "suspect",
    "accused",
    "colleague",
    "friend",
    "rival",
    "peer",
    "graduate",
    "pupil",
    "mp",
    "mep",
    "msp",
];

/// Words ending like agent nouns that name things.
const NOT_AGENTS: &[&str] = &[
    "paper",
    "letter",
    "number",
    "matter",
    "order",
    "computer",
    "monitor",
    "sector",
    "factor",
    "indicator",
    "motor",
    "error",
    "mirror",
    "center",
    "centre",
    "chapter",
    "weather",
    "water",
    "border",
    "tower",
    "power",
    "quarter",
    "answer",
    "finger",
    "register",
    "filter",
    "trailer",
    "poster",
    "banner",
    "cover",
    "corner",
    "flyer",
    "timer",
    "other",
    "former",
    "latter",
    "further",
    "together",
    "whether",
    "however",
    "never",
    "ever",
    "after",
    "over",
    "under",
    "either",
    "neither",
    "rather",
    "later",
    "earlier",
    "major",
    "minor",
    "senior",
    "junior",
    "interior",
    "exterior",
    "superior",
    "inferior",
    "prior",
    "favour",
    "favor",
    "colour",
    "color",
    "labour",
    "labor",
    "honour",
    "honor",
    "humour",
    "behaviour",
    "error",
    "mirror",
    "door",
    "floor",
    "per",
    "her",
    "our",
    "their",
    "your",
    "four",
    "poor",
    "manner",
    "dinner",
    "summer",
    "winter",
    "december",
    "november",
    "september",
    "october",
    "remainder",
    "semester",
    "disaster",
    "character",
    "thriller",
    "blockbuster",
    "sequel",
    "soccer",
    "cancer",
    "liver",
    "river",
    "silver",
    "ladder",
    "leather",
    "feather",
    "butter",
    "pepper",
    "shelter",
    "theatre",
    "theater",
    "meter",
    "metre",
    "litre",
    "liter",
    "fibre",
    "fiber",
    "tier",
    "barrier",
    "carrier",
    "career",
    "frontier",
    "premier",
    "dossier",
    "tractor",
    "reactor",
    "vector",
    "sensor",
    "processor",
    "processer",
    "server",
    "browser",
    "router",
    "printer",
    "scanner",
    "recorder",
    "adapter",
    "charger",
    "container",
    "cluster",
    "counter",
    "folder",
    "header",
    "footer",
    "marker",
    "pointer",
    "trigger",
    "wrapper",
    "chamber",
    "german",
    "roman",
    "human",
    "ottoman",
    "median",
    "meridian",
    "ian",
    "list",
    "mist",
    "twist",
    "wrist",
    "fist",
    "exist",
    "assist",
    "insist",
    "persist",
    "resist",
    "consist",
];

/// Plural heads of a description of several people ("the three men").
pub fn plural_person_head(word: &str) -> bool {
    matches!(
        word,
        "men"
            | "women"
            | "leaders"
            | "presidents"
            | "ministers"
            | "officials"
            | "diplomats"
            | "ambassadors"
            | "envoys"
            | "governments"
            | "countries"
            | "nations"
            | "powers"
            | "sides"
            | "allies"
            | "partners"
            | "sources"
            | "analysts"
            | "experts"
            | "lawmakers"
            | "senators"
            | "executives"
            | "people"
            | "authorities"
            | "critics"
            | "activists"
            | "investigators"
            | "prosecutors"
            | "police"
            | "rebels"
            | "insurgents"
            | "militants"
            | "residents"
            | "witnesses"
            | "campaigners"
            | "economists"
            | "observers"
            | "states"
            | "groups"
            | "organisations"
            | "organizations"
            | "parties"
            | "members"
            | "supporters"
            | "opponents"
            | "republicans"
            | "democrats"
            | "voters"
            | "researchers"
            | "scientists"
            | "doctors"
            | "unions"
            | "firms"
            | "companies"
            | "banks"
            | "regulators"
            | "guarantors"
    )
}

/// Nouns for documents that speak for their authors ("the communique said").
pub fn document_noun(word: &str) -> bool {
    matches!(
        word,
        "statement"
            | "communique"
            | "communiqué"
            | "report"
            | "declaration"
            | "resolution"
            | "letter"
            | "study"
            | "survey"
            | "poll"
            | "memo"
            | "document"
            | "filing"
            | "complaint"
            | "lawsuit"
            | "indictment"
            | "ruling"
            | "decision"
            | "verdict"
            | "release"
            | "analysis"
            | "review"
            | "audit"
            | "paper"
            | "text"
            | "agreement"
            | "draft"
            | "plan"
            | "proposal"
            | "petition"
            | "order"
            | "bill"
            | "law"
            | "website"
            | "post"
            | "tweet"
            | "message"
    )
}

/// Anonymous sources: a mention, but nobody to resolve it to.
pub fn anonymous_head(word: &str) -> bool {
    matches!(
        word,
        "source"
            | "sources"
            | "official"
            | "officials"
            | "analyst"
            | "analysts"
            | "expert"
            | "experts"
            | "critics"
            | "observers"
            | "witnesses"
            | "residents"
            | "people"
            | "someone"
            | "aides"
            | "insiders"
            | "diplomats"
            | "investigators"
            | "authorities"
            | "reports"
            | "media"
            | "supporters"
            | "opponents"
            | "activists"
            | "campaigners"
            | "economists"
            | "researchers"
            | "scientists"
            | "doctors"
            | "police"
            | "polls"
            | "voters"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "person"
            | "official's"
    )
}

/// Words that end a subject on its left: they cannot sit inside a noun phrase.
pub fn np_boundary(word: &str) -> bool {
    matches!(
        word,
        "in" | "on"
            | "at"
            | "to"
            | "by"
            | "with"
            | "from"
            | "into"
            | "over"
            | "under"
            | "about"
            | "after"
            | "before"
            | "during"
            | "since"
            | "until"
            | "against"
            | "between"
            | "through"
            | "across"
            | "without"
            | "within"
            | "among"
            | "than"
            | "as"
            | "like"
            | "upon"
            | "via"
            | "but"
            | "or"
            | "nor"
            | "so"
            | "yet"
            | "because"
            | "if"
            | "when"
            | "while"
            | "although"
            | "though"
            | "whereas"
            | "unless"
            | "that"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "where"
            | "why"
            | "how"
            | "what"
            | "whether"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "can"
            | "could"
            | "should"
            | "may"
            | "might"
            | "must"
            | "shall"
            | "not"
            | "never"
            | "there"
            | "here"
            | "him"
            | "them"
            | "us"
            | "me"
            | "it"
            | "he"
            | "she"
            | "they"
            | "we"
            | "i"
            | "you"
            | "also"
            | "then"
            | "however"
            | "meanwhile"
            | "elsewhere"
            | "now"
            | "still"
            | "this"
            | "these"
            | "those"
            | "said"
            | "says"
            | "told"
            | "once"
            | "again"
            | "too"
            | "very"
            | "just"
            | "only"
            | "even"
            | "already"
            | "yesterday"
            | "today"
            | "tomorrow"
            | "last"
            | "next"
            | "ago"
            | "later"
            | "earlier"
            | "instead"
            | "thus"
            | "hence"
            | "therefore"
            | "indeed"
            | "perhaps"
            | "maybe"
            | "according"
            | "both"
            | "either"
            | "neither"
            | "whatever"
            | "whoever"
            | "per"
            | "off"
            | "out"
            | "up"
            | "down"
            | "around"
            | "near"
            | "toward"
            | "towards"
            | "onto"
            | "amid"
            | "despite"
            | "including"
            | "a.m."
            | "p.m."
    )
}

/// Adverbs and auxiliaries that may stand between a subject and its cue.
pub fn pre_cue_filler(word: &str) -> bool {
    matches!(
        word,
        "also"
            | "later"
            | "previously"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "may"
            | "might"
            | "repeatedly"
            | "then"
            | "again"
            | "publicly"
            | "privately"
            | "recently"
            | "once"
            | "reportedly"
            | "separately"
            | "further"
            | "earlier"
            | "first"
            | "often"
            | "frequently"
            | "is"
            | "are"
            | "was"
            | "were"
            | "been"
            | "did"
            | "does"
            | "do"
            | "not"
            | "never"
            | "long"
            | "already"
            | "just"
            | "now"
            | "still"
            | "even"
            | "flatly"
            | "openly"
            | "angrily"
            | "bluntly"
            | "quickly"
            | "immediately"
            | "yesterday"
            | "today"
            | "tonight"
            | "subsequently"
            | "last"
            | "finally"
            | "initially"
            | "explicitly"
            | "clearly"
            | "firmly"
            | "strongly"
            | "simply"
            | "directly"
            | "formally"
            | "officially"
            | "widely"
            | "tuesday"
            | "monday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "week"
            | "month"
            | "year"
            | "night"
            | "morning"
            | "afternoon"
            | "evening"
            | "all"
            | "both"
    )
}

/// Determiners and quantifiers that may open a noun phrase.
pub fn determiner(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "another"
            | "some"
            | "many"
            | "several"
            | "all"
            | "most"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "other"
            | "few"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "one"
            | "each"
            | "every"
            | "no"
            | "any"
            | "more"
            | "both"
            | "these"
            | "those"
    )
}

pub fn number_word(word: &str) -> Option<usize> {
    Some(match word {
        "two" | "both" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        _ => return None,
    })
}

pub fn name_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "da"
            | "di"
            | "del"
            | "della"
            | "der"
            | "den"
            | "van"
            | "von"
            | "al"
            | "el"
            | "bin"
            | "ibn"
            | "la"
            | "le"
            | "du"
            | "dos"
            | "das"
            | "ter"
            | "ten"
            | "mac"
            | "st"
    )
}

/// Words that head an organisation's name.
pub fn org_word(word: &str) -> bool {
    matches!(
        word,
        "council"
            | "nations"
            | "agency"
            | "party"
            | "ministry"
            | "commission"
            | "union"
            | "bank"
            | "post"
            | "times"
            | "news"
            | "institute"
            | "university"
            | "department"
            | "court"
            | "committee"
            | "group"
            | "inc"
            | "corp"
            | "corporation"
            | "company"
            | "co"
            | "ltd"
            | "plc"
            | "association"
            | "foundation"
            | "organisation"
            | "organization"
            | "office"
            | "board"
            | "fund"
            | "service"
            | "services"
            | "authority"
            | "house"
            | "senate"
            | "congress"
            | "parliament"
            | "government"
            | "administration"
            | "army"
            | "navy"
            | "police"
            | "front"
            | "movement"
            | "federation"
            | "league"
            | "club"
            | "network"
            | "journal"
            | "tribune"
            | "herald"
            | "telegraph"
            | "guardian"
            | "press"
            | "reuters"
            | "centre"
            | "center"
            | "bureau"
            | "alliance"
            | "coalition"
            | "campaign"
            | "forces"
            | "brigade"
            | "assembly"
            | "cabinet"
            | "kremlin"
            | "pentagon"
            | "nato"
            | "fbi"
            | "cia"
            | "microsoft"
            | "google"
            | "apple"
            | "bbc"
            | "cnn"
            | "fed"
            | "state"
            | "isis"
            | "isil"
            | "taliban"
            | "hamas"
            | "hezbollah"
            | "ypg"
            | "pkk"
            | "opec"
            | "who"
            | "imf"
            | "eu"
            | "un"
            | "airlines"
            | "motors"
            | "holdings"
            | "partners"
            | "systems"
            | "technologies"
    )
}

pub fn is_weekday_or_month(word: &str) -> bool {
    matches!(
        word,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

/// Abbreviations whose period does not end a sentence.
pub fn abbreviation(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "st"
            | "sen"
            | "rep"
            | "gov"
            | "gen"
            | "lt"
            | "col"
            | "sgt"
            | "capt"
            | "prof"
            | "jr"
            | "sr"
            | "no"
            | "vs"
            | "etc"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "mt"
            | "ft"
            | "rev"
            | "hon"
            | "cmdr"
            | "adm"
            | "maj"
            | "pres"
            | "supt"
            | "dept"
            | "est"
            | "approx"
            | "fig"
            | "inc"
            | "corp"
            | "co"
            | "ltd"
            | "u.s"
            | "u.k"
            | "d.c"
            | "e.g"
            | "i.e"
            | "a.m"
            | "p.m"
    )
}

/// Countries: canonical name, then the other names, adjectives and capitals
/// (metonyms: "Moscow said") that stand for it.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "United States",
        &[
            "us",
            "u.s",
            "u.s.",
            "usa",
            "america",
            "american",
            "americans",
            "washington",
            "united states",
            "united states of america",
        ],
    ),
    (
        "United Kingdom",
        &[
            "uk",
            "u.k",
            "u.k.",
            "britain",
            "great britain",
            "british",
            "london",
            "united kingdom",
        ],
    ),
    (
        "Russia",
        &[
            "russian",
            "russians",
            "moscow",
            "kremlin",
            "russian federation",
        ],
    ),
    ("China", &["chinese", "beijing"]),
    ("Turkey", &["turkish", "ankara", "turks", "turkiye"]),
    ("Iran", &["iranian", "iranians", "tehran"]),
    ("Syria", &["syrian", "syrians", "damascus"]),
    ("Iraq", &["iraqi", "baghdad"]),
    ("Israel", &["israeli", "jerusalem"]),
    ("Saudi Arabia", &["saudi", "saudis", "riyadh"]),
    ("Egypt", &["egyptian", "cairo"]),
    ("France", &["french", "paris"]),
    ("Germany", &["german", "berlin"]),
    ("Italy", &["italian", "rome"]),
    ("Spain", &["spanish", "madrid"]),
    ("Portugal", &["portuguese", "lisbon"]),
    (
        "Netherlands",
        &["dutch", "the hague", "amsterdam", "holland"],
    ),
    ("Belgium", &["belgian"]),
    ("Switzerland", &["swiss", "bern"]),
    ("Austria", &["austrian", "vienna"]),
    ("Sweden", &["swedish", "stockholm"]),
    ("Norway", &["norwegian", "oslo"]),
    ("Denmark", &["danish", "copenhagen"]),
    ("Finland", &["finnish", "helsinki"]),
    ("Poland", &["polish", "warsaw"]),
    ("Ukraine", &["ukrainian", "kiev", "kyiv"]),
    ("Greece", &["greek", "athens"]),
    ("Ireland", &["irish", "dublin"]),
    ("Hungary", &["hungarian", "budapest"]),
    ("Czech Republic", &["czech", "prague"]),
    ("Romania", &["romanian", "bucharest"]),
    ("Serbia", &["serbian", "belgrade"]),
    ("Japan", &["japanese", "tokyo"]),
    ("South Korea", &["south korean", "seoul"]),
    ("North Korea", &["north korean", "pyongyang"]),
    ("India", &["indian", "delhi", "new delhi"]),
    ("Pakistan", &["pakistani", "islamabad"]),
    ("Afghanistan", &["afghan", "kabul"]),
    ("Bangladesh", &["bangladeshi", "dhaka"]),
    ("Indonesia", &["indonesian", "jakarta"]),
    ("Malaysia", &["malaysian", "kuala lumpur"]),
    ("Philippines", &["philippine", "filipino", "manila"]),
    ("Vietnam", &["vietnamese", "hanoi"]),
    ("Thailand", &["thai", "bangkok"]),
    ("Australia", &["australian", "canberra"]),
    ("New Zealand", &["wellington"]),
    ("Canada", &["canadian", "ottawa"]),
    ("Mexico", &["mexican", "mexico city"]),
    ("Brazil", &["brazilian", "brasilia"]),
    ("Argentina", &["argentine", "argentinian", "buenos aires"]),
    ("Venezuela", &["venezuelan", "caracas"]),
    ("Colombia", &["colombian", "bogota"]),
    ("Chile", &["chilean", "santiago"]),
    ("Cuba", &["cuban", "havana"]),
    ("South Africa", &["south african", "pretoria"]),
    ("Nigeria", &["nigerian", "abuja"]),
    ("Kenya", &["kenyan", "nairobi"]),
    ("Ethiopia", &["ethiopian", "addis ababa"]),
    ("Libya", &["libyan", "tripoli"]),
    ("Lebanon", &["lebanese", "beirut"]),
    ("Jordan", &["jordanian", "amman"]),
    ("Qatar", &["qatari", "doha"]),
    ("Yemen", &["yemeni", "sanaa"]),
    ("Palestine", &["palestinian", "palestinians"]),
    ("Kurdistan", &["kurdish", "kurds"]),
    ("Scotland", &["scottish", "edinburgh"]),
    ("Wales", &["welsh", "cardiff"]),
    ("England", &["english"]),
    ("Zimbabwe", &["zimbabwean", "harare"]),
    ("Sudan", &["sudanese", "khartoum"]),
    ("Morocco", &["moroccan", "rabat"]),
    ("Algeria", &["algerian", "algiers"]),
    ("Tunisia", &["tunisian", "tunis"]),
    ("Belarus", &["belarusian", "minsk"]),
    ("Georgia", &["georgian", "tbilisi"]),
    ("Armenia", &["armenian", "yerevan"]),
    ("Azerbaijan", &["azerbaijani", "baku"]),
    ("Kazakhstan", &["kazakh", "astana"]),
    ("Taiwan", &["taiwanese", "taipei"]),
    ("Singapore", &["singaporean"]),
];

/// US states: they qualify a title or name ("Massachusetts Sen. Elizabeth
/// Warren"), like a country does.
const US_STATES: &[&str] = &[
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "new hampshire",
    "new jersey",
    "new mexico",
    "new york",
    "north carolina",
    "north dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode island",
    "south carolina",
    "south dakota",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "west virginia",
    "wisconsin",
    "wyoming",
];

/// The US state a lower-cased name stands for, capitalised.
pub fn us_state(lower: &str) -> Option<String> {
    US_STATES.contains(&lower).then(|| {
        lower
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Multi-word organisations and their common short forms.
const ORGS: &[(&str, &[&str])] = &[
    ("United Nations", &["un", "u.n", "u.n."]),
    ("European Union", &["eu", "e.u", "brussels"]),
    ("NATO", &["nato", "north atlantic treaty organization"]),
    ("Islamic State", &["isis", "isil"]),
    ("World Health Organization", &["who"]),
    ("International Monetary Fund", &["imf"]),
    ("Federal Bureau of Investigation", &["fbi"]),
    ("Central Intelligence Agency", &["cia"]),
    ("Environmental Protection Agency", &["epa"]),
];

fn country_index() -> &'static HashMap<String, &'static str> {
    static M: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = HashMap::new();
        for (name, alts) in COUNTRIES {
            m.insert(name.to_lowercase(), *name);
            for a in *alts {
                m.insert(a.to_string(), *name);
            }
        }
        m
    })
}

fn org_index() -> &'static HashMap<String, &'static str> {
    static M: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = HashMap::new();
        for (name, alts) in ORGS {
            m.insert(name.to_lowercase(), *name);
            for a in *alts {
                m.insert(a.to_string(), *name);
            }
        }
        m
    })
}

/// The canonical country a lower-cased name, adjective or capital stands for.
pub fn country(lower: &str) -> Option<&'static str> {
    country_index()
        .get(lower.trim_start_matches("the "))
        .copied()
}

/// The canonical name of a well-known organisation, from any of its forms.
pub fn known_org(lower: &str) -> Option<&'static str> {
    org_index().get(lower.trim_start_matches("the ")).copied()
}

/// Verbs whose object is the person spoken to: "told reporters that ...".
pub fn takes_addressee(lemma: &str) -> bool {
    matches!(
        lemma,
        "tell" | "ask" | "urge" | "warn" | "remind" | "assure" | "inform" | "advise" | "brief"
    )
}

pub fn pronoun(word: &str) -> Option<(Gender, bool)> {
    // (gender, plural)
    match word {
        "he" => Some((Gender::Male, false)),
        "she" => Some((Gender::Female, false)),
        "it" => Some((Gender::Unknown, false)),
        "they" | "we" => Some((Gender::Unknown, true)),
        "i" => Some((Gender::Unknown, false)),
        _ => None,
    }
}

/// Sentence adverbs and time words that open a sentence before its subject
/// ("Similarly, ...", "Personally I ...", "Yesterday Mr X ..."): never part
/// of a speaker's name.
pub fn discourse_word(word: &str) -> bool {
    matches!(
        word,
        "similarly"
            | "personally"
            | "meanwhile"
            | "however"
            | "additionally"
            | "separately"
            | "likewise"
            | "furthermore"
            | "moreover"
            | "nevertheless"
            | "nonetheless"
            | "indeed"
            | "instead"
            | "also"
            | "still"
            | "yesterday"
            | "today"
            | "tonight"
            | "tomorrow"
            | "earlier"
            | "later"
            | "now"
            | "then"
            | "previously"
            | "recently"
            | "eventually"
            | "finally"
            | "initially"
            | "elsewhere"
            | "overall"
            | "ultimately"
            | "privately"
            | "publicly"
            | "afterwards"
            | "but"
            | "and"
            | "so"
            | "yet"
            | "thus"
            | "therefore"
            | "obviously"
            | "clearly"
            | "speaking"
            | "frankly"
            | "honestly"
            | "basically"
            | "certainly"
            | "surely"
            | "sadly"
            | "unfortunately"
            | "fortunately"
            | "interestingly"
            | "crucially"
            | "importantly"
            | "notably"
            | "meantime"
            | "again"
            | "otherwise"
            | "accordingly"
            | "consequently"
            | "alternatively"
    )
}

/// The last word of a body's name joined by "and": an organisation word,
/// or "Executive" ("the Health and Safety Executive").
pub fn body_head(word: &str) -> bool {
    org_word(word) || word == "executive"
}

/// Kin and acquaintance: a person named only through someone else ("his
/// mother"), never the one named beside them.
pub fn relation_noun(word: &str) -> bool {
    matches!(
        word,
        "mother"
            | "father"
            | "wife"
            | "husband"
            | "son"
            | "daughter"
            | "brother"
            | "sister"
            | "widow"
            | "friend"
            | "colleague"
            | "neighbour"
            | "neighbor"
            | "partner"
            | "parents"
    )
}

/// Nouns that describe a person without naming them, beyond the titles of
/// [`is_person_head`]: occupations, relations, religious ranks ("the singer",
/// "his mother", "the cardinal"). A mention headed by one is someone.
pub fn person_noun(word: &str) -> bool {
    is_person_head(word)
        || relation_noun(word)
        || matches!(
            word,
            "analyst"
                | "correspondent"
                | "reporter"
                | "journalist"
                | "editor"
                | "writer"
                | "author"
                | "singer"
                | "actor"
                | "actress"
                | "star"
                | "player"
                | "striker"
                | "midfielder"
                | "defender"
                | "goalkeeper"
                | "winger"
                | "athlete"
                | "runner"
                | "champion"
                | "lawyer"
                | "solicitor"
                | "barrister"
                | "doctor"
                | "surgeon"
                | "teacher"
                | "professor"
                | "economist"
                | "scientist"
                | "researcher"
                | "historian"
                | "politician"
                | "campaigner"
                | "activist"
                | "victim"
                | "witness"
                | "resident"
                | "student"
                | "fan"
                | "cardinal"
                | "bishop"
                | "archbishop"
                | "pope"
                | "priest"
                | "rabbi"
                | "imam"
                | "vicar"
                | "owner"
                | "employee"
                | "worker"
                | "consultant"
                | "presenter"
                | "host"
                | "director"
                | "producer"
                | "designer"
                | "musician"
                | "artist"
                | "veteran"
                | "rookie"
                | "newcomer"
                | "spokesman"
                | "spokeswoman"
                | "spokesperson"
        )
        || word.ends_with("-year-old")
}

/// Nouns that stand for an organisation named before them ("the company
/// said", "the newspaper reported").
pub fn body_noun(word: &str) -> bool {
    matches!(
        word,
        "company"
            | "firm"
            | "group"
            | "bank"
            | "newspaper"
            | "paper"
            | "magazine"
            | "club"
            | "ministry"
            | "department"
            | "agency"
            | "union"
            | "party"
            | "council"
            | "carrier"
            | "airline"
            | "retailer"
            | "network"
            | "broadcaster"
            | "studio"
            | "label"
            | "committee"
            | "commission"
            | "organisation"
            | "organization"
            | "charity"
            | "regulator"
            | "watchdog"
            | "board"
            | "team"
            | "station"
            | "channel"
            | "publisher"
            | "maker"
            | "manufacturer"
            | "giant"
            | "operator"
            | "chain"
            | "supermarket"
            | "insurer"
            | "lender"
            | "brewer"
            | "developer"
            | "association"
            | "federation"
            | "body"
            | "institute"
            | "website"
            | "site"
            | "daily"
            | "tabloid"
            | "service"
            | "government"
            | "alliance"
            | "jury"
            | "panel"
            | "subsidiary"
            | "exchange"
            | "tribunal"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_verbs_are_recognised_in_every_form() {
        assert_eq!(reporting_lemma("said"), Some("say"));
        assert_eq!(reporting_lemma("warned"), Some("warn"));
        assert_eq!(reporting_lemma("urges"), Some("urge"));
        assert_eq!(reporting_lemma("denied"), Some("deny"));
        assert_eq!(reporting_lemma("insisting"), Some("insist"));
        assert_eq!(reporting_lemma("table"), None);
    }

    #[test]
    fn demonyms_and_capitals_stand_for_their_country() {
        assert_eq!(country("turkish"), Some("Turkey"));
        assert_eq!(country("the us"), Some("United States"));
        assert_eq!(country("moscow"), Some("Russia"));
        assert_eq!(known_org("the un"), Some("United Nations"));
    }
}
