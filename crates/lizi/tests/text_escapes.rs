//! Literal `\`, `[` and `]` in message text (docs/xlz-api.md#text-codes): the world stores and hands out
//! `\u005c`, `\u005b`, `\u005d` however a bot or a simulated user wrote them, so a client
//! that decodes those escapes reads the text back exactly and never sees a stray code.

mod common;

use common::{enc, Server};
use serde_json::json;

/// What a bot sends, and the `Msg.Text` every reader must get for it.
const SENT: &str = r"a\b [x] [@20001]";
const CANONICAL: &str = r"a\u005cb \u005bx\u005d [@20001]";

/// The raw body of one `/geteventv2` read, and the texts of the events account 10001 got.
async fn read_events(server: &Server, session: u64) -> (String, Vec<String>) {
    let (status, body) = server
        .post("/geteventv2", &format!("sessid={session}"))
        .await;
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let texts = answer["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["LogonQQ"] == 10001)
        .map(|event| event["Msg"]["Text"].as_str().expect("Msg.Text").to_owned())
        .collect();
    (body, texts)
}

/// Account 10001 sends `text` through `path` (`/sendgroupmsg` to group 30001,
/// `/sendprivatemsg` to 20001); asserts success.
async fn bot_sends(server: &Server, path: &str, text: &str) {
    let to = match path {
        "/sendgroupmsg" => "togroup=30001",
        _ => "toqq=20001",
    };
    let body = format!("fromqq=10001&{to}&text={}", enc(text));
    let (_, inner) = server.call_retcode(path, &body).await;
    assert_eq!(inner["retcode"], 0, "{path} {text}: {inner}");
}

#[tokio::test]
async fn a_bots_literal_backslash_and_brackets_are_escaped_in_events() {
    let server = Server::start().await;
    let session = server.session().await;
    bot_sends(&server, "/sendgroupmsg", SENT).await;
    let (body, texts) = read_events(&server, session).await;
    assert_eq!(texts, [CANONICAL]);
    // The JSON source carries each escape's backslash as `\\`.
    assert!(
        body.contains(r#""a\\u005cb \\u005bx\\u005d [@20001]""#),
        "{body}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_simulated_users_literal_backslash_and_brackets_are_escaped_in_events() {
    let server = Server::start().await;
    let session = server.session().await;
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": SENT}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (_, private) = server
        .sim("message", json!({"from": 20001, "to": 10001, "text": "\\"}))
        .await;
    assert!(private.is_object(), "{private}");
    let (_, texts) = read_events(&server, session).await;
    assert_eq!(texts, [CANONICAL, r"\u005c"]);
    server.stop().await;
}

#[tokio::test]
async fn escapes_from_a_client_are_the_literal_characters() {
    let server = Server::start().await;
    let session = server.session().await;
    // Written raw, written escaped, and a mix: one and the same text in the world.
    for text in [SENT, CANONICAL, r"a\u005cb [x\u005d [@20001]"] {
        bot_sends(&server, "/sendprivatemsg", text).await;
    }
    let (_, texts) = read_events(&server, session).await;
    assert_eq!(texts, [CANONICAL; 3]);
    // A bot that sends back the text it read changes nothing.
    bot_sends(&server, "/sendgroupmsg", &texts[0]).await;
    let (_, again) = read_events(&server, session).await;
    assert_eq!(again, [CANONICAL]);
    server.stop().await;
}
