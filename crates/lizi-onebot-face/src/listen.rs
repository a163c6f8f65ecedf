//! The face's port: the listener every lizi port uses ([`lizi_http`]), with the access
//! token checked from the head of every request, HTTP call or WebSocket handshake, before
//! any body is read or any upgrade answered (401 when none is presented, 403 when it is
//! wrong; the forms accepted are [`lizi_http::token`]'s).

use std::sync::Arc;

use lizi_http::token::TokenGate;
use lizi_http::{Port, PortConfig, Ports};

use crate::FaceConfig;

/// The face's port (`onebot` at `/metrics`), counted apart from the others: serve the
/// face's [`router`](crate::Face::router) on it with [`lizi_http::serve`].
pub fn port(config: &FaceConfig, port_config: PortConfig, ports: &Ports) -> Port {
    let gate = TokenGate::new(config.token.clone());
    Port::new("onebot", port_config, Arc::new(gate), ports)
}
