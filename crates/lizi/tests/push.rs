//! Push ("事件上报", docs/xlz-api.md#websockets-and-push): every event POSTed to each report URL, one per request, as
//! the raw JSON body with `Content-Type: application/x-www-form-urlencoded`; failures are
//! retried in order without holding up other receivers or the API.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use common::tls::TestCa;
use common::Server;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Longest wait for deliveries.
const DEADLINE: Duration = Duration::from_secs(10);

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Hit {
    method: Method,
    path: String,
    content_type: Option<String>,
    body: String,
    accepted: bool,
}

#[derive(Clone)]
struct ReceiverState {
    hits: Arc<Mutex<Vec<Hit>>>,
    fail_first: usize,
    seen: Arc<AtomicUsize>,
}

/// A local HTTP receiver that records every request; it answers 500 to the first
/// `fail_first` requests and 200 afterwards.
struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: JoinHandle<()>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        Receiver::serve(listener, "http", fail_first)
    }

    /// A receiver on `listener`, whose URLs have `scheme`.
    fn serve<L>(listener: L, scheme: &str, fail_first: usize) -> Receiver
    where
        L: axum::serve::Listener<Addr = std::net::SocketAddr>,
    {
        let addr = listener.local_addr().expect("addr");
        let state = ReceiverState {
            hits: Arc::default(),
            fail_first,
            seen: Arc::default(),
        };
        let hits = state.hits.clone();
        let app = axum::Router::new().fallback(record).with_state(state);
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("receiver");
        });
        Receiver {
            url: format!("{scheme}://{addr}/report"),
            hits,
            task,
        }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Bodies of the requests answered with 200, in arrival order.
    fn accepted(&self) -> Vec<String> {
        self.hits()
            .into_iter()
            .filter(|h| h.accepted)
            .map(|h| h.body)
            .collect()
    }

    /// Waits until `n` bodies were accepted (at most [`DEADLINE`]).
    async fn wait_accepted(&self, n: usize) -> Vec<String> {
        let accepted = wait_for(|| {
            let accepted = self.accepted();
            (accepted.len() >= n).then_some(accepted)
        })
        .await;
        accepted
            .unwrap_or_else(|| panic!("{}: only {:?} accepted of {n}", self.url, self.accepted()))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(state): State<ReceiverState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let n = state.seen.fetch_add(1, Ordering::SeqCst);
    let accepted = n >= state.fail_first;
    state.hits.lock().unwrap().push(Hit {
        method,
        path: uri.path().to_owned(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().expect("content type").to_owned()),
        body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
        accepted,
    });
    if accepted {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// A listener that accepts connections and never answers.
struct BlackHole {
    url: String,
    task: JoinHandle<()>,
}

impl BlackHole {
    async fn start() -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/report", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        BlackHole { url, task }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on which nothing listens.
async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}/report")
}

/// Polls `check` every 20 ms until it gives a value or [`DEADLINE`] passes.
async fn wait_for<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = check() {
            return Some(value);
        }
        if start.elapsed() > DEADLINE {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn start_server(urls: Vec<String>, timeout_ms: u64) -> Server {
    Server::start_with(move |settings| {
        settings.api.report_urls = urls;
        settings.api.push_max_backoff_ms = 200;
        settings.api.push_timeout_ms = timeout_ms;
    })
    .await
}

/// A group message (2 events), a private message (1) and a bot's own message (1).
async fn cause_events(server: &Server, tag: &str) -> usize {
    for body in [
        json!({"from": 20001, "group": 30001, "text": format!("group {tag}")}),
        json!({"from": 20001, "to": 10001, "text": format!("private {tag}")}),
    ] {
        let (status, answer) = server.sim("message", body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (answer, inner) = server
        .call_retcode(
            "/sendprivatemsg",
            &format!("fromqq=10001&toqq=20001&text={}", common::enc(tag)),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    4
}

/// The raw events of a session through `/getevent`.
async fn raw_events(server: &Server, session: u64) -> Vec<String> {
    let (status, body) = server.post("/getevent", &format!("sessid={session}")).await;
    assert_eq!(status, 200, "{body}");
    match body.strip_prefix('\n') {
        Some(rest) => rest.split('\n').map(str::to_owned).collect(),
        None => {
            assert!(body.is_empty(), "framing: {body:?}");
            Vec::new()
        }
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts nothing more is accepted for a while.
async fn assert_no_more(receiver: &Receiver, n: usize) {
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.accepted().len(), n, "{:?}", receiver.accepted());
}

#[tokio::test]
async fn each_event_is_one_post_of_its_raw_json() {
    let receiver = Receiver::start(0).await;
    let server = start_server(vec![receiver.url.clone()], 2_000).await;
    let session = server.session().await;
    let n = cause_events(&server, "one").await;

    let accepted = receiver.wait_accepted(n).await;
    assert_no_more(&receiver, n).await;
    assert_eq!(
        accepted,
        raw_events(&server, session).await,
        "bodies are the events, in order"
    );
    for hit in receiver.hits() {
        assert_eq!(hit.method, Method::POST);
        assert_eq!(hit.path, "/report");
        assert_eq!(
            hit.content_type.as_deref(),
            Some("application/x-www-form-urlencoded")
        );
    }
    let events: Vec<Value> = accepted.iter().map(|b| parse(b)).collect();
    let kinds: Vec<(&str, u64, &str)> = events
        .iter()
        .map(|e| {
            (
                e["Type"].as_str().unwrap(),
                e["LogonQQ"].as_u64().unwrap(),
                e["Msg"]["Text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds[0].0, "GroupMsg");
    assert_eq!(kinds[1].0, "GroupMsg");
    let mut group_logons = [kinds[0].1, kinds[1].1];
    group_logons.sort_unstable();
    assert_eq!(group_logons, [10001, 10002]);
    assert_eq!(kinds[2], ("PrivateMsg", 10001, "private one"));
    assert_eq!(kinds[3], ("PrivateMsg", 10001, "one"));
    assert_eq!(events[3]["FromQQ"]["UIN"], 10001, "the bot's own message");

    // Later events follow, still in order.
    let more = cause_events(&server, "two").await;
    let accepted = receiver.wait_accepted(n + more).await;
    assert_eq!(parse(&accepted[n + 2])["Msg"]["Text"], "private two");
    server.stop().await;
}

#[tokio::test]
async fn a_receiver_that_fails_at_first_still_gets_every_event_in_order() {
    let receiver = Receiver::start(3).await;
    let server = start_server(vec![receiver.url.clone()], 2_000).await;
    let session = server.session().await;
    let n = cause_events(&server, "retry").await;

    let accepted = receiver.wait_accepted(n).await;
    assert_no_more(&receiver, n).await;
    let events = raw_events(&server, session).await;
    assert_eq!(accepted, events, "every event once, in order");
    let hits = receiver.hits();
    assert_eq!(
        hits.len(),
        n + 3,
        "only the 3 failed attempts are repeated: {hits:?}"
    );
    for hit in &hits[..4] {
        assert_eq!(
            hit.body, events[0],
            "the first event is retried until accepted"
        );
    }
    assert!(hits[..3].iter().all(|h| !h.accepted));
    server.stop().await;
}

#[tokio::test]
async fn a_dead_receiver_holds_up_neither_the_others_nor_the_api() {
    let failing = Receiver::start(usize::MAX).await;
    let hole = BlackHole::start().await;
    let good = Receiver::start(0).await;
    let urls = vec![
        failing.url.clone(),
        closed_port_url().await,
        hole.url.clone(),
        good.url.clone(),
    ];
    let server = start_server(urls, 500).await;
    let session = server.session().await;

    let mut n = 0;
    for round in 0..3 {
        let start = Instant::now();
        n += cause_events(&server, &format!("r{round}")).await;
        let elapsed = start.elapsed();
        assert!(
            elapsed < Duration::from_secs(2),
            "API calls took {elapsed:?}"
        );
    }
    let start = Instant::now();
    let accepted = good.wait_accepted(n).await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    let events = raw_events(&server, session).await;
    assert_eq!(accepted, events);

    // The failing receiver is retried, but never skips ahead of the first event.
    let retried = wait_for(|| (failing.hits().len() >= 2).then_some(())).await;
    assert!(
        retried.is_some(),
        "the failing receiver was not retried: {:?}",
        failing.hits()
    );
    assert!(failing
        .hits()
        .iter()
        .all(|h| h.body == events[0] && !h.accepted));
    assert!(failing.accepted().is_empty());

    let start = Instant::now();
    let answer = server.call("/getlogonqq", "").await;
    assert!(answer["ret"].as_str().is_some_and(|r| r.contains("10001")));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
    server.stop().await;
}

#[tokio::test]
async fn shutdown_is_not_held_up_by_a_hanging_receiver() {
    let hole = BlackHole::start().await;
    // The default push timeout (10 s) must not delay shutdown.
    let server = Server::start_with(|settings| {
        settings.api.report_urls = vec![hole.url.clone()];
    })
    .await;
    cause_events(&server, "hang").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), server.stop())
        .await
        .expect("the server stops within 3 s while a push hangs");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn https_receivers_get_every_event_once_their_ca_is_trusted() {
    let ca = TestCa::new();
    let listener = ca.listener().await;
    let failed_handshakes = listener.failed_handshakes.clone();
    let receiver = Receiver::serve(listener, "https", 0);

    // Without the receiver's CA: every attempt fails on the certificate, and the events
    // stay pending.
    let server = start_server(vec![receiver.url.clone()], 2_000).await;
    let session = server.session().await;
    let n = cause_events(&server, "tls").await;
    // The third attempt starts only after the second failure was counted.
    let refused = wait_for(|| (failed_handshakes.load(Ordering::SeqCst) >= 3).then_some(())).await;
    assert!(refused.is_some(), "lizi did not retry the https receiver");
    assert!(server.metric("lizi_push_failures_total").await >= 2);
    assert!(receiver.hits().is_empty(), "{:?}", receiver.hits());
    // A bot reads its session meanwhile: the pushes still pending must not go with it.
    let events = raw_events(&server, session).await;
    assert_eq!(events.len(), n);

    // With the CA in the config file's tls_ca_file: the pending events arrive, in order.
    let dir = common::temp_dir("push-ca");
    ca.write_ca(&dir);
    let config = dir.join("lizi.toml");
    std::fs::write(&config, "tls_ca_file = \"ca.pem\"\n").expect("config");
    let resolved = lizi::Settings::resolve(lizi::ServeArgs {
        config: Some(config),
        ..Default::default()
    })
    .expect("settings");
    let roots = resolved.api.extra_roots;
    assert_eq!(roots.len(), 1);
    let server = server.restart(move |s| s.api.extra_roots = roots).await;
    assert_eq!(receiver.wait_accepted(n).await, events);
    assert_no_more(&receiver, n).await;
    server.stop().await;

    // A CA file that cannot be used stops start-up with the reason.
    for (name, text, needle) in [
        ("missing.pem", None, "cannot read"),
        ("empty.pem", Some("not a certificate"), "no PEM certificate"),
    ] {
        let path = dir.join(name);
        if let Some(text) = text {
            std::fs::write(&path, text).expect("write");
        }
        let error = lizi::Settings::resolve(lizi::ServeArgs {
            security: lizi::settings::SecurityFlags {
                tls_ca_file: Some(path),
                ..Default::default()
            },
            ..Default::default()
        })
        .expect_err("refused");
        let error = format!("{error:#}");
        assert!(
            error.contains("tls_ca_file") && error.contains(needle),
            "{error}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
