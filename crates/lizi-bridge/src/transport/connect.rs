//! Forward-WebSocket client mode: for implementations configured as WebSocket servers
//! (NapCat's `websocketServers`, Lagrange's `ForwardWebSocket`), the bridge dials each
//! `--onebot-connect` URL itself, with `Authorization: Bearer <token>` when a token is set.
//! Such a server names no account in its handshake, so the bridge asks `get_login_info`
//! first; then the connection takes the same path as an accepted one
//! ([`super::connection::run`]). A dropped connection, or an implementation not up yet, is
//! dialled again after a pause that doubles from [`FIRST_PAUSE`] up to [`LONGEST_PAUSE`]
//! (back to the first once a connection stayed up for a second; [`Backoff`]), each
//! attempt logged and counted. A dial (the TCP connection and the WebSocket handshake, then
//! the answer to `get_login_info`) that takes longer than the action timeout or the silence
//! limit ([`Timing`]), whichever is shorter, fails; once open, the connection is pinged and
//! closed when silent like an accepted one. The WebSocket itself is `tokio-tungstenite`'s
//! client.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use lizi_core::{Backoff, Uin};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::config::Timing;
use super::connection;
use super::handler::LinkHandler;

/// The pause before the first redial.
pub const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// The longest pause between two dials.
pub const LONGEST_PAUSE: Duration = Duration::from_secs(10);

/// How long a connection must have stayed up for the next pause to start over at
/// [`FIRST_PAUSE`]: one dropped at once (a server that accepts and closes) backs off.
const STEADY: Duration = Duration::from_secs(1);

/// The `echo` of the bridge's first `get_login_info` on a dialled connection.
const LOGIN_ECHO: &str = "lizi-login";

/// Dials every URL of `urls` and keeps dialling it until `stopping` turns true.
pub fn start<H: LinkHandler>(
    handler: Arc<H>,
    urls: &[String],
    token: Option<String>,
    timing: Timing,
    stopping: watch::Receiver<bool>,
) {
    for url in urls {
        let dialler = Dialler {
            handler: handler.clone(),
            url: url.clone(),
            token: token.clone(),
            timing,
        };
        tokio::spawn(dialler.keep_dialling(stopping.clone()));
    }
}

/// One URL's dialling loop.
struct Dialler<H> {
    handler: Arc<H>,
    url: String,
    token: Option<String>,
    timing: Timing,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

impl<H: LinkHandler> Dialler<H> {
    async fn keep_dialling(self, mut stopping: watch::Receiver<bool>) {
        let counts = self.handler.dial_counts();
        let mut backoff = Backoff::new(FIRST_PAUSE, LONGEST_PAUSE);
        while !*stopping.borrow() {
            match self.dial().await {
                Ok((socket, account, early)) => {
                    counts.count_connected();
                    tracing::info!(account, url = %self.url, "onebot bridge: connected");
                    let connected_at = Instant::now();
                    connection::run(
                        socket,
                        account,
                        early,
                        self.handler.clone(),
                        self.timing,
                        &mut stopping,
                    )
                    .await;
                    if connected_at.elapsed() >= STEADY {
                        backoff.reset();
                    }
                    tracing::warn!(account, url = %self.url, "onebot bridge: connection closed");
                }
                Err(why) => {
                    counts.count_failed();
                    tracing::warn!(url = %self.url, "onebot bridge: dialling failed: {why}");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff.pause()) => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
        }
    }

    /// Opens a connection and learns its account; answers the events read meanwhile.
    async fn dial(&self) -> Result<(Socket, Uin, Vec<Value>), String> {
        let mut request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| e.to_string())?;
        if let Some(token) = &self.token {
            let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| "the token cannot be sent in a header".to_owned())?;
            request.headers_mut().insert("Authorization", bearer);
        }
        // A dial that hears nothing is given up as a silent connection would be.
        let patience = self.timing.action.min(self.timing.silence);
        let connecting = tokio_tungstenite::connect_async(request);
        let (mut socket, _) = tokio::time::timeout(patience, connecting)
            .await
            .map_err(|_| "no answer to the handshake".to_owned())?
            .map_err(|e| e.to_string())?;
        let ask = json!({"action": "get_login_info", "params": {}, "echo": LOGIN_ECHO});
        socket
            .send(Message::text(ask.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        let learning = learn_account(&mut socket);
        let (account, early) = tokio::time::timeout(patience, learning)
            .await
            .map_err(|_| "get_login_info was not answered".to_owned())??;
        Ok((socket, account, early))
    }
}

/// Reads frames until the answer to the login question; the events before it are kept.
async fn learn_account(socket: &mut Socket) -> Result<(Uin, Vec<Value>), String> {
    let mut early = Vec::new();
    loop {
        let text = match socket.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None => return Err("closed at once".into()),
            Some(Err(error)) => return Err(error.to_string()),
            Some(Ok(_)) => continue,
        };
        let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        if frame.get("post_type").is_some() {
            early.push(frame);
            continue;
        }
        if frame.get("echo").and_then(Value::as_str) != Some(LOGIN_ECHO) {
            continue;
        }
        return account_of(&frame).map(|account| (account, early));
    }
}

/// The account a `get_login_info` answer names.
fn account_of(answer: &Value) -> Result<Uin, String> {
    if answer.get("status").and_then(Value::as_str) != Some("ok") {
        return Err(format!("get_login_info failed: {answer}"));
    }
    let id = &answer["data"]["user_id"];
    id.as_u64()
        .or_else(|| id.as_str().and_then(|text| text.trim().parse().ok()))
        .filter(|&account| account != 0)
        .ok_or_else(|| format!("get_login_info named no account: {answer}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_comes_from_the_login_answer_as_a_number_or_a_string() {
        let ok = |id: Value| json!({"status": "ok", "retcode": 0, "data": {"user_id": id}});
        assert_eq!(account_of(&ok(json!(10001))), Ok(10001));
        assert_eq!(account_of(&ok(json!("10001"))), Ok(10001));
        assert!(account_of(&ok(json!(0))).is_err());
        assert!(account_of(&json!({"status": "failed", "retcode": 1200})).is_err());
    }
}
