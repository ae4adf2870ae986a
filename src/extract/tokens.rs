//! Stage 1: code points to tokens, each with its exact span.

use super::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Number,
    Punct,
    /// A double quotation mark; whether it opens or closes is decided in `quotes`.
    Quote,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    /// Lower-cased text (for quotes: the mark itself).
    pub lower: String,
    /// First character is upper-case.
    pub cap: bool,
    /// Whitespace (or the text's start) precedes the token.
    pub space_before: bool,
}

impl Token {
    pub fn is(&self, s: &str) -> bool {
        self.lower == s
    }
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct && self.lower.starts_with(c) && self.lower.len() == c.len_utf8()
    }
}

pub fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}'
    )
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

pub fn tokenize(text: &Text) -> Vec<Token> {
    let cs = &text.chars;
    let n = cs.len();
    let mut out: Vec<Token> = Vec::with_capacity(n / 5);
    let mut i = 0;
    let mut space = true;
    while i < n {
        let c = cs[i];
        if c.is_whitespace() || c.is_control() {
            space = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if word_char(c) {
            // Words keep inner hyphens, apostrophes and periods ("al-Assad",
            // "O'Brien", "U.S."); a possessive 's becomes its own token.
            let numeric = c.is_ascii_digit();
            i += 1;
            while i < n {
                let d = cs[i];
                if word_char(d) {
                    i += 1;
                } else if (d == '-' || is_apostrophe(d) || d == '.' || (numeric && d == ','))
                    && i + 1 < n
                    && word_char(cs[i + 1])
                {
                    // "U.S." style: a period inside only between single letters or digits.
                    if d == '.'
                        && !numeric
                        && !(i >= 1 && i - start == 1 || is_initialism(cs, start, i))
                    {
                        break;
                    }
                    if d == ','
                        && !(i + 3 < n + 1
                            && cs[i + 1..].iter().take(3).all(|x| x.is_ascii_digit()))
                    {
                        break;
                    }
                    i += 1;
                } else {
                    break;
                }
            }
            // Trailing period of an initialism: "U.S." keeps its last period.
            if i < n && cs[i] == '.' && is_initialism(cs, start, i) && i - start >= 3 {
                i += 1;
            }
            kind = if numeric {
                TokKind::Number
            } else {
                TokKind::Word
            };
            // "Mr.", "Sen.", "J." keep their period: it abbreviates, it does not end a sentence.
            if !numeric && i < n && cs[i] == '.' {
                let word: String = cs[start..i].iter().collect::<String>().to_lowercase();
                let initial = i - start == 1 && cs[start].is_uppercase();
                if super::lexicon::abbreviation(&word) || initial {
                    i += 1;
                }
            }
            // Split a possessive 's off the word.
            let len = i - start;
            if kind == TokKind::Word
                && len > 2
                && is_apostrophe(cs[i - 2])
                && (cs[i - 1] == 's' || cs[i - 1] == 'S')
            {
                push(&mut out, cs, start, i - 2, kind, space);
                push(&mut out, cs, i - 2, i, TokKind::Word, false);
                space = false;
                continue;
            }
        } else if is_quote_char(c) {
            i += 1;
            kind = TokKind::Quote;
        } else if is_apostrophe(c)
            && cs.get(i + 1) == Some(&'s')
            && cs.get(i + 2).is_none_or(|&d| !word_char(d))
            && out.last().is_some_and(|t| t.kind == TokKind::Word)
        {
            // A detached possessive ("Clinton 's" in tokenised text).
            i += 2;
            kind = TokKind::Word;
        } else if (c == '\'' || c == '`') && i + 1 < n && cs[i + 1] == c {
            // '' and `` stand for double quotation marks in some newswire text.
            i += 2;
            kind = TokKind::Quote;
        } else {
            i += 1;
            // Runs of dashes or dots stay together ("--", "...").
            if c == '-' || c == '.' {
                while i < n && cs[i] == c {
                    i += 1;
                }
            }
            kind = TokKind::Punct;
        }
        push(&mut out, cs, start, i, kind, space);
        space = false;
    }
    out
}

/// `cs[start..end]` is letters separated by single periods: "U.S", "e.g".
fn is_initialism(cs: &[char], start: usize, end: usize) -> bool {
    let s = &cs[start..end];
    s.len() >= 2
        && s.iter().enumerate().all(|(k, &c)| {
            if k % 2 == 0 {
                c.is_alphabetic()
            } else {
                c == '.'
            }
        })
}

fn push(out: &mut Vec<Token>, cs: &[char], start: usize, end: usize, kind: TokKind, space: bool) {
    let s: String = cs[start..end].iter().collect();
    // "al-Assad", "bin-Salman": a lower-case particle joined to a name.
    let cap = s.chars().next().is_some_and(|c| c.is_uppercase())
        || s.split_once('-').is_some_and(|(p, rest)| {
            super::lexicon::name_particle(p)
                && rest.chars().next().is_some_and(|c| c.is_uppercase())
        });
    let lower = if kind == TokKind::Quote {
        s
    } else {
        s.to_lowercase().replace('\u{2019}', "'")
    };
    out.push(Token {
        start,
        end,
        kind,
        lower,
        cap,
        space_before: space,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let t = Text::new(s);
        tokenize(&t)
            .iter()
            .map(|k| t.slice(k.start, k.end))
            .collect()
    }

    #[test]
    fn possessives_split_and_names_stay_whole() {
        assert_eq!(
            words("Turkey's Bashar al-Assad"),
            ["Turkey", "'s", "Bashar", "al-Assad"]
        );
        assert_eq!(words("Russia’s"), ["Russia", "’s"]);
        assert_eq!(words("Clinton 's campaign"), ["Clinton", "'s", "campaign"]);
    }

    #[test]
    fn initialisms_numbers_and_quotes() {
        assert_eq!(
            words("the U.S. said 3.5 million, 1,500."),
            ["the", "U.S.", "said", "3.5", "million", ",", "1,500", "."]
        );
        assert_eq!(
            words("“No,” he said."),
            ["“", "No", ",", "”", "he", "said", "."]
        );
    }

    #[test]
    fn sentence_final_periods_are_separate() {
        assert_eq!(
            words("Mr Putin said so. Then"),
            ["Mr", "Putin", "said", "so", ".", "Then"]
        );
    }
}
