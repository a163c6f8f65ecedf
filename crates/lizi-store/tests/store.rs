//! The store on a real SQLite file: reopening, schema versions, lag limits by bytes, and
//! the cache boundary between memory and disk.

use std::time::Duration;

use lizi_core::event::{EventMsg, PrivateMsg};
use lizi_core::Event;
use lizi_store::{Flush, Op, Store, StoreConfig, StoreError, TakeOptions, Taken};

fn dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lizi-store-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn config(dir: &std::path::Path) -> StoreConfig {
    StoreConfig {
        sweep_every: Duration::from_secs(3600),
        ..StoreConfig::new(dir)
    }
}

fn event(text: &str) -> Event {
    let mut event = PrivateMsg::default();
    event.msg.text = text.into();
    Event::PrivateMsg(event)
}

fn texts(taken: &Taken) -> Vec<String> {
    match taken {
        Taken::Events { events, .. } => events
            .iter()
            .map(|e| {
                serde_json::from_str::<serde_json::Value>(e).unwrap()["Msg"]["Text"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let dir = dir("schema");
    Store::open(config(&dir)).unwrap().close();
    let connection = rusqlite::Connection::open(dir.join("lizi.db")).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    match Store::open(config(&dir)) {
        Err(error @ StoreError::TooNew { found: 99, .. }) => {
            assert!(error.to_string().contains("newer lizi"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn reads_cross_the_cache_boundary_and_survive_reopening() {
    let dir = dir("cache");
    let store = Store::open(StoreConfig {
        cache_events: 4,
        ..config(&dir)
    })
    .unwrap();
    let session = store.alloc_session().await.unwrap();
    for i in 0..10 {
        store
            .append(&[event(&format!("e{i}"))])
            .wait()
            .await
            .unwrap();
    }
    // Events stay cached until the applier has put them in the database, then the cache
    // shrinks to its bound.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while store.cached_events() > 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(store.cached_events() <= 4, "the cache is bounded");
    let peek = TakeOptions {
        peek: true,
        limit: 3,
    };
    assert_eq!(
        texts(&store.take(session, peek).await.unwrap()),
        ["e0", "e1", "e2"]
    );
    store.close();
    drop(store);

    let store = Store::open(StoreConfig {
        cache_events: 4,
        ..config(&dir)
    })
    .unwrap();
    let all = store.take(session, TakeOptions::default()).await.unwrap();
    assert_eq!(texts(&all).len(), 10);
    assert_eq!(
        texts(&store.take(session, TakeOptions::default()).await.unwrap()).len(),
        0
    );
    assert_eq!(store.alloc_session().await.unwrap(), session + 1);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_byte_limit_drops_the_oldest_and_says_how_many() {
    let dir = dir("bytes");
    let one = lizi_store::encode_event(&event("x0"), 1).len() as u64;
    let store = Store::open(StoreConfig {
        max_lag_bytes: one * 3,
        ..config(&dir)
    })
    .unwrap();
    let session = store.alloc_session().await.unwrap();
    for i in 0..8 {
        store
            .append(&[event(&format!("x{i}"))])
            .wait()
            .await
            .unwrap();
    }
    store.sweep().unwrap();
    match store.take(session, TakeOptions::default()).await.unwrap() {
        taken @ Taken::Events { lost, .. } => {
            assert_eq!(lost, 5);
            assert_eq!(texts(&taken), ["x5", "x6", "x7"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .stats
            .events_dropped
            .load(std::sync::atomic::Ordering::Relaxed),
        5
    );
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_memory_store_works_without_a_folder() {
    let store = Store::open(StoreConfig::memory()).unwrap();
    assert!(store.is_memory());
    let session = store.alloc_session().await.unwrap();
    store
        .append(&[Event::EventMsg(EventMsg::default()), event("m")])
        .wait()
        .await
        .unwrap();
    match store.take(session, TakeOptions::default()).await.unwrap() {
        Taken::Events { events, first, .. } => {
            assert_eq!(events.len(), 2);
            assert_eq!(first, 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.config_flush(), Flush::Memory);
}

#[tokio::test]
async fn the_write_ahead_log_stays_bounded_under_steady_writes() {
    let dir = dir("wal");
    let store = Store::open(config(&dir)).unwrap();
    // 48 MiB of blobs, one after another with no pause.
    for i in 0..48u32 {
        let op = Op::Blob {
            hash: format!("blob{i}"),
            bytes: vec![i as u8; 1 << 20],
        };
        store.write(vec![op]).wait().await.unwrap();
    }
    let wal = std::fs::metadata(dir.join("lizi.db-wal")).map_or(0, |m| m.len());
    assert!(wal < 32 << 20, "the write-ahead log grew to {wal} bytes");
    assert_eq!(store.blob("blob47").unwrap().unwrap(), vec![47u8; 1 << 20]);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn rewrites_within_one_apply_keep_the_last_value() {
    let dir = dir("rewrites");
    let store = Store::open(config(&dir)).unwrap();
    let doc = |key: &str, body: Option<&str>| Op::Doc {
        kind: "person".into(),
        key: key.into(),
        body: body.map(str::to_owned),
    };
    // Queued without waiting, so that they reach the applier together.
    let mut tickets = Vec::new();
    for i in 0..50 {
        tickets.push(store.write(vec![doc("1", Some(&format!("{{\"n\":{i}}}")))]));
        tickets.push(store.write(vec![doc("2", Some("{}")), doc("2", None)]));
    }
    tickets.push(store.write(vec![doc("3", None), doc("3", Some("{\"kept\":true}"))]));
    for ticket in tickets {
        ticket.wait().await.unwrap();
    }
    store.close();
    let store = Store::open(config(&dir)).unwrap();
    let docs = store.load_docs().unwrap();
    let docs: Vec<(&str, &str)> = docs
        .iter()
        .map(|(_, key, body)| (key.as_str(), body.as_str()))
        .collect();
    assert_eq!(docs, [("1", "{\"n\":49}"), ("3", "{\"kept\":true}")]);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn writes_wait_while_the_database_is_too_far_behind() {
    let dir = dir("backlog");
    let store = Store::open(StoreConfig {
        max_unapplied_bytes: 2 << 20,
        ..config(&dir)
    })
    .unwrap();
    // Another connection holds SQLite's write lock: the applier's next transaction waits
    // for it (it would give up after 5 s), while the journal goes on.
    let blocker = rusqlite::Connection::open(dir.join("lizi.db")).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let blob = |i: u8| Op::Blob {
        hash: format!("blob{i}"),
        bytes: vec![i; 1 << 20],
    };
    // One after another, so that each is a record of its own.
    let mut tickets = Vec::new();
    for i in 0..8 {
        tickets.push(store.write(vec![blob(i)]));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let all = tokio::spawn(async move {
        for ticket in tickets {
            ticket.wait().await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !all.is_finished(),
        "8 MiB of writes went through while the database could take none"
    );
    let behind = store.unapplied_bytes();
    assert!(
        ((2 << 20)..(4 << 20)).contains(&behind),
        "{behind} bytes behind, against a limit of 2 MiB and records of 1 MiB"
    );
    blocker.execute_batch("ROLLBACK").unwrap();
    tokio::time::timeout(Duration::from_secs(10), all)
        .await
        .expect("the writes went on once the database caught up")
        .unwrap();
    assert_eq!(store.blob("blob7").unwrap().unwrap(), vec![7u8; 1 << 20]);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_closed_named_reader_keeps_its_undelivered_events_across_a_restart() {
    let dir = dir("named-reader");
    let store = Store::open(config(&dir)).unwrap();
    let session = store.alloc_session().await.unwrap();
    let reader = store.open_reader(Some("push http://receiver")).unwrap();
    for i in 0..3 {
        store
            .append(&[event(&format!("p{i}"))])
            .wait()
            .await
            .unwrap();
    }
    // The session takes everything; the reader delivered only the first event, then
    // stops (a push reporter at shutdown).
    let taken = store.take(session, TakeOptions::default()).await.unwrap();
    assert_eq!(texts(&taken), ["p0", "p1", "p2"]);
    let first = store.read(reader, 1).unwrap().unwrap();
    store.advance(reader, first.first + 1);
    store.close_reader(reader);
    store.close();

    let store = Store::open(config(&dir)).unwrap();
    let reader = store.open_reader(Some("push http://receiver")).unwrap();
    let batch = store.read(reader, 10).unwrap().unwrap();
    let texts: Vec<String> = batch
        .events
        .iter()
        .map(|e| serde_json::from_str::<serde_json::Value>(e).unwrap()["Msg"]["Text"].to_string())
        .collect();
    assert_eq!(
        texts,
        ["\"p1\"", "\"p2\""],
        "the undelivered events are still there"
    );
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

fn message(req: i64, text: &str) -> lizi_store::MessageRow {
    lizi_store::MessageRow {
        conv: lizi_store::Conv {
            kind: lizi_store::Conv::GROUP,
            a: 30001,
            b: 0,
        },
        req,
        random: req * 7,
        seq: req,
        time: 1000 + req,
        sender: 20001,
        target: None,
        group: Some(30001),
        text: text.into(),
        recalled: false,
    }
}

#[tokio::test]
async fn the_history_is_on_disk_with_a_cache_bounded_by_bytes() {
    let dir = dir("history");
    let budget = 4096;
    let open = || {
        Store::open(StoreConfig {
            history_cache_bytes: budget,
            ..config(&dir)
        })
        .unwrap()
    };
    let store = open();
    let conv = message(1, "").conv;
    let ops = (1..=100)
        .map(|req| Op::Message(std::sync::Arc::new(message(req, &"x".repeat(500)))))
        .collect();
    store.write(ops).wait().await.unwrap();
    assert_eq!(
        store.message(conv, 1).unwrap().unwrap().req,
        1,
        "read before applied"
    );
    // Held until the applier has them in the database, then within the budget.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while store.cached_messages().0 > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (pending, cached, bytes) = store.cached_messages();
    assert_eq!(pending, 0);
    assert!(
        bytes <= budget && cached < 10,
        "{cached} messages, {bytes} bytes"
    );

    // A recall rewrites the row; pages come newest first, below `before`.
    let mut recalled = message(50, &"x".repeat(500));
    recalled.recalled = true;
    store
        .write(vec![Op::Message(std::sync::Arc::new(recalled))])
        .wait()
        .await
        .unwrap();
    let page = store.messages_before(conv, Some(52), 3).unwrap();
    let reqs: Vec<(i64, bool)> = page.iter().map(|m| (m.req, m.recalled)).collect();
    assert_eq!(reqs, [(51, false), (50, true), (49, false)]);
    store.close();
    drop(store);

    // Reopened, nothing of the history is in memory until asked for.
    let store = open();
    assert_eq!(store.cached_messages(), (0, 0, 0));
    let one = store.message(conv, 1).unwrap().unwrap();
    assert_eq!((one.random, one.time, one.text.len()), (7, 1001, 500));
    assert!(store.message(conv, 50).unwrap().unwrap().recalled);
    assert!(store.message(conv, 101).unwrap().is_none());
    assert_eq!(store.messages_before(conv, None, 1000).unwrap().len(), 100);
    // Found by global `Seq` too, from the database, the recalled version as written.
    let by_seq = store.message_by_seq(50).unwrap().unwrap();
    assert_eq!((by_seq.req, by_seq.recalled), (50, true));
    assert!(store.message_by_seq(101).unwrap().is_none());
    assert_eq!(store.last_message_seq().unwrap(), 100);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_event_cache_keeps_to_its_byte_budget() {
    let dir = dir("cache-bytes");
    let store = Store::open(StoreConfig {
        cache_events: 1000,
        cache_bytes: 8 << 10,
        ..config(&dir)
    })
    .unwrap();
    let session = store.alloc_session().await.unwrap();
    let large = "y".repeat(2000);
    for _ in 0..20 {
        store.append(&[event(&large)]).wait().await.unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while store.cached_events() > 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        store.cached_events() <= 4,
        "{} events of 2 KB in an 8 KiB cache",
        store.cached_events()
    );
    let all = store.take(session, TakeOptions::default()).await.unwrap();
    assert_eq!(texts(&all).len(), 20, "the others are read from disk");
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn documents_are_looked_up_by_key_before_and_after_they_reach_the_database() {
    let dir = dir("doc-lookup");
    let store = Store::open(StoreConfig {
        history_cache_bytes: 4096,
        ..config(&dir)
    })
    .unwrap();
    let doc = |kind: &'static str, key: String, body: Option<String>| Op::Doc {
        kind: kind.into(),
        key,
        body,
    };
    // Found at once, whether the applier has carried the write over yet or not.
    let mut tickets = Vec::new();
    for n in 0..2000 {
        let body = format!("{{\"n\":{n}}}");
        tickets.push(store.write(vec![doc("record", format!("{n:05}"), Some(body))]));
        assert_eq!(
            store.doc("record", &format!("{n:05}")).unwrap().as_deref(),
            Some(format!("{{\"n\":{n}}}").as_str())
        );
    }
    tickets.push(store.write(vec![
        doc("record", "00007".into(), None),
        doc("other", "x".into(), Some("{}".into())),
    ]));
    for ticket in tickets {
        ticket.wait().await.unwrap();
    }
    assert_eq!(store.doc("record", "00007").unwrap(), None);
    assert_eq!(store.doc("record", "99999").unwrap(), None);
    assert_eq!(store.docs_of("record").unwrap().len(), 1999);
    store.close();

    // After a restart: read from the database, the cache within its budget.
    let store = Store::open(StoreConfig {
        history_cache_bytes: 4096,
        ..config(&dir)
    })
    .unwrap();
    for n in (0..2000).step_by(7) {
        let found = store.doc("record", &format!("{n:05}")).unwrap();
        let wanted = (n != 7).then(|| format!("{{\"n\":{n}}}"));
        assert_eq!(found.as_deref(), wanted.as_deref());
    }
    let (pending, cached, bytes) = store.cached_docs();
    assert_eq!(pending, 0);
    assert!(
        cached > 0 && bytes <= 4096,
        "{cached} documents, {bytes} bytes"
    );
    assert_eq!(
        store.docs_of("other").unwrap(),
        vec![("x".to_owned(), "{}".to_owned())]
    );
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}
