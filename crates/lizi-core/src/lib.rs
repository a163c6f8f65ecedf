//! Domain model of lizi.
//!
//! Everything here is free of I/O: the wire-shaped model types ([`event`], [`model`]), the
//! declarative endpoint table ([`endpoint`]) with its typed requests, the parameter decoder
//! ([`form`], [`param`]), and the [`Backend`] trait and its results ([`reply`]).

pub mod backend;
pub mod backoff;
pub mod control_docs;
pub mod endpoint;
pub mod event;
pub mod form;
pub mod media;
pub mod model;
pub mod param;
pub mod reply;
pub mod sim_admin;
pub mod sim_media;
pub mod sim_world;
pub mod social_control;
mod table;
pub mod textcode;

pub use backend::{Backend, BoxFuture, ControlRequest};
pub use backoff::Backoff;
pub use endpoint::{EndpointSpec, Gate, Methods, Request, Template, ENDPOINTS};
pub use event::Event;
pub use form::{Form, TooManyParams};
pub use param::{ParamError, ParamKind, ParamSpec, Problem};
pub use reply::{Failure, FailureKind, Receipt, Reply};

/// A QQ number (a user's or a framework account's).
pub type Uin = u64;
/// A group number.
pub type Gin = u64;
