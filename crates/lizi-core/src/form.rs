//! The XLZ parameter decoder.
//!
//! Real clients send `key=value&…` pairs in the query string and in the body whatever the
//! `Content-Type`, with keys in any case, values holding raw `=`, `[`, `,` and `]`, `+` for
//! space and `%XX` UTF-8 escapes. [`Form`] accepts all of that.

/// Request parameters decoded from a query string and a body.
///
/// Keys are lower-cased; the first occurrence of a key wins, and body pairs come before
/// query pairs, so a key given in both places takes the body's value.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, Value)>,
}

/// A decoded value: text, or the raw bytes when they were not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Text(String),
    NotUtf8,
}

/// A parameter value that is present but is not valid UTF-8 after percent-decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8;

impl Form {
    /// Decodes the body and the query string (either may be empty) into one form.
    pub fn decode(body: &[u8], query: Option<&str>) -> Self {
        let mut form = Form::default();
        form.extend(body);
        if let Some(query) = query {
            form.extend(query.as_bytes());
        }
        form
    }

    /// Adds the pairs of one `a=b&c=d` string.
    fn extend(&mut self, raw: &[u8]) {
        for piece in raw.split(|&b| b == b'&') {
            if piece.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let (key, value) = match piece.iter().position(|&b| b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &[][..]),
            };
            let key = String::from_utf8_lossy(&percent_decode(key))
                .trim()
                .to_ascii_lowercase();
            if key.is_empty() || self.pairs.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let value = match String::from_utf8(percent_decode(value)) {
                Ok(text) => Value::Text(text),
                Err(_) => Value::NotUtf8,
            };
            self.pairs.push((key, value));
        }
    }

    /// The value of `key` (lower case), if present.
    pub fn get(&self, key: &str) -> Option<Result<&str, NotUtf8>> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| match value {
                Value::Text(text) => Ok(text.as_str()),
                Value::NotUtf8 => Err(NotUtf8),
            })
    }

    /// The keys present, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(k, _)| k.as_str())
    }
}

/// Decodes `+` as space and `%XX` as a byte; a `%` not followed by two hex digits stays as is.
pub fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(form: &'a Form, key: &str) -> Option<&'a str> {
        form.get(key).map(|v| v.expect("utf-8"))
    }

    #[test]
    fn splits_on_first_equals_and_lowercases_keys() {
        let form = Form::decode(b"fileId=a=b&Text=[pic,hash=AB]", None);
        assert_eq!(text(&form, "fileid"), Some("a=b"));
        assert_eq!(text(&form, "text"), Some("[pic,hash=AB]"));
    }

    #[test]
    fn plus_and_percent_escapes() {
        let form = Form::decode(b"text=a+b%20c%E4%BD%A0%zz%4", None);
        assert_eq!(text(&form, "text"), Some("a b c\u{4f60}%zz%4"));
    }

    #[test]
    fn body_wins_over_query_and_first_wins() {
        let form = Form::decode(b"a=1&a=2", Some("a=3&b=4"));
        assert_eq!(text(&form, "a"), Some("1"));
        assert_eq!(text(&form, "b"), Some("4"));
    }

    #[test]
    fn invalid_utf8_is_reported() {
        let form = Form::decode(b"text=%FF", None);
        assert_eq!(form.get("text"), Some(Err(NotUtf8)));
    }

    #[test]
    fn percent_at_end() {
        assert_eq!(percent_decode(b"%41"), b"A");
        assert_eq!(percent_decode(b"x%4"), b"x%4");
        assert_eq!(percent_decode(b"%"), b"%");
    }
}
