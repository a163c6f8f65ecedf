//! A real lizi server on a real socket, for the integration tests.
#![allow(dead_code)]

pub mod bridge;
pub mod child;
pub mod onebot;
pub mod raw;
pub mod tls;
pub mod ws_frames;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lizi::Settings;
use lizi_core::{EndpointSpec, ParamKind};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; stops when dropped.
pub struct Server {
    /// The bound address.
    pub addr: SocketAddr,
    /// `http://addr`.
    pub base: String,
    /// The data folder (removed on drop).
    pub data: PathBuf,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// The settings it runs with.
    pub settings: Settings,
    /// Whether dropping the server keeps the data folder (for restarts).
    pub keep_data: bool,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// A fresh temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("lizi-test-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A scratch folder, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A fresh scratch folder.
    pub fn new(tag: &str) -> Scratch {
        Scratch(temp_dir(tag))
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes a file in the folder; returns its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write file");
        path.to_str().expect("UTF-8 path").to_owned()
    }

    /// The path of `data` inside the folder.
    pub fn data(&self) -> String {
        self.path("data").to_str().expect("UTF-8 path").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Settings for a test server: port 0, a fresh data folder, the default world.
pub fn test_settings() -> Settings {
    let args = lizi::ServeArgs {
        server: lizi::settings::ServerFlags {
            listen: Some("127.0.0.1:0".parse().expect("addr")),
            ..Default::default()
        },
        storage: lizi::settings::StorageFlags {
            data: Some(temp_dir("data")),
            ..Default::default()
        },
        ..Default::default()
    };
    Settings::resolve(args).expect("settings")
}

impl Server {
    /// Starts a server with the default test settings.
    pub async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    /// Starts a server with settings adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Server {
        let mut settings = test_settings();
        adjust(&mut settings);
        Server::start_settings(settings).await
    }

    /// Starts a server with exactly these settings.
    pub async fn start_settings(settings: Settings) -> Server {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let data = settings.data.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(lizi::serve(listener, settings.clone(), async move {
            let _ = stopped.await;
        }));
        Server {
            addr,
            base: format!("http://{addr}"),
            data,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            settings,
            keep_data: false,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Starts a server with settings adjusted by `adjust` and the OneBot face listening
    /// on a free port of loopback; answers it with that port's address, once it is up.
    pub async fn start_with_onebot(adjust: impl FnOnce(&mut Settings)) -> (Server, SocketAddr) {
        let address = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|probe| probe.local_addr())
            .expect("a free port");
        let server = Server::start_with(|settings| {
            settings.onebot.listen = Some(address);
            adjust(settings);
        })
        .await;
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(address).await.is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the OneBot listener never came up"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        (server, address)
    }

    /// Stops the server gracefully and starts it again on the same data folder (and a new
    /// port), with settings adjusted by `adjust`.
    pub async fn restart(mut self, adjust: impl FnOnce(&mut Settings)) -> Server {
        self.keep_data = true;
        let mut settings = self.settings.clone();
        settings.listen = "127.0.0.1:0".parse().expect("addr");
        self.stop().await;
        adjust(&mut settings);
        Server::start_settings(settings).await
    }

    /// The URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// POSTs a raw body with no Content-Type; returns status and body text.
    pub async fn post(&self, path: &str, body: &str) -> (u16, String) {
        let response = self
            .client
            .post(self.url(path))
            .body(body.to_owned())
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// POSTs a form body and parses the JSON answer (asserting HTTP 200).
    pub async fn call(&self, path: &str, body: &str) -> Value {
        let (status, text) = self.post(path, body).await;
        assert_eq!(status, 200, "{path} {body}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
    }

    /// The decoded retcode text inside `ret` of a send answer.
    pub async fn call_retcode(&self, path: &str, body: &str) -> (Value, Value) {
        let answer = self.call(path, body).await;
        let inner: Value = serde_json::from_str(answer["ret"].as_str().expect("ret is a string"))
            .unwrap_or_else(|e| panic!("{path}: ret is not retcode JSON ({e}): {answer}"));
        (answer, inner)
    }

    /// Runs a control action with a JSON body; returns status and JSON.
    pub async fn sim(&self, action: &str, body: Value) -> (u16, Value) {
        post_json(&self.client, &self.url(&format!("/sim/{action}")), &body).await
    }

    /// The world as the control API shows it.
    pub async fn world(&self) -> Value {
        self.view("/sim/world").await
    }

    /// A read-only view (`/sim/group?gin=…`, …) read by GET, as JSON (asserting HTTP 200).
    pub async fn view(&self, path: &str) -> Value {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.json().await.expect("json")
    }

    /// Allocates a session.
    pub async fn session(&self) -> u64 {
        self.call("/allocsession", "").await["session_id"]
            .as_u64()
            .expect("session id")
    }

    /// Takes a session's events through `/geteventv2`.
    pub async fn events(&self, session: u64) -> Vec<Value> {
        let answer = self.call("/geteventv2", &format!("sessid={session}")).await;
        assert_eq!(answer["status"], "OK", "{answer}");
        answer["events"].as_array().expect("events").clone()
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server result");
        }
    }

    /// Reads a metric from `/metrics`.
    pub async fn metric(&self, name: &str) -> u64 {
        read_metric(&self.client, &self.url("/metrics"), name).await
    }
}

/// A tiny HTTP server answering every request with `body`.
pub async fn serve_bytes(body: Vec<u8>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
}

/// POSTs `body` as JSON to `url`; answers the status and the JSON (or text) answered.
pub async fn post_json(client: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let response = client.post(url).json(body).send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Reads metric `name` from the `/metrics` page at `url`.
pub async fn read_metric(client: &reqwest::Client, url: &str, name: &str) -> u64 {
    let text = client
        .get(url)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no metric {name} in {text}"))
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if !self.keep_data {
            let _ = std::fs::remove_dir_all(&self.data);
        }
    }
}

/// Percent-encodes a value for a form body.
pub fn enc(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A valid value for a parameter in the default world.
fn valid_value(name: &str, kind: ParamKind, allowed: &[i64]) -> String {
    if let Some(first) = allowed.first() {
        return first.to_string();
    }
    match (kind, name) {
        (ParamKind::Qq, "fromqq" | "logonqq") => "10001".into(),
        (ParamKind::Qq, "togroup" | "group" | "fromgroup") => "30001".into(),
        (ParamKind::Qq, _) => "20001".into(),
        (ParamKind::Int, "pkgid") => "299".into(),
        (ParamKind::Int, _) => "1".into(),
        (ParamKind::Count, "power") => "50".into(),
        (ParamKind::Count, _) => "60".into(),
        (ParamKind::Real, "posy") => "39.9".into(),
        (ParamKind::Real, _) => "116.4".into(),
        (ParamKind::Bool, _) => "true".into(),
        (ParamKind::Text, "birth") => "2000/1/2".into(),
        (ParamKind::Text, "location" | "home") => "49|13110|56|NK|51".into(),
        (ParamKind::Text, "json") => r#"{"app":"com.tencent.test","appid":100}"#.into(),
        (ParamKind::Text, "xml") => r#"<?xml version="1.0"?><msg serviceID="1"/>"#.into(),
        (ParamKind::Text, "photo") => "[pic,hash=0123456789ABCDEF0123456789ABCDEF]".into(),
        (ParamKind::Text, "url" | "jumpurl" | "wrapperurl" | "fileurl") => {
            "http://127.0.0.1:9/x".into()
        }
        (ParamKind::Text, _) => "hello".into(),
        (ParamKind::AnyText, _) => "/".into(),
        (ParamKind::Media, _) => "aGVsbG8=".into(),
        (ParamKind::Session, _) => "1".into(),
    }
}

/// A body with every required parameter valid (`getnickname` also takes `fromqq`).
pub fn valid_body(spec: &EndpointSpec) -> String {
    spec.params
        .iter()
        .filter(|p| p.required || (spec.path == "/getnickname" && p.name == "fromqq"))
        .map(|p| {
            format!(
                "{}={}",
                p.name,
                enc(&valid_value(p.name, p.kind, p.allowed))
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether `python3` (with aiocqhttp when `onebot`) is there; in CI its absence fails.
pub fn python_available(onebot: bool) -> bool {
    let code = if onebot { "import aiocqhttp" } else { "pass" };
    let found = Command::new("python3")
        .args(["-c", code])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("python3 (and aiocqhttp for the OneBot example) is required in CI");
    }
    if !found {
        eprintln!("skipped: python3 (or aiocqhttp) is not installed");
    }
    found
}
