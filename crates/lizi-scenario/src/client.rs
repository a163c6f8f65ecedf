//! The runner's view of a scenario's lizi: the control API over HTTP, as any test would
//! use it, so that what the bot did is seen where a person would see it.

use std::fmt;
use std::time::Duration;

use md5::{Digest, Md5};
use serde::Deserialize;
use serde_json::Value;

/// A conversation the bot's account takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conv {
    /// A group.
    Group(u64),
    /// The private chat with a person.
    Private(u64),
}

impl fmt::Display for Conv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conv::Group(gin) => write!(f, "group {gin}"),
            Conv::Private(peer) => write!(f, "the private chat with {peer}"),
        }
    }
}

/// A message as `/sim/history` shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    /// Its `Req`.
    pub req: i64,
    /// Its `Random`.
    pub random: i64,
    /// The network-wide sequence number.
    pub seq: i64,
    /// When it was sent (simulated unix seconds).
    pub time: i64,
    /// The sender.
    pub from: u64,
    /// The text, with text codes.
    pub text: String,
    /// Whether it was recalled.
    #[serde(default)]
    pub recalled: bool,
}

#[derive(Deserialize)]
struct HistoryPage {
    messages: Vec<Message>,
}

/// A client of one lizi's HTTP API, with the scenario's credentials.
#[derive(Debug, Clone)]
pub struct LiziClient {
    base: String,
    account: u64,
    http: reqwest::Client,
    password: Option<String>,
    token: Option<String>,
}

impl LiziClient {
    /// A client of the lizi at `base` (`http://127.0.0.1:PORT`) for the bot's `account`.
    pub fn new(
        base: String,
        account: u64,
        password: Option<String>,
        token: Option<String>,
    ) -> LiziClient {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        LiziClient {
            base,
            account,
            http,
            password,
            token,
        }
    }

    fn request(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let mut builder = builder;
        if let Some(password) = &self.password {
            let hash = Md5::digest(password.as_bytes());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            builder = builder.header("Cookie", format!("pass={hex}"));
        }
        if let Some(token) = &self.token {
            builder = builder.bearer_auth(token);
        }
        builder
    }

    /// Runs control action `action` with `body`; a refusal is an error naming why.
    pub async fn control(&self, action: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/sim/{action}", self.base);
        let request = self.request(self.http.post(url).body(body.to_string()));
        answer(&format!("/sim/{action}"), request).await
    }

    /// Reads a control view: `path_and_query` after `/sim/`.
    pub async fn view(&self, path_and_query: &str) -> Result<Value, String> {
        let url = format!("{}/sim/{path_and_query}", self.base);
        answer(
            &format!("/sim/{path_and_query}"),
            self.request(self.http.get(url)),
        )
        .await
    }

    /// The last 1,000 messages of a conversation of the account, oldest first.
    pub async fn history(&self, conv: Conv) -> Result<Vec<Message>, String> {
        let query = match conv {
            Conv::Group(gin) => format!("history?group={gin}&limit=1000"),
            Conv::Private(peer) => format!("history?a={}&b={peer}&limit=1000", self.account),
        };
        let page = self.view(&query).await?;
        serde_json::from_value::<HistoryPage>(page)
            .map(|page| page.messages)
            .map_err(|e| format!("/sim/history answered an unexpected shape: {e}"))
    }

    /// POSTs `body` (JSON, when given) to `path`; answers the status and the text.
    pub async fn post(&self, path: &str, body: Option<&Value>) -> Result<(u16, String), String> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.post(url);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = self
            .request(request)
            .send()
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| format!("{path}: {e}"))?;
        Ok((status, text))
    }

    /// The event sessions and XLZ WebSockets open now: a bot that has one is connected.
    pub async fn connections(&self) -> Result<u64, String> {
        let url = format!("{}/metrics", self.base);
        let response = self
            .request(self.http.get(url))
            .send()
            .await
            .map_err(|e| format!("/metrics: {e}"))?;
        let text = response
            .text()
            .await
            .map_err(|e| format!("/metrics: {e}"))?;
        Ok(text
            .lines()
            .filter_map(|line| {
                let (name, value) = line.split_once(' ')?;
                matches!(name, "lizi_sessions" | "lizi_websockets")
                    .then(|| value.trim().parse::<u64>().ok())?
            })
            .sum())
    }
}

/// Sends a request and reads its JSON answer; a non-200 answer is an error with lizi's
/// reason.
async fn answer(what: &str, request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| format!("{what}: {e}"))?;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if status.is_success() {
        return Ok(body);
    }
    let reason = body
        .get("error")
        .and_then(Value::as_str)
        .map_or_else(|| body.to_string(), str::to_owned);
    Err(format!("{what} was refused ({status}): {reason}"))
}
