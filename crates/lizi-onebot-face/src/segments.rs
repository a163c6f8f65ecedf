//! OneBot message segments written as XLZ message text (onebot.md §4): text escaped so it
//! cannot turn into codes, `at` as `[@qq]`/`[@all]`, `face` as `[Face,Id=…]`, `reply` as
//! XLZ's `[Reply,Content=…,SendQQID=…,Req=…,Random=…,SendTime=…]` of the quoted message;
//! pictures and voices come in already uploaded, as codes ([`to_xlz_text_with`]). Segments
//! this face cannot send yet are refused by name rather than dropped.

use lizi_core::textcode::{self, Code};
use lizi_onebot::message::{AtTarget, View};
use lizi_onebot::Segment;
use lizi_store::MessageRow;

/// A segment the face cannot turn into XLZ text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsendable(pub String);

impl std::fmt::Display for Unsendable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The XLZ reply code quoting a stored message; the quoted text, a preview, loses the
/// characters a code value cannot hold.
pub fn reply_code(row: &MessageRow) -> Code {
    let preview: String = textcode::plain_text(&row.text)
        .chars()
        .map(|c| if matches!(c, ',' | '[' | ']') { ' ' } else { c })
        .collect();
    Code::new("Reply")
        .with("Content", preview)
        .with("SendQQID", row.sender.to_string())
        .with("Req", row.req.to_string())
        .with("Random", row.random.to_string())
        .with("SendTime", row.time.to_string())
}

/// Writes `message` as XLZ message text; `quote` gives the reply code of the message a
/// `reply` segment names (`None`: no such message).
pub fn to_xlz_text(
    message: &[Segment],
    quote: &dyn Fn(i64) -> Option<Code>,
) -> Result<String, Unsendable> {
    to_xlz_text_with(message, quote, |_| None)
}

/// Writes `message` as XLZ message text, as [`to_xlz_text`] does; `ready` gives the text
/// of the segments prepared elsewhere (uploaded pictures and voices), by index.
pub fn to_xlz_text_with(
    message: &[Segment],
    quote: &dyn Fn(i64) -> Option<Code>,
    ready: impl Fn(usize) -> Option<textcode::Segment>,
) -> Result<String, Unsendable> {
    let mut pieces = Vec::with_capacity(message.len());
    for (index, segment) in message.iter().enumerate() {
        if let Some(piece) = ready(index) {
            pieces.push(piece);
            continue;
        }
        let view = segment
            .view()
            .map_err(|e| Unsendable(format!("bad `{}` segment: {e:?}", segment.kind)))?;
        pieces.push(match view {
            View::Text(text) => textcode::Segment::Text(text),
            View::At(AtTarget::User(qq)) => textcode::Segment::At(qq),
            View::At(AtTarget::All) => textcode::Segment::AtAll,
            View::Face(id) => textcode::Segment::Code(Code::new("Face").with("Id", id.to_string())),
            View::Reply(id) => textcode::Segment::Code(quote(id).ok_or_else(|| {
                Unsendable(format!("the `reply` segment names no known message ({id})"))
            })?),
            _ => {
                return Err(Unsendable(format!(
                    "lizi's OneBot face cannot send `{}` segments yet",
                    segment.kind
                )))
            }
        });
    }
    if pieces.is_empty() {
        return Err(Unsendable("the message is empty".into()));
    }
    Ok(textcode::print(&pieces))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_quote(_: i64) -> Option<Code> {
        None
    }

    #[test]
    fn a_reply_becomes_the_xlz_reply_code_of_the_quoted_message() {
        let quote = |id: i64| (id == -7).then(|| Code::new("Reply").with("Req", "3"));
        let message = [Segment::reply(-7), Segment::text("yes")];
        assert_eq!(
            to_xlz_text(&message, &quote).expect("sendable"),
            "[Reply,Req=3]yes"
        );
    }

    #[test]
    fn text_is_escaped_and_mentions_become_codes() {
        let message = vec![
            Segment::text("a[b]\\"),
            Segment::at(42),
            Segment::at_all(),
            Segment::face(14),
        ];
        assert_eq!(
            to_xlz_text(&message, &no_quote).expect("sendable"),
            "a\\u005bb\\u005d\\u005c[@42][@all][Face,Id=14]"
        );
    }

    #[test]
    fn unsendable_segments_are_refused_by_name() {
        let error = to_xlz_text(&[Segment::record("x.amr")], &no_quote).expect_err("refused");
        assert!(error.0.contains("`record`"), "{error}");
        assert!(to_xlz_text(&[], &no_quote).is_err());
        let error = to_xlz_text(&[Segment::reply(5)], &no_quote).expect_err("refused");
        assert!(error.0.contains("no known message"), "{error}");
    }
}
