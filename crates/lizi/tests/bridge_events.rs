//! The OneBot bridge against implementations that misbehave, played by raw WebSockets
//! (lizi B cannot be made to): ids that collide or are missing, fields of the wrong type,
//! and history requests that are never answered. lizi A runs `--backend onebot` as a child
//! process; every event a bot can see is read through its XLZ session.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::bridge::{dial, post_event, Bridge, Implementation};
use common::{read_metric, Scratch};
use serde_json::{json, Value};

/// The events of account 777 in `session` until one satisfies `last` (which is included).
async fn events_until(bridge: &Bridge, session: u64, last: impl Fn(&Value) -> bool) -> Vec<Value> {
    bridge.events_until_of(777, session, last).await
}

/// A group message event of account 777 with `fields` laid over the usual ones.
fn group_message(fields: Value) -> Value {
    let mut message = json!({"time": 1_700_000_000, "self_id": 777, "post_type": "message",
        "message_type": "group", "sub_type": "normal", "message_id": 1, "group_id": 4242,
        "user_id": 31, "message": "x", "sender": {"user_id": 31, "nickname": "Thirty-one"}});
    let object = message.as_object_mut().expect("an object");
    for (key, value) in fields.as_object().expect("an object") {
        match value {
            Value::Null => object.remove(key),
            value => object.insert(key.clone(), value.clone()),
        };
    }
    message
}

/// `(Type, group, sender, text)` of a GroupMsg, or `(EventMsg type, group, 0, text)`.
fn brief(event: &Value) -> (String, u64, u64, String) {
    let text = event["Msg"]["Text"].as_str().unwrap_or_default().to_owned();
    let group = event["FromGroup"]["GIN"].as_u64().unwrap_or(0);
    match event["Type"].as_str() {
        Some("GroupMsg") => (
            "GroupMsg".into(),
            group,
            event["FromQQ"]["UIN"].as_u64().unwrap_or(0),
            text,
        ),
        _ => (format!("EventMsg {}", event["Msg"]["Type"]), group, 0, text),
    }
}

#[tokio::test]
async fn no_message_disappears_whatever_its_ids() {
    let scratch = Scratch::new("bridge-ids");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let session = bridge.session().await;
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    bridge.wait_state(777, "在线").await;

    let frames = [
        // An id seen before, in another group: another message.
        group_message(json!({"message_id": 7, "message": "first 7"})),
        group_message(json!({"message_id": 7, "group_id": 5151, "message": "second 7"})),
        // The same event again: a repeat.
        group_message(json!({"message_id": 7, "message": "first 7"})),
        // No id, and id 0: delivered, told apart by their text.
        group_message(json!({"message_id": null, "message": "no id"})),
        group_message(json!({"message_id": 0, "message": "zero one"})),
        group_message(json!({"message_id": 0, "message": "zero two"})),
        // Ids and groups that are not numbers, and no group at all: unreadable.
        group_message(json!({"message_id": "abc", "message": "bad id"})),
        group_message(json!({"message_id": 1.5, "message": "fraction id"})),
        group_message(json!({"message_id": 8, "group_id": "abc", "message": "bad group"})),
        group_message(json!({"message_id": 9, "group_id": null, "message": "no group"})),
        group_message(json!({"message_id": 10, "message": "last"})),
    ];
    for frame in frames {
        post_event(&mut socket, frame).await;
    }
    let events = events_until(&bridge, session, |e| e["Msg"]["Text"] == "last").await;
    let seen: Vec<(String, u64, u64, String)> = events.iter().map(brief).collect();
    let messages: Vec<&(String, u64, u64, String)> =
        seen.iter().filter(|e| e.0 == "GroupMsg").collect();
    let said = |group: u64, text: &str| ("GroupMsg".to_owned(), group, 31, text.to_owned());
    assert_eq!(
        messages,
        [
            &said(4242, "first 7"),
            &said(5151, "second 7"),
            &said(4242, "no id"),
            &said(4242, "zero one"),
            &said(4242, "zero two"),
            &said(4242, "last"),
        ],
        "{seen:#?}"
    );
    let unreadable: Vec<&(String, u64, u64, String)> =
        seen.iter().filter(|e| e.0 == "EventMsg 901").collect();
    assert_eq!(unreadable.len(), 4, "{seen:#?}");
    for (_, _, _, text) in &unreadable {
        assert!(
            text.starts_with(
                "one event from napcat could not be read and is not shown: a `message/group` event"
            ),
            "{text}"
        );
    }
    assert!(
        seen.iter()
            .all(|(_, group, sender, _)| *group != 0 || *sender == 0),
        "nothing from QQ 0 in group 0: {seen:#?}"
    );
    let metrics = format!("{}/metrics", bridge.base);
    let counted = read_metric(
        &bridge.client,
        &metrics,
        "lizi_bridge_unreadable_events_total{kind=\"message/group\"}",
    )
    .await;
    assert_eq!(counted, 4);
}

/// The sending half of an implementation's socket.
type Sink =
    futures_util::stream::SplitSink<Implementation, tokio_tungstenite::tungstenite::Message>;

/// Reads and never answers every action on `socket` (the history requests of a refill),
/// counting them.
fn ignore_actions(socket: Implementation) -> (Sink, Arc<AtomicUsize>) {
    use futures_util::StreamExt;
    let (sink, mut stream) = socket.split();
    let asked = Arc::new(AtomicUsize::new(0));
    let counting = asked.clone();
    tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if frame.is_text() {
                counting.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    (sink, asked)
}

#[tokio::test]
async fn live_events_flow_within_the_refill_budget_when_history_is_never_answered() {
    use futures_util::SinkExt;
    let scratch = Scratch::new("bridge-refill-budget");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let session = bridge.session().await;
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    bridge.wait_state(777, "在线").await;
    // Sixty conversations the bridge knows.
    for group in 0..60 {
        let frame = group_message(json!({"message_id": 100 + group, "group_id": 6000 + group,
            "message": format!("known {group}")}));
        post_event(&mut socket, frame).await;
    }
    events_until(&bridge, session, |e| e["Msg"]["Text"] == "known 59").await;
    drop(socket);
    bridge.wait_state(777, "离线").await;

    // Back again, through an implementation that never answers a history request.
    let socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    let (mut sink, asked) = ignore_actions(socket);
    let posted = Instant::now();
    let live = group_message(json!({"message_id": 5000, "message": "live"}));
    sink.send(tokio_tungstenite::tungstenite::Message::text(
        live.to_string(),
    ))
    .await
    .expect("posted");
    let events = events_until(&bridge, session, |e| e["Msg"]["Text"] == "live").await;
    let waited = posted.elapsed();
    // The refill may take its 10 s budget, not 60 conversations × 30 s.
    assert!(
        waited < Duration::from_secs(15),
        "the live message took {waited:?}"
    );
    let gap = events
        .iter()
        .find(|e| e["Msg"]["Type"] == 900)
        .unwrap_or_else(|| panic!("no gap event before the live message: {events:#?}"));
    let text = gap["Msg"]["Text"].as_str().unwrap_or_default();
    assert!(
        text.contains("could not be refilled from history: group ")
            && text.contains("(not refilled within 10 s)")
            && text.contains("40 more"),
        "{text}"
    );
    let asked = asked.load(Ordering::Relaxed);
    assert!(
        asked >= 8,
        "history was asked of several conversations at once: {asked}"
    );
}

#[tokio::test]
async fn a_connection_that_falls_silent_is_closed() {
    let scratch = Scratch::new("bridge-silent");
    let bridge = Bridge::start(
        &scratch,
        "127.0.0.1:0",
        &["--ws-ping-interval-ms", "200", "--ws-timeout-ms", "800"],
    );
    // The implementation answers the handshake, then reads nothing: no Pong comes back.
    let socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    bridge.wait_state(777, "在线").await;
    let silent = Instant::now();
    bridge.wait_state(777, "离线").await;
    assert!(
        silent.elapsed() < Duration::from_secs(5),
        "closed after {:?}",
        silent.elapsed()
    );
    drop(socket);
}
