//! The XLZ flows of a bot through the OneBot bridge, in each implementation's profile: lizi
//! A bridges, lizi B (a second process) simulates the network and dials A as NapCat,
//! LLOneBot or Lagrange.OneBot would. Every change is checked in B's simulated world.

mod common;

use common::bridge::{Bridge, Network, Pair, BOT, PROFILES};
use common::enc;
use serde_json::{json, Value};

/// The `Msg.Type` of an EventMsg, or -1 for other events.
fn event_type(event: &Value) -> i64 {
    if event["Type"] == "EventMsg" {
        event["Msg"]["Type"].as_i64().unwrap_or(-1)
    } else {
        -1
    }
}

/// Receives a group message, answers it, and recalls the answer.
async fn group_conversation(profile: &str, bridge: &Bridge, network: &Network, session: u64) {
    network.say(20001, 30001, "ping [@10001]").await;
    let ping = bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg" && e["Msg"]["Text"] == "ping [@10001]"
        })
        .await;
    assert_eq!(
        (&ping["FromQQ"]["UIN"], &ping["FromGroup"]["GIN"]),
        (&json!(20001), &json!(30001)),
        "{profile}: {ping}"
    );

    let (answer, retcode) = bridge
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq={BOT}&togroup=30001&text={}", enc("pong [@20001]")),
        )
        .await;
    assert_eq!(retcode["retcode"], 0, "{profile}: {answer}");
    let own = bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg"
                && e["FromQQ"]["UIN"] == BOT
                && e["Msg"]["Text"] == "pong [@20001]"
        })
        .await;
    let said = network.history("group=30001").await;
    let pong = said
        .iter()
        .find(|m| m["text"] == "pong [@20001]")
        .unwrap_or_else(|| panic!("{profile}: {said:#?}"));
    assert_eq!(pong["from"], BOT, "{profile}: {pong}");

    let recall = format!(
        "fromqq={BOT}&group=30001&random={}&req={}",
        own["Msg"]["Random"], own["Msg"]["Req"]
    );
    let recalled = bridge.call("/deletegroupmsg", &recall).await;
    assert_eq!(recalled["ret"], "true", "{profile}: {recalled}");
    let said = network.history("group=30001").await;
    assert!(
        said.iter()
            .any(|m| m["text"] == "pong [@20001]" && m["recalled"] == true),
        "{profile}: {said:#?}"
    );

    // A member's recall reaches A as event 8 naming the member.
    let sent = network.say(20002, 30001, "oops").await;
    bridge
        .wait_event(session, |e| {
            e["Type"] == "GroupMsg" && e["Msg"]["Text"] == "oops"
        })
        .await;
    network
        .sim_ok(
            "recall",
            json!({"user": 20002, "group": 30001, "req": sent["req"], "random": sent["random"]}),
        )
        .await;
    let notice = bridge
        .wait_event(session, |e| {
            event_type(e) == 8 && e["FromQQ"]["UIN"] == 20002
        })
        .await;
    assert_eq!(notice["FromGroup"]["GIN"], 30001, "{profile}: {notice}");
}

/// Receives a friend's message, answers it, and recalls the answer.
async fn private_conversation(profile: &str, bridge: &Bridge, network: &Network, session: u64) {
    network
        .sim_ok(
            "message",
            json!({"from": 20002, "to": BOT, "text": "hello bot"}),
        )
        .await;
    let hello = bridge
        .wait_event(session, |e| {
            e["Type"] == "PrivateMsg" && e["Msg"]["Text"] == "hello bot"
        })
        .await;
    assert_eq!(hello["FromQQ"]["UIN"], 20002, "{profile}: {hello}");

    let (answer, retcode) = bridge
        .call_retcode(
            "/sendprivatemsg",
            &format!("fromqq={BOT}&toqq=20002&text={}", enc("hello Bob")),
        )
        .await;
    assert_eq!(retcode["retcode"], 0, "{profile}: {answer}");
    let said = network.history(&format!("a={BOT}&b=20002")).await;
    assert!(
        said.iter().any(|m| m["text"] == "hello Bob"),
        "{profile}: {said:#?}"
    );
    let time = retcode["time"]
        .as_str()
        .and_then(|t| t.parse::<i64>().ok())
        .unwrap_or(0);
    let recall = format!(
        "fromqq={BOT}&toqq=20002&random={}&req={}&time={time}",
        answer["random"], answer["req"]
    );
    let recalled = bridge.call("/deleteprivatemsg", &recall).await;
    assert_eq!(recalled["ret"], "true", "{profile}: {recalled}");
    let said = network.history(&format!("a={BOT}&b=20002")).await;
    assert!(
        said.iter()
            .any(|m| m["text"] == "hello Bob" && m["recalled"] == true),
        "{profile}: {said:#?}"
    );
}

/// Mutes, unmutes and kicks a member; a refusal changes nothing.
async fn moderation(profile: &str, bridge: &Bridge, network: &Network, session: u64) {
    let muted = bridge
        .call(
            "/mutegroupmember",
            &format!("fromqq={BOT}&group=30001&toqq=20003&time=600"),
        )
        .await;
    assert_eq!(muted["ret"], "true", "{profile}: {muted}");
    let left = network.member(30001, 20003).await.expect("member")["mute_left"].as_i64();
    assert!(left.is_some_and(|left| left > 500), "{profile}: {left:?}");
    bridge
        .wait_event(session, |e| {
            event_type(e) == 7 && e["FromQQ"]["UIN"] == 20003
        })
        .await;
    let unmuted = bridge
        .call(
            "/mutegroupmember",
            &format!("fromqq={BOT}&group=30001&toqq=20003&time=0"),
        )
        .await;
    assert_eq!(unmuted["ret"], "true", "{profile}: {unmuted}");
    let left = network.member(30001, 20003).await.expect("member")["mute_left"].as_i64();
    assert!(left.is_none_or(|left| left == 0), "{profile}: {left:?}");

    // The bot is an admin, not the owner: kicking the owner is refused and changes nothing.
    let refused = bridge
        .call(
            "/kickgroupmember",
            &format!("fromqq={BOT}&group=30001&toqq=20001"),
        )
        .await;
    assert_eq!(refused["ret"], "false", "{profile}: {refused}");
    assert!(network.member(30001, 20001).await.is_some(), "{profile}");

    let kicked = bridge
        .call(
            "/kickgroupmember",
            &format!("fromqq={BOT}&group=30001&toqq=20003"),
        )
        .await;
    assert_eq!(kicked["ret"], "true", "{profile}: {kicked}");
    assert!(network.member(30001, 20003).await.is_none(), "{profile}");
    bridge
        .wait_event(session, |e| {
            event_type(e) == 6 && e["FromQQ"]["UIN"] == 20003
        })
        .await;
}

/// A friend request and a join request, each answered from A and carried out in B.
async fn requests(profile: &str, bridge: &Bridge, network: &Network, session: u64) {
    network
        .sim_ok(
            "friend_request",
            json!({"from": 20003, "to": BOT, "text": "add me"}),
        )
        .await;
    let asked = bridge
        .wait_event(session, |e| {
            event_type(e) == 105 && e["FromQQ"]["UIN"] == 20003
        })
        .await;
    let answer = bridge
        .call(
            "/setfriendaddrequest",
            &format!("fromqq={BOT}&qq=20003&seq={}&op=1", asked["Msg"]["Seq"]),
        )
        .await;
    assert_eq!(answer["ret"], "OK", "{profile}: {answer}");
    let friends = bridge
        .call("/getfriendlist", &format!("logonqq={BOT}"))
        .await;
    assert!(
        friends["List"]
            .as_array()
            .is_some_and(|list| list.iter().any(|f| f["UIN"] == 20003)),
        "{profile}: {friends}"
    );

    network
        .sim_ok(
            "join_request",
            json!({"from": 20003, "group": 30002, "text": "let me in"}),
        )
        .await;
    let asked = bridge
        .wait_event(session, |e| {
            event_type(e) == 3 && e["FromQQ"]["UIN"] == 20003
        })
        .await;
    assert_eq!(asked["FromGroup"]["GIN"], 30002, "{profile}: {asked}");
    let answer = bridge
        .call(
            "/setgroupaddrequest",
            &format!(
                "fromqq={BOT}&group=30002&qq=20003&seq={}&op=11&type=3",
                asked["Msg"]["Seq"]
            ),
        )
        .await;
    assert_eq!(answer["ret"], "OK", "{profile}: {answer}");
    assert!(network.member(30002, 20003).await.is_some(), "{profile}");
    // A second answer to the same request fails: it is answered.
    let again = bridge
        .call(
            "/setgroupaddrequest",
            &format!(
                "fromqq={BOT}&group=30002&qq=20003&seq={}&op=12&type=3",
                asked["Msg"]["Seq"]
            ),
        )
        .await;
    assert_ne!(again["ret"], "OK", "{profile}: {again}");
}

/// The lists read through A match B's world.
async fn lists(profile: &str, bridge: &Bridge) {
    let groups = bridge
        .call("/getgrouplist", &format!("logonqq={BOT}"))
        .await;
    let gins: Vec<&Value> = groups["List"]
        .as_array()
        .map(|l| l.iter().map(|g| &g["GIN"]).collect())
        .unwrap_or_default();
    assert!(
        gins.contains(&&json!(30001)) && gins.contains(&&json!(30002)),
        "{profile}: {groups}"
    );
    let members = bridge
        .call("/getgroupmemberlist", &format!("logonqq={BOT}&group=30001"))
        .await;
    let uins: Vec<&Value> = members["List"]
        .as_array()
        .map(|l| l.iter().map(|m| &m["UIN"]).collect())
        .unwrap_or_default();
    for uin in [10001, 10002, 20001, 20002] {
        assert!(uins.contains(&&json!(uin)), "{profile}: {members}");
    }
}

#[tokio::test]
async fn a_bot_s_flows_work_through_the_bridge_in_every_profile() {
    for profile in PROFILES {
        let pair = Pair::start("bridge-flows", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;
        group_conversation(profile, bridge, network, session).await;
        private_conversation(profile, bridge, network, session).await;
        moderation(profile, bridge, network, session).await;
        requests(profile, bridge, network, session).await;
        lists(profile, bridge).await;
    }
}
