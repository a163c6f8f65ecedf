//! XLZ text codes inside message text (docs/xlz-api.md#text-codes): `[NAME,key=value,…]`, the short forms
//! `[@<qq>]`, `[@all]` and `[bq<id>]`, and the escapes `\u005b`, `\u005d`, `\u005c` for a
//! literal `[`, `]` and `\`. A piece of a code without `key=` continues the value before it,
//! as the JSON of `[Json,Data={…}]` holds commas.
//!
//! [`parse`] never fails: anything that is not a well-formed code stays text. [`print`]
//! writes segments back so that `parse(&print(s)) == s` for any segments whose code names,
//! keys and values are representable (see [`Code::is_printable`]). [`canonical`] is the
//! one form the simulated world stores and hands out: every literal `[`, `]` and `\` of
//! the text escaped, codes as they were written.

use std::borrow::Cow;
use std::fmt::Write;

/// The codes of docs/xlz-api.md#text-codes, which are codes even without arguments (`[Shake]`); any other
/// name is a code only with at least one `key=value` argument, so that text such as `[x]`
/// or `[doge]` stays text.
const KNOWN_CODES: &[&str] = &[
    "pic",
    "flashPic",
    "picFile",
    "flashPicFile",
    "Audio",
    "AudioFile",
    "Face",
    "bigFace",
    "smallFace",
    "Reply",
    "Shake",
    "flashWord",
    "Graffiti",
    "litleVideo",
    "Sticker",
    "Share",
    "Lottie",
];

/// Whether `name` is one of [`KNOWN_CODES`], ignoring case.
fn is_known_code(name: &str) -> bool {
    KNOWN_CODES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

/// A piece of message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Plain text (escapes decoded).
    Text(String),
    /// `[@<qq>]`: a mention.
    At(u64),
    /// `[@all]`: mention everybody.
    AtAll,
    /// `[bq<id>]`: a classic face.
    Bq(u32),
    /// `[NAME,key=value,…]`.
    Code(Code),
}

/// A named code with its arguments, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The code's name as written (`pic`, `Reply`, …).
    pub name: String,
    /// `key=value` arguments, in order.
    pub args: Vec<(String, String)>,
}

impl Code {
    /// A code with no arguments.
    pub fn new(name: impl Into<String>) -> Code {
        Code {
            name: name.into(),
            args: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Code {
        self.args.push((key.into(), value.into()));
        self
    }

    /// Whether the code's name is `name`, ignoring case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The value of argument `key`, ignoring the key's case.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Whether [`print`] can write this code so that it parses back the same: a name of
    /// ASCII letters, digits and `_` starting with a letter (not `bq<digits>`), keys without
    /// `=`, `,`, `[`, `]`, and values without `,`, `[`, `]`; a code without arguments must
    /// be one of docs/xlz-api.md#text-codes (`[Shake]`), as other bare names read as text.
    pub fn is_printable(&self) -> bool {
        valid_name(&self.name)
            && short_form(&self.name).is_none()
            && (!self.args.is_empty() || is_known_code(&self.name))
            && self.args.iter().all(|(k, v)| {
                !k.is_empty() && !k.contains(['=', ',', '[', ']']) && !v.contains([',', '[', ']'])
            })
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The short forms `@<qq>`, `@all`, `bq<id>`.
fn short_form(inner: &str) -> Option<Segment> {
    if inner == "@all" {
        return Some(Segment::AtAll);
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(qq) = inner.strip_prefix('@') {
        return digits(qq)
            .then(|| qq.parse().ok().map(Segment::At))
            .flatten();
    }
    if let Some(id) = inner.strip_prefix("bq") {
        return digits(id)
            .then(|| id.parse().ok().map(Segment::Bq))
            .flatten();
    }
    None
}

/// Reads the inside of `[…]` as a code, if it is one.
fn code(inner: &str) -> Option<Segment> {
    if let Some(segment) = short_form(inner) {
        return Some(segment);
    }
    let mut parts = inner.split(',');
    let name = parts.next()?;
    if !valid_name(name) {
        return None;
    }
    let mut args: Vec<(String, String)> = Vec::new();
    for part in parts {
        match part.split_once('=').filter(|(k, _)| !k.is_empty()) {
            Some((k, v)) => args.push((k.to_owned(), v.to_owned())),
            // A piece without `key=` continues the value before it: `[Json,Data={"a":1,"b":2}]`
            // carries JSON, commas and all. Printing the value back restores the same bytes.
            None => {
                let (_, value) = args.last_mut()?;
                value.push(',');
                value.push_str(part);
            }
        }
    }
    if args.is_empty() && !is_known_code(name) {
        return None;
    }
    Some(Segment::Code(Code {
        name: name.to_owned(),
        args,
    }))
}

/// Decodes the three escapes.
fn unescape(text: &str) -> String {
    text.replace("\\u005b", "[")
        .replace("\\u005d", "]")
        .replace("\\u005c", "\\")
}

/// Splits message text into segments. Never fails.
pub fn parse(text: &str) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let push_text = |segments: &mut Vec<Segment>, text: String| {
        if text.is_empty() {
            return;
        }
        if let Some(Segment::Text(last)) = segments.last_mut() {
            last.push_str(&text);
        } else {
            segments.push(Segment::Text(text));
        }
    };
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, from_open) = rest.split_at(open);
        push_text(&mut segments, unescape(before));
        match from_open[1..].find(['[', ']']) {
            Some(end) if from_open.as_bytes()[1 + end] == b']' => {
                let inner = &from_open[1..1 + end];
                match code(inner) {
                    Some(segment) => segments.push(segment),
                    None => push_text(&mut segments, format!("[{}]", unescape(inner))),
                }
                rest = &from_open[end + 2..];
            }
            _ => {
                push_text(&mut segments, "[".to_owned());
                rest = &from_open[1..];
            }
        }
    }
    push_text(&mut segments, unescape(rest));
    segments
}

/// Writes segments as message text; text is escaped so that it cannot turn into codes.
pub fn print(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) => {
                for c in text.chars() {
                    match c {
                        '[' => out.push_str("\\u005b"),
                        ']' => out.push_str("\\u005d"),
                        '\\' => out.push_str("\\u005c"),
                        c => out.push(c),
                    }
                }
            }
            Segment::At(qq) => {
                let _ = write!(out, "[@{qq}]");
            }
            Segment::AtAll => out.push_str("[@all]"),
            Segment::Bq(id) => {
                let _ = write!(out, "[bq{id}]");
            }
            Segment::Code(code) => {
                out.push('[');
                out.push_str(&code.name);
                for (key, value) in &code.args {
                    let _ = write!(out, ",{key}={value}");
                }
                out.push(']');
            }
        }
    }
    out
}

/// `text` in its canonical form: what [`parse`] reads, printed back. Literal `[`, `]` and
/// `\` of the text (raw, or already escaped) come out as `\u005b`, `\u005d`, `\u005c`;
/// codes and short forms stay codes. Canonical text is its own canonical form, so
/// storing it and reading it back never changes it.
pub fn canonical(text: &str) -> Cow<'_, str> {
    if text.contains(['[', ']', '\\']) {
        Cow::Owned(print(&parse(text)))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text without codes (mentions and faces dropped), for previews and search.
pub fn plain_text(text: &str) -> String {
    parse(text)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_short_forms() {
        let segments = parse("hi [@10001][@all][bq12] [pic,hash=AB,wide=1]x[Face,Id=5,name=微笑]");
        assert_eq!(
            segments,
            vec![
                Segment::Text("hi ".into()),
                Segment::At(10001),
                Segment::AtAll,
                Segment::Bq(12),
                Segment::Text(" ".into()),
                Segment::Code(Code::new("pic").with("hash", "AB").with("wide", "1")),
                Segment::Text("x".into()),
                Segment::Code(Code::new("Face").with("Id", "5").with("name", "微笑")),
            ]
        );
        let Segment::Code(pic) = &segments[5] else {
            unreachable!()
        };
        assert!(pic.is("PIC"));
        assert_eq!(pic.get("HASH"), Some("AB"));
    }

    #[test]
    fn malformed_codes_stay_text() {
        assert_eq!(
            parse("[not a code] [a,b] [@x] ["),
            vec![Segment::Text("[not a code] [a,b] [@x] [".into())]
        );
        assert_eq!(
            parse("a[[@1]"),
            vec![Segment::Text("a[".into()), Segment::At(1)]
        );
        assert_eq!(parse("]"), vec![Segment::Text("]".into())]);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            parse("\\u005b@1\\u005d \\u005c"),
            vec![Segment::Text("[@1] \\".into())]
        );
        let segments = vec![Segment::Text("[@1] \\u005b".into())];
        assert_eq!(print(&segments), "\\u005b@1\\u005d \\u005cu005b");
        assert_eq!(parse(&print(&segments)), segments);
    }

    #[test]
    fn bare_names_are_codes_only_when_known() {
        assert_eq!(
            parse("[x][Shake][shake]"),
            vec![
                Segment::Text("[x]".into()),
                Segment::Code(Code::new("Shake")),
                Segment::Code(Code::new("shake")),
            ]
        );
        assert_eq!(
            parse("[Gift,ID=1]"),
            vec![Segment::Code(Code::new("Gift").with("ID", "1"))]
        );
    }

    #[test]
    fn a_piece_without_a_key_continues_the_value() {
        let card = r#"[Json,Data={"a":1,"b":[]},n=2]"#.replace("[]", "\\u005b\\u005d");
        assert_eq!(
            parse(&card),
            vec![Segment::Code(
                Code::new("Json")
                    .with("Data", r#"{"a":1,"b":\u005b\u005d}"#)
                    .with("n", "2")
            )]
        );
        // A piece with `=` inside the JSON reads as an argument, and still prints back.
        for text in [card.as_str(), r#"[Json,Data={"a":1,"u":"x=y"}]"#] {
            assert_eq!(print(&parse(text)), text);
            assert_eq!(canonical(text), text);
        }
    }

    #[test]
    fn canonical_escapes_literals_and_keeps_codes() {
        assert_eq!(
            canonical("a\\b [x] [@20001]"),
            "a\\u005cb \\u005bx\\u005d [@20001]"
        );
        assert_eq!(canonical("\\u005c]"), "\\u005c\\u005d");
        assert_eq!(
            canonical("[picFile,path=C:\\a.png]"),
            "[picFile,path=C:\\a.png]"
        );
        assert!(matches!(canonical("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn plain_text_drops_codes() {
        assert_eq!(plain_text("a[@1]b[pic,hash=x]c"), "abc");
    }
}
