//! Domain model of lizi.
//!
//! Everything here is free of I/O and shared by every backend: the wire-shaped model types
//! ([`event`], [`model`]), the declarative endpoint table ([`endpoint`]) with its typed
//! requests, the parameter decoder ([`form`], [`param`]), XLZ text codes ([`textcode`]),
//! stored media and the access to their bytes ([`media`]), the [`Backend`] trait and its
//! results ([`reply`]), the pause before a retry ([`backoff`]), the gray tips carried as
//! system notices ([`gray_tip`]), the card of a merged forward ([`forward`]), the control
//! API's requests as every backend sees them ([`control`]: a name and a JSON body, decoded
//! by the backend that owns the action), and QQ's days ([`china_time`]).

pub mod backend;
pub mod backoff;
pub mod china_time;
pub mod control;
pub mod endpoint;
pub mod event;
pub mod form;
pub mod forward;
pub mod gray_tip;
pub mod media;
pub mod model;
pub mod param;
pub mod reply;
mod table;
pub mod textcode;

use std::future::Future;
use std::pin::Pin;

pub use backend::Backend;
pub use backoff::Backoff;
pub use control::{ControlActions, ControlDoc, ControlError, ControlRequest};
pub use endpoint::{EndpointSpec, Gate, Methods, Request, Template, ENDPOINTS};
pub use event::Event;
pub use form::{Form, TooManyParams};
pub use param::{ParamError, ParamKind, ParamSpec, Problem};
pub use reply::{Failure, FailureKind, Receipt, Reply};

/// A QQ number (a user's or a framework account's).
pub type Uin = u64;
/// A group number.
pub type Gin = u64;

/// A boxed, sendable future, as [`Backend`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
