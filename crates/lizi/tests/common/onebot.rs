//! lizi with its OneBot face on a real socket, called as a bot calls it: actions over the
//! HTTP API, events over the forward `/event` WebSocket, the world through the control
//! API.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use lizi::Settings;
use lizi_onebot::Profile;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Server;

/// A forward `/event` WebSocket.
pub type Events = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// lizi with the OneBot HTTP API on in one profile.
pub struct Face {
    /// The server (its XLZ address serves the control API).
    pub server: Server,
    /// `http://` address of the OneBot listener.
    pub base: String,
    /// The profile it answers as.
    pub profile: Profile,
}

fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

async fn listening(address: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the OneBot listener never came up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Face {
    /// Starts lizi in `profile` on the default world, or on the world file `world`.
    pub async fn start(profile: Profile, world: Option<String>) -> Face {
        Face::start_with(profile, |settings| settings.world = world.map(Into::into)).await
    }

    /// Starts lizi in `profile` with its settings adjusted by `adjust` as well (the XLZ
    /// key endpoints are open).
    pub async fn start_with(profile: Profile, adjust: impl FnOnce(&mut Settings)) -> Face {
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
            profile,
        }
    }

    /// Stops lizi and starts it again on the same data folder and OneBot address.
    pub async fn restart(self) -> Face {
        let Face {
            server,
            base,
            profile,
        } = self;
        let server = server.restart(|_| {}).await;
        let address = base.trim_start_matches("http://").parse().expect("address");
        listening(address).await;
        Face {
            server,
            base,
            profile,
        }
    }

    /// The whole answer to `action` called as account `me` with JSON `params`.
    pub async fn call(&self, me: u64, action: &str, params: Value) -> Value {
        let url = format!("{}/{action}", self.base);
        let request = self.server.client.post(url).header("X-Self-ID", me);
        let response = request.json(&params).send().await.expect("call");
        let status = response.status().as_u16();
        let answer: Value = response.json().await.expect("json");
        let unknown = self.profile == Profile::LLOneBot && answer["retcode"] == 404;
        assert!(status == 200 || unknown, "{action}: HTTP {status} {answer}");
        answer
    }

    /// The data of `action`, which must succeed.
    pub async fn ok(&self, me: u64, action: &str, params: Value) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(
            (&answer["status"], &answer["retcode"]),
            (&json!("ok"), &json!(0)),
            "{:?} {action}: {answer}",
            self.profile
        );
        answer["data"].clone()
    }

    /// The whole answer of `action`, which must fail.
    pub async fn failure(&self, me: u64, action: &str, params: Value) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        answer
    }

    /// The retcode of `action`, which must fail.
    pub async fn failed(&self, me: u64, action: &str, params: Value) -> i64 {
        let answer = self.failure(me, action, params).await;
        answer["retcode"].as_i64().expect("retcode")
    }

    /// `action` must fail as the profile's handler failure (200 over HTTP in every
    /// profile), with a message holding `why` where the profile writes one.
    pub async fn refused(&self, me: u64, action: &str, params: Value, why: &str) {
        let answer = self.call(me, action, params).await;
        let (_, retcode, _) = retcodes(self.profile);
        assert_eq!(
            (&answer["status"], &answer["retcode"]),
            (&json!("failed"), &json!(retcode)),
            "{:?} {action}: {answer}",
            self.profile
        );
        if self.profile != Profile::Lagrange {
            let message = answer["message"].as_str().unwrap_or_default();
            assert!(message.contains(why), "{action}: {message:?} lacks {why:?}");
        }
    }

    /// `action` must be refused for its parameters (NapCat and LLOneBot 400 over HTTP).
    pub async fn bad(&self, me: u64, action: &str, params: Value) {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        let (_, _, retcode) = retcodes(self.profile);
        assert_eq!(answer["retcode"], retcode, "{action}: {answer}");
    }

    /// `action` must be unknown to the profile's implementation, as its HTTP API answers
    /// (NapCat retcode 200 "不支持的Api", LLOneBot and Lagrange.OneBot 404).
    pub async fn unknown(&self, me: u64, action: &str, params: Value) {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        let (retcode, _, _) = retcodes(self.profile);
        assert_eq!(
            answer["retcode"], retcode,
            "{:?} {action}: {answer}",
            self.profile
        );
        if self.profile == Profile::NapCat {
            assert_eq!(answer["message"], format!("不支持的Api {action}"));
        }
    }

    /// A group's settings (`/sim/group`).
    pub async fn settings(&self, gin: u64) -> Value {
        self.view(&format!("/sim/group?gin={gin}")).await["settings"].clone()
    }

    /// The texts of group `gin`'s stored messages, oldest first.
    pub async fn group_texts(&self, gin: u64) -> Vec<String> {
        let history = self.view(&format!("/sim/history?group={gin}")).await;
        let messages = history["messages"].as_array().expect("messages");
        let text = |m: &Value| m["text"].as_str().expect("text").to_owned();
        messages.iter().map(text).collect()
    }

    /// A control API view, read by GET.
    pub async fn view(&self, path: &str) -> Value {
        self.server.view(path).await
    }

    /// A control action that must succeed; its answer.
    pub async fn sim(&self, action: &str, body: Value) -> Value {
        let (status, answer) = self.server.sim(action, body).await;
        assert_eq!(status, 200, "/sim/{action}: {answer}");
        answer
    }

    /// The forward `/event` WebSocket of account `self_id`, past its lifecycle frame.
    pub async fn events(&self, self_id: u64) -> Events {
        let url = format!(
            "{}/event?self_id={self_id}",
            self.base.replacen("http", "ws", 1)
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("event socket");
        let lifecycle = super::ws_frames::next_json(&mut socket).await;
        assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
        socket
    }

    /// The message id of a group message the account `me` sends.
    pub async fn say(&self, me: u64, group: u64, text: &str) -> i64 {
        let sent = self
            .ok(
                me,
                "send_group_msg",
                json!({"group_id": group, "message": text}),
            )
            .await;
        sent["message_id"].as_i64().expect("message_id")
    }
}

/// The retcodes a profile's implementation answers over HTTP: (unknown action, handler
/// failure, bad parameters).
pub fn retcodes(profile: Profile) -> (i64, i64, i64) {
    match profile {
        Profile::NapCat => (200, 200, 400),
        Profile::Lagrange => (404, 200, 200),
        Profile::LLOneBot => (404, 200, 400),
    }
}

/// The next event on `socket` that is not a heartbeat.
pub async fn next(socket: &mut Events) -> Value {
    super::ws_frames::next_json(socket).await
}

/// The next event on `socket` of `post_type` `notice` with `notice_type`.
pub async fn next_notice(socket: &mut Events, notice_type: &str) -> Value {
    super::ws_frames::next_json_where(socket, |event| {
        event["post_type"] == "notice" && event["notice_type"] == notice_type
    })
    .await
}

/// The events on `socket` before the message event whose `raw_message` is `text` (a
/// marker sent after what is looked at, so that what did not come can be checked).
pub async fn events_before(socket: &mut Events, text: &str) -> Vec<Value> {
    let mut before = Vec::new();
    loop {
        let event = super::ws_frames::next_json(socket).await;
        if event["raw_message"] == text {
            return before;
        }
        before.push(event);
    }
}
