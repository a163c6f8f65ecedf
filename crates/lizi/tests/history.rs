//! The message history on disk: `/sim/history` pages, recall and reply checks that read
//! messages no longer in memory (a tiny cache, and after restarts), and a database whose
//! messages are still world documents (from before the messages table) moved at start-up.

mod common;

use common::{enc, Server};
use serde_json::{json, Value};

const G: u64 = 30001;

async fn view(server: &Server, path_and_query: &str) -> (u16, Value) {
    let response = server
        .client
        .get(server.url(path_and_query))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Alice (20001) says `text` in the group; answers the message's (req, random).
async fn say(server: &Server, text: &str) -> (i64, i64) {
    let (status, answer) = server
        .sim("message", json!({"from": 20001, "group": G, "text": text}))
        .await;
    assert_eq!(status, 200, "{answer}");
    (
        answer["req"].as_i64().expect("req"),
        answer["random"].as_i64().expect("random"),
    )
}

/// The texts and recall flags of a history page, and its `before`.
async fn page(server: &Server, query: &str) -> (Vec<(String, bool)>, Value) {
    let (status, view) = view(server, &format!("/sim/history?{query}")).await;
    assert_eq!(status, 200, "{query}: {view}");
    let messages = view["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["text"].as_str().expect("text").to_owned(),
                m["recalled"].as_bool().expect("recalled"),
            )
        })
        .collect();
    (messages, view["before"].clone())
}

fn texts(page: &[(String, bool)]) -> Vec<&str> {
    page.iter().map(|(text, _)| text.as_str()).collect()
}

#[tokio::test]
async fn history_comes_in_pages_oldest_first_with_the_before_of_the_previous_page() {
    let server = Server::start().await;
    for text in ["m1", "m2", "m3", "m4", "m5"] {
        say(&server, text).await;
    }
    let (all, before) = page(&server, "group=30001").await;
    assert_eq!(texts(&all), ["m1", "m2", "m3", "m4", "m5"]);
    assert_eq!(before, Value::Null, "everything fits one page");

    let (last, before) = page(&server, "group=30001&limit=2").await;
    assert_eq!(texts(&last), ["m4", "m5"]);
    assert_eq!(before, 4);
    let (middle, before) = page(&server, "group=30001&limit=2&before=4").await;
    assert_eq!(texts(&middle), ["m2", "m3"]);
    assert_eq!(before, 2);
    let (first, before) = page(&server, "group=30001&limit=2&before=2").await;
    assert_eq!(texts(&first), ["m1"]);
    assert_eq!(before, Value::Null, "nothing before the first message");

    for bad in ["limit=0", "limit=1001", "limit=x"] {
        let (status, answer) = view(&server, &format!("/sim/history?group=30001&{bad}")).await;
        assert_eq!(status, 400, "{bad}: {answer}");
    }
}

/// Bob (10001, a framework account) replies to message `req` of the group; answers the
/// inner retcode and message.
async fn reply(server: &Server, req: i64, random: i64) -> (i64, String) {
    let code = format!("[Reply,Content=x,SendQQID=20001,Req={req},Random={random},SendTime=1]ok");
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup={G}&text={}", enc(&code)),
        )
        .await;
    (
        inner["retcode"].as_i64().unwrap_or(-1),
        inner["retmsg"].as_str().unwrap_or("").to_owned(),
    )
}

/// Alice, the group's owner, recalls message `req`; answers the status.
async fn recall(server: &Server, req: i64, random: i64) -> u16 {
    let (status, answer) = server
        .sim(
            "recall",
            json!({"user": 20001, "group": G, "req": req, "random": random}),
        )
        .await;
    eprintln!("recall {req}: {status} {answer}");
    status
}

#[tokio::test]
async fn recall_and_replies_read_messages_that_are_no_longer_in_memory() {
    let server = Server::start_with(|settings| settings.store.history_cache_bytes = 1).await;
    let (first, first_random) = say(&server, "one").await;
    let (second, second_random) = say(&server, "two").await;
    let server = server.restart(|_| {}).await;

    // Recalled after the restart: the message is read from disk.
    assert_eq!(recall(&server, second, second_random).await, 200);
    assert_ne!(
        recall(&server, second, second_random).await,
        200,
        "a message is recalled once"
    );
    let (code, message) = reply(&server, second, second_random).await;
    assert_eq!(code, 10, "{message}");
    assert!(message.contains("was recalled"), "{message}");
    assert_eq!(reply(&server, first, first_random).await.0, 0);

    let server = server.restart(|_| {}).await;
    let (history, _) = page(&server, "group=30001").await;
    assert_eq!(
        history,
        [
            ("one".to_owned(), false),
            ("two".to_owned(), true),
            (
                format!("[Reply,Content=x,SendQQID=20001,Req={first},Random={first_random},SendTime=1]ok"),
                false
            ),
        ]
    );
    assert_ne!(reply(&server, second, second_random).await.0, 0);
}

#[tokio::test]
async fn messages_kept_as_world_documents_move_into_the_history_table_at_start() {
    let server = Server::start().await;
    say(&server, "group one").await;
    let (second, second_random) = say(&server, "group two").await;
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "private"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let data = server.data.clone();
    let server = server
        .restart(|_| {
            // Back to how the database looked before the messages table: every message
            // a document of kind `message`, schema version 1 (no session keeps events, so
            // none refers to a message).
            let db = rusqlite::Connection::open(data.join("lizi.db")).expect("open");
            db.execute_batch(
                "DROP TABLE event_shapes;
                 ALTER TABLE events DROP COLUMN shape;
                 ALTER TABLE events DROP COLUMN message;
                 ALTER TABLE events DROP COLUMN logon;
                 INSERT INTO docs (kind, key, body)
                 SELECT 'message',
                     CASE conv_kind WHEN 0 THEN json_array(json_object('Group', conv_a), req)
                     ELSE json_array(json_object('Private', json_array(conv_a, conv_b)), req) END,
                     json_object('req', req, 'random', random, 'seq', seq, 'time', time,
                         'from', sender, 'to', target, 'group', grp, 'text', text,
                         'recalled', json(CASE recalled WHEN 1 THEN 'true' ELSE 'false' END))
                 FROM messages;
                 DROP TABLE messages;
                 PRAGMA user_version = 1;",
            )
            .expect("old format");
        })
        .await;

    let (group, _) = page(&server, "group=30001").await;
    assert_eq!(texts(&group), ["group one", "group two"]);
    let (private, _) = page(&server, "a=10001&b=20001").await;
    assert_eq!(texts(&private), ["private"]);
    assert_eq!(recall(&server, second, second_random).await, 200);
    let (next, _) = say(&server, "group three").await;
    assert_eq!(next, second + 1, "numbering goes on");

    let mut server = server;
    server.keep_data = true;
    server.stop().await;
    let db = rusqlite::Connection::open(data.join("lizi.db")).expect("open");
    let left: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM docs WHERE kind = 'message'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(left, 0, "no message document is left");
    let rows: i64 = db
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 4);
    drop(db);
    let _ = std::fs::remove_dir_all(&data);
}
