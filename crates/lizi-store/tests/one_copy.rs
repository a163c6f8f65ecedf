//! One copy of a message: the events that carry a message are stored as references to its
//! history row, read back byte for byte as they were delivered, also from a database that
//! an older lizi wrote with every event whole.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lizi_core::event::{
    EventMsg, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender, PrivateMsg, TimeStamp, UserRef,
};
use lizi_core::Event;
use lizi_store::{
    encode_event, Conv, MessageRow, Op, SessionId, Store, StoreConfig, TakeOptions, Taken,
};

fn dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lizi-one-copy-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A store that caches one event, so that reads come from the database.
fn open(dir: &std::path::Path) -> Arc<Store> {
    Store::open(StoreConfig {
        sweep_every: Duration::from_secs(3600),
        cache_events: 1,
        cache_bytes: 1,
        ..StoreConfig::new(dir)
    })
    .unwrap()
}

fn group_message(req: i64, text: &str) -> MessageRow {
    MessageRow {
        conv: Conv {
            kind: Conv::GROUP,
            a: 40001,
            b: 0,
        },
        req,
        random: 1000 + req,
        seq: 500 + req,
        time: 1_700_000_000 + req,
        sender: 20001,
        target: None,
        group: Some(40001),
        text: text.into(),
        recalled: false,
    }
}

/// The event account `logon` gets for `message`, from a sender with `card`.
fn group_event(message: &MessageRow, logon: u64, card: &str) -> Event {
    Event::GroupMsg(GroupMsg {
        from_qq: GroupSender {
            uin: message.sender as u64,
            card: card.into(),
            ..GroupSender::default()
        },
        logon_qq: logon,
        time_stamp: TimeStamp {
            recv: message.time,
            send: message.time,
        },
        from_group: GroupMsgGroup {
            gin: 40001,
            name: "group".into(),
        },
        msg: GroupMsgBody {
            req: message.req,
            random: message.random,
            sub_type: 134,
            text: message.text.clone(),
            ..GroupMsgBody::default()
        },
        ..GroupMsg::default()
    })
}

fn private_message(req: i64, text: &str) -> (MessageRow, Vec<Event>) {
    let row = MessageRow {
        conv: Conv {
            kind: Conv::PRIVATE,
            a: 10001,
            b: 20001,
        },
        req,
        random: 77,
        seq: 900 + req,
        time: 1_700_000_500,
        sender: 20001,
        target: Some(10001),
        group: None,
        text: text.into(),
        recalled: false,
    };
    let mut event = PrivateMsg {
        from_qq: UserRef {
            uin: 20001,
            nick_name: "alice".into(),
        },
        logon_qq: 10001,
        ..PrivateMsg::default()
    };
    event.time_stamp = TimeStamp {
        recv: row.time,
        send: row.time,
    };
    event.msg.req = req;
    event.msg.seq = row.seq;
    event.msg.kind = 166;
    event.msg.text = text.into();
    (row, vec![Event::PrivateMsg(event)])
}

/// Writes a few units: group messages seen by two accounts (the second sender's card
/// changes halfway), a private message, an event that carries nothing, and an event whose
/// text is not its unit's message. Answers what each event was delivered as.
async fn write_units(store: &Store) -> Vec<String> {
    let long = "长".repeat(400) + "\"quoted\" \\ \n";
    let mut units: Vec<(Vec<Op>, Vec<Event>)> = Vec::new();
    for req in 1..=6 {
        let message = group_message(req, &format!("{req} {long}"));
        let card = if req <= 3 { "bob" } else { "bob the second" };
        let events = vec![
            group_event(&message, 10001, card),
            group_event(&message, 10002, card),
        ];
        units.push((vec![Op::Message(Arc::new(message))], events));
    }
    let (row, events) = private_message(1, "hello");
    units.push((vec![Op::Message(Arc::new(row))], events));
    units.push((Vec::new(), vec![Event::EventMsg(EventMsg::default())]));
    let message = group_message(7, "what was stored");
    let mut other = group_event(&message, 10001, "");
    if let Event::GroupMsg(e) = &mut other {
        e.msg.text = "what was shown".into();
    }
    units.push((vec![Op::Message(Arc::new(message))], vec![other]));

    let mut delivered = Vec::new();
    for (ops, events) in units {
        let first = store.appended() + 1;
        delivered.extend(
            events
                .iter()
                .enumerate()
                .map(|(i, event)| encode_event(event, first + i as u64)),
        );
        store.commit(ops, &events).wait().await.unwrap();
    }
    delivered
}

async fn take_all(store: &Store, session: u64) -> Vec<String> {
    match store.take(session, TakeOptions::default()).await.unwrap() {
        Taken::Events { events, .. } => events.iter().map(|e| e.to_string()).collect(),
        other => panic!("{other:?}"),
    }
}

/// Waits until the applier has carried everything into the database and the cache holds
/// only its one event.
async fn settled(store: &Store) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while (store.cached_events() > 1 || store.unapplied_bytes() > 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn database(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("lizi.db")).unwrap()
}

/// Turns the database back into what the previous lizi (schema version 2) wrote: every
/// event whole, no shapes.
fn back_to_schema_2(dir: &std::path::Path, delivered: &[String]) {
    let db = database(dir);
    let first: i64 = db
        .query_row("SELECT MIN(seq) FROM events", [], |row| row.get(0))
        .unwrap();
    for (i, body) in delivered.iter().enumerate() {
        db.execute(
            "UPDATE events SET body = ?1 WHERE seq = ?2",
            rusqlite::params![body, first + i as i64],
        )
        .unwrap();
    }
    db.execute_batch(
        "ALTER TABLE events DROP COLUMN shape;
         ALTER TABLE events DROP COLUMN message;
         ALTER TABLE events DROP COLUMN logon;
         DROP TABLE event_shapes;
         PRAGMA user_version = 2;",
    )
    .unwrap();
}

#[tokio::test]
async fn message_events_are_stored_once_and_read_back_as_they_were_delivered() {
    let dir = dir("stored-once");
    let store = open(&dir);
    let session = store.alloc_session().await.unwrap();
    let peek = store.alloc_session().await.unwrap();
    let delivered = write_units(&store).await;
    settled(&store).await;
    let options = TakeOptions {
        peek: true,
        limit: usize::MAX,
    };
    match store.take(peek, options).await.unwrap() {
        Taken::Events { events, .. } => {
            let read: Vec<String> = events.iter().map(|e| e.to_string()).collect();
            assert_eq!(read, delivered, "read from the database");
        }
        other => panic!("{other:?}"),
    }
    store.close();
    drop(store);

    let db = database(&dir);
    let (whole, carrying): (i64, i64) = db
        .query_row(
            "SELECT SUM(shape IS NULL), SUM(shape IS NOT NULL) FROM events",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (whole, carrying),
        (2, 13),
        "the event that carries nothing and the one whose text differs are whole"
    );
    let texts: i64 = db
        .query_row(
            "SELECT SUM(length(body)) FROM events WHERE shape IS NOT NULL",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(texts, 0, "a message event holds no JSON of its own");
    let shapes: i64 = db
        .query_row("SELECT COUNT(*) FROM event_shapes", [], |row| row.get(0))
        .unwrap();
    assert_eq!(shapes, 3, "one per card of the group's sender, one private");
    drop(db);

    let store = open(&dir);
    assert_eq!(
        take_all(&store, session).await,
        delivered,
        "after a restart"
    );
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A data folder (named after `tag`) holding the test's units, as the previous schema
/// stored them: its folder, the session that has read nothing, and the events delivered.
async fn written_at_schema_2(tag: &str) -> (std::path::PathBuf, SessionId, Vec<String>) {
    let dir = dir(tag);
    let store = open(&dir);
    let session = store.alloc_session().await.unwrap();
    let delivered = write_units(&store).await;
    settled(&store).await;
    store.close();
    drop(store);
    back_to_schema_2(&dir, &delivered);
    (dir, session, delivered)
}

#[tokio::test]
async fn a_database_of_the_previous_schema_opens_and_serves_its_events_identically() {
    let (dir, session, delivered) = written_at_schema_2("previous-schema").await;

    let store = open(&dir);
    assert_eq!(take_all(&store, session).await, delivered);
    store.close();
    drop(store);
    let db = database(&dir);
    let version: i64 = db
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, lizi_store::SCHEMA_VERSION);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_migration_moves_the_stored_message_events_over() {
    let (dir, session, delivered) = written_at_schema_2("migration").await;

    // Opened and closed without a read: the migration alone rewrote the rows.
    open(&dir).close();
    let db = database(&dir);
    let (whole, carrying): (i64, i64) = db
        .query_row(
            "SELECT SUM(shape IS NULL), SUM(shape IS NOT NULL AND body = '') FROM events",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!((whole, carrying), (2, 13));
    drop(db);
    let store = open(&dir);
    assert_eq!(take_all(&store, session).await, delivered);
    store.close();
    let _ = std::fs::remove_dir_all(&dir);
}
