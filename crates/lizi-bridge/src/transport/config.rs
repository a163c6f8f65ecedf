//! [`BridgeConfig`]: where the bridge accepts implementations, which it dials, the token
//! they present, and how long it waits on a connection ([`Timing`]).

use std::net::SocketAddr;
use std::time::Duration;

/// How the bridge accepts implementations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeConfig {
    /// Where implementations dial in (reverse WebSocket).
    pub accept: SocketAddr,
    /// The token implementations must present (`Authorization: Bearer`); required unless
    /// `accept` is a loopback address.
    pub token: Option<String>,
    /// How long the bridge waits on a connection.
    pub timing: Timing,
    /// Forward WebSocket URLs of implementations the bridge dials itself.
    pub connect: Vec<String>,
}

/// How long the bridge waits on a connection, accepted or dialled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long an action (or a dial's handshake) may take before it fails.
    pub action: Duration,
    /// How often a Ping is sent on each connection (`None`: never, and no silence limit).
    pub ping_every: Option<Duration>,
    /// How long a connection may stay silent (no frame, no Pong) before it is closed as
    /// dead.
    pub silence: Duration,
}

impl Default for Timing {
    /// Actions within 30 s; a Ping every 30 s; closed after 75 s of silence (the XLZ
    /// port's WebSocket defaults).
    fn default() -> Timing {
        Timing {
            action: ACTION_TIMEOUT,
            ping_every: Some(Duration::from_secs(30)),
            silence: Duration::from_secs(75),
        }
    }
}

/// Why the bridge cannot start.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// A non-loopback address without a token would let anyone drive the accounts' events.
    #[error(
        "the OneBot bridge address {0} is not loopback: set --onebot-token so that only your \
         implementations can connect"
    )]
    TokenRequired(SocketAddr),
    /// The address cannot be bound.
    #[error("binding the OneBot bridge address {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// How long an action may take by default: long enough for an upload on a slow link.
pub const ACTION_TIMEOUT: Duration = Duration::from_secs(30);

impl BridgeConfig {
    /// Checks the settings make sense before anything is bound.
    pub fn check(&self) -> Result<(), BridgeError> {
        if self.token.is_none() && !self.accept.ip().is_loopback() {
            return Err(BridgeError::TokenRequired(self.accept));
        }
        Ok(())
    }
}
