//! Push ("事件上报"): each event POSTed to every report URL, one per request, as the raw
//! JSON body with `Content-Type: application/x-www-form-urlencoded` (wire.md §6).
//!
//! Each URL has its own reporter reading the log through its own cursor, so a failing
//! receiver is retried with backoff, in order, without holding up the others or the API.

use std::sync::atomic::Ordering;
use std::time::Duration;

use lizi_core::CursorId;
use tokio::task::JoinHandle;

use crate::AppState;

/// Starts one reporter per configured URL.
pub fn spawn_reporters(state: &AppState) -> std::io::Result<Vec<JoinHandle<()>>> {
    if state.config.report_urls.is_empty() {
        return Ok(Vec::new());
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(state.config.push_timeout_ms))
        .build()
        .map_err(std::io::Error::other)?;
    Ok(state
        .config
        .report_urls
        .iter()
        .map(|url| {
            let cursor = state.log.open_internal();
            tracing::info!(%url, "pushing events");
            tokio::spawn(report(state.clone(), client.clone(), url.clone(), cursor))
        })
        .collect())
}

async fn report(state: AppState, client: reqwest::Client, url: String, cursor: CursorId) {
    let mut head = state.log.watch();
    let mut stopping = state.stopping.clone();
    let max_backoff = Duration::from_millis(state.config.push_max_backoff_ms.max(1));
    'outer: loop {
        head.borrow_and_update();
        while let Some(batch) = state.log.read(cursor, 64).filter(|b| !b.events.is_empty()) {
            let first = batch.next - batch.events.len() as u64;
            for (offset, event) in batch.events.iter().enumerate() {
                let mut backoff = Duration::from_millis(100);
                loop {
                    match deliver(&client, &url, event).await {
                        Ok(()) => break,
                        Err(error) => {
                            state.metrics.push_failures.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(%url, "push failed, retrying in {backoff:?}: {error}");
                            tokio::select! {
                                _ = tokio::time::sleep(backoff) => {}
                                _ = stopping.changed() => break 'outer,
                            }
                            backoff = (backoff * 2).min(max_backoff);
                        }
                    }
                }
                state.metrics.pushed.fetch_add(1, Ordering::Relaxed);
                state.log.ack(cursor, first + offset as u64 + 1);
            }
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { break },
            _ = stopping.changed() => break,
        }
    }
    state.log.close(cursor);
}

async fn deliver(client: &reqwest::Client, url: &str, event: &str) -> Result<(), String> {
    let response = client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(event.to_owned())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered {}", response.status()))
    }
}
