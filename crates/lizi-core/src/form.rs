//! The XLZ parameter decoder.
//!
//! Real clients send `key=value&…` pairs in the query string and in the body whatever the
//! `Content-Type`, with keys in any case, values holding raw `=`, `[`, `,` and `]`, `+` for
//! space and `%XX` UTF-8 escapes. [`Form`] accepts all of that.
//!
//! Decoding is linear in the input: keys are looked up through a hash index, so a body of
//! many distinct keys costs no more per key than a small one. [`Form::decode_capped`]
//! also refuses a request with more parameters than a limit.

use std::collections::HashMap;

/// Request parameters decoded from a query string and a body.
///
/// Keys are lower-cased; the first occurrence of a key wins, and body pairs come before
/// query pairs, so a key given in both places takes the body's value.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, Value)>,
    /// Each key's place in `pairs`.
    index: HashMap<String, usize>,
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

/// A request with more parameters than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request has more than {limit} parameters (max_params)")]
pub struct TooManyParams {
    /// The limit that was passed.
    pub limit: usize,
}

impl Form {
    /// Decodes the body and the query string (either may be empty) into one form.
    pub fn decode(body: &[u8], query: Option<&str>) -> Self {
        // No input holds usize::MAX pieces, so this never falls back to the default.
        Form::decode_capped(body, query, usize::MAX).unwrap_or_default()
    }

    /// Decodes like [`Form::decode`], refusing more than `limit` parameters in all (every
    /// `key=value` piece counts, repeated keys too).
    pub fn decode_capped(
        body: &[u8],
        query: Option<&str>,
        limit: usize,
    ) -> Result<Self, TooManyParams> {
        let mut form = Form::default();
        let mut budget = limit;
        let over = TooManyParams { limit };
        form.extend(body, &mut budget).ok_or(over)?;
        if let Some(query) = query {
            form.extend(query.as_bytes(), &mut budget).ok_or(over)?;
        }
        Ok(form)
    }

    /// Adds the pairs of one `a=b&c=d` string, spending one unit of `budget` per pair;
    /// `None` when the budget runs out.
    fn extend(&mut self, raw: &[u8], budget: &mut usize) -> Option<()> {
        for piece in raw.split(|&b| b == b'&') {
            if piece.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            *budget = budget.checked_sub(1)?;
            let (key, value) = match piece.iter().position(|&b| b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &[][..]),
            };
            let key = String::from_utf8_lossy(&percent_decode(key))
                .trim()
                .to_ascii_lowercase();
            if key.is_empty() || self.index.contains_key(&key) {
                continue;
            }
            let value = match String::from_utf8(percent_decode(value)) {
                Ok(text) => Value::Text(text),
                Err(_) => Value::NotUtf8,
            };
            self.index.insert(key.clone(), self.pairs.len());
            self.pairs.push((key, value));
        }
        Some(())
    }

    /// The value of `key` (lower case), if present.
    pub fn get(&self, key: &str) -> Option<Result<&str, NotUtf8>> {
        self.index
            .get(key)
            .and_then(|&at| self.pairs.get(at))
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
    fn the_parameter_cap_counts_every_piece() {
        assert!(Form::decode_capped(b"a=1&b=2", Some("c=3"), 3).is_ok());
        assert_eq!(
            Form::decode_capped(b"a=1&a=2", Some("c=3"), 2).unwrap_err(),
            TooManyParams { limit: 2 }
        );
        assert!(Form::decode_capped(b"&& &a=1", None, 1).is_ok());
    }

    #[test]
    fn many_distinct_keys_keep_their_order() {
        let body: Vec<String> = (0..5000).map(|n| format!("k{n}={n}")).collect();
        let form = Form::decode(body.join("&").as_bytes(), None);
        assert_eq!(text(&form, "k4999"), Some("4999"));
        assert_eq!(form.keys().nth(2), Some("k2"));
        assert_eq!(form.keys().count(), 5000);
    }

    #[test]
    fn percent_at_end() {
        assert_eq!(percent_decode(b"%41"), b"A");
        assert_eq!(percent_decode(b"x%4"), b"x%4");
        assert_eq!(percent_decode(b"%"), b"%");
    }
}
