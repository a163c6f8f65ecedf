//! Friends and requests, profile and presence, cards, red packets and bundles, driven over
//! HTTP as a bot, with the control API acting as the other people.

mod common;

use common::{enc, Server};
use serde_json::{json, Value};

/// `(LogonQQ, Msg.Type, FromQQ.UIN, Msg.Seq, Msg.Text)` of each EventMsg; panics on others.
fn notices(events: &[Value]) -> Vec<(u64, i64, u64, i64, String)> {
    events
        .iter()
        .map(|e| {
            assert_eq!(e["Type"], "EventMsg", "{e}");
            (
                e["LogonQQ"].as_u64().unwrap(),
                e["Msg"]["Type"].as_i64().unwrap(),
                e["FromQQ"]["UIN"].as_u64().unwrap(),
                e["Msg"]["Seq"].as_i64().unwrap(),
                e["Msg"]["Text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The retcode of a retcode-text answer.
async fn retcode(server: &Server, path: &str, body: &str) -> i64 {
    server.call_retcode(path, body).await.1["retcode"]
        .as_i64()
        .unwrap()
}

async fn requests(server: &Server) -> Vec<Value> {
    let response = server
        .client
        .get(server.url("/sim/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    body["requests"].as_array().unwrap().clone()
}

fn friends(world: &Value) -> Vec<(u64, u64)> {
    world["friendships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_u64().unwrap(), p[1].as_u64().unwrap()))
        .collect()
}

fn members(world: &Value, gin: u64) -> Vec<u64> {
    let group = world["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gin"] == gin)
        .unwrap();
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["uin"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_users_friend_request_is_accepted_by_the_bot() {
    let server = Server::start().await;
    let s = server.session().await;
    let (status, answer) = server
        .sim(
            "friend_request",
            json!({"from": 20003, "to": 10001, "text": "hi bot"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let seq = answer["seq"].as_i64().unwrap();
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 105, 20003, seq, "hi bot".into())],
        "only the asked account sees it"
    );
    let pending = requests(&server).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (&pending[0]["seq"], &pending[0]["kind"], &pending[0]["from"]),
        (&json!(seq), &json!("friend"), &json!(20003))
    );

    // A wrong asker or handle changes nothing.
    let wrong = format!("fromqq=10001&qq=20002&seq={seq}&op=1");
    assert_eq!(retcode(&server, "/setfriendaddrequest", &wrong).await, 9);
    let wrong = format!("fromqq=10002&qq=20003&seq={seq}&op=1");
    assert_eq!(retcode(&server, "/setfriendaddrequest", &wrong).await, 9);
    assert!(server.events(s).await.is_empty());
    assert_eq!(requests(&server).await.len(), 1);

    let body = format!("fromqq=10001&qq=20003&seq={seq}&op=1");
    assert_eq!(
        server.call("/setfriendaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 104, 20003, 0, String::new())]
    );
    assert!(friends(&server.world().await).contains(&(10001, 20003)));
    assert!(requests(&server).await.is_empty());
    assert_eq!(
        retcode(&server, "/setfriendaddrequest", &body).await,
        9,
        "answered"
    );
}

#[tokio::test]
async fn the_bots_friend_requests_are_answered_by_users() {
    let server = Server::start().await;
    let s = server.session().await;
    let body = "fromqq=10002&toqq=20002&text=hello&remark=Bobby";
    assert_eq!(retcode(&server, "/addfriend", body).await, 0);
    assert_eq!(
        retcode(&server, "/addfriend", body).await,
        10,
        "already pending"
    );
    assert_eq!(
        retcode(&server, "/addfriend", "fromqq=10002&toqq=20001").await,
        10
    );
    assert!(
        server.events(s).await.is_empty(),
        "Bob is no framework account"
    );
    let seq = requests(&server).await[0]["seq"].as_i64().unwrap();

    let (status, _) = server
        .sim("answer", json!({"user": 20001, "seq": seq, "accept": true}))
        .await;
    assert_eq!(status, 404, "not Alice's request");
    let (status, _) = server
        .sim("answer", json!({"user": 10001, "seq": seq, "accept": true}))
        .await;
    assert_eq!(status, 409, "framework accounts answer over the API");
    let (status, answer) = server
        .sim("answer", json!({"user": 20002, "seq": seq, "accept": true}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        notices(&server.events(s).await),
        [
            (10002, 106, 20002, 0, String::new()),
            (10002, 104, 20002, 0, String::new()),
        ]
    );
    let list = server.call("/getfriendlist", "logonqq=10002").await;
    let bob = list["List"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["UIN"] == 20002)
        .cloned()
        .unwrap();
    assert_eq!(bob["Remark"], "Bobby");

    assert_eq!(
        retcode(&server, "/addfriend", "fromqq=10002&toqq=20003").await,
        0
    );
    let seq = requests(&server).await[0]["seq"].as_i64().unwrap();
    let (status, _) = server
        .sim(
            "answer",
            json!({"user": 20003, "seq": seq, "accept": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 107, 20003, 0, String::new())]
    );
    assert!(!friends(&server.world().await).contains(&(10002, 20003)));
}

#[tokio::test]
async fn join_requests_and_invitations() {
    let server = Server::start().await;
    let s = server.session().await;
    // Alice asks to join 30002, whose only manager is the owner 10001.
    let (_, answer) = server
        .sim(
            "join_request",
            json!({"from": 20001, "group": 30002, "text": "me too"}),
        )
        .await;
    let seq = answer["seq"].as_i64().unwrap();
    let events = server.events(s).await;
    assert_eq!(notices(&events), [(10001, 3, 20001, seq, "me too".into())]);
    assert_eq!(
        events[0]["FromGroup"],
        json!({"GIN": 30002, "Name": "lizi dev group"})
    );
    let by_10002 = format!("fromqq=10002&group=30002&qq=20001&seq={seq}&op=11&type=3");
    assert_eq!(retcode(&server, "/setgroupaddrequest", &by_10002).await, 6);
    let body = format!("fromqq=10001&group=30002&qq=20001&seq={seq}&op=11&type=3");
    assert_eq!(
        server.call("/setgroupaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 2, 20001, 0, String::new())]
    );
    assert!(members(&server.world().await, 30002).contains(&20001));

    // 10002 asks; Bob (a member) may not answer; the owner refuses with a reason.
    assert_eq!(
        retcode(&server, "/addgroup", "fromqq=10002&togroup=30002&text=pls").await,
        0
    );
    assert_eq!(
        retcode(&server, "/addgroup", "fromqq=10002&togroup=30001").await,
        10
    );
    let events = server.events(s).await;
    let seq = events[0]["Msg"]["Seq"].as_i64().unwrap();
    assert_eq!(notices(&events), [(10001, 3, 10002, seq, "pls".into())]);
    let (status, answer) = server
        .sim("answer", json!({"user": 20002, "seq": seq, "accept": true}))
        .await;
    assert_eq!(
        (status, answer["kind"].clone()),
        (409, json!("no_permission"))
    );
    let body = format!(
        "fromqq=10001&group=30002&qq=10002&seq={seq}&op=12&type=3&reason={}",
        enc("not now")
    );
    assert_eq!(
        server.call("/setgroupaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 42, 10002, 0, "not now".into())]
    );
    assert!(!members(&server.world().await, 30002).contains(&10002));

    // Bob invites 10002 into 30002; 10002 accepts.
    let (status, answer) = server
        .sim(
            "invite",
            json!({"from": 20002, "to": 10002, "group": 30002}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let seq = answer["seq"].as_i64().unwrap();
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 1, 20002, seq, String::new())]
    );
    let (status, _) = server
        .sim(
            "invite",
            json!({"from": 20002, "to": 20003, "group": 30002}),
        )
        .await;
    assert_eq!(status, 404, "only framework accounts are invited this way");
    let body = format!("fromqq=10002&group=30002&qq=20002&seq={seq}&op=11&type=1");
    assert_eq!(
        server.call("/setgroupaddrequest", &body).await,
        json!({"ret": "OK"})
    );
    // Joining on an invitation is "someone was invited in" (25), not a plain join (2).
    assert_eq!(
        notices(&server.events(s).await),
        [
            (10001, 25, 10002, 0, String::new()),
            (10002, 25, 10002, 0, String::new()),
        ]
    );
    assert!(members(&server.world().await, 30002).contains(&10002));
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn pending_requests_survive_a_restart() {
    let server = Server::start().await;
    assert_eq!(
        retcode(&server, "/addfriend", "fromqq=10001&toqq=20003&remark=C").await,
        0
    );
    let before = requests(&server).await;
    let server = server.restart(|_| {}).await;
    assert_eq!(requests(&server).await, before);
    let seq = before[0]["seq"].as_i64().unwrap();
    let (status, _) = server
        .sim("answer", json!({"user": 20003, "seq": seq, "accept": true}))
        .await;
    assert_eq!(status, 200);
    let list = server.call("/getfriendlist", "logonqq=10001").await;
    assert!(list["List"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["UIN"] == 20003 && f["Remark"] == "C"));
}

#[tokio::test]
async fn deleting_ignoring_and_caring() {
    let server = Server::start().await;
    let s = server.session().await;
    let ignore = "fromqq=10001&toqq=20001&ignore=true";
    assert_eq!(server.call("/setfriendignmsg", ignore).await["ret"], "true");
    server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "psst"}),
        )
        .await;
    assert!(server.events(s).await.is_empty(), "ignored");
    let unignore = "fromqq=10001&toqq=20001&ignore=false";
    assert_eq!(
        server.call("/setfriendignmsg", unignore).await["ret"],
        "true"
    );
    server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "hey"}),
        )
        .await;
    let events = server.events(s).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["Msg"]["Text"], "hey");

    assert_eq!(
        server
            .call("/setfriendcare", "fromqq=10001&toqq=20001&care=true")
            .await["ret"],
        "true"
    );
    assert_eq!(
        server
            .call("/setfriendcare", "fromqq=10001&toqq=20003&care=true")
            .await["ret"],
        "false"
    );

    assert_eq!(
        retcode(&server, "/deletefriend", "fromqq=10001&toqq=10002").await,
        0
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 100, 10001, 0, String::new())]
    );
    assert!(!friends(&server.world().await).contains(&(10001, 10002)));
    assert_eq!(
        retcode(&server, "/deletefriend", "fromqq=10001&toqq=10002").await,
        5
    );
}

#[tokio::test]
async fn profiles_and_presence() {
    let server = Server::start().await;
    let s = server.session().await;
    assert_eq!(
        server
            .call("/setnickname", "fromqq=10002&nickname=helper2")
            .await["ret"],
        "true"
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 102, 10002, 0, "helper2".into())],
        "10002's framework friend"
    );
    assert_eq!(
        server
            .call(
                "/setsignat",
                &format!("fromqq=10001&signature={}", enc("hi all"))
            )
            .await["ret"],
        "true"
    );
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 101, 10001, 0, "hi all".into())]
    );
    assert_eq!(
        server.call("/getsignat", "fromqq=10002&toqq=10001").await["ret"],
        "hi all"
    );
    server
        .sim("set_nickname", json!({"user": 20001, "nickname": "Alicia"}))
        .await;
    server
        .sim(
            "set_signature",
            json!({"user": 20002, "signature": "bob here"}),
        )
        .await;
    assert_eq!(
        notices(&server.events(s).await),
        [
            (10001, 102, 20001, 0, "Alicia".into()),
            (10002, 102, 20001, 0, "Alicia".into()),
            (10001, 101, 20002, 0, "bob here".into()),
        ]
    );

    let update = format!(
        "logonqq=10001&nick=botty&sex=2&birth={}&location={}&email={}&desc=d&company=c&profession=3",
        enc("2000/1/2"),
        enc("49|13110|56|NK|51"),
        enc("bot@example.com")
    );
    assert_eq!(server.call("/updatedata", &update).await["ret"], "true");
    assert_eq!(
        notices(&server.events(s).await),
        [(10002, 102, 10001, 0, "botty".into())]
    );
    let info = server
        .call("/queryuserinfo", "logonqq=10002&qq=10001")
        .await;
    assert_eq!(info["ret"], "true");
    let info = &info["Info"];
    assert_eq!(
        (
            &info["NickName"],
            &info["Email"],
            &info["Sign"],
            &info["Country"],
            &info["City"]
        ),
        (
            &json!("botty"),
            &json!("bot@example.com"),
            &json!("hi all"),
            &json!("49"),
            &json!("56")
        )
    );
    assert!(info["Age"].as_i64().unwrap() >= 24);
    assert_eq!(info["OnlineState"], "在线");

    let state = "fromqq=10001&state=41&power=80";
    assert_eq!(server.call("/setonlinestate", state).await["ret"], "true");
    let seen_by = |logon: u64| format!("logonqq={logon}&qq=10001");
    assert_eq!(
        server.call("/getqqonlinestate", &seen_by(10002)).await["ret"],
        "离线"
    );
    assert_eq!(
        server.call("/getqqonlinestate", &seen_by(10001)).await["ret"],
        "隐身"
    );
    assert!(server.events(s).await.is_empty());
}

#[tokio::test]
async fn likes_input_status_and_calls() {
    let server = Server::start().await;
    let s = server.session().await;
    for n in 1..=10 {
        assert_eq!(
            retcode(&server, "/sendlike", "fromqq=10001&toqq=10002").await,
            0
        );
        assert_eq!(
            notices(&server.events(s).await),
            [(10002, 108, 10001, 0, n.to_string())]
        );
    }
    let (_, inner) = server
        .call_retcode("/sendlike", "fromqq=10001&toqq=10002")
        .await;
    assert_eq!(inner["retcode"], 10);
    assert!(
        inner["retmsg"].as_str().unwrap().contains("10 times a day"),
        "{inner}"
    );
    assert_eq!(
        retcode(&server, "/sendlike", "fromqq=10001&toqq=20003").await,
        5
    );
    assert!(server.events(s).await.is_empty());
    let info = server
        .call("/queryuserinfo", "logonqq=10001&qq=10002")
        .await["Info"]
        .clone();
    assert_eq!(
        (&info["TodayLiked"], &info["CLike"]),
        (&json!(10), &json!(10))
    );

    let (status, _) = server
        .sim("like", json!({"from": 20001, "to": 10001}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 108, 20001, 0, "1".into())]
    );

    let typing = "logonqq=10001&toqq=10002&status=2";
    assert_eq!(server.call("/sendinputstatus", typing).await["ret"], "true");
    let events = server.events(s).await;
    assert_eq!(notices(&events), [(10002, 119, 10001, 0, "2".into())]);
    assert_eq!(events[0]["Msg"]["SubType"], 2);
    let calls = |to: u64| format!("logonqq=10001&toqq={to}");
    assert_eq!(
        server.call("/callfriend", &calls(20001)).await["ret"],
        "true"
    );
    assert_eq!(
        server.call("/callfriend", &calls(20003)).await["ret"],
        "false"
    );
}

#[tokio::test]
async fn session_keys_are_stable_per_account() {
    let server = Server::start_with(|s| s.api.key_access = true).await;
    let skey = server.call("/getskey", "logonqq=10001").await["ret"].clone();
    assert!(skey.as_str().unwrap().starts_with('@'), "{skey}");
    assert_eq!(server.call("/getskey", "logonqq=10001").await["ret"], skey);
    assert_ne!(server.call("/getskey", "logonqq=10002").await["ret"], skey);
    let pskey = |domain: &str| format!("logonqq=10001&domain={domain}");
    let qun = server.call("/getpskey", &pskey("qun.qq.com")).await["ret"].clone();
    assert_eq!(
        server.call("/getpskey", &pskey("qun.qq.com")).await["ret"],
        qun
    );
    assert_ne!(
        server.call("/getpskey", &pskey("qzone.qq.com")).await["ret"],
        qun
    );
    let client = server.call("/getclientkey", "logonqq=10001").await["ret"].clone();
    assert_eq!(client.as_str().unwrap().len(), 64);
    let server = server.restart(|_| {}).await;
    assert_eq!(
        server.call("/getskey", "logonqq=10001").await["ret"],
        skey,
        "saved"
    );
}

#[tokio::test]
async fn card_messages_music_and_gifts() {
    let server = Server::start().await;
    let s = server.session().await;
    let card = r#"{"app":"com.example","extra":{"appid":7},"list":[1,2]}"#;
    let body = format!("fromqq=10001&togroup=30001&json={}", enc(card));
    assert_eq!(retcode(&server, "/sendgroupjsonmsg", &body).await, 0);
    let events = server.events(s).await;
    let expected =
        r#"[Json,Data={"app":"com.example","extra":{"appid":7},"list":\u005b1,2\u005d}]"#;
    assert_eq!(events.len(), 2);
    for (event, logon) in events.iter().zip([10001, 10002]) {
        assert_eq!(event["Type"], "GroupMsg");
        assert_eq!(event["LogonQQ"], logon);
        assert_eq!(event["Msg"]["Text"], expected);
        assert_eq!(event["Msg"]["AppID"], 7);
    }
    let bad = format!("fromqq=10001&togroup=30001&json={}", enc("{nope"));
    assert_eq!(retcode(&server, "/sendgroupjsonlmsg", &bad).await, 11);

    let xml = r#"<?xml version="1.0"?><msg serviceID="1"><item/></msg>"#;
    let body = format!("fromqq=10001&toqq=10002&xml={}", enc(xml));
    let (answer, inner) = server.call_retcode("/sendprivatexmlmsg", &body).await;
    assert_eq!(inner["retcode"], 0);
    assert!(answer["req"].as_i64().unwrap() >= 1);
    let events = server.events(s).await;
    let text = format!("[Xml,Data={xml}]");
    assert_eq!(events.len(), 2, "receiver and sender");
    assert!(events
        .iter()
        .all(|e| e["Type"] == "PrivateMsg" && e["Msg"]["Text"] == text));
    let body = format!("fromqq=10001&toqq=20003&json={}", enc("{}"));
    assert_eq!(retcode(&server, "/sendprivatejsonmsg", &body).await, 5);

    let music = format!(
        "logonqq=10001&totype=1&to=30002&musicname=Song&singername=Singer&jumpurl={0}&wrapperurl={0}&fileurl={0}&apptype=4",
        enc("http://music.example/x")
    );
    assert_eq!(server.call("/sharemusic", &music).await["ret"], "true");
    let events = server.events(s).await;
    assert_eq!(events.len(), 1, "10002 is not in 30002");
    let text = events[0]["Msg"]["Text"].as_str().unwrap();
    assert!(
        text.starts_with("[Json,Data=") && text.contains(r#""title":"Song""#),
        "{text}"
    );

    let gift = "fromqq=10001&group=30001&toqq=20001&pkgid=299";
    assert_eq!(retcode(&server, "/sendfreepackage", gift).await, 0);
    let events = server.events(s).await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["Msg"]["Text"], "[Gift,ID=299,ToQQ=20001]");
    let gift = "fromqq=10001&group=30002&toqq=20001&pkgid=299";
    assert_eq!(
        retcode(&server, "/sendfreepackage", gift).await,
        6,
        "Alice is not in 30002"
    );
}

#[tokio::test]
async fn red_packets_and_forwarded_bundles() {
    let server = Server::start().await;
    let s = server.session().await;
    let packet = json!({"from": 20001, "group": 30001, "title": "恭喜", "amount": 100, "count": 2});
    let (status, answer) = server.sim("red_packet", packet).await;
    assert_eq!(status, 200, "{answer}");
    let id = answer["id"].as_str().unwrap().to_owned();
    let events = server.events(s).await;
    assert_eq!(events.len(), 2);
    assert!(events
        .iter()
        .all(|e| e["Msg"]["SubType"] == 78 && e["Msg"]["Text"] == "恭喜"));
    let list = server
        .call("/getgrouphb", "logonqq=10001&group=30001")
        .await;
    assert_eq!(list["ret"], "1");
    let item = &list["List"][0];
    assert_eq!(
        (
            &item["ListID"],
            &item["SenderUin"],
            &item["Amount"],
            &item["CountLeft"]
        ),
        (&json!(id), &json!(20001), &json!(100), &json!(2))
    );
    assert_eq!(
        server.call("/getgrouphb", "logonqq=10001").await["ret"],
        "1"
    );
    assert_eq!(
        server
            .call("/getgrouphb", "logonqq=10001&group=30002")
            .await["ret"],
        "0"
    );
    let bad = json!({"from": 20001, "group": 30001, "title": "x", "amount": 1, "count": 2});
    assert_eq!(server.sim("red_packet", bad).await.0, 400);

    let bundle = json!({"messages": [
        {"from": 20001, "group": 30001, "text": "first"},
        {"from": 20002, "text": "second [@10001]"},
    ]});
    let (status, answer) = server.sim("bundle", bundle).await;
    assert_eq!(status, 200, "{answer}");
    let resid = answer["resid"].as_str().unwrap();
    let body = format!("logonqq=10002&resid={resid}");
    let forwarded = server.call("/getforwardedmsg", &body).await;
    let list = forwarded["List"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["Type"], "GroupMsg");
    assert_eq!(list[0]["LogonQQ"], 10002);
    assert_eq!(list[0]["FromQQ"]["UIN"], 20001);
    assert_eq!(
        list[0]["FromGroup"],
        json!({"GIN": 30001, "name": "lizi test group"})
    );
    assert_eq!(list[1]["Msg"]["Text"], "second [@10001]");
    let missing = server
        .call("/getforwardedmsg", "logonqq=10002&resid=nope")
        .await;
    assert_eq!(missing["List"], json!([]));
    assert!(
        server.events(s).await.is_empty(),
        "a bundle is not a message"
    );
}
