//! Sessions and the event buffer (docs/xlz-api.md#sessions-and-the-event-buffer), and the events of the first simulated
//! endpoints (docs/xlz-api.md#event-objects), through the real HTTP interface.

mod common;

use common::{enc, Server};
use serde_json::{json, Value};

const TRICKY: &str = "it's \"quoted\" \\ back\tslash\nnew line 你好 😀 [@10001]";
/// `TRICKY` as events show it: its literal backslash escaped (docs/xlz-api.md#text-codes).
const TRICKY_SHOWN: &str = "it's \"quoted\" \\u005c back\tslash\nnew line 你好 😀 [@10001]";

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["Type"] == kind).collect()
}

#[tokio::test]
async fn getevent_framing_is_exact() {
    let server = Server::start().await;
    let session = server.session().await;
    assert_eq!(
        server.post("/getevent", &format!("sessid={session}")).await,
        (200, String::new())
    );

    let (status, _) = server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": TRICKY}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": TRICKY}),
        )
        .await;
    assert_eq!(status, 200);

    let (status, body) = server.post("/getevent", &format!("sessid={session}")).await;
    assert_eq!(status, 200);
    assert!(body.starts_with('\n') && !body.ends_with('\n'), "{body:?}");
    assert!(!body.contains('\r'));
    let pieces: Vec<&str> = body.split('\n').collect();
    assert_eq!(pieces[0], "");
    // One private message for 10001, one group message for each of 10001 and 10002.
    assert_eq!(pieces.len(), 4, "{body:?}");
    for piece in &pieces[1..] {
        let event: Value = serde_json::from_str(piece).unwrap_or_else(|e| panic!("{e}: {piece}"));
        assert_eq!(event["Msg"]["Text"], TRICKY_SHOWN);
    }
    // The buffer is empty afterwards.
    assert_eq!(
        server
            .post("/getevent", &format!("sessid={session}"))
            .await
            .1,
        ""
    );
}

#[tokio::test]
async fn geteventv2_and_session_lifecycle() {
    let server = Server::start().await;
    assert_eq!(server.session().await, 1);
    assert_eq!(server.session().await, 2);
    assert_eq!(
        server.call("/removesession", "sessid=1").await,
        json!({"status": "OK"})
    );
    assert_eq!(server.session().await, 3, "ids are never reused");
    for bad in ["sessid=1", "sessid=99", "sessid=abc", ""] {
        let not_found = json!({"status": "session not found"});
        assert_eq!(server.call("/removesession", bad).await, not_found, "{bad}");
        assert_eq!(server.call("/resetevent", bad).await, not_found, "{bad}");
        assert_eq!(server.call("/geteventv2", bad).await, not_found, "{bad}");
    }
    assert_eq!(
        server.post("/geteventv2", "sessid=2").await.1,
        r#"{"status":"OK","events":[]}"#
    );

    server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": TRICKY}),
        )
        .await;
    let both = [server.events(2).await, server.events(3).await];
    for events in &both {
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["Msg"]["Text"], TRICKY_SHOWN);
    }
    assert_eq!(both[0], both[1], "every session gets the same event");
    assert!(server.events(2).await.is_empty());

    server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "dropped"}),
        )
        .await;
    assert_eq!(
        server.call("/resetevent", "sessid=2").await,
        json!({"status": "OK"})
    );
    assert!(server.events(2).await.is_empty());
    assert_eq!(server.events(3).await.len(), 1);
}

#[tokio::test]
async fn group_message_reaches_every_framework_member_including_the_sender() {
    let server = Server::start().await;
    let session = server.session().await;
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup=30001&text={}", enc(TRICKY)),
        )
        .await;
    assert_eq!(inner["retcode"], 0);
    let events = server.events(session).await;
    let groups = of_type(&events, "GroupMsg");
    assert_eq!(groups.len(), 2, "{events:?}");
    let mut logons: Vec<u64> = groups
        .iter()
        .map(|e| e["LogonQQ"].as_u64().unwrap())
        .collect();
    logons.sort();
    assert_eq!(logons, [10001, 10002]);
    for event in &groups {
        assert_eq!(event["FromQQ"]["UIN"], 10001);
        assert_eq!(event["FromGroup"]["GIN"], 30001);
        assert!(event["FromGroup"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));
        assert!(event["FromQQ"]["Card"]
            .as_str()
            .is_some_and(|c| !c.is_empty()));
        assert_eq!(event["Msg"]["Text"], TRICKY_SHOWN);
        assert_eq!(event["Msg"]["SubType"], 134);
        assert!(event["Msg"]["Random"].as_i64().is_some_and(|r| r > 0));
        assert!(event["TimeStamp"]["Send"]
            .as_i64()
            .is_some_and(|t| t > 1_600_000_000));
        assert_eq!(event["File"]["ID"], "");
    }
    assert_eq!(groups[0]["Msg"]["Req"], groups[1]["Msg"]["Req"]);
    assert_eq!(groups[0]["Msg"]["Random"], groups[1]["Msg"]["Random"]);

    // The next message in the same group has the next Req.
    server
        .call("/sendgroupmsg", "fromqq=10002&togroup=30001&text=again")
        .await;
    let next = server.events(session).await;
    assert_eq!(
        next[0]["Msg"]["Req"].as_i64(),
        groups[0]["Msg"]["Req"].as_i64().map(|r| r + 1)
    );
}

#[tokio::test]
async fn private_messages_between_framework_accounts() {
    let server = Server::start().await;
    let session = server.session().await;
    let (answer, inner) = server
        .call_retcode("/sendprivatemsg", "fromqq=10001&toqq=10002&text=ping")
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    let req = answer["req"].as_i64().unwrap();
    assert!(answer["random"].as_i64().unwrap() > 0);
    let events = server.events(session).await;
    assert_eq!(events.len(), 2, "{events:?}");
    for event in &events {
        assert_eq!(event["Type"], "PrivateMsg");
        assert_eq!(event["FromQQ"]["UIN"], 10001);
        assert_eq!(event["Msg"]["Type"], 166);
        assert_eq!(event["Msg"]["Req"], req);
        assert_eq!(event["FromGroup"]["GIN"], 0);
        assert!(
            event["Msg"].get("Random").is_none(),
            "PrivateMsg has no Random"
        );
    }
    let mut logons: Vec<u64> = events
        .iter()
        .map(|e| e["LogonQQ"].as_u64().unwrap())
        .collect();
    logons.sort();
    assert_eq!(logons, [10001, 10002]);
}

#[tokio::test]
async fn temporary_session_messages_carry_the_group() {
    let server = Server::start().await;
    let session = server.session().await;
    let (answer, inner) = server
        .call_retcode(
            "/sendgrouptempmsg",
            "fromqq=10001&togroup=30001&toqq=20003&text=psst",
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    server
        .sim(
            "message",
            json!({"from": 20003, "to": 10001, "group": 30001, "text": "hello"}),
        )
        .await;
    let events = server.events(session).await;
    assert_eq!(events.len(), 2, "{events:?}");
    for event in &events {
        assert_eq!(event["Msg"]["Type"], 141);
        assert_eq!(event["FromGroup"]["GIN"], 30001);
        assert_eq!(event["LogonQQ"], 10001);
    }
    assert_eq!(events[1]["FromQQ"]["UIN"], 20003);
    assert_eq!(events[1]["FromQQ"]["NickName"], "Carol");
}

#[tokio::test]
async fn failures_come_back_as_retcode_text_and_change_nothing() {
    let server = Server::start().await;
    let session = server.session().await;
    let cases = [
        ("/sendprivatemsg", "fromqq=10001&toqq=20003&text=x", "20003"),
        ("/sendprivatemsg", "fromqq=10001&toqq=29999&text=x", "29999"),
        (
            "/sendgroupmsg",
            "fromqq=10002&togroup=30002&text=x",
            "30002",
        ),
        (
            "/sendgroupmsg",
            "fromqq=10001&togroup=39999&text=x",
            "39999",
        ),
        (
            "/sendgrouptempmsg",
            "fromqq=10001&togroup=30002&toqq=20003&text=x",
            "20003",
        ),
        ("/sendprivatemsg", "fromqq=20001&toqq=10001&text=x", "20001"),
    ];
    for (path, body, mentions) in cases {
        let (_, inner) = server.call_retcode(path, body).await;
        assert_ne!(inner["retcode"], 0, "{path} {body}");
        let message = inner["retmsg"].as_str().unwrap();
        assert!(message.contains(mentions), "{path} {body}: {message}");
    }
    assert!(server.events(session).await.is_empty());

    // An offline account can neither send nor receive.
    assert_eq!(
        server.call("/logoutqq", "logonqq=10002").await["ret"],
        "true"
    );
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=x")
        .await;
    assert_ne!(inner["retcode"], 0);
    assert!(
        inner["retmsg"].as_str().unwrap().contains("offline"),
        "{inner}"
    );
    server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "hi"}),
        )
        .await;
    let events = server.events(session).await;
    assert_eq!(events.len(), 1, "only 10001 sees it: {events:?}");
    assert_eq!(events[0]["LogonQQ"], 10001);

    // Logging in again is an event of its own, and the account receives again.
    assert_eq!(
        server.call("/loginqq", "logonqq=10002").await["ret"],
        "true"
    );
    let events = server.events(session).await;
    assert!(
        events
            .iter()
            .any(|e| e["Type"] == "EventMsg" && e["Msg"]["Type"] == 31 && e["LogonQQ"] == 10002),
        "{events:?}"
    );
    let logon: Value = serde_json::from_str(
        server.call("/getlogonqq", "").await["ret"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(logon["QQlist"]["10002"]["登录状态"], "在线");
    assert_eq!(
        server.call("/loginqq", "logonqq=12345").await["ret"],
        "false"
    );
}

#[tokio::test]
async fn lists_and_lookups() {
    let server = Server::start().await;
    let friends = server.call("/getfriendlist", "logonqq=10001").await;
    let uins: Vec<u64> = friends["List"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["UIN"].as_u64().unwrap())
        .collect();
    assert_eq!(friends["ret"], uins.len().to_string());
    for uin in [20001, 20002, 10002] {
        assert!(uins.contains(&uin), "{friends}");
    }
    assert!(!uins.contains(&20003));

    let groups = server.call("/getgrouplist", "logonqq=10002").await;
    assert_eq!(groups["ret"], "1", "{groups}");
    assert_eq!(groups["List"][0]["GIN"], 30001);
    assert_eq!(groups["List"][0]["dwGroupOwnerUin"], 20001);
    assert!(groups["List"][0]["strGroupName"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));

    let members = server
        .call("/getgroupmemberlist", "logonqq=10001&group=30001")
        .await;
    assert_eq!(members["ret"], "5", "{members}");
    let (_, inner) = server
        .call_retcode("/sendprivatemsg", "fromqq=10001&toqq=20001&text=x")
        .await;
    assert_eq!(inner["retcode"], 0);
    let not_member = server
        .call("/getgroupmemberlist", "logonqq=10002&group=30002")
        .await;
    assert_eq!(not_member["ret"], "0");
    assert!(
        not_member["retmsg"]
            .as_str()
            .is_some_and(|m| m.contains("30002")),
        "{not_member}"
    );

    assert_eq!(
        server
            .call("/getnickname", "fromqq=10001&toqq=20001&fromcache=false")
            .await["ret"],
        "Alice"
    );
    assert_eq!(
        server
            .call("/getnickname", "toqq=20002&fromcache=true")
            .await["ret"],
        "Bob"
    );
    assert_eq!(
        server.call("/getgroupnamefromcache", "group=30001").await["ret"],
        "lizi test group"
    );
    assert_eq!(
        server
            .call("/getgroupmgrlist", "fromqq=10001&group=30001")
            .await["ret"],
        "20001\r\n10001\r\n"
    );
    assert!(server
        .call("/getgroupcard", "fromqq=10001&group=30001&toqq=20001")
        .await["ret"]
        .is_string());
    let unknown = server
        .call("/getnickname", "toqq=29999&fromcache=true")
        .await;
    assert_eq!(unknown["ret"], "");
    assert!(unknown["retmsg"]
        .as_str()
        .is_some_and(|m| m.contains("29999")));

    let logon: Value = serde_json::from_str(
        server.call("/getlogonqq", "").await["ret"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let first = logon["QQlist"].as_object().unwrap().keys().next().cloned();
    assert_eq!(first.as_deref(), Some("10001"));
}
