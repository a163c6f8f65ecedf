//! The session endpoints: `/allocsession`, `/removesession`, `/resetevent`, `/getevent`,
//! `/geteventv2` (docs/xlz-api.md#sessions-and-the-event-buffer) and lizi's `/ackevent`. They work on the store's event log,
//! never on the backend.
//!
//! Events a session lost to its lag limit are reported in its next read: `/geteventv2`
//! adds `"lost"` and `"lost_reason"` keys, `/getevent` puts a `{"Type":"LiziLost",…}`
//! frame first. A session lizi removed answers `session not found` with a `reason`.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use lizi_core::Request;
use lizi_store::{Store, StoreError, TakeOptions, Taken};
use serde_json::json;

use crate::response::{self, xlz};

const OK: &str = r#"{"status":"OK"}"#;
const NOT_FOUND: &str = r#"{"status":"session not found"}"#;

/// Answers a session request; `None` if `request` is not one.
pub async fn handle(store: &Store, request: &Request) -> Option<Response> {
    let result = match request {
        Request::AllocSession(_) => store
            .alloc_session()
            .await
            .map(|id| format!(r#"{{"session_id":{id}}}"#)),
        Request::RemoveSession(r) => status(r.sessid, |id| store.remove_session(id)).await,
        Request::ResetEvent(r) => status(r.sessid, |id| store.reset_session(id)).await,
        Request::AckEvent(r) => {
            let seq = u64::try_from(r.seq).unwrap_or(0);
            status(r.sessid, |id| store.ack(id, seq)).await
        }
        Request::GetEvent(r) => take(store, r.sessid, r.peek, r.limit, frame).await,
        Request::GetEventV2(r) => take(store, r.sessid, r.peek, r.limit, events_json).await,
        _ => return None,
    };
    Some(match result {
        Ok(body) => xlz(body),
        Err(error) => {
            tracing::error!("session request failed: {error}");
            response::error(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
        }
    })
}

async fn status<F, Fut>(id: Option<u64>, action: F) -> Result<String, StoreError>
where
    F: FnOnce(u64) -> Fut,
    Fut: std::future::Future<Output = Result<bool, StoreError>>,
{
    let found = match id {
        Some(id) => action(id).await?,
        None => false,
    };
    Ok(if found { OK } else { NOT_FOUND }.to_owned())
}

async fn take(
    store: &Store,
    id: Option<u64>,
    peek: Option<bool>,
    limit: Option<u32>,
    render: fn(&[Arc<str>], u64, &str) -> String,
) -> Result<String, StoreError> {
    let Some(id) = id else {
        return Ok(NOT_FOUND.to_owned());
    };
    let options = TakeOptions {
        peek: peek == Some(true),
        limit: limit.map_or(usize::MAX, |l| l as usize),
    };
    Ok(match store.take(id, options).await? {
        Taken::Events {
            events,
            lost,
            lost_reason,
            ..
        } => render(&events, lost, &lost_reason),
        Taken::NotFound => NOT_FOUND.to_owned(),
        Taken::Removed(reason) => {
            json!({"status": "session not found", "reason": reason}).to_string()
        }
    })
}

/// `/getevent` framing: each event preceded by one LF, no trailing LF; a lost-events
/// marker first when the session lost events.
pub fn frame(events: &[Arc<str>], lost: u64, reason: &str) -> String {
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 1);
    if lost > 0 {
        body.push('\n');
        body.push_str(&json!({"Type": "LiziLost", "Lost": lost, "Reason": reason}).to_string());
    }
    for event in events {
        body.push('\n');
        body.push_str(event);
    }
    body
}

/// `/geteventv2` body, with `lost` and `lost_reason` when the session lost events.
pub fn events_json(events: &[Arc<str>], lost: u64, reason: &str) -> String {
    let mut body = String::with_capacity(events.iter().map(|e| e.len() + 1).sum::<usize>() + 64);
    body.push_str(r#"{"status":"OK","#);
    if lost > 0 {
        body.push_str(&format!(
            r#""lost":{lost},"lost_reason":{},"#,
            json!(reason)
        ));
    }
    body.push_str(r#""events":["#);
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(event);
    }
    body.push_str("]}");
    body
}
