//! What people do in chats besides sending plain messages, through the OneBot face in
//! each profile that has it, over real sockets: pokes, essence marks, group
//! announcements, emoji reactions, sign-ins, honours and merged forwards. Each action's
//! effect is checked in the simulated world (`/sim/…` views, the XLZ API), the notices a
//! bot receives on its `/event` WebSocket, each profile's data shape, parameters and
//! refusals, and what an implementation does not register answers as unknown.

mod common;

use common::onebot::{events_before, next_notice, Face};
use lizi_onebot::Profile;
use serde_json::{json, Value};

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const PROFILES: [Profile; 3] = [Profile::NapCat, Profile::LLOneBot, Profile::Lagrange];

/// The fields of `event` named in `expected`, which must hold those values.
fn has(event: &Value, expected: Value) {
    for (key, value) in expected.as_object().expect("object") {
        assert_eq!(&event[key], value, "{key} of {event}");
    }
}

#[tokio::test]
async fn pokes_reach_the_accounts_that_see_them_as_each_implementation_reports_them() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let mut helper = face.events(10002).await;
        let mut bot = face.events(10001).await;

        // The bot pokes Alice in the test group: 10002, in the group too, is told.
        let group_poke = json!({"group_id": 30001, "user_id": 20001});
        assert_eq!(face.ok(10001, "group_poke", group_poke).await, Value::Null);
        let notice = next_notice(&mut helper, "notify").await;
        has(
            &notice,
            json!({"sub_type": "poke", "group_id": 30001, "user_id": 10001, "target_id": 20001, "self_id": 10002}),
        );
        match profile {
            Profile::Lagrange => {
                has(&notice, json!({"action": "戳了戳", "suffix": ""}));
                assert!(notice.get("raw_info").is_none(), "{notice}");
            }
            _ => assert_eq!(notice["raw_info"][2]["txt"], "戳了戳", "{notice}"),
        }
        let mine = next_notice(&mut bot, "notify").await;
        assert_eq!(mine["target_id"], 20001, "the poker sees its own poke");

        // A friend poke: between the bot and Alice only.
        face.ok(10001, "friend_poke", json!({"user_id": 20001}))
            .await;
        let notice = next_notice(&mut bot, "notify").await;
        assert!(notice.get("group_id").is_none(), "{notice}");
        match profile {
            // NapCat names the friend of the chat in user_id, the poker in sender_id.
            Profile::NapCat => has(
                &notice,
                json!({"user_id": 20001, "sender_id": 10001, "target_id": 20001}),
            ),
            Profile::Lagrange => has(
                &notice,
                json!({"user_id": 10001, "sender_id": 10001, "target_id": 20001}),
            ),
            Profile::LLOneBot => has(&notice, json!({"user_id": 10001, "target_id": 20001})),
        }

        // Alice pokes the bot through the control API (as the console does).
        face.sim(
            "poke",
            json!({"from": 20001, "target": 10001, "group": 30001}),
        )
        .await;
        let notice = next_notice(&mut bot, "notify").await;
        has(
            &notice,
            json!({"group_id": 30001, "user_id": 20001, "target_id": 10001}),
        );
        let seen = next_notice(&mut helper, "notify").await;
        assert_eq!(
            seen["user_id"], 20001,
            "the other account in the group sees it too"
        );

        // NapCat and Lagrange.OneBot poke target_id, in group_id when given; LLOneBot
        // has no send_poke and needs group_id for group_poke.
        let target = json!({"user_id": 20001, "group_id": 30001, "target_id": 20002});
        match profile {
            Profile::LLOneBot => {
                face.unknown(10001, "send_poke", target.clone()).await;
                face.bad(10001, "group_poke", json!({"user_id": 20001}))
                    .await;
            }
            _ => {
                face.ok(10001, "send_poke", target).await;
                let notice = next_notice(&mut helper, "notify").await;
                has(&notice, json!({"user_id": 10001, "target_id": 20002}));
            }
        }
        // Nobody pokes a stranger: Carol is no friend of the bot.
        face.refused(
            10001,
            "friend_poke",
            json!({"user_id": 20003}),
            "not a friend",
        )
        .await;
        face.server.stop().await;
    }
}

#[tokio::test]
async fn essence_marks_are_kept_listed_and_reported() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let mut helper = face.events(10002).await;
        let id = face.say(10001, 30001, "worth keeping").await;

        // A member may not mark; the bot, an admin of 30001, may.
        face.refused(
            10002,
            "set_essence_msg",
            json!({"message_id": id}),
            "only the owner or an admin",
        )
        .await;
        let done = face
            .ok(10001, "set_essence_msg", json!({"message_id": id}))
            .await;
        let answered = match profile {
            Profile::NapCat => json!({"errCode": 0, "errMsg": "success"}),
            _ => Value::Null,
        };
        assert_eq!(done, answered);
        let kept = face.view("/sim/essence?group=30001").await;
        assert_eq!(kept["essence"][0]["text"], "worth keeping", "{kept}");
        assert_eq!(kept["essence"][0]["operator"], 10001);
        let notice = next_notice(&mut helper, "essence").await;
        has(
            &notice,
            json!({"sub_type": "add", "group_id": 30001, "message_id": id, "sender_id": 10001, "operator_id": 10001}),
        );
        face.refused(
            10001,
            "set_essence_msg",
            json!({"message_id": id}),
            "already",
        )
        .await;

        let list = face
            .ok(10002, "get_essence_msg_list", json!({"group_id": 30001}))
            .await;
        let entry = &list[0];
        has(
            entry,
            json!({"message_id": id, "sender_id": 10001, "sender_nick": "lizi-bot", "operator_id": 10001}),
        );
        match profile {
            Profile::NapCat => {
                assert_eq!(entry["content"][0]["data"]["text"], "worth keeping");
                assert!(entry["msg_seq"].is_i64() && entry.get("sender_time").is_none());
            }
            Profile::LLOneBot => {
                assert!(entry["sender_time"].is_i64() && entry.get("content").is_none());
            }
            Profile::Lagrange => {
                assert!(entry["sender_time"].is_i64() && entry["content"].is_array());
            }
        }

        face.ok(10001, "delete_essence_msg", json!({"message_id": id}))
            .await;
        let kept = face.view("/sim/essence?group=30001").await;
        assert_eq!(kept["essence"], json!([]));
        face.say(10001, 30001, "marker").await;
        let before = events_before(&mut helper, "marker").await;
        let removals: Vec<&Value> = before
            .iter()
            .filter(|e| e["notice_type"] == "essence")
            .collect();
        match profile {
            // Lagrange.OneBot reports the removal; NapCat and LLOneBot report marks only.
            Profile::Lagrange => has(removals[0], json!({"sub_type": "delete", "message_id": id})),
            _ => assert!(removals.is_empty(), "{removals:?}"),
        }
        face.refused(
            10001,
            "delete_essence_msg",
            json!({"message_id": id}),
            "not an essence",
        )
        .await;
        face.server.stop().await;
    }
}

#[tokio::test]
async fn announcements_are_posted_listed_and_deleted_as_each_implementation_does() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        face.refused(
            10002,
            "_send_group_notice",
            json!({"group_id": 30001, "content": "x"}),
            "only the owner or an admin",
        )
        .await;
        let posted = face
            .ok(
                10001,
                "_send_group_notice",
                json!({"group_id": 30001, "content": "meeting at 8"}),
            )
            .await;
        let pinned = json!({"group_id": 30001, "content": "rules", "pinned": 1});
        face.ok(10001, "_send_group_notice", pinned).await;
        let kept = face.view("/sim/announcements?group=30001").await;
        let kept = kept["announcements"].as_array().expect("announcements");
        assert_eq!(kept.len(), 2, "{kept:?}");
        let meeting = kept
            .iter()
            .find(|a| a["text"] == "meeting at 8")
            .expect("kept");
        let id = meeting["notice_id"].as_str().expect("id");
        match profile {
            // Lagrange.OneBot answers the new id and fixes pinned 0.
            Profile::Lagrange => {
                assert_eq!(posted, json!(id));
                assert!(kept.iter().all(|a| a["pinned"] == false), "{kept:?}");
            }
            _ => assert_eq!(posted, Value::Null),
        }

        let list = face
            .ok(10002, "_get_group_notice", json!({"group_id": 30001}))
            .await;
        let list = list.as_array().expect("list");
        match profile {
            // NapCat and LLOneBot read QQ's feed, which leaves pinned ones out.
            Profile::Lagrange => assert_eq!(list.len(), 2, "{list:?}"),
            _ => assert_eq!(list.len(), 1, "{list:?}"),
        }
        let entry = list.iter().find(|a| a["notice_id"] == id).expect("listed");
        assert_eq!(entry["sender_id"], 10001, "{entry}");
        assert_eq!(entry["message"]["text"], "meeting at 8");
        assert_eq!(entry["message"]["images"], json!([]));
        if profile == Profile::NapCat {
            assert_eq!(entry["settings"]["confirm_required"], 1, "{entry}");
            assert_eq!(entry["message"]["image"], json!([]));
        }

        // A picture comes with the announcement, except in Lagrange.OneBot.
        let with_picture =
            json!({"group_id": 30001, "content": "look", "image": format!("base64://{PNG}")});
        if profile == Profile::Lagrange {
            face.refused(10001, "_send_group_notice", with_picture, "")
                .await;
        } else {
            face.ok(10001, "_send_group_notice", with_picture).await;
            let list = face
                .ok(10001, "_get_group_notice", json!({"group_id": 30001}))
                .await;
            let look = list
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["message"]["text"] == "look");
            let image = &look.expect("listed")["message"]["images"][0];
            assert_eq!(
                (image["width"].as_str(), image["height"].as_str()),
                (Some("1"), Some("1"))
            );
            assert_eq!(image["id"].as_str().map(str::len), Some(32), "{image}");
        }

        // Deleting: `_del_group_notice`, LLOneBot's `_delete_group_notice`.
        let (name, other) = match profile {
            Profile::LLOneBot => ("_delete_group_notice", "_del_group_notice"),
            _ => ("_del_group_notice", "_delete_group_notice"),
        };
        let target = json!({"group_id": 30001, "notice_id": id});
        face.unknown(10001, other, target.clone()).await;
        face.refused(10002, name, target.clone(), "only the owner or an admin")
            .await;
        face.ok(10001, name, target.clone()).await;
        let kept = face.view("/sim/announcements?group=30001").await;
        assert!(kept["announcements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["notice_id"] != id));
        face.refused(10001, name, target, "no announcement").await;
        face.server.stop().await;
    }
}

#[tokio::test]
async fn reactions_are_kept_counted_and_reported_per_implementation() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let mut helper = face.events(10002).await;
        let id = face.say(10001, 30001, "react to me").await;
        let req = face.view("/sim/history?group=30001").await["messages"][0]["req"].clone();

        match profile {
            Profile::Lagrange => {
                face.unknown(
                    10001,
                    "set_msg_emoji_like",
                    json!({"message_id": id, "emoji_id": "76"}),
                )
                .await;
                let react = json!({"group_id": 30001, "message_id": id, "code": "76"});
                assert_eq!(
                    face.ok(10001, "set_group_reaction", react).await,
                    Value::Null
                );
                let wrong_group = json!({"group_id": 30002, "message_id": id, "code": "76"});
                face.refused(10001, "set_group_reaction", wrong_group, "")
                    .await;
            }
            _ => {
                face.unknown(
                    10001,
                    "set_group_reaction",
                    json!({"group_id": 30001, "message_id": id, "code": "76"}),
                )
                .await;
                let done = face
                    .ok(
                        10001,
                        "set_msg_emoji_like",
                        json!({"message_id": id, "emoji_id": 76}),
                    )
                    .await;
                let answered = match profile {
                    Profile::NapCat => json!({"result": 0, "errMsg": ""}),
                    _ => Value::Null,
                };
                assert_eq!(done, answered);
            }
        }
        let kept = face
            .view(&format!("/sim/reactions?group=30001&req={req}"))
            .await;
        assert_eq!(kept["reactions"][0]["emoji"], "76", "{kept}");
        assert_eq!(kept["reactions"][0]["users"][0]["uin"], 10001);
        // Alice reacts with the same face through the control API.
        face.sim(
            "react",
            json!({"user": 20001, "group": 30001, "req": req, "emoji": "76"}),
        )
        .await;

        let (kind, first) = match profile {
            Profile::Lagrange => ("reaction", next_notice(&mut helper, "reaction").await),
            _ => (
                "group_msg_emoji_like",
                next_notice(&mut helper, "group_msg_emoji_like").await,
            ),
        };
        match profile {
            Profile::Lagrange => has(
                &first,
                json!({"sub_type": "add", "group_id": 30001, "message_id": id, "operator_id": 10001, "code": "76", "count": 1}),
            ),
            _ => has(
                &first,
                json!({"group_id": 30001, "user_id": 10001, "message_id": id, "likes": [{"emoji_id": "76", "count": 1}], "is_add": true}),
            ),
        }
        let second = next_notice(&mut helper, kind).await;
        match profile {
            Profile::Lagrange => has(&second, json!({"operator_id": 20001, "count": 2})),
            _ => has(&second, json!({"user_id": 20001})),
        }

        // Who reacted with face 76.
        if profile != Profile::Lagrange {
            let (emoji_key, type_key) = match profile {
                Profile::NapCat => ("emojiId", "emojiType"),
                _ => ("emoji_id", "emoji_type"),
            };
            let page = json!({"message_id": id, emoji_key: "76", type_key: "1", "count": 1});
            let first_page = face.ok(10002, "fetch_emoji_like", page).await;
            has(
                &first_page,
                json!({"isFirstPage": true, "isLastPage": false, "cookie": "1"}),
            );
            assert_eq!(first_page["emojiLikesList"][0]["tinyId"], "10001");
            // NapCat pages on by `cookie`; LLOneBot reads no cookie: it starts again.
            let page = json!({"message_id": id, emoji_key: "76", type_key: "1", "count": 5, "cookie": "1"});
            let last = face.ok(10002, "fetch_emoji_like", page).await;
            let first_shown = match profile {
                Profile::NapCat => "Alice",
                _ => "lizi-bot",
            };
            assert_eq!(last["emojiLikesList"][0]["nickName"], first_shown, "{last}");
            assert_eq!(last["isLastPage"], true);
        }
        if profile == Profile::NapCat {
            let likes = face
                .ok(
                    10002,
                    "get_emoji_likes",
                    json!({"message_id": id, "emoji_id": "76"}),
                )
                .await;
            assert_eq!(
                likes,
                json!({"emoji_like_list": [
                    {"user_id": "10001", "nick_name": "lizi-bot"},
                    {"user_id": "20001", "nick_name": "Alice"},
                ]})
            );
        } else {
            face.unknown(
                10002,
                "get_emoji_likes",
                json!({"message_id": id, "emoji_id": "76"}),
            )
            .await;
        }

        // Taking the reaction back: NapCat `set: false`, LLOneBot `unset_msg_emoji_like`,
        // Lagrange.OneBot `is_add: false`.
        let (action, params) = match profile {
            Profile::NapCat => (
                "set_msg_emoji_like",
                json!({"message_id": id, "emoji_id": "76", "set": false}),
            ),
            Profile::LLOneBot => (
                "unset_msg_emoji_like",
                json!({"message_id": id, "emoji_id": "76"}),
            ),
            Profile::Lagrange => (
                "set_group_reaction",
                json!({"group_id": 30001, "message_id": id, "code": "76", "is_add": false}),
            ),
        };
        face.ok(10001, action, params.clone()).await;
        let removed = next_notice(&mut helper, kind).await;
        match profile {
            Profile::Lagrange => has(&removed, json!({"sub_type": "remove", "count": 1})),
            _ => has(&removed, json!({"is_add": false, "user_id": 10001})),
        }
        face.refused(10001, action, params, "has not reacted").await;
        let kept = face
            .view(&format!("/sim/reactions?group=30001&req={req}"))
            .await;
        assert_eq!(kept["reactions"][0]["count"], 1, "Alice's stays: {kept}");
        face.server.stop().await;
    }
}

#[tokio::test]
async fn sign_ins_are_kept_once_a_day() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let sign = json!({"group_id": 30001});
        match profile {
            Profile::Lagrange => {
                face.unknown(10001, "send_group_sign", sign.clone()).await;
                face.unknown(10001, "set_group_sign", sign).await;
                face.server.stop().await;
                continue;
            }
            Profile::LLOneBot => face.unknown(10001, "set_group_sign", sign.clone()).await,
            Profile::NapCat => {
                assert_eq!(
                    face.ok(10002, "set_group_sign", sign.clone()).await,
                    Value::Null
                )
            }
        }
        assert_eq!(
            face.ok(10001, "send_group_sign", sign.clone()).await,
            Value::Null
        );
        face.ok(10001, "send_group_sign", sign.clone()).await;
        let kept = face.view("/sim/sign_ins?group=30001").await["sign_ins"].clone();
        let signed: Vec<u64> = kept
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["uin"].as_u64())
            .collect();
        let expected = match profile {
            Profile::NapCat => vec![10002, 10001],
            _ => vec![10001],
        };
        assert_eq!(
            signed, expected,
            "a second sign-in the same day adds nothing"
        );
        if profile == Profile::NapCat {
            let list = face.ok(10001, "get_group_signed_list", sign.clone()).await;
            has(
                &list[1],
                json!({"user_id": 10001, "nick": "lizi-bot", "rank": 2}),
            );
        } else {
            face.unknown(10001, "get_group_signed_list", sign.clone())
                .await;
        }
        face.refused(
            10001,
            "send_group_sign",
            json!({"group_id": 30003}),
            "no group 30003",
        )
        .await;
        face.server.stop().await;
    }
}

/// The default world with honours in the test group, written to a scratch folder.
fn honours_world(scratch: &common::Scratch) -> String {
    let default = include_str!("../../lizi-sim/worlds/default.toml");
    let world = default.replace(
        "name = \"lizi test group\"",
        "name = \"lizi test group\"\nhonours = { performer = [20002], legend = [20003], strong_newbie = [20001], emotion = [20001] }",
    );
    scratch.write("world.toml", &world)
}

#[tokio::test]
async fn honours_come_from_the_groups_messages_and_the_world_file() {
    let scratch = common::Scratch::new("honours");
    for profile in PROFILES {
        let face = Face::start(profile, Some(honours_world(&scratch))).await;
        // Today Bob says most; tomorrow that makes him yesterday's talkative member.
        for (from, text) in [(20002, "a"), (20002, "b"), (20001, "c")] {
            face.sim(
                "message",
                json!({"from": from, "group": 30001, "text": text}),
            )
            .await;
        }
        face.sim("clock", json!({"advance_seconds": 86_400})).await;
        let view = face.view("/sim/honours?group=30001").await;
        has(
            &view["current_talkative"],
            json!({"uin": 20002, "day_count": 1}),
        );

        let all = face
            .ok(
                10001,
                "get_group_honor_info",
                json!({"group_id": 30001, "type": "all"}),
            )
            .await;
        let talkative = &all["talkative_list"][0];
        has(talkative, json!({"user_id": 20002, "nickname": "Bob"}));
        let names = |list: &Value| -> Vec<Value> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|e| e["user_id"].clone())
                .collect()
        };
        match profile {
            Profile::NapCat => {
                assert_eq!(all["group_id"], 30001);
                assert_eq!(
                    all["current_talkative"], *talkative,
                    "the first talkative entry"
                );
                assert_eq!(names(&all["performer_list"]), [json!(20002)]);
                assert_eq!(all["legend_list"][0]["description"], "群聊炽焰");
                assert_eq!(names(&all["emotion_list"]), [json!(20001)]);
                assert_eq!(
                    all["strong_newbie_list"],
                    json!([]),
                    "NapCat never fills it"
                );
            }
            Profile::LLOneBot => {
                assert_eq!(
                    all["group_id"], "30001",
                    "LLOneBot writes the group as text"
                );
                has(
                    &all["current_talkative"],
                    json!({"user_id": 20002, "day_count": 0}),
                );
                assert_eq!(names(&all["performer_list"]), [json!(20002)]);
                assert!(all["legend_list"][0].get("description").is_none(), "{all}");
                assert_eq!(all["strong_newbie_list"], json!([]));
            }
            Profile::Lagrange => {
                has(
                    &all["current_talkative"],
                    json!({"user_id": 20002, "day_count": 1}),
                );
                assert!(all.get("performer_list").is_none(), "never filled: {all}");
                assert_eq!(names(&all["strong_newbie_list"]), [json!(20001)]);
            }
        }

        // One honour asked for.
        let legend = json!({"group_id": 30001, "type": "legend"});
        let only = face.ok(10001, "get_group_honor_info", legend).await;
        match profile {
            Profile::NapCat => {
                assert_eq!(names(&only["legend_list"]), [json!(20003)]);
                assert_eq!(only["talkative_list"], json!([]), "every key, unfilled");
            }
            // LLOneBot fetches the legend list only with the performer one.
            Profile::LLOneBot => assert_eq!(only, json!({"group_id": "30001"})),
            Profile::Lagrange => {
                assert_eq!(names(&only["legend_list"]), [json!(20003)]);
                assert!(only.get("talkative_list").is_none(), "{only}");
            }
        }
        // No type: all for NapCat and LLOneBot, a failure for Lagrange.OneBot.
        let untyped = json!({"group_id": 30001});
        match profile {
            Profile::Lagrange => {
                face.refused(10001, "get_group_honor_info", untyped, "")
                    .await
            }
            _ => {
                let all = face.ok(10001, "get_group_honor_info", untyped).await;
                assert!(all["emotion_list"].is_array(), "{all}");
            }
        }
        let unknown_type = json!({"group_id": 30001, "type": "dragon"});
        match profile {
            Profile::Lagrange => {
                face.refused(10001, "get_group_honor_info", unknown_type, "")
                    .await
            }
            _ => face.bad(10001, "get_group_honor_info", unknown_type).await,
        }
        face.server.stop().await;
    }
}

/// The resid of the `forward` segment of `event`'s message.
fn forward_id(event: &Value) -> String {
    let segment = &event["message"][0];
    assert_eq!(segment["type"], "forward", "{event}");
    segment["data"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn merged_forwards_are_kept_sent_as_their_card_and_read_back() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let mut helper = face.events(10002).await;
        let said = face.say(10001, 30001, "first [CQ:face,id=14]").await;
        let nodes = json!([
            {"type": "node", "data": {"id": said.to_string()}},
            {"type": "node", "data": {"user_id": "88888", "nickname": "someone", "content": "made up"}},
        ]);

        let sent = face
            .ok(
                10001,
                "send_group_forward_msg",
                json!({"group_id": 30001, "messages": nodes}),
            )
            .await;
        let resid = sent["forward_id"].as_str().expect("forward_id").to_owned();
        match profile {
            Profile::NapCat => assert_eq!(sent["res_id"], json!(resid)),
            _ => assert!(sent.get("res_id").is_none(), "{sent}"),
        }
        // The group sees the card as a forward segment naming the bundle.
        let event = common::ws_frames::next_json_where(&mut helper, |e| {
            e["message_id"] == sent["message_id"]
        })
        .await;
        assert_eq!(forward_id(&event), resid);
        // XLZ clients read the bundle with /getforwardedmsg.
        let read = face
            .server
            .call("/getforwardedmsg", &format!("logonqq=10002&resid={resid}"))
            .await;
        assert_eq!(read["List"][1]["FromQQ"]["Card"], "someone", "{read}");
        assert_eq!(read["List"][0]["Msg"]["Text"], "first [Face,Id=14]");

        // get_forward_msg, by resid; NapCat and LLOneBot also by the message's id.
        let got = face
            .ok(10002, "get_forward_msg", json!({"id": resid}))
            .await;
        match profile {
            Profile::Lagrange => {
                let node = &got["message"][1];
                assert_eq!(node["type"], "node");
                has(
                    &node["data"],
                    json!({"user_id": "88888", "nickname": "someone"}),
                );
                assert_eq!(node["data"]["content"][0]["data"]["text"], "made up");
            }
            _ => {
                let first = &got["messages"][0];
                assert_eq!(first["sender"]["user_id"], 10001);
                assert_eq!(
                    first["content"][1],
                    json!({"type": "face", "data": {"id": "14"}})
                );
                // LLOneBot declares the id a string and refuses a number, as Schemastery does.
                let id = sent["message_id"].clone();
                if profile == Profile::LLOneBot {
                    face.bad(10002, "get_forward_msg", json!({"message_id": id}))
                        .await;
                }
                let by_id = json!({"message_id": id.to_string()});
                assert_eq!(face.ok(10002, "get_forward_msg", by_id).await, got);
            }
        }

        // To a friend, and with send_forward_msg (Lagrange.OneBot only keeps the nodes).
        let private = json!({"user_id": 20001, "messages": nodes});
        face.ok(10001, "send_private_forward_msg", private).await;
        let history = face.view("/sim/history?a=10001&b=20001").await;
        let card = history["messages"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            card.starts_with("[Xml,Data=") && card.contains("m_resid"),
            "{history}"
        );
        let any = json!({"group_id": 30001, "messages": nodes});
        let answer = face.ok(10001, "send_forward_msg", any).await;
        if profile == Profile::Lagrange {
            let kept = answer.as_str().expect("the resid, as a string");
            let got = face.ok(10001, "get_forward_msg", json!({"id": kept})).await;
            assert_eq!(got["message"].as_array().map(Vec::len), Some(2));
        } else {
            assert!(answer["message_id"].is_i64(), "{answer}");
        }

        // Plain sends made of nodes: NapCat forwards them, LLOneBot refuses, Lagrange.OneBot
        // sends no node segment.
        let plain = json!({"group_id": 30001, "message": nodes});
        match profile {
            Profile::NapCat => {
                let sent = face.ok(10001, "send_group_msg", plain).await;
                assert!(sent["res_id"].is_string(), "{sent}");
                let mixed = json!([{"type": "text", "data": {"text": "x"}}, nodes[0]]);
                face.bad(
                    10001,
                    "send_group_msg",
                    json!({"group_id": 30001, "message": mixed}),
                )
                .await;
            }
            Profile::LLOneBot => {
                face.refused(10001, "send_group_msg", plain, "send_group_forward_msg")
                    .await
            }
            Profile::Lagrange => face.bad(10001, "send_group_msg", plain).await,
        }

        // A node naming no message: LLOneBot leaves it out, the others fail.
        let lost = json!([
            {"type": "node", "data": {"id": "123456"}},
            {"type": "node", "data": {"user_id": 20002, "nickname": "Bob", "content": "kept"}},
        ]);
        let with_lost = json!({"group_id": 30001, "messages": lost});
        match profile {
            Profile::LLOneBot => {
                let sent = face.ok(10001, "send_group_forward_msg", with_lost).await;
                let resid = sent["forward_id"].as_str().unwrap().to_owned();
                let got = face
                    .ok(10001, "get_forward_msg", json!({"id": resid}))
                    .await;
                assert_eq!(got["messages"].as_array().map(Vec::len), Some(1));
            }
            _ => {
                face.refused(10001, "send_group_forward_msg", with_lost, "123456")
                    .await
            }
        }
        // Not to a stranger.
        let stranger = json!({"user_id": 20003, "messages": nodes});
        face.refused(10001, "send_private_forward_msg", stranger, "not a friend")
            .await;
        face.server.stop().await;
    }
}

#[tokio::test]
async fn a_single_message_is_forwarded_to_another_chat() {
    for profile in PROFILES {
        let face = Face::start(profile, None).await;
        let id = face.say(10001, 30001, "pass it on").await;
        let to_friend = json!({"message_id": id, "user_id": 20002});
        if profile == Profile::Lagrange {
            face.unknown(10001, "forward_friend_single_msg", to_friend)
                .await;
            face.server.stop().await;
            continue;
        }
        let answer = face.ok(10001, "forward_friend_single_msg", to_friend).await;
        let history = face.view("/sim/history?a=10001&b=20002").await;
        assert_eq!(history["messages"][0]["text"], "pass it on", "{history}");
        match profile {
            Profile::LLOneBot => assert!(answer["message_id"].is_i64(), "{answer}"),
            _ => assert_eq!(answer, Value::Null),
        }
        let to_group = json!({"message_id": id, "group_id": 30002});
        face.ok(10001, "forward_group_single_msg", to_group).await;
        let history = face.view("/sim/history?group=30002").await;
        assert_eq!(history["messages"][0]["text"], "pass it on");
        let nowhere = json!({"message_id": id, "user_id": 20003});
        face.refused(10001, "forward_friend_single_msg", nowhere, "not a friend")
            .await;
        face.server.stop().await;
    }
}

#[tokio::test]
async fn what_was_done_survives_a_restart() {
    let face = Face::start(Profile::NapCat, None).await;
    let id = face.say(10001, 30001, "keep me").await;
    face.ok(10001, "set_essence_msg", json!({"message_id": id}))
        .await;
    face.ok(
        10001,
        "set_msg_emoji_like",
        json!({"message_id": id, "emoji_id": "76"}),
    )
    .await;
    face.ok(
        10001,
        "_send_group_notice",
        json!({"group_id": 30001, "content": "kept"}),
    )
    .await;
    face.ok(10001, "send_group_sign", json!({"group_id": 30001}))
        .await;
    let sent = face
        .ok(
            10001,
            "send_group_forward_msg",
            json!({"group_id": 30001, "messages": [{"type": "node", "data": {"id": id.to_string()}}]}),
        )
        .await;
    let face = face.restart().await;
    let list = face
        .ok(10001, "get_essence_msg_list", json!({"group_id": 30001}))
        .await;
    assert_eq!(list[0]["message_id"], id, "{list}");
    let likes = face
        .ok(
            10001,
            "get_emoji_likes",
            json!({"message_id": id, "emoji_id": "76"}),
        )
        .await;
    assert_eq!(likes["emoji_like_list"][0]["user_id"], "10001");
    let notices = face
        .ok(10001, "_get_group_notice", json!({"group_id": 30001}))
        .await;
    assert_eq!(notices[0]["message"]["text"], "kept");
    let signed = face
        .ok(10001, "get_group_signed_list", json!({"group_id": 30001}))
        .await;
    assert_eq!(signed[0]["user_id"], 10001);
    let got = face
        .ok(10001, "get_forward_msg", json!({"id": sent["res_id"]}))
        .await;
    assert_eq!(got["messages"][0]["raw_message"], "keep me");
    face.server.stop().await;
}
