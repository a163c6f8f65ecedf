//! Raw HTTP/1.1 over a TCP socket, for tests that send what no well-behaved client would
//! (a silent connection, a dribbled head or body, a head without its body).

use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest any expected close or answer may take in these tests.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Reads until the server closes the connection (end of stream or reset); returns how long
/// that took and what was read. Panics if it stays open for [`PATIENCE`].
pub async fn until_closed(stream: &mut (impl AsyncRead + Unpin)) -> (Duration, String) {
    let start = Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + PATIENCE).into(), stream.read(&mut buf)).await {
            Err(_) => panic!(
                "the connection is still open after {PATIENCE:?}; read {:?}",
                String::from_utf8_lossy(&seen)
            ),
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (start.elapsed(), String::from_utf8_lossy(&seen).into_owned())
            }
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one answer to a request on a kept-alive connection (the head and a
/// `Content-Length` body).
pub async fn read_answer(stream: &mut (impl AsyncRead + Unpin)) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&seen).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut buf))
            .await
            .expect("an answer in time")
            .expect("read");
        assert!(n > 0, "closed before a full answer: {text:?}");
        seen.extend_from_slice(&buf[..n]);
    }
}

/// Sends one request with `Connection: close` on a new connection; returns all of the
/// answer (empty when the server closed the connection without one).
pub async fn exchange(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // A connection refused over the cap may be closed before the request is written.
    let _ = stream.write_all(request).await;
    until_closed(&mut stream).await.1
}
