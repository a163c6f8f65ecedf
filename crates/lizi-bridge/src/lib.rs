//! lizi's OneBot v11 bridge: a [`lizi_core::Backend`] that carries XLZ requests out on real
//! QQ accounts through the OneBot implementations people run (NapCat, LLOneBot,
//! Lagrange.OneBot), and turns their events into XLZ events in lizi's event log.
//!
//! - [`accept`]: the reverse-WebSocket server implementations dial, one connection per
//!   account.
//! - [`connect`]: forward-WebSocket client mode, for implementations that are servers.
//! - [`link`]: one connection: actions sent with an `echo`, answers matched by it.
//! - [`identity`]: the persistent map between XLZ `(req, random, time)` and OneBot
//!   `message_id`.
//! - [`inbound`]: OneBot events as XLZ events ([`notices`]: membership notices);
//!   [`events_more`]: the other notices and the account's presence.
//! - [`media`]: pictures and voices kept by hash, uploads, `/getphotourl`, avatars;
//!   [`media_send`]: media codes in sends; [`media_in`]: received pictures fetched once.
//! - [`refill`]: what a dropped connection lost, fetched from history on reconnect, or a
//!   gap event.
//! - [`replay`]: notices reported twice converted once.
//! - [`resolve`]: a message found again in history when the implementation forgot its id.
//! - [`requests`]: request handles, XLZ `seq` ↔ OneBot `flag`, kept in lizi's store.
//! - [`pacing`]: per account and per group token buckets in front of sends, and
//!   risk-control slowdowns.
//! - [`standard`]: the endpoints that are one standard OneBot action each.
//! - [`files`]: group files and folders, file forwarding and file events.
//! - [`plan`]: the other single-action endpoints, planned by [`people`], [`account_ops`],
//!   [`group_ops`] and [`cards`]; [`names`]: the names seen, for the cached lookups.
//! - [`table`]: the endpoint table, consulted before anything; [`implementation`]: which
//!   implementation drives an account.
//! - [`backend`]: the [`BridgeBackend`] itself.

pub mod accept;
pub mod account_ops;
pub mod backend;
pub mod cards;
pub mod connect;
pub mod events_more;
pub mod files;
pub mod group_ops;
pub mod identity;
pub mod implementation;
pub mod inbound;
pub mod link;
pub mod media;
pub mod media_in;
pub mod media_send;
pub mod names;
pub mod notices;
pub mod pacing;
pub mod people;
pub mod plan;
pub mod refill;
pub mod replay;
pub mod requests;
pub mod resolve;
pub mod standard;
pub mod table;

use std::net::SocketAddr;
use std::time::Duration;

pub use backend::BridgeBackend;
pub use media::MediaSetup;
pub use pacing::PacingConfig;

/// How the bridge accepts implementations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeConfig {
    /// Where implementations dial in (reverse WebSocket).
    pub accept: SocketAddr,
    /// The token implementations must present (`Authorization: Bearer`); required unless
    /// `accept` is a loopback address.
    pub token: Option<String>,
    /// How long an action may take before it fails.
    pub action_timeout: Duration,
    /// Forward WebSocket URLs of implementations the bridge dials itself.
    pub connect: Vec<String>,
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
