//! The OneBot bridge's transport and its faults, end to end with two real lizi processes:
//! A (`--backend onebot`) dialling B's forward WebSocket (`--onebot-connect`), connections
//! dropped, events duplicated, actions failed, and either side restarting, in every
//! profile B reproduces.

mod common;

use std::time::{Duration, Instant};

use common::bridge::{Bridge, Network, Pair, BOT, PROFILES};
use common::{enc, read_metric, Scratch};
use serde_json::{json, Value};

/// A loopback port free at the time of asking.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Starts B serving a forward WebSocket (and no reverse one) on `port`, in `profile`.
fn listening_network(scratch: &Scratch, profile: &str, port: u16, token: &str) -> Network {
    let data = scratch.path("network").to_str().expect("UTF-8").to_owned();
    let args = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data",
        &data,
        "--onebot-listen",
        &format!("127.0.0.1:{port}"),
        "--onebot-profile",
        profile,
        "--onebot-token",
        token,
    ];
    Network::spawn(
        scratch,
        profile,
        args.iter().map(|s| s.to_string()).collect(),
    )
}

/// The retcode text inside an XLZ answer's `ret`.
fn retcode(answer: &Value) -> Value {
    answer["ret"]
        .as_str()
        .and_then(|ret| serde_json::from_str(ret).ok())
        .unwrap_or(Value::Null)
}

/// Sends `text` from A's bot to group 30001; answers the retcode text.
async fn send_to_group(bridge: &Bridge, text: &str) -> Value {
    let body = format!("fromqq={BOT}&togroup=30001&text={}", enc(text));
    retcode(&bridge.call("/sendgroupmsg", &body).await)
}

/// Whether group 30001's history on B holds a message with `text`.
async fn group_has(network: &Network, text: &str) -> bool {
    network
        .history("group=30001")
        .await
        .iter()
        .any(|m| m["text"] == text)
}

/// Waits until B's group 30001 holds `text`.
async fn wait_group_has(network: &Network, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !group_has(network, text).await {
        assert!(
            Instant::now() < deadline,
            "{text:?} never reached B: {:?}",
            network.history("group=30001").await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn bridge_dials_an_implementation_that_listens_and_redials_it_in_every_profile() {
    for profile in PROFILES {
        let scratch = Scratch::new(&format!("transport-connect-{profile}"));
        let port = free_port();
        let url = format!("ws://127.0.0.1:{port}/");
        // A starts first: the implementation is not up yet, A keeps dialling.
        let bridge = Bridge::start(
            &scratch,
            "127.0.0.1:0",
            &["--onebot-connect", &url, "--onebot-token", "s3cret"],
        );
        let session = bridge.session().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let metrics = format!("{}/metrics", bridge.base);
        let failed = "lizi_bridge_dials_total{outcome=\"failed\"}";
        assert!(read_metric(&bridge.client, &metrics, failed).await >= 1);
        let network = listening_network(&scratch, profile, port, "s3cret");
        bridge.wait_state(BOT, "在线").await;

        // Both ways over the dialled connection.
        network.say(20001, 30001, "over forward ws").await;
        let event = bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["Msg"]["Text"] == "over forward ws"
            })
            .await;
        assert_eq!(event["FromQQ"]["UIN"], 20001, "{profile}: {event}");
        let sent = send_to_group(&bridge, &format!("from A in {profile}")).await;
        assert_eq!(sent["retcode"], 0, "{profile}: {sent}");
        wait_group_has(&network, &format!("from A in {profile}")).await;

        // B dies: A shows the account offline (38) and dials until B is back (31).
        let network = network.restart(&scratch);
        bridge.wait_state(BOT, "离线").await;
        bridge
            .wait_event(session, |e| {
                e["Type"] == "EventMsg" && e["Msg"]["Type"] == 38
            })
            .await;
        bridge.wait_state(BOT, "在线").await;
        network.say(20001, 30001, "after the restart").await;
        bridge
            .wait_event(session, |e| e["Msg"]["Text"] == "after the restart")
            .await;
        let connected = "lizi_bridge_dials_total{outcome=\"connected\"}";
        assert!(
            read_metric(&bridge.client, &metrics, connected).await >= 2,
            "{profile}"
        );
    }
}

#[tokio::test]
async fn bridge_refuses_a_connect_url_that_is_not_ws() {
    let scratch = Scratch::new("transport-connect-bad");
    let data = scratch.data();
    let mut child = common::child::Lizi::spawn(
        &scratch.0,
        &[
            "serve",
            "--backend",
            "onebot",
            "--data",
            &data,
            "--listen",
            "127.0.0.1:0",
            "--onebot-connect",
            "http://127.0.0.1:1/",
        ],
        &[],
    );
    let (status, output) = child.wait_exit(Duration::from_secs(20));
    assert!(!status.success(), "{output}");
    assert!(output.contains("must start with ws://"), "{output}");
}

#[tokio::test]
async fn bridge_follows_the_account_reported_offline_and_back_in_every_profile() {
    for profile in PROFILES {
        // Heartbeats often, so that the way back (a heartbeat saying online) comes soon.
        let fast = ["--onebot-heartbeat-ms", "200"];
        let pair = Pair::start_with("transport-presence", profile, &[], &fast).await;
        let session = pair.bridge.session().await;
        pair.network
            .sim_ok("onebot_fault", json!({"kind": "offline", "account": BOT}))
            .await;
        pair.bridge.wait_state(BOT, "离线").await;
        pair.bridge
            .wait_event(session, |e| {
                e["Type"] == "EventMsg" && e["Msg"]["Type"] == 38
            })
            .await;
        pair.network
            .sim_ok("onebot_fault", json!({"kind": "online", "account": BOT}))
            .await;
        pair.bridge.wait_state(BOT, "在线").await;
        pair.bridge
            .wait_event(session, |e| {
                e["Type"] == "EventMsg" && e["Msg"]["Type"] == 31
            })
            .await;
    }
}
