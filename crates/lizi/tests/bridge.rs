//! The OneBot bridge backend end to end: lizi A runs `--backend onebot` as a child process;
//! lizi B runs the simulated network and dials A by reverse WebSocket through its OneBot
//! face, as NapCat would. XLZ requests to A act on B's world; B's messages reach A's
//! sessions as XLZ events.

mod common;

use std::time::{Duration, Instant};

use common::bridge::{dial, post_event, Bridge, Pair, PROFILES};
use common::child::Lizi;
use common::{enc, read_metric, Scratch, Server};
use serde_json::{json, Value};

/// Starts B (the simulated network) dialling `accept` with `token`.
async fn start_network(accept: &str, token: Option<&str>) -> Server {
    let url = format!("ws://{accept}/onebot/v11/ws");
    let token = token.map(str::to_owned);
    Server::start_with(move |settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.reconnect_ms = 100;
        settings.onebot.token = token;
    })
    .await
}

/// The messages of a conversation in B's world.
async fn history(network: &Server, query: &str) -> Vec<Value> {
    let answer: Value = reqwest::get(network.url(&format!("/sim/history?{query}")))
        .await
        .expect("history")
        .json()
        .await
        .expect("json");
    answer["messages"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn bridge_receives_sends_and_recalls_across_restarts() {
    let scratch = Scratch::new("bridge");
    let mut bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let mut network = start_network(&bridge.accept, None).await;
    bridge.wait_state(10001, "在线").await;
    let session = bridge.session().await;

    // A simulated user's group message reaches A's session as a GroupMsg.
    let (status, _) = network
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "hello [@10001] \\u005bx\\u005d"}),
        )
        .await;
    assert_eq!(status, 200);
    let received = bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == 20001
        })
        .await;
    assert_eq!(received["LogonQQ"], 10001);
    assert_eq!(received["FromGroup"]["GIN"], 30001);
    assert_eq!(received["Msg"]["Text"], "hello [@10001] \\u005bx\\u005d");
    assert!(
        received["Msg"]["Random"].as_i64().is_some_and(|r| r > 0),
        "{received}"
    );

    // A's sends appear in B's world and as A's own messages with their Req/Random.
    let sent = bridge
        .call(
            "/sendgroupmsg",
            &format!(
                "fromqq=10001&togroup=30001&text={}",
                enc("bridged [@20001]")
            ),
        )
        .await;
    let retcode: Value =
        serde_json::from_str(sent["ret"].as_str().unwrap_or("{}")).expect("retcode text");
    assert_eq!(retcode["retcode"], 0, "{sent}");
    let own = bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == 10001
        })
        .await;
    assert_eq!(own["Msg"]["Text"], "bridged [@20001]");
    let group_messages = history(&network, "group=30001").await;
    assert!(
        group_messages
            .iter()
            .any(|m| m["from"] == 10001 && m["text"] == "bridged [@20001]"),
        "{group_messages:#?}"
    );
    let private = bridge
        .call(
            "/sendprivatemsg",
            &format!("fromqq=10001&toqq=20001&text={}", enc("psst")),
        )
        .await;
    assert!(private["req"].as_i64().is_some_and(|r| r > 0), "{private}");
    let own_private = bridge
        .wait_event(session, |e| {
            e["Type"] == "PrivateMsg" && e["FromQQ"]["UIN"] == 10001
        })
        .await;
    assert_eq!(own_private["Msg"]["Req"], private["req"]);
    let private_messages = history(&network, "a=10001&b=20001").await;
    assert!(
        private_messages.iter().any(|m| m["text"] == "psst"),
        "{private_messages:#?}"
    );

    // A recall of a message the bridge knows goes to the implementation; an unknown one
    // fails without a call.
    let (req, random) = (own["Msg"]["Req"].clone(), own["Msg"]["Random"].clone());
    let recall = format!("fromqq=10001&group=30001&req={req}&random={random}");
    let unknown = bridge
        .call(
            "/deletegroupmsg",
            &format!("fromqq=10001&group=30001&req={req}&random=1"),
        )
        .await;
    assert_eq!(unknown["ret"], "false", "{unknown}");
    assert!(
        unknown["retmsg"]
            .as_str()
            .is_some_and(|m| m.contains("knows no message")),
        "{unknown}"
    );

    // The private message is recalled now, on B too.
    let private_time: Value =
        serde_json::from_str(private["ret"].as_str().unwrap_or("{}")).expect("retcode text");
    let answer = bridge
        .call(
            "/deleteprivatemsg",
            &format!(
                "fromqq=10001&toqq=20001&req={}&random={}&time={}",
                private["req"],
                private["random"],
                private_time["time"].as_str().unwrap_or("0")
            ),
        )
        .await;
    assert_eq!(answer["ret"], "true", "{answer}");
    let private_messages = history(&network, "a=10001&b=20001").await;
    assert!(
        private_messages
            .iter()
            .any(|m| m["text"] == "psst" && m["recalled"] == true),
        "{private_messages:#?}"
    );

    // After a restart of A, the group message sent before it is still known and recalled
    // on B (which dials A again).
    let accept = bridge.accept.clone();
    bridge.child.terminate();
    drop(bridge);
    let bridge = Bridge::start(&scratch, &accept, &[]);
    bridge.wait_state(10001, "在线").await;
    let answer = bridge.call("/deletegroupmsg", &recall).await;
    assert_eq!(answer["ret"], "true", "{answer}");
    let group_messages = history(&network, "group=30001").await;
    let recalled = group_messages
        .iter()
        .find(|m| m["text"] == "bridged [@20001]");
    assert_eq!(
        recalled.map(|m| m["recalled"].clone()),
        Some(json!(true)),
        "{group_messages:#?}"
    );

    // B going away leaves the account listed offline; it comes back online when B does.
    network = network.restart(|_| {}).await;
    bridge.wait_state(10001, "在线").await;
    network.stop().await;
    bridge.wait_state(10001, "离线").await;
    let offline = bridge
        .call("/sendgroupmsg", "fromqq=10001&togroup=30001&text=x")
        .await;
    assert!(offline.to_string().contains("not connected"), "{offline}");
    let _network = start_network(&accept, None).await;
    bridge.wait_state(10001, "在线").await;

    // What cannot work through OneBot fails saying so; the control API is not there.
    let call = bridge.call("/callfriend", "logonqq=10001&toqq=20001").await;
    assert!(
        call["retmsg"]
            .as_str()
            .is_some_and(|m| m.contains("cannot work through OneBot")),
        "{call}"
    );
    let world = bridge.call("/sim/world", "{}").await;
    assert!(
        world
            .to_string()
            .contains("not available with the onebot backend"),
        "{world}"
    );
}

/// The status of a WebSocket handshake to `accept` with `headers` (101 when it opened).
async fn handshake_status(url: String, headers: &[(&'static str, &str)]) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Error;
    let mut request = url.into_client_request().expect("request");
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, value.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, response)) => {
            drop(socket);
            response.status().as_u16()
        }
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(error) => panic!("the handshake failed without an answer: {error}"),
    }
}

#[tokio::test]
async fn bridge_checks_the_token_and_refuses_an_open_address_without_one() {
    let scratch = Scratch::new("bridge-token");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &["--onebot-token", "secret"]);
    let url = format!("ws://{}/", bridge.accept);
    let account = ("X-Self-ID", "10001");
    // Refused from the head, before any upgrade: none is 401, a wrong one 403.
    assert_eq!(handshake_status(url.clone(), &[account]).await, 401);
    for wrong in ["Bearer wrong", "Token secret", "secret"] {
        let status = handshake_status(url.clone(), &[account, ("Authorization", wrong)]).await;
        assert_eq!(status, 403, "{wrong}");
    }
    let wrong_query = format!("{url}?access_token=wrong");
    assert_eq!(handshake_status(wrong_query, &[account]).await, 403);
    // The standard's forms: `Bearer` in any case, or `access_token` in the query.
    for right in ["Bearer secret", "bearer secret", "BEARER secret"] {
        let status = handshake_status(url.clone(), &[account, ("Authorization", right)]).await;
        assert_eq!(status, 101, "{right}");
    }
    let query = format!("{url}?access_token=secret");
    assert_eq!(handshake_status(query, &[account]).await, 101);
    // A handshake that names no account is refused, and says why.
    let status = handshake_status(url.clone(), &[("Authorization", "Bearer secret")]).await;
    assert_eq!(status, 400);
    let metrics = format!("{}/metrics", bridge.base);
    let refused = "lizi_http_refused_total{listener=\"bridge\",reason=\"credentials\"}";
    assert_eq!(read_metric(&bridge.client, &metrics, refused).await, 5);

    let open = Scratch::new("bridge-open");
    let data = open.data();
    let args = [
        "serve",
        "--backend",
        "onebot",
        "--onebot-accept",
        "0.0.0.0:0",
        "--listen",
        "127.0.0.1:0",
        "--data",
        &data,
    ];
    let mut child = Lizi::spawn(&open.0, &args, &[]);
    let (status, stderr) = child.wait_exit(Duration::from_secs(20));
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("--onebot-token"), "{stderr}");
}

#[tokio::test]
async fn the_accept_port_has_its_own_connection_cap_and_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let scratch = Scratch::new("bridge-cap");
    let flags = ["--max-connections", "2", "--header-timeout-ms", "500"];
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &flags);
    // Two implementations fill the accept port.
    let mut held = Vec::new();
    for account in ["10001", "10002"] {
        let mut request = format!("ws://{}/", bridge.accept)
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("X-Self-ID", account.parse().expect("header"));
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("an implementation within the cap is accepted");
        held.push(socket);
    }
    // A third is closed unanswered; the XLZ port, with a cap of its own, still answers.
    let mut refused = tokio::net::TcpStream::connect(&bridge.accept)
        .await
        .expect("connect");
    let head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Self-ID: 10003\r\n\r\n";
    let _ = refused.write_all(head.as_bytes()).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), refused.read_to_end(&mut answer));
    let _ = read
        .await
        .expect("a connection over the cap is closed at once");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    let state = bridge.call("/getlogonqq", "").await;
    assert!(state["ret"].is_string(), "{state}");
    let metrics = format!("{}/metrics", bridge.base);
    let metric = |name: &str| format!("{name}{{listener=\"bridge\"}}");
    let over_cap = metric("lizi_http_connections_refused_total");
    assert_eq!(read_metric(&bridge.client, &metrics, &over_cap).await, 1);
    let api_over_cap = "lizi_http_connections_refused_total{listener=\"api\"}";
    assert_eq!(read_metric(&bridge.client, &metrics, api_over_cap).await, 0);

    // A connection that sends no head is closed after the header timeout.
    drop(held);
    let open = metric("lizi_http_connections");
    let deadline = Instant::now() + Duration::from_secs(10);
    while read_metric(&bridge.client, &metrics, &open).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the dropped connections stay open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut silent = tokio::net::TcpStream::connect(&bridge.accept)
        .await
        .expect("connect");
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), silent.read_to_end(&mut rest));
    let _ = read.await.expect("a silent connection is closed");
    assert!(started.elapsed() >= Duration::from_millis(400));
    let timeouts = metric("lizi_http_header_timeouts_total");
    assert!(read_metric(&bridge.client, &metrics, &timeouts).await >= 1);
}

/// B's view of group 30001's member `uin`.
async fn member(network: &Server, uin: u64) -> Option<Value> {
    let group: Value = reqwest::get(network.url("/sim/group?gin=30001"))
        .await
        .expect("group")
        .json()
        .await
        .expect("json");
    group["members"]
        .as_array()?
        .iter()
        .find(|m| m["uin"] == uin)
        .cloned()
}

#[tokio::test]
async fn bridge_lists_and_administers_groups_through_the_implementation() {
    let scratch = Scratch::new("bridge-admin");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let network = start_network(&bridge.accept, None).await;
    bridge.wait_state(10001, "在线").await;

    let groups = bridge.call("/getgrouplist", "logonqq=10001").await;
    assert!(
        groups["List"]
            .as_array()
            .is_some_and(|l| l.iter().any(|g| g["GIN"] == 30001)),
        "{groups}"
    );
    let members = bridge
        .call("/getgroupmemberlist", "logonqq=10001&group=30001")
        .await;
    assert!(
        members["List"]
            .as_array()
            .is_some_and(|l| l.iter().any(|m| m["UIN"] == 20003)),
        "{members}"
    );
    let friends = bridge.call("/getfriendlist", "logonqq=10001").await;
    assert!(
        friends["List"].as_array().is_some_and(|l| !l.is_empty()),
        "{friends}"
    );

    let muted = bridge
        .call(
            "/mutegroupmember",
            "fromqq=10001&group=30001&toqq=20003&time=600",
        )
        .await;
    assert_eq!(muted["ret"], "true", "{muted}");
    let left = member(&network, 20003).await.expect("member")["mute_left"].as_i64();
    assert!(left.is_some_and(|left| left > 0), "{left:?}");
    let kicked = bridge
        .call("/kickgroupmember", "fromqq=10001&group=30001&toqq=20003")
        .await;
    assert_eq!(kicked["ret"], "true", "{kicked}");
    assert!(member(&network, 20003).await.is_none());

    // The implementation's refusal comes back as a failure naming it.
    let refused = bridge
        .call("/kickgroupmember", "fromqq=10001&group=30001&toqq=20001")
        .await;
    assert_eq!(refused["ret"], "false", "{refused}");
    assert!(
        refused["retmsg"]
            .as_str()
            .is_some_and(|m| m.contains("`set_group_kick` failed")),
        "{refused}"
    );
}

#[tokio::test]
async fn bridge_takes_one_connection_per_account_converts_its_events_and_answers_requests() {
    use futures_util::StreamExt;
    let scratch = Scratch::new("bridge-events");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let session = bridge.session().await;
    let mut first = dial(&bridge.accept, "NapCat.Onebot", "first").await;
    bridge.wait_state(777, "在线").await;

    // A second connection of the account replaces the first, which is closed.
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match first.next().await {
                None | Some(Err(_)) => return,
                Some(Ok(frame)) if frame.is_close() => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the replaced connection stays open");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = bridge.call("/getlogonqq", "").await;
        if list["ret"].as_str().is_some_and(|l| l.contains("Seven")) {
            assert!(
                list["ret"].as_str().is_some_and(|l| l.contains("在线")),
                "{list}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "{list}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A message (sent twice, as after a replay), a mute and a recall.
    let message = json!({
        "time": 1_700_000_000, "self_id": 777, "post_type": "message", "message_type": "group",
        "sub_type": "normal", "message_id": -12345, "group_id": 4242, "user_id": 31,
        "message": [{"type": "text", "data": {"text": "hi"}}, {"type": "face", "data": {"id": "14"}}],
        "sender": {"user_id": 31, "nickname": "Thirty-one", "card": "31st"},
        "group_name": "Forty-two", "real_seq": "55",
    });
    post_event(&mut socket, message.clone()).await;
    post_event(&mut socket, message).await;
    post_event(
        &mut socket,
        json!({"time": 1_700_000_001, "self_id": 777, "post_type": "notice",
        "notice_type": "group_ban", "sub_type": "ban", "group_id": 4242, "user_id": 31,
        "operator_id": 777, "duration": 600}),
    )
    .await;
    post_event(
        &mut socket,
        json!({"time": 1_700_000_002, "self_id": 777, "post_type": "notice",
        "notice_type": "group_recall", "group_id": 4242, "user_id": 31, "operator_id": 31,
        "message_id": -12345}),
    )
    .await;

    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while events.len() < 5 {
        let answer = bridge
            .call("/geteventv2", &format!("sessid={session}"))
            .await;
        events.extend(
            answer["events"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| e["LogonQQ"] == 777),
        );
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let kinds: Vec<Value> = events
        .iter()
        .map(|e| match e["Type"].as_str() {
            Some("EventMsg") => e["Msg"]["Type"].clone(),
            _ => e["Type"].clone(),
        })
        .collect();
    // Login (31) twice, the message once, the mute (7), the recall (8).
    assert_eq!(
        kinds,
        vec![json!(31), json!(31), json!("GroupMsg"), json!(7), json!(8)],
        "{events:#?}"
    );
    let message = &events[2];
    assert_eq!(message["Msg"]["Req"], 55);
    assert_eq!(message["Msg"]["Text"], "hi[Face,Id=14,name=微笑]");
    assert_eq!(message["FromQQ"]["Card"], "31st");
    assert_eq!(message["FromGroup"]["name"], "Forty-two");
    assert_eq!(events[3]["Msg"]["Text"], "600");
    assert_eq!(events[4]["Msg"]["Seq"], 55);
    assert_eq!(events[4]["Msg"]["Text"], "hi[Face,Id=14,name=微笑]");

    // A failure names the detected implementation.
    let failed = bridge.call("/sendgroupmsg", "fromqq=777&togroup=4242&text=x");
    let answer = async {
        use futures_util::SinkExt;
        let frame = socket.next().await.expect("a frame").expect("readable");
        let action: Value = serde_json::from_str(frame.to_text().expect("text")).expect("json");
        let refusal = json!({"status": "failed", "retcode": 1200, "message": "risk control", "echo": action["echo"]});
        socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                refusal.to_string(),
            ))
            .await
            .expect("answer");
    };
    let (failed, ()) = tokio::join!(failed, answer);
    let retcode: Value =
        serde_json::from_str(failed["ret"].as_str().expect("ret")).expect("retcode");
    assert!(
        retcode["retmsg"]
            .as_str()
            .is_some_and(|m| m.starts_with("napcat: ") && m.contains("risk control")),
        "{failed}"
    );

    // A send the implementation also reports as `message_sent` appears once, with the
    // Req/Random the send answered.
    let sent = bridge.call("/sendprivatemsg", "fromqq=777&toqq=31&text=once");
    let implementation = async {
        use futures_util::SinkExt;
        let frame = socket.next().await.expect("a frame").expect("readable");
        let action: Value = serde_json::from_str(frame.to_text().expect("text")).expect("json");
        let ok = json!({"status": "ok", "retcode": 0, "data": {"message_id": 900}, "echo": action["echo"]});
        socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                ok.to_string(),
            ))
            .await
            .expect("answer");
    };
    let (sent, ()) = tokio::join!(sent, implementation);
    post_event(
        &mut socket,
        json!({"time": 1_700_000_004, "self_id": 777, "post_type": "message_sent",
        "message_type": "private", "sub_type": "friend", "message_id": 900, "user_id": 777,
        "target_id": 31, "message": "once", "sender": {"user_id": 777}}),
    )
    .await;
    let own = bridge
        .wait_event_of(777, session, |e| e["Type"] == "PrivateMsg")
        .await;
    assert_eq!(
        (&own["Msg"]["Req"], &own["Msg"]["Text"]),
        (&sent["req"], &json!("once")),
        "{sent}"
    );

    // A friend request gets a handle; answering it sends the implementation's flag back.
    post_event(
        &mut socket,
        json!({"time": 1_700_000_003, "self_id": 777, "post_type": "request",
        "request_type": "friend", "user_id": 32, "comment": "me too", "flag": "flag-32"}),
    )
    .await;
    let request = bridge
        .wait_event_of(777, session, |e| {
            assert_ne!(e["Type"], "PrivateMsg", "a second own message: {e}");
            e["Msg"]["Type"] == 105
        })
        .await;
    assert_eq!(request["Msg"]["Text"], "me too");
    let seq = request["Msg"]["Seq"].clone();
    let unknown = bridge
        .call("/setfriendaddrequest", "fromqq=777&qq=32&seq=99&op=1")
        .await;
    assert!(
        unknown.to_string().contains("knows no request"),
        "{unknown}"
    );
    let answer_body = format!("fromqq=777&qq=32&seq={seq}&op=1");
    let answered = bridge.call("/setfriendaddrequest", &answer_body);
    let implementation = async {
        use futures_util::SinkExt;
        let frame = socket.next().await.expect("a frame").expect("readable");
        let action: Value = serde_json::from_str(frame.to_text().expect("text")).expect("json");
        let ok = json!({"status": "ok", "retcode": 0, "data": null, "echo": action["echo"]});
        socket
            .send(tokio_tungstenite::tungstenite::Message::text(
                ok.to_string(),
            ))
            .await
            .expect("answer");
        action
    };
    let (answered, action) = tokio::join!(answered, implementation);
    assert_eq!(answered["ret"], "OK", "{answered}");
    assert_eq!(action["action"], "set_friend_add_request");
    assert_eq!(
        action["params"],
        json!({"flag": "flag-32", "approve": true})
    );
}

/// Starts B dialling `accept` NapCat-like: what arrives while no connection is open is
/// skipped, and a dropped connection is dialled again only after two seconds.
async fn start_dropping_network(accept: &str) -> Server {
    let url = format!("ws://{accept}/onebot/v11/ws");
    Server::start_with(move |settings| {
        settings.onebot.reverse_urls = vec![url];
        settings.onebot.reconnect_ms = 2000;
        settings.onebot.drop_while_disconnected = true;
    })
    .await
}

/// Has simulated user 20001 say `text` in group 30001 on B.
async fn say(network: &Server, text: &str) {
    let (status, answer) = network
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": text}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

/// The texts of account 10001's group messages in `session`, up to and with `last`.
async fn group_texts_until(bridge: &Bridge, session: u64, last: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut texts = Vec::new();
    loop {
        let answer = bridge
            .call("/geteventv2", &format!("sessid={session}"))
            .await;
        for event in answer["events"].as_array().cloned().unwrap_or_default() {
            if event["LogonQQ"] == 10001 && event["Type"] == "GroupMsg" {
                texts.push(event["Msg"]["Text"].as_str().unwrap_or("").to_owned());
            }
        }
        if texts.iter().any(|text| text == last) {
            return texts;
        }
        assert!(Instant::now() < deadline, "no {last:?} among {texts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn bridge_refills_the_messages_missed_while_the_connection_was_down() {
    let scratch = Scratch::new("bridge-refill");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let network = start_dropping_network(&bridge.accept).await;
    bridge.wait_state(10001, "在线").await;
    let session = bridge.session().await;
    say(&network, "before").await;
    assert_eq!(
        group_texts_until(&bridge, session, "before").await,
        ["before"]
    );

    // B closes its connection and skips what arrives until it dials again.
    let (status, answer) = network
        .sim("onebot_fault", json!({"kind": "close_connections"}))
        .await;
    assert_eq!(status, 200, "{answer}");
    bridge.wait_state(10001, "离线").await;
    for text in ["one", "two", "three"] {
        say(&network, text).await;
    }
    bridge.wait_state(10001, "在线").await;
    say(&network, "after").await;
    assert_eq!(
        group_texts_until(&bridge, session, "after").await,
        ["one", "two", "three", "after"]
    );
}

#[tokio::test]
async fn bridge_emits_a_message_reported_twice_once() {
    let scratch = Scratch::new("bridge-duplicate");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let network = start_network(&bridge.accept, None).await;
    bridge.wait_state(10001, "在线").await;
    let session = bridge.session().await;
    // Every account of B has a connection: enough duplicates for all of them.
    let (status, answer) = network
        .sim(
            "onebot_fault",
            json!({"kind": "duplicate_events", "count": 20}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    say(&network, "twice").await;
    say(&network, "next").await;
    assert_eq!(
        group_texts_until(&bridge, session, "next").await,
        ["twice", "next"]
    );
}

#[tokio::test]
async fn bridge_says_when_messages_may_be_missing_if_history_is_not_offered() {
    use futures_util::{SinkExt, StreamExt};
    let scratch = Scratch::new("bridge-gap");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let session = bridge.session().await;
    let mut socket = dial(&bridge.accept, "Lagrange.OneBot", "Seven").await;
    bridge.wait_state(777, "在线").await;
    post_event(
        &mut socket,
        json!({"time": 1_700_000_000, "self_id": 777, "post_type": "message",
        "message_type": "group", "message_id": 5, "group_id": 4242, "user_id": 31,
        "message": "seen", "sender": {"user_id": 31}}),
    )
    .await;
    bridge
        .wait_event_of(777, session, |e| e["Msg"]["Text"] == "seen")
        .await;
    drop(socket);
    bridge.wait_state(777, "离线").await;

    // Back again: the bridge asks the group's history, which this implementation refuses.
    let mut socket = dial(&bridge.accept, "Lagrange.OneBot", "Seven").await;
    let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("a history call")
        .expect("a frame")
        .expect("readable");
    let action: Value = serde_json::from_str(frame.to_text().expect("text")).expect("json");
    assert_eq!(action["action"], "get_group_msg_history", "{action}");
    assert_eq!(action["params"]["group_id"], 4242, "{action}");
    let refusal = json!({"status": "failed", "retcode": 1404, "message": "unsupported action",
        "echo": action["echo"]});
    socket
        .send(tokio_tungstenite::tungstenite::Message::text(
            refusal.to_string(),
        ))
        .await
        .expect("answer");
    let gap = bridge
        .wait_event_of(777, session, |e| e["Msg"]["Type"] == 900)
        .await;
    let text = gap["Msg"]["Text"].as_str().unwrap_or("");
    assert!(
        text.starts_with("the connection to lagrange was lost from ")
            && text.ends_with("messages in that time may be missing"),
        "{gap}"
    );
}

/// `backend` and `onebot_accept` read from the config file; a bad backend name is refused.
#[test]
fn the_backend_settings_come_from_the_config_file_too() {
    let scratch = Scratch::new("bridge-settings");
    let resolve = |text: &str| {
        let path = scratch.write("lizi.toml", text);
        lizi::Settings::resolve(lizi::ServeArgs {
            config: Some(path.into()),
            ..Default::default()
        })
    };
    let settings =
        resolve("backend = \"onebot\"\nonebot_accept = \"127.0.0.1:7000\"\n").expect("settings");
    assert_eq!(settings.backend, lizi::settings::BackendKind::OneBot);
    assert_eq!(settings.onebot_accept.to_string(), "127.0.0.1:7000");
    let defaults = resolve("").expect("settings");
    assert_eq!(defaults.backend, lizi::settings::BackendKind::Sim);
    assert_eq!(defaults.onebot_accept.to_string(), "127.0.0.1:6700");
    let error = format!("{:#}", resolve("backend = \"xlz\"\n").expect_err("refused"));
    assert!(error.contains("unknown backend `xlz`"), "{error}");
}

/// The retcode text of an XLZ send answer.
fn send_retcode(answer: &Value) -> Value {
    serde_json::from_str(answer["ret"].as_str().unwrap_or("{}"))
        .unwrap_or_else(|e| panic!("not retcode text ({e}): {answer}"))
}

/// The value of counter `name` in A's `/metrics`.
async fn counter(bridge: &Bridge, name: &str) -> u64 {
    common::read_metric(&bridge.client, &format!("{}/metrics", bridge.base), name).await
}

#[tokio::test]
async fn bridge_paces_a_burst_of_sends_and_refuses_the_overflow() {
    let scratch = Scratch::new("bridge-pacing");
    // Group 30001: a burst of 3, then one message every 2 s; a send waits at most 3 s.
    let bridge = Bridge::start(
        &scratch,
        "127.0.0.1:0",
        &["--bridge-group-rate", "30", "--bridge-send-wait-ms", "3000"],
    );
    let network = start_network(&bridge.accept, None).await;
    bridge.wait_state(10001, "在线").await;

    let started = Instant::now();
    let sends = (0..6).map(|n| {
        let bridge = &bridge;
        async move {
            let body = format!("fromqq=10001&togroup=30001&text=paced{n}");
            let answer = bridge.call("/sendgroupmsg", &body).await;
            (send_retcode(&answer), started.elapsed())
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let (sent, refused): (Vec<_>, Vec<_>) = answers
        .iter()
        .partition(|(retcode, _)| retcode["retcode"] == 0);
    // Three go at once, one waits its turn (2 s later), the rest would wait too long.
    assert_eq!((sent.len(), refused.len()), (4, 2), "{answers:#?}");
    let mut times: Vec<Duration> = sent.iter().map(|(_, at)| *at).collect();
    times.sort();
    assert!(times[3] >= Duration::from_millis(1500), "{answers:#?}");
    for (retcode, at) in &refused {
        let retmsg = retcode["retmsg"].as_str().unwrap_or_default();
        assert!(
            retmsg.contains("paced out") && retmsg.contains("retry in"),
            "{retcode}"
        );
        assert!(*at < Duration::from_millis(1500), "refused at once: {at:?}");
    }
    let texts: Vec<Value> = history(&network, "group=30001")
        .await
        .into_iter()
        .filter(|m| m["text"].as_str().is_some_and(|t| t.starts_with("paced")))
        .collect();
    assert_eq!(texts.len(), 4, "{texts:#?}");
    assert_eq!(counter(&bridge, "lizi_bridge_sends_paced_total").await, 1);
    assert_eq!(counter(&bridge, "lizi_bridge_sends_refused_total").await, 2);
}

#[tokio::test]
async fn bridge_reports_risk_control_and_counts_it() {
    let scratch = Scratch::new("bridge-risk");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[]);
    let network = start_network(&bridge.accept, None).await;
    bridge.wait_state(10001, "在线").await;
    assert_eq!(counter(&bridge, "lizi_bridge_risk_control_total").await, 0);
    let (status, answer) = network
        .sim("onebot_fault", json!({"kind": "fail_actions", "count": 1}))
        .await;
    assert_eq!(status, 200, "{answer}");
    let answer = bridge
        .call("/sendgroupmsg", "fromqq=10001&togroup=30001&text=held")
        .await;
    let retcode = send_retcode(&answer);
    assert_ne!(retcode["retcode"], 0, "{answer}");
    let retmsg = retcode["retmsg"].as_str().unwrap_or_default();
    assert!(
        retmsg.starts_with("QQ risk control: ") && retmsg.contains("half rate"),
        "{retcode}"
    );
    assert_eq!(counter(&bridge, "lizi_bridge_risk_control_total").await, 1);
    assert!(history(&network, "group=30001")
        .await
        .iter()
        .all(|m| m["text"] != "held"));
}

#[tokio::test]
async fn bridge_carries_messages_both_ways_with_b_as_a_process_in_every_profile() {
    for profile in PROFILES {
        let pair = Pair::start("bridge-profiles", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;
        network.say(20001, 30001, "hello from B").await;
        let received = bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == 20001
            })
            .await;
        assert_eq!(received["Msg"]["Text"], "hello from B", "{profile}");
        let (answer, retcode) = bridge
            .call_retcode(
                "/sendgroupmsg",
                &format!("fromqq=10001&togroup=30001&text={}", enc("hello from A")),
            )
            .await;
        assert_eq!(retcode["retcode"], 0, "{profile}: {answer}");
        let said = network.history("group=30001").await;
        assert!(
            said.iter().any(|m| m["text"] == "hello from A"),
            "{profile}: {said:#?}"
        );
    }
}
