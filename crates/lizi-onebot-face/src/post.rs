//! HTTP POST (OneBot v11 `communication/http-post.md`): every event of a logged-in
//! account POSTed to each configured URL as `application/json`, with `X-Self-ID` and, with
//! a secret, `X-Signature: sha1=<hex HMAC-SHA1 of the body>`; a `200` answer's body may
//! carry quick operations ([`crate::quick`]). An account going offline is POSTed a
//! `bot_offline` notice.
//!
//! One task per (account, URL) reads the event log through its own named, persisted
//! cursor: a failing receiver is retried with backoff (from 100 ms up to `reconnect_ms`,
//! never below 100 ms), in order, so one that was down gets what it missed when it is
//! back; dropping while disconnected
//! (NapCat's behaviour), a failed POST is not retried and what arrived while the account
//! was logged out is skipped.

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use lizi_core::{Backoff, Uin};
use lizi_store::metrics::Delivery;
use lizi_store::ReaderId;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::connection::{until_stopping, Shared};
use crate::events::roles::Roles;
use crate::presence::{bot_offline, until_logged_in};

/// The prefix of every POST reader's cursor name.
pub(crate) const READER_PREFIX: &str = "onebot post ";

/// The store name of the cursor of `url`'s POSTs for `account`.
pub fn reader_name(url: &str, account: Uin) -> String {
    format!("{READER_PREFIX}{account} {url}")
}

/// Starts `account`'s POST task for every configured URL, its cursors opened first so
/// that no event after this is missed.
pub(crate) fn start(
    shared: &Arc<Shared>,
    account: Uin,
    stopping: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    let mut builder = reqwest::Client::builder();
    if shared.config.post_timeout_ms > 0 {
        builder = builder.timeout(Duration::from_millis(shared.config.post_timeout_ms));
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!("the OneBot POST client could not be built: {error}");
            return Vec::new();
        }
    };
    let mut tasks = Vec::new();
    for url in &shared.config.post_urls {
        let Some(reader) = shared.open_cursor(&reader_name(url, account)) else {
            continue;
        };
        let poster = Poster {
            shared: shared.clone(),
            client: client.clone(),
            url: url.clone(),
            account,
        };
        tasks.push(tokio::spawn(poster.run(reader, stopping.clone())));
    }
    tasks
}

/// One account's POSTs to one URL.
struct Poster {
    shared: Arc<Shared>,
    client: reqwest::Client,
    url: String,
    account: Uin,
}

impl Poster {
    async fn run(self, reader: ReaderId, mut stopping: watch::Receiver<bool>) {
        let shared = self.shared.clone();
        let mut presence = shared.presence.subscribe();
        let mut head = shared.store.watch();
        'logged_in: while until_logged_in(&mut presence, self.account, &mut stopping).await {
            shared.skip_missed(reader);
            let mut online = presence.borrow_and_update().online(self.account);
            loop {
                head.borrow_and_update();
                if !self.post_pending(reader, &mut stopping).await {
                    break 'logged_in;
                }
                tokio::select! {
                    changed = head.changed() => if changed.is_err() { break 'logged_in },
                    changed = presence.changed() => {
                        if changed.is_err() {
                            break 'logged_in;
                        }
                        let (now_online, logged_in) = {
                            let state = presence.borrow_and_update();
                            (state.online(self.account), state.logged_in(self.account))
                        };
                        if online && !now_online {
                            let notice = bot_offline(self.account).to_string();
                            let _ = self.post(&notice).await;
                        }
                        online = now_online;
                        if !logged_in {
                            continue 'logged_in;
                        }
                    }
                    _ = until_stopping(&mut stopping) => break 'logged_in,
                }
            }
        }
        shared.store.close_reader(reader);
    }

    /// POSTs the events the reader has not delivered; false when the face is stopping.
    async fn post_pending(&self, reader: ReaderId, stopping: &mut watch::Receiver<bool>) -> bool {
        let store = &self.shared.store;
        loop {
            let mut roles = Roles::default();
            let batch = match store.read(reader, 64) {
                Ok(Some(batch)) if !batch.events.is_empty() => batch,
                _ => return true,
            };
            for (offset, entry) in batch.events.iter().enumerate() {
                let event = self.shared.event_for(self.account, entry, &mut roles).await;
                if let Some(event) = event {
                    if self.shared.faults.duplicate_event() {
                        let _ = self.post(&event.to_string()).await;
                    }
                    let answer = self.post_until_accepted(&event, stopping).await;
                    if answer.is_some() {
                        let appended = batch.appended_times(offset..offset + 1);
                        store.delivered(appended, Delivery::OneBot);
                    }
                    match answer {
                        Some(Some(operations)) => {
                            crate::quick::carry_out(&self.shared, self.account, &event, &operations)
                                .await
                        }
                        Some(None) => {}
                        None => return false,
                    }
                }
                store.advance(reader, batch.first + offset as u64 + 1);
            }
        }
    }

    /// POSTs one event, retrying with backoff (once only when dropping while
    /// disconnected): `Some` with the quick operations of the answer, if any; `None` when
    /// the face is stopping.
    async fn post_until_accepted(
        &self,
        event: &Value,
        stopping: &mut watch::Receiver<bool>,
    ) -> Option<Option<Value>> {
        let body = event.to_string();
        let mut backoff = Backoff::up_to(Duration::from_millis(self.shared.config.reconnect_ms));
        loop {
            let posted = tokio::select! {
                posted = self.post(&body) => posted,
                _ = until_stopping(stopping) => return None,
            };
            match posted {
                Ok(operations) => return Some(operations),
                Err(_) if self.shared.config.drop_while_disconnected => return Some(None),
                Err(error) => {
                    let url = &self.url;
                    let pause = backoff.pause();
                    tracing::warn!(%url, "OneBot POST failed, retrying in {pause:?}: {error}");
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = until_stopping(stopping) => return None,
                    }
                }
            }
        }
    }

    /// One POST: the quick operations of a `2xx` answer's JSON body, if any.
    async fn post(&self, body: &str) -> Result<Option<Value>, String> {
        let metrics = &self.shared.metrics;
        let mut request = self
            .client
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("X-Self-ID", self.account.to_string())
            .body(body.to_owned());
        if let Some(secret) = &self.shared.config.secret {
            request = request.header("X-Signature", signature(secret, body));
        }
        let answer = async {
            let response = request.send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("the receiver answered {}", response.status()));
            }
            let text = response.bytes().await.map_err(|e| e.to_string())?;
            Ok(serde_json::from_slice::<Value>(&text)
                .ok()
                .filter(Value::is_object))
        }
        .await;
        match answer {
            Ok(_) => metrics.posted.inc(),
            Err(_) => metrics.post_failures.inc(),
        };
        answer
    }
}

/// `sha1=<hex HMAC-SHA1 of body with secret>`, the `X-Signature` header.
pub fn signature(secret: &str, body: &str) -> String {
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::from("sha1=");
    };
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::from("sha1=");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
