//! Admission from the request head: what a port checks before it reads a single byte of
//! the body or upgrades to a WebSocket, and the refusals it answers with.

use std::net::SocketAddr;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::request::Parts;
use http::{Response, StatusCode};
use http_body_util::Full;

/// An answer the listener writes itself, whole (a refusal, a WebSocket handshake's).
pub type Answer = Response<Full<Bytes>>;

/// Why a request was refused before its handler saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Its `Host` is not one of lizi's names (DNS rebinding).
    Host,
    /// Its `Origin` is a web page that is not lizi's own (cross-site request).
    Origin,
    /// Its peer address is not allowed to connect.
    Peer,
    /// Its credentials are missing or wrong.
    Credentials,
    /// Its body is larger than `max_body_bytes`.
    TooLarge,
    /// Bodies in flight already hold the memory budget.
    Busy,
    /// Its body did not arrive within `body_timeout_ms`.
    BodyTimeout,
    /// Its body could not be read (a broken chunked encoding, a body cut short).
    Malformed,
}

impl Reason {
    /// Every reason, in the order `/metrics` lists them.
    pub const ALL: [Reason; 8] = [
        Reason::Host,
        Reason::Origin,
        Reason::Peer,
        Reason::Credentials,
        Reason::TooLarge,
        Reason::Busy,
        Reason::BodyTimeout,
        Reason::Malformed,
    ];

    /// The reason's name in `/metrics` (`reason="host"`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::Host => "host",
            Reason::Origin => "origin",
            Reason::Peer => "peer",
            Reason::Credentials => "credentials",
            Reason::TooLarge => "too_large",
            Reason::Busy => "busy",
            Reason::BodyTimeout => "body_timeout",
            Reason::Malformed => "malformed",
        }
    }

    /// What the rate-limited log line says about refusals of this kind.
    pub(crate) fn log_text(self) -> &'static str {
        match self {
            Reason::Host => "refused requests whose Host is not a name of this lizi (allow_hosts)",
            Reason::Origin => "refused requests from other web pages (allow_origins)",
            Reason::Peer => "refused requests from peers that are not allowed (allow_from)",
            Reason::Credentials => "refused requests without the right password or token",
            Reason::TooLarge => "refused request bodies over max_body_bytes",
            Reason::Busy => {
                "refused request bodies: the body memory budget is in use (max_body_memory_bytes)"
            }
            Reason::BodyTimeout => {
                "closed connections whose request body did not arrive within body_timeout_ms"
            }
            Reason::Malformed => "refused request bodies that could not be read",
        }
    }
}

/// A request refused from its head or while its body was read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// The HTTP status answered.
    pub status: StatusCode,
    /// Why, for the counters.
    pub reason: Reason,
    /// A sentence saying why, and what setting changes it.
    pub message: String,
    /// Headers the answer carries (`WWW-Authenticate`, `Retry-After`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Refusal {
    /// A refusal with `status` and a sentence.
    pub fn new(status: StatusCode, reason: Reason, message: impl Into<String>) -> Self {
        Refusal {
            status,
            reason,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// The same refusal with one more header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The refusal answered with `body` as `content_type`, its status and headers.
    pub fn respond(&self, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
        let mut response = Response::new(Full::new(body.into()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        response
    }

    /// The refusal as a plain-text answer: its sentence.
    pub fn plain(&self) -> Answer {
        self.respond("text/plain; charset=utf-8", self.message.clone())
    }
}

/// What a port checks from the head of each request, before any body byte is read (and
/// before a WebSocket upgrade), besides the Host and Origin checks every port makes.
pub trait Gate: Send + Sync + 'static {
    /// Lets the request through, or refuses it.
    fn admit(&self, head: &Parts, peer: SocketAddr) -> Result<(), Refusal>;

    /// Writes a refusal (this gate's or the port's own) the way this port's clients read
    /// errors; plain text unless the port says otherwise.
    fn render(&self, refusal: &Refusal) -> Answer {
        refusal.plain()
    }
}

/// A gate that admits every request (a port without credentials).
#[derive(Debug, Clone, Copy, Default)]
pub struct Open;

impl Gate for Open {
    fn admit(&self, _head: &Parts, _peer: SocketAddr) -> Result<(), Refusal> {
        Ok(())
    }
}
