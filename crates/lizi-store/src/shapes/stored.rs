//! The events stored before schema version 3, moved over to shapes by the migration: each
//! message event whose message is in the history is cut into its shape, and kept whole
//! wherever the shape would not render back to exactly the stored JSON.

use lizi_core::Event;
use rusqlite::{params, Connection};

use super::{cut, render, Fills, Literal, ShapeIds};
use crate::history::{select_by_seq, select_one, Conv, MessageRow};
use crate::writer::Op;
use crate::StoreError;

/// Events read and rewritten at a time.
const CHUNK: i64 = 1024;

/// Stores every message event of the log as its shape and a reference to its message,
/// where that renders back to the same JSON. Runs inside the migration's transaction, on
/// an `event_shapes` table that is still empty.
pub(crate) fn share_stored_messages(db: &Connection) -> Result<(), StoreError> {
    let mut shapes = ShapeIds::default();
    let (mut after, mut seen, mut shared) = (i64::MIN, 0usize, 0usize);
    let mut scratch = (String::new(), String::new());
    loop {
        let chunk: Vec<(i64, String)> = db
            .prepare_cached("SELECT seq, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?
            .query_map(params![after, CHUNK], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let Some(last) = chunk.last() else {
            break;
        };
        after = last.0;
        seen += chunk.len();
        for (seq, body) in chunk {
            let Some((message, logon)) = cut_stored(db, seq, &body, &mut scratch)? else {
                continue;
            };
            let (shape, new) = shapes.id(&scratch.0);
            if let Some(Op::Shape { id, body }) = new {
                db.prepare_cached("INSERT INTO event_shapes (id, body) VALUES (?1, ?2)")?
                    .execute(params![id as i64, body.as_ref()])?;
            }
            db.prepare_cached(
                "UPDATE events SET body = '', shape = ?1, message = ?2, logon = ?3 WHERE seq = ?4",
            )?
            .execute(params![shape as i64, message, logon, seq])?;
            shared += 1;
        }
    }
    if seen > 0 {
        tracing::info!(
            events = seen,
            shared,
            "stored events now refer to the messages they carry"
        );
    }
    Ok(())
}

/// Cuts the shape of the stored event `seq` into `scratch.0` and answers the message it
/// carries and its `LogonQQ`, when it is a message event whose message is stored and whose
/// shape renders back to `body` exactly.
fn cut_stored(
    db: &Connection,
    seq: i64,
    body: &str,
    scratch: &mut (String, String),
) -> Result<Option<(i64, i64)>, StoreError> {
    let suffix = format!(",\"LiziSeq\":{seq}}}");
    let Some(json) = body.strip_suffix(&suffix).map(|json| format!("{json}}}")) else {
        return Ok(None);
    };
    let Ok(event) = serde_json::from_str::<Event>(&json) else {
        return Ok(None);
    };
    let Some(message) = stored_message(db, &event)? else {
        return Ok(None);
    };
    let (shape, rendered) = scratch;
    let Some(logon) = cut(&json, &message, &Literal::of(&message.text), shape) else {
        return Ok(None);
    };
    let fills = Fills {
        logon,
        req: message.req,
        random: message.random,
        seq: message.seq,
        time: message.time,
        text: &message.text,
    };
    render(shape, &fills, seq as u64, rendered);
    Ok((rendered == body).then_some((message.seq, logon)))
}

/// The history row of the message a stored event carries, if it is a message event: a
/// group message by its group and `Req`, a private one by its `Seq`; with the same `Req`
/// and text.
fn stored_message(db: &Connection, event: &Event) -> Result<Option<MessageRow>, StoreError> {
    let (found, req, text) = match event {
        Event::GroupMsg(e) => {
            let conv = Conv {
                kind: Conv::GROUP,
                a: e.from_group.gin as i64,
                b: 0,
            };
            (select_one(db, conv, e.msg.req)?, e.msg.req, &e.msg.text)
        }
        Event::PrivateMsg(e) => (select_by_seq(db, e.msg.seq)?, e.msg.req, &e.msg.text),
        Event::EventMsg(_) => return Ok(None),
    };
    Ok(found.filter(|row| row.req == req && row.text == *text))
}
