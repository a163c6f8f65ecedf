//! Group events reach exactly the online framework accounts in the group, as login,
//! logout, kicks, leaving and restarts change who that is.

mod common;

use common::Server;
use serde_json::{json, Value};

/// The `LogonQQ` of each `GroupMsg` the session gets, sorted.
async fn group_msg_logons(server: &Server, session: u64) -> Vec<u64> {
    let mut logons: Vec<u64> = server
        .events(session)
        .await
        .iter()
        .filter(|e| e["Type"] == "GroupMsg")
        .filter_map(|e| e["LogonQQ"].as_u64())
        .collect();
    logons.sort_unstable();
    logons
}

/// Alice (a plain user) says something in group 30001; answers who saw it.
async fn who_sees_alice(server: &Server, session: u64) -> Vec<u64> {
    let message = json!({"from": 20001, "group": 30001, "text": "hello"});
    let (status, answer) = server.sim("message", message).await;
    assert_eq!(status, 200, "{answer}");
    group_msg_logons(server, session).await
}

async fn ok(server: &Server, path: &str, body: &str) {
    let answer: Value = server.call(path, body).await;
    assert_eq!(answer["ret"], "true", "{path} {body}: {answer}");
}

#[tokio::test]
async fn group_events_follow_login_logout_kick_and_leave() {
    let server = Server::start().await;
    let session = server.session().await;
    assert_eq!(who_sees_alice(&server, session).await, [10001, 10002]);

    ok(&server, "/logoutqq", "logonqq=10002").await;
    assert_eq!(who_sees_alice(&server, session).await, [10001]);
    ok(&server, "/loginqq", "logonqq=10002").await;
    server.events(session).await;
    assert_eq!(who_sees_alice(&server, session).await, [10001, 10002]);

    // A kicked account is told, then sees the group no more.
    ok(
        &server,
        "/kickgroupmember",
        "fromqq=10001&group=30001&toqq=10002",
    )
    .await;
    server.events(session).await;
    assert_eq!(who_sees_alice(&server, session).await, [10001]);

    // An account that leaves sees the group no more either; nobody is left to see it.
    ok(&server, "/exitgroup", "fromqq=10001&group=30001").await;
    server.events(session).await;
    assert_eq!(who_sees_alice(&server, session).await, Vec::<u64>::new());
}

#[tokio::test]
async fn group_events_after_a_restart_follow_the_saved_logins() {
    let server = Server::start().await;
    ok(&server, "/logoutqq", "logonqq=10001").await;
    let server = server.restart(|_| {}).await;
    let session = server.session().await;
    assert_eq!(who_sees_alice(&server, session).await, [10002]);
    ok(&server, "/loginqq", "logonqq=10001").await;
    server.events(session).await;
    assert_eq!(who_sees_alice(&server, session).await, [10001, 10002]);
}
