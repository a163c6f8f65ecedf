//! The Grafana dashboard in `docs/` reads only what lizi exports: while traffic flows
//! through a bridge (A, `--backend onebot`) and the simulated network whose OneBot face
//! drives it (B), every metric a query of the dashboard names is in A's or B's
//! `/metrics`, and every histogram it names has samples, event delivery for each reader.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;

use crate::common::bridge::{Pair, BOT};
use crate::common::enc;

/// The dashboard's queries.
fn dashboard_queries() -> Vec<String> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/grafana-dashboard.json");
    let text = std::fs::read_to_string(&path).expect("docs/grafana-dashboard.json");
    let dashboard: Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let mut queries = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().into_iter().flatten() {
            queries.push(target["expr"].as_str().expect("expr").to_owned());
        }
    }
    queries
}

/// The metric names in a query: its words that start with `lizi_`.
fn metric_names(query: &str) -> Vec<String> {
    query
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("lizi_"))
        .map(str::to_owned)
        .collect()
}

/// The sum of every sample of `name` (any labels) in an exposition.
fn total(exposition: &str, name: &str) -> Option<f64> {
    let samples: Vec<f64> = exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let rest = line.strip_prefix(name)?;
            let value = match rest.strip_prefix('{') {
                Some(labelled) => labelled.rsplit_once("} ")?.1,
                None => rest.strip_prefix(' ')?,
            };
            value.trim().parse().ok()
        })
        .collect();
    (!samples.is_empty()).then(|| samples.iter().sum())
}

/// A receiver of pushed events that accepts everything; answers its URL.
async fn push_receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let app = axum::Router::new().fallback(|| async { "ok" });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/events")
}

async fn metrics(client: &reqwest::Client, base: &str) -> String {
    client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body")
}

#[tokio::test]
async fn every_metric_the_dashboard_queries_is_exported_with_samples() {
    let queries = dashboard_queries();
    assert!(queries.len() >= 20, "{} queries", queries.len());
    let names: BTreeSet<String> = queries.iter().flat_map(|q| metric_names(q)).collect();
    for query in &queries {
        assert!(
            !metric_names(query).is_empty(),
            "`{query}` names no lizi metric"
        );
    }

    let push = push_receiver().await;
    let pair = Pair::start_with("dashboard", "napcat", &["--report-url", &push], &[]).await;
    let (bridge, network) = (&pair.bridge, &pair.network);
    let session = bridge.session().await;
    let ws_url = bridge.base.replacen("http://", "ws://", 1) + "/ws";
    let (mut stream, _) = tokio_tungstenite::connect_async(ws_url).await.expect("/ws");

    // Traffic: messages into the bridge (B's face delivers them to A), sends out of it
    // (A's bridge calls B's face), and A's events read by poll, WebSocket and push.
    for n in 0..5 {
        network
            .say(20001, 30001, &format!("dashboard in {n}"))
            .await;
        let (_, inner) = bridge
            .call_retcode(
                "/sendgroupmsg",
                &format!(
                    "fromqq={BOT}&togroup=30001&text={}",
                    enc(&format!("out {n}"))
                ),
            )
            .await;
        assert_eq!(inner["retcode"], 0, "{inner}");
    }
    bridge
        .wait_event(session, |e| e["Msg"]["Text"] == "dashboard in 4")
        .await;
    let frame = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("a /ws event");
    assert!(frame.is_some());

    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let (a, b) = loop {
        let a = metrics(&client, &bridge.base).await;
        let b = metrics(&client, &network.base).await;
        let pushed = total(&a, "lizi_push_delivered_total").unwrap_or(0.0);
        if pushed > 0.0 || Instant::now() > deadline {
            break (a, b);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let both = format!("{a}\n{b}");

    let mut missing = Vec::new();
    for name in &names {
        if total(&both, name).is_none() {
            missing.push(name.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "the dashboard queries metrics lizi does not export: {missing:?}\nA:\n{a}\nB:\n{b}"
    );
    for histogram in names.iter().filter_map(|n| n.strip_suffix("_bucket")) {
        let count = total(&both, &format!("{histogram}_count")).unwrap_or(0.0);
        assert!(count > 0.0, "{histogram} has no samples\nA:\n{a}\nB:\n{b}");
    }
    for reader in ["poll", "ws", "push", "onebot"] {
        let series = format!("lizi_event_delivery_seconds_count{{reader=\"{reader}\"}}");
        let count = total(&both, &series).unwrap_or(0.0);
        assert!(
            count > 0.0,
            "no event delivered by {reader}\nA:\n{a}\nB:\n{b}"
        );
    }
    let sends = format!("lizi_bridge_account_sends_total{{account=\"{BOT}\"}}");
    assert!(total(&a, &sends).unwrap_or(0.0) >= 5.0, "{a}");
    let connected =
        format!("lizi_bridge_account_connected{{account=\"{BOT}\",implementation=\"NapCat\"}}");
    assert_eq!(total(&a, &connected), Some(1.0), "{a}");
    assert!(
        a.contains("lizi_bridge_action_duration_seconds_count{action=\"send_group_msg\",implementation=\"NapCat\"}"),
        "{a}"
    );
    assert!(
        b.contains("lizi_onebot_action_duration_seconds_count{action=\"send_group_msg\",profile=\"napcat\"}"),
        "{b}"
    );
    assert!(
        a.contains(
            "lizi_http_request_duration_seconds_count{endpoint=\"/sendgroupmsg\",status=\"200\"}"
        ),
        "{a}"
    );
}
