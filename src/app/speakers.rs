//! Speakers across articles: an article's speakers (`LocalSpeaker`) resolved
//! to stored ones by name, by surname with a compatible first name and
//! affiliation, and by alias; new ones created. Runs under the write lock,
//! so what it reads is settled; what it decides goes into the article's unit.

use crate::domain::{normalise_name, Speaker, SpeakerId, SpeakerKind};
use crate::extract::speakers::{first_names_compatible, surname_of as surname};
use crate::extract::LocalSpeaker;
use crate::store::{Result, SpeakerWrite, Store};
use std::collections::HashMap;

/// The speakers of one article being resolved: what the store holds, plus
/// what this article has already created or changed, so a later speaker of
/// the same article sees the earlier ones as the commit will leave them.
pub struct Resolver<'a> {
    store: &'a dyn Store,
    next: SpeakerId,
    changed: HashMap<SpeakerId, Speaker>,
    /// Ids added under a name or surname key by this article, in order.
    named: HashMap<(bool, String), Vec<SpeakerId>>,
    /// What the unit writes, in order.
    pub writes: Vec<SpeakerWrite>,
}

impl<'a> Resolver<'a> {
    pub fn new(store: &'a dyn Store, next: SpeakerId) -> Self {
        Resolver {
            store,
            next,
            changed: HashMap::new(),
            named: HashMap::new(),
            writes: Vec::new(),
        }
    }

    fn load(&self, id: SpeakerId) -> Result<Option<Speaker>> {
        match self.changed.get(&id) {
            Some(s) => Ok(Some(s.clone())),
            None => self.store.speaker(id),
        }
    }

    /// Ids under a name (`surname`: false) or a surname key, as the store
    /// will hold them after this article.
    fn ids(&self, is_surname: bool, key: &str) -> Result<Vec<SpeakerId>> {
        let mut ids = if is_surname {
            self.store.speakers_with_surname(key)?
        } else {
            self.store.speakers_named(key)?
        };
        for id in self
            .named
            .get(&(is_surname, key.to_string()))
            .into_iter()
            .flatten()
        {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        Ok(ids)
    }

    /// The stored speaker for an article's speaker, found or created.
    pub fn resolve(&mut self, l: &LocalSpeaker) -> Result<SpeakerId> {
        if l.described {
            // "the cardinal" of one article is nobody else's: always new,
            // and filed under no surname.
            let id = self.next;
            self.next = SpeakerId(id.0 + 1);
            let speaker = Speaker {
                id,
                name: l.name.clone(),
                kind: l.kind,
                aliases: Vec::new(),
                titles: l.titles.clone(),
                affiliation: l.affiliation.clone(),
            };
            self.changed.insert(id, speaker.clone());
            self.writes.push(SpeakerWrite {
                speaker,
                surname: None,
            });
            return Ok(id);
        }
        let mut found: Option<Speaker> = None;
        for id in self.ids(false, &normalise_name(&l.name))? {
            if let Some(s) = self.load(id)? {
                if s.kind == l.kind && (s.kind != SpeakerKind::Person || same_person(&s, l)) {
                    found = Some(s);
                    break;
                }
            }
        }
        if found.is_none() && l.kind == SpeakerKind::Person {
            let mut candidates = Vec::new();
            for id in self.ids(true, &surname(&l.name))? {
                if let Some(s) = self.load(id)?.filter(|s| same_person(s, l)) {
                    candidates.push(s);
                }
            }
            // A bare surname that fits several people stays ambiguous: a new speaker.
            if candidates.len() == 1
                || (candidates.len() > 1 && surname(&l.name) != normalise_name(&l.name))
            {
                found = candidates.into_iter().next();
            }
        }
        let mut speaker = match found {
            Some(s) => s,
            None => {
                let id = self.next;
                self.next = SpeakerId(id.0 + 1);
                Speaker {
                    id,
                    name: l.name.clone(),
                    kind: l.kind,
                    aliases: Vec::new(),
                    titles: Vec::new(),
                    affiliation: None,
                }
            }
        };
        let before = speaker.clone();
        merge(&mut speaker, l);
        if speaker != before || before.aliases.is_empty() && before.titles.is_empty() {
            self.record(speaker.clone());
        }
        Ok(speaker.id)
    }

    /// A speaker to write, and the keys the store will file it under.
    fn record(&mut self, speaker: Speaker) {
        for n in std::iter::once(&speaker.name).chain(speaker.aliases.iter()) {
            let ids = self.named.entry((false, normalise_name(n))).or_default();
            if !ids.contains(&speaker.id) {
                ids.push(speaker.id);
            }
        }
        let surname = (speaker.kind == SpeakerKind::Person).then(|| surname(&speaker.name));
        if let Some(s) = &surname {
            let ids = self.named.entry((true, s.clone())).or_default();
            if !ids.contains(&speaker.id) {
                ids.push(speaker.id);
            }
        }
        self.changed.insert(speaker.id, speaker.clone());
        self.writes.push(SpeakerWrite { speaker, surname });
    }
}

/// What an article adds to a speaker: a fuller name replaces a bare
/// surname; every form seen becomes an alias; titles; an affiliation.
fn merge(speaker: &mut Speaker, l: &LocalSpeaker) {
    if normalise_name(&l.name).len() > normalise_name(&speaker.name).len()
        && normalise_name(&l.name).ends_with(&normalise_name(&speaker.name))
    {
        let old = std::mem::replace(&mut speaker.name, l.name.clone());
        add_unique(&mut speaker.aliases, old);
    } else if normalise_name(&l.name) != normalise_name(&speaker.name) {
        add_unique(&mut speaker.aliases, l.name.clone());
    }
    for a in &l.aliases {
        if normalise_name(a) != normalise_name(&speaker.name) {
            add_unique(&mut speaker.aliases, a.clone());
        }
    }
    for title in &l.titles {
        add_unique(&mut speaker.titles, title.clone());
    }
    if speaker.affiliation.is_none() {
        speaker.affiliation = l.affiliation.clone();
    }
}

fn add_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
        v.push(s);
    }
}

/// Is the stored speaker `s` the person the article calls `l`?
fn same_person(s: &Speaker, l: &LocalSpeaker) -> bool {
    if s.kind != SpeakerKind::Person || l.kind != SpeakerKind::Person {
        return false;
    }
    let affiliation_ok =
        s.affiliation.is_none() || l.affiliation.is_none() || s.affiliation == l.affiliation;
    let one_word = |n: &str| surname(n) == normalise_name(n);
    let names_ok =
        one_word(&s.name) || one_word(&l.name) || first_names_compatible(&s.name, &l.name);
    affiliation_ok && names_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> LocalSpeaker {
        LocalSpeaker {
            name: name.into(),
            kind: SpeakerKind::Person,
            aliases: Vec::new(),
            titles: Vec::new(),
            affiliation: None,
            described: false,
        }
    }

    #[test]
    fn a_speaker_seen_twice_in_one_article_is_one_speaker_with_both_names() {
        let store = crate::store::temporary().unwrap();
        let mut r = Resolver::new(store.as_ref(), SpeakerId(1));
        let a = r.resolve(&person("Erdogan")).unwrap();
        let b = r.resolve(&person("Recep Tayyip Erdogan")).unwrap();
        assert_eq!(a, b);
        let last = &r.writes.last().unwrap().speaker;
        assert_eq!(last.name, "Recep Tayyip Erdogan");
        assert_eq!(last.aliases, ["Erdogan"]);
    }

    #[test]
    fn different_first_names_under_one_surname_are_different_people() {
        let store = crate::store::temporary().unwrap();
        let mut r = Resolver::new(store.as_ref(), SpeakerId(1));
        let a = r.resolve(&person("Hillary Clinton")).unwrap();
        let b = r.resolve(&person("Bill Clinton")).unwrap();
        assert_ne!(a, b);
        assert_eq!((a, b), (SpeakerId(1), SpeakerId(2)));
    }
}
