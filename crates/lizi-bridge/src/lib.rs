//! lizi's OneBot v11 bridge: a [`lizi_core::Backend`] that carries XLZ requests out on real
//! QQ accounts through the OneBot implementations people run (NapCat, LLOneBot,
//! Lagrange.OneBot), and turns their events into XLZ events in lizi's event log.
//!
//! The crate is laid out by the way data flows, each room importing only those before it:
//!
//! - [`state`]: what is kept — message identity, request handles, names, implementations,
//!   accounts, media, files, send pacing.
//! - [`transport`]: the connections, one link per account, accepted or dialled; they report
//!   to a [`transport::handler::LinkHandler`] and know nothing else of the bridge.
//! - [`backend`]: the [`BridgeBackend`], holding the state and the links for the rooms
//!   after it.
//! - [`inbound`]: OneBot events → XLZ events (messages, notices, presence, requests,
//!   files, received media, refill after a lost connection).
//! - [`outbound`]: XLZ requests → OneBot actions (the endpoint table, routing, sends,
//!   media, files, the planned endpoints).
//!
//! The conversion between XLZ text and OneBot segments is `lizi_onebot::xlz`, shared with
//! lizi's OneBot face.

pub mod backend;
pub mod clock;
pub mod inbound;
pub mod metrics;
pub mod outbound;
pub mod state;
pub mod transport;

pub use backend::{BridgeBackend, ReceiveConfig};
pub use state::media::MediaSetup;
pub use state::pacing::PacingConfig;
pub use transport::accept::start;
pub use transport::config::{BridgeConfig, BridgeError, Timing, ACTION_TIMEOUT};
