//! What real clients of the original rely on beyond the documented API: the `Size` header
//! of downloads, temporary-session uploads, `/forwardgroupfiletofriend`'s `toqq`, the
//! WebSocket closing handshake, the bearer scheme's case and https downloads.

mod common;

use std::time::Duration;

use axum::serve::Listener;
use base64::Engine;
use common::tls::TestCa;
use common::{enc, Server};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// A PNG header of 3 × 2 followed by `tag`.
fn png(tag: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x03\0\0\0\x02\x08\x06\0\0\0".to_vec();
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// GETs a download URL: its bytes, and its `Size` and `Content-Length` headers.
async fn download(server: &Server, url: &str) -> (Vec<u8>, Option<String>, Option<String>) {
    let response = server.client.get(url).send().await.expect("download");
    assert_eq!(response.status().as_u16(), 200, "{url}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("header text").to_owned())
    };
    let (size, length) = (header("Size"), header("Content-Length"));
    let bytes = response.bytes().await.expect("body").to_vec();
    (bytes, size, length)
}

/// The `[pic,…]` code of a picture uploaded by 10001 for a private chat with `toqq`.
async fn upload_private_picture(server: &Server, toqq: u64, picture: &[u8]) -> Value {
    server
        .call(
            "/sendprivatepic",
            &format!("fromqq=10001&toqq={toqq}&pic={}", enc(&b64(picture))),
        )
        .await
}

/// The download URL `/getphotourl` gives for a picture code.
async fn photo_url(server: &Server, code: &str) -> String {
    let answer = server
        .call("/getphotourl", &format!("photo={}", enc(code)))
        .await;
    answer["ret"].as_str().expect("url").to_owned()
}

/// A group file uploaded by Alice to 30001: its id.
async fn upload_group_file(server: &Server, name: &str, content: &[u8]) -> String {
    let upload = json!({"from": 20001, "group": 30001, "name": name, "base64": b64(content)});
    let (status, answer) = server.sim("upload_file", upload).await;
    assert_eq!(status, 200, "{answer}");
    answer["id"].as_str().expect("file id").to_owned()
}

#[tokio::test]
async fn picture_and_group_file_downloads_carry_a_size_header() {
    let server = Server::start().await;
    let picture = png("sized");
    let code = upload_private_picture(&server, 10002, &picture).await["ret"]
        .as_str()
        .expect("code")
        .to_owned();
    let url = photo_url(&server, &code).await;
    let (bytes, size, length) = download(&server, &url).await;
    assert_eq!(bytes, picture);
    let count = picture.len().to_string();
    assert_eq!(size.as_deref(), Some(count.as_str()), "Size of {url}");
    assert_eq!(length.as_deref(), Some(count.as_str()));

    let content = b"group file bytes, 30 of them!!";
    let id = upload_group_file(&server, "notes.txt", content).await;
    let url = server
        .call(
            "/getgroupfileurl",
            &format!(
                "fromqq=10001&group=30001&fileid={}&filename=notes.txt",
                enc(&id)
            ),
        )
        .await["ret"]
        .as_str()
        .expect("url")
        .to_owned();
    let (bytes, size, length) = download(&server, &url).await;
    assert_eq!(bytes, content);
    assert_eq!(size.as_deref(), Some("30"), "Size of {url}");
    assert_eq!(length.as_deref(), Some("30"));
    // The client that reads it matches the header's name as the original wrote it.
    let head = raw_head(&server, &url).await;
    assert!(head.contains("\r\nSize: 30\r\n"), "{head}");
}

/// The head of a GET of `url`, as the bytes on the wire.
async fn raw_head(server: &Server, url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = url
        .strip_prefix(&server.base)
        .unwrap_or_else(|| panic!("{url} is not on {}", server.base));
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn pictures_and_voices_upload_for_a_temporary_session() {
    let server = Server::start().await;
    let session = server.session().await;
    // Carol (20003) is in group 30001 with the bot but is not its friend.
    let picture = png("temp");
    let answer = upload_private_picture(&server, 20003, &picture).await;
    let code = answer["ret"].as_str().expect("code").to_owned();
    assert!(code.starts_with("[pic,hash="), "{answer}");
    let answer = server
        .call(
            "/sendprivateaudio",
            &format!("fromqq=10001&toqq=20003&audio={}", enc(&b64(b"voice"))),
        )
        .await;
    assert!(
        answer["ret"]
            .as_str()
            .is_some_and(|r| r.starts_with("[Audio")),
        "{answer}"
    );

    // The real client's next step: the code sent as a temporary-session message.
    let (answer, inner) = server
        .call_retcode(
            "/sendgrouptempmsg",
            &format!("fromqq=10001&togroup=30001&toqq=20003&text={}", enc(&code)),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    let events = server.events(session).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event["Msg"]["Type"], 141, "a temporary session: {event}");
    assert_eq!(event["FromGroup"]["GIN"], 30001);
    let text = event["Msg"]["Text"].as_str().expect("text");
    let url = text
        .split_once(",url=")
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .unwrap_or_else(|| panic!("no picture URL in {text}"));
    assert!(text.starts_with(code.trim_end_matches(']')), "{text}");
    assert_eq!(download(&server, url).await.0, picture);

    // Someone who shares no group with the account and is not its friend: refused.
    let (status, left) = server
        .sim("leave", json!({"user": 20003, "group": 30001}))
        .await;
    assert_eq!(status, 200, "{left}");
    let answer = upload_private_picture(&server, 20003, &png("stranger")).await;
    assert_eq!(answer["ret"], "", "{answer}");
    assert!(
        answer["retmsg"]
            .as_str()
            .is_some_and(|m| m.contains("not a friend")),
        "{answer}"
    );
}

#[tokio::test]
async fn forwarding_a_group_file_to_a_friend_reads_toqq_and_an_optional_filesize() {
    let server = Server::start().await;
    let content = b"minutes";
    let id = upload_group_file(&server, "minutes.txt", content).await;
    let session = server.session().await;
    let bodies = [
        // What the original DLL reads: `toqq`, and older versions send no `filesize`.
        format!(
            "fromqq=10001&fromgroup=30001&toqq=10002&fileid={}&filename=minutes.txt",
            enc(&id)
        ),
        // docs/xlz-api.md#every-endpoint's spelling.
        format!(
            "fromqq=10001&fromgroup=30001&togroup=10002&fileid={}&filename=minutes.txt&filesize=7",
            enc(&id)
        ),
    ];
    for body in bodies {
        let answer = server.call("/forwardgroupfiletofriend", &body).await;
        let inner: Value =
            serde_json::from_str(answer["ret"].as_str().expect("ret")).expect("json");
        assert_eq!(inner["retcode"], 0, "{body}: {answer}");
        let events = server.events(session).await;
        let received = events
            .iter()
            .find(|e| e["LogonQQ"] == 10002)
            .unwrap_or_else(|| panic!("{body}: 10002 got nothing: {events:?}"));
        assert_eq!(received["File"]["Name"], "minutes.txt", "{received}");
        assert_eq!(received["FromQQ"]["UIN"], 10001);
    }
    // Neither name: the parameter is named in the error.
    let (status, answer) = server
        .post(
            "/forwardgroupfiletofriend",
            &format!(
                "fromqq=10001&fromgroup=30001&fileid={}&filename=minutes.txt",
                enc(&id)
            ),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("toqq"), "{answer}");
    assert!(server.events(session).await.is_empty());
}

#[tokio::test]
async fn a_websocket_close_is_answered_with_a_close_frame() {
    let server = Server::start().await;
    for path in ["/", "/ws"] {
        let url = format!("ws://{}{path}", server.addr);
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("handshake");
        ws.send(Message::Close(Some(CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        })))
        .await
        .expect("send close");
        let answer = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("an answer in time");
        match answer {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(frame.code, CloseCode::Normal, "{path}: the code is echoed")
            }
            other => panic!("{path}: expected a Close frame before the end, got {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let server = Server::start_with(|s| s.api.token = Some("s3cret".into())).await;
    let post = |authorization: &'static str| {
        let request = server
            .client
            .post(server.url("/getlogonqq"))
            .header("Authorization", authorization);
        async move {
            let response = request.send().await.expect("request");
            response.text().await.expect("body")
        }
    };
    for accepted in [
        "Bearer s3cret",
        "bearer s3cret",
        "BEARER s3cret",
        "bEaReR  s3cret",
    ] {
        let body = post(accepted).await;
        assert!(body.contains("10001"), "{accepted}: {body}");
    }
    for refused in ["Bearer wrong", "Basic s3cret", "bearers3cret", "s3cret"] {
        assert_eq!(post(refused).await, "Access denied.", "{refused}");
    }
}

#[tokio::test]
async fn https_picture_urls_are_fetched_and_checked_against_the_trusted_cas() {
    let ca = TestCa::new();
    let picture = png("over tls");
    let served = picture.clone();
    let listener = ca.listener().await;
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().fallback(move || {
        let served = served.clone();
        async move { served }
    });
    let web = tokio::spawn(async move { axum::serve(listener, app).await });
    let body = format!(
        "fromqq=10001&toqq=10002&fromtype=2&url={}",
        enc(&format!("https://127.0.0.1:{}/p.png", addr.port()))
    );

    // The system's roots do not know the test CA: a certificate error, said as such.
    let untrusting = Server::start_with(|s| s.api.fetch_allow_private = true).await;
    let answer = untrusting.call("/sendprivatepic", &body).await;
    assert_eq!(answer["ret"], "", "{answer}");
    let why = answer["retmsg"].as_str().unwrap_or_default();
    assert!(why.contains("certificate"), "{answer}");

    let dir = common::temp_dir("https-fetch");
    let roots = lizi_api::load_ca_file(&ca.write_ca(&dir)).expect("CA file");
    let trusting = Server::start_with(move |s| {
        s.api.fetch_allow_private = true;
        s.api.extra_roots = roots;
    })
    .await;
    let answer = trusting.call("/sendprivatepic", &body).await;
    let code = answer["ret"].as_str().expect("code");
    assert!(code.starts_with("[pic,hash="), "{answer}");
    let url = photo_url(&trusting, code).await;
    assert_eq!(download(&trusting, &url).await.0, picture);
    web.abort();
    let _ = std::fs::remove_dir_all(&dir);
}
