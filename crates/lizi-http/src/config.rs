//! The settings of one port.

use std::time::Duration;

use crate::names::Names;

/// The limits and names of one port; `None` durations mean no limit.
#[derive(Debug, Clone)]
pub struct PortConfig {
    /// Longest wait for a connection's first request head.
    pub header_timeout: Option<Duration>,
    /// Longest wait for the next request head on a kept-alive connection, counted from
    /// the previous answer.
    pub idle_timeout: Option<Duration>,
    /// Longest time a request body may take to arrive, counted from the end of its head.
    pub body_timeout: Option<Duration>,
    /// Most connections open at once on this port, WebSockets included; more are closed
    /// at once. Each port has its own, so one cannot starve another.
    pub max_connections: usize,
    /// Largest request body, and largest WebSocket message, accepted, in bytes.
    pub max_body_bytes: usize,
    /// The names and origins the port accepts besides its own.
    pub names: Names,
}

impl PortConfig {
    /// A duration of `ms` milliseconds, `None` for 0 (no limit).
    pub fn millis(ms: u64) -> Option<Duration> {
        (ms > 0).then(|| Duration::from_millis(ms))
    }
}
