//! `GET /_events`: the events as Server-Sent Events on the HTTP listener, one `data:` line
//! per event, as NapCat (its SSE listener) and LLOneBot (its HTTP listener) serve them;
//! Lagrange.OneBot has none, so there it is an unknown action. Events only: no lifecycle
//! or heartbeat events, as neither implementation sends them there; a comment line every
//! few seconds keeps the connection alive and shows when the client has gone.
//!
//! The stream reads the event log through a named cursor, as a forward WebSocket does
//! (the account and `?client=`, or else the token): a client that comes back gets, in
//! order, what it missed (or, with `--onebot-drop-while-disconnected`, the events from now
//! on), and a second stream under a name in use gets the events from its opening on.

use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{stream, Stream};
use lizi_core::Uin;
use lizi_store::ReaderId;
use tokio::sync::{mpsc, watch};

use crate::connection::{deliver, until_stopping, Link, Role, Shared};

/// How many events wait for a slow client before the cursor stops moving on.
const BUFFERED: usize = 64;

/// A stream of `account`'s events read through `reader`; `name` (the cursor's, when it
/// has one) is released when the client goes.
pub(crate) fn events(
    shared: Arc<Shared>,
    account: Uin,
    reader: ReaderId,
    name: Option<String>,
    stopping: watch::Receiver<bool>,
) -> Response {
    let (sender, receiver) = mpsc::channel::<String>(BUFFERED);
    tokio::spawn(pump(shared, account, reader, name, sender, stopping));
    let lines = stream::unfold(receiver, |mut receiver| async move {
        let text = receiver.recv().await?;
        Some((Ok::<_, Infallible>(Event::default().data(text)), receiver))
    });
    sse(lines)
}

fn sse(lines: impl Stream<Item = Result<Event, Infallible>> + Send + 'static) -> Response {
    Sse::new(lines)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Feeds the stream until the client goes, the faults close every connection or the face
/// stops; then closes the cursor and releases its name.
async fn pump(
    shared: Arc<Shared>,
    account: Uin,
    reader: ReaderId,
    name: Option<String>,
    sender: mpsc::Sender<String>,
    mut stopping: watch::Receiver<bool>,
) {
    let _open = shared.faults.opened();
    shared.skip_missed(reader);
    let link = Link {
        account,
        reader,
        role: Role::Event,
        ends_at_logout: false,
    };
    let mut sink = Box::pin(futures_util::sink::unfold(
        sender.clone(),
        |sender, text: String| async move { sender.send(text).await.map(|()| sender) },
    ));
    let mut head = shared.store.watch();
    let mut closings = shared.faults.closings();
    loop {
        head.borrow_and_update();
        if deliver(&shared, &mut sink, link, true).await.is_err() {
            break;
        }
        tokio::select! {
            changed = head.changed() => if changed.is_err() { break },
            _ = sender.closed() => break,
            _ = closings.changed() => break,
            _ = until_stopping(&mut stopping) => break,
        }
    }
    shared.store.close_reader(reader);
    if let Some(name) = &name {
        shared.release_name(name);
    }
}
