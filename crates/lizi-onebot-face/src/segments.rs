//! OneBot message segments written as XLZ message text (onebot.md §4): text escaped so it
//! cannot turn into codes, `at` as `[@qq]`/`[@all]`, `face` as `[Face,Id=…]`; pictures and
//! voices come in already uploaded, as codes ([`to_xlz_text_with`]). Segments this face
//! cannot send yet are refused by name rather than dropped.

use lizi_core::textcode::{self, Code};
use lizi_onebot::message::{AtTarget, View};
use lizi_onebot::Segment;

/// A segment the face cannot turn into XLZ text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsendable(pub String);

impl std::fmt::Display for Unsendable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writes `message` as XLZ message text.
pub fn to_xlz_text(message: &[Segment]) -> Result<String, Unsendable> {
    to_xlz_text_with(message, |_| None)
}

/// Writes `message` as XLZ message text; `ready` gives the text of the segments prepared
/// elsewhere (uploaded pictures and voices), by index.
pub fn to_xlz_text_with(
    message: &[Segment],
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

    #[test]
    fn text_is_escaped_and_mentions_become_codes() {
        let message = vec![
            Segment::text("a[b]\\"),
            Segment::at(42),
            Segment::at_all(),
            Segment::face(14),
        ];
        assert_eq!(
            to_xlz_text(&message).expect("sendable"),
            "a\\u005bb\\u005d\\u005c[@42][@all][Face,Id=14]"
        );
    }

    #[test]
    fn unsendable_segments_are_refused_by_name() {
        let error = to_xlz_text(&[Segment::record("x.amr")]).expect_err("refused");
        assert!(error.0.contains("`record`"), "{error}");
        assert!(to_xlz_text(&[]).is_err());
    }
}
