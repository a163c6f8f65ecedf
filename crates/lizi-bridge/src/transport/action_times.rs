//! [`ActionTimes`]: how long the implementations took to answer the bridge's actions, for
//! `lizi_bridge_action_duration_seconds` (by action and implementation). The action label
//! is the name of one of lizi's OneBot actions, or `other`.

use std::sync::Arc;

use lizi_onebot::action::ActionSpec;
use lizi_store::metrics::{latency_family, LatencyFamily};
use prometheus_client::encoding::EncodeLabelSet;

/// The label set of `lizi_bridge_action_duration_seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct ActionLabels {
    action: &'static str,
    implementation: Arc<str>,
}

/// The action times of every connection (clones share them).
#[derive(Debug, Clone)]
pub struct ActionTimes(LatencyFamily<ActionLabels>);

impl Default for ActionTimes {
    fn default() -> Self {
        ActionTimes(latency_family())
    }
}

impl ActionTimes {
    /// `implementation` answered (or failed, or timed out on) `action` after `seconds`.
    pub fn observe(&self, action: &str, implementation: Arc<str>, seconds: f64) {
        let action = ActionSpec::find(action).map_or("other", |spec| spec.name);
        let labels = ActionLabels {
            action,
            implementation,
        };
        self.0.get_or_create(&labels).observe(seconds);
    }

    /// The histograms, for registering.
    pub fn family(&self) -> LatencyFamily<ActionLabels> {
        self.0.clone()
    }
}
