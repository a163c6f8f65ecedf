//! The OneBot face's faults served by the control API: lizi-api knows nothing of the face,
//! it takes this [`ControlExtension`].

use lizi_api::ControlExtension;
use lizi_core::control_docs::ControlDoc;
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
