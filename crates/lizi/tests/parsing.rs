//! How parameters and paths are read (docs/xlz-api.md#routing, #parameters): case-insensitive paths and keys,
//! any Content-Type, the query string, `+` and `%XX`, raw values.

mod common;

use common::{enc, Server};
use serde_json::Value;

async fn sent_text(server: &Server, session: u64) -> String {
    let events = server.events(session).await;
    assert_eq!(events.len(), 1, "{events:?}");
    events[0]["Msg"]["Text"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn paths_and_keys_ignore_case() {
    let server = Server::start().await;
    let session = server.session().await;
    let (_, inner) = server
        .call_retcode("/SendPrivateMsg", "FromQQ=10001&ToQQ=20001&TEXT=hi")
        .await;
    assert_eq!(inner["retcode"], 0);
    assert_eq!(sent_text(&server, session).await, "hi");
    assert_eq!(
        server.call("/GETFRIENDLIST", "LogonQQ=10001").await["ret"],
        "3"
    );
    // Routed (a 400 for the missing parameters), not a 404.
    assert_eq!(server.post("/UploadFacePic", "").await.0, 400);
    assert_eq!(server.post("/deleteFriend", "").await.0, 400);
}

#[tokio::test]
async fn any_content_type_and_the_query_string() {
    let server = Server::start().await;
    let session = server.session().await;
    for content_type in [
        None,
        Some("text/html;charset=utf-8"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json"),
    ] {
        let mut request = server
            .client
            .post(server.url("/sendprivatemsg"))
            .body("fromqq=10001&toqq=20001&text=typed");
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{content_type:?}");
        assert_eq!(
            sent_text(&server, session).await,
            "typed",
            "{content_type:?}"
        );
    }
    let (_, inner) = server
        .call_retcode(
            "/sendprivatemsg?fromqq=10001&toqq=20001",
            "text=from+the+body",
        )
        .await;
    assert_eq!(inner["retcode"], 0);
    assert_eq!(sent_text(&server, session).await, "from the body");
    let (_, inner) = server
        .call_retcode("/sendprivatemsg?fromqq=10001&toqq=20001&text=q", "")
        .await;
    assert_eq!(inner["retcode"], 0);
    assert_eq!(sent_text(&server, session).await, "q");
}

#[tokio::test]
async fn plus_percent_and_raw_values() {
    let server = Server::start().await;
    let session = server.session().await;
    let cases = [
        ("a+b%2Bc%20d", "a b+c d"),
        ("%E4%BD%A0%E5%A5%BD%F0%9F%98%80", "你好😀"),
        ("[pic,hash=AB=CD,wide=1]", "[pic,hash=AB=CD,wide=1]"),
        ("50%", "50%"),
        ("x=y=z", "x=y=z"),
    ];
    for (raw, expected) in cases {
        let body = format!("fromqq=10001&toqq=20001&text={raw}");
        let (_, inner) = server.call_retcode("/sendprivatemsg", &body).await;
        assert_eq!(inner["retcode"], 0, "{raw}");
        assert_eq!(sent_text(&server, session).await, expected, "{raw}");
    }
    let text = "line1\nline2\t'quote'";
    let (_, inner) = server
        .call_retcode(
            "/sendprivatemsg",
            &format!("fromqq=10001&toqq=20001&text={}", enc(text)),
        )
        .await;
    assert_eq!(inner["retcode"], 0);
    assert_eq!(sent_text(&server, session).await, text);
}

#[tokio::test]
async fn base64_with_a_raw_plus_is_accepted() {
    let server = Server::start().await;
    // "+/8=" unescaped: its `+` arrives as a space and must still decode.
    let (status, text) = server
        .post("/sendprivatepic", "fromqq=10001&toqq=20001&pic=+/8=")
        .await;
    assert_eq!(status, 200, "{text}");
    let (status, text) = server
        .post("/sendprivatepic", "fromqq=10001&toqq=20001&pic=+/8*")
        .await;
    assert_eq!(status, 400, "{text}");
}

#[tokio::test]
async fn methods_aliases_and_unknown_paths() {
    let server = Server::start().await;
    let response = server
        .client
        .get(server.url("/getlogonqq"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body["ret"].as_str().unwrap().contains("QQlist"));
    let response = server
        .client
        .get(server.url("/sendprivatemsg"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(server.post("/nosuchendpoint", "").await.0, 404);
    let json = enc(r#"{"app":"com.tencent.test"}"#);
    for path in ["/sendgroupjsonmsg", "/sendgroupjsonlmsg"] {
        let (status, _) = server
            .post(path, &format!("fromqq=10001&togroup=30001&json={json}"))
            .await;
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test]
async fn booleans_as_php_sends_them() {
    let server = Server::start().await;
    let session = server.session().await;
    // `1` is true: fromcache=1 needs no fromqq.
    assert_eq!(
        server.call("/getnickname", "toqq=20002&fromcache=1").await["ret"],
        "Bob"
    );
    // `0` is false: a plain group message goes out…
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=x&anonymous=0",
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    // …and `1` is true: anonymous chat is off in this group, so it is refused.
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=y&anonymous=1",
        )
        .await;
    assert_ne!(inner["retcode"], 0, "{inner}");
    let texts: Vec<Value> = server
        .events(session)
        .await
        .iter()
        .map(|e| e["Msg"]["Text"].clone())
        .collect();
    assert_eq!(texts, ["x", "x"], "one copy for each online member account");
}

#[tokio::test]
async fn allocsession_ignores_its_body() {
    let server = Server::start().await;
    for body in ["", "sessid=7", "garbage&&=%zz", "{\"json\":true}"] {
        let answer = server.call("/allocsession", body).await;
        assert!(answer["session_id"].is_u64(), "{body}: {answer}");
    }
    assert_eq!(server.session().await, 5, "ids count up from 1");
}
