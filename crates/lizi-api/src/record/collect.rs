//! Collecting a recording: a reader of the event log opened when the recording starts,
//! each event kept with the moment it was read (the log is read as soon as it grows, so
//! the moment is when it happened, give or take a scheduling slice), within a bound: over
//! it, the oldest go and are counted.

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use lizi_core::Event;
use lizi_scenario_file::Observed;
use lizi_store::{ReaderId, Store};
use tokio::sync::watch;
use tokio::time::Instant;

/// Events read per look at the log.
const BATCH: usize = 256;

/// Which accounts and conversations a recording keeps (each list empty: all).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Framework accounts.
    pub accounts: BTreeSet<u64>,
    /// Groups.
    pub groups: BTreeSet<u64>,
    /// People whose private chats (and requests) are kept.
    pub users: BTreeSet<u64>,
}

impl Filter {
    /// Whether `event` (with the peer of an own private message) is kept.
    fn keeps(&self, event: &Event, peer: Option<u64>) -> bool {
        if !self.accounts.is_empty() && !self.accounts.contains(&event.logon()) {
            return false;
        }
        if self.groups.is_empty() && self.users.is_empty() {
            return true;
        }
        let (group, user) = match event {
            Event::GroupMsg(m) => (m.from_group.gin, 0),
            Event::PrivateMsg(m) if m.from_qq.uin == m.logon_qq => (0, peer.unwrap_or(0)),
            Event::PrivateMsg(m) => (0, m.from_qq.uin),
            Event::EventMsg(e) => (e.from_group.gin, e.from_qq.uin),
        };
        match group {
            0 => self.users.contains(&user),
            group => self.groups.contains(&group),
        }
    }
}

/// What a running recording holds so far.
#[derive(Debug, Default)]
pub struct Collected {
    /// The events kept, oldest first.
    pub events: VecDeque<Observed>,
    /// The oldest events dropped to keep within the bound.
    pub dropped: u64,
    /// Events the reader lost (it fell behind the log's lag limit).
    pub lost: u64,
}

/// Reads the log from `reader` into `collected` until `stop` turns true, then once more
/// and closes the reader.
pub async fn collect(
    store: Arc<Store>,
    reader: ReaderId,
    started: Instant,
    filter: Filter,
    bound: usize,
    collected: Arc<Mutex<Collected>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut head = store.watch();
    loop {
        head.borrow_and_update();
        let stopping = *stop.borrow();
        drain(&store, reader, started, &filter, bound, &collected);
        if stopping {
            break;
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { break },
            _ = stop.changed() => {}
        }
    }
    store.close_reader(reader);
}

/// Reads whatever the log holds past the reader.
fn drain(
    store: &Store,
    reader: ReaderId,
    started: Instant,
    filter: &Filter,
    bound: usize,
    collected: &Mutex<Collected>,
) {
    loop {
        let batch = match store.read(reader, BATCH) {
            Ok(Some(batch)) if !batch.events.is_empty() => batch,
            Ok(_) => return,
            Err(error) => {
                tracing::error!("the recording could not read the event log: {error}");
                return;
            }
        };
        let at_ms = started.elapsed().as_millis() as u64;
        let lost = store.take_reader_lost(reader);
        let mut kept = Vec::new();
        for text in &batch.events {
            // lizi's own markers (a gap, a lost count) are not events of the conversation.
            let Ok(event) = serde_json::from_str::<Event>(text) else {
                continue;
            };
            let peer = own_private_peer(store, &event);
            if filter.keeps(&event, peer) {
                kept.push(Observed { at_ms, event, peer });
            }
        }
        store.advance(reader, batch.next);
        let mut collected = collected.lock().unwrap_or_else(PoisonError::into_inner);
        collected.lost += lost;
        for observed in kept {
            if collected.events.len() >= bound.max(1) {
                collected.events.pop_front();
                collected.dropped += 1;
            }
            collected.events.push_back(observed);
        }
    }
}

/// The receiver of an account's own private message, which its event does not name: the
/// stored message with the event's `Seq` says, where the backend keeps one (as the
/// OneBot face finds its `target_id`).
fn own_private_peer(store: &Store, event: &Event) -> Option<u64> {
    let Event::PrivateMsg(message) = event else {
        return None;
    };
    if message.from_qq.uin != message.logon_qq {
        return None;
    }
    let row = store.message_by_seq(message.msg.seq).ok()??;
    (row.sender as u64 == message.logon_qq)
        .then_some(row.target)
        .flatten()
        .map(|target| target as u64)
}
