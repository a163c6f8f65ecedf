//! Reading a control action's JSON body, with the errors every area gives.

use lizi_core::ControlError;
use serde::de::DeserializeOwned;

/// Decodes `action`'s JSON body.
pub(crate) fn json<T: DeserializeOwned>(action: &str, body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| bad(action, &e.to_string()))
}

/// A body that parsed but says something impossible.
pub(crate) fn bad(action: &str, reason: &str) -> ControlError {
    ControlError::BadBody {
        action: action.to_owned(),
        reason: reason.to_owned(),
    }
}
