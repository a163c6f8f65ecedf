//! Failed writes: a full data folder (a real, small tmpfs) and a database that refuses the
//! journal's records. A change answered as failed leaves no trace, the store comes back by
//! itself once the cause is gone, and `/health` and `/metrics` say what is going on.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{temp_dir, Server};
use serde_json::Value;

/// A tmpfs of a few megabytes mounted on a fresh folder; unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts one, or answers `None` where that is impossible (not root) outside CI; in CI
    /// a test that cannot run fails.
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = temp_dir("tmpfs");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|status| status.success());
        if mounted {
            return Some(Tmpfs { dir });
        }
        let _ = std::fs::remove_dir(&dir);
        assert!(
            std::env::var_os("CI").is_none(),
            "mounting a tmpfs failed (the test must run as root in CI)"
        );
        eprintln!("skipped: mounting a tmpfs needs root");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Fills the file system holding `dir` with one file, until it is full.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).expect("filler");
    for size in [64 << 10, 4 << 10, 1] {
        let block = vec![0xA5u8; size];
        while file.write_all(&block).is_ok() {}
    }
    let _ = file.sync_all();
    path
}

/// Sends a group message from 10001; answers whether it succeeded, and the whole answer.
async fn send(server: &Server, text: &str) -> (bool, String) {
    let (answer, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup=30001&text={text}"),
        )
        .await;
    (inner["retcode"] == 0, answer.to_string())
}

/// Sends `text` again and again until it succeeds; panics after `within`.
async fn send_once_writes_resume(server: &Server, text: &str, within: Duration) {
    let started = Instant::now();
    while !send(server, text).await.0 {
        assert!(started.elapsed() < within, "writes did not resume");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The texts of group 30001's history, oldest first.
async fn history(server: &Server) -> Vec<String> {
    let response = server
        .client
        .get(server.url("/sim/history?group=30001"))
        .send()
        .await
        .expect("history");
    assert_eq!(response.status().as_u16(), 200, "reads work throughout");
    let view: Value = response.json().await.expect("json");
    view["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["text"].as_str().map(str::to_owned))
        .collect()
}

/// The texts of the group messages among a session's new events, each once (every
/// framework account in the group gets its own copy).
async fn event_texts(server: &Server, session: u64) -> Vec<String> {
    let mut texts: Vec<String> = server
        .events(session)
        .await
        .iter()
        .filter_map(|e| e["Msg"]["Text"].as_str().map(str::to_owned))
        .collect();
    texts.dedup();
    texts
}

/// `/health`'s status and body.
async fn health(server: &Server) -> (u16, Value) {
    let response = server
        .client
        .get(server.url("/health"))
        .send()
        .await
        .expect("health");
    let status = response.status().as_u16();
    (status, response.json().await.expect("health json"))
}

/// Polls `/health` until `healthy` says it is as wanted; panics after `within`.
async fn health_until(server: &Server, within: Duration, wanted: impl Fn(u16) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = health(server).await;
        if wanted(status) {
            return body;
        }
        assert!(started.elapsed() < within, "/health stayed {status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_full_disk_fails_sends_without_a_trace_and_writes_resume_once_space_is_freed() {
    let Some(tmpfs) = Tmpfs::mount(24) else {
        return;
    };
    let server = Server::start_with(|s| {
        let _ = std::fs::remove_dir_all(&s.data);
        s.data = tmpfs.dir.clone();
        s.store.dir = tmpfs.dir.clone();
    })
    .await;
    let session = server.session().await;
    assert!(send(&server, "before").await.0);
    assert_eq!(event_texts(&server, session).await, ["before"]);

    let filler = fill(&tmpfs.dir);
    // Larger than what is left of the journal's last page (9 KiB), within QQ's 4,500
    // characters.
    let lost = format!("lost{}", "字".repeat(3 << 10));
    let lost_trace = |texts: Vec<String>| texts.iter().any(|t| t.starts_with("lost"));
    let (sent, answer) = send(&server, &lost).await;
    assert!(!sent, "{answer}");
    assert!(answer.contains("No space left on device"), "{answer}");
    let (sent, answer) = send(&server, "refused").await;
    assert!(
        !sent && answer.contains("No space left on device"),
        "{answer}"
    );

    // Nothing of the failed sends is visible; reads keep working.
    let seen = history(&server).await;
    assert!(
        !lost_trace(seen.clone()),
        "the failed send is in the history"
    );
    assert_eq!(seen, ["before"]);
    assert_eq!(event_texts(&server, session).await, Vec::<String>::new());
    let (status, body) = health(&server).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "failing");
    let reason = body["reason"].as_str().expect("reason");
    assert!(reason.contains("No space left on device"), "{reason}");
    assert!(server.metric("lizi_store_write_failures_total").await >= 1);
    assert_eq!(server.metric("lizi_store_failing").await, 1);

    // Once there is room again, writes resume by themselves.
    std::fs::remove_file(&filler).expect("remove the filler");
    send_once_writes_resume(&server, "after", Duration::from_secs(40)).await;
    health_until(&server, Duration::from_secs(40), |s| s == 200).await;
    assert_eq!(server.metric("lizi_store_failing").await, 0);
    assert_eq!(history(&server).await, ["before", "after"]);
    assert_eq!(event_texts(&server, session).await, ["after"]);

    // After a restart exactly the acknowledged messages are there.
    let server = server.restart(|_| {}).await;
    assert_eq!(history(&server).await, ["before", "after"]);
    assert_eq!(event_texts(&server, session).await, Vec::<String>::new());
    assert!(send(&server, "later").await.0);
    assert_eq!(event_texts(&server, session).await, ["later"]);
    server.stop().await;
    drop(tmpfs);
}

/// A trigger that makes the database refuse every new message, as a full disk would
/// refuse the transaction holding it.
const REFUSE: &str = "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages
    BEGIN SELECT RAISE(ABORT, 'refused for the test'); END";

/// The messages in the database file.
fn messages_in_database(data: &Path) -> usize {
    let connection = rusqlite::Connection::open(data.join("lizi.db")).expect("open");
    connection
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get::<_, i64>(0))
        .expect("count") as usize
}

#[tokio::test]
async fn a_database_that_refuses_the_journal_is_retried_while_requests_go_on() {
    let server = Server::start().await;
    assert!(send(&server, "one").await.0);
    let database = rusqlite::Connection::open(server.data.join("lizi.db")).expect("open");
    database.busy_timeout(Duration::from_secs(5)).expect("busy");
    database.execute_batch(REFUSE).expect("trigger");

    // The journal holds what the database refuses: sends succeed, reads see them.
    assert!(send(&server, "two").await.0);
    let body = health_until(&server, Duration::from_secs(10), |s| s == 503).await;
    let reason = body["reason"].as_str().expect("reason");
    assert!(reason.contains("refused for the test"), "{body}");
    assert!(server.metric("lizi_store_write_failures_total").await >= 1);
    assert!(send(&server, "three").await.0, "requests go on");
    assert_eq!(history(&server).await, ["one", "two", "three"]);
    let before = messages_in_database(&server.data);

    // Once the database takes them again, the applier catches up without a restart.
    database
        .execute_batch("DROP TRIGGER refuse_messages")
        .expect("drop trigger");
    health_until(&server, Duration::from_secs(20), |s| s == 200).await;
    assert_eq!(server.metric("lizi_store_failing").await, 0);
    let started = Instant::now();
    while messages_in_database(&server.data) < before + 2 {
        assert!(started.elapsed() < Duration::from_secs(10), "not applied");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(send(&server, "four").await.0);
    drop(database);

    let server = server.restart(|_| {}).await;
    assert_eq!(history(&server).await, ["one", "two", "three", "four"]);
    server.stop().await;
}

#[tokio::test]
async fn writes_waiting_for_a_database_that_refuses_records_fail_after_a_bounded_wait() {
    let server = Server::start_with(|s| s.store.max_unapplied_bytes = 1).await;
    assert!(send(&server, "one").await.0);
    let started = Instant::now();
    while server.metric("lizi_store_unapplied_bytes").await > 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "not applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let database = rusqlite::Connection::open(server.data.join("lizi.db")).expect("open");
    database.busy_timeout(Duration::from_secs(5)).expect("busy");
    database.execute_batch(REFUSE).expect("trigger");
    assert!(send(&server, "two").await.0, "the journal takes it");
    health_until(&server, Duration::from_secs(10), |s| s == 503).await;

    // The database is now over its limit behind the journal and refuses to catch up: the
    // next send fails with the reason instead of waiting forever.
    let started = Instant::now();
    let (sent, answer) = send(&server, "three").await;
    assert!(!sent, "{answer}");
    assert!(answer.contains("refused for the test"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(19));
    assert_eq!(history(&server).await, ["one", "two"]);

    database
        .execute_batch("DROP TRIGGER refuse_messages")
        .expect("drop trigger");
    send_once_writes_resume(&server, "four", Duration::from_secs(60)).await;
    health_until(&server, Duration::from_secs(40), |s| s == 200).await;
    drop(database);
    let server = server.restart(|_| {}).await;
    assert_eq!(history(&server).await, ["one", "two", "four"]);
    server.stop().await;
}
