//! The connections to the OneBot implementations, one link per account, and nothing of
//! what travels on them: [`accept`] is the reverse-WebSocket server implementations dial,
//! [`connect`] dials the implementations that are servers, [`connection`] serves one open
//! connection either way (handshake, frames), and [`link`] matches actions to their
//! answers by `echo`. What a connection reports goes to a [`handler::LinkHandler`], which
//! the backend implements; [`config`] says where to listen and whom to dial.

pub mod accept;
pub mod action_times;
pub mod config;
pub mod connect;
pub mod connection;
pub mod dials;
pub mod handler;
pub mod link;
