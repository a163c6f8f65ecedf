//! The bridge's metrics: how the dials went, the send pacing, the time of every action
//! (see [`crate::transport::action_times`]), and per account whether it is connected and
//! how many events it brought and messages it sent. The counts the bridge keeps anyway
//! are read at each scrape by a collector.

use std::sync::{Arc, Weak};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

use crate::backend::BridgeBackend;

impl BridgeBackend {
    /// Registers the bridge's metrics in `registry`.
    pub fn register_metrics(self: &Arc<Self>, registry: &mut Registry) {
        registry.register_with_unit(
            "lizi_bridge_action_duration",
            "time for an implementation to answer an action, by action and implementation",
            Unit::Seconds,
            self.action_times.family(),
        );
        registry.register_collector(Box::new(BridgeCollector(Arc::downgrade(self))));
    }
}

/// The bridge's counts, read at each scrape.
#[derive(Debug)]
struct BridgeCollector(Weak<BridgeBackend>);

/// One account's row: its number, implementation, connection and counts.
struct AccountRow {
    account: String,
    implementation: String,
    connected: bool,
    received: u64,
    sent: u64,
}

impl Collector for BridgeCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(bridge) = self.0.upgrade() else {
            return Ok(());
        };
        let (connected, failed) = bridge.dials.counts();
        let dials = ConstCounter::new(0u64);
        let mut family = encoder.encode_descriptor(
            "lizi_bridge_dials",
            "connections the bridge dialled to --onebot-connect URLs, by outcome",
            None,
            dials.metric_type(),
        )?;
        for (outcome, value) in [("connected", connected), ("failed", failed)] {
            let labels = [("outcome", outcome)];
            ConstCounter::new(value).encode(family.encode_family(&labels)?)?;
        }
        let [waited, refused, risk_control] = bridge.pacer.counts();
        for (name, help, value) in [
            (
                "lizi_bridge_sends_paced",
                "sends that waited for their turn under send pacing",
                waited,
            ),
            (
                "lizi_bridge_sends_refused",
                "sends refused because their turn was further away than the pacing wait",
                refused,
            ),
            (
                "lizi_bridge_risk_control",
                "sends the implementation failed with QQ risk control",
                risk_control,
            ),
        ] {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(
                name,
                help,
                None,
                counter.metric_type(),
            )?)?;
        }
        for tally in [&bridge.media_refused, &bridge.unreadable] {
            let (name, help) = tally.described();
            let mut family = encoder.encode_descriptor(name, &help, None, dials.metric_type())?;
            for (kind, count) in tally.by_kind() {
                // The kinds come from the implementations' frames.
                let kind = kind.replace(['\\', '"', '\n'], "_");
                let labels = [("kind", kind.as_str())];
                ConstCounter::new(count).encode(family.encode_family(&labels)?)?;
            }
        }
        let rows: Vec<AccountRow> = bridge
            .lock()
            .accounts
            .iter()
            .map(|(uin, account)| AccountRow {
                account: uin.to_string(),
                implementation: account.seen.implementation.display(),
                connected: account.link.is_some() && account.identified,
                received: account.received,
                sent: account.sent,
            })
            .collect();
        let gauge = ConstGauge::new(0i64);
        let mut family = encoder.encode_descriptor(
            "lizi_bridge_account_connected",
            "1 while the account has a connection whose handshake is done, by account and implementation",
            None,
            gauge.metric_type(),
        )?;
        for row in &rows {
            let labels = [
                ("account", row.account.as_str()),
                ("implementation", row.implementation.as_str()),
            ];
            ConstGauge::new(i64::from(row.connected)).encode(family.encode_family(&labels)?)?;
        }
        let per_account = [
            (
                "lizi_bridge_account_events",
                "XLZ events made of what the account received, by account",
                rows.iter().map(|row| row.received).collect::<Vec<_>>(),
            ),
            (
                "lizi_bridge_account_sends",
                "messages the account sent, by account",
                rows.iter().map(|row| row.sent).collect(),
            ),
        ];
        for (name, help, values) in per_account {
            let mut family = encoder.encode_descriptor(name, help, None, dials.metric_type())?;
            for (row, value) in rows.iter().zip(values) {
                let labels = [("account", row.account.as_str())];
                ConstCounter::new(value).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_dials_are_shown_by_outcome_and_zeros_are_shown() {
        let store = lizi_store::Store::open(lizi_store::StoreConfig::memory()).expect("store");
        let bridge = Arc::new(
            BridgeBackend::open(store, crate::PacingConfig::default())
                .await
                .expect("bridge"),
        );
        bridge.dials.count_failed();
        bridge.dials.count_failed();
        bridge.unreadable.count("message/\"group\"", "no user_id");
        let mut registry = Registry::default();
        bridge.register_metrics(&mut registry);
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).expect("text");
        assert!(
            text.contains("lizi_bridge_dials_total{outcome=\"failed\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("lizi_bridge_dials_total{outcome=\"connected\"} 0"),
            "{text}"
        );
        assert!(text.contains("lizi_bridge_risk_control_total 0"), "{text}");
        assert!(
            text.contains("lizi_bridge_unreadable_events_total{kind=\"message/_group_\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE lizi_bridge_media_refused_total counter"),
            "{text}"
        );
    }
}
