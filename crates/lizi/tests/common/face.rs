//! lizi with its OneBot HTTP API on, in one profile, and the calls the OneBot tests make.

use lizi::Settings;
use lizi_onebot::Profile;
use serde_json::{json, Value};

use super::Server;

/// lizi with the OneBot HTTP API on in `profile` (and the XLZ key endpoints open).
pub struct Face {
    /// The server.
    pub server: Server,
    /// `http://` and the OneBot listener's address.
    pub base: String,
}

impl Face {
    /// Starts in the default world.
    pub async fn start(profile: Profile) -> Face {
        Face::start_in(profile, None).await
    }

    /// Starts in `world` (a world file), or the default world.
    pub async fn start_in(profile: Profile, world: Option<String>) -> Face {
        Face::start_with(profile, |settings| settings.world = world.map(Into::into)).await
    }

    /// Starts with the settings adjusted by `adjust` as well.
    pub async fn start_with(profile: Profile, adjust: impl FnOnce(&mut Settings)) -> Face {
        let address = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            probe.local_addr().expect("addr")
        };
        let server = Server::start_with(|settings| {
            settings.onebot.listen = Some(address);
            settings.onebot.profile = profile;
            settings.api.key_access = true;
            adjust(settings);
        })
        .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while tokio::net::TcpStream::connect(address).await.is_err() {
            assert!(std::time::Instant::now() < deadline, "no OneBot listener");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Face {
            server,
            base: format!("http://{address}"),
        }
    }

    /// The answer to `action` called as account `me` with JSON `params`.
    pub async fn call(&self, me: u64, action: &str, params: Value) -> Value {
        let url = format!("{}/{action}", self.base);
        let request = self.server.client.post(url).header("X-Self-ID", me);
        let response = request.json(&params).send().await.expect("call");
        // LLOneBot answers an unknown action with HTTP status 404.
        let status = response.status().as_u16();
        assert!(matches!(status, 200 | 404), "{action}: {status}");
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

    /// The retcode of `action`, which must fail.
    pub async fn failed(&self, me: u64, action: &str, params: Value) -> i64 {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        answer["retcode"].as_i64().expect("retcode")
    }

    /// A GET of the XLZ listener, as JSON.
    pub async fn get(&self, path: &str) -> Value {
        let response = self.server.client.get(self.server.url(path)).send();
        response.await.expect("get").json().await.expect("json")
    }

    /// A group's settings (`/sim/group`).
    pub async fn settings(&self, gin: u64) -> Value {
        self.get(&format!("/sim/group?gin={gin}")).await["settings"].clone()
    }

    /// The texts of group `gin`'s stored messages, oldest first.
    pub async fn group_texts(&self, gin: u64) -> Vec<String> {
        let history = self.get(&format!("/sim/history?group={gin}")).await;
        let messages = history["messages"].as_array().expect("messages");
        let text = |m: &Value| m["text"].as_str().expect("text").to_owned();
        messages.iter().map(text).collect()
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
