//! The OneBot face's events and message actions over real sockets: every event kind the
//! simulated network can cause (caused through the control API, the XLZ API or OneBot
//! actions) read from the forward `/event` WebSocket, both message formats, the accounts'
//! own messages, message ids that survive a restart (`get_msg`, `delete_msg`, `reply`),
//! forgetting them as NapCat does, and each profile's id shape.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::Server;
use lizi::Settings;
use lizi_onebot::Profile;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A free loopback address for the OneBot listener.
fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

/// Gives the settings a fresh OneBot listener address; returns it.
fn listen_onebot(settings: &mut Settings) -> SocketAddr {
    let address = free_address();
    settings.onebot.listen = Some(address);
    address
}

/// Waits for the OneBot listener at `address`; returns its HTTP base URL.
async fn onebot_up(address: SocketAddr) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "no OneBot listener");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    format!("http://{address}")
}

/// Starts lizi with the OneBot face adjusted by `adjust`; returns the server and the
/// OneBot base URL.
async fn start(adjust: impl FnOnce(&mut Settings)) -> (Server, String) {
    let mut address = None;
    let server = Server::start_with(|settings| {
        address = Some(listen_onebot(settings));
        adjust(settings);
    })
    .await;
    let base = onebot_up(address.expect("address")).await;
    (server, base)
}

/// Opens `/event` for `self_id` and reads its lifecycle frame.
async fn events(base: &str, self_id: u64) -> Socket {
    let url = format!("{}/event?self_id={self_id}", base.replacen("http", "ws", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("event socket");
    let lifecycle = common::ws_frames::next_json(&mut socket).await;
    assert_eq!(lifecycle["sub_type"], "connect", "{lifecycle}");
    socket
}

async fn next(socket: &mut Socket) -> Value {
    common::ws_frames::next_json(socket).await
}

/// Calls a OneBot action by HTTP as `self_id`; returns the whole answer.
async fn action(server: &Server, base: &str, self_id: u64, name: &str, params: Value) -> Value {
    let response = server
        .client
        .post(format!("{base}/{name}"))
        .header("X-Self-ID", self_id.to_string())
        .json(&params)
        .send()
        .await
        .expect("action");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

/// Runs a control action that must succeed.
async fn sim(server: &Server, name: &str, body: Value) -> Value {
    let (status, answer) = server.sim(name, body.clone()).await;
    assert_eq!(status, 200, "/sim/{name} {body}: {answer}");
    answer
}

/// The messages of a `/sim/history` page.
async fn history(server: &Server, query: &str) -> Vec<Value> {
    let response = server
        .client
        .get(server.url(&format!("/sim/history?{query}")))
        .send()
        .await
        .expect("history");
    let page: Value = response.json().await.expect("json");
    page["messages"].as_array().expect("messages").clone()
}

/// The fields of `event` named in `expected` (a JSON object), for comparison.
fn pick(event: &Value, expected: &Value) -> Value {
    let keys = expected.as_object().expect("object").keys();
    Value::Object(keys.map(|k| (k.clone(), event[k].clone())).collect())
}

/// Runs a control action and asserts the next event has the fields of `expected`;
/// returns the event.
async fn cause(
    server: &Server,
    socket: &mut Socket,
    name: &str,
    body: Value,
    expected: Value,
) -> Value {
    sim(server, name, body).await;
    expect(socket, expected).await
}

/// Asserts the next event has the fields of `expected`; returns it.
async fn expect(socket: &mut Socket, expected: Value) -> Value {
    let event = next(socket).await;
    assert_eq!(pick(&event, &expected), expected, "{event}");
    event
}

#[tokio::test]
async fn group_notices_carry_their_users_operators_and_message_ids() {
    let (server, base) = start(|_| {}).await;
    let mut socket = events(&base, 10002).await;
    let notice = |kind: &str, sub: &str, user: u64, operator: u64| {
        json!({"post_type": "notice", "notice_type": kind, "sub_type": sub, "group_id": 30001,
               "user_id": user, "operator_id": operator, "self_id": 10002})
    };

    cause(
        &server,
        &mut socket,
        "set_admin",
        json!({"operator": 20001, "group": 30001, "member": 20002, "admin": true}),
        notice("group_admin", "set", 20002, 20001),
    )
    .await;
    cause(
        &server,
        &mut socket,
        "set_admin",
        json!({"operator": 20001, "group": 30001, "member": 20002, "admin": false}),
        notice("group_admin", "unset", 20002, 20001),
    )
    .await;

    cause(&server, &mut socket, "set_card", json!({"operator": 20002, "group": 30001, "member": 20002, "card": "bobby"}), json!({"notice_type": "group_card", "group_id": 30001, "user_id": 20002, "card_new": "bobby", "card_old": ""})).await;

    sim(
        &server,
        "mute",
        json!({"operator": 20001, "group": 30001, "member": 20003, "seconds": 60}),
    )
    .await;
    let mut ban = notice("group_ban", "ban", 20003, 20001);
    ban["duration"] = json!(60);
    expect(&mut socket, ban).await;
    sim(
        &server,
        "mute",
        json!({"operator": 20001, "group": 30001, "member": 20003, "seconds": 0}),
    )
    .await;
    let mut lift = notice("group_ban", "lift_ban", 20003, 20001);
    lift["duration"] = json!(0);
    expect(&mut socket, lift).await;

    // A whole-group mute, by 10001 through OneBot: `user_id` 0.
    let answer = action(
        &server,
        &base,
        10001,
        "set_group_whole_ban",
        json!({"group_id": 30001}),
    )
    .await;
    assert_eq!(answer["status"], "ok", "{answer}");
    expect(&mut socket, notice("group_ban", "ban", 0, 10001)).await;
    let answer = action(
        &server,
        &base,
        10001,
        "set_group_whole_ban",
        json!({"group_id": 30001, "enable": false}),
    )
    .await;
    assert_eq!(answer["status"], "ok", "{answer}");
    expect(&mut socket, notice("group_ban", "lift_ban", 0, 10001)).await;

    let upload = cause(
        &server,
        &mut socket,
        "upload_file",
        json!({"from": 20003, "group": 30001, "name": "notes.txt", "base64": "aGVsbG8="}),
        json!({"notice_type": "group_upload", "group_id": 30001, "user_id": 20003}),
    )
    .await;
    assert_eq!(upload["file"]["name"], "notes.txt", "{upload}");
    assert_eq!(upload["file"]["size"], 5, "{upload}");
    assert_eq!(upload["file"]["busid"], 102, "{upload}");
    assert!(
        upload["file"]["id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{upload}"
    );

    // A message and its recall name the same message id.
    let message = cause(
        &server,
        &mut socket,
        "message",
        json!({"from": 20003, "group": 30001, "text": "oops"}),
        json!({"message_type": "group", "sub_type": "normal", "user_id": 20003}),
    )
    .await;
    assert_eq!(message["sender"]["card"], "Carol", "{message}");
    assert_eq!(message["sender"]["role"], "member", "{message}");
    let sent = history(&server, "group=30001").await;
    let last = sent.last().expect("a message");
    sim(
        &server,
        "recall",
        json!({"user": 20001, "group": 30001, "req": last["req"], "random": last["random"]}),
    )
    .await;
    let mut recall = json!({"notice_type": "group_recall", "group_id": 30001, "user_id": 20003, "operator_id": 20001});
    recall["message_id"] = message["message_id"].clone();
    expect(&mut socket, recall).await;

    // The sender's role: the owner, and the admin 10001 as 10002 sees it.
    let boss = cause(
        &server,
        &mut socket,
        "message",
        json!({"from": 20001, "group": 30001, "text": "boss"}),
        json!({"user_id": 20001, "raw_message": "boss"}),
    )
    .await;
    assert_eq!(boss["sender"]["role"], "owner", "{boss}");
    let sent = action(
        &server,
        &base,
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": "admin"}),
    )
    .await;
    assert_eq!(sent["status"], "ok", "{sent}");
    let admin = expect(
        &mut socket,
        json!({"user_id": 10001, "raw_message": "admin"}),
    )
    .await;
    assert_eq!(admin["sender"]["role"], "admin", "{admin}");

    cause(
        &server,
        &mut socket,
        "kick",
        json!({"operator": 20001, "group": 30001, "member": 20003}),
        notice("group_decrease", "kick", 20003, 20001),
    )
    .await;
    cause(
        &server,
        &mut socket,
        "leave",
        json!({"user": 20002, "group": 30001}),
        notice("group_decrease", "leave", 20002, 20002),
    )
    .await;

    // A join request approved by the admin 10001: `group_increase` `approve`.
    let asked = sim(
        &server,
        "join_request",
        json!({"from": 20003, "group": 30001, "text": "back"}),
    )
    .await;
    let seq = asked["seq"].as_i64().expect("seq");
    let body = format!("fromqq=10001&group=30001&qq=20003&seq={seq}&op=11&type=3");
    assert_eq!(
        server.call("/setgroupaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    expect(
        &mut socket,
        notice("group_increase", "approve", 20003, 10001),
    )
    .await;

    // Kicked itself: `kick_me`.
    cause(
        &server,
        &mut socket,
        "kick",
        json!({"operator": 20001, "group": 30001, "member": 10002}),
        notice("group_decrease", "kick_me", 10002, 20001),
    )
    .await;
    server.stop().await;
}

#[tokio::test]
async fn requests_friend_notices_and_private_messages() {
    let (server, base) = start(|_| {}).await;
    let mut first = events(&base, 10001).await;
    let mut second = events(&base, 10002).await;

    let asked = sim(
        &server,
        "friend_request",
        json!({"from": 20003, "to": 10001, "text": "hello"}),
    )
    .await;
    let seq = asked["seq"].as_i64().expect("seq");
    expect(
        &mut first,
        json!({"post_type": "request", "request_type": "friend", "user_id": 20003, "comment": "hello",
               "flag": format!("friend:20003:{seq}")}),
    )
    .await;
    let body = format!("fromqq=10001&qq=20003&seq={seq}&op=1");
    assert_eq!(
        server.call("/setfriendaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    expect(
        &mut first,
        json!({"post_type": "notice", "notice_type": "friend_add", "user_id": 20003}),
    )
    .await;

    let asked = sim(
        &server,
        "join_request",
        json!({"from": 20003, "group": 30002, "text": "me too"}),
    )
    .await;
    let seq = asked["seq"].as_i64().expect("seq");
    expect(
        &mut first,
        json!({"request_type": "group", "sub_type": "add", "group_id": 30002, "user_id": 20003,
               "comment": "me too", "flag": format!("group:30002:20003:{seq}:3")}),
    )
    .await;

    let invited = sim(
        &server,
        "invite",
        json!({"from": 20002, "to": 10002, "group": 30002}),
    )
    .await;
    let seq = invited["seq"].as_i64().expect("seq");
    expect(
        &mut second,
        json!({"request_type": "group", "sub_type": "invite", "group_id": 30002, "user_id": 20002,
               "flag": format!("group:30002:20002:{seq}:1")}),
    )
    .await;
    let body = format!("fromqq=10002&group=30002&qq=20002&seq={seq}&op=11&type=1");
    assert_eq!(
        server.call("/setgroupaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    expect(
        &mut first,
        json!({"notice_type": "group_increase", "sub_type": "invite", "group_id": 30002, "user_id": 10002, "operator_id": 20002}),
    )
    .await;
    expect(
        &mut second,
        json!({"notice_type": "group_increase", "sub_type": "invite", "user_id": 10002}),
    )
    .await;

    // A friend message and its recall.
    let message = cause(&server, &mut first, "message", json!({"from": 20001, "to": 10001, "text": "psst"}), json!({"message_type": "private", "sub_type": "friend", "user_id": 20001, "raw_message": "psst"})).await;
    assert_eq!(message["sender"]["nickname"], "Alice", "{message}");
    let sent = history(&server, "a=10001&b=20001").await;
    let last = sent.last().expect("a message");
    sim(
        &server,
        "recall",
        json!({"user": 20001, "to": 10001, "req": last["req"], "random": last["random"]}),
    )
    .await;
    let mut recall = json!({"notice_type": "friend_recall", "user_id": 20001});
    recall["message_id"] = message["message_id"].clone();
    expect(&mut first, recall).await;

    // A temporary session through group 30001.
    let temp = cause(&server, &mut second, "message", json!({"from": 20003, "to": 10002, "group": 30001, "text": "temp"}), json!({"message_type": "private", "sub_type": "group", "user_id": 20003, "group_id": 30001, "temp_source": 0})).await;
    assert!(
        temp["sender"].get("group_id").is_none(),
        "NapCat's is at the top: {temp}"
    );

    // Pokes: a message that is only XLZ's poke code.
    let shake = "[Shake,name=戳一戳,Type=1,Id=1]";
    cause(&server, &mut first, "message", json!({"from": 20001, "to": 10001, "text": shake}), json!({"post_type": "notice", "notice_type": "notify", "sub_type": "poke", "user_id": 20001, "target_id": 10001})).await;
    cause(&server, &mut second, "message", json!({"from": 20003, "group": 30001, "text": "[Shake,QQ=10002]"}), json!({"notice_type": "notify", "sub_type": "poke", "group_id": 30001, "user_id": 20003, "target_id": 10002})).await;

    // An anonymous group message from 10001, as 10002 sees it.
    server
        .call(
            "/setgrouppriv_anonymous",
            "fromqq=10001&togroup=30001&allow=true",
        )
        .await;
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=who&anonymous=true",
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    let anonymous = expect(
        &mut second,
        json!({"message_type": "group", "sub_type": "anonymous", "user_id": 80000000}),
    )
    .await;
    assert_eq!(anonymous["anonymous"]["id"], 80000000, "{anonymous}");
    assert!(anonymous["anonymous"]["flag"].is_string(), "{anonymous}");
    server.stop().await;
}

#[tokio::test]
async fn messages_come_as_arrays_or_cq_strings_with_replies_voice_and_cards() {
    let (server, base) = start(|_| {}).await;
    let mut socket = events(&base, 10002).await;
    sim(
        &server,
        "message",
        json!({"from": 20003, "group": 30001, "text": "first [@10002]"}),
    )
    .await;
    let first = next(&mut socket).await;
    assert_eq!(
        first["message"],
        json!([{"type": "text", "data": {"text": "first "}}, {"type": "at", "data": {"qq": "10002"}}]),
        "{first}"
    );
    assert_eq!(first["raw_message"], "first [CQ:at,qq=10002]");
    let req = history(&server, "group=30001").await.last().expect("sent")["req"].clone();
    let text = format!("[Reply,Content=first,SendQQID=20003,Req={req},Random=1,SendTime=1]re[Audio,hash=ABCD][Json,Data={{\"a\":1}}][Shake,name=x]");
    sim(
        &server,
        "message",
        json!({"from": 20001, "group": 30001, "text": text}),
    )
    .await;
    let reply = next(&mut socket).await;
    assert_eq!(
        reply["message"],
        json!([
            {"type": "reply", "data": {"id": first["message_id"].to_string()}},
            {"type": "text", "data": {"text": "re"}},
            {"type": "record", "data": {"file": "ABCD"}},
            {"type": "json", "data": {"data": "{\"a\":1}"}},
            {"type": "text", "data": {"text": "[Shake,name=x]"}},
        ]),
        "{reply}"
    );
    server.stop().await;

    let (server, base) = start(|settings| {
        settings.onebot.message_format = "string".parse().expect("format");
    })
    .await;
    let mut socket = events(&base, 10002).await;
    sim(
        &server,
        "message",
        json!({"from": 20003, "group": 30001, "text": "a[b] [@10002]"}),
    )
    .await;
    let event = next(&mut socket).await;
    assert_eq!(event["message"], "a&#91;b&#93; [CQ:at,qq=10002]", "{event}");
    assert_eq!(event["raw_message"], event["message"]);
    assert_eq!(event["message_format"], "string");
    server.stop().await;
}

#[tokio::test]
async fn own_messages_are_reported_only_when_asked_and_as_the_profile_does() {
    // Off by default: the next event after an own message is someone else's.
    let (server, base) = start(|_| {}).await;
    let mut socket = events(&base, 10001).await;
    let sent = action(
        &server,
        &base,
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": "mine"}),
    )
    .await;
    assert_eq!(sent["status"], "ok", "{sent}");
    cause(
        &server,
        &mut socket,
        "message",
        json!({"from": 20003, "group": 30001, "text": "theirs"}),
        json!({"user_id": 20003, "raw_message": "theirs"}),
    )
    .await;
    server.stop().await;

    for (profile, post_type) in [
        (Profile::NapCat, "message_sent"),
        (Profile::Lagrange, "message"),
    ] {
        let (server, base) = start(|settings| {
            settings.onebot.report_self = true;
            settings.onebot.profile = profile;
        })
        .await;
        let mut socket = events(&base, 10001).await;
        let sent = action(
            &server,
            &base,
            10001,
            "send_group_msg",
            json!({"group_id": 30001, "message": "mine"}),
        )
        .await;
        let own = expect(
            &mut socket,
            json!({"post_type": post_type, "message_type": "group", "user_id": 10001, "self_id": 10001, "raw_message": "mine"}),
        )
        .await;
        assert_eq!(own["message_id"], sent["data"]["message_id"], "{own}");
        let sent = action(
            &server,
            &base,
            10001,
            "send_private_msg",
            json!({"user_id": 20001, "message": "dm"}),
        )
        .await;
        let own = expect(
            &mut socket,
            json!({"post_type": post_type, "message_type": "private", "user_id": 10001, "target_id": 20001}),
        )
        .await;
        assert_eq!(own["message_id"], sent["data"]["message_id"], "{own}");
        server.stop().await;
    }
}

#[tokio::test]
async fn message_ids_survive_a_restart_for_get_msg_reply_and_delete_msg() {
    let mut address = None;
    let server = Server::start_with(|settings| address = Some(listen_onebot(settings))).await;
    let base = onebot_up(address.expect("address")).await;
    let mut socket = events(&base, 10001).await;
    sim(
        &server,
        "message",
        json!({"from": 20003, "group": 30001, "text": "before"}),
    )
    .await;
    let before = next(&mut socket).await;
    let id = before["message_id"].as_i64().expect("message_id");
    drop(socket);

    let mut address = None;
    let server = server
        .restart(|settings| address = Some(listen_onebot(settings)))
        .await;
    let base = onebot_up(address.expect("address")).await;

    let got = action(&server, &base, 10001, "get_msg", json!({"message_id": id})).await;
    assert_eq!(got["status"], "ok", "{got}");
    let data = &got["data"];
    assert_eq!(
        pick(
            data,
            &json!({"message_id": id, "message_type": "group", "group_id": 30001, "user_id": 20003, "raw_message": "before"})
        ),
        json!({"message_id": id, "message_type": "group", "group_id": 30001, "user_id": 20003, "raw_message": "before"}),
        "{data}"
    );
    assert_eq!(data["sender"]["user_id"], 20003);
    assert_eq!(data["sender"]["nickname"], "Carol", "{data}");
    assert_eq!(data["sender"]["role"], "member", "{data}");
    assert_eq!(data["time"], before["time"]);

    // A reply to it, sent by 10001, carries XLZ's reply code with the message's Req.
    let message = json!([{"type": "reply", "data": {"id": id.to_string()}}, {"type": "text", "data": {"text": "answer"}}]);
    let sent = action(
        &server,
        &base,
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": message}),
    )
    .await;
    assert_eq!(sent["status"], "ok", "{sent}");
    let page = history(&server, "group=30001").await;
    let original = &page[0];
    let text = page.last().expect("the reply")["text"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(
        text.starts_with("[Reply,Content=before,SendQQID=20003,")
            && text.contains(&format!(
                ",Req={},Random={},",
                original["req"], original["random"]
            ))
            && text.ends_with("]answer"),
        "{text}"
    );

    // The history pages through both, oldest first.
    let page = action(
        &server,
        &base,
        10001,
        "get_group_msg_history",
        json!({"group_id": 30001}),
    )
    .await;
    let messages = page["data"]["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{page}");
    assert_eq!(messages[0]["message_id"], id);
    assert_eq!(messages[1]["message_id"], sent["data"]["message_id"]);
    assert_eq!(messages[1]["message"][0]["type"], "reply", "{page}");
    let older = action(
        &server,
        &base,
        10001,
        "get_group_msg_history",
        json!({"group_id": 30001, "message_seq": original["req"], "count": 5}),
    )
    .await;
    assert_eq!(
        older["data"]["messages"].as_array().map(Vec::len),
        Some(1),
        "{older}"
    );

    // Recalled by the admin 10001: the recall shows in the history.
    let deleted = action(
        &server,
        &base,
        10001,
        "delete_msg",
        json!({"message_id": id}),
    )
    .await;
    assert_eq!(deleted["status"], "ok", "{deleted}");
    assert_eq!(history(&server, "group=30001").await[0]["recalled"], true);
    let unknown = action(
        &server,
        &base,
        10001,
        "delete_msg",
        json!({"message_id": id ^ 0x1234}),
    )
    .await;
    assert_eq!(unknown["status"], "failed", "{unknown}");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("no message")),
        "{unknown}"
    );

    // Friend history, and a message of another pair is not shown to 10001.
    sim(
        &server,
        "message",
        json!({"from": 20001, "to": 10002, "text": "not yours"}),
    )
    .await;
    let theirs = history(&server, "a=10002&b=20001").await;
    let theirs_id =
        lizi_onebot_face::ids::encode(Profile::NapCat, theirs[0]["seq"].as_i64().expect("seq"));
    let hidden = action(
        &server,
        &base,
        10001,
        "get_msg",
        json!({"message_id": theirs_id}),
    )
    .await;
    assert_eq!(hidden["status"], "failed", "{hidden}");
    let outside = action(
        &server,
        &base,
        10002,
        "get_group_msg_history",
        json!({"group_id": 30002}),
    )
    .await;
    assert_eq!(
        outside["status"], "failed",
        "10002 is not in group 30002: {outside}"
    );
    let shown = action(
        &server,
        &base,
        10002,
        "get_friend_msg_history",
        json!({"user_id": 20001}),
    )
    .await;
    assert_eq!(
        shown["data"]["messages"][0]["message_id"], theirs_id,
        "{shown}"
    );

    // Reading marks nothing; a bundle that does not exist fails saying so.
    let read = action(
        &server,
        &base,
        10001,
        "mark_msg_as_read",
        json!({"message_id": id}),
    )
    .await;
    assert_eq!(read["status"], "ok", "{read}");
    let answer = action(
        &server,
        &base,
        10001,
        "get_forward_msg",
        json!({"id": "abc"}),
    )
    .await;
    assert_eq!(answer["status"], "failed", "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("abc")),
        "{answer}"
    );
    // A forwarded bundle made through the control API reads back by its resid.
    let (status, bundle) = server
        .sim(
            "bundle",
            json!({"messages": [
                {"from": 20001, "group": 30001, "text": "first [@10001]"},
                {"from": 20002, "text": "second"},
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{bundle}");
    let resid = bundle["resid"].as_str().expect("resid");
    let got = action(
        &server,
        &base,
        10001,
        "get_forward_msg",
        json!({"id": resid}),
    )
    .await;
    assert_eq!(got["status"], "ok", "{got}");
    let messages = got["data"]["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 2, "{got}");
    assert_eq!(messages[0]["user_id"], 20001);
    assert_eq!(
        messages[0]["message"],
        json!([
            {"type": "text", "data": {"text": "first "}},
            {"type": "at", "data": {"qq": "10001"}},
        ])
    );
    assert_eq!(messages[1]["raw_message"], "second");
    server.stop().await;
}

#[tokio::test]
async fn forgotten_ids_die_on_restart_when_asked() {
    let mut address = None;
    let server = Server::start_with(|settings| {
        address = Some(listen_onebot(settings));
        settings.onebot.forget_ids = true;
    })
    .await;
    let base = onebot_up(address.expect("address")).await;
    let sent = action(
        &server,
        &base,
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": "old"}),
    )
    .await;
    let old = sent["data"]["message_id"].clone();
    let got = action(&server, &base, 10001, "get_msg", json!({"message_id": old})).await;
    assert_eq!(got["status"], "ok", "known before the restart: {got}");

    let mut address = None;
    let server = server
        .restart(|settings| address = Some(listen_onebot(settings)))
        .await;
    let base = onebot_up(address.expect("address")).await;
    let got = action(&server, &base, 10001, "get_msg", json!({"message_id": old})).await;
    assert_eq!(got["status"], "failed", "{got}");
    assert!(
        got["message"]
            .as_str()
            .is_some_and(|m| m.contains("no longer known")),
        "{got}"
    );
    let sent = action(
        &server,
        &base,
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": "new"}),
    )
    .await;
    let got = action(
        &server,
        &base,
        10001,
        "get_msg",
        json!({"message_id": sent["data"]["message_id"]}),
    )
    .await;
    assert_eq!(got["status"], "ok", "{got}");
    server.stop().await;
}

#[tokio::test]
async fn each_profile_gives_ids_its_shape() {
    for profile in [Profile::NapCat, Profile::Lagrange, Profile::LLOneBot] {
        let (server, base) = start(|settings| settings.onebot.profile = profile).await;
        let mut ids = Vec::new();
        for n in 0..3 {
            let sent = action(
                &server,
                &base,
                10001,
                "send_group_msg",
                json!({"group_id": 30001, "message": format!("m{n}")}),
            )
            .await;
            ids.push(sent["data"]["message_id"].as_i64().expect("id"));
        }
        let rows = history(&server, "group=30001").await;
        let seqs: Vec<i64> = rows
            .iter()
            .map(|m| m["seq"].as_i64().expect("seq"))
            .collect();
        let reqs: Vec<i64> = rows
            .iter()
            .map(|m| m["req"].as_i64().expect("req"))
            .collect();
        for ((id, seq), req) in ids.iter().zip(&seqs).zip(&reqs) {
            assert!(i32::try_from(*id).is_ok(), "{profile:?} {id}");
            match profile {
                Profile::NapCat => assert!(*id > 0, "{id}"),
                Profile::Lagrange => assert_eq!(*id, seq << 16, "(seq<<16)|…"),
                Profile::LLOneBot => {}
            }
            assert_eq!(*id, lizi_onebot_face::ids::encode(profile, *seq));
            let got = action(&server, &base, 10001, "get_msg", json!({"message_id": id})).await;
            assert_eq!(got["data"]["message_id"], *id, "{profile:?} {got}");
            // The sequence fields as each implementation writes them: NapCat's `real_seq`
            // is a string, LLOneBot's `message_seq` a number, Lagrange has neither.
            let data = &got["data"];
            match profile {
                Profile::NapCat => {
                    assert_eq!(data["real_seq"], json!(req.to_string()), "{data}");
                    assert_eq!(data["message_seq"], json!(req), "{data}");
                    assert_eq!(data["real_id"], json!(id), "{data}");
                }
                Profile::LLOneBot => {
                    assert_eq!(data["message_seq"], json!(req), "{data}");
                    assert!(data.get("real_seq").is_none(), "{data}");
                }
                Profile::Lagrange => {
                    assert!(data.get("message_seq").is_none(), "{data}");
                    assert!(data.get("real_seq").is_none(), "{data}");
                }
            }
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn temporary_messages_carry_the_group_where_each_profile_puts_it() {
    for profile in [Profile::NapCat, Profile::LLOneBot, Profile::Lagrange] {
        let (server, base) = start(|settings| settings.onebot.profile = profile).await;
        let mut socket = events(&base, 10002).await;
        let body = json!({"from": 20003, "to": 10002, "group": 30001, "text": "temp"});
        let temp = cause(
            &server,
            &mut socket,
            "message",
            body,
            json!({"message_type": "private", "sub_type": "group", "user_id": 20003}),
        )
        .await;
        let (top, source, sender) = (
            temp.get("group_id").cloned(),
            temp.get("temp_source").cloned(),
            temp["sender"].get("group_id").cloned(),
        );
        match profile {
            Profile::NapCat => assert_eq!(
                (top, source, sender),
                (Some(json!(30001)), Some(json!(0)), None),
                "{temp}"
            ),
            Profile::LLOneBot => assert_eq!(
                (top, source, sender),
                (None, None, Some(json!(30001))),
                "{temp}"
            ),
            Profile::Lagrange => assert_eq!((top, source, sender), (None, None, None), "{temp}"),
        }
        server.stop().await;
    }
}

/// Runs the binary with the event settings from a flag, the environment and the config
/// file; returns it and its OneBot base URL.
fn spawn_binary(scratch: &common::Scratch, config: &str) -> (common::child::Lizi, String) {
    let data = scratch.data();
    let mut lizi = common::child::Lizi::spawn(
        &scratch.0,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
            "--config",
            config,
            "--onebot-listen",
            "127.0.0.1:0",
            "--onebot-forget-ids",
        ],
        &[("LIZI_ONEBOT_REPORT_SELF", "true")],
    );
    let line = lizi.line_with("onebot HTTP API listening on");
    let address = line
        .split_whitespace()
        .find_map(|word| word.parse::<SocketAddr>().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (lizi, format!("http://{address}"))
}

async fn post(base: &str, name: &str, params: Value) -> Value {
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/{name}"))
        .json(&params)
        .send()
        .await
        .expect("call");
    response.json().await.expect("json")
}

/// `--onebot-forget-ids` (flag), `LIZI_ONEBOT_REPORT_SELF` (environment) and
/// `onebot_message_format` (config file) all take effect; a bad format is refused.
#[tokio::test]
async fn the_binary_takes_the_event_settings_by_flag_environment_and_config() {
    let scratch = common::Scratch::new("onebot-events-binary");
    let config = scratch.write("lizi.toml", "onebot_message_format = \"string\"\n");
    let (mut lizi, base) = spawn_binary(&scratch, &config);
    let mut socket = events(&base, 10001).await;
    let sent = post(
        &base,
        "send_group_msg",
        json!({"group_id": 30001, "message": "[CQ:at,qq=20001] hi"}),
    )
    .await;
    let own = expect(
        &mut socket,
        json!({"post_type": "message_sent", "message": "[CQ:at,qq=20001] hi"}),
    )
    .await;
    assert_eq!(own["message_id"], sent["data"]["message_id"]);
    lizi.terminate();

    let (mut lizi, base) = spawn_binary(&scratch, &config);
    let got = post(
        &base,
        "get_msg",
        json!({"message_id": sent["data"]["message_id"]}),
    )
    .await;
    assert_eq!(got["status"], "failed", "forgotten on restart: {got}");
    lizi.terminate();

    let bad = scratch.write("bad.toml", "onebot_message_format = \"xml\"\n");
    let data = scratch.data();
    let mut lizi = common::child::Lizi::spawn(
        &scratch.0,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            &data,
            "--config",
            &bad,
        ],
        &[],
    );
    let (status, output) = lizi.wait_exit(Duration::from_secs(20));
    assert!(!status.success());
    assert!(
        output.contains("onebot_message_format") && output.contains("`xml`"),
        "{output}"
    );
}
