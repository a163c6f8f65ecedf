//! The face's port: the listener every lizi port uses ([`lizi_http`]), with the access
//! token checked from the head of every request, HTTP call or WebSocket handshake, before
//! any body is read or any upgrade answered (401 when none is presented, 403 when it is
//! wrong; the forms accepted are [`lizi_http::token`]'s).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::request::Parts;
use lizi_http::{token, Gate, Port, PortConfig, Ports, Refusal};

use crate::FaceConfig;

/// The face's check from the head: its access token, when one is set.
#[derive(Debug, Clone)]
pub struct TokenGate {
    token: Option<String>,
}

impl Gate for TokenGate {
    fn admit(&self, head: &Parts, _peer: SocketAddr) -> Result<(), Refusal> {
        match &self.token {
            Some(expected) => token::check(expected, &head.headers, head.uri.query()),
            None => Ok(()),
        }
    }
}

/// The face's port (`onebot` at `/metrics`), counted apart from the others: serve the
/// face's [`router`](crate::Face::router) on it with [`lizi_http::serve`].
pub fn port(config: &FaceConfig, port_config: PortConfig, ports: &Ports) -> Port {
    let gate = TokenGate {
        token: config.token.clone(),
    };
    Port::new("onebot", port_config, Arc::new(gate), ports)
}
