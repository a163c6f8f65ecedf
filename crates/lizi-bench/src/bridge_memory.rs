//! The bridge's memory after a restart with many records: a bridge (`--backend onebot`)
//! that has recorded 150,000 messages is stopped and started again on its data folder, and
//! its resident memory, once the implementation is back, is compared with a fresh bridge's
//! with the implementation connected. The bridge looks its records up by key instead of
//! loading them, so the two should be close (target: within 15 MB).
//!
//! The implementation is played by the bench itself over a raw WebSocket, as NapCat would
//! dial: it answers the handshake and every history request (with no messages), and posts
//! the group messages, spread over 100 groups. That the bridge has taken them all is seen
//! on its XLZ `/ws`, where the last one arrives after every other.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::bridge::wait_online;
use crate::scenarios::{info, judged};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

/// How many messages the bridge records before its restart.
const RECORDS: u64 = 150_000;

/// The account the implementation plays.
const ACCOUNT: u64 = 777;

const MB: f64 = 1048576.0;

/// Sends frames to the bridge as the implementation; answers its actions meanwhile.
struct Implementation {
    frames: mpsc::UnboundedSender<String>,
}

impl Implementation {
    /// Dials the bridge at `accept` as account [`ACCOUNT`], as NapCat (again while its
    /// accept port is not up yet).
    async fn dial(accept: &str) -> anyhow::Result<Implementation> {
        let mut request = format!("ws://{accept}/onebot/v11/ws").into_client_request()?;
        request
            .headers_mut()
            .insert("X-Self-ID", ACCOUNT.to_string().parse()?);
        let deadline = Instant::now() + Duration::from_secs(30);
        let socket = loop {
            match tokio_tungstenite::connect_async(request.clone()).await {
                Ok((socket, _)) => break socket,
                Err(error) if Instant::now() > deadline => return Err(error.into()),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let (mut sink, mut stream) = socket.split();
        let (frames, mut outgoing) = mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Some(frame) = outgoing.recv().await {
                if sink.send(Message::text(frame)).await.is_err() {
                    break;
                }
            }
        });
        let answers = frames.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                let Ok(text) = frame.to_text() else { continue };
                let Ok(action) = serde_json::from_str::<Value>(text) else {
                    continue;
                };
                let data = match action["action"].as_str() {
                    Some("get_version_info") => json!({"app_name": "NapCat.Onebot"}),
                    Some("get_login_info") => json!({"user_id": ACCOUNT, "nickname": "bench"}),
                    Some("get_group_msg_history" | "get_friend_msg_history") => {
                        json!({"messages": []})
                    }
                    _ => Value::Null,
                };
                let answer =
                    json!({"status": "ok", "retcode": 0, "data": data, "echo": action["echo"]});
                if answers.send(answer.to_string()).is_err() {
                    break;
                }
            }
        });
        Ok(Implementation { frames })
    }

    /// Posts message `n` of a user in one of 100 groups.
    fn post(&self, n: u64, text: &str) -> anyhow::Result<()> {
        let event = json!({"time": 1_700_000_000 + n / 100, "self_id": ACCOUNT,
            "post_type": "message", "message_type": "group", "sub_type": "normal",
            "message_id": n, "group_id": 5_000 + n % 100, "user_id": 20_000 + n % 37,
            "message": [{"type": "text", "data": {"text": text}}],
            "sender": {"user_id": 20_000 + n % 37, "nickname": "member"}});
        self.frames
            .send(event.to_string())
            .ok()
            .context("the connection to the bridge is gone")
    }
}

/// A loopback port free at the time of asking.
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Reads the bridge's XLZ `/ws` until an event with `text` arrives.
async fn wait_for_text(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    text: &str,
) -> anyhow::Result<()> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(120), ws.next())
            .await
            .context("no event for 120 s")?
            .context("the stream ended")??;
        if frame.to_text().is_ok_and(|frame| frame.contains(text)) {
            return Ok(());
        }
    }
}

/// The bridge's resident memory, restarted with [`RECORDS`] messages, against a fresh one.
pub async fn bridge_memory(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 1, 1)?;
    let accept = format!("127.0.0.1:{}", free_port()?);
    let flags = [
        "--backend",
        "onebot",
        "--onebot-accept",
        accept.as_str(),
        "--flush",
        "normal",
    ];

    let fresh = Lizi::start(&bench.binary, &world, &flags)?;
    let implementation = Implementation::dial(&accept).await?;
    wait_online(&fresh, 1).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let fresh_rss = fresh.rss()? as f64 / MB;
    drop(implementation);
    drop(fresh);

    let lizi = Lizi::start(&bench.binary, &world, &flags)?;
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{}/ws", lizi.port)).await?;
    let implementation = Implementation::dial(&accept).await?;
    wait_online(&lizi, 1).await?;
    let started = Instant::now();
    for n in 1..=RECORDS {
        implementation.post(n, &format!("message {n} of the bench"))?;
    }
    implementation.post(RECORDS + 1, "the last message")?;
    wait_for_text(&mut ws, "the last message").await?;
    let rate = RECORDS as f64 / started.elapsed().as_secs_f64();
    let before_restart = lizi.rss()? as f64 / MB;
    drop(ws);
    drop(implementation);

    let restarted = lizi.restart(&bench.binary, &world, &flags)?;
    let implementation = Implementation::dial(&accept).await?;
    wait_online(&restarted, 1).await?;
    // The refill asks each of the 100 groups' history; then the bridge idles.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let restarted_rss = restarted.rss()? as f64 / MB;
    drop(implementation);
    let grown = restarted_rss - fresh_rss;
    Ok(vec![
        info(
            "bridge: messages recorded per second (150,000 from one implementation)",
            format!("{rate:.0}"),
        ),
        info(
            "bridge: resident memory, fresh",
            format!("{fresh_rss:.1} MB"),
        ),
        info(
            "bridge: resident memory, having recorded 150,000 messages",
            format!("{before_restart:.1} MB"),
        ),
        info(
            "bridge: resident memory, restarted with 150,000 records",
            format!("{restarted_rss:.1} MB"),
        ),
        judged(
            "bridge: memory restarted with 150,000 records - fresh",
            format!("{grown:.1} MB"),
            "<= 15 MB",
            grown <= 15.0,
        ),
    ])
}
