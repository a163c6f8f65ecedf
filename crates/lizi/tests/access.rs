//! Access control (docs/xlz-api.md#listener-and-access): the `pass` cookie, the bearer token, `/health`, and the
//! request body limit. Remote-peer refusal cannot be tested over loopback.

mod common;

use std::time::Duration;

use common::Server;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

const PASS_MD5: &str = "e10adc3949ba59abbe56e057f20f883e";
const DENIED: &str = "Access denied.";

async fn with_password() -> Server {
    Server::start_with(|settings| settings.api.password = Some("123456".into())).await
}

async fn with_token() -> Server {
    Server::start_with(|settings| settings.api.token = Some("s3cret-token".into())).await
}

/// POSTs `body` to `path` with one extra header; returns status and body text.
async fn post_with(
    server: &Server,
    path: &str,
    header: Option<(&str, &str)>,
    body: &str,
) -> (u16, String) {
    let mut request = server.client.post(server.url(path)).body(body.to_owned());
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Asserts a normal `/getlogonqq` answer.
fn assert_logonqq(status: u16, body: &str) {
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let ret: Value = serde_json::from_str(answer["ret"].as_str().expect("ret")).expect("ret JSON");
    assert!(ret["QQlist"]["10001"].is_object(), "{ret}");
}

fn assert_denied(body: &str, what: &str) {
    assert_eq!(body, DENIED, "{what}");
    assert_eq!(body.len(), 14);
}

/// Tries a WebSocket handshake on `path` with an optional extra header.
async fn ws_handshake(
    server: &Server,
    path: &str,
    header: Option<(&'static str, &str)>,
) -> Result<(), String> {
    let mut request = format!("ws://{}{}", server.addr, path)
        .into_client_request()
        .expect("request");
    if let Some((name, value)) = header {
        request
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    let connect = tokio_tungstenite::connect_async(request);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Err(_) => panic!("{path}: handshake timed out"),
        Ok(Err(WsError::Http(response))) => {
            let body = response.body().as_deref().unwrap_or_default();
            Err(String::from_utf8_lossy(body).into_owned())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok((mut ws, response))) => {
            assert_eq!(response.status().as_u16(), 101);
            // The stream works: a ping gets its pong.
            futures_util::SinkExt::send(&mut ws, Message::Ping(b"x".to_vec().into()))
                .await
                .expect("ping");
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Pong(_)))) => Ok(()),
                other => panic!("{path}: expected a pong, got {other:?}"),
            }
        }
    }
}

/// Asserts that a WebSocket handshake is refused with the body `Access denied.`.
async fn assert_ws_denied(server: &Server, path: &str, header: Option<(&'static str, &str)>) {
    match ws_handshake(server, path, header).await {
        Ok(()) => panic!("{path} {header:?}: the upgrade succeeded"),
        Err(body) => assert_eq!(body, DENIED, "{path} {header:?}"),
    }
}

#[tokio::test]
async fn password_cookie_is_required() {
    let server = with_password().await;
    for (path, body) in [
        ("/getlogonqq", ""),
        ("/allocsession", ""),
        ("/sendprivatemsg", "fromqq=10001&toqq=20001&text=hi"),
        ("/no-such-endpoint", ""),
        ("/sim/world", ""),
    ] {
        let (_, text) = post_with(&server, path, None, body).await;
        assert_denied(&text, path);
    }
    let wrong = [
        "pass=00000000000000000000000000000000",
        "pass=123456",
        "password=e10adc3949ba59abbe56e057f20f883e",
        "pass=",
    ];
    for cookie in wrong {
        let (_, text) = post_with(&server, "/getlogonqq", Some(("Cookie", cookie)), "").await;
        assert_denied(&text, cookie);
    }
    // GET is denied too.
    let response = server
        .client
        .get(server.url("/getlogonqq"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.text().await.unwrap(), DENIED);
    // Nothing was sent while denied: a session allocated now is number 1.
    let cookie = format!("pass={PASS_MD5}");
    let (status, text) = post_with(&server, "/allocsession", Some(("Cookie", &cookie)), "").await;
    assert_eq!(status, 200);
    assert_eq!(text, r#"{"session_id":1}"#);
    server.stop().await;
}

#[tokio::test]
async fn password_cookie_in_any_case_is_accepted() {
    let server = with_password().await;
    let upper = PASS_MD5.to_ascii_uppercase();
    for cookie in [
        format!("pass={PASS_MD5}"),
        format!("pass={upper}"),
        format!("a=b; pass={PASS_MD5}; c=d"),
    ] {
        let (status, text) = post_with(&server, "/getlogonqq", Some(("Cookie", &cookie)), "").await;
        assert_logonqq(status, &text);
    }
    server.stop().await;
}

#[tokio::test]
async fn websocket_upgrades_need_the_password() {
    let server = with_password().await;
    let cookie = format!("pass={PASS_MD5}");
    for path in ["/", "/ws"] {
        assert_ws_denied(&server, path, None).await;
        assert_ws_denied(&server, path, Some(("cookie", "pass=0123"))).await;
        ws_handshake(&server, path, Some(("cookie", &cookie)))
            .await
            .unwrap_or_else(|e| panic!("{path}: the upgrade with the cookie failed: {e}"));
        ws_handshake(
            &server,
            path,
            Some((
                "cookie",
                &cookie.to_ascii_uppercase().replace("PASS", "pass"),
            )),
        )
        .await
        .unwrap_or_else(|e| panic!("{path}: upper-case md5 failed: {e}"));
    }
    server.stop().await;
}

#[tokio::test]
async fn bearer_token_is_checked() {
    let server = with_token().await;
    let (_, text) = post_with(&server, "/getlogonqq", None, "").await;
    assert_denied(&text, "no token");
    for wrong in [
        "Bearer wrong",
        "Bearer s3cret-toke",
        "Bearer s3cret-token-and-more",
        "s3cret-token",
        "Basic s3cret-token",
    ] {
        let (_, text) = post_with(&server, "/getlogonqq", Some(("Authorization", wrong)), "").await;
        assert_denied(&text, wrong);
    }
    let (status, text) = post_with(
        &server,
        "/getlogonqq",
        Some(("Authorization", "Bearer s3cret-token")),
        "",
    )
    .await;
    assert_logonqq(status, &text);

    // WebSockets: the header, or `access_token=` in the query for clients without headers.
    for path in ["/", "/ws"] {
        assert_ws_denied(&server, path, None).await;
        assert_ws_denied(&server, path, Some(("authorization", "Bearer nope"))).await;
        ws_handshake(
            &server,
            path,
            Some(("authorization", "Bearer s3cret-token")),
        )
        .await
        .unwrap_or_else(|e| panic!("{path} with token: {e}"));
        let query = format!("{path}?access_token=s3cret-token");
        ws_handshake(&server, &query, None)
            .await
            .unwrap_or_else(|e| panic!("{query}: {e}"));
        assert_ws_denied(&server, &format!("{path}?access_token=nope"), None).await;
    }
    server.stop().await;
}

#[tokio::test]
async fn health_answers_without_credentials() {
    let server = Server::start_with(|settings| {
        settings.api.password = Some("123456".into());
        settings.api.token = Some("t".into());
    })
    .await;
    let response = server
        .client
        .get(server.url("/health"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).expect("JSON");
    assert_eq!(body, json!({"status": "ok"}));
    let (_, text) = post_with(&server, "/getlogonqq", None, "").await;
    assert_denied(&text, "still protected");
    server.stop().await;
}

/// A raw HTTP/1.1 exchange; returns the whole response text.
async fn raw_http(server: &Server, request: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server did not finish the response");
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let server = Server::start_with(|settings| settings.api.max_body_bytes = 1024).await;
    let big = format!("fromqq=10001&toqq=20001&text={}", "a".repeat(4096));
    for path in ["/sendprivatemsg", "/sim/message"] {
        let (status, text) = server.post(path, &big).await;
        assert_eq!(status, 413, "{path}: {text}");
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
        assert!(
            body.to_string().contains("1024"),
            "{path}: the limit is not named: {body}"
        );
    }
    // Nothing was sent.
    let session = server.session().await;
    assert!(server.events(session).await.is_empty());

    // A chunked body without Content-Length is limited too.
    let chunk = "b".repeat(4096);
    let request = format!(
        "POST /getlogonqq HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len()
    );
    let response = raw_http(&server, request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");

    // The server keeps serving, and bodies under the limit pass.
    let text = "c".repeat(900);
    let (_, inner) = server
        .call_retcode(
            "/sendprivatemsg",
            &format!("fromqq=10001&toqq=20001&text={text}"),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    let events = server.events(session).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["Msg"]["Text"], text.as_str());
    server.stop().await;
}
