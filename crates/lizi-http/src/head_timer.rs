//! The request-head deadlines of one connection.
//!
//! hyper's HTTP/1 server has one timer, the header read timeout, and starts it each time
//! the connection waits for a request head: on a new connection, and again after every
//! answer on a kept-alive one (hyper 1.x, `proto/h1/conn.rs`, `poll_read_head`). It uses
//! its timer for nothing else. [`HeadTimer`] is that timer: it gives the first wait
//! `header_timeout` and every later one `idle_timeout`, so one mechanism closes a silent
//! new connection, a head dribbled a byte at a time and an idle kept-alive connection,
//! each after its own setting. Hand-written because hyper takes one duration for all waits
//! (hyper 1.x `http1::Builder::header_read_timeout`; hyper-util has no separate idle one).

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::rt::{Sleep, Timer};
use hyper_util::rt::TokioTimer;

/// Stands for "no limit": far enough away never to be reached.
const NEVER: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// The timer of one connection; clones share its state.
#[derive(Debug, Clone)]
pub struct HeadTimer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    header: Option<Duration>,
    idle: Option<Duration>,
    /// Waits for a request head begun so far.
    waits: AtomicU64,
}

impl HeadTimer {
    /// A timer for a new connection; `None` means no limit.
    pub fn new(header: Option<Duration>, idle: Option<Duration>) -> Self {
        HeadTimer {
            inner: Arc::new(Inner {
                header,
                idle,
                waits: AtomicU64::new(0),
            }),
        }
    }

    /// Whether the connection has answered a request, so a timeout is an idle one.
    pub fn past_first_head(&self) -> bool {
        self.inner.waits.load(Ordering::Relaxed) > 1
    }

    /// The deadline of a wait that begins now.
    fn next_deadline(&self) -> Instant {
        let limit = match self.inner.waits.fetch_add(1, Ordering::Relaxed) {
            0 => self.inner.header,
            _ => self.inner.idle,
        };
        TokioTimer::new().now() + limit.unwrap_or(NEVER)
    }
}

impl Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Sleep>> {
        TokioTimer::new().sleep(duration)
    }

    /// hyper's deadline is its one configured duration from now; ours replaces it.
    fn sleep_until(&self, _deadline: Instant) -> Pin<Box<dyn Sleep>> {
        TokioTimer::new().sleep_until(self.next_deadline())
    }

    fn reset(&self, sleep: &mut Pin<Box<dyn Sleep>>, _deadline: Instant) {
        TokioTimer::new().reset(sleep, self.next_deadline());
    }

    fn now(&self) -> Instant {
        TokioTimer::new().now()
    }
}
