//! One implementation's connection for one account: actions go out as JSON frames with a
//! numeric `echo`, and the answer with the same `echo` completes the call (or the timeout
//! does). Frames without an `echo` are events, for the caller.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lizi_core::Uin;
use lizi_onebot::ActionResponse;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, Notify};

use super::action_times::ActionTimes;

/// Why an action did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LinkError {
    /// The connection is gone.
    #[error("the connection closed before `{0}` was answered")]
    Closed(String),
    /// No answer in time.
    #[error("`{0}` was not answered within {ms} ms", ms = .1.as_millis())]
    Timeout(String, Duration),
    /// The implementation refused.
    #[error("`{action}` failed with retcode {retcode}: {message}")]
    Failed {
        /// The action.
        action: String,
        /// The implementation's retcode.
        retcode: i64,
        /// Its text.
        message: String,
    },
}

/// One connection's sending side and its calls awaiting answers.
#[derive(Debug)]
pub struct Link {
    /// The account it serves.
    pub account: Uin,
    /// A number distinguishing it from the account's other connections, earlier or later.
    pub id: u64,
    outgoing: mpsc::UnboundedSender<String>,
    pending: Mutex<HashMap<u64, oneshot::Sender<ActionResponse>>>,
    next_echo: AtomicU64,
    timeout: Duration,
    ended: Notify,
    /// Where the time of each call is noted.
    times: ActionTimes,
    /// The implementation, as the account's handshake learnt it.
    implementation: Mutex<Arc<str>>,
}

impl Link {
    /// A link and the receiver of the frames to write to the socket.
    pub fn new(
        account: Uin,
        id: u64,
        timeout: Duration,
    ) -> (Link, mpsc::UnboundedReceiver<String>) {
        let (outgoing, frames) = mpsc::unbounded_channel();
        let link = Link {
            account,
            id,
            outgoing,
            pending: Mutex::new(HashMap::new()),
            next_echo: AtomicU64::new(1),
            timeout,
            ended: Notify::new(),
            times: ActionTimes::default(),
            implementation: Mutex::new(Arc::from("OneBot")),
        };
        (link, frames)
    }

    /// The link, noting the time of each call in `times`.
    pub fn with_action_times(mut self, times: ActionTimes) -> Link {
        self.times = times;
        self
    }

    /// Names the implementation that answers the calls (the label of their times).
    pub fn set_implementation(&self, name: &str) {
        *self
            .implementation
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Arc::from(name);
    }

    /// Calls `action` with `params`; answers its `data` when the status is `ok`. Its time
    /// is noted, whatever the outcome. A call given up before its answer (timed out, or
    /// its future dropped) leaves nothing waiting behind.
    pub async fn call(&self, action: &str, params: Value) -> Result<Value, LinkError> {
        let started = std::time::Instant::now();
        let result = self.call_untimed(action, params).await;
        let implementation = self
            .implementation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        self.times
            .observe(action, implementation, started.elapsed().as_secs_f64());
        result
    }

    async fn call_untimed(&self, action: &str, params: Value) -> Result<Value, LinkError> {
        let echo = self.next_echo.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.pending().insert(echo, answer);
        let _waiting = Waiting { link: self, echo };
        let frame = json!({"action": action, "params": params, "echo": echo}).to_string();
        if self.outgoing.send(frame).is_err() {
            return Err(LinkError::Closed(action.to_owned()));
        }
        let response = match tokio::time::timeout(self.timeout, answered).await {
            Ok(Ok(response)) => response,
            Ok(Err(_)) => return Err(LinkError::Closed(action.to_owned())),
            Err(_) => return Err(LinkError::Timeout(action.to_owned(), self.timeout)),
        };
        if response.is_ok() {
            return Ok(response.data);
        }
        Err(LinkError::Failed {
            action: action.to_owned(),
            retcode: response.retcode,
            message: response
                .error_text()
                .unwrap_or("no reason given")
                .to_owned(),
        })
    }

    /// Completes the call `frame` answers; `false` when the frame is not an answer to one
    /// of this link's calls (an event, say).
    pub fn answer(&self, frame: &Value) -> bool {
        if frame.get("post_type").is_some() {
            return false;
        }
        let Some(echo) = frame.get("echo").and_then(echo_number) else {
            return false;
        };
        let Some(waiting) = self.pending().remove(&echo) else {
            return false;
        };
        let response = serde_json::from_value::<ActionResponse>(frame.clone())
            .unwrap_or_else(|e| ActionResponse::failed(-1, format!("unreadable answer: {e}")));
        let _ = waiting.send(response);
        true
    }

    /// Drops every waiting call (they fail as [`LinkError::Closed`]) and tells the
    /// connection to end ([`ended`](Self::ended)).
    pub fn close(&self) {
        self.pending().clear();
        self.ended.notify_one();
    }

    /// Resolves once [`close`](Self::close) was called.
    pub async fn ended(&self) {
        self.ended.notified().await;
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<ActionResponse>>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A call awaiting its answer: forgotten when the call ends, however it ends.
struct Waiting<'a> {
    link: &'a Link,
    echo: u64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.link.pending().remove(&self.echo);
    }
}

/// An `echo` as the number lizi sent, whether echoed as a number or a string.
fn echo_number(echo: &Value) -> Option<u64> {
    echo.as_u64()
        .or_else(|| echo.as_str().and_then(|text| text.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_are_matched_by_echo_and_failures_keep_the_reason() {
        let (link, mut frames) = Link::new(1, 1, Duration::from_secs(5));
        let link = std::sync::Arc::new(link);
        let calling = tokio::spawn({
            let link = link.clone();
            async move { link.call("get_status", json!({})).await }
        });
        let sent: Value =
            serde_json::from_str(&frames.recv().await.expect("a frame")).expect("json");
        assert_eq!(sent["action"], "get_status");
        assert!(!link.answer(&json!({"post_type": "meta_event", "echo": sent["echo"]})));
        let echo = sent["echo"].as_u64().expect("numeric echo").to_string();
        let answer = json!({"status": "failed", "retcode": 1200, "message": "nope", "echo": echo});
        assert!(link.answer(&answer));
        let error = calling.await.expect("joined").expect_err("failed");
        assert_eq!(
            error,
            LinkError::Failed {
                action: "get_status".into(),
                retcode: 1200,
                message: "nope".into()
            }
        );
    }

    #[tokio::test]
    async fn an_unanswered_call_times_out() {
        let (link, _frames) = Link::new(1, 1, Duration::from_millis(20));
        let error = link
            .call("get_status", json!({}))
            .await
            .expect_err("timeout");
        assert!(matches!(error, LinkError::Timeout(..)), "{error}");
        assert_eq!(
            error.to_string(),
            "`get_status` was not answered within 20 ms"
        );
        assert!(link.pending().is_empty());
    }

    #[tokio::test]
    async fn a_call_given_up_leaves_nothing_waiting() {
        let (link, _frames) = Link::new(1, 1, Duration::from_secs(30));
        let calling = link.call("get_group_msg_history", json!({}));
        let given_up = tokio::time::timeout(Duration::from_millis(20), calling).await;
        assert!(given_up.is_err());
        assert!(link.pending().is_empty());
    }
}
