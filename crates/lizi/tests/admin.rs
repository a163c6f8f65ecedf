//! Group administration and recall through the real HTTP interface: the bot acts through
//! the XLZ endpoints, the other people through the control API; the answers, the world
//! and the exact events each framework account receives are checked.

mod common;

use common::{enc, Server};
use serde_json::{json, Value};

const G: u64 = 30001;

/// `(LogonQQ, Msg.Type, FromQQ.UIN, OperateQQ.UIN)` of every EventMsg, in order.
fn notices(events: &[Value]) -> Vec<(u64, i64, u64, u64)> {
    events
        .iter()
        .map(|e| {
            assert_eq!(e["Type"], "EventMsg", "{e}");
            (
                e["LogonQQ"].as_u64().unwrap(),
                e["Msg"]["Type"].as_i64().unwrap(),
                e["FromQQ"]["UIN"].as_u64().unwrap(),
                e["OperateQQ"]["UIN"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Asserts a Bool answer of `false` with `retcode` and a `retmsg` containing `reason`.
fn refused(answer: &Value, retcode: i64, reason: &str) {
    assert_eq!(answer["ret"], "false", "{answer}");
    assert_eq!(answer["retcode"], retcode, "{answer}");
    let message = answer["retmsg"].as_str().unwrap_or_default();
    assert!(message.contains(reason), "{answer}");
}

/// A read-only control view through GET.
async fn view(server: &Server, path_and_query: &str) -> Value {
    let response = server
        .client
        .get(server.url(path_and_query))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200, "{path_and_query}");
    response.json().await.expect("json")
}

fn member(group: &Value, uin: u64) -> Option<&Value> {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uin"] == uin)
}

#[tokio::test]
async fn kick_and_mute_follow_roles() {
    let server = Server::start().await;
    let s = server.session().await;

    let answer = server
        .call("/kickgroupmember", "fromqq=10002&group=30001&toqq=20003")
        .await;
    refused(
        &answer,
        7,
        "10002 is only a member of group 30001; only the owner or an admin may kick members",
    );
    let answer = server
        .call("/kickgroupmember", "fromqq=10001&group=30001&toqq=20001")
        .await;
    refused(&answer, 7, "10001 (admin) may not kick 20001 (owner)");
    assert!(server.events(s).await.is_empty());

    let answer = server
        .call(
            "/kickgroupmember",
            "fromqq=10001&group=30001&toqq=20003&ignoreaddgrequest=true",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    let events = server.events(s).await;
    assert_eq!(
        notices(&events),
        [(10001, 6, 20003, 10001), (10002, 6, 20003, 10001)]
    );
    assert_eq!(
        events[0]["FromGroup"],
        json!({"GIN": 30001, "Name": "lizi test group"})
    );
    let group = view(&server, "/sim/group?gin=30001").await;
    assert!(member(&group, 20003).is_none());
    assert_eq!(group["blocked"], json!([20003]));

    // Mute: the muted bot cannot send, and /getmutetime counts down.
    let answer = server
        .call(
            "/mutegroupmember",
            "fromqq=10001&group=30001&toqq=10002&time=600",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    let events = server.events(s).await;
    assert_eq!(
        notices(&events),
        [(10001, 7, 10002, 10001), (10002, 7, 10002, 10001)]
    );
    assert_eq!(events[0]["Msg"]["Text"], "600");
    let left: i64 = server
        .call("/getmutetime", "fromqq=10002&group=30001")
        .await["ret"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((590..=600).contains(&left), "{left}");
    assert_eq!(
        server
            .call("/getmutetime", "fromqq=10001&group=30001")
            .await,
        json!({"ret": "0"})
    );
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=hi")
        .await;
    assert_eq!(inner["retcode"], 8, "{inner}");
    assert!(inner["retmsg"]
        .as_str()
        .unwrap()
        .contains("10002 is muted in group 30001"));
    assert!(server.events(s).await.is_empty());
    let group = view(&server, "/sim/group?gin=30001").await;
    assert!(
        member(&group, 10002).unwrap()["mute_left"]
            .as_i64()
            .unwrap()
            > 0
    );
    let list = server
        .call("/getgroupmemberlist", "logonqq=10001&group=30001")
        .await;
    let helper = list["List"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["UIN"] == 10002)
        .unwrap();
    assert!(helper["MuteTime"].as_i64().unwrap() > 0);

    let answer = server
        .call(
            "/mutegroupmember",
            "fromqq=10001&group=30001&toqq=10002&time=0",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 28, 10002, 10001), (10002, 28, 10002, 10001)]
    );
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=free")
        .await;
    assert_eq!(inner["retcode"], 0);
    assert_eq!(server.events(s).await.len(), 2);

    // The owner (a simulated user) mutes the admin bot through the control API.
    let (status, _) = server
        .sim(
            "mute",
            json!({"operator": 20001, "group": G, "member": 10001, "seconds": 60}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 7, 10001, 20001), (10002, 7, 10001, 20001)]
    );
    let (status, body) = server
        .sim(
            "mute",
            json!({"operator": 20002, "group": G, "member": 10002, "seconds": 60}),
        )
        .await;
    assert_ne!(status, 200);
    assert_eq!(body["kind"], "no_permission", "{body}");

    // The owner kicks a bot: it learns it was kicked (30); the other bot sees 6.
    let (status, _) = server
        .sim(
            "kick",
            json!({"operator": 20001, "group": G, "member": 10002}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 6, 10002, 20001), (10002, 30, 10002, 20001)]
    );
    let groups = server.call("/getgrouplist", "logonqq=10002").await;
    assert_eq!(groups["ret"], "0", "{groups}");
}

#[tokio::test]
async fn admins_cards_settings_and_positions() {
    let server = Server::start().await;
    let s = server.session().await;

    // Temporary sessions off: a member bot may not start one with a member.
    let answer = server
        .call(
            "/setgrouppriv_newtempsession",
            "fromqq=10002&togroup=30001&allow=false",
        )
        .await;
    refused(&answer, 7, "only the owner or an admin may");
    let answer = server
        .call(
            "/setgrouppriv_newtempsession",
            "fromqq=10001&togroup=30001&allow=false",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 18, 10001, 10001), (10002, 18, 10001, 10001)]
    );
    let (_, inner) = server
        .call_retcode(
            "/sendgrouptempmsg",
            "fromqq=10002&togroup=30001&toqq=20003&text=psst",
        )
        .await;
    assert_eq!(inner["retcode"], 10, "{inner}");
    assert!(server.events(s).await.is_empty());

    // Anonymous chat.
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=who&anonymous=true",
        )
        .await;
    assert_eq!(inner["retcode"], 10, "{inner}");
    let answer = server
        .call(
            "/setgrouppriv_anonymous",
            "fromqq=10001&togroup=30001&allow=true",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 13, 10001, 10001), (10002, 13, 10001, 10001)]
    );
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=who&anonymous=true",
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    let events = server.events(s).await;
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(event["Type"], "GroupMsg");
        assert_eq!(event["FromQQ"]["UIN"], 80000000);
        assert_eq!(event["FromQQ"]["Card"], "匿名");
    }

    // Admins: only the owner grants them; a grant in 30002 is seen only by its members.
    let answer = server
        .call(
            "/setgroupmgr",
            "fromqq=10001&group=30001&toqq=10002&bemgr=true",
        )
        .await;
    refused(
        &answer,
        7,
        "10001 is an admin of group 30001; only the owner may grant or remove admins",
    );
    let answer = server
        .call(
            "/setgroupmgr",
            "fromqq=10001&group=30002&toqq=20002&bemgr=true",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 10, 20002, 10001)]
    );
    assert_eq!(
        server
            .call("/getgroupmgrlist", "fromqq=10001&group=30002")
            .await,
        json!({"ret": "10001\r\n20002\r\n"})
    );
    let (status, _) = server
        .sim(
            "set_admin",
            json!({"operator": 20001, "group": G, "member": 10001, "admin": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 9, 10001, 20001), (10002, 9, 10001, 20001)]
    );
    let answer = server
        .call(
            "/mutegroupmember",
            "fromqq=10001&group=30001&toqq=20003&time=60",
        )
        .await;
    refused(&answer, 7, "10001 is only a member of group 30001");

    // Cards.
    let (answer, inner) = server
        .call_retcode(
            "/setgroupcard",
            &format!(
                "fromqq=10002&togroup=30001&toqq=10002&card={}",
                enc("小助手")
            ),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{answer}");
    let events = server.events(s).await;
    assert_eq!(
        notices(&events),
        [(10001, 36, 10002, 10002), (10002, 36, 10002, 10002)]
    );
    assert_eq!(events[0]["Msg"]["Text"], "小助手");
    assert_eq!(
        server
            .call("/getgroupcard", "fromqq=10001&group=30001&toqq=10002")
            .await,
        json!({"ret": "小助手"})
    );
    let (_, inner) = server
        .call_retcode(
            "/setgroupcard",
            "fromqq=10002&togroup=30001&toqq=20003&card=x",
        )
        .await;
    assert_eq!(inner["retcode"], 7, "{inner}");

    // Whole-group mute, by the owner through the control API's admin grant first.
    let (status, _) = server
        .sim(
            "set_admin",
            json!({"operator": 20001, "group": G, "member": 10002, "admin": true}),
        )
        .await;
    assert_eq!(status, 200);
    server.events(s).await;
    let answer = server
        .call("/setgroupwholemute", "fromqq=10002&group=30001&ismute=true")
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 11, 10002, 10002), (10002, 11, 10002, 10002)]
    );
    let (status, body) = server
        .sim("message", json!({"from": 20003, "group": G, "text": "hi"}))
        .await;
    assert_ne!(status, 200);
    assert_eq!(body["kind"], "muted", "{body}");
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10001&togroup=30001&text=hi")
        .await;
    assert_eq!(inner["retcode"], 8, "a plain member is muted: {inner}");
    let (_, inner) = server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=hi")
        .await;
    assert_eq!(inner["retcode"], 0, "an admin is not: {inner}");
    server.events(s).await;
    let answer = server
        .call(
            "/setgroupwholemute",
            "fromqq=10002&group=30001&ismute=false",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(notices(&server.events(s).await)[0].1, 12);

    // Invite way, positions, group info, renaming.
    let answer = server
        .call(
            "/setgrouppriv_inviteway",
            "fromqq=10002&togroup=30001&way=1",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    let answer = server
        .call(
            "/setsharepos",
            "fromqq=10001&group=30001&posx=116.4&posy=39.9&enable=true",
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    let answer = server
        .call("/uploadpos", "fromqq=10001&group=30001&posx=500&posy=39.9")
        .await;
    refused(&answer, 11, "not a longitude");
    server
        .call_retcode("/sendgroupmsg", "fromqq=10001&togroup=30001&text=here")
        .await;
    let events = server.events(s).await;
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["FromQQ"]["Pos"],
        json!({"Lo": 116400000, "La": 39900000})
    );
    let group = view(&server, "/sim/group?gin=30001").await;
    assert_eq!(group["settings"]["invite_way"], 1);
    assert_eq!(group["settings"]["temp_session"], false);
    assert_eq!(group["settings"]["anonymous"], true);
    assert_eq!(member(&group, 10001).unwrap()["sharing_pos"], true);
    assert_eq!(member(&group, 10002).unwrap()["role"], "admin");

    assert_eq!(
        server
            .call("/querygroupinfo", "logonqq=10001&group=30001")
            .await,
        json!({"ret": "true", "Info": {"Name": "lizi test group", "Pos": "", "Type": "",
            "Tag": "", "Introduction": ""}})
    );
    let (status, _) = server
        .sim(
            "rename_group",
            json!({"operator": 20001, "group": G, "name": "renamed"}),
        )
        .await;
    assert_eq!(status, 200);
    let events = server.events(s).await;
    assert_eq!(
        notices(&events),
        [(10001, 32, 20001, 20001), (10002, 32, 20001, 20001)]
    );
    assert_eq!(events[0]["Msg"]["Text"], "renamed");
    assert_eq!(events[0]["FromGroup"]["Name"], "renamed");
}

#[tokio::test]
async fn leaving_and_dissolving() {
    let server = Server::start().await;
    let s = server.session().await;
    let answer = server.call("/exitgroup", "fromqq=10001&group=30002").await;
    refused(&answer, 10, "the owner cannot leave it");
    let answer = server.call("/dispgroup", "fromqq=10002&group=30001").await;
    refused(&answer, 7, "only the owner may dissolve the group");
    assert!(server.events(s).await.is_empty());

    let answer = server.call("/exitgroup", "fromqq=10002&group=30001").await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 5, 10002, 10002), (10002, 5, 10002, 10002)]
    );
    let (status, _) = server
        .sim("leave", json!({"user": 20002, "group": 30002}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(notices(&server.events(s).await), [(10001, 5, 20002, 20002)]);

    let answer = server.call("/dispgroup", "fromqq=10001&group=30002").await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(notices(&server.events(s).await), [(10001, 4, 10001, 10001)]);
    let groups = server.call("/getgrouplist", "logonqq=10001").await;
    assert_eq!(groups["ret"], "1", "{groups}");
    let (status, body) = server.sim("group", json!({"gin": 30002})).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn recall_group_and_private_messages() {
    let server = Server::start().await;
    let s = server.session().await;

    let (status, carol) = server
        .sim(
            "message",
            json!({"from": 20003, "group": G, "text": "hello"}),
        )
        .await;
    assert_eq!(status, 200);
    server
        .call_retcode("/sendgroupmsg", "fromqq=10002&togroup=30001&text=mine")
        .await;
    let own = server.events(s).await;
    let mine = own
        .iter()
        .find(|e| e["FromQQ"]["UIN"] == 10002)
        .expect("own group message");
    let (mine_req, mine_random) = (&mine["Msg"]["Req"], &mine["Msg"]["Random"]);

    let answer = server
        .call(
            "/deletegroupmsg",
            &format!(
                "fromqq=10002&group=30001&req={}&random={}",
                carol["req"], carol["random"]
            ),
        )
        .await;
    refused(
        &answer,
        7,
        "only the owner or an admin may recall other members' messages",
    );
    let answer = server
        .call(
            "/deletegroupmsg",
            &format!("fromqq=10001&group=30001&req={}&random=1", carol["req"]),
        )
        .await;
    refused(&answer, 9, "there is no message");
    let recall_carol = format!(
        "fromqq=10001&group=30001&req={}&random={}",
        carol["req"], carol["random"]
    );
    let answer = server.call("/deletegroupmsg", &recall_carol).await;
    assert_eq!(answer, json!({"ret": "true"}));
    let events = server.events(s).await;
    assert_eq!(
        notices(&events),
        [(10001, 8, 20003, 10001), (10002, 8, 20003, 10001)]
    );
    assert_eq!(events[0]["Msg"]["Seq"], carol["req"]);
    assert_eq!(events[0]["Msg"]["Text"], "hello");
    let answer = server.call("/deletegroupmsg", &recall_carol).await;
    refused(&answer, 11, "already recalled");

    let answer = server
        .call(
            "/deletegroupmsg",
            &format!("fromqq=10002&group=30001&req={mine_req}&random={mine_random}"),
        )
        .await;
    assert_eq!(answer, json!({"ret": "true"}));
    assert_eq!(
        notices(&server.events(s).await),
        [(10001, 8, 10002, 10002), (10002, 8, 10002, 10002)]
    );

    // A recalled message can no longer be replied to.
    let reply = format!(
        "[Reply,Content=hello,SendQQID=20003,Req={},Random={},SendTime=1]ok",
        carol["req"], carol["random"]
    );
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup=30001&text={}", enc(&reply)),
        )
        .await;
    assert_eq!(inner["retcode"], 10, "{inner}");
    assert!(inner["retmsg"].as_str().unwrap().contains("was recalled"));
    assert!(server.events(s).await.is_empty());

    let history = view(&server, "/sim/history?group=30001").await;
    let recalled: Vec<bool> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["recalled"].as_bool().unwrap())
        .collect();
    assert_eq!(recalled, [true, true]);
    assert_eq!(history["messages"][0]["from"], 20003);
    assert_eq!(history["messages"][0]["text"], "hello");

    // Private: the bot recalls its own message with the send answer's req/random/time.
    let (answer, inner) = server
        .call_retcode("/sendprivatemsg", "fromqq=10001&toqq=20001&text=oops")
        .await;
    server.events(s).await;
    let time = inner["time"].as_str().unwrap().to_owned();
    let wrong = format!(
        "fromqq=10001&toqq=20001&req={}&random={}&time=1",
        answer["req"], answer["random"]
    );
    refused(
        &server.call("/deleteprivatemsg", &wrong).await,
        9,
        "there is no message",
    );
    let right = format!(
        "fromqq=10001&toqq=20001&req={}&random={}&time={time}",
        answer["req"], answer["random"]
    );
    assert_eq!(
        server.call("/deleteprivatemsg", &right).await,
        json!({"ret": "true"})
    );
    assert!(
        server.events(s).await.is_empty(),
        "Alice is no framework account"
    );
    refused(
        &server.call("/deleteprivatemsg", &right).await,
        11,
        "already recalled",
    );

    // A friend recalls a message to the bot: event 103 for the bot only.
    let (status, alice) = server
        .sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "secret"}),
        )
        .await;
    assert_eq!(status, 200);
    server.events(s).await;
    let (status, body) = server
        .sim(
            "recall",
            json!({"user": 20001, "to": 10001, "req": alice["req"], "random": alice["random"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let events = server.events(s).await;
    assert_eq!(notices(&events), [(10001, 103, 20001, 20001)]);
    assert_eq!(events[0]["Msg"]["Text"], "secret");
    let history = view(&server, "/sim/history?a=20001&b=10001").await;
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| m["recalled"] == true));
}

#[tokio::test]
async fn admin_state_survives_a_restart() {
    let server = Server::start().await;
    server
        .call(
            "/kickgroupmember",
            "fromqq=10001&group=30001&toqq=20003&ignoreaddgrequest=true",
        )
        .await;
    server
        .call(
            "/mutegroupmember",
            "fromqq=10001&group=30001&toqq=10002&time=3600",
        )
        .await;
    server
        .call(
            "/setgrouppriv_anonymous",
            "fromqq=10001&togroup=30001&allow=true",
        )
        .await;
    let (_, sent) = server
        .sim("message", json!({"from": 20001, "group": G, "text": "x"}))
        .await;
    let (status, _) = server
        .sim(
            "recall",
            json!({"user": 20001, "group": G, "req": sent["req"], "random": sent["random"]}),
        )
        .await;
    assert_eq!(status, 200);

    let server = server.restart(|_| {}).await;
    let group = view(&server, "/sim/group?gin=30001").await;
    assert_eq!(group["blocked"], json!([20003]));
    assert_eq!(group["settings"]["anonymous"], true);
    assert!(
        member(&group, 10002).unwrap()["mute_left"]
            .as_i64()
            .unwrap()
            > 3000
    );
    let history = view(&server, "/sim/history?group=30001").await;
    assert_eq!(history["messages"][0]["recalled"], true);
}
