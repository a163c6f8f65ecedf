//! The [`Backend`] trait: what does the QQ work behind the API.

use crate::control::{ControlActions, ControlRequest};
use crate::endpoint::Request;
use crate::media::MediaBytes;
use crate::reply::{Failure, FailureKind, Reply};
use crate::BoxFuture;

/// Does the QQ work for API requests, and reports events to the event log it was given.
pub trait Backend: Send + Sync + 'static {
    /// A short name for logs and messages (`sim`, `onebot`).
    fn name(&self) -> &'static str;

    /// Carries out one API request. Session requests never reach a backend.
    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>>;

    /// Carries out one control-API action (acting as other users, reading the world): the
    /// backend's own [`ControlActions`] decode and run it; without any, it is refused.
    fn control(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, Failure>> {
        if let Some(actions) = self.control_actions() {
            return Box::pin(async move { actions.run(request).await.map_err(Failure::from) });
        }
        let action = request.action();
        let backend = self.name();
        Box::pin(async move {
            Err(Failure::new(
                FailureKind::NotImplemented,
                format!("the {backend} backend has no control action `{action}`"),
            ))
        })
    }

    /// The backend's own control actions, decoded, carried out and documented by it (the
    /// simulated network's); `None` for a backend that has none.
    fn control_actions(&self) -> Option<&dyn ControlActions> {
        None
    }

    /// The bytes of an uploaded picture, voice or file by content hash (32 hex digits,
    /// any case), for the API layer's media route; `None` when unknown.
    fn media(&self, hash: &str) -> BoxFuture<'_, Option<MediaBytes>> {
        let _ = hash;
        Box::pin(async { None })
    }
}
