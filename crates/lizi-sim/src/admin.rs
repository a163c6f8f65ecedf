//! Group administration and recall on the simulated network.

use lizi_core::{ControlRequest, Request};

use crate::backend::{Handled, SimBackend};

impl SimBackend {
    /// Handles the requests of this area; hands any other back.
    pub(crate) async fn handle_admin(&self, request: Request) -> Result<Handled, Request> {
        Err(request)
    }

    /// Handles the control actions of this area; hands any other back.
    pub(crate) async fn control_admin(
        &self,
        request: ControlRequest,
    ) -> Result<Handled, ControlRequest> {
        Err(request)
    }
}
