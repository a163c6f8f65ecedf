//! QQ's message length limits, over HTTP: a message over the limit is refused with a clear
//! `retcode`/`retmsg` (HTTP 400 on the control API), and nothing is stored or emitted.

mod common;

use common::child::Lizi;
use common::{enc, temp_dir, Server};
use serde_json::{json, Value};

/// Sends that must all be refused, with the length and the limit named in `retmsg`.
async fn assert_refused(server: &Server, path: &str, body: &str, length: &str, limit: &str) {
    let (answer, inner) = server.call_retcode(path, body).await;
    assert_eq!(inner["retcode"], 12, "{path}: {answer}");
    let message = inner["retmsg"].as_str().unwrap_or_default();
    assert!(
        message.contains(length) && message.contains(limit) && message.contains("QQ allows"),
        "{path}: {message}"
    );
}

/// The `Req` of a successful private send (the answer carries it).
async fn sent_req(server: &Server, path: &str, body: &str) -> Value {
    let (answer, inner) = server.call_retcode(path, body).await;
    assert_eq!(inner["retcode"], 0, "{path}: {answer}");
    answer["req"].clone()
}

/// The `Req` of a successful group send, from the events both accounts get.
async fn group_req(server: &Server, session: u64, body: &str, path: &str) -> Value {
    let (answer, inner) = server.call_retcode(path, body).await;
    assert_eq!(inner["retcode"], 0, "{path}: {answer}");
    let events = server.events(session).await;
    assert_eq!(events.len(), 2, "both accounts see it once: {events:?}");
    events[0]["Msg"]["Req"].clone()
}

#[tokio::test]
async fn default_text_limit_is_4500_characters_each_code_one() {
    let server = Server::start().await;
    let session = server.session().await;
    let over = "字".repeat(4501);
    for (path, target) in [
        ("/sendgroupmsg", "togroup=30001"),
        ("/sendprivatemsg", "toqq=20001"),
        ("/sendgrouptempmsg", "togroup=30001&toqq=20003"),
    ] {
        let body = format!("fromqq=10001&{target}&text={}", enc(&over));
        assert_refused(&server, path, &body, "4501 characters", "at most 4500").await;
    }
    assert!(server.events(session).await.is_empty());

    // Exactly at the limit, a mention counting as one character, is accepted; nothing
    // was stored before it, so it is the group's first message.
    let at_limit = format!("[@20001]{}", "字".repeat(4499));
    let body = format!("fromqq=10001&togroup=30001&text={}", enc(&at_limit));
    assert_eq!(group_req(&server, session, &body, "/sendgroupmsg").await, 1);
}

#[tokio::test]
async fn configured_limits_hold_for_every_send_endpoint() {
    let server = Server::start_with(|settings| {
        settings.limits.text_chars = 10;
        settings.limits.card_bytes = 40;
    })
    .await;
    let session = server.session().await;
    let text = enc("eleven char");
    for (path, body) in [
        (
            "/sendgroupmsg",
            format!("fromqq=10001&togroup=30001&text={text}"),
        ),
        (
            "/sendprivatemsg",
            format!("fromqq=10001&toqq=20001&text={text}"),
        ),
        (
            "/sendgrouptempmsg",
            format!("fromqq=10001&togroup=30001&toqq=20003&text={text}"),
        ),
    ] {
        assert_refused(&server, path, &body, "11 characters", "at most 10").await;
    }
    let card = enc(r#"{"app":"com.example","list":[1,2,3,4,5,6,7,8,9]}"#);
    assert_refused(
        &server,
        "/sendgroupjsonmsg",
        &format!("fromqq=10001&togroup=30001&json={card}"),
        "48 bytes",
        "at most 40",
    )
    .await;
    let xml = enc(r#"<?xml version="1.0"?><msg serviceID="1"></msg>"#);
    assert_refused(
        &server,
        "/sendprivatexmlmsg",
        &format!("fromqq=10001&toqq=10002&xml={xml}"),
        "46 bytes",
        "at most 40",
    )
    .await;

    // The control API answers HTTP 400 and sends nothing.
    let long = json!({"from": 20001, "group": 30001, "text": "eleven char"});
    let (status, answer) = server.sim("message", long).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["kind"], "too_long");
    assert!(answer.to_string().contains("at most 10"), "{answer}");
    let bundle = json!({"messages": [{"from": 20001, "text": "eleven char"}]});
    let (status, answer) = server.sim("bundle", bundle).await;
    assert_eq!(status, 400, "{answer}");
    assert!(server.events(session).await.is_empty());

    // Nothing was stored: the first message that fits is Req 1 in each conversation.
    let body = "fromqq=10001&togroup=30001&text=fits";
    assert_eq!(group_req(&server, session, body, "/sendgroupmsg").await, 1);
    let small = enc(r#"{"app":"a"}"#);
    let body = format!("fromqq=10001&togroup=30001&json={small}");
    assert_eq!(
        group_req(&server, session, &body, "/sendgroupjsonmsg").await,
        2
    );
    let body = "fromqq=10001&toqq=20001&text=fits";
    assert_eq!(sent_req(&server, "/sendprivatemsg", body).await, 1);
}

#[tokio::test]
async fn an_eight_mebibyte_text_is_refused() {
    let server = Server::start().await;
    let session = server.session().await;
    let huge = "a".repeat(8 << 20);
    let body = format!("fromqq=10001&togroup=30001&text={huge}");
    assert_refused(
        &server,
        "/sendgroupmsg",
        &body,
        "8388608 characters",
        "at most 4500",
    )
    .await;
    assert!(server.events(session).await.is_empty());
}

/// The `retmsg` of a send to `lizi` on `port` (empty when it succeeded).
async fn send_retmsg(port: u16, path: &str, body: &str) -> String {
    let answer: Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}{path}"))
        .body(body.to_owned())
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let inner: Value = serde_json::from_str(answer["ret"].as_str().expect("ret")).expect("retcode");
    inner["retmsg"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn limits_are_a_config_key_an_environment_variable_and_a_flag() {
    let dir = temp_dir("limit-settings");
    let config = dir.join("lizi.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\nmax_text_chars = 5\n").expect("config");
    let config = config.to_str().expect("path");
    let data = dir.join("data");
    let data = data.to_str().expect("path");
    let card = format!(
        "fromqq=10001&togroup=30001&json={}",
        enc(r#"{"app":"abcdefgh"}"#)
    );

    let mut lizi = Lizi::spawn(
        &dir,
        &["--data", data],
        &[("LIZI_CONFIG", config), ("LIZI_MAX_CARD_BYTES", "12")],
    );
    let port = lizi.port();
    let text = "fromqq=10001&togroup=30001&text=123456";
    let refused = send_retmsg(port, "/sendgroupmsg", text).await;
    assert!(refused.contains("at most 5"), "{refused}");
    let refused = send_retmsg(port, "/sendgroupjsonmsg", &card).await;
    assert!(
        refused.contains("18 bytes") && refused.contains("at most 12"),
        "{refused}"
    );
    lizi.terminate();

    // The flag over the config file.
    let mut lizi = Lizi::spawn(
        &dir,
        &["--data", data, "--max-text-chars", "8"],
        &[("LIZI_CONFIG", config)],
    );
    let port = lizi.port();
    assert_eq!(send_retmsg(port, "/sendgroupmsg", text).await, "");
    let longer = "fromqq=10001&togroup=30001&text=123456789";
    let refused = send_retmsg(port, "/sendgroupmsg", longer).await;
    assert!(refused.contains("at most 8"), "{refused}");
    // Cards are back at QQ's 18,000 bytes.
    assert_eq!(send_retmsg(port, "/sendgroupjsonmsg", &card).await, "");
    lizi.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}
