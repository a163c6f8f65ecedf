//! Two real lizi processes for the OneBot bridge tests: A runs `--backend onebot` (the
//! bridge), B runs the simulated network and dials A by reverse WebSocket through its
//! OneBot face in one of the profiles, as NapCat, LLOneBot or Lagrange.OneBot would.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::child::Lizi;
use super::post_json;
use super::Scratch;

/// The OneBot implementations the face reproduces, each a profile of B.
pub const PROFILES: [&str; 3] = ["napcat", "llonebot", "lagrange"];

/// The simulated network's bot account, which B's face connects to A.
pub const BOT: u64 = 10001;

/// The simulated network's second framework account, which B's face connects too.
pub const HELPER: u64 = 10002;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// lizi A, the bridge, and a client of its XLZ API.
pub struct Bridge {
    pub child: Lizi,
    pub base: String,
    /// The reverse WebSocket address implementations dial.
    pub accept: String,
    pub client: reqwest::Client,
    args: Vec<String>,
}

impl Bridge {
    /// Starts A on `scratch`'s data folder, accepting on `accept`.
    pub fn start(scratch: &Scratch, accept: &str, extra: &[&str]) -> Bridge {
        let data = scratch.data();
        let mut args: Vec<String> = [
            "serve",
            "--backend",
            "onebot",
            "--onebot-accept",
            accept,
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        Bridge::spawn(scratch, args)
    }

    fn spawn(scratch: &Scratch, args: Vec<String>) -> Bridge {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = Lizi::spawn(&scratch.0, &refs, &[]);
        let port = child.port();
        let line = child.line_with("onebot bridge accepting");
        let accept = line
            .split("ws://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Bridge {
            child,
            base: format!("http://127.0.0.1:{port}"),
            accept,
            client: client(),
            args,
        }
    }

    /// Stops A (SIGTERM) and starts it again on the same data folder and the same accept
    /// address, so that the implementation dials it again.
    pub fn restart(mut self, scratch: &Scratch) -> Bridge {
        self.child.terminate();
        let mut args = self.args.clone();
        if let Some(at) = args.iter().position(|a| a == "--onebot-accept") {
            args[at + 1] = self.accept.clone();
        }
        Bridge::spawn(scratch, args)
    }

    /// POSTs a form body to A's XLZ API and parses the JSON answer.
    pub async fn call(&self, path: &str, body: &str) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .body(body.to_owned())
            .send()
            .await
            .expect("request");
        let text = response.text().await.expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
    }

    /// The answer and the decoded retcode text inside its `ret`.
    pub async fn call_retcode(&self, path: &str, body: &str) -> (Value, Value) {
        let answer = self.call(path, body).await;
        let inner = answer["ret"]
            .as_str()
            .and_then(|ret| serde_json::from_str(ret).ok())
            .unwrap_or(Value::Null);
        (answer, inner)
    }

    /// GETs a path of A and answers status and bytes.
    pub async fn get_bytes(&self, url: &str) -> (u16, Vec<u8>) {
        let response = self.client.get(url).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("body").to_vec())
    }

    /// The `登录状态` of `account` in `/getlogonqq`, if listed.
    pub async fn state(&self, account: u64) -> Option<String> {
        let answer = self.call("/getlogonqq", "").await;
        let list: Value = serde_json::from_str(answer["ret"].as_str()?).ok()?;
        Some(
            list["QQlist"][account.to_string()]["登录状态"]
                .as_str()?
                .to_owned(),
        )
    }

    /// Waits until `account` shows `state` (在线 or 离线).
    pub async fn wait_state(&self, account: u64, state: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if self.state(account).await.as_deref() == Some(state) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{account} never became {state}: {:?}",
                self.call("/getlogonqq", "").await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Reads session events until one of account [`BOT`] satisfies `wanted`.
    pub async fn wait_event(&self, session: u64, wanted: impl Fn(&Value) -> bool) -> Value {
        self.wait_event_of(BOT, session, wanted).await
    }

    /// Reads session events until one of `account` satisfies `wanted`.
    pub async fn wait_event_of(
        &self,
        account: u64,
        session: u64,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let mut events = self.events_until_of(account, session, wanted).await;
        events.pop().expect("the last event")
    }

    /// Reads `session`'s events of `account` until one satisfies `last`; answers them all,
    /// `last` included.
    pub async fn events_until_of(
        &self,
        account: u64,
        session: u64,
        last: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut events = Vec::new();
        loop {
            let answer = self.call("/geteventv2", &format!("sessid={session}")).await;
            for event in answer["events"].as_array().cloned().unwrap_or_default() {
                let event: Value = match event {
                    Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
                    other => other,
                };
                if event["LogonQQ"] != account {
                    continue;
                }
                let done = last(&event);
                events.push(event);
                if done {
                    return events;
                }
            }
            assert!(Instant::now() < deadline, "no last event among {events:#?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Allocates an event session.
    pub async fn session(&self) -> u64 {
        self.call("/allocsession", "").await["session_id"]
            .as_u64()
            .expect("session id")
    }
}

/// lizi B as a child process: the simulated network, its OneBot face dialling A in a
/// profile.
pub struct Network {
    pub child: Lizi,
    pub base: String,
    pub profile: String,
    client: reqwest::Client,
    args: Vec<String>,
}

impl Network {
    /// Starts B on `scratch`'s folder `network`, dialling `accept` as `profile`, with
    /// `extra` arguments.
    pub fn start(scratch: &Scratch, accept: &str, profile: &str, extra: &[&str]) -> Network {
        Network::start_reconnecting(scratch, accept, profile, 100, extra)
    }

    /// [`Network::start`], B dialling again `reconnect_ms` after a drop.
    pub fn start_reconnecting(
        scratch: &Scratch,
        accept: &str,
        profile: &str,
        reconnect_ms: u64,
        extra: &[&str],
    ) -> Network {
        let reconnect = reconnect_ms.to_string();
        let data = scratch
            .path("network")
            .to_str()
            .expect("UTF-8 path")
            .to_owned();
        let url = format!("ws://{accept}/onebot/v11/ws");
        let mut args: Vec<String> = [
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
            "--onebot-reverse-url",
            &url,
            "--onebot-profile",
            profile,
            "--onebot-reconnect-ms",
            &reconnect,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        Network::spawn(scratch, profile, args)
    }

    /// Starts B with exactly `args`, in `profile`.
    pub fn spawn(scratch: &Scratch, profile: &str, args: Vec<String>) -> Network {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = Lizi::spawn(&scratch.0, &refs, &[]);
        let port = child.port();
        Network {
            child,
            base: format!("http://127.0.0.1:{port}"),
            profile: profile.to_owned(),
            client: client(),
            args,
        }
    }

    /// Kills B at once (SIGKILL: the implementation's in-memory state is gone) and starts it
    /// again on the same data folder.
    pub fn restart(mut self, scratch: &Scratch) -> Network {
        self.child.signal("KILL");
        let _ = self.child.wait_exit(Duration::from_secs(10));
        Network::spawn(scratch, &self.profile.clone(), self.args.clone())
    }

    /// The URL of a path of B.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs a control action on B; answers status and JSON.
    pub async fn sim(&self, action: &str, body: Value) -> (u16, Value) {
        post_json(&self.client, &self.url(&format!("/sim/{action}")), &body).await
    }

    /// Runs a control action that must succeed.
    pub async fn sim_ok(&self, action: &str, body: Value) -> Value {
        let (status, answer) = self.sim(action, body.clone()).await;
        assert_eq!(status, 200, "/sim/{action} {body}: {answer}");
        answer
    }

    /// GETs a JSON page of B.
    pub async fn get(&self, path: &str) -> Value {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json")
    }

    /// POSTs a form body to B's own XLZ API.
    pub async fn call(&self, path: &str, body: &str) -> Value {
        let text = self
            .client
            .post(self.url(path))
            .body(body.to_owned())
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
    }

    /// The messages of a conversation (`/sim/history?<query>`).
    pub async fn history(&self, query: &str) -> Vec<Value> {
        let answer = self.get(&format!("/sim/history?{query}")).await;
        answer["messages"].as_array().cloned().unwrap_or_default()
    }

    /// The group as `/sim/group` shows it.
    pub async fn group(&self, gin: u64) -> Value {
        self.get(&format!("/sim/group?gin={gin}")).await
    }

    /// A member of a group as `/sim/group` shows it.
    pub async fn member(&self, gin: u64, uin: u64) -> Option<Value> {
        let group = self.group(gin).await;
        group["members"]
            .as_array()?
            .iter()
            .find(|m| m["uin"] == uin)
            .cloned()
    }

    /// Has simulated user `from` say `text` in group `group`.
    pub async fn say(&self, from: u64, group: u64, text: &str) -> Value {
        self.sim_ok(
            "message",
            json!({"from": from, "group": group, "text": text}),
        )
        .await
    }
}

/// A and B, connected: B's bot account [`BOT`] is online on A.
pub struct Pair {
    pub bridge: Bridge,
    pub network: Network,
    pub scratch: Scratch,
}

impl Pair {
    /// Starts A and B (in `profile`) in a fresh scratch folder named after `tag`, and waits
    /// until B's account is online on A.
    pub async fn start(tag: &str, profile: &str) -> Pair {
        Pair::start_with(tag, profile, &[], &[]).await
    }

    /// [`Pair::start`] with extra arguments for A and for B.
    pub async fn start_with(tag: &str, profile: &str, bridge: &[&str], network: &[&str]) -> Pair {
        let scratch = Scratch::new(&format!("{tag}-{profile}"));
        let bridge = Bridge::start(&scratch, "127.0.0.1:0", bridge);
        let network = Network::start(&scratch, &bridge.accept, profile, network);
        // Both accounts of B's default world connect; waiting for both means no handshake
        // is still under way when a test begins (and, say, sets a fault on B's actions).
        for account in [BOT, HELPER] {
            bridge.wait_state(account, "在线").await;
        }
        Pair {
            bridge,
            network,
            scratch,
        }
    }
}

/// A raw WebSocket playing an implementation.
pub type Implementation =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Dials A as an implementation would for account 777, calling itself `app_name`.
pub async fn dial(accept: &str, app_name: &str, nickname: &str) -> Implementation {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let mut request = format!("ws://{accept}/onebot/v11/ws")
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("X-Self-ID", "777".parse().expect("header"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    // The handshake: lizi asks which implementation this is, then the account's nickname.
    for _ in 0..2 {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("an action")
            .expect("a frame")
            .expect("readable");
        let action: Value = serde_json::from_str(frame.to_text().expect("text")).expect("json");
        let data = match action["action"].as_str() {
            Some("get_version_info") => json!({"app_name": app_name, "protocol_version": "v11"}),
            Some("get_login_info") => json!({"user_id": 777, "nickname": nickname}),
            other => panic!("unexpected action {other:?}"),
        };
        let answer = json!({"status": "ok", "retcode": 0, "data": data, "echo": action["echo"]});
        socket
            .send(Message::text(answer.to_string()))
            .await
            .expect("answer");
    }
    socket
}

/// Sends an event frame as the implementation.
pub async fn post_event(socket: &mut Implementation, event: Value) {
    use futures_util::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::text(
            event.to_string(),
        ))
        .await
        .expect("event");
}
