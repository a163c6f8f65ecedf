//! What survives a restart, lag limits with their in-band reports, idle expiry,
//! at-least-once reading with peek/ack, and reclaiming — against a real data folder.

mod common;

use std::time::Duration;

use common::{temp_dir, Server};
use lizi_store::LagPolicy;
use serde_json::{json, Value};

async fn make_events(server: &Server, n: usize) {
    for i in 0..n {
        let (status, _) = server
            .sim(
                "message",
                json!({"from": 20001, "to": 10001, "text": format!("m{i}")}),
            )
            .await;
        assert_eq!(status, 200);
    }
}

/// What `/getlogonqq` says an account received and sent (`收发信息`, "received/sent").
async fn message_counts(server: &Server, uin: u64) -> String {
    let answer = server.call("/getlogonqq", "").await;
    let list: Value = serde_json::from_str(answer["ret"].as_str().unwrap()).unwrap();
    list["QQlist"][uin.to_string()]["收发信息"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn texts(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["Msg"]["Text"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Polls `check` every 20 ms for up to 10 s.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..500 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn restart_keeps_world_sessions_and_pending_events_byte_for_byte() {
    let server = Server::start().await;
    let (a, b, witness) = (
        server.session().await,
        server.session().await,
        server.session().await,
    );
    server
        .call(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=before+restart",
        )
        .await;
    make_events(&server, 3).await;
    assert_eq!(
        server.call("/logoutqq", "logonqq=10002").await["ret"],
        "true"
    );
    server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "only 10001 sees this"}),
        )
        .await;
    let expected = server
        .post("/getevent", &format!("sessid={witness}"))
        .await
        .1;
    assert_eq!(expected.matches('\n').count(), 6, "{expected}");
    let world = server.world().await;
    // 10001 sent one group message and saw three private ones and one group one.
    assert_eq!(message_counts(&server, 10001).await, "4/1");
    let last_seq: u64 = {
        let last = expected.rsplit('\n').next().unwrap();
        serde_json::from_str::<Value>(last).unwrap()["LiziSeq"]
            .as_u64()
            .unwrap()
    };

    let server = server.restart(|_| {}).await;
    assert_eq!(server.world().await, world, "the world is as it was");
    assert_eq!(message_counts(&server, 10001).await, "4/1");
    assert_eq!(
        server.post("/getevent", &format!("sessid={a}")).await.1,
        expected
    );
    assert_eq!(
        server.post("/getevent", &format!("sessid={b}")).await.1,
        expected
    );
    assert_eq!(server.post("/getevent", &format!("sessid={a}")).await.1, "");
    assert_eq!(
        server.session().await,
        witness + 1,
        "session ids keep counting"
    );
    make_events(&server, 1).await;
    let events = server.events(a).await;
    assert_eq!(
        events[0]["LiziSeq"].as_u64(),
        Some(last_seq + 1),
        "the sequence continues"
    );
    // 10002 is still logged out, so its group message copy is not there.
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=x")
        .await;
    assert_ne!(inner["retcode"], 0);
    server.stop().await;
}

#[tokio::test]
async fn the_fixture_only_seeds_an_empty_folder() {
    let dir = temp_dir("fixture");
    let world = |name: &str| {
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(
            &path,
            format!(
                "[[account]]\nuin = 10001\nnickname = \"{name}\"\n[[user]]\nuin = 20001\nnickname = \"Alice\"\n[[friend]]\na = 10001\nb = 20001\n"
            ),
        )
        .unwrap();
        path
    };
    let (first, second) = (world("first"), world("second"));
    async fn nickname(server: &Server) -> Value {
        server
            .call("/getnickname", "toqq=10001&fromcache=true")
            .await["ret"]
            .clone()
    }
    let server = Server::start_with(|s| s.world = Some(first.clone())).await;
    assert_eq!(nickname(&server).await, "first");
    let server = server.restart(|s| s.world = Some(second.clone())).await;
    assert_eq!(
        nickname(&server).await,
        "first",
        "a folder with a world ignores the fixture"
    );
    let server = server.restart(|s| s.reset = true).await;
    assert_eq!(
        nickname(&server).await,
        "second",
        "--reset starts again from the fixture"
    );
    server.stop().await;
}

#[tokio::test]
async fn drop_oldest_reports_the_loss_in_band() {
    let server = Server::start_with(|s| {
        s.store.max_lag_events = 3;
        s.store.sweep_every = Duration::from_millis(20);
    })
    .await;
    let (v2, framed) = (server.session().await, server.session().await);
    make_events(&server, 10).await;
    eventually("the lag limit", async || {
        server.metric("lizi_events_dropped_total").await >= 14
    })
    .await;

    let answer = server.call("/geteventv2", &format!("sessid={v2}")).await;
    assert_eq!(answer["status"], "OK");
    assert_eq!(answer["lost"], 7, "{answer}");
    assert!(
        answer["lost_reason"]
            .as_str()
            .unwrap()
            .contains("max_lag_events 3"),
        "{answer}"
    );
    assert_eq!(
        texts(answer["events"].as_array().unwrap()),
        ["m7", "m8", "m9"]
    );

    let body = server
        .post("/getevent", &format!("sessid={framed}"))
        .await
        .1;
    let frames: Vec<Value> = body
        .split('\n')
        .skip(1)
        .map(|f| serde_json::from_str(f).unwrap())
        .collect();
    assert_eq!(frames[0]["Type"], "LiziLost");
    assert_eq!(frames[0]["Lost"], 7);
    assert_eq!(texts(&frames[1..]), ["m7", "m8", "m9"]);

    // Reported once.
    make_events(&server, 1).await;
    let answer = server.call("/geteventv2", &format!("sessid={v2}")).await;
    assert!(answer.get("lost").is_none(), "{answer}");
    assert_eq!(texts(answer["events"].as_array().unwrap()), ["m0"]);
}

#[tokio::test]
async fn remove_session_policy_says_why() {
    let server = Server::start_with(|s| {
        s.store.max_lag_events = 2;
        s.store.lag_policy = LagPolicy::RemoveSession;
        s.store.sweep_every = Duration::from_millis(20);
    })
    .await;
    let (slow, fast) = (server.session().await, server.session().await);
    make_events(&server, 2).await;
    assert_eq!(server.events(fast).await.len(), 2);
    make_events(&server, 2).await;
    eventually("the session removal", async || {
        server.metric("lizi_sessions_dropped_total").await == 1
    })
    .await;
    let answer = server.call("/geteventv2", &format!("sessid={slow}")).await;
    assert_eq!(answer["status"], "session not found");
    assert!(
        answer["reason"].as_str().unwrap().contains("behind"),
        "{answer}"
    );
    assert_eq!(
        server.events(fast).await.len(),
        2,
        "the session that kept up is still there"
    );
}

#[tokio::test]
async fn idle_sessions_expire_and_busy_ones_stay() {
    let server = Server::start_with(|s| {
        s.store.session_idle = Some(Duration::from_secs(1));
        s.store.sweep_every = Duration::from_millis(50);
    })
    .await;
    let (idle, busy) = (server.session().await, server.session().await);
    eventually("idle expiry", async || {
        server.events(busy).await;
        server.metric("lizi_sessions_expired_total").await == 1
    })
    .await;
    let answer = server.call("/geteventv2", &format!("sessid={idle}")).await;
    assert_eq!(answer["status"], "session not found");
    assert!(
        answer["reason"].as_str().unwrap().contains("session_idle"),
        "{answer}"
    );
    assert_eq!(
        server.call("/geteventv2", &format!("sessid={busy}")).await["status"],
        "OK"
    );
}

#[tokio::test]
async fn peek_then_ack_gives_at_least_once() {
    let server = Server::start().await;
    let session = server.session().await;
    make_events(&server, 4).await;
    let peek = |limit: &str| format!("sessid={session}&peek=true{limit}");
    let first = server.call("/geteventv2", &peek("")).await;
    let again = server.call("/geteventv2", &peek("")).await;
    assert_eq!(first, again, "peeking removes nothing");
    let events = first["events"].as_array().unwrap();
    assert_eq!(texts(events), ["m0", "m1", "m2", "m3"]);
    let second_seq = events[1]["LiziSeq"].as_u64().unwrap();
    assert_eq!(
        server
            .call("/ackevent", &format!("sessid={session}&seq={second_seq}"))
            .await,
        json!({"status": "OK"})
    );
    let limited = server.call("/geteventv2", &peek("&limit=1")).await;
    assert_eq!(texts(limited["events"].as_array().unwrap()), ["m2"]);
    assert_eq!(
        texts(&server.events(session).await),
        ["m2", "m3"],
        "old clients still take"
    );
    assert_eq!(
        server.call("/ackevent", "sessid=999&seq=1").await,
        json!({"status": "session not found"})
    );
}

#[tokio::test]
async fn taken_events_are_reclaimed_from_disk() {
    let server = Server::start().await;
    let session = server.session().await;
    make_events(&server, 20).await;
    let db = server.data.join("lizi.db");
    let count = || {
        let connection = rusqlite::Connection::open(&db).unwrap();
        connection
            .query_row("SELECT COUNT(*) FROM events", [], |row| {
                row.get::<_, i64>(0)
            })
            .unwrap()
    };
    // Durable at once in the journal, the events reach the database within moments.
    eventually("applying the journal", async || count() == 20).await;
    assert_eq!(server.events(session).await.len(), 20);
    eventually("reclaiming", async || count() == 0).await;
    assert_eq!(
        server
            .call("/removesession", &format!("sessid={session}"))
            .await["status"],
        "OK"
    );
    make_events(&server, 5).await;
    assert_eq!(count(), 0, "with no session, events are not kept");
}
