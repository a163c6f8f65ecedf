//! What the scenarios say to lizi: a POST answered 200, sessions, and WebSocket frames read
//! on a thread of their own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// A POST of `body` to `path`, its answer's text (any status but 200 is an error).
pub(crate) async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}{path}"))
        .body(body.to_owned())
        .send()
        .await?;
    ensure!(response.status() == 200, "{path}: {}", response.status());
    Ok(response.text().await?)
}

/// `n` new sessions, by id.
pub(crate) async fn sessions(base: &str, n: usize) -> anyhow::Result<Vec<u64>> {
    let client = reqwest::Client::new();
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let answer: Value = serde_json::from_str(&post(&client, base, "/allocsession", "").await?)?;
        ids.push(answer["session_id"].as_u64().context("session id")?);
    }
    Ok(ids)
}

/// A blocking WebSocket reader on its own thread that stamps each text frame as it arrives
/// and keeps what `keep` makes of it, until `stop` is set.
pub(crate) fn read_frames<T: Send + 'static>(
    url: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    keep: impl Fn(&str, Instant) -> Option<T> + Send + 'static,
) -> anyhow::Result<std::thread::JoinHandle<Vec<T>>> {
    use std::sync::atomic::Ordering;
    let address = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .context("ws url")?
        .to_owned();
    let stream = std::net::TcpStream::connect(address)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    let (mut socket, _) = tokio_tungstenite::tungstenite::client::client(url, stream)
        .map_err(|e| anyhow::anyhow!("websocket handshake: {e}"))?;
    Ok(std::thread::spawn(move || {
        let mut kept = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            match socket.read() {
                Ok(Message::Text(text)) => {
                    let at = Instant::now();
                    kept.extend(keep(text.as_str(), at));
                }
                Ok(_) => {}
                Err(tokio_tungstenite::tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
        kept
    }))
}
