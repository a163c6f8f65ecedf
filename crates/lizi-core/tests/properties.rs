//! Properties of the text-code parser and the form decoder: they never panic, and
//! printing then parsing gives back what was printed.

use lizi_core::param::decode_base64;
use lizi_core::textcode::{canonical, parse, print, Code, Segment};
use lizi_core::{Form, ENDPOINTS};
use proptest::prelude::*;

fn segment() -> impl Strategy<Value = Segment> {
    let text = "[a-z \\[\\]\\\\你😀,=@]{1,12}".prop_map(Segment::Text);
    let name = "[A-Za-z][A-Za-z0-9_]{0,8}".prop_filter("not a short form", |n| {
        !(n.starts_with("bq") && n.len() > 2 && n[2..].bytes().all(|b| b.is_ascii_digit()))
    });
    let args = proptest::collection::vec(("[A-Za-z0-9_]{1,6}", "[^,\\[\\]]{0,10}"), 0..4);
    let code = (name, args)
        .prop_map(|(name, args)| Code { name, args })
        .prop_filter("printable", Code::is_printable)
        .prop_map(Segment::Code);
    let bare = proptest::sample::select(vec!["Shake", "face", "PIC", "Reply"])
        .prop_map(|name| Segment::Code(Code::new(name)));
    prop_oneof![
        text,
        any::<u64>().prop_map(Segment::At),
        Just(Segment::AtAll),
        any::<u32>().prop_map(Segment::Bq),
        code,
        bare,
    ]
}

/// Adjacent text segments merge when parsed; merge them before comparing.
fn normalise(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for segment in segments {
        match (out.last_mut(), segment) {
            (Some(Segment::Text(last)), Segment::Text(text)) => last.push_str(&text),
            (_, segment) => out.push(segment),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn print_then_parse_is_identity(segments in proptest::collection::vec(segment(), 0..8)) {
        let segments = normalise(segments);
        prop_assert_eq!(parse(&print(&segments)), segments);
    }

    #[test]
    fn parse_never_panics_and_reprints_stably(text in "\\PC{0,64}") {
        let segments = parse(&text);
        let printed = print(&segments);
        prop_assert_eq!(parse(&printed), segments);
    }

    #[test]
    fn canonical_text_is_stable_and_means_the_same(text in "[a-e\\[\\]\\\\u005bcd@1,=]{0,40}|\\PC{0,40}") {
        let once = canonical(&text).into_owned();
        prop_assert_eq!(parse(&once), parse(&text));
        prop_assert_eq!(canonical(&once).into_owned(), once.clone());
        prop_assert_eq!(print(&parse(&once)), once);
    }

    /// No code or short form can be spelled with these letters: all of it is text.
    #[test]
    fn canonical_text_has_no_raw_literals(text in "[a-d \\[\\]\\\\]{0,40}") {
        let escaped = text
            .replace('\\', "\\u005c")
            .replace('[', "\\u005b")
            .replace(']', "\\u005d");
        prop_assert_eq!(canonical(&text).into_owned(), escaped);
    }

    #[test]
    fn form_decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..256), query in "\\PC{0,64}") {
        let form = Form::decode(&body, Some(&query));
        for spec in ENDPOINTS {
            let _ = (spec.parse)(&form);
        }
        for key in form.keys() {
            prop_assert_eq!(key.to_ascii_lowercase(), key);
        }
    }

    #[test]
    fn form_round_trips_percent_encoded_values(key in "[a-z]{1,8}", value in "\\PC{0,32}") {
        let encoded: String = value.bytes().map(|b| format!("%{b:02X}")).collect();
        let form = Form::decode(format!("{key}={encoded}").as_bytes(), None);
        prop_assert_eq!(form.get(&key), Some(Ok(value.as_str())));
    }

    #[test]
    fn base64_decodes_with_raw_plus(bytes in proptest::collection::vec(any::<u8>(), 1..64)) {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
        // A client that sends base64 unescaped: every `+` arrives as a space.
        let form = Form::decode(format!("pic={encoded}").as_bytes(), None);
        let raw = form.get("pic").unwrap().unwrap();
        prop_assert_eq!(decode_base64(raw).unwrap(), bytes);
    }
}
