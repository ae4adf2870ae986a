//! BERT's uncased word pieces with byte spans into the source text: lower
//! case, accents stripped, punctuation and CJK ideographs split off, then the
//! longest known pieces ("##" continues a word). Spans let a caller map token
//! outputs back to the article (attribution will).

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Word pieces read from a text, [CLS] and [SEP] included; the rest is cut,
/// as the model was trained on short texts.
pub const MAX_TOKENS: usize = 128;
/// A longer word is one [UNK], as in BERT.
const MAX_WORD_CHARS: usize = 100;

/// One word piece: its vocabulary id and the bytes of the source it covers
/// ([CLS] and [SEP] cover nothing: an empty span at the start and the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub id: u32,
    pub start: usize,
    pub end: usize,
}

/// The vocabulary and its special pieces.
pub struct Vocab {
    ids: HashMap<&'static str, u32>,
    words: Vec<&'static str>,
    pub unk: u32,
    pub cls: u32,
    pub sep: u32,
}

impl Vocab {
    /// One piece per line, ids in line order.
    pub fn parse(text: &'static str) -> Result<Vocab, String> {
        let words: Vec<&'static str> = text.lines().collect();
        let ids: HashMap<&'static str, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i as u32))
            .collect();
        let id = |w: &str| ids.get(w).copied().ok_or(format!("vocabulary lacks {w}"));
        Ok(Vocab {
            unk: id("[UNK]")?,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            ids,
            words,
        })
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The piece an id stands for.
    pub fn piece(&self, id: u32) -> Option<&'static str> {
        self.words.get(id as usize).copied()
    }

    /// The text's pieces, at most `MAX_TOKENS`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = vec![Token {
            id: self.cls,
            start: 0,
            end: 0,
        }];
        // A word: normalised characters, each with its source span.
        let mut word: Vec<(char, usize, usize)> = Vec::new();
        for (at, c) in text.char_indices() {
            if out.len() >= MAX_TOKENS - 1 {
                break;
            }
            let end = at + c.len_utf8();
            if c.is_whitespace() {
                self.flush(&mut word, &mut out);
                continue;
            }
            for n in std::iter::once(c)
                .nfd()
                .filter(|n| !unicode_normalization::char::is_combining_mark(*n) && !n.is_control())
                .flat_map(char::to_lowercase)
            {
                if n.is_alphanumeric() && !is_cjk(n) {
                    word.push((n, at, end));
                } else {
                    self.flush(&mut word, &mut out);
                    word.push((n, at, end));
                    self.flush(&mut word, &mut out);
                }
            }
        }
        self.flush(&mut word, &mut out);
        out.truncate(MAX_TOKENS - 1);
        out.push(Token {
            id: self.sep,
            start: text.len(),
            end: text.len(),
        });
        out
    }

    /// The longest known pieces of a word, or one [UNK] if any part is unknown.
    fn flush(&self, word: &mut Vec<(char, usize, usize)>, out: &mut Vec<Token>) {
        if word.is_empty() {
            return;
        }
        let span = (word[0].1, word[word.len() - 1].2);
        if word.len() > MAX_WORD_CHARS {
            out.push(Token {
                id: self.unk,
                start: span.0,
                end: span.1,
            });
            word.clear();
            return;
        }
        let mut found = Vec::new();
        let mut start = 0;
        let mut key = String::new();
        while start < word.len() {
            let mut end = word.len();
            let mut piece = None;
            while end > start {
                key.clear();
                if start > 0 {
                    key.push_str("##");
                }
                key.extend(word[start..end].iter().map(|w| w.0));
                if let Some(&id) = self.ids.get(key.as_str()) {
                    piece = Some(id);
                    break;
                }
                end -= 1;
            }
            match piece {
                Some(id) => {
                    found.push(Token {
                        id,
                        start: word[start].1,
                        end: word[end - 1].2,
                    });
                    start = end;
                }
                None => {
                    found = vec![Token {
                        id: self.unk,
                        start: span.0,
                        end: span.1,
                    }];
                    break;
                }
            }
        }
        out.extend(found);
        word.clear();
    }
}

/// CJK ideographs are words of their own in BERT's tokenizer.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> &'static Vocab {
        &super::super::Encoder::get().vocab
    }

    fn pieces(t: &str) -> Vec<String> {
        let v = vocab();
        v.tokenize(t)
            .iter()
            .map(|k| v.piece(k.id).unwrap_or("?").to_string())
            .collect()
    }

    #[test]
    fn word_pieces_follow_bert_uncased() {
        assert_eq!(
            pieces("A man is playing a guitar."),
            ["[CLS]", "a", "man", "is", "playing", "a", "guitar", ".", "[SEP]"]
        );
        assert_eq!(pieces("Café Tehran's")[1..4], ["cafe", "tehran", "'"]);
        // A newline separates words; CJK ideographs stand alone.
        assert_eq!(pieces("peace\ntalks")[1..4], ["peace", "talks", "[SEP]"]);
        assert_eq!(pieces("中国")[1..3], ["中", "国"]);
    }

    #[test]
    fn every_piece_spans_the_source_bytes_it_came_from() {
        let text = "Der Außenminister sagte: «Café» — 42,5 % 😀";
        let v = vocab();
        let tokens = v.tokenize(text);
        for t in &tokens[1..tokens.len() - 1] {
            let src = &text[t.start..t.end];
            assert!(
                !src.is_empty() && !src.chars().any(char::is_whitespace),
                "{t:?}"
            );
            let piece = v.piece(t.id).unwrap_or_default().trim_start_matches("##");
            if t.id != v.unk {
                let plain: String = src
                    .nfd()
                    .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                    .flat_map(char::to_lowercase)
                    .collect();
                assert_eq!(plain, piece, "{t:?}");
            }
        }
        assert_eq!(tokens[tokens.len() - 1].start, text.len());
    }

    #[test]
    fn a_long_text_is_cut_to_the_model_window() {
        let text = "word ".repeat(500);
        let tokens = vocab().tokenize(&text);
        assert_eq!(tokens.len(), MAX_TOKENS);
        assert_eq!(tokens.last().map(|t| t.id), Some(vocab().sep));
        assert_eq!(vocab().tokenize("").len(), 2);
    }
}
