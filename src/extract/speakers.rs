//! Stage 6: who is speaking. Every mention resolves to an entity of the
//! article: names by name and surname, pronouns by gender, number and recency,
//! descriptions ("the Turkish leader") by role and nationality, groups ("the
//! three men") by their members, documents by their authors.

use super::lexicon::{self, Gender};
use super::mentions::{self, Named, Ref};
use super::tokens::{TokKind, Token};
use super::Doc;
use super::RawClaim;
use crate::domain::{normalise_name, SpeakerKind};

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: SpeakerKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub titles: Vec<String>,
    pub affiliation: Option<String>,
    pub gender: Gender,
    /// Only a surname is known so far.
    pub partial: bool,
    /// Known only by a description the article never resolves ("the
    /// cardinal"): a speaker of this article alone, never matched by name.
    pub described: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Resolution {
    pub speakers: Vec<usize>,
    pub rule: Option<&'static str>,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
struct Seen {
    pos: usize,
    entities: Vec<usize>,
    subject: bool,
    plural: bool,
    document: bool,
}

#[derive(Default)]
struct Registry {
    entities: Vec<Entity>,
}

/// A person's surname, normalised, with its particles:
/// "Staffan de Mistura" -> "de mistura". Shared with the store's matching.
pub fn surname_of(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut k = words.len().saturating_sub(1);
    while k > 0 && lexicon::name_particle(&words[k - 1].to_lowercase()) {
        k -= 1;
    }
    normalise_name(&words[k..].join(" "))
}

/// Could two names belong to one person by their first names: the same, or
/// one typo apart ("Jon" / "John")? Used within an article and across them.
pub fn first_names_compatible(a: &str, b: &str) -> bool {
    let fa = normalise_name(a.split_whitespace().next().unwrap_or(""));
    let fb = normalise_name(b.split_whitespace().next().unwrap_or(""));
    fa == fb || (fa.len() > 2 && fb.len() > 2 && edit_distance(&fa, &fb) <= 1)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Registry {
    fn merge(&mut self, k: usize, n: &Named, surface: &str) {
        let e = &mut self.entities[k];
        if e.partial && !n.partial {
            let old = std::mem::replace(&mut e.name, n.name.clone());
            push_unique(&mut e.aliases, old);
            e.partial = false;
        }
        for t in &n.titles {
            push_unique(&mut e.titles, t.clone());
        }
        if e.affiliation.is_none() {
            e.affiliation = n.affiliation.clone();
        }
        if e.gender == Gender::Unknown {
            e.gender = n.gender;
        }
        if surface != e.name {
            push_unique(&mut e.aliases, surface.to_string());
        }
    }

    /// The entity a name refers to, and whether it was found or made.
    fn find_or_add(&mut self, n: &Named, surface: &str) -> (usize, &'static str) {
        let key = normalise_name(&n.name);
        let found = if n.kind != SpeakerKind::Person {
            self.entities
                .iter()
                .position(|e| e.kind == n.kind && normalise_name(&e.name) == key)
        } else if n.partial {
            // A surname: the full name that ends with it, else an earlier bare surname.
            self.entities
                .iter()
                .position(|e| {
                    e.kind == SpeakerKind::Person && !e.partial && surname_of(&e.name) == key
                })
                .or_else(|| {
                    self.entities.iter().position(|e| {
                        e.kind == SpeakerKind::Person
                            && !e.partial
                            && normalise_name(&e.name).ends_with(&format!(" {key}"))
                    })
                })
                .or_else(|| {
                    self.entities.iter().position(|e| {
                        e.kind == SpeakerKind::Person && e.partial && normalise_name(&e.name) == key
                    })
                })
        } else {
            self.entities
                .iter()
                .position(|e| {
                    e.kind == SpeakerKind::Person && !e.partial && normalise_name(&e.name) == key
                })
                .or_else(|| {
                    let sur = surname_of(&n.name);
                    self.entities.iter().position(|e| {
                        e.kind == SpeakerKind::Person
                            && surname_of(&e.name) == sur
                            && (e.partial || first_names_compatible(&e.name, &n.name))
                            && (e.affiliation.is_none()
                                || n.affiliation.is_none()
                                || e.affiliation == n.affiliation)
                    })
                })
        };
        match found {
            Some(k) => {
                let rule = if n.partial {
                    "surname-match"
                } else {
                    "name-match"
                };
                self.merge(k, n, surface);
                (k, rule)
            }
            None => {
                let mut aliases = Vec::new();
                if surface != n.name {
                    aliases.push(surface.to_string());
                }
                self.entities.push(Entity {
                    kind: n.kind,
                    name: n.name.clone(),
                    aliases,
                    titles: n.titles.clone(),
                    affiliation: n.affiliation.clone(),
                    gender: n.gender,
                    partial: n.partial,
                    described: false,
                });
                (self.entities.len() - 1, "new-name")
            }
        }
    }
}

impl Registry {
    /// The article's speaker known only by a description, one per wording.
    fn described(
        &mut self,
        kind: SpeakerKind,
        text: String,
        head: &str,
        affiliation: Option<String>,
    ) -> usize {
        let key = normalise_name(&text);
        if let Some(k) = self
            .entities
            .iter()
            .position(|e| e.described && normalise_name(&e.name) == key)
        {
            return k;
        }
        self.entities.push(Entity {
            kind,
            name: text,
            aliases: Vec::new(),
            titles: vec![head.to_string()],
            affiliation,
            gender: Gender::Unknown,
            partial: false,
            described: true,
        });
        self.entities.len() - 1
    }
}

/// The person named most often as a subject before `pos`, the latest on a
/// tie: whom an article's descriptions by age mean.
fn salient_person(seen: &[Seen], reg: &Registry, pos: usize) -> Option<usize> {
    let mut count: std::collections::HashMap<usize, (usize, usize)> = Default::default();
    for s in seen.iter().filter(|s| s.pos < pos && s.entities.len() == 1) {
        let k = s.entities[0];
        let e = &reg.entities[k];
        if e.kind == SpeakerKind::Person && !e.described {
            let c = count.entry(k).or_default();
            c.0 += 1 + usize::from(s.subject);
            c.1 = s.pos;
        }
    }
    count.into_iter().max_by_key(|(_, c)| *c).map(|(k, _)| k)
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}

/// A mention as the article words it, without the adverbs and dates that
/// open it ("Tuesday the chancellor" is "the chancellor").
fn mention_surface(doc: &Doc, m: std::ops::Range<usize>) -> String {
    surface(
        doc,
        m.start + mentions::lead_len(&doc.tokens[m.clone()])..m.end,
    )
}

fn surface(doc: &Doc, r: std::ops::Range<usize>) -> String {
    let t = &doc.tokens;
    doc.text
        .slice(t[r.start].start, t[r.end - 1].end)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Named people, places and bodies mentioned anywhere outside quotes, so
/// that "Mr Erdogan" finds "Turkey's Reccep Tayyip Erdogan" and pronouns
/// find their antecedents.
fn prescan(doc: &Doc, reg: &mut Registry, seen: &mut Vec<Seen>, in_quote: &[bool]) {
    let tokens: &[Token] = &doc.tokens;
    for s in &doc.sents {
        if doc.paras[s.para].heading {
            continue;
        }
        let mut i = s.tokens.start;
        while i < s.tokens.end {
            let t = &tokens[i];
            if in_quote[i] || !(t.cap && t.kind == TokKind::Word) {
                i += 1;
                continue;
            }
            // A run of capitalised words, particles, possessives and roles.
            let mut j = i + 1;
            while j < s.tokens.end && !in_quote[j] {
                let u = &tokens[j];
                let ok = (u.cap && u.kind == TokKind::Word)
                    || (lexicon::name_particle(&u.lower)
                        && tokens.get(j + 1).is_some_and(|n| n.cap))
                    || (u.lower == "'s" && tokens.get(j + 1).is_some_and(|n| n.cap))
                    || (lexicon::is_role(&u.lower)
                        && !u.cap
                        && tokens
                            .get(j + 1)
                            .is_some_and(|n| n.cap || lexicon::is_role(&n.lower)));
                if !ok {
                    break;
                }
                j += 1;
            }
            // Sentence-initial function words are not part of a name.
            let mut a = i;
            while a < j
                && (lexicon::np_boundary(&tokens[a].lower)
                    && !lexicon::determiner(&tokens[a].lower)
                    || lexicon::determiner(&tokens[a].lower))
            {
                a += 1;
            }
            if a < j {
                if let Ref::Named(n) = mentions::parse_one(&tokens[a..j], &doc.text.chars) {
                    let evidence = n.kind != SpeakerKind::Person
                        || !n.partial
                        || n.gender != Gender::Unknown
                        || !n.titles.is_empty()
                        || reg.entities.iter().any(|e| {
                            e.kind == SpeakerKind::Person
                                && !e.partial
                                && surname_of(&e.name) == normalise_name(&n.name)
                        });
                    if evidence {
                        let (k, _) = reg.find_or_add(&n, &surface(doc, a..j));
                        seen.push(Seen {
                            pos: a,
                            entities: vec![k],
                            subject: false,
                            plural: false,
                            document: false,
                        });
                    }
                }
            }
            i = j;
        }
    }
}

pub fn resolve(doc: &Doc, claims: &[RawClaim]) -> (Vec<Entity>, Vec<Resolution>) {
    let mut reg = Registry::default();
    let mut seen: Vec<Seen> = Vec::new();
    prescan(doc, &mut reg, &mut seen, &doc.in_quote);
    let mut out: Vec<Resolution> = Vec::with_capacity(claims.len());
    for c in claims {
        if let Some(p) = c.inherit_from {
            let r = out.get(p).cloned().unwrap_or_default();
            out.push(Resolution {
                speakers: r.speakers,
                rule: r.rule.map(|_| "inherited"),
                confidence: r.confidence,
            });
            continue;
        }
        let Some(m) = c.mention.clone() else {
            out.push(Resolution::default());
            continue;
        };
        let m = mentions::head(&doc.tokens, m.clone());
        let refs = mentions::parse(&doc.tokens, &doc.text.chars, m.clone());
        let mut speakers = Vec::new();
        let mut rule = None;
        let mut confidence: f32 = 1.0;
        let mut plural = refs.len() > 1;
        let mut document = false;
        for r in &refs {
            match r {
                Ref::Named(n) => {
                    let text = if refs.len() == 1 {
                        mention_surface(doc, m.clone())
                    } else {
                        n.name.clone()
                    };
                    let (k, how) = reg.find_or_add(n, &text);
                    speakers.push(k);
                    rule.get_or_insert(how);
                    if how == "new-name" && n.partial {
                        confidence = confidence.min(0.7);
                    }
                }
                Ref::Pronoun { gender, plural: pl } => {
                    plural |= *pl;
                    if let Some(found) = antecedent(
                        &seen,
                        &reg,
                        m.start,
                        *gender,
                        *pl,
                        &doc.tokens[m.start].lower,
                    ) {
                        if !*pl && found.len() == 1 && *gender != Gender::Unknown {
                            let e = &mut reg.entities[found[0]];
                            if e.gender == Gender::Unknown && e.kind == SpeakerKind::Person {
                                e.gender = *gender;
                            }
                        }
                        speakers.extend(found);
                        rule.get_or_insert("pronoun-recency");
                        confidence = confidence.min(0.8);
                    }
                }
                Ref::Description {
                    head,
                    affiliation,
                    plural: pl,
                    count,
                } => {
                    plural |= *pl;
                    let found = if *pl {
                        count.and_then(|n| group_members(&seen, &reg, m.start, n))
                    } else if lexicon::relation_noun(head) {
                        // "Michael Jackson's mother" is someone else than
                        // the people named near her: she stays described.
                        None
                    } else if head.ends_with("-year-old") {
                        // "the 28-year-old": the one described so before,
                        // else the person the article is about.
                        let age = head.as_str();
                        reg.entities
                            .iter()
                            .rposition(|e| {
                                e.described && e.name.to_lowercase().split(' ').any(|w| w == age)
                            })
                            .or_else(|| salient_person(&seen, &reg, m.start))
                            .map(|k| {
                                rule.get_or_insert("description-age");
                                vec![k]
                            })
                    } else {
                        describe(&seen, &reg, m.start, head, affiliation.as_deref())
                            .map(|k| (k, "description-match"))
                            .or_else(|| {
                                cataphor(doc, &reg, &seen, m.end, affiliation.as_deref())
                                    .map(|k| (k, "description-cataphora"))
                            })
                            .map(|(k, how)| {
                                rule.get_or_insert(how);
                                let e = &mut reg.entities[k];
                                if let Some(a) = affiliation {
                                    e.affiliation.get_or_insert(a.clone());
                                }
                                vec![k]
                            })
                    };
                    if let Some(found) = found {
                        speakers.extend(found);
                        rule.get_or_insert("group-members");
                        confidence = confidence.min(0.7);
                    } else {
                        // Nobody in the article answers it: the speaker is
                        // the description itself, as the article gives it.
                        let kind = if *pl {
                            SpeakerKind::Group
                        } else {
                            SpeakerKind::Person
                        };
                        let k = reg.described(
                            kind,
                            mention_surface(doc, m.clone()),
                            head,
                            affiliation.clone(),
                        );
                        speakers.push(k);
                        rule.get_or_insert("description-unresolved");
                        confidence = confidence.min(0.5);
                    }
                }
                Ref::Body { head } => {
                    // "the company": the body named last before it.
                    let k = seen
                        .iter()
                        .rev()
                        .filter(|s| s.pos < m.start && s.entities.len() == 1)
                        .map(|s| s.entities[0])
                        .find(|&k| reg.entities[k].kind == SpeakerKind::Organization);
                    let k = match k {
                        Some(k) => {
                            rule.get_or_insert("description-organisation");
                            confidence = confidence.min(0.7);
                            k
                        }
                        None => {
                            rule.get_or_insert("description-unresolved");
                            confidence = confidence.min(0.5);
                            reg.described(
                                SpeakerKind::Organization,
                                mention_surface(doc, m.clone()),
                                head,
                                None,
                            )
                        }
                    };
                    speakers.push(k);
                }
                Ref::Document { owner } => {
                    document = true;
                    if let Some(n) = owner {
                        // "Chelsea's statement": its issuer is named in it.
                        let (k, how) = reg.find_or_add(n, &n.name.clone());
                        speakers.push(k);
                        rule.get_or_insert(how);
                        confidence = confidence.min(0.7);
                    } else if let Some(s) = seen.iter().rev().find(|s| {
                        s.pos < m.start
                            && s.subject
                            && (s.plural
                                || s.entities
                                    .iter()
                                    .any(|&e| reg.entities[e].kind != SpeakerKind::Person))
                    }) {
                        speakers.extend(s.entities.iter().copied());
                        rule.get_or_insert("document-author");
                        confidence = confidence.min(0.6);
                    } else {
                        // Nobody named issued it: "the report" is the source.
                        let head = doc.tokens[m.end - 1].lower.clone();
                        let k = reg.described(
                            SpeakerKind::Organization,
                            mention_surface(doc, m.clone()),
                            &head,
                            None,
                        );
                        speakers.push(k);
                        rule.get_or_insert("description-unresolved");
                        confidence = confidence.min(0.5);
                    }
                }
                Ref::Anonymous => {}
            }
        }
        speakers.dedup();
        seen.push(Seen {
            pos: m.start,
            // A speaker known only by a description is nobody's antecedent:
            // "he" after "the nominee" is whoever the article named.
            entities: speakers
                .iter()
                .copied()
                .filter(|&k| !reg.entities[k].described)
                .collect(),
            subject: true,
            plural,
            document,
        });
        seen.sort_by_key(|s| s.pos);
        out.push(Resolution {
            confidence: if speakers.is_empty() { 0.0 } else { confidence },
            speakers,
            rule,
        });
    }
    (reg.entities, out)
}

fn antecedent(
    seen: &[Seen],
    reg: &Registry,
    pos: usize,
    gender: Gender,
    plural: bool,
    word: &str,
) -> Option<Vec<usize>> {
    let compatible = |s: &Seen| -> bool {
        if s.entities.is_empty() {
            return false;
        }
        if plural {
            return s.plural
                || s.entities.iter().all(|&e| {
                    matches!(
                        reg.entities[e].kind,
                        SpeakerKind::Organization | SpeakerKind::Group | SpeakerKind::Country
                    )
                });
        }
        if s.plural && !s.document {
            return false;
        }
        if word == "it" {
            return s.document
                || s.entities
                    .iter()
                    .all(|&e| reg.entities[e].kind != SpeakerKind::Person);
        }
        s.entities.len() == 1 && {
            let e = &reg.entities[s.entities[0]];
            e.kind == SpeakerKind::Person
                && (e.gender == Gender::Unknown || gender == Gender::Unknown || e.gender == gender)
        }
    };
    // Nearest compatible mention, subjects weighing more than other mentions.
    seen.iter()
        .filter(|s| s.pos < pos && compatible(s))
        .max_by_key(|s| s.pos + if s.subject { 25 } else { 0 })
        .map(|s| s.entities.clone())
}

fn describe(
    seen: &[Seen],
    reg: &Registry,
    pos: usize,
    head: &str,
    affiliation: Option<&str>,
) -> Option<usize> {
    let generic = matches!(
        head,
        "leader" | "man" | "woman" | "official" | "strongman" | "head"
    );
    seen.iter()
        .rev()
        .filter(|s| s.pos < pos && s.entities.len() == 1)
        .map(|s| s.entities[0])
        .find(|&k| {
            let e = &reg.entities[k];
            e.kind == SpeakerKind::Person
                && match affiliation {
                    Some(a) => e.affiliation.as_deref() == Some(a),
                    None => e.titles.iter().any(|t| t.eq_ignore_ascii_case(head)),
                }
                && (e.titles.is_empty()
                    || e.titles.iter().any(|t| t.eq_ignore_ascii_case(head))
                    || (generic
                        && e.titles
                            .iter()
                            .any(|t| lexicon::head_of_state(&t.to_lowercase()))))
        })
}

/// A description nobody before it answers: the next person named shortly after.
fn cataphor(
    doc: &Doc,
    reg: &Registry,
    seen: &[Seen],
    end: usize,
    affiliation: Option<&str>,
) -> Option<usize> {
    let limit_sent = doc.sents.partition_point(|s| s.tokens.end <= end) + 4;
    let limit = doc
        .sents
        .get(limit_sent)
        .map_or(usize::MAX, |s| s.tokens.start);
    seen.iter()
        .filter(|s| s.pos >= end && s.pos < limit && s.entities.len() == 1)
        .map(|s| s.entities[0])
        .find(|&k| {
            let e = &reg.entities[k];
            e.kind == SpeakerKind::Person
                && !e.partial
                && (affiliation.is_none()
                    || e.affiliation.is_none()
                    || e.affiliation.as_deref() == affiliation)
        })
}

fn group_members(seen: &[Seen], reg: &Registry, pos: usize, n: usize) -> Option<Vec<usize>> {
    // Speakers of earlier claims first, then anyone else mentioned.
    let mut out: Vec<usize> = Vec::new();
    let earlier = || seen.iter().rev().filter(|s| s.pos < pos);
    for s in earlier()
        .filter(|s| s.subject)
        .chain(earlier().filter(|s| !s.subject))
    {
        for &e in &s.entities {
            if reg.entities[e].kind == SpeakerKind::Person && !out.contains(&e) {
                out.push(e);
            }
        }
        if out.len() >= n {
            break;
        }
    }
    (out.len() == n).then(|| {
        out.sort();
        out
    })
}
