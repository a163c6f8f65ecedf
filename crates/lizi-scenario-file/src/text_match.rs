//! How a recorded message of the bot becomes what `lizi test` expects of it: the exact
//! text, or — when the text holds something that changes from run to run — a pattern
//! that keeps everything else exact, or `contains` when nothing else is left.
//!
//! The rule (docs/lizi-test.md, "From a conversation to a test"): these pieces change
//! from run to run and are matched loosely:
//!
//! - every text code but mentions (`[@…]`) and faces (`[Face,…]`, `[bq…]`, `[Shake]`):
//!   pictures, voices, files, replies, cards (their hashes, URLs, `Req`, times);
//! - URLs (`http://…`, `https://…`);
//! - times (`12:30`, `12:30:05`) and dates (`2024-05-01`, `2024/5/1`);
//! - numbers of four digits or more that are not a QQ or group number of the recording
//!   (random numbers, counters, ids).
//!
//! A text with none of them is expected exactly; with some, as a pattern `^…$` with each
//! changing piece replaced by what matches any such piece; a text made only of one such
//! code, as `contains` of the code's start (`[pic`).

use std::collections::BTreeSet;

use lizi_core::textcode::{self, Segment};

/// What the bot's message must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    /// Exactly this text.
    Exact(String),
    /// A text containing this piece.
    Contains(String),
    /// A text matching this regular expression (anchored).
    Pattern(String),
}

/// Text codes that stay the same from run to run.
const STABLE_CODES: &[&str] = &["Face", "bigFace", "smallFace", "Shake"];

/// A piece of a message: kept exactly, or loosely.
enum Piece {
    /// Matched exactly.
    Literal(String),
    /// Changes from run to run: the regular expression that matches any such piece.
    Loose(String),
}

/// What `text`, a message of the bot, is expected to be; `known` are the QQ and group
/// numbers of the recording (never loose).
pub fn text_match(text: &str, known: &BTreeSet<u64>) -> TextMatch {
    let segments = textcode::parse(text);
    let mut pieces = Vec::new();
    for segment in &segments {
        let printed = textcode::print(std::slice::from_ref(segment));
        match segment {
            Segment::Code(code) if !STABLE_CODES.iter().any(|name| code.is(name)) => {
                let name = regex::escape(&code.name);
                pieces.push(Piece::Loose(format!(r"\[{name}(?:,[^\]]*)?\]")));
            }
            Segment::Text(_) => split_text(&printed, known, &mut pieces),
            _ => pieces.push(Piece::Literal(printed)),
        }
    }
    let loose = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Loose(_)))
        .count();
    if loose == 0 {
        return TextMatch::Exact(text.to_owned());
    }
    let blank = pieces.iter().all(|p| {
        matches!(p, Piece::Loose(_)) || matches!(p, Piece::Literal(t) if t.trim().is_empty())
    });
    if loose == 1 && blank {
        if let [Segment::Code(code)] = segments
            .iter()
            .filter(|s| !matches!(s, Segment::Text(t) if t.trim().is_empty()))
            .collect::<Vec<_>>()
            .as_slice()
        {
            return TextMatch::Contains(format!("[{}", code.name));
        }
    }
    let mut pattern = String::from("^");
    for piece in &pieces {
        match piece {
            Piece::Literal(text) => pattern.push_str(&regex::escape(text)),
            Piece::Loose(loose) => pattern.push_str(loose),
        }
    }
    pattern.push('$');
    TextMatch::Pattern(pattern)
}

/// Splits printed plain text into literal pieces and loose ones (URLs, times, dates,
/// long numbers that are not `known`).
fn split_text(text: &str, known: &BTreeSet<u64>, pieces: &mut Vec<Piece>) {
    let loose = loose_pieces();
    let mut at = 0;
    for found in loose.find_iter(text) {
        let piece = found.as_str();
        let regex = if piece.starts_with("http") {
            r"\S+"
        } else if piece.contains(':') {
            r"\d{1,2}:\d{2}(?::\d{2})?"
        } else if piece.contains(['-', '/']) {
            r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
        } else if piece.len() >= 4 && !piece.parse().is_ok_and(|n: u64| known.contains(&n)) {
            r"\d+"
        } else {
            continue;
        };
        if found.start() > at {
            pieces.push(Piece::Literal(text[at..found.start()].to_owned()));
        }
        pieces.push(Piece::Loose(regex.to_owned()));
        at = found.end();
    }
    if at < text.len() {
        pieces.push(Piece::Literal(text[at..].to_owned()));
    }
}

/// URLs, times, dates and digit runs, longest first at each place.
fn loose_pieces() -> &'static regex::Regex {
    static LOOSE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    LOOSE.get_or_init(|| {
        regex::Regex::new(r"https?://\S+|\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|\d+")
            .expect("a valid regular expression")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<u64> {
        [10001, 20001, 30001].into_iter().collect()
    }

    #[test]
    fn plain_text_and_mentions_are_exact() {
        assert_eq!(
            text_match("hi [@20001], 42 and 30001", &known()),
            TextMatch::Exact("hi [@20001], 42 and 30001".into())
        );
        assert_eq!(
            text_match("[Face,Id=14] ok", &known()),
            TextMatch::Exact("[Face,Id=14] ok".into())
        );
    }

    #[test]
    fn changing_pieces_become_a_pattern_that_matches_the_original() {
        let text = "rolled 48213 at 12:30:05 on 2024-05-01, see https://x.example/a?b=1 [@20001] \\u005bok\\u005d";
        let TextMatch::Pattern(pattern) = text_match(text, &known()) else {
            panic!("a pattern");
        };
        let regex = regex::Regex::new(&pattern).expect("valid");
        assert!(regex.is_match(text), "{pattern}");
        assert!(
            regex.is_match("rolled 7 at 9:01 on 2025/1/2, see http://y [@20001] \\u005bok\\u005d")
        );
        assert!(
            !regex.is_match("rolled 7 at 9:01 on 2025/1/2, see http://y [@20002] \\u005bok\\u005d")
        );
    }

    #[test]
    fn a_lone_picture_is_contains_and_a_captioned_one_a_pattern() {
        assert_eq!(
            text_match("[pic,hash=AB12,url=http://h/x]", &known()),
            TextMatch::Contains("[pic".into())
        );
        let TextMatch::Pattern(pattern) =
            text_match("look [pic,hash=AB12,url=http://h/x]", &known())
        else {
            panic!("a pattern");
        };
        assert_eq!(pattern, r"^look \[pic(?:,[^\]]*)?\]$");
    }
}
