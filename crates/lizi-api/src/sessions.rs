//! The session endpoints: `/allocsession`, `/removesession`, `/resetevent`, `/getevent`,
//! `/geteventv2` (wire.md §5). They work on the event log, never on the backend.

use axum::response::Response;
use lizi_core::{CursorId, EventLog, Request};

use crate::response::xlz;

const OK: &str = r#"{"status":"OK"}"#;
const NOT_FOUND: &str = r#"{"status":"session not found"}"#;

/// Answers a session request; `None` if `request` is not one.
pub fn handle(log: &EventLog, request: &Request) -> Option<Response> {
    let session = |id: Option<u64>| id.map(CursorId::Session);
    let body = match request {
        Request::AllocSession(_) => format!(r#"{{"session_id":{}}}"#, log.alloc_session()),
        Request::RemoveSession(r) => status(session(r.sessid).is_some_and(|s| log.close(s))),
        Request::ResetEvent(r) => status(session(r.sessid).is_some_and(|s| log.reset(s))),
        Request::GetEvent(r) => match session(r.sessid).and_then(|s| log.take(s)) {
            Some(events) => frame(&events),
            None => NOT_FOUND.to_owned(),
        },
        Request::GetEventV2(r) => match session(r.sessid).and_then(|s| log.take(s)) {
            Some(events) => events_json(&events),
            None => NOT_FOUND.to_owned(),
        },
        _ => return None,
    };
    Some(xlz(body))
}

fn status(found: bool) -> String {
    if found { OK } else { NOT_FOUND }.to_owned()
}

/// `/getevent` framing: each event preceded by one LF, no trailing LF.
pub fn frame(events: &[std::sync::Arc<str>]) -> String {
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum());
    for event in events {
        body.push('\n');
        body.push_str(event);
    }
    body
}

/// `/geteventv2` body.
pub fn events_json(events: &[std::sync::Arc<str>]) -> String {
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 32);
    body.push_str(r#"{"status":"OK","events":["#);
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push_str("]}");
    body
}
