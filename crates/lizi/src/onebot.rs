//! The OneBot face's faults served by the control API, and the bridge's send pacing
//! counters at `/metrics`: lizi-api knows nothing of either, it takes a
//! [`ControlExtension`].

use std::sync::Arc;

use lizi_api::ControlExtension;
use lizi_bridge::BridgeBackend;
use lizi_core::ControlDoc;
use lizi_onebot_face::faults::FAULT_DOCS;
use lizi_onebot_face::FaultControl;
use serde_json::{json, Value};

/// `POST /sim/onebot_fault`, and the face's counters at `/metrics`.
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

    fn metrics(&self) -> String {
        self.0.metrics()
    }
}

/// The bridge's counters at `/metrics`, with the face's faults when the face runs too.
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

    fn metrics(&self) -> String {
        let mut text = self
            .faults
            .as_ref()
            .map(|faults| faults.metrics())
            .unwrap_or_default();
        text.push_str(&self.bridge.metrics());
        text
    }
}
