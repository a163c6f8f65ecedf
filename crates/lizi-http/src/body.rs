//! Reading a request body before its handler runs: a `Content-Length` over the limit is
//! refused from the head (413), the body must arrive whole within its deadline (408), and
//! its bytes take room in the [`BodyBudget`](crate::BodyBudget) as they arrive.
//!
//! Hand-written over hyper's frames because tower-http's `TimeoutBody` restarts its clock
//! at every frame, so a body dribbled a byte every 2 s never trips it, while here the
//! deadline is for the whole body; and because each frame's bytes must be counted against
//! the shared budget before they are kept.

use bytes::{Bytes, BytesMut};
use http::header::{HeaderValue, CONTENT_LENGTH, RETRY_AFTER};
use http::request::Parts;
use http::StatusCode;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::time::Instant;

use crate::budget::{BodyBudget, Reservation};
use crate::config::PortConfig;
use crate::gate::{Reason, Refusal};

/// A body read whole, and the room it holds in the budget until dropped.
pub(crate) struct ReadBody {
    pub bytes: Bytes,
    pub _room: Reservation,
}

/// Reads the body of a request whose head is `head`.
pub(crate) async fn read(
    head: &Parts,
    mut body: Incoming,
    config: &PortConfig,
    budget: &BodyBudget,
) -> Result<ReadBody, Refusal> {
    let limit = config.max_body_bytes;
    let declared = head
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(limit));
    }
    let deadline = config.body_timeout.map(|timeout| Instant::now() + timeout);
    let mut room = Reservation::default();
    let mut bytes = BytesMut::new();
    loop {
        let frame = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, body.frame())
                .await
                .map_err(|_| timed_out(config))?,
            None => body.frame().await,
        };
        let frame = match frame {
            None => break,
            Some(Ok(frame)) => frame,
            Some(Err(error)) => return Err(malformed(&error)),
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let total = bytes.len() + data.len();
        if total > limit {
            return Err(too_large(limit));
        }
        if !budget.cover(&mut room, total, deadline).await {
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Reason::Busy,
                "lizi is reading as many request bodies as max_body_memory_bytes allows; try again",
            )
            .with_header(RETRY_AFTER, HeaderValue::from_static("1")));
        }
        bytes.extend_from_slice(&data);
    }
    Ok(ReadBody {
        bytes: bytes.freeze(),
        _room: room,
    })
}

fn too_large(limit: usize) -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        Reason::TooLarge,
        format!("the request body is larger than the limit of {limit} bytes (max_body_bytes)"),
    )
}

fn timed_out(config: &PortConfig) -> Refusal {
    let ms = config.body_timeout.unwrap_or_default().as_millis();
    Refusal::new(
        StatusCode::REQUEST_TIMEOUT,
        Reason::BodyTimeout,
        format!("the request body did not arrive within {ms} ms (body_timeout_ms)"),
    )
}

/// hyper could not read the body: a broken chunked encoding, a body cut short.
fn malformed(error: &hyper::Error) -> Refusal {
    let cause = match std::error::Error::source(error) {
        Some(inner) => format!("{error}: {inner}"),
        None => error.to_string(),
    };
    Refusal::new(
        StatusCode::BAD_REQUEST,
        Reason::Malformed,
        format!("the request body is malformed: {cause}"),
    )
}
