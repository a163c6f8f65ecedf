//! The journal: where a batch of writes becomes durable before it reaches SQLite.
//!
//! Committing each small batch to SQLite wrote every B-tree page the batch touched (a
//! dozen 4 KiB pages for ten messages) to the write-ahead log, and flushed it. The
//! journal instead appends the batch's writes as one compact record, exactly the bytes
//! they hold, and flushes that; the applier then carries many batches into SQLite in one
//! transaction, off the requests' path (see `applier.rs`).
//!
//! Two files, `lizi.journal-0` and `lizi.journal-1`, are written in turn: once the current
//! one passes [`ROTATE_BYTES`] and every record of the other is in SQLite (and flushed
//! there), writing moves to the start of the other, overwriting it in place.
//!
//! A record is `"LZJ1"`, its sequence number (u64), the payload's length (u32), a checksum
//! of those and the payload (u64), then the payload: the ops, each a tag byte and its
//! fields (integers little-endian, strings as a u32 length and the bytes). Reading a file
//! stops at the first record that is incomplete, fails its checksum, or does not follow the
//! previous one in sequence (what is left of an older round). At start-up the records
//! after SQLite's `journal_applied` mark are applied, in sequence, up to the first gap, and
//! the database is checkpointed to disk before the journal is written again.
//!
//! A record whose write or flush fails must not come back at the next start: the request
//! that made it was told it failed. Its file is then cut back to where the record began
//! (after a failed flush the bytes may well be in the page cache, whole and valid), and
//! the next record takes the same place and sequence number. [`Journal::probe`] tells
//! whether writing works again: it cuts the file back once more, writes and flushes a
//! block of zeros past the last record, and cuts that off too.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use crate::hash::checksum;
use crate::history::{Conv, MessageRow};
use crate::shapes::{EventRow, StoredEvent};
use crate::writer::Op;
use crate::StoreError;

/// The files' names inside the data folder.
pub(crate) const FILES: [&str; 2] = ["lizi.journal-0", "lizi.journal-1"];

/// Size after which writing moves to the other file (when that one is applied).
pub(crate) const ROTATE_BYTES: u64 = 8 << 20;

/// The bytes [`Journal::probe`] writes: a few pages, so that a disk with room for a
/// small record in an already allocated page does not pass for a working one.
const PROBE_BYTES: usize = 64 << 10;

const MAGIC: &[u8; 4] = b"LZJ1";
const HEADER: usize = 4 + 8 + 4 + 8;

/// The appending end of the journal.
pub(crate) struct Journal {
    files: [File; 2],
    current: usize,
    offset: u64,
    /// The last sequence number written to each file since start-up (0: none).
    last_in: [u64; 2],
    next_seq: u64,
    record: Vec<u8>,
    /// Makes the next append fail after its bytes are written, as a failed flush does.
    #[cfg(test)]
    fail_next_flush: bool,
}

impl Journal {
    /// Opens both files for writing; records get sequence numbers from `next_seq`. Every
    /// record already in the files must be applied (start-up replays them first).
    pub fn open(dir: &Path, next_seq: u64) -> Result<Journal, StoreError> {
        let open = |name: &str| {
            let path = dir.join(name);
            OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))
        };
        Ok(Journal {
            files: [open(FILES[0])?, open(FILES[1])?],
            current: 0,
            offset: 0,
            last_in: [0, 0],
            next_seq: next_seq.max(1),
            record: Vec::new(),
            #[cfg(test)]
            fail_next_flush: false,
        })
    }

    /// Appends the ops as one record, flushing it to disk when `sync`; returns its sequence
    /// number and its size in bytes. `applied` is the last record SQLite holds durably,
    /// which decides whether the other file may be reused.
    pub fn append<'a>(
        &mut self,
        ops: impl Iterator<Item = &'a Op>,
        sync: bool,
        applied: u64,
    ) -> Result<(u64, u64), StoreError> {
        let other = 1 - self.current;
        if self.offset >= ROTATE_BYTES && self.last_in[other] <= applied {
            self.current = other;
            self.offset = 0;
        }
        let seq = self.next_seq;
        self.record.clear();
        self.record.extend_from_slice(&[0; HEADER]);
        for op in ops {
            encode(op, &mut self.record);
        }
        let payload_len = self.record.len() - HEADER;
        let len = u32::try_from(payload_len)
            .map_err(|_| StoreError::Io("a journal record over 4 GiB".into()))?;
        let sum = checksum(&[
            &seq.to_le_bytes(),
            &len.to_le_bytes(),
            &self.record[HEADER..],
        ]);
        self.record[..4].copy_from_slice(MAGIC);
        self.record[4..12].copy_from_slice(&seq.to_le_bytes());
        self.record[12..16].copy_from_slice(&len.to_le_bytes());
        self.record[16..24].copy_from_slice(&sum.to_le_bytes());
        if let Err(error) = self.write_record(sync) {
            self.cut_back();
            return Err(StoreError::Io(format!("writing the journal: {error}")));
        }
        let bytes = self.record.len() as u64;
        self.offset += bytes;
        self.last_in[self.current] = seq;
        self.next_seq += 1;
        // A large record (a media upload) is not worth keeping a buffer for.
        if self.record.capacity() > 1 << 20 {
            self.record = Vec::new();
        }
        Ok((seq, bytes))
    }

    /// Writes the encoded record at the end of the current file.
    fn write_record(&mut self, sync: bool) -> std::io::Result<()> {
        let file = &self.files[self.current];
        file.write_all_at(&self.record, self.offset)?;
        #[cfg(test)]
        if std::mem::take(&mut self.fail_next_flush) {
            return Err(std::io::Error::other("injected flush failure"));
        }
        if sync {
            file.sync_data()?;
        }
        Ok(())
    }

    /// Cuts the current file back to the end of its last whole record, so that nothing of
    /// a failed one can be read back; a failure is logged (the next probe cuts again).
    fn cut_back(&self) {
        if let Err(error) = self.files[self.current].set_len(self.offset) {
            tracing::warn!("cutting a failed record off the journal failed: {error}");
        }
    }

    /// The sequence number the next record gets: every record below it is written.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Checks that the journal can be written again after a failure: cuts the current
    /// file back to its last whole record, writes and flushes [`PROBE_BYTES`] of zeros
    /// after it, and cuts them off again.
    pub fn probe(&self) -> Result<(), StoreError> {
        let io = |e: std::io::Error| StoreError::Io(format!("writing the journal: {e}"));
        let file = &self.files[self.current];
        file.set_len(self.offset).map_err(io)?;
        file.write_all_at(&[0; PROBE_BYTES], self.offset)
            .and_then(|()| file.sync_data())
            .map_err(io)?;
        file.set_len(self.offset).map_err(io)?;
        file.sync_data().map_err(io)
    }
}

/// Empties both files in `dir` (at close, once everything is in the database).
pub(crate) fn clear(dir: &Path) {
    for name in FILES {
        let emptied = OpenOptions::new()
            .write(true)
            .open(dir.join(name))
            .and_then(|file| file.set_len(0));
        if let Err(error) = emptied {
            if error.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!("emptying the journal file {name} failed: {error}");
            }
        }
    }
}

/// The records after `applied`, in sequence, up to the first gap: what SQLite lacks.
pub(crate) fn replay(dir: &Path, applied: u64) -> Result<Vec<(u64, Vec<Op>)>, StoreError> {
    let mut records = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(StoreError::Io(format!("{}: {e}", path.display()))),
        };
        read_records(&path, &bytes, applied, &mut records)?;
    }
    records.sort_by_key(|(seq, _)| *seq);
    let mut kept = Vec::with_capacity(records.len());
    for (wanted, (seq, ops)) in (applied + 1..).zip(records) {
        if seq != wanted {
            tracing::warn!(
                "the journal skips from record {wanted} to {seq}; records from {seq} on are ignored"
            );
            break;
        }
        kept.push((seq, ops));
    }
    Ok(kept)
}

/// Appends the whole records of one file that come after `applied`.
fn read_records(
    path: &Path,
    bytes: &[u8],
    applied: u64,
    out: &mut Vec<(u64, Vec<Op>)>,
) -> Result<(), StoreError> {
    let mut at = 0usize;
    let mut previous = 0u64;
    while bytes.len() - at >= HEADER && &bytes[at..at + 4] == MAGIC {
        let seq = u64::from_le_bytes(word(&bytes[at + 4..at + 12]));
        let len = u32::from_le_bytes(word(&bytes[at + 12..at + 16]));
        let sum = u64::from_le_bytes(word(&bytes[at + 16..at + 24]));
        let start = at + HEADER;
        let Some(payload) = bytes.get(start..start + len as usize) else {
            break;
        };
        if seq <= previous || checksum(&[&seq.to_le_bytes(), &len.to_le_bytes(), payload]) != sum {
            break;
        }
        if seq > applied {
            let ops = decode(payload).map_err(|e| {
                StoreError::Corrupt(format!("{} record {seq}: {e}", path.display()))
            })?;
            out.push((seq, ops));
        }
        previous = seq;
        at = start + len as usize;
    }
    Ok(())
}

fn word<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

fn put_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Records are bounded by the body limit; a longer field fails the record's length check.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_opt(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => {
            out.push(1);
            put_bytes(out, text.as_bytes());
        }
        None => out.push(0),
    }
}

/// Appends one op's encoding.
fn encode(op: &Op, out: &mut Vec<u8>) {
    match op {
        Op::Doc { kind, key, body } => {
            out.push(0);
            put_bytes(out, kind.as_bytes());
            put_bytes(out, key.as_bytes());
            put_opt(out, body.as_deref());
        }
        Op::Blob { hash, bytes } => {
            out.push(1);
            put_bytes(out, hash.as_bytes());
            put_bytes(out, bytes);
        }
        Op::Events(events) => {
            out.push(10);
            out.extend_from_slice(&(events.len() as u32).to_le_bytes());
            for event in events {
                put_u64(out, event.seq);
                put_u64(out, event.cum_before);
                match &event.stored {
                    StoredEvent::Whole(body) => {
                        out.push(0);
                        put_bytes(out, body.as_bytes());
                    }
                    StoredEvent::Carrying {
                        shape,
                        message,
                        logon,
                    } => {
                        out.push(1);
                        put_u64(out, *shape);
                        put_u64(out, *message as u64);
                        put_u64(out, *logon as u64);
                    }
                }
            }
        }
        Op::Shape { id, body } => {
            out.push(11);
            put_u64(out, *id);
            put_bytes(out, body.as_bytes());
        }
        Op::Meta(key, value) => {
            out.push(3);
            put_bytes(out, key.as_bytes());
            put_bytes(out, value.as_bytes());
        }
        Op::Session {
            id,
            cursor,
            lost,
            lost_reason,
            last_seen,
        } => {
            out.push(4);
            put_u64(out, *id);
            put_u64(out, *cursor);
            put_u64(out, *lost);
            put_bytes(out, lost_reason.as_bytes());
            put_u64(out, *last_seen as u64);
        }
        Op::RemoveSession { id, tombstone, at } => {
            out.push(5);
            put_u64(out, *id);
            put_opt(out, tombstone.as_deref());
            put_u64(out, *at as u64);
        }
        Op::Reader { name, cursor, lost } => {
            out.push(6);
            put_bytes(out, name.as_bytes());
            put_u64(out, *cursor);
            put_u64(out, *lost);
        }
        Op::RemoveReader(name) => {
            out.push(7);
            put_bytes(out, name.as_bytes());
        }
        Op::Reclaim(below) => {
            out.push(8);
            put_u64(out, *below);
        }
        Op::Message(m) => {
            out.push(9);
            for number in [m.conv.a, m.conv.b, m.req, m.random, m.seq, m.time, m.sender] {
                put_u64(out, number as u64);
            }
            for number in [m.target, m.group] {
                put_u64(out, number.map_or(u64::MAX, |n| n as u64));
            }
            out.push(m.conv.kind | (u8::from(m.recalled) << 4));
            put_bytes(out, m.text.as_bytes());
        }
    }
}

/// Reads an [`Op::Message`]'s fields (after its tag).
fn decode_message(reader: &mut Reader<'_>) -> Result<Op, String> {
    let mut numbers = [0i64; 7];
    for number in &mut numbers {
        *number = reader.u64()? as i64;
    }
    let [a, b, req, random, seq, time, sender] = numbers;
    let optional = |n: u64| (n != u64::MAX).then_some(n as i64);
    let target = optional(reader.u64()?);
    let group = optional(reader.u64()?);
    let flags = reader.u8()?;
    Ok(Op::Message(Arc::new(MessageRow {
        conv: Conv {
            kind: flags & 0x0F,
            a,
            b,
        },
        req,
        random,
        seq,
        time,
        sender,
        target,
        group,
        text: reader.text()?,
        recalled: flags & 0x10 != 0,
    })))
}

/// Reads an [`Op::Events`]'s fields (after its tag).
fn decode_events(reader: &mut Reader<'_>) -> Result<Op, String> {
    let n = reader.u32()?;
    let mut events = Vec::with_capacity(n.min(65_536) as usize);
    for _ in 0..n {
        let seq = reader.u64()?;
        let cum_before = reader.u64()?;
        let stored = match reader.u8()? {
            0 => StoredEvent::Whole(reader.text()?.into()),
            1 => StoredEvent::Carrying {
                shape: reader.u64()?,
                message: reader.u64()? as i64,
                logon: reader.u64()? as i64,
            },
            kind => return Err(format!("unknown event kind {kind}")),
        };
        events.push(EventRow {
            seq,
            cum_before,
            stored,
        });
    }
    Ok(Op::Events(events))
}

/// Reads a payload back into ops.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err("the record ends inside a field".into());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(word(self.take(4)?)))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(word(self.take(8)?)))
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    fn text(&mut self) -> Result<String, String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|e| e.to_string())
    }

    fn opt(&mut self) -> Result<Option<String>, String> {
        match self.u8()? {
            0 => Ok(None),
            _ => Ok(Some(self.text()?)),
        }
    }
}

fn decode(payload: &[u8]) -> Result<Vec<Op>, String> {
    let mut reader = Reader { bytes: payload };
    let mut ops = Vec::new();
    while !reader.bytes.is_empty() {
        let op = match reader.u8()? {
            0 => Op::Doc {
                kind: Cow::Owned(reader.text()?),
                key: reader.text()?,
                body: reader.opt()?,
            },
            1 => Op::Blob {
                hash: reader.text()?,
                bytes: reader.bytes()?.to_vec(),
            },
            // Events as lizi wrote them before message events were stored as shapes.
            2 => {
                let n = reader.u32()?;
                let mut events = Vec::with_capacity(n.min(65_536) as usize);
                for _ in 0..n {
                    let seq = reader.u64()?;
                    let body: Arc<str> = reader.text()?.into();
                    events.push(EventRow {
                        seq,
                        stored: StoredEvent::Whole(body),
                        cum_before: reader.u64()?,
                    });
                }
                Op::Events(events)
            }
            3 => Op::Meta(Cow::Owned(reader.text()?), reader.text()?),
            4 => Op::Session {
                id: reader.u64()?,
                cursor: reader.u64()?,
                lost: reader.u64()?,
                lost_reason: reader.text()?,
                last_seen: reader.u64()? as i64,
            },
            5 => Op::RemoveSession {
                id: reader.u64()?,
                tombstone: reader.opt()?,
                at: reader.u64()? as i64,
            },
            6 => Op::Reader {
                name: reader.text()?,
                cursor: reader.u64()?,
                lost: reader.u64()?,
            },
            7 => Op::RemoveReader(reader.text()?),
            8 => Op::Reclaim(reader.u64()?),
            9 => decode_message(&mut reader)?,
            10 => decode_events(&mut reader)?,
            11 => Op::Shape {
                id: reader.u64()?,
                body: reader.text()?.into(),
            },
            tag => return Err(format!("unknown op {tag}")),
        };
        ops.push(op);
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Op> {
        vec![
            Op::Doc {
                kind: "message".into(),
                key: "[{\"Group\":1},2]".into(),
                body: Some("{\"text\":\"你好\"}".into()),
            },
            Op::Doc {
                kind: "person".into(),
                key: "10001".into(),
                body: None,
            },
            Op::Blob {
                hash: "abc".into(),
                bytes: vec![0, 1, 2, 255],
            },
            Op::Events(vec![
                EventRow {
                    seq: 7,
                    cum_before: 40,
                    stored: StoredEvent::Whole("{\"a\":1}".into()),
                },
                EventRow {
                    seq: 8,
                    cum_before: 47,
                    stored: StoredEvent::Carrying {
                        shape: 3,
                        message: 12,
                        logon: 10001,
                    },
                },
            ]),
            Op::Shape {
                id: 3,
                body: "{\"LogonQQ\":\u{1}}".into(),
            },
            Op::Meta("next_seq".into(), "9".into()),
            Op::Session {
                id: 3,
                cursor: 5,
                lost: 1,
                lost_reason: "why".into(),
                last_seen: -2,
            },
            Op::RemoveSession {
                id: 4,
                tombstone: Some("idle".into()),
                at: 99,
            },
            Op::Reader {
                name: "push".into(),
                cursor: 6,
                lost: 0,
            },
            Op::RemoveReader("old".into()),
            Op::Reclaim(5),
        ]
    }

    fn folder(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("lizi-journal-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn ops_survive_the_round_trip() {
        let mut bytes = Vec::new();
        for op in sample() {
            encode(&op, &mut bytes);
        }
        assert_eq!(
            format!("{:?}", decode(&bytes).unwrap()),
            format!("{:?}", sample())
        );
    }

    #[test]
    fn events_written_by_an_older_lizi_are_read_whole() {
        // Tag 2: a count, then each event's seq, JSON and bytes before it.
        let mut bytes = vec![2];
        bytes.extend_from_slice(&1u32.to_le_bytes());
        put_u64(&mut bytes, 7);
        put_bytes(&mut bytes, b"{\"a\":1}");
        put_u64(&mut bytes, 40);
        let ops = decode(&bytes).unwrap();
        let [Op::Events(events)] = &ops[..] else {
            panic!("{ops:?}");
        };
        assert_eq!(
            events[..],
            [EventRow {
                seq: 7,
                cum_before: 40,
                stored: StoredEvent::Whole("{\"a\":1}".into()),
            }]
        );
    }

    #[test]
    fn replay_returns_what_follows_the_mark_and_stops_at_a_torn_record() {
        let dir = folder("torn");
        let mut journal = Journal::open(&dir, 1).unwrap();
        for _ in 0..3 {
            journal.append(sample().iter(), true, 0).unwrap();
        }
        assert_eq!(replay(&dir, 0).unwrap().len(), 3);
        assert_eq!(replay(&dir, 2).unwrap().len(), 1);
        // Tear the last record: only the first two are whole.
        let path = dir.join(FILES[0]);
        let length = std::fs::metadata(&path).unwrap().len();
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(length - 3)
            .unwrap();
        let seqs: Vec<u64> = replay(&dir, 0).unwrap().iter().map(|r| r.0).collect();
        assert_eq!(seqs, [1, 2]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Leaves `dir` as lizi does when it dies after writing a journal record of `ops` and
    /// before the applier has run: an (empty) database and the record beside it.
    fn crashed_with(dir: &Path, ops: &[Op]) {
        let store = crate::Store::open(crate::StoreConfig::new(dir)).unwrap();
        store.close();
        drop(store);
        let mut journal = Journal::open(dir, 1).unwrap();
        journal.append(ops.iter(), true, 0).unwrap();
    }

    #[tokio::test]
    async fn a_record_the_database_lacks_is_applied_when_the_store_opens() {
        use crate::{Store, StoreConfig};
        let dir = folder("reopen");
        crashed_with(
            &dir,
            &[
                Op::Doc {
                    kind: "person".into(),
                    key: "10001".into(),
                    body: Some("{\"nickname\":\"bot\"}".into()),
                },
                Op::Meta("next_session".into(), "5".into()),
            ],
        );

        let store = Store::open(StoreConfig::new(&dir)).unwrap();
        assert_eq!(
            store.load_docs().unwrap(),
            [(
                "person".to_owned(),
                "10001".to_owned(),
                "{\"nickname\":\"bot\"}".to_owned()
            )]
        );
        assert_eq!(store.alloc_session().await.unwrap(), 5);
        store.close();
        drop(store);
        // The clean stop emptied the journal; a third start keeps the data.
        assert!(replay(&dir, 0).unwrap().is_empty());
        let store = Store::open(StoreConfig::new(&dir)).unwrap();
        assert_eq!(store.load_docs().unwrap().len(), 1);
        store.close();
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_journal_left_beside_a_removed_database_is_not_applied() {
        use crate::{Store, StoreConfig};
        let dir = folder("orphan");
        let doc = Op::Doc {
            kind: "person".into(),
            key: "10001".into(),
            body: Some("{}".into()),
        };
        crashed_with(&dir, std::slice::from_ref(&doc));
        // The database goes (by hand); its journal stays behind.
        for name in ["lizi.db", "lizi.db-wal", "lizi.db-shm"] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        let store = Store::open(StoreConfig::new(&dir)).unwrap();
        assert!(store.load_docs().unwrap().is_empty());
        store.close();
        drop(store);
        // `remove_files` takes the journal too.
        let mut journal = Journal::open(&dir, 1).unwrap();
        journal.append([&doc].into_iter(), true, 0).unwrap();
        drop(journal);
        crate::remove_files(&dir).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_record_whose_flush_failed_is_cut_off_and_its_place_reused() {
        let dir = folder("cut");
        let mut journal = Journal::open(&dir, 1).unwrap();
        journal.append(sample().iter(), true, 0).unwrap();
        journal.fail_next_flush = true;
        let failed = journal.append(sample().iter(), true, 0);
        assert!(failed.is_err(), "{failed:?}");
        // The failed record's bytes were written whole; none of them may come back.
        let seqs: Vec<u64> = replay(&dir, 0).unwrap().iter().map(|r| r.0).collect();
        assert_eq!(seqs, [1]);
        journal.probe().unwrap();
        assert_eq!(
            replay(&dir, 0).unwrap().len(),
            1,
            "the probe leaves no record"
        );
        // The next record takes the failed one's number and place.
        assert_eq!(journal.next_seq(), 2);
        journal
            .append([&Op::Reclaim(9)].into_iter(), true, 0)
            .unwrap();
        let records = replay(&dir, 0).unwrap();
        let seqs: Vec<u64> = records.iter().map(|r| r.0).collect();
        assert_eq!(seqs, [1, 2]);
        assert!(matches!(records[1].1[..], [Op::Reclaim(9)]));
        let length = std::fs::metadata(dir.join(FILES[0])).unwrap().len();
        assert_eq!(length, journal.offset, "the file ends at its last record");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writing_moves_to_the_other_file_only_once_it_is_applied() {
        let dir = folder("rotate");
        let mut journal = Journal::open(&dir, 1).unwrap();
        let big = Op::Blob {
            hash: "big".into(),
            bytes: vec![7; ROTATE_BYTES as usize],
        };
        journal.append([&big].into_iter(), false, 0).unwrap(); // 1 → file 0
        journal.append(sample().iter(), false, 0).unwrap(); // 2 → file 1 (empty)
        journal.append([&big].into_iter(), false, 0).unwrap(); // 3 → file 1
                                                               // File 0 holds record 1; until it is applied, writing stays in file 1.
        journal.append(sample().iter(), false, 0).unwrap(); // 4 → file 1
        journal.append(sample().iter(), false, 1).unwrap(); // 5 → file 0, over record 1
        let seqs: Vec<u64> = replay(&dir, 0).unwrap().iter().map(|r| r.0).collect();
        // Record 1 was overwritten, so nothing follows mark 0 without a gap...
        assert!(seqs.is_empty(), "{seqs:?}");
        // ...and after mark 1 every record is there.
        let seqs: Vec<u64> = replay(&dir, 1).unwrap().iter().map(|r| r.0).collect();
        assert_eq!(seqs, [2, 3, 4, 5]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
