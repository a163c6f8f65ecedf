//! Reading JSON frames from a OneBot WebSocket in tests.

use std::time::Duration;

use futures_util::{Stream, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::{Error, Message};

/// The next JSON text frame that is not a heartbeat (waits up to 20 s).
pub async fn next_json<S>(socket: &mut S) -> Value
where
    S: Stream<Item = Result<Message, Error>> + Unpin,
{
    next_json_where(socket, |value| value["meta_event_type"] != "heartbeat").await
}

/// The next JSON text frame that `wanted` accepts (waits up to 20 s for each frame).
pub async fn next_json_where<S>(socket: &mut S, wanted: impl Fn(&Value) -> bool) -> Value
where
    S: Stream<Item = Result<Message, Error>> + Unpin,
{
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("frame");
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if wanted(&value) {
                return value;
            }
        }
    }
}
