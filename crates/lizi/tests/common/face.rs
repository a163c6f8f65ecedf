//! lizi with its OneBot face on, driven as a OneBot bot drives it: actions by HTTP, events
//! from the forward `/event` WebSocket, the simulated world through the control API.

use std::net::SocketAddr;
use std::time::Duration;

use lizi::Settings;
use lizi_onebot::Profile;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Server;

/// A forward WebSocket carrying events.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// lizi with the OneBot HTTP API on in a profile.
pub struct Face {
    /// The server (its XLZ address serves the control API).
    pub server: Server,
    /// `http://<OneBot address>`.
    pub base: String,
    /// The OneBot address.
    pub address: SocketAddr,
}

/// A free loopback address.
fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

/// Waits until `address` accepts connections.
async fn listening(address: SocketAddr) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "no OneBot listener");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Face {
    /// Starts lizi in `profile`, its settings adjusted by `adjust`.
    pub async fn start(profile: Profile, adjust: impl FnOnce(&mut Settings)) -> Face {
        let address = free_address();
        let server = Server::start_with(|settings| {
            settings.onebot.listen = Some(address);
            settings.onebot.profile = profile;
            settings.api.key_access = true;
            adjust(settings);
        })
        .await;
        listening(address).await;
        Face {
            server,
            base: format!("http://{address}"),
            address,
        }
    }

    /// Stops lizi and starts it again on the same data folder and OneBot address.
    pub async fn restart(self) -> Face {
        let address = self.address;
        let server = self.server.restart(|_| {}).await;
        listening(address).await;
        Face {
            server,
            base: format!("http://{address}"),
            address,
        }
    }

    /// The answer to `action` called as account `me` with JSON `params`.
    pub async fn call(&self, me: u64, action: &str, params: Value) -> Value {
        let url = format!("{}/{action}", self.base);
        let request = self.server.client.post(url).header("X-Self-ID", me);
        let response = request.json(&params).send().await.expect("call");
        response.json().await.expect("json")
    }

    /// The data of `action`, which must succeed.
    pub async fn ok(&self, me: u64, action: &str, params: Value) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(
            (&answer["status"], &answer["retcode"]),
            (&json!("ok"), &json!(0)),
            "{action}: {answer}"
        );
        answer["data"].clone()
    }

    /// The whole answer of `action`, which must fail.
    pub async fn failed(&self, me: u64, action: &str, params: Value) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        answer
    }

    /// A control action's answer, which must succeed (read-only ones by POST too).
    pub async fn sim(&self, action: &str, body: Value) -> Value {
        let (status, answer) = self.server.sim(action, body).await;
        assert_eq!(status, 200, "/sim/{action}: {answer}");
        answer
    }

    /// Opens `/event` for `self_id` and reads its lifecycle frame.
    pub async fn events(&self, self_id: u64) -> Socket {
        let url = format!(
            "{}/event?self_id={self_id}&client=test",
            self.base.replacen("http", "ws", 1)
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("event socket");
        let lifecycle = super::ws_frames::next_json(&mut socket).await;
        assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
        socket
    }
}

/// The next event on `socket` that is not a heartbeat.
pub async fn next(socket: &mut Socket) -> Value {
    super::ws_frames::next_json(socket).await
}

/// The retcodes a profile's implementation answers: (unknown action, handler failure, bad
/// parameters).
pub fn retcodes(profile: Profile) -> (i64, i64, i64) {
    match profile {
        Profile::Lagrange => (404, 200, 200),
        _ => (1404, 1200, 1400),
    }
}
