//! One hardened listener for every port lizi serves: the XLZ API, the OneBot face and the
//! bridge's accept port alike.
//!
//! A [`Port`] is a listening socket's settings ([`PortConfig`]), its [`Gate`] (the
//! credentials it checks) and its counters ([`PortStats`], registered in the process's
//! [`Ports`] and shown at `/metrics`). [`serve`] runs it:
//!
//! - **Connections**: a cap of its own per port (so one port cannot starve another),
//!   a header timeout, an idle timeout between kept-alive requests, and a pause that grows
//!   after failed accepts (out of file descriptors) instead of a spin.
//! - **From the head, before any body byte**: the `Host` and `Origin` checks ([`Names`]),
//!   then the port's [`Gate`] (its password or token: 401/403, before any WebSocket
//!   upgrade), then a `Content-Length` over `max_body_bytes` (413).
//! - **The body**: read whole before the handler runs, within `body_timeout` (408), its
//!   bytes counted against the process's [`BodyBudget`] (waiting for room, then 503).
//! - **WebSockets** ([`websocket`]): upgraded after those checks; binary frames get a
//!   Close 1003 and messages over `max_body_bytes` a Close 1009.
//!
//! Every refusal is counted by port and reason and logged at most once per 10 s with a
//! count. [`token`] reads OneBot access tokens as the standard and its implementations
//! present them, and compares secrets in constant time.

mod app;
mod body;
mod budget;
mod config;
mod counted;
mod gate;
mod head_timer;
mod limit_log;
mod names;
mod port;
mod serve;
mod stats;
pub mod token;
pub mod websocket;

pub use app::{App, BoxError, Handler};
pub use budget::BodyBudget;
pub use config::PortConfig;
pub use gate::{Answer, Gate, Open, Reason, Refusal};
pub use limit_log::LimitLog;
pub use names::{NameError, Names};
pub use port::{Peer, Port};
pub use serve::serve;
pub use stats::{PortStats, Ports};
