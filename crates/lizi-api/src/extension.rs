//! Control actions served by another part of lizi: the binary hands [`run_extended`]
//! (crate::run_extended) a [`ControlExtension`] (the OneBot face's faults), so this crate
//! serves and documents them without depending on that part.

use lizi_core::ControlDoc;
use prometheus_client::registry::Registry;
use serde_json::Value;

/// Control actions (`/sim/<action>`, JSON in and out) and counters from outside lizi-api.
pub trait ControlExtension: Send + Sync {
    /// The actions it serves, documented as the built-in ones are.
    fn docs(&self) -> &[ControlDoc];
    /// Runs `action` with its JSON `body`: `None` when the action is not one of its own,
    /// else the HTTP status and the JSON answer.
    fn control(&self, action: &str, body: &[u8]) -> Option<(u16, Value)>;
    /// Registers its metrics, which `/metrics` shows with the API's and the store's.
    fn register_metrics(&self, registry: &mut Registry) {
        let _ = registry;
    }
}
