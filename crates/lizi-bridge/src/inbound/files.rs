//! Files in OneBot events (docs/bridge.md#how-onebot-events-become-xlz-events `group_upload`, `offline_file` and `file`
//! segments): each one noted once among the [`FileRecords`], and the XLZ event that
//! carries it.
//!
//! A group upload is one XLZ `GroupMsg` whose `File` names the file. NapCat posts both a
//! `group_upload` notice and a message with a `file` segment for it; the first one seen
//! makes the event and the other is dropped ([`FileRecords::note`]). A notice becomes a
//! message event through [`as_message`] so that both take the same conversion.

use lizi_core::event::{private_kind, FileRef};
use lizi_core::textcode::{self, Segment as TextSegment};
use lizi_core::{Event, Uin};
use lizi_onebot::event::{Body, MessageEvent, Notice};
use lizi_onebot::message::View;
use lizi_onebot::Segment;
use lizi_store::Op;
use serde_json::{json, Value};

use crate::state::files::{FileRecord, FileRecords, DEFAULT_BUSID};
use crate::state::kept::or_unknown;

/// Where message ids lizi makes up for notices start: above every 32-bit id the
/// implementations give.
const SYNTHETIC_IDS: i64 = 1 << 40;

/// What [`FileRecords::note`] found in an event.
#[derive(Debug)]
pub enum Noted {
    /// No file in it.
    NoFile,
    /// A file reported before: the event makes nothing.
    Seen,
    /// A new file, and the op that keeps its record.
    New(Op),
}

impl FileRecords {
    /// Records the file `event` reports to `account`, or says it was reported before.
    pub fn note(&mut self, account: Uin, event: &lizi_onebot::Event) -> Noted {
        let Some(record) = reported_file(account, event) else {
            return Noted::NoFile;
        };
        if or_unknown(self.get(account, &record.id), "a file").is_some() {
            return Noted::Seen;
        }
        Noted::New(self.insert(record))
    }
}

/// The file an event reports, if any.
fn reported_file(account: Uin, event: &lizi_onebot::Event) -> Option<FileRecord> {
    match &event.body {
        Body::Notice(Notice::GroupUpload(upload)) => Some(FileRecord {
            account,
            group: upload.group_id,
            id: upload.file.id.clone(),
            name: upload.file.name.clone(),
            size: upload.file.size,
            busid: upload.file.busid,
            md5: None,
        }),
        Body::Notice(Notice::Other(raw)) if is_offline_file(raw) => {
            let file = offline_file(raw)?;
            Some(FileRecord {
                account,
                group: 0,
                id: file.id,
                name: file.name,
                size: file.size,
                busid: 0,
                md5: None,
            })
        }
        Body::Message(message) | Body::MessageSent(message) => {
            let (group, segments) = match message {
                MessageEvent::Group(group) => (group.group_id, &group.message),
                MessageEvent::Private(private) => (0, &private.message),
                MessageEvent::Other(_) => return None,
            };
            let file = file_of(segments)?;
            Some(FileRecord {
                account,
                group,
                id: file.id,
                name: file.name,
                size: file.size,
                busid: if group == 0 { 0 } else { DEFAULT_BUSID },
                md5: None,
            })
        }
        _ => None,
    }
}

fn is_offline_file(raw: &serde_json::Map<String, Value>) -> bool {
    raw.get("notice_type").and_then(Value::as_str) == Some("offline_file")
}

/// The file of an `offline_file` notice (`file{name,size,url}`; an id when the
/// implementation gives one, else its URL stands for it).
fn offline_file(raw: &serde_json::Map<String, Value>) -> Option<FileRef> {
    let file = raw.get("file")?;
    let text = |key: &str| match file.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let id = text("id")
        .or_else(|| text("file_id"))
        .or_else(|| text("url"))?;
    Some(FileRef {
        id,
        md5: String::new(),
        name: text("name").unwrap_or_default(),
        size: text("size").and_then(|size| size.parse().ok()).unwrap_or(0),
    })
}

/// The file of the first `file` segment.
fn file_of(message: &[Segment]) -> Option<FileRef> {
    message.iter().find_map(|segment| match segment.view() {
        Ok(View::File {
            file,
            file_id,
            file_size,
            ..
        }) => Some(FileRef {
            id: file_id.unwrap_or_else(|| file.clone()),
            md5: String::new(),
            name: file,
            size: file_size.unwrap_or(0),
        }),
        _ => None,
    })
}

/// A made-up message id for a file notice, the same each time the notice is replayed.
fn synthetic_id(file_id: &str) -> i64 {
    // FNV-1a: small, stable across runs, and good enough to keep distinct files apart.
    let hash = file_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    SYNTHETIC_IDS + (hash >> 24) as i64
}

/// A file notice (`group_upload`, `offline_file`) as the message event that carries the
/// file, for the message conversion; `None` for other events.
pub fn as_message(event: &lizi_onebot::Event) -> Option<lizi_onebot::Event> {
    let (group, user, file) = match &event.body {
        Body::Notice(Notice::GroupUpload(upload)) => {
            let file = FileRef {
                id: upload.file.id.clone(),
                md5: String::new(),
                name: upload.file.name.clone(),
                size: upload.file.size,
            };
            (Some(upload.group_id), upload.user_id, file)
        }
        Body::Notice(Notice::Other(raw)) if is_offline_file(raw) => {
            let user = raw.get("user_id").and_then(lizi_onebot::lenient::as_u64)?;
            (None, user, offline_file(raw)?)
        }
        _ => return None,
    };
    let segment = json!({"type": "file", "data": {
        "file": file.name, "file_id": file.id, "file_size": file.size.to_string(),
    }});
    let mut message = json!({
        "time": event.time, "self_id": event.self_id, "post_type": "message",
        "message_id": synthetic_id(&file.id), "user_id": user,
        "message": [segment], "sender": {"user_id": user, "nickname": ""},
    });
    match group {
        Some(group) => {
            message["message_type"] = json!("group");
            message["sub_type"] = json!("normal");
            message["group_id"] = json!(group);
        }
        None => {
            message["message_type"] = json!("private");
            message["sub_type"] = json!("friend");
        }
    }
    lizi_onebot::Event::parse(message).ok()
}

/// Fills the `File` of a message event whose message carries a file, as the simulated
/// network reports files: the file's name as the text, and type 529 for a private one.
pub fn attach(event: &mut Event, message: &[Segment]) {
    let Some(file) = file_of(message) else {
        return;
    };
    let text = textcode::print(&[TextSegment::Text(file.name.clone())]);
    match event {
        Event::GroupMsg(group) => {
            group.msg.text = text;
            group.file = file;
        }
        Event::PrivateMsg(private) => {
            private.msg.text = text;
            private.msg.kind = private_kind::FILE;
            private.file = file;
        }
        Event::EventMsg(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: Value) -> lizi_onebot::Event {
        lizi_onebot::Event::parse(value).expect("an event")
    }

    fn upload() -> lizi_onebot::Event {
        parse(json!({
            "time": 100, "self_id": 1, "post_type": "notice", "notice_type": "group_upload",
            "group_id": 9, "user_id": 42,
            "file": {"id": "/abc", "name": "a.txt", "size": 5, "busid": 102},
        }))
    }

    fn file_message() -> lizi_onebot::Event {
        parse(json!({
            "time": 100, "self_id": 1, "post_type": "message", "message_type": "group",
            "sub_type": "normal", "message_id": 7, "group_id": 9, "user_id": 42,
            "message": [{"type": "file", "data": {"file": "a.txt", "file_id": "/abc", "file_size": "5"}}],
            "sender": {"user_id": 42},
        }))
    }

    #[test]
    fn a_file_reported_twice_is_noted_once() {
        for (first, second) in [(upload(), file_message()), (file_message(), upload())] {
            let store = lizi_store::Store::open(lizi_store::StoreConfig::memory()).expect("store");
            let mut records = crate::state::files::Files::open(store.clone()).records;
            let Noted::New(op) = records.note(1, &first) else {
                panic!("a new file");
            };
            drop(store.write(vec![op]));
            assert!(matches!(records.note(1, &second), Noted::Seen));
            let record = records.get(1, "/abc").expect("read").expect("recorded");
            assert_eq!((record.group, record.size), (9, 5));
        }
    }

    #[test]
    fn an_upload_notice_reads_as_a_group_message_with_the_file() {
        let message = as_message(&upload()).expect("a message");
        let Body::Message(MessageEvent::Group(group)) = &message.body else {
            panic!("a group message: {message:?}");
        };
        assert_eq!((group.group_id, group.user_id), (9, 42));
        assert!(group.message_id >= SYNTHETIC_IDS);
        assert_eq!(as_message(&upload()), Some(message.clone()), "stable");
        let file = file_of(&group.message).expect("a file");
        assert_eq!(
            (file.id.as_str(), file.name.as_str(), file.size),
            ("/abc", "a.txt", 5)
        );
    }

    #[test]
    fn an_offline_file_reads_as_a_private_message_with_the_file() {
        let notice = parse(json!({
            "time": 100, "self_id": 1, "post_type": "notice", "notice_type": "offline_file",
            "user_id": 42, "file": {"name": "b.bin", "size": 3, "url": "http://x/b"},
        }));
        let message = as_message(&notice).expect("a message");
        let Body::Message(MessageEvent::Private(private)) = &message.body else {
            panic!("a private message: {message:?}");
        };
        assert_eq!(private.user_id, 42);
        let file = file_of(&private.message).expect("a file");
        assert_eq!(
            (file.id.as_str(), file.name.as_str(), file.size),
            ("http://x/b", "b.bin", 3)
        );
        let store = lizi_store::Store::open(lizi_store::StoreConfig::memory()).expect("store");
        let mut records = crate::state::files::Files::open(store).records;
        assert!(matches!(records.note(1, &notice), Noted::New(_)));
    }

    #[test]
    fn a_private_file_makes_a_type_529_message() {
        let mut event = Event::PrivateMsg(Default::default());
        let message = vec![Segment::new(
            "file",
            &[("file", "c [1].txt".into()), ("file_id", "/c".into())],
        )];
        attach(&mut event, &message);
        let Event::PrivateMsg(private) = event else {
            unreachable!()
        };
        assert_eq!(private.msg.kind, 529);
        assert_eq!(private.file.id, "/c");
        assert_eq!(private.msg.text, "c \\u005b1\\u005d.txt");
    }
}
