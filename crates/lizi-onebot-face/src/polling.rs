//! LLOneBot's `get_event`: events polled over the HTTP API. Each `key` is a queue of its
//! own that starts when first asked (earlier events are not in it), gives the events since
//! the previous call — at most the newest [`KEPT`], as LLOneBot keeps no more — and waits
//! up to `timeout` milliseconds for one when there is none. As in LLOneBot the queues live
//! in memory: at most [`QUEUES`] of them, each forgotten after [`IDLE`] without a call,
//! and none survives a restart.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lizi_core::Uin;
use lizi_store::ReaderId;
use serde_json::Value;

use crate::connection::Shared;
use crate::events::roles::Roles;

/// The most events one call gives (LLOneBot keeps its last 100).
pub(crate) const KEPT: usize = 100;
/// The most queues at once; the one asked longest ago goes first.
const QUEUES: usize = 100;
/// How long a queue lasts without a call.
const IDLE: Duration = Duration::from_secs(5 * 60);
/// The longest a call waits, whatever `timeout` says.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// The queues, by account and key.
#[derive(Debug, Default)]
pub(crate) struct Queues(Mutex<HashMap<(Uin, String), Queue>>);

#[derive(Debug, Clone, Copy)]
struct Queue {
    reader: ReaderId,
    asked: Instant,
}

impl Queues {
    /// The reader of `account`'s queue `key`, opened at the log's head when new; idle and
    /// surplus queues are closed first.
    fn reader(&self, shared: &Shared, account: Uin, key: &str) -> Option<ReaderId> {
        let mut queues = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let mut gone: Vec<(Uin, String)> = queues
            .iter()
            .filter(|(_, queue)| now.duration_since(queue.asked) > IDLE)
            .map(|(name, _)| name.clone())
            .collect();
        let name = (account, key.to_owned());
        if !queues.contains_key(&name) && queues.len() >= QUEUES {
            if let Some(oldest) = queues.iter().min_by_key(|(_, q)| q.asked) {
                gone.push(oldest.0.clone());
            }
        }
        for name in gone {
            if let Some(queue) = queues.remove(&name) {
                shared.store.close_reader(queue.reader);
            }
        }
        let queue = match queues.get(&name) {
            Some(queue) => *queue,
            None => Queue {
                reader: shared.store.open_reader(None).ok()?,
                asked: now,
            },
        };
        queues.insert(
            name,
            Queue {
                asked: now,
                ..queue
            },
        );
        Some(queue.reader)
    }
}

/// `get_event`: `account`'s events in queue `key` since the last call (at most the newest
/// [`KEPT`]), after waiting up to `timeout_ms` for one when there is none.
pub(crate) async fn poll(shared: &Shared, account: Uin, key: &str, timeout_ms: i64) -> Value {
    let Some(reader) = shared.queues.reader(shared, account, key) else {
        return Value::Array(Vec::new());
    };
    let wait = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(0)).min(LONGEST_WAIT);
    let deadline = tokio::time::Instant::now() + wait;
    let mut head = shared.store.watch();
    loop {
        head.borrow_and_update();
        let events = take(shared, account, reader).await;
        if !events.is_empty() || tokio::time::Instant::now() >= deadline {
            return Value::Array(events.into());
        }
        if tokio::time::timeout_at(deadline, head.changed())
            .await
            .is_err()
        {
            return Value::Array(Vec::new());
        }
    }
}

/// The events the reader has not given yet, as `account` sees them (the newest [`KEPT`]).
async fn take(shared: &Shared, account: Uin, reader: ReaderId) -> VecDeque<Value> {
    let mut out = VecDeque::new();
    let mut roles = Roles::default();
    while let Ok(Some(batch)) = shared.store.read(reader, 64) {
        if batch.events.is_empty() {
            break;
        }
        for entry in &batch.events {
            if let Some(event) = shared.event_for(account, entry, &mut roles).await {
                if out.len() == KEPT {
                    out.pop_front();
                }
                out.push_back(event);
            }
        }
        shared.store.advance(reader, batch.next);
    }
    out
}
