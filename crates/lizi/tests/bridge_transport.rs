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
            network.history("group=30001&limit=1000").await
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
        event_msg(&bridge, session, 38).await;
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
async fn bridge_follows_the_account_reported_offline_and_back_in_every_profile() {
    for profile in PROFILES {
        // Heartbeats often, so that the way back (a heartbeat saying online) comes soon.
        let fast = ["--onebot-heartbeat-ms", "200"];
        let pair = Pair::start_with("transport-presence", profile, &[], &fast).await;
        let session = pair.bridge.session().await;
        for (fault, state, event) in [("offline", "离线", 38), ("online", "在线", 31)] {
            pair.network
                .sim_ok("onebot_fault", json!({"kind": fault, "account": BOT}))
                .await;
            pair.bridge.wait_state(BOT, state).await;
            event_msg(&pair.bridge, session, event).await;
        }
    }
}

/// Reads `session`'s events of account [`BOT`] until one satisfies `last`; answers them all.
async fn events_until(bridge: &Bridge, session: u64, last: impl Fn(&Value) -> bool) -> Vec<Value> {
    bridge.events_until_of(BOT, session, last).await
}

/// Waits for an `EventMsg` of `kind` of account [`BOT`] in `session`.
async fn event_msg(bridge: &Bridge, session: u64, kind: i64) -> Value {
    bridge
        .wait_event(session, |e| {
            e["Type"] == "EventMsg" && e["Msg"]["Type"] == kind
        })
        .await
}

/// Type, `Msg.Type` and text of each event, for failure messages.
fn brief(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| format!("{} {} {}", e["Type"], e["Msg"]["Type"], e["Msg"]["Text"]))
        .collect()
}

/// Reads `session`'s events until the gap event that ends a refill, then has B say
/// `last` and reads on until it: B is surely reading its events again by then.
async fn refilled_then(bridge: &Bridge, network: &Network, session: u64, last: &str) -> Vec<Value> {
    let mut events = events_until(bridge, session, |e| e["Msg"]["Type"] == 900).await;
    network.say(20001, 30001, last).await;
    events.extend(events_until(bridge, session, is_text(last)).await);
    events
}

/// The texts of the group messages among `events`.
fn group_texts(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["Type"] == "GroupMsg")
        .map(|e| e["Msg"]["Text"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Whether an event is the group message `text`.
fn is_text(text: &str) -> impl Fn(&Value) -> bool + '_ {
    move |e: &Value| e["Type"] == "GroupMsg" && e["Msg"]["Text"] == text
}

#[tokio::test]
async fn bridge_refills_a_dropped_connection_in_every_profile() {
    for profile in PROFILES {
        let scratch = Scratch::new(&format!("transport-refill-{profile}"));
        let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
        // B skips what arrives while it is not connected, and dials again after 2 s.
        let extra = ["--onebot-drop-while-disconnected"];
        let network = Network::start_reconnecting(&scratch, &bridge.accept, profile, 2000, &extra);
        bridge.wait_state(BOT, "在线").await;
        let session = bridge.session().await;
        network.say(20001, 30001, "before").await;
        events_until(&bridge, session, is_text("before")).await;

        network
            .sim_ok("onebot_fault", json!({"kind": "close_connections"}))
            .await;
        bridge.wait_state(BOT, "离线").await;
        for text in ["one", "two", "three"] {
            network.say(20001, 30001, text).await;
        }
        bridge.wait_state(BOT, "在线").await;
        let events = refilled_then(&bridge, &network, session, "after").await;
        assert_eq!(
            group_texts(&events),
            ["one", "two", "three", "after"],
            "{profile}"
        );
        let gap = events
            .iter()
            .find(|e| e["Msg"]["Type"] == 900)
            .unwrap_or_else(|| panic!("{profile}: no gap event in {:?}", brief(&events)));
        let text = gap["Msg"]["Text"].as_str().unwrap_or("");
        assert!(
            text.contains("were refilled from history"),
            "{profile}: {text}"
        );
        assert!(text.starts_with("the connection to "), "{profile}: {text}");
    }
}

#[tokio::test]
async fn bridge_refills_across_its_own_restart_page_by_page_in_every_profile() {
    // More than one history page (100) missed while lizi itself was down.
    const MISSED: usize = 130;
    for profile in PROFILES {
        let scratch = Scratch::new(&format!("transport-restart-refill-{profile}"));
        let mut bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
        let extra = ["--onebot-drop-while-disconnected"];
        let network = Network::start_reconnecting(&scratch, &bridge.accept, profile, 200, &extra);
        bridge.wait_state(BOT, "在线").await;
        let session = bridge.session().await;
        network.say(20001, 30001, "before").await;
        events_until(&bridge, session, is_text("before")).await;

        let accept = bridge.accept.clone();
        bridge.child.terminate();
        drop(bridge);
        let missed: Vec<String> = (0..MISSED).map(|n| format!("missed {n}")).collect();
        for text in &missed {
            network.say(20001, 30001, text).await;
        }
        let bridge = Bridge::start(&scratch, &accept, &[]);
        bridge.wait_state(BOT, "在线").await;
        let events = refilled_then(&bridge, &network, session, "after").await;
        let texts = group_texts(&events);
        let gap = events.iter().find(|e| e["Msg"]["Type"] == 900);
        let gap_text = gap.map_or("", |e| e["Msg"]["Text"].as_str().unwrap_or(""));
        let mut expected = missed.clone();
        expected.push("after".into());
        assert_eq!(texts, expected, "{profile}");
        assert!(
            gap_text.contains("were refilled from history"),
            "{profile}: {gap_text}"
        );
    }
}

#[tokio::test]
async fn bridge_emits_each_duplicated_event_once_in_every_profile() {
    for profile in PROFILES {
        let pair = Pair::start("transport-duplicates", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;
        // Every account of B has a connection: enough duplicates for all of them.
        network
            .sim_ok(
                "onebot_fault",
                json!({"kind": "duplicate_events", "count": 50}),
            )
            .await;
        network.say(20001, 30001, "twice").await;
        let muted = bridge
            .call(
                "/mutegroupmember",
                "fromqq=10001&group=30001&toqq=20003&time=60",
            )
            .await;
        assert_eq!(muted["ret"], "true", "{profile}: {muted}");
        let card = format!(
            "fromqq=10001&togroup=30001&toqq=20003&card={}",
            enc("新名片")
        );
        let carded = bridge.call("/setgroupcard", &card).await;
        assert_eq!(retcode(&carded)["retcode"], 0, "{profile}: {carded}");
        network.say(20001, 30001, "next").await;
        let events = events_until(bridge, session, is_text("next")).await;
        assert_eq!(group_texts(&events), ["twice", "next"], "{profile}");
        let of_type = |kind: i64| {
            events
                .iter()
                .filter(|e| e["Type"] == "EventMsg" && e["Msg"]["Type"] == kind)
                .count()
        };
        assert_eq!(of_type(7), 1, "{profile}: one mute in {events:#?}");
        assert_eq!(of_type(36), 1, "{profile}: one card change in {events:#?}");
    }
}

#[tokio::test]
async fn bridge_reports_risk_control_in_every_profile() {
    for profile in PROFILES {
        let pair = Pair::start("transport-risk", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        network
            .sim_ok("onebot_fault", json!({"kind": "fail_actions", "count": 1}))
            .await;
        let failed = send_to_group(bridge, "held back").await;
        assert_ne!(failed["retcode"], 0, "{profile}: {failed}");
        let retmsg = failed["retmsg"].as_str().unwrap_or_default();
        let metrics = format!("{}/metrics", bridge.base);
        let risk = read_metric(&bridge.client, &metrics, "lizi_bridge_risk_control_total").await;
        if profile == "lagrange" {
            // Lagrange answers any failure with retcode 200 and no text: not told apart.
            assert!(
                retmsg.contains("send_group_msg` failed with retcode 200"),
                "{retmsg}"
            );
            assert_eq!(risk, 0);
        } else {
            assert!(
                retmsg.starts_with("QQ risk control: "),
                "{profile}: {retmsg}"
            );
            assert_eq!(risk, 1, "{profile}");
        }
        assert!(!group_has(network, "held back").await, "{profile}");
        // The next send goes through.
        let sent = send_to_group(bridge, "went through").await;
        assert_eq!(sent["retcode"], 0, "{profile}: {sent}");
        wait_group_has(network, "went through").await;
    }
}

/// Sends `text` from A's bot to group 30001 and answers the `(Req, Random)` of its own
/// message event.
async fn sent_ids(bridge: &Bridge, session: u64, text: &str) -> (Value, Value) {
    let sent = send_to_group(bridge, text).await;
    assert_eq!(sent["retcode"], 0, "{text}: {sent}");
    let own = bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == BOT && e["Msg"]["Text"] == text
        })
        .await;
    (own["Msg"]["Req"].clone(), own["Msg"]["Random"].clone())
}

/// Recalls `(req, random)` in group 30001 from A, and replies to `quoted` with `text`;
/// checks both on B.
async fn recall_and_reply(
    bridge: &Bridge,
    network: &Network,
    profile: &str,
    recalled: (&str, &(Value, Value)),
    quoted: &(Value, Value),
    text: &str,
) {
    let (recalled_text, (req, random)) = recalled;
    let recall = format!("fromqq={BOT}&group=30001&req={req}&random={random}");
    let answer = bridge.call("/deletegroupmsg", &recall).await;
    assert_eq!(answer["ret"], "true", "{profile}: {answer}");
    let messages = network.history("group=30001&limit=1000").await;
    let found = messages.iter().find(|m| m["text"] == recalled_text);
    assert_eq!(
        found.map(|m| m["recalled"].clone()),
        Some(json!(true)),
        "{profile}: {messages:#?}"
    );
    let (req, random) = quoted;
    let reply = format!("[Reply,Req={req},Random={random}]{text}");
    let sent = send_to_group(bridge, &reply).await;
    assert_eq!(sent["retcode"], 0, "{profile}: {sent}");
    let messages = network.history("group=30001&limit=1000").await;
    assert!(
        messages.iter().any(|m| m["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("[Reply,") && t.ends_with(text))),
        "{profile}: the reply quotes on B: {messages:#?}"
    );
}

/// Has 20001 say more than a history page of messages in group 30001, seen by A.
async fn say_fillers(bridge: &Bridge, network: &Network, session: u64, tag: &str) {
    for n in 0..110 {
        network.say(20001, 30001, &format!("filler {tag}{n}")).await;
    }
    let last = format!("filler {tag}109");
    events_until(bridge, session, is_text(&last)).await;
}

#[tokio::test]
async fn bridge_recalls_and_replies_after_the_implementation_forgot_its_ids() {
    // Lagrange keeps its ids in its database; forgetting is NapCat's, reproduced on the
    // LLOneBot profile as well (both page history by message_seq).
    for profile in ["napcat", "llonebot"] {
        // B forgets its message ids when it restarts, as NapCat does.
        let pair =
            Pair::start_with("transport-forget", profile, &[], &["--onebot-forget-ids"]).await;
        let Pair {
            bridge,
            network,
            scratch,
        } = pair;
        let session = bridge.session().await;
        // More than a history page after each: the refill after B's restart reads only the
        // newest page, and finding one of them again does not read the other's page.
        let quoted = sent_ids(&bridge, session, "quote me").await;
        say_fillers(&bridge, &network, session, "a").await;
        let doomed = sent_ids(&bridge, session, "recall me").await;
        say_fillers(&bridge, &network, session, "b").await;

        let network = network.restart(&scratch);
        event_msg(&bridge, session, 38).await;
        bridge.wait_state(BOT, "在线").await;
        recall_and_reply(
            &bridge,
            &network,
            profile,
            ("recall me", &doomed),
            &quoted,
            "quoted after B forgot",
        )
        .await;
    }
}

#[tokio::test]
async fn bridge_recalls_replies_and_answers_requests_from_before_its_own_restart_in_every_profile()
{
    for profile in PROFILES {
        let pair = Pair::start("transport-own-restart", profile).await;
        let Pair {
            bridge,
            network,
            scratch,
        } = pair;
        let session = bridge.session().await;
        let quoted = sent_ids(&bridge, session, "quote me").await;
        let doomed = sent_ids(&bridge, session, "recall me").await;
        // 20003 is not a friend of the bot yet.
        network
            .sim_ok(
                "friend_request",
                json!({"from": 20003, "to": BOT, "text": "add me"}),
            )
            .await;
        let request = event_msg(&bridge, session, 105).await;
        let seq = request["Msg"]["Seq"].clone();

        let bridge = bridge.restart(&scratch);
        bridge.wait_state(BOT, "在线").await;
        recall_and_reply(
            &bridge,
            &network,
            profile,
            ("recall me", &doomed),
            &quoted,
            "quoted after A restarted",
        )
        .await;
        let answer = format!("fromqq={BOT}&qq=20003&seq={seq}&op=1");
        let answered = bridge.call("/setfriendaddrequest", &answer).await;
        assert_eq!(answered["ret"], "OK", "{profile}: {answered}");
        let world = network.get("/sim/world").await;
        let friends = network
            .call("/getfriendlist", &format!("logonqq={BOT}"))
            .await;
        assert!(
            friends.to_string().contains("20003"),
            "{profile}: 20003 is a friend now: {friends} {world}"
        );
    }
}

#[tokio::test]
async fn bridge_reports_a_poke_as_a_system_notice_unless_told_to_drop_it() {
    let shake = "[Shake,name=戳一戳,Type=1,Id=-1]";
    for profile in PROFILES {
        let pair = Pair::start("transport-poke", profile).await;
        let session = pair.bridge.session().await;
        pair.network.say(20001, 30001, shake).await;
        let notice = event_msg(&pair.bridge, session, 33).await;
        let text = notice["Msg"]["Text"].as_str().unwrap_or("");
        assert!(text.starts_with("20001 戳了戳"), "{profile}: {notice}");
        assert_eq!(notice["FromGroup"]["GIN"], 30001, "{profile}: {notice}");
    }
    let drop = ["--bridge-drop-minor-notices"];
    let pair = Pair::start_with("transport-poke-dropped", "napcat", &drop, &[]).await;
    let session = pair.bridge.session().await;
    pair.network.say(20001, 30001, shake).await;
    pair.network.say(20001, 30001, "after the poke").await;
    let events = events_until(&pair.bridge, session, is_text("after the poke")).await;
    assert!(
        events.iter().all(|e| e["Msg"]["Type"] != 33),
        "{:?}",
        brief(&events)
    );
}

#[test]
fn the_transport_settings_come_from_the_config_file_and_the_environment() {
    let scratch = Scratch::new("transport-settings");
    let path = scratch.write(
        "lizi.toml",
        "onebot_connect = [\"ws://127.0.0.1:3001/\", \"ws://127.0.0.1:3002/\"]\n\
         bridge_drop_minor_notices = true\n\
         bridge_duplicate_window = 50\n\
         bridge_duplicate_window_s = 5\n\
         bridge_refill_budget_ms = 2500\n",
    );
    let settings = lizi::Settings::resolve(lizi::ServeArgs {
        config: Some(path.into()),
        ..Default::default()
    })
    .expect("settings");
    assert_eq!(
        settings.onebot_connect,
        ["ws://127.0.0.1:3001/", "ws://127.0.0.1:3002/"]
    );
    let receiving = settings.bridge_receiving;
    assert!(receiving.drop_minor_notices);
    assert_eq!(
        (
            receiving.duplicate_window,
            receiving.duplicate_age,
            receiving.refill_budget
        ),
        (50, Duration::from_secs(5), Duration::from_millis(2500))
    );
    let defaults = lizi::Settings::resolve(lizi::ServeArgs::default()).expect("settings");
    assert!(defaults.onebot_connect.is_empty());
    assert_eq!(
        defaults.bridge_receiving,
        lizi_bridge::ReceiveConfig::default()
    );

    // The environment takes a comma-separated list; every URL is checked.
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
        ],
        &[(
            "LIZI_ONEBOT_CONNECT",
            "ws://127.0.0.1:3001/,http://127.0.0.1:3002/",
        )],
    );
    let (status, output) = child.wait_exit(Duration::from_secs(20));
    assert!(!status.success(), "{output}");
    assert!(
        output.contains("`http://127.0.0.1:3002/` must start with ws://"),
        "{output}"
    );
}

/// Serves `listener` as an implementation that answers the bridge's `get_login_info` and
/// then closes each connection at once; counts the connections.
fn answer_and_close(
    listener: tokio::net::TcpListener,
) -> std::sync::Arc<std::sync::atomic::AtomicU64> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counting = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tokio::spawn(async move {
                let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                if let Some(Ok(Message::Text(text))) = socket.next().await {
                    let asked: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                    let answer = json!({"status": "ok", "retcode": 0, "echo": asked["echo"],
                        "data": {"user_id": 777, "nickname": "dropper"}});
                    let _ = socket.send(Message::text(answer.to_string())).await;
                }
                let _ = socket.close(None).await;
            });
        }
    });
    count
}

#[tokio::test]
async fn bridge_backs_off_from_an_implementation_that_drops_each_connection_at_once() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("address"));
    let connections = answer_and_close(listener);
    let scratch = Scratch::new("transport-dropping");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &["--onebot-connect", &url]);
    bridge.session().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let made = connections.load(std::sync::atomic::Ordering::Relaxed);
    // Pauses of 0.2, 0.4, 0.8 and 1.6 s leave about five connections in 3 s; starting over
    // at 0.2 s after each (a connection that was made) would make about fifteen.
    assert!((2..=7).contains(&made), "{made} connections in 3 s");
    let metrics = format!("{}/metrics", bridge.base);
    let connected = "lizi_bridge_dials_total{outcome=\"connected\"}";
    assert!(read_metric(&bridge.client, &metrics, connected).await >= 2);
}

#[tokio::test]
async fn a_dialled_implementation_that_never_answers_is_given_up_and_dialled_again() {
    // A server that accepts TCP connections and then says nothing, not even a handshake.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("ws://{}/", listener.local_addr().expect("address"));
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counting = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            held.push(stream);
        }
    });
    let scratch = Scratch::new("transport-mute");
    let flags = ["--onebot-connect", &url, "--ws-timeout-ms", "500"];
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &flags);
    bridge.session().await;
    let metrics = format!("{}/metrics", bridge.base);
    let failed = "lizi_bridge_dials_total{outcome=\"failed\"}";
    let deadline = Instant::now() + Duration::from_secs(10);
    while read_metric(&bridge.client, &metrics, failed).await < 2 {
        assert!(
            Instant::now() < deadline,
            "the mute dials were not given up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(connections.load(std::sync::atomic::Ordering::Relaxed) >= 2);
}
