//! The CQ-code string form (OB11 `message/string.md`), in both directions.
//!
//! Hand-written because it is small and every crate for it is immature (docs/onebot-implementations.md#why-lizis-onebot-types-are-its-own).
//! Text escapes `&` `[` `]` as `&amp;` `&#91;` `&#93;`; parameter values additionally
//! escape `,` as `&#44;`. Decoding is one left-to-right pass, which gives the same result
//! as unescaping `&#44;` `&#91;` `&#93;` first and `&amp;` last (docs/onebot-implementations.md#xlz-text-and-onebot-segments).
//! Parsing is total: anything that is not a well-formed `[CQ:…]` code stays text.

use serde_json::{Map, Value};

use super::{Message, Segment};

/// Escapes text outside codes: `&` → `&amp;`, `[` → `&#91;`, `]` → `&#93;`.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes a parameter value: as [`escape_text`], plus `,` → `&#44;`.
pub fn escape_param(value: &str) -> String {
    escape(value, true)
}

fn escape(text: &str, param: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            ',' if param => out.push_str("&#44;"),
            other => out.push(other),
        }
    }
    out
}

/// Undoes [`escape_text`]; `&#44;` is left as it is, as in text it is not an escape.
pub fn unescape_text(text: &str) -> String {
    unescape(text, false)
}

/// Undoes [`escape_param`].
pub fn unescape_param(value: &str) -> String {
    unescape(value, true)
}

fn unescape(text: &str, param: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let escapes: &[(&str, char)] = &[
            ("&amp;", '&'),
            ("&#91;", '['),
            ("&#93;", ']'),
            ("&#44;", ','),
        ];
        let found = escapes
            .iter()
            .filter(|(_, c)| param || *c != ',')
            .find(|(code, _)| rest.starts_with(code));
        match found {
            Some((code, c)) => {
                out.push(*c);
                rest = &rest[code.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes a message in the string form: text escaped, every other segment as
/// `[CQ:type,key=value,…]` with escaped values (numbers and booleans in their JSON
/// spelling, objects and arrays as compact JSON, `null` values left out).
pub fn to_cq_string(message: &[Segment]) -> String {
    let mut out = String::new();
    for segment in message {
        if segment.kind == "text" {
            if let Some(text) = segment.data.get("text").and_then(Value::as_str) {
                out.push_str(&escape_text(text));
            }
            continue;
        }
        out.push_str("[CQ:");
        out.push_str(&segment.kind);
        for (key, value) in &segment.data {
            let text = match value {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push(',');
            out.push_str(key);
            out.push('=');
            out.push_str(&escape_param(&text));
        }
        out.push(']');
    }
    out
}

/// Reads the string form: `[CQ:type,key=value,…]` codes become segments with string
/// values, the text between them `text` segments (adjacent text merged, empty text
/// dropped; a `[CQ:text,text=…]` code counts as text). A code's name ends at the first `,`
/// or `]`; a parameter splits at its first `=` (a parameter without one gets an empty
/// value); an unclosed code, or one with an empty name or a raw `[` inside, stays text.
pub fn parse_cq(text: &str) -> Message {
    let mut message = Message::new();
    let mut pending = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("[CQ:") {
        let code = &rest[start + 4..];
        let Some(end) = code.find(']') else { break };
        let Some(segment) = code_segment(&code[..end]) else {
            pending.push_str(&unescape_text(&rest[..start + 4]));
            rest = code;
            continue;
        };
        pending.push_str(&unescape_text(&rest[..start]));
        if segment.kind == "text" {
            pending.push_str(&segment.get_text("text").unwrap_or_default());
        } else {
            flush_text(&mut message, &mut pending);
            message.push(segment);
        }
        rest = &code[end + 1..];
    }
    pending.push_str(&unescape_text(rest));
    flush_text(&mut message, &mut pending);
    message
}

fn code_segment(inside: &str) -> Option<Segment> {
    let mut parts = inside.split(',');
    let kind = parts.next().unwrap_or_default();
    if kind.is_empty() || inside.contains('[') {
        return None;
    }
    let mut data = Map::new();
    for part in parts {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        data.insert(key.to_owned(), Value::String(unescape_param(value)));
    }
    Some(Segment {
        kind: kind.to_owned(),
        data,
    })
}

/// Moves the collected (already unescaped) text into a `text` segment.
fn flush_text(message: &mut Message, pending: &mut String) {
    if !pending.is_empty() {
        message.push(Segment::text(std::mem::take(pending)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_and_params_escape_differently() {
        assert_eq!(escape_text("a&b[c],d"), "a&amp;b&#91;c&#93;,d");
        assert_eq!(escape_param("a&b[c],d"), "a&amp;b&#91;c&#93;&#44;d");
        assert_eq!(unescape_text("&amp;#91;&#44;"), "&#91;&#44;");
        assert_eq!(unescape_param("&amp;#44;&#44;&"), "&#44;,&");
    }

    #[test]
    fn codes_split_at_the_first_comma_and_the_first_equals() {
        let message = parse_cq("hi [CQ:image,file=a=b.png,url=x&#44;y] &#91;ok&#93;");
        let out = serde_json::to_value(&message).expect("json");
        assert_eq!(
            out,
            json!([
                {"type": "text", "data": {"text": "hi "}},
                {"type": "image", "data": {"file": "a=b.png", "url": "x,y"}},
                {"type": "text", "data": {"text": " [ok]"}}
            ])
        );
    }

    #[test]
    fn malformed_codes_stay_text() {
        let message = parse_cq("a [CQ:at,qq=1 b [CQ:] c [CQ:face,id=1]");
        assert_eq!(message.len(), 2);
        assert_eq!(
            message[0].get_text("text").as_deref(),
            Some("a [CQ:at,qq=1 b [CQ:] c ")
        );
        assert_eq!(message[1].kind, "face");
    }

    #[test]
    fn non_string_values_are_written_in_their_json_spelling() {
        let mut segment = Segment::new("poke", &[]);
        segment.data.insert("type".into(), json!(1));
        segment.data.insert("skip".into(), Value::Null);
        segment.data.insert("obj".into(), json!({"a": [1, 2]}));
        assert_eq!(
            to_cq_string(&[segment]),
            "[CQ:poke,type=1,obj={\"a\":&#91;1&#44;2&#93;}]"
        );
    }
}
