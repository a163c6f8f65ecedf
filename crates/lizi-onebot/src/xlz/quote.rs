//! [`Quoted`]: the stored message a `reply` segment names, as XLZ's reply code quotes it.
//! The conversion keeps no messages itself: the face and the bridge look the message up
//! in their own stores and hand over these few fields.

use lizi_core::textcode::{self, Code};

/// The message a reply quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted<'a> {
    /// Who sent it.
    pub sender: u64,
    /// Its XLZ `Req`.
    pub req: i64,
    /// Its XLZ `Random`.
    pub random: i64,
    /// When it was sent (unix seconds).
    pub time: i64,
    /// Its XLZ text.
    pub text: &'a str,
}

impl Quoted<'_> {
    /// `[Reply,SendQQID=…,Req=…,Random=…,SendTime=…]`: the reply code of a message an
    /// implementation reported (the bridge), whose quoted text goes to `Text_Reply`.
    pub fn code(&self) -> Code {
        self.fields(Code::new("Reply"))
    }

    /// `[Reply,Content=…,SendQQID=…,Req=…,Random=…,SendTime=…]`: the reply code of a
    /// message a bot sends through the face, as lizi's network quotes; the `Content`
    /// preview is the quoted text's plain text, losing the characters a code value cannot
    /// hold.
    pub fn code_with_preview(&self) -> Code {
        let preview: String = textcode::plain_text(self.text)
            .chars()
            .map(|c| if matches!(c, ',' | '[' | ']') { ' ' } else { c })
            .collect();
        self.fields(Code::new("Reply").with("Content", preview))
    }

    fn fields(&self, code: Code) -> Code {
        code.with("SendQQID", self.sender.to_string())
            .with("Req", self.req.to_string())
            .with("Random", self.random.to_string())
            .with("SendTime", self.time.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_code_quotes_the_message_with_or_without_a_preview() {
        let quoted = Quoted {
            sender: 5,
            req: 4,
            random: 77,
            time: 100,
            text: "a,b[@1]",
        };
        assert_eq!(
            textcode::print(&[textcode::Segment::Code(quoted.code())]),
            "[Reply,SendQQID=5,Req=4,Random=77,SendTime=100]"
        );
        let previewed = quoted.code_with_preview();
        assert_eq!(previewed.get("Content"), Some("a b"));
        assert_eq!(previewed.get("SendQQID"), Some("5"));
    }
}
