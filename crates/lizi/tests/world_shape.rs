//! Shaping the world while lizi runs: `/sim/add_user`, `/sim/add_group`,
//! `/sim/add_friendship` and `/sim/whole_mute`, through the real control API, kept across a
//! restart; refusals change nothing.

mod common;

use common::Server;
use serde_json::{json, Value};

fn group(world: &Value, gin: u64) -> Option<&Value> {
    world["groups"].as_array()?.iter().find(|g| g["gin"] == gin)
}

#[tokio::test]
async fn users_groups_and_friendships_are_added_and_survive_a_restart() {
    let server = Server::start().await;
    let session = server.session().await;
    let (status, answer) = server
        .sim("add_user", json!({"uin": 20004, "nickname": "Dave"}))
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = server
        .sim(
            "add_group",
            json!({"gin": 30003, "name": "new group", "owner": 20004, "members": [10001, 20002]}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = server
        .sim("add_friendship", json!({"a": 20004, "b": 10001}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["events"], 1, "the framework account is told");

    // The bot sees the new friend (event 104) and can talk in the new group.
    let events = server.events(session).await;
    assert!(
        events.iter().any(|e| e["Type"] == "EventMsg"
            && e["Msg"]["Type"] == 104
            && e["FromQQ"]["UIN"] == 20004),
        "{events:#?}"
    );
    let (status, sent) = server
        .sim(
            "message",
            json!({"from": 20004, "group": 30003, "text": "hi all"}),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let (_, inner) = server
        .call_retcode(
            "/sendprivatemsg",
            "fromqq=10001&toqq=20004&text=hello%20Dave",
        )
        .await;
    assert_eq!(inner["retcode"], 0);

    let server = server.restart(|_| {}).await;
    let world = server.world().await;
    assert!(world["users"]
        .as_array()
        .expect("users")
        .iter()
        .any(|u| u["uin"] == 20004 && u["nickname"] == "Dave"));
    let new = group(&world, 30003).expect("the group survives a restart");
    assert_eq!(new["owner"], 20004);
    assert_eq!(new["members"].as_array().expect("members").len(), 3);
    assert!(world["friendships"]
        .as_array()
        .expect("friendships")
        .contains(&json!([10001, 20004])));
    server.stop().await;
}

#[tokio::test]
async fn shaping_refusals_name_the_reason_and_change_nothing() {
    let server = Server::start().await;
    let before = server.world().await;
    for (action, body, status, reason) in [
        (
            "add_user",
            json!({"uin": 20001, "nickname": "Alice again"}),
            409,
            "20001 already exists",
        ),
        (
            "add_user",
            json!({"uin": 20009, "nickname": " "}),
            400,
            "`nickname` must not be empty",
        ),
        ("add_user", json!({"uin": 20009}), 400, "nickname"),
        (
            "add_group",
            json!({"gin": 30001, "name": "x", "owner": 20001}),
            409,
            "group 30001 already exists",
        ),
        (
            "add_group",
            json!({"gin": 30009, "name": "x", "owner": 20001, "members": [29999]}),
            404,
            "29999",
        ),
        (
            "add_friendship",
            json!({"a": 10001, "b": 20001}),
            409,
            "friends already",
        ),
        (
            "add_friendship",
            json!({"a": 20001, "b": 20001}),
            400,
            "must differ",
        ),
        (
            "add_friendship",
            json!({"a": 20001, "b": 29999}),
            404,
            "29999",
        ),
        (
            "whole_mute",
            json!({"operator": 20002, "group": 30001, "mute": true}),
            409,
            "",
        ),
    ] {
        let (got, answer) = server.sim(action, body.clone()).await;
        assert_eq!(got, status, "{action} {body}: {answer}");
        assert!(
            answer["error"].as_str().is_some_and(|e| e.contains(reason)),
            "{action} {body}: {answer}"
        );
    }
    assert_eq!(server.world().await, before, "nothing changed");
    server.stop().await;
}

#[tokio::test]
async fn an_owner_mutes_the_whole_group_and_members_cannot_talk() {
    let server = Server::start().await;
    let session = server.session().await;
    let (status, answer) = server
        .sim(
            "whole_mute",
            json!({"operator": 20001, "group": 30001, "mute": true}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20002, "group": 30001, "text": "can I talk?"}),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    let events = server.events(session).await;
    assert!(
        events
            .iter()
            .any(|e| e["Type"] == "EventMsg" && e["FromGroup"]["GIN"] == 30001),
        "the bot is told: {events:#?}"
    );
    let (status, _) = server
        .sim(
            "whole_mute",
            json!({"operator": 20001, "group": 30001, "mute": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, answer) = server
        .sim(
            "message",
            json!({"from": 20002, "group": 30001, "text": "now?"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    server.stop().await;
}
