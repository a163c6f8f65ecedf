//! Push ("事件上报"): each event POSTed to every report URL, one per request, as the raw
//! JSON body with `Content-Type: application/x-www-form-urlencoded` (docs/xlz-api.md#websockets-and-push). https
//! URLs are verified against the system's root store and the configured extra CAs.
//!
//! Each URL has its own reporter reading the log through its own named, persisted cursor:
//! a failing receiver is retried with backoff, in order, without holding up the others or
//! the API, and deliveries still pending at shutdown resume after a restart. Delivery is
//! at least once: an event whose answer was lost to a crash is sent again.

use std::time::Duration;

use lizi_core::Backoff;
use lizi_store::metrics::Delivery;
use lizi_store::ReaderId;
use tokio::task::JoinHandle;

use crate::{tls, AppState};

/// The store name of the reader behind a report URL.
pub fn reader_name(url: &str) -> String {
    format!("{READER_PREFIX}{url}")
}

/// The start of every push reader's name.
const READER_PREFIX: &str = "push ";

/// Starts one reporter per configured URL, and forgets readers of URLs no longer there.
pub fn spawn_reporters(state: &AppState) -> std::io::Result<Vec<JoinHandle<()>>> {
    let names: Vec<String> = state
        .config
        .report_urls
        .iter()
        .map(|u| reader_name(u))
        .collect();
    state.log.forget_readers_except(READER_PREFIX, &names);
    if state.config.report_urls.is_empty() {
        return Ok(Vec::new());
    }
    let builder =
        reqwest::Client::builder().timeout(Duration::from_millis(state.config.push_timeout_ms));
    let client = tls::trusting(builder, &state.config.extra_roots)
        .build()
        .map_err(std::io::Error::other)?;
    state
        .config
        .report_urls
        .iter()
        .map(|url| {
            let reader = state
                .log
                .open_reader(Some(&reader_name(url)))
                .map_err(std::io::Error::other)?;
            tracing::info!(%url, "pushing events");
            Ok(tokio::spawn(report(
                state.clone(),
                client.clone(),
                url.clone(),
                reader,
            )))
        })
        .collect()
}

async fn report(state: AppState, client: reqwest::Client, url: String, reader: ReaderId) {
    let mut head = state.log.watch();
    let mut stopping = state.stopping.clone();
    let max_backoff = Duration::from_millis(state.config.push_max_backoff_ms);
    'outer: loop {
        head.borrow_and_update();
        loop {
            let batch = match state.log.read(reader, 64) {
                Ok(Some(batch)) if !batch.events.is_empty() => batch,
                Ok(_) => break,
                Err(error) => {
                    tracing::error!(%url, "reading events to push failed: {error}");
                    break;
                }
            };
            let lost = state.log.take_reader_lost(reader);
            if lost > 0 {
                tracing::warn!(%url, "{lost} events were dropped before they could be pushed (lag limit)");
            }
            for (offset, event) in batch.events.iter().enumerate() {
                let mut backoff = Backoff::up_to(max_backoff);
                loop {
                    let delivered = tokio::select! {
                        result = deliver(&client, &url, event) => result,
                        _ = stopping.changed() => break 'outer,
                    };
                    match delivered {
                        Ok(()) => break,
                        Err(error) => {
                            state.metrics.push_failures.inc();
                            let pause = backoff.pause();
                            tracing::warn!(%url, "push failed, retrying in {pause:?}: {error}");
                            tokio::select! {
                                _ = tokio::time::sleep(pause) => {}
                                _ = stopping.changed() => break 'outer,
                            }
                        }
                    }
                }
                state.metrics.pushed.inc();
                let appended = batch.appended_times(offset..offset + 1);
                state.log.delivered(appended, Delivery::Push);
                state.log.advance(reader, batch.first + offset as u64 + 1);
            }
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { break },
            _ = stopping.changed() => break,
        }
    }
    state.log.close_reader(reader);
}

async fn deliver(client: &reqwest::Client, url: &str, event: &str) -> Result<(), String> {
    let response = client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(event.to_owned())
        .send()
        .await
        .map_err(|e| tls::error_chain(&e))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {}", response.status()))
    }
}
