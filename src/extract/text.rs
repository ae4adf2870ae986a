//! Stage 0: bytes to text. Offsets everywhere else index `Text::chars`, so a
//! span is a code-point range of the original text, never a byte range.

/// Decode a file's bytes. Valid UTF-8 is taken as is; text with no valid
/// multi-byte UTF-8 sequence at all is taken as Latin-1 (each byte one code
/// point); anything else is UTF-8 with undecodable bytes replaced by U+FFFD.
pub fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) if !has_utf8_multibyte(bytes) => bytes.iter().map(|&b| b as char).collect(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if i + len <= bytes.len() && std::str::from_utf8(&bytes[i..i + len]).is_ok() {
            return true;
        }
        i += 1;
    }
    false
}

/// Text as code points, for O(1) slicing by span.
#[derive(Debug, Clone)]
pub struct Text {
    pub chars: Vec<char>,
}

impl Text {
    pub fn new(s: &str) -> Self {
        Text {
            chars: s.chars().collect(),
        }
    }
    pub fn len(&self) -> usize {
        self.chars.len()
    }
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.chars[start.min(self.len())..end.min(self.len())]
            .iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_and_latin1_is_recognised() {
        assert_eq!(decode("café".as_bytes()), "café");
        assert_eq!(decode(b"caf\xe9 \xa3100"), "café £100");
    }

    #[test]
    fn broken_utf8_is_replaced_not_fatal() {
        let mut bytes = "naïve ".as_bytes().to_vec();
        bytes.push(0xff);
        assert_eq!(decode(&bytes), "naïve \u{fffd}");
    }

    #[test]
    fn slices_count_code_points() {
        let t = Text::new("«Ça» va");
        assert_eq!(t.slice(1, 3), "Ça");
    }
}
