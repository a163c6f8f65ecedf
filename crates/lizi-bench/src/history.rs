//! The history scenario: memory and disk as the message history grows (issues "memory and
//! disk stay bounded" and "one copy of a message").
//!
//! One framework account in a group with a second one sends 60,000 messages of 1 KiB while
//! one session leaves every event unread, so each message is in the history and is a
//! pending event for each of the two accounts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::scenarios::{info, judged, post, sessions};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

/// Messages sent in all; memory is read halfway too.
const MESSAGES: u64 = 60_000;

/// Bytes of each message's text.
const TEXT_BYTES: usize = 1024;

const MB: f64 = 1048576.0;

/// Sends messages `from..to` over the bench's connections.
async fn send_range(bench: &Bench, base: &str, from: u64, to: u64) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(from));
    let tasks: Vec<_> = (0..bench.connections)
        .map(|_| {
            let (base, next) = (base.to_owned(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let filler = "x".repeat(TEXT_BYTES - 8);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= to {
                        return Ok::<_, anyhow::Error>(());
                    }
                    let body = format!("fromqq=10001&togroup=40001&text={i:08}{filler}");
                    post(&client, &base, "/sendgroupmsg", &body).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// Resident memory after the history grows, after a restart, and the data folder's size.
pub async fn history(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 20, 2)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = lizi.rss()? as f64 / MB;
    sessions(&lizi.base, 1).await?;
    send_range(bench, &lizi.base, 0, MESSAGES / 2).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let half = lizi.rss()? as f64 / MB;
    let folder_half = lizi.data_bytes()? as f64;
    send_range(bench, &lizi.base, MESSAGES / 2, MESSAGES).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let full = lizi.rss()? as f64 / MB;
    let folder = lizi.data_bytes()? as f64;
    let lizi = lizi.restart(&bench.binary, &world, &[])?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let restarted = lizi.rss()? as f64 / MB;
    let folder_after = lizi.data_bytes()? as f64;
    let payload = (MESSAGES as usize * TEXT_BYTES) as f64;
    let growth = (folder - folder_half) / (MESSAGES / 2) as f64;
    let tables = lizi.table_bytes()?;
    let of = |names: &[&str]| -> u64 {
        tables
            .iter()
            .filter(|(name, _)| names.contains(&name.as_str()))
            .map(|(_, bytes)| bytes)
            .sum()
    };
    let history_row = of(&["messages", "messages_by_conv"]) as f64 / MESSAGES as f64;
    let pending_event = of(&["events", "event_shapes"]) as f64 / (2 * MESSAGES) as f64;
    let stored = folder_after / payload;
    Ok(vec![
        info(
            "resident memory, idle (2 accounts, 20 members)",
            format!("{idle:.1} MB"),
        ),
        info(
            "resident memory after 30,000 messages of 1 KiB",
            format!("{half:.1} MB"),
        ),
        judged(
            "memory over idle after 60,000 messages of 1 KiB",
            format!("{:.1} MB", full - idle),
            "<= 48 MB",
            full - idle <= 48.0,
        ),
        judged(
            "memory growth from 30,000 to 60,000 messages",
            format!("{:.1} MB", full - half),
            "<= 8 MB",
            full - half <= 8.0,
        ),
        judged(
            "memory over idle right after a restart on that folder",
            format!("{:.1} MB", restarted - idle),
            "<= 48 MB",
            restarted - idle <= 48.0,
        ),
        info(
            "data folder while running (journal included)",
            format!("{:.1} MB", folder / MB),
        ),
        judged(
            "data folder growth per message, 30,000 to 60,000",
            format!("{growth:.0} B"),
            "<= 1331 B",
            growth <= 1.3 * TEXT_BYTES as f64,
        ),
        judged(
            "data folder after a restart / the texts' bytes",
            format!("{stored:.2} ({:.1} MB)", folder_after / MB),
            "<= 1.3",
            stored <= 1.3,
        ),
        info(
            "database bytes per history row (table and index)",
            format!("{history_row:.0} B"),
        ),
        info(
            "database bytes per pending event (events and shapes)",
            format!("{pending_event:.0} B"),
        ),
    ])
}
