//! Every port holds against bad neighbours alike, over real sockets: the XLZ API's and the
//! OneBot face's each close a body dribbled past `body_timeout_ms`, check credentials and
//! refuse an oversized `Content-Length` from the head before reading a body, keep request
//! bodies within the shared memory budget, have a connection cap of their own, and pause
//! (counting and logging once) when accepting fails for want of file descriptors; a flood
//! of refused requests is logged once per 10 s, with a count.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::child::Lizi;
use common::raw::{read_answer, until_closed, PATIENCE};
use common::{read_metric, temp_dir, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request head for `path` announcing a body of `length` bytes.
fn head(path: &str, length: usize, extra: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         {extra}Content-Length: {length}\r\n\r\n"
    )
}

/// The XLZ API's and the face's address, each with a path that takes a body and the
/// port's name at `/metrics`.
fn ports(server: &Server, onebot: SocketAddr) -> [(SocketAddr, &'static str, &'static str); 2] {
    [
        (server.addr, "/sendprivatemsg", "api"),
        (onebot, "/send_private_msg", "onebot"),
    ]
}

async fn refusals(server: &Server, port: &str, reason: &str) -> u64 {
    let name = format!("lizi_http_refused_total{{listener=\"{port}\",reason=\"{reason}\"}}");
    server.metric(&name).await
}

#[tokio::test]
async fn a_body_dribbled_a_byte_at_a_time_gets_408_after_the_body_timeout() {
    let (server, onebot) = Server::start_with_onebot(|s| s.api.body_timeout_ms = 800).await;
    for (address, path, port) in ports(&server, onebot) {
        let stream = TcpStream::connect(address).await.expect("connect");
        let (mut reader, mut writer) = stream.into_split();
        // The head in time, then one byte of the body every 200 ms, for ever.
        let request = head(path, 1000, "");
        let dribble = tokio::spawn(async move {
            if writer.write_all(request.as_bytes()).await.is_err() {
                return;
            }
            while writer.write_all(b"a").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let (took, answer) = until_closed(&mut reader).await;
        dribble.abort();
        assert!(answer.starts_with("HTTP/1.1 408"), "{port}: {answer}");
        assert!(answer.contains("body_timeout_ms"), "{port}: {answer}");
        assert!(took >= Duration::from_millis(700), "{port}: after {took:?}");
        assert_eq!(refusals(&server, port, "body_timeout").await, 1, "{port}");
    }
}

#[tokio::test]
async fn credentials_are_checked_from_the_head_before_any_body() {
    let (server, onebot) = Server::start_with_onebot(|s| {
        s.api.password = Some("pw".into());
        s.onebot.token = Some("t0k".into());
    })
    .await;
    let cookie = format!("pass={}", md5_hex("pw"));
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("Cookie", cookie.parse().expect("cookie"));
    let client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    for (address, path, port) in ports(&server, onebot) {
        let expected = if port == "api" {
            "HTTP/1.1 403"
        } else {
            "HTTP/1.1 401"
        };
        // A head that announces 2 MB and sends none of it is answered at once.
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let started = Instant::now();
        stream
            .write_all(head(path, 2_000_000, "").as_bytes())
            .await
            .expect("write");
        let answer = read_answer(&mut stream).await;
        assert!(answer.starts_with(expected), "{port}: {answer}");
        assert!(started.elapsed() < Duration::from_secs(5), "{port}");
        let name = format!("lizi_http_refused_total{{listener=\"{port}\",reason=\"credentials\"}}");
        assert_eq!(
            read_metric(&client, &server.url("/metrics"), &name).await,
            1
        );
    }
    // With the credential, the same head waits for its body.
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(head("/allocsession", 10, &format!("Cookie: {cookie}\r\n")).as_bytes())
        .await
        .expect("write");
    let mut buffer = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buffer)).await;
    assert!(early.is_err(), "answered before the body came");
    stream.write_all(b"0123456789").await.expect("body");
    assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
}

/// Lower-case hex md5, as the `pass` cookie carries the password.
fn md5_hex(text: &str) -> String {
    use md5::{Digest, Md5};
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_content_length_over_the_limit_gets_413_from_the_head() {
    let (server, onebot) = Server::start_with_onebot(|s| s.api.max_body_bytes = 64 * 1024).await;
    for (address, path, port) in ports(&server, onebot) {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(head(path, 10_000_000, "").as_bytes())
            .await
            .expect("write");
        let answer = read_answer(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{port}: {answer}");
        assert!(
            answer.contains("65536") && answer.contains("max_body_bytes"),
            "{port}: {answer}"
        );
        assert_eq!(refusals(&server, port, "too_large").await, 1, "{port}");
    }
}

/// Polls `/metrics` until `name` reads `wanted`.
async fn metric_reaches(server: &Server, name: &str, wanted: u64) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let value = server.metric(name).await;
        if value == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{name} is {value}, not {wanted}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn bodies_in_flight_hold_no_more_memory_than_the_budget() {
    const LIMIT: usize = 64 * 1024;
    let server = Server::start_with(|s| {
        s.api.max_body_bytes = LIMIT;
        s.api.max_body_memory_bytes = 2 * LIMIT;
        s.api.body_timeout_ms = 20_000;
    })
    .await;
    assert_eq!(
        server.metric("lizi_http_body_budget_bytes").await,
        2 * LIMIT as u64
    );
    // Two bodies that stop one byte short hold the whole budget.
    let text = |length: usize| format!("fromqq=10001&toqq=20001&text={}", "a".repeat(length - 29));
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        let body = text(LIMIT);
        stream
            .write_all(head("/sendprivatemsg", LIMIT, "").as_bytes())
            .await
            .expect("head");
        stream
            .write_all(&body.as_bytes()[..LIMIT - 1])
            .await
            .expect("body");
        holders.push((stream, body));
    }
    metric_reaches(&server, "lizi_http_body_bytes_held", 2 * LIMIT as u64).await;
    // A third body waits for room: it is not read, and held memory stays at the budget.
    let mut third = TcpStream::connect(server.addr).await.expect("connect");
    let body = text(4096);
    third
        .write_all(format!("{}{body}", head("/sendprivatemsg", body.len(), "")).as_bytes())
        .await
        .expect("third");
    let mut buffer = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut buffer)).await;
    assert!(early.is_err(), "the third body was read beyond the budget");
    assert_eq!(
        server.metric("lizi_http_body_bytes_held").await,
        2 * LIMIT as u64
    );
    // Once one holder's body is whole and answered, its room goes to the third.
    let (mut first, first_body) = holders.remove(0);
    first
        .write_all(&first_body.as_bytes()[LIMIT - 1..])
        .await
        .expect("last byte");
    assert!(read_answer(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(read_answer(&mut third).await.starts_with("HTTP/1.1 200"));
    drop(holders);
    metric_reaches(&server, "lizi_http_body_bytes_held", 0).await;
}

#[tokio::test]
async fn each_port_has_a_connection_cap_of_its_own() {
    let (server, onebot) = Server::start_with_onebot(|s| s.api.max_connections = 3).await;
    // Three kept-alive connections fill the face's port.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(onebot).await.expect("connect");
        stream
            .write_all(b"GET /get_status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .expect("write");
        assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let mut refused = TcpStream::connect(onebot).await.expect("connect");
    let (_, answer) = until_closed(&mut refused).await;
    assert_eq!(
        answer, "",
        "a connection over the face's cap is closed unanswered"
    );
    // The XLZ API is not starved: its own cap is untouched.
    let answer = server.call("/getlogonqq", "").await;
    assert!(answer["ret"].is_string(), "{answer}");
    let metric = |name: &str, port: &str| format!("{name}{{listener=\"{port}\"}}");
    let refused_total = "lizi_http_connections_refused_total";
    assert!(server.metric(&metric(refused_total, "onebot")).await >= 1);
    assert_eq!(server.metric(&metric(refused_total, "api")).await, 0);
    assert_eq!(
        server
            .metric(&metric("lizi_http_connections", "onebot"))
            .await,
        3
    );
}

#[tokio::test]
async fn running_out_of_file_descriptors_pauses_accepting_and_is_counted_once() {
    let dir = temp_dir("emfile");
    // Few file descriptors, soft and hard: a flood of connections runs out of them.
    let mut lizi = Lizi::serve_in(&dir, Some("-n 64"), &[]);
    let address = format!("127.0.0.1:{}", lizi.port());
    let mut flood = Vec::new();
    for _ in 0..150 {
        if let Ok(stream) = TcpStream::connect(&address).await {
            flood.push(stream);
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(flood);
    // Served again once the flood is gone, with the failures counted.
    let client = reqwest::Client::new();
    let metrics = format!("http://{address}/metrics");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(response) = client.get(&metrics).send().await {
            if response.status().is_success() {
                break;
            }
        }
        assert!(Instant::now() < deadline, "lizi never answered again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let errors = read_metric(
        &client,
        &metrics,
        "lizi_http_accept_errors_total{listener=\"api\"}",
    )
    .await;
    assert!(errors >= 1, "{errors} accept errors counted");
    // Pauses of 10 ms doubling to 1 s allow about ten failures in the flood's 1.5 s; a
    // loop that spins on the failing accept makes thousands.
    assert!(errors < 100, "{errors} accept errors: accepting spun");
    let stderr = lizi.terminate();
    let lines = stderr
        .lines()
        .filter(|line| line.contains("accepting a connection failed"))
        .count();
    assert_eq!(lines, 1, "one line per 10 s, with a count:\n{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_flood_of_refused_requests_is_logged_once_with_a_count() {
    let dir = temp_dir("refusal-log");
    let mut lizi = Lizi::serve_in(&dir, None, &["--password", "pw"]);
    let address = format!("127.0.0.1:{}", lizi.port());
    let client = reqwest::Client::new();
    for _ in 0..50 {
        let status = client
            .post(format!("http://{address}/getlogonqq"))
            .send()
            .await
            .expect("request")
            .status();
        assert_eq!(status.as_u16(), 403);
    }
    let stderr = lizi.terminate();
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("refused requests without the right password or token"))
        .collect();
    assert_eq!(lines.len(), 1, "one line per 10 s, with a count:\n{stderr}");
    assert!(lines[0].contains("count=1"), "{}", lines[0]);
    let _ = std::fs::remove_dir_all(dir);
}
