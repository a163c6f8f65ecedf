//! The OneBot face's faults served by the control API, and the face's and the bridge's
//! metrics at `/metrics`: lizi-api knows nothing of either, it takes a
//! [`ControlExtension`].

use std::sync::Arc;

use lizi_api::ControlExtension;
use lizi_bridge::BridgeBackend;
use lizi_core::ControlDoc;
use lizi_onebot_face::faults::FAULT_DOCS;
use lizi_onebot_face::FaultControl;
use prometheus_client::registry::Registry;
use serde_json::{json, Value};

/// `POST /sim/onebot_fault`, and the face's metrics at `/metrics`.
pub struct OneBotFaults(pub FaultControl);

impl ControlExtension for OneBotFaults {
    fn docs(&self) -> &[ControlDoc] {
        FAULT_DOCS
    }

    fn control(&self, action: &str, body: &[u8]) -> Option<(u16, Value)> {
        let doc = FAULT_DOCS.iter().find(|doc| doc.action == action)?;
        Some(match self.0.apply(body) {
            Ok(answer) => (200, answer),
            Err(error) => {
                let error = format!("/sim/{}: {error}", doc.action);
                (400, json!({"ret": "error", "error": error}))
            }
        })
    }

    fn register_metrics(&self, registry: &mut Registry) {
        self.0.register_metrics(registry);
    }
}

/// The bridge's metrics at `/metrics`, with the face's faults when the face runs too.
pub struct BridgeCounters {
    /// The bridge.
    pub bridge: Arc<BridgeBackend>,
    /// The face's faults, if the face runs.
    pub faults: Option<OneBotFaults>,
}

impl ControlExtension for BridgeCounters {
    fn docs(&self) -> &[ControlDoc] {
        self.faults.as_ref().map_or(&[], |faults| faults.docs())
    }

    fn control(&self, action: &str, body: &[u8]) -> Option<(u16, Value)> {
        self.faults.as_ref()?.control(action, body)
    }

    fn register_metrics(&self, registry: &mut Registry) {
        if let Some(faults) = &self.faults {
            faults.register_metrics(registry);
        }
        self.bridge.register_metrics(registry);
    }
}
