//! QQ's limits on the length of one message, and how a message is measured against them.
//!
//! QQ refuses a message longer than it allows instead of storing or delivering it; so does
//! the simulated network. The defaults are QQ's own figures as the open-source QQ clients
//! document them (the README's configuration table gives the sources):
//!
//! - **text**: 4,500 characters ([`DEFAULT_TEXT_CHARS`]). Characters are Unicode scalar
//!   values, as QQ counts them (a Chinese character is one, not three bytes), and every
//!   code (`[@…]`, `[pic,…]`, a face…) counts as one character: a picture is not a hundred
//!   characters of text.
//! - **card** (`[Json,Data=…]`, `[Xml,Data=…]`): 18,000 bytes of payload
//!   ([`DEFAULT_CARD_BYTES`]), the most one message carries.

use lizi_core::textcode::{parse, Segment};

use crate::error::SimError;

/// Default most characters of one text message.
pub const DEFAULT_TEXT_CHARS: usize = 4500;
/// Default most bytes of one card message's payload.
pub const DEFAULT_CARD_BYTES: usize = 18_000;

/// The most one message may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageLimits {
    /// Most characters of a text message (each code counting as one).
    pub text_chars: usize,
    /// Most bytes of a card's payload.
    pub card_bytes: usize,
}

impl Default for MessageLimits {
    fn default() -> Self {
        MessageLimits {
            text_chars: DEFAULT_TEXT_CHARS,
            card_bytes: DEFAULT_CARD_BYTES,
        }
    }
}

/// The prefixes of a card message's text.
const CARD_PREFIXES: [&str; 2] = ["[Json,Data=", "[Xml,Data="];

impl MessageLimits {
    /// Fails with [`SimError::TooLong`] when `text` (a message's text, with codes) is
    /// longer than these limits allow.
    pub fn check(&self, text: &str) -> Result<(), SimError> {
        if let Some(payload) = card_payload(text) {
            if payload.len() > self.card_bytes && unescaped_len(payload) > self.card_bytes {
                return Err(SimError::TooLong {
                    what: "card",
                    length: unescaped_len(payload),
                    unit: "bytes",
                    limit: self.card_bytes,
                });
            }
            return Ok(());
        }
        // A text is never more characters than bytes: most texts need no counting.
        if text.len() <= self.text_chars {
            return Ok(());
        }
        let length = text_chars(text);
        if length > self.text_chars {
            return Err(SimError::TooLong {
                what: "text message",
                length,
                unit: "characters",
                limit: self.text_chars,
            });
        }
        Ok(())
    }
}

/// The payload of a card message's text (escapes kept), or `None` for any other text.
fn card_payload(text: &str) -> Option<&str> {
    CARD_PREFIXES
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .map(|rest| rest.strip_suffix(']').unwrap_or(rest))
}

/// The bytes of a card payload once its three escapes (`\u005b`, `\u005d`, `\u005c`,
/// six bytes for one) are undone.
fn unescaped_len(payload: &str) -> usize {
    let escapes: usize = ["\\u005b", "\\u005d", "\\u005c"]
        .iter()
        .map(|escape| payload.matches(escape).count())
        .sum();
    payload.len() - 5 * escapes
}

/// The length of a text as QQ counts it: characters, each code one.
pub fn text_chars(text: &str) -> usize {
    parse(text)
        .iter()
        .map(|segment| match segment {
            Segment::Text(text) => text.chars().count(),
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_and_codes() {
        assert_eq!(text_chars("你好"), 2);
        assert_eq!(text_chars("a[@10001]b[pic,hash=ABCDEF0123456789]"), 4);
        let limits = MessageLimits {
            text_chars: 3,
            card_bytes: 5,
        };
        assert!(limits.check("你好吗").is_ok());
        assert!(limits.check("[@10001][@10002]xy").is_err());
        assert!(limits.check("[Json,Data={\"a\":1}]").is_err());
        assert!(limits.check("[Xml,Data=<a/>]").is_ok());
        assert!(limits.check("[Xml,Data=\\u005b\\u005d]").is_ok());
        let error = limits.check("abcd").unwrap_err();
        assert_eq!(
            error.to_string(),
            "the text message is 4 characters long; QQ allows at most 3"
        );
    }
}
