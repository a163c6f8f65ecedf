//! One copy of a message: the events that carry a message refer to its history row.
//!
//! A group message seen by two framework accounts used to be stored three times: its
//! history row, and one event per account with the whole text in each. Now an event that
//! carries a message written in the same unit (a `GroupMsg` or `PrivateMsg` with that
//! message's `Req` and text) is stored as three numbers: its *shape*, the message it
//! carries (the history row's `Seq`) and the account that saw it (`LogonQQ`).
//!
//! A shape is the event's JSON with holes where the message's values go (`Req`, `Random`,
//! `Seq`, the two times and the `Text`) and where `LogonQQ` goes. It is stored once, in
//! `event_shapes`, and shared by every event of the same form: all the accounts that see a
//! message, and all the messages of one sender in one group while the sender's card and the
//! group's name stay the same. Reading an event from disk fills the holes back in; the
//! result is, byte for byte, the JSON the event was first delivered as, because a hole is
//! cut only where the event holds exactly the value that fills it, written the way
//! serde_json writes it.
//!
//! A hole is a control byte (1 to 6), which compact JSON never holds raw: serde_json
//! escapes every control character inside a string.
//!
//! A message's fields other than its recall flag never change once written (a recall
//! writes the row again with the same values), so an event rendered from the row later is
//! the event that was sent.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{Arc, LazyLock};

use lizi_core::Event;
use memchr::memmem::Finder;

use crate::hash::FxHasher;
use crate::history::MessageRow;
use crate::writer::Op;

mod stored;

pub(crate) use stored::share_stored_messages;

/// An event as it is written to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredEvent {
    /// The whole JSON (an event that carries no message of its unit).
    Whole(Arc<str>),
    /// A message event: its shape, the message it carries, and the account that saw it.
    Carrying {
        /// The shape's id in `event_shapes`.
        shape: u64,
        /// The carried message's global `Seq` (its history row).
        message: i64,
        /// The `LogonQQ` of the event.
        logon: i64,
    },
}

/// One event of an [`Op::Events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Its sequence number in the log.
    pub seq: u64,
    /// Bytes of all events before it (for lag limits).
    pub cum_before: u64,
    /// What is written.
    pub stored: StoredEvent,
}

const LOGON: u8 = 1;
const REQ: u8 = 2;
const RANDOM: u8 = 3;
const SEQ: u8 = 4;
const TIME: u8 = 5;
const TEXT: u8 = 6;

/// The keys whose values become holes, with the hole each becomes, in the order the events
/// write them. Each key names one value of a `GroupMsg` or `PrivateMsg` (a key inside a
/// string is escaped, so it cannot be matched).
const HOLES: [(&str, u8); 7] = [
    ("\"LogonQQ\":", LOGON),
    ("\"Recv\":", TIME),
    ("\"Send\":", TIME),
    ("\"Req\":", REQ),
    ("\"Random\":", RANDOM),
    ("\"Seq\":", SEQ),
    ("\"Text\":", TEXT),
];

/// The messages a unit writes, ready to be matched with the unit's events.
pub(crate) struct Carried<'a> {
    messages: Vec<(&'a MessageRow, Literal<'a>)>,
    /// The shape being cut (reused between events).
    scratch: String,
}

impl<'a> Carried<'a> {
    /// The messages among `ops`, or `None` when there are none.
    pub fn of(ops: &'a [Op]) -> Option<Carried<'a>> {
        let messages: Vec<(&MessageRow, Literal<'_>)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Message(row) => Some((&**row, Literal::of(&row.text))),
                _ => None,
            })
            .collect();
        (!messages.is_empty()).then(|| Carried {
            messages,
            scratch: String::new(),
        })
    }

    /// How to store `event`, whose JSON (without `LiziSeq`) is `json`: as a shape and a
    /// reference when it carries one of the unit's messages; `None` to store it whole.
    pub fn store(&mut self, event: &Event, json: &str, shapes: &mut ShapeIds) -> Option<Stored> {
        let (req, text) = match event {
            Event::GroupMsg(e) => (e.msg.req, &e.msg.text),
            Event::PrivateMsg(e) => (e.msg.req, &e.msg.text),
            Event::EventMsg(_) => return None,
        };
        let (message, literal) = self
            .messages
            .iter()
            .find(|(row, _)| row.req == req && row.text == *text)?;
        let logon = cut(json, message, literal, &mut self.scratch)?;
        let (shape, new) = shapes.id(&self.scratch);
        Some(Stored {
            event: StoredEvent::Carrying {
                shape,
                message: message.seq,
                logon,
            },
            new_shape: new,
        })
    }
}

/// An event stored as a shape, and the shape's op when the shape is new.
pub(crate) struct Stored {
    pub event: StoredEvent,
    pub new_shape: Option<Op>,
}

/// The JSON string literal of `text`, quotes included, exactly as serde_json writes it.
fn text_literal(text: &str) -> String {
    if text.bytes().any(needs_escape) {
        serde_json::to_string(text).unwrap_or_default()
    } else {
        let mut literal = String::with_capacity(text.len() + 2);
        literal.push('"');
        literal.push_str(text);
        literal.push('"');
        literal
    }
}

/// A message's text as an event's JSON holds it: between quotes as it is, or escaped when
/// it holds what serde_json escapes (then kept written out, else only borrowed).
pub(crate) enum Literal<'a> {
    /// Nothing to escape.
    Plain(&'a str),
    /// The escaped literal, quotes included.
    Escaped(String),
}

impl<'a> Literal<'a> {
    /// The literal of `text`.
    pub fn of(text: &'a str) -> Literal<'a> {
        if text.bytes().any(needs_escape) {
            Literal::Escaped(text_literal(text))
        } else {
            Literal::Plain(text)
        }
    }

    /// The literal's length when `json` starts with it.
    fn length_at(&self, json: &str) -> Option<usize> {
        match self {
            Literal::Plain(text) => {
                let inside = json.strip_prefix('"')?.strip_prefix(text)?;
                inside.starts_with('"').then_some(text.len() + 2)
            }
            Literal::Escaped(literal) => {
                json.starts_with(literal.as_str()).then_some(literal.len())
            }
        }
    }
}

/// Whether serde_json escapes this byte inside a string: quotes, backslashes and control
/// characters, nothing else.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// The integer written at the start of `text` (as serde_json writes one), and its length.
fn integer_at(text: &str) -> Option<(i64, usize)> {
    let bytes = text.as_bytes();
    let sign = usize::from(bytes.first() == Some(&b'-'));
    let digits = bytes[sign..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    // A canonical integer only: "-0" and leading zeros would not be written back as read.
    let leading_zero = bytes.get(sign) == Some(&b'0') && (digits > 1 || sign == 1);
    if digits == 0 || leading_zero {
        return None;
    }
    let length = sign + digits;
    Some((text[..length].parse::<i64>().ok()?, length))
}

/// Finds the keys of [`HOLES`], each built once.
fn finders() -> &'static [Finder<'static>; HOLES.len()] {
    static FINDERS: LazyLock<[Finder<'static>; HOLES.len()]> =
        LazyLock::new(|| HOLES.map(|(key, _)| Finder::new(key)));
    &FINDERS
}

/// Cuts the shape of a message event out of its JSON into `shape`, with a hole wherever
/// the value is the one `message` (or the event's own `LogonQQ`) fills it with; answers the
/// `LogonQQ`, or `None` when the event has no `LogonQQ` or no text to share.
///
/// Each key is looked for after the value of the one before, in the order `GroupMsg` and
/// `PrivateMsg` write them (a key an event lacks is skipped), so the JSON is read once:
/// looking each key up from the start, with `str::find`, cost more than serialising the
/// event (12,500 instructions an event of 1 KiB, measured with callgrind).
fn cut(json: &str, message: &MessageRow, literal: &Literal<'_>, shape: &mut String) -> Option<i64> {
    let bytes = json.as_bytes();
    shape.clear();
    // `copied`: the JSON before it is in the shape; `from`: where the next key is looked for.
    let (mut copied, mut from) = (0, 0);
    let (mut logon, mut text) = (None, false);
    for ((key, hole), finder) in HOLES.iter().zip(finders()) {
        let Some(found) = finder.find(&bytes[from..]) else {
            continue;
        };
        let at = from + found + key.len();
        let rest = &json[at..];
        let length = if *hole == TEXT {
            literal.length_at(rest)
        } else {
            integer_at(rest).and_then(|(value, length)| {
                let wanted = match *hole {
                    LOGON => {
                        logon = Some(value);
                        value
                    }
                    REQ => message.req,
                    RANDOM => message.random,
                    SEQ => message.seq,
                    _ => message.time,
                };
                (value == wanted).then_some(length)
            })
        };
        from = at;
        if let Some(length) = length {
            text |= *hole == TEXT;
            shape.push_str(&json[copied..at]);
            shape.push(char::from(*hole));
            copied = at + length;
            from = copied;
        }
    }
    if logon.is_none() || !text {
        return None;
    }
    shape.push_str(&json[copied..]);
    logon
}

/// What fills a shape's holes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fills<'a> {
    /// The event's `LogonQQ`.
    pub logon: i64,
    /// The carried message's `Req`, `Random`, `Seq`, time and text.
    pub req: i64,
    pub random: i64,
    pub seq: i64,
    pub time: i64,
    pub text: &'a str,
}

/// Writes the event of `shape` with its holes filled, then its `LiziSeq` `seq`, into `out`
/// (which is cleared first).
pub(crate) fn render(shape: &str, fills: &Fills<'_>, seq: u64, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    out.reserve(shape.len() + fills.text.len() + 64);
    let mut rest = shape;
    while let Some(at) = rest.bytes().position(|b| b <= TEXT) {
        out.push_str(&rest[..at]);
        let _ = match rest.as_bytes()[at] {
            LOGON => write!(out, "{}", fills.logon),
            REQ => write!(out, "{}", fills.req),
            RANDOM => write!(out, "{}", fills.random),
            SEQ => write!(out, "{}", fills.seq),
            TIME => write!(out, "{}", fills.time),
            TEXT => {
                if fills.text.bytes().any(needs_escape) {
                    out.push_str(&text_literal(fills.text));
                } else {
                    out.push('"');
                    out.push_str(fills.text);
                    out.push('"');
                }
                Ok(())
            }
            // Byte 0 does not occur in a shape (it is escaped in JSON like the others).
            _ => Ok(()),
        };
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    crate::events::append_seq(out, seq);
}

/// Most shapes remembered; past this the table of known shapes starts over (a shape met
/// again is then stored again, under a new id).
const SHAPES_KNOWN: usize = 4096;

/// The shapes written so far (or since the table last started over), by text.
#[derive(Debug, Default)]
pub(crate) struct ShapeIds {
    ids: HashMap<Arc<str>, u64, BuildHasherDefault<FxHasher>>,
    /// The id the next new shape gets.
    pub next: u64,
}

impl ShapeIds {
    /// The id of `shape`, and the op that writes it when it is new.
    fn id(&mut self, shape: &str) -> (u64, Option<Op>) {
        if let Some(id) = self.ids.get(shape) {
            return (*id, None);
        }
        if self.ids.len() >= SHAPES_KNOWN {
            self.ids.clear();
        }
        let id = self.next.max(1);
        self.next = id + 1;
        let shape: Arc<str> = shape.into();
        self.ids.insert(shape.clone(), id);
        (id, Some(Op::Shape { id, body: shape }))
    }

    /// Forgets every shape: those of units that failed may never have been written.
    pub fn forget(&mut self) {
        self.ids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Conv;
    use lizi_core::event::{GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender, TimeStamp};

    fn row(text: &str) -> MessageRow {
        MessageRow {
            conv: Conv {
                kind: Conv::GROUP,
                a: 40001,
                b: 0,
            },
            req: 7,
            random: 123456,
            seq: 99,
            time: 1_700_000_000,
            sender: 20001,
            target: None,
            group: Some(40001),
            text: text.into(),
            recalled: false,
        }
    }

    fn event(logon: u64, text: &str, card: &str) -> Event {
        Event::GroupMsg(GroupMsg {
            from_qq: GroupSender {
                uin: 20001,
                card: card.into(),
                ..GroupSender::default()
            },
            logon_qq: logon,
            time_stamp: TimeStamp {
                recv: 1_700_000_000,
                send: 1_700_000_000,
            },
            from_group: GroupMsgGroup {
                gin: 40001,
                name: "Text\":\"x".into(),
            },
            msg: GroupMsgBody {
                req: 7,
                random: 123456,
                sub_type: 134,
                text: text.into(),
                ..GroupMsgBody::default()
            },
            ..GroupMsg::default()
        })
    }

    fn round_trip(text: &str, card: &str) {
        let message = Arc::new(row(text));
        let ops = vec![Op::Message(message.clone())];
        let mut carried = Carried::of(&ops).unwrap();
        let mut shapes = ShapeIds::default();
        let mut ids = Vec::new();
        for logon in [10001, 10002] {
            let event = event(logon, text, card);
            let json = serde_json::to_string(&event).unwrap();
            let stored = carried.store(&event, &json, &mut shapes).unwrap();
            let StoredEvent::Carrying {
                shape,
                message: carried_seq,
                logon: stored_logon,
            } = stored.event
            else {
                panic!("stored whole");
            };
            assert_eq!((carried_seq, stored_logon), (99, logon as i64));
            assert!(
                !carried.scratch.contains(text),
                "the text is not in the shape"
            );
            let mut rendered = String::new();
            let fills = Fills {
                logon: stored_logon,
                req: message.req,
                random: message.random,
                seq: message.seq,
                time: message.time,
                text: &message.text,
            };
            render(&carried.scratch, &fills, 5, &mut rendered);
            assert_eq!(rendered, crate::encode_event(&event, 5));
            ids.push((shape, stored.new_shape.is_some()));
        }
        assert_eq!(ids[0].0, ids[1].0, "both accounts' events share a shape");
        assert_eq!((ids[0].1, ids[1].1), (true, false), "written once");
    }

    #[test]
    fn a_message_event_renders_back_byte_for_byte() {
        round_trip("hello", "");
        round_trip(&"长文本".repeat(400), "card \"Text\":\"");
        round_trip("quotes \" and \\ and \n and \u{1} and \u{7f}", "\u{6}");
    }

    #[test]
    fn an_event_whose_text_differs_from_the_message_is_stored_whole() {
        let ops = vec![Op::Message(Arc::new(row("one")))];
        let mut carried = Carried::of(&ops).unwrap();
        let event = event(10001, "two", "");
        let json = serde_json::to_string(&event).unwrap();
        assert!(carried
            .store(&event, &json, &mut ShapeIds::default())
            .is_none());
    }

    #[test]
    fn values_that_differ_from_the_message_stay_in_the_shape() {
        let message = row("x");
        let mut different = message.clone();
        different.time += 1;
        different.random += 1;
        let json = serde_json::to_string(&event(10001, "x", "")).unwrap();
        let mut shape = String::new();
        cut(&json, &different, &Literal::of("x"), &mut shape).unwrap();
        assert!(shape.contains("\"Recv\":1700000000"), "{shape}");
        assert!(shape.contains("\"Random\":123456"), "{shape}");
        assert!(shape.contains("\"Req\":\u{2}"), "{shape}");
    }

    #[test]
    fn integers_are_read_only_in_their_canonical_form() {
        assert_eq!(integer_at("123,"), Some((123, 3)));
        assert_eq!(integer_at("-5}"), Some((-5, 2)));
        assert_eq!(integer_at("0,"), Some((0, 1)));
        assert_eq!(integer_at("-07,"), None);
        assert_eq!(integer_at("-0,"), None);
        assert_eq!(integer_at("007,"), None);
        assert_eq!(integer_at("\"a\""), None);
        assert_eq!(integer_at("99999999999999999999"), None);
    }
}
