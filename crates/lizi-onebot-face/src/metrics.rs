//! The face's metrics: its deliveries by POST, the quick operations it carried out, and
//! how long each action took (`lizi_onebot_action_duration_seconds`, by action and
//! profile). The action label is the name of one of the table's actions, or `unknown`, so
//! a client cannot make new series.

use lizi_onebot::action::ActionSpec;
use lizi_onebot::Profile;
use lizi_store::metrics::{latency_family, LatencyFamily};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::registry::{Registry, Unit};

/// The label set of `lizi_onebot_action_duration_seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ActionLabels {
    action: &'static str,
    profile: &'static str,
}

/// The face's metrics.
#[derive(Debug)]
pub(crate) struct FaceMetrics {
    /// Events POSTed and accepted.
    pub posted: Counter,
    /// Failed POSTs.
    pub post_failures: Counter,
    /// Quick operations carried out.
    pub quick_operations: Counter,
    /// How long actions took.
    actions: LatencyFamily<ActionLabels>,
}

impl Default for FaceMetrics {
    fn default() -> Self {
        FaceMetrics {
            posted: Counter::default(),
            post_failures: Counter::default(),
            quick_operations: Counter::default(),
            actions: latency_family(),
        }
    }
}

impl FaceMetrics {
    /// Action `name` (as called, `_async` and such suffixes taken off) took `seconds`.
    pub fn acted(&self, name: &str, profile: Profile, seconds: f64) {
        let action = ActionSpec::find(name).map_or("unknown", |spec| spec.name);
        let labels = ActionLabels {
            action,
            profile: profile.name(),
        };
        self.actions.get_or_create(&labels).observe(seconds);
    }

    /// Registers the metrics in `registry`.
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "lizi_onebot_posted",
            "events POSTed to OneBot receivers",
            self.posted.clone(),
        );
        registry.register(
            "lizi_onebot_post_failures",
            "failed OneBot event POSTs",
            self.post_failures.clone(),
        );
        registry.register(
            "lizi_onebot_quick_operations",
            "quick operations carried out",
            self.quick_operations.clone(),
        );
        registry.register_with_unit(
            "lizi_onebot_action_duration",
            "time to answer a OneBot action, by action and profile",
            Unit::Seconds,
            self.actions.clone(),
        );
    }
}
