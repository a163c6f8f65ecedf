//! Properties of the CQ codec: the string form of a message reads back as the same
//! message, and parsing any string is stable under a write/read cycle.

use lizi_onebot::message::{
    escape_param, escape_text, parse_cq, to_cq_string, unescape_param, unescape_text,
};
use lizi_onebot::{Message, Segment};
use proptest::prelude::*;
use serde_json::Value;

/// Text with the characters that need escaping well represented.
fn text() -> impl Strategy<Value = String> {
    "([a-z &\\[\\],=#;:]|&amp;|&#91;|&#44;|\\[CQ:|测){1,12}"
}

fn code() -> impl Strategy<Value = Segment> {
    let data = proptest::collection::vec(("[a-z_]{1,6}", text()), 0..4);
    ("[a-z]{1,8}".prop_filter("not text", |k| k != "text"), data).prop_map(|(kind, data)| Segment {
        kind,
        data: data
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    })
}

/// Messages in the shape `parse_cq` produces: no empty or adjacent text segments.
fn message() -> impl Strategy<Value = Message> {
    proptest::collection::vec(prop_oneof![text().prop_map(Segment::text), code()], 0..6).prop_map(
        |segments| {
            let mut out: Message = Vec::new();
            for segment in segments {
                let both_text =
                    segment.kind == "text" && out.last().is_some_and(|l| l.kind == "text");
                if both_text {
                    let last = out.last_mut().map(|l| &mut l.data);
                    if let (Some(data), Some(more)) = (last, segment.get_text("text")) {
                        let joined = format!("{}{more}", data["text"].as_str().unwrap_or(""));
                        data.insert("text".into(), Value::String(joined));
                    }
                } else {
                    out.push(segment);
                }
            }
            out
        },
    )
}

proptest! {
    #[test]
    fn a_message_survives_its_string_form(message in message()) {
        prop_assert_eq!(parse_cq(&to_cq_string(&message)), message);
    }

    #[test]
    fn parsing_any_string_is_stable(input in "([a-z ,=&#;\\[\\]:]|CQ|\\[CQ:|&amp;|&#93;){0,30}") {
        let once = parse_cq(&input);
        prop_assert_eq!(parse_cq(&to_cq_string(&once)), once);
    }

    #[test]
    fn escaping_inverts(value in text()) {
        prop_assert_eq!(unescape_text(&escape_text(&value)), value.clone());
        prop_assert_eq!(unescape_param(&escape_param(&value)), value);
    }
}

#[test]
fn the_escape_sequences_are_exactly_the_standard_ones() {
    let message = vec![
        Segment::text("a&[b],c"),
        Segment::new("share", &[("title", "x,[y]&".into())]),
    ];
    assert_eq!(
        to_cq_string(&message),
        "a&amp;&#91;b&#93;,c[CQ:share,title=x&#44;&#91;y&#93;&amp;]"
    );
}
