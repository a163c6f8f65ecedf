//! The OneBot face's list, remark and media-by-id actions, over the OneBot HTTP
//! API of the real binary's server, in every profile whose implementation registers each:
//! the answer in that implementation's shape, the simulated world after it (`/sim/…`), the
//! events a bot receives on `/event`, and the unknown-action answer where the
//! implementation lacks the action.

mod common;

use base64::Engine;
use common::onebot::{next, retcodes, Face};
use common::{serve_bytes, Scratch};
use lizi_onebot::Profile;
use lizi_onebot_face::flag::RequestFlag;
use serde_json::{json, Value};

/// A 1×1 GIF.
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// The start of an MP4 file.
const MP4: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn md5(bytes: &[u8]) -> String {
    lizi_core::media::md5_hex(bytes)
}

/// Asserts that Lagrange.OneBot, which registers none of `actions`, answers each as
/// unknown.
async fn lagrange_lacks(actions: &[&str], params: Value) {
    let face = Face::start_with(Profile::Lagrange, |_| {}).await;
    for action in actions {
        face.unknown(10001, action, params.clone()).await;
    }
}

/// The texts of group `gin`'s stored messages, oldest first.
async fn group_texts(face: &Face, gin: u64) -> Vec<String> {
    let history = face.sim("history", json!({ "group": gin })).await;
    let messages = history["messages"].as_array().expect("messages");
    messages
        .iter()
        .map(|m| m["text"].as_str().expect("text").to_owned())
        .collect()
}

#[tokio::test]
async fn a_groups_message_mask_is_kept_checked_and_survives_a_restart() {
    let face = Face::start_with(Profile::LLOneBot, |_| {}).await;
    let (_, failure, _) = retcodes(Profile::LLOneBot);
    let block = json!({ "group_id": 30001, "mask": 3 });
    assert_eq!(
        face.ok(10001, "set_group_msg_mask", block).await,
        Value::Null
    );
    let masks = face.sim("group_masks", json!({ "account": 10001 })).await;
    assert_eq!(masks["groups"]["30001"], 3, "{masks}");
    // A mask QQ does not have, or a group the account is not in: refused, nothing changes.
    let answer = face
        .failure(
            10001,
            "set_group_msg_mask",
            json!({ "group_id": 30001, "mask": 7 }),
        )
        .await;
    assert_eq!(answer["retcode"], failure, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("no group message mask 7"),
        "{answer}"
    );
    let elsewhere = json!({ "group_id": 30002, "mask": 2 });
    assert_eq!(
        face.failure(10002, "set_group_msg_mask", elsewhere).await["retcode"],
        failure
    );
    assert_eq!(
        face.sim("group_masks", json!({ "account": 10001 })).await,
        masks
    );
    let face = face.restart().await;
    let after = face.sim("group_masks", json!({ "account": 10001 })).await;
    assert_eq!(after, masks, "the mask is saved");
    // Back to QQ's default (1) drops it.
    let notify = json!({ "group_id": 30001, "mask": 1 });
    face.ok(10001, "set_group_msg_mask", notify).await;
    let masks = face.sim("group_masks", json!({ "account": 10001 })).await;
    assert_eq!(masks["groups"], json!({}), "{masks}");
    // Only LLOneBot registers the action.
    for profile in [Profile::NapCat, Profile::Lagrange] {
        let face = Face::start_with(profile, |_| {}).await;
        face.unknown(
            10001,
            "set_group_msg_mask",
            json!({ "group_id": 30001, "mask": 3 }),
        )
        .await;
    }
}

#[tokio::test]
async fn remarks_show_in_the_lists_and_survive_a_restart() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        let friend = json!({ "user_id": 20001, "remark": "Ali" });
        assert_eq!(
            face.ok(10001, "set_friend_remark", friend).await,
            Value::Null
        );
        let group = json!({ "group_id": 30001, "remark": "work" });
        assert_eq!(face.ok(10001, "set_group_remark", group).await, Value::Null);
        let remarks = face.sim("remarks", json!({ "account": 10001 })).await;
        assert_eq!(remarks["friends"]["20001"], "Ali", "{remarks}");
        assert_eq!(remarks["groups"]["30001"], "work", "{remarks}");

        let friends = face.ok(10001, "get_friend_list", json!({})).await;
        let alice = friends
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["user_id"] == 20001);
        assert_eq!(alice.unwrap()["remark"], "Ali", "{friends}");
        let bob = friends
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["user_id"] == 20002);
        let bob_remark = if profile == Profile::LLOneBot {
            "Bob"
        } else {
            ""
        };
        assert_eq!(
            bob.unwrap()["remark"],
            bob_remark,
            "{profile:?}: remark || nick"
        );
        let key = if profile == Profile::NapCat {
            "group_remark"
        } else {
            "remark_name"
        };
        let groups = face.ok(10001, "get_group_list", json!({})).await;
        let test_group = groups
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group_id"] == 30001);
        assert_eq!(test_group.unwrap()[key], "work", "{groups}");
        let info = face
            .ok(10001, "get_group_info", json!({ "group_id": 30001 }))
            .await;
        assert_eq!(info[key], "work", "{info}");

        // Refusals change nothing.
        let (_, failure, bad) = retcodes(profile);
        let stranger = json!({ "user_id": 20003, "remark": "x" });
        let answer = face.failure(10001, "set_friend_remark", stranger).await;
        assert_eq!(answer["retcode"], failure, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains("not a friend"),
            "{answer}"
        );
        let elsewhere = json!({ "group_id": 30002, "remark": "x" });
        assert_eq!(
            face.failure(10002, "set_group_remark", elsewhere).await["retcode"],
            failure
        );
        let absent = face
            .call(10001, "set_friend_remark", json!({ "user_id": 20002 }))
            .await;
        if profile == Profile::NapCat {
            assert_eq!(absent["retcode"], bad, "NapCat requires remark: {absent}");
        } else {
            assert_eq!(
                absent["status"], "ok",
                "LLOneBot defaults remark to '': {absent}"
            );
        }
        assert_eq!(
            face.sim("remarks", json!({ "account": 10001 })).await,
            remarks
        );

        let face = face.restart().await;
        let after = face.sim("remarks", json!({ "account": 10001 })).await;
        assert_eq!(after, remarks, "{profile:?}: remarks are saved");
    }
    let face = Face::start_with(Profile::Lagrange, |_| {}).await;
    for action in ["set_friend_remark", "set_group_remark"] {
        let params = json!({ "user_id": 20001, "group_id": 30001, "remark": "x" });
        face.unknown(10001, action, params).await;
    }
    let remarks = face.sim("remarks", json!({ "account": 10001 })).await;
    assert_eq!(remarks["friends"], json!({}), "{remarks}");
}

#[tokio::test]
async fn friends_come_by_category_from_the_world_file_and_move_between_them() {
    let scratch = Scratch::new("categories");
    let mut world = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../lizi-sim/worlds/default.toml"),
    )
    .expect("default world");
    world.push_str("\n[[category]]\naccount = 10001\nname = \"同学\"\nfriends = [20002]\n");
    let path = scratch.write("world.toml", &world);
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let world = path.clone();
        let face = Face::start_with(profile, |s| s.world = Some(world.into())).await;
        let categories = face.ok(10001, "get_friends_with_category", json!({})).await;
        let categories = categories.as_array().expect("a list");
        assert_eq!(categories.len(), 2, "{categories:?}");
        let (default, school) = (&categories[0], &categories[1]);
        assert_eq!(
            (&default["categoryId"], &default["categoryName"]),
            (&json!(0), &json!("我的好友"))
        );
        assert_eq!(
            (&school["categoryId"], &school["categoryName"]),
            (&json!(1), &json!("同学"))
        );
        assert_eq!(school["categoryMbCount"], 1);
        assert_eq!(default["categoryMbCount"], 2, "20001 and 10002: {default}");
        if profile == Profile::LLOneBot {
            assert_eq!(default["onlineCount"], 1, "10002 is an online account");
        } else {
            assert!(default.get("onlineCount").is_none(), "NapCat writes none");
        }
        let bob = &school["buddyList"][0];
        assert_eq!(
            (&bob["user_id"], &bob["nickname"]),
            (&json!(20002), &json!("Bob"))
        );
        assert_eq!(bob["sex"], "unknown");
        if profile == Profile::NapCat {
            assert_eq!(bob["category_id"], 1, "{bob}");
            assert_eq!(bob["remark"], "", "{bob}");
        } else {
            assert_eq!(bob["remark"], "Bob", "LLOneBot: remark || nick: {bob}");
            assert!(bob.get("long_nick").is_some(), "{bob}");
        }
        let category_of = |view: &Value, id: u64| -> Vec<Value> {
            let categories = view["categories"].as_array().expect("categories");
            let category = categories.iter().find(|c| c["id"] == id).expect("category");
            let friends = category["friends"].as_array().expect("friends");
            friends.iter().map(|f| f["uin"].clone()).collect()
        };
        let move_alice = json!({ "user_id": 20001, "category_id": 1 });
        if profile == Profile::NapCat {
            face.unknown(10001, "set_friend_category", move_alice).await;
            continue;
        }
        // LLOneBot moves a friend between categories; a category the account lacks fails
        // and moves nobody.
        let missing = json!({ "user_id": 20001, "category_id": 7 });
        face.refused(
            10001,
            "set_friend_category",
            missing,
            "no friend category 7",
        )
        .await;
        let view = face.sim("categories", json!({ "account": 10001 })).await;
        assert_eq!(category_of(&view, 1), vec![json!(20002)], "{view}");
        assert_eq!(
            face.ok(10001, "set_friend_category", move_alice).await,
            Value::Null
        );
        let view = face.sim("categories", json!({ "account": 10001 })).await;
        assert_eq!(
            category_of(&view, 1),
            [json!(20001), json!(20002)],
            "{view}"
        );
        let face = face.restart().await;
        let categories = face.ok(10001, "get_friends_with_category", json!({})).await;
        assert_eq!(categories[1]["categoryMbCount"], 2, "kept: {categories}");
        face.ok(
            10001,
            "set_friend_category",
            json!({ "user_id": 20002, "category_id": 0 }),
        )
        .await;
        let view = face.sim("categories", json!({ "account": 10001 })).await;
        assert_eq!(category_of(&view, 1), vec![json!(20001)], "{view}");
    }
    lagrange_lacks(
        &["get_friends_with_category", "set_friend_category"],
        json!({ "user_id": 20001, "category_id": 1 }),
    )
    .await;
}

#[tokio::test]
async fn the_shut_list_is_the_muted_members_until_their_mute_ends() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        assert_eq!(
            face.ok(10001, "get_group_shut_list", json!({ "group_id": 30001 }))
                .await,
            json!([])
        );
        let mute = json!({ "operator": 20001, "group": 30001, "member": 20003, "seconds": 600 });
        face.sim("mute", mute).await;
        let list = face
            .ok(10001, "get_group_shut_list", json!({ "group_id": 30001 }))
            .await;
        let list = list.as_array().expect("a list");
        assert_eq!(list.len(), 1, "{list:?}");
        let carol = &list[0];
        assert_eq!(
            (&carol["uin"], &carol["nick"], &carol["role"]),
            (&json!("20003"), &json!("Carol"), &json!(2))
        );
        let until = carol["shutUpTime"].as_i64().expect("shutUpTime");
        let group = face.sim("group", json!({ "gin": 30001 })).await;
        let muted = group["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["uin"] == 20003);
        assert_eq!(muted.unwrap()["mute_until"], until, "the world's mute");
        face.sim("clock", json!({ "advance_seconds": 601 })).await;
        let after = face
            .ok(10001, "get_group_shut_list", json!({ "group_id": 30001 }))
            .await;
        assert_eq!(after, json!([]), "the mute ended");
        let answer = face
            .failure(10002, "get_group_shut_list", json!({ "group_id": 30002 }))
            .await;
        assert_eq!(
            answer["retcode"],
            retcodes(profile).1,
            "not a member: {answer}"
        );
    }
    lagrange_lacks(&["get_group_shut_list"], json!({ "group_id": 30001 })).await;
}

#[tokio::test]
async fn mentions_of_everyone_draw_on_a_daily_budget() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        let remain = face
            .ok(
                10001,
                "get_group_at_all_remain",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(
            remain,
            json!({"can_at_all": true, "remain_at_all_count_for_group": 10, "remain_at_all_count_for_uin": 10})
        );
        let mut helper = face.events(10002).await;
        let everyone = json!([{"type": "at", "data": {"qq": "all"}}, {"type": "text", "data": {"text": " meeting"}}]);
        face.ok(
            10001,
            "send_group_msg",
            json!({ "group_id": 30001, "message": everyone }),
        )
        .await;
        let event = next(&mut helper).await;
        assert_eq!(
            event["message"][0],
            json!({"type": "at", "data": {"qq": "all"}}),
            "{event}"
        );
        let remain = face
            .ok(
                10001,
                "get_group_at_all_remain",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(remain["remain_at_all_count_for_group"], 9, "{remain}");
        assert_eq!(remain["remain_at_all_count_for_uin"], 9, "{remain}");

        // 10002 is an ordinary member: it may not mention everyone.
        let remain = face
            .ok(
                10002,
                "get_group_at_all_remain",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(remain["can_at_all"], false, "{remain}");
        let before = group_texts(&face, 30001).await;
        let answer = face
            .failure(
                10002,
                "send_group_msg",
                json!({ "group_id": 30001, "message": everyone }),
            )
            .await;
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("mention everyone"),
            "{answer}"
        );
        assert_eq!(group_texts(&face, 30001).await, before, "nothing was sent");

        for _ in 0..9 {
            face.ok(
                10001,
                "send_group_msg",
                json!({ "group_id": 30001, "message": everyone }),
            )
            .await;
        }
        let answer = face
            .failure(
                10001,
                "send_group_msg",
                json!({ "group_id": 30001, "message": everyone }),
            )
            .await;
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("no mention of everyone is left today"),
            "{answer}"
        );
        let remain = face
            .ok(
                10001,
                "get_group_at_all_remain",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(remain["can_at_all"], false, "{remain}");
        let face = face.restart().await;
        let remain = face
            .ok(
                10001,
                "get_group_at_all_remain",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(
            remain["remain_at_all_count_for_group"], 0,
            "the count is saved: {remain}"
        );
    }
    lagrange_lacks(&["get_group_at_all_remain"], json!({ "group_id": 30001 })).await;
}

#[tokio::test]
async fn the_file_system_info_counts_the_groups_files() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        let info = face
            .ok(
                10001,
                "get_group_file_system_info",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(
            info,
            json!({"file_count": 0, "limit_count": 10000, "used_space": 0, "total_space": 10737418240u64})
        );
        let upload = json!({"from": 20001, "group": 30001, "name": "notes.txt", "base64": "aGVsbG8=", "folder": "/"});
        face.sim("upload_file", upload).await;
        face.sim(
            "upload_file",
            json!({"from": 20001, "group": 30001, "name": "b.txt", "base64": "aGk="}),
        )
        .await;
        let info = face
            .ok(
                10001,
                "get_group_file_system_info",
                json!({ "group_id": 30001 }),
            )
            .await;
        assert_eq!(
            (&info["file_count"], &info["used_space"]),
            (&json!(2), &json!(7)),
            "{info}"
        );
    }
    lagrange_lacks(
        &["get_group_file_system_info"],
        json!({ "group_id": 30001 }),
    )
    .await;
}

#[tokio::test]
async fn filtered_join_requests_are_listed_apart_and_answered_by_flag() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        let mut owner = face.events(10001).await;
        let request = json!({"from": 20003, "group": 30002, "text": "let me in", "filtered": true});
        face.sim("join_request", request).await;
        face.sim(
            "message",
            json!({"from": 20002, "group": 30002, "text": "marker"}),
        )
        .await;
        let event = next(&mut owner).await;
        assert_eq!(
            event["raw_message"], "marker",
            "no request event came first: {event}"
        );

        let system = face.ok(10001, "get_group_system_msg", json!({})).await;
        let joins = system["join_requests"]
            .as_array()
            .expect("join_requests")
            .clone();
        let flag = if profile == Profile::LLOneBot {
            // LLOneBot lists the filtered requests in get_group_system_msg, and refuses the
            // action that would list them apart.
            assert_eq!(joins.len(), 1, "{system}");
            let answer = face
                .failure(10001, "get_group_ignore_add_request", json!({}))
                .await;
            assert_eq!(answer["retcode"], retcodes(profile).1, "{answer}");
            assert_eq!(
                answer["message"],
                "请使用 get_group_system_msg API, 可获取被过滤的加群通知"
            );
            joins[0]["flag"].clone()
        } else {
            assert!(joins.is_empty(), "NapCat lists them apart: {system}");
            let ignored = face
                .ok(10001, "get_group_ignore_add_request", json!({}))
                .await;
            let entry = &ignored[0];
            assert_eq!(
                (
                    &entry["invitor_uin"],
                    &entry["group_id"],
                    &entry["message"],
                    &entry["checked"]
                ),
                (
                    &json!(20003),
                    &json!(30002),
                    &json!("let me in"),
                    &json!(false)
                ),
                "{ignored}"
            );
            assert_eq!(entry["requester_nick"], "Carol");
            let notifies = face
                .ok(10001, "get_group_ignored_notifies", json!({}))
                .await;
            assert_eq!(
                notifies["join_requests"][0]["request_id"],
                entry["request_id"]
            );
            assert_eq!(notifies["invited_requests"], json!([]), "{notifies}");
            let helper = face
                .ok(10002, "get_group_ignore_add_request", json!({}))
                .await;
            assert_eq!(helper, json!([]), "10002 manages no group: {helper}");
            // NapCat's entry carries no flag, as NapCat writes it: the flag names the
            // request by its `request_id`.
            assert!(entry.get("flag").is_none(), "{entry}");
            let seq = entry["request_id"].as_i64().expect("request_id");
            let flag = RequestFlag::Group {
                group: 30002,
                user: 20003,
                seq,
                invite: false,
            };
            json!(flag.encode())
        };
        face.ok(
            10001,
            "set_group_add_request",
            json!({ "flag": flag, "approve": true }),
        )
        .await;
        let group = face.sim("group", json!({ "gin": 30002 })).await;
        let joined = group["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["uin"] == 20003);
        assert!(joined, "{profile:?}: Carol joined: {group}");
    }
}

#[tokio::test]
async fn doubtful_friend_requests_are_listed_and_accepted_by_flag() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |_| {}).await;
        let mut bot = face.events(10001).await;
        let request = json!({"from": 20003, "to": 10001, "text": "hi there", "doubt": true});
        face.sim("friend_request", request).await;
        face.sim(
            "message",
            json!({"from": 20001, "to": 10001, "text": "marker"}),
        )
        .await;
        assert_eq!(
            next(&mut bot).await["raw_message"],
            "marker",
            "no request event"
        );

        let list = face
            .ok(10001, "get_doubt_friends_add_request", json!({}))
            .await;
        let entry = &list[0];
        let uin = if profile == Profile::LLOneBot {
            json!("20003")
        } else {
            json!(20003)
        };
        assert_eq!(
            (&entry["uin"], &entry["nick"], &entry["msg"], &entry["type"]),
            (&uin, &json!("Carol"), &json!("hi there"), &json!("doubt")),
            "{list}"
        );
        assert_eq!(
            face.ok(
                10001,
                "get_doubt_friends_add_request",
                json!({ "count": 0 })
            )
            .await,
            json!([])
        );
        assert_eq!(
            face.ok(10002, "get_doubt_friends_add_request", json!({}))
                .await,
            json!([])
        );

        let wrong = face
            .call(
                10001,
                "set_doubt_friends_add_request",
                json!({ "flag": "friend:20002:1" }),
            )
            .await;
        if profile == Profile::NapCat {
            assert_eq!(
                wrong["status"], "ok",
                "NapCat does not wait for the outcome: {wrong}"
            );
        } else {
            assert_eq!(wrong["retcode"], retcodes(profile).1, "{wrong}");
        }
        let flag = entry["flag"].clone();
        face.ok(
            10001,
            "set_doubt_friends_add_request",
            json!({ "flag": flag, "approve": false }),
        )
        .await;
        let notice = next(&mut bot).await;
        assert_eq!(
            (&notice["notice_type"], &notice["user_id"]),
            (&json!("friend_add"), &json!(20003)),
            "{notice}"
        );
        let world = face.server.world().await;
        assert!(
            world["friendships"]
                .as_array()
                .unwrap()
                .contains(&json!([10001, 20003])),
            "approve is not read: accepted"
        );
        assert_eq!(
            face.ok(10001, "get_doubt_friends_add_request", json!({}))
                .await,
            json!([])
        );
    }
    let doubt = [
        "get_doubt_friends_add_request",
        "set_doubt_friends_add_request",
    ];
    lagrange_lacks(&doubt, json!({ "flag": "x" })).await;
}

#[tokio::test]
async fn robots_and_guilds_are_none() {
    for profile in Profile::ALL {
        let face = Face::start_with(profile, |_| {}).await;
        if profile == Profile::Lagrange {
            for action in [
                "get_robot_uin_range",
                "get_guild_list",
                "get_guild_service_profile",
            ] {
                face.unknown(10001, action, json!({})).await;
            }
            continue;
        }
        assert_eq!(
            face.ok(10001, "get_robot_uin_range", json!({})).await,
            json!([])
        );
        assert_eq!(
            face.ok(10001, "get_guild_list", json!({})).await,
            Value::Null
        );
        if profile == Profile::NapCat {
            assert_eq!(
                face.ok(10001, "get_guild_service_profile", json!({})).await,
                Value::Null
            );
        } else {
            face.unknown(10001, "get_guild_service_profile", json!({}))
                .await;
        }
    }
}

#[tokio::test]
async fn favourite_stickers_are_kept_listed_described_and_dropped() {
    let scratch = Scratch::new("stickers");
    let dir = scratch.path("media");
    std::fs::create_dir_all(&dir).expect("media dir");
    let picture = dir.join("cat.gif");
    std::fs::write(&picture, GIF).expect("picture");
    let media = dir.clone();
    let face = Face::start_with(Profile::NapCat, |s| s.api.media_dirs = vec![media]).await;
    let added = face
        .ok(10001, "add_custom_face", json!({ "file": picture }))
        .await;
    assert_eq!(added["result"], 0, "{added}");
    let urls = face.ok(10001, "fetch_custom_face", json!({})).await;
    let url = urls[0].as_str().expect("a URL").to_owned();
    let bytes = face
        .server
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], GIF, "the URL serves the sticker");
    let detail = face
        .ok(10001, "fetch_custom_face_detail", json!({ "count": 10 }))
        .await;
    let res_id = format!("10001_0_0_0_{}_0_0", md5(GIF));
    assert_eq!(
        (&detail[0]["emoId"], &detail[0]["resId"]),
        (&json!(1), &json!(res_id)),
        "{detail}"
    );
    let describe = json!({ "emoji_id": 1, "res_id": res_id, "md5": md5(GIF), "desc": "cat" });
    face.ok(10001, "set_custom_face_desc", describe).await;
    let url_only = json!({ "file": "https://example.com/x.gif" });
    face.failure(10001, "add_custom_face", url_only).await;
    let face = face.restart().await;
    let kept = face.sim("stickers", json!({ "account": 10001 })).await;
    assert_eq!(kept["stickers"][0]["desc"], "cat", "saved: {kept}");
    face.failure(10001, "delete_custom_face", json!({ "md5": md5(GIF) }))
        .await;
    face.ok(10001, "delete_custom_face", json!({ "res_id": [res_id] }))
        .await;
    assert_eq!(
        face.ok(10001, "fetch_custom_face", json!({})).await,
        json!([])
    );

    for profile in [Profile::LLOneBot, Profile::Lagrange] {
        let face = Face::start_with(profile, |_| {}).await;
        let kept = face.sim("store_media", json!({ "base64": b64(GIF) })).await;
        face.sim(
            "add_sticker",
            json!({ "account": 10001, "md5": kept["hash"] }),
        )
        .await;
        let urls = face
            .ok(10001, "fetch_custom_face", json!({ "count": 5 }))
            .await;
        assert_eq!(urls, json!([kept["url"]]), "{profile:?}");
        for action in [
            "add_custom_face",
            "delete_custom_face",
            "fetch_custom_face_detail",
            "set_custom_face_desc",
        ] {
            face.unknown(10001, action, json!({ "file": "/x" })).await;
        }
    }
}

#[tokio::test]
async fn media_lizi_holds_is_answered_by_name_with_a_local_copy() {
    let scratch = Scratch::new("by-id");
    let dir = scratch.path("media");
    std::fs::create_dir_all(&dir).expect("media dir");
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let media = dir.clone();
        let face = Face::start_with(profile, |s| {
            s.api.media_dirs = vec![media];
            s.onebot.media_base64 = true;
        })
        .await;
        let mut bot = face.events(10001).await;
        face.sim(
            "send_picture",
            json!({ "from": 20001, "group": 30001, "base64": b64(GIF) }),
        )
        .await;
        let event = next(&mut bot).await;
        let file = event["message"][0]["data"]["file"]
            .as_str()
            .expect("file")
            .to_owned();
        assert_eq!(file, md5(GIF), "{event}");
        let image = face
            .ok(10001, "get_image", json!({ "file": format!("{file}.gif") }))
            .await;
        let path = image["file"].as_str().expect("a path");
        assert!(path.starts_with(dir.to_str().unwrap()), "{image}");
        assert_eq!(std::fs::read(path).expect("the local copy"), GIF);
        assert_eq!(image["url"], event["message"][0]["data"]["url"], "{image}");
        assert_eq!(image["file_size"], GIF.len().to_string());
        assert_eq!(image["file_name"], format!("{}.gif", md5(GIF)));
        if profile == Profile::NapCat {
            assert_eq!(image["base64"], b64(GIF), "{image}");
            let by_id = face
                .ok(10001, "get_image", json!({ "file_id": file }))
                .await;
            assert_eq!(by_id["file"], image["file"]);
        } else {
            assert!(
                image.get("base64").is_none(),
                "LLOneBot adds base64 only when file is the URL"
            );
            let answer = face
                .failure(10001, "get_image", json!({ "file_id": file }))
                .await;
            assert_eq!(answer["message"], "file is required", "{answer}");
        }

        // A group file, by id.
        let upload =
            json!({"from": 20001, "group": 30001, "name": "notes.txt", "base64": "aGVsbG8="});
        let entry = face.sim("upload_file", upload).await;
        let by_id = face
            .ok(10001, "get_file", json!({ "file_id": entry["id"] }))
            .await;
        assert_eq!(
            (&by_id["file_name"], &by_id["file_size"]),
            (&json!("notes.txt"), &json!("5"))
        );
        assert_eq!(
            std::fs::read_to_string(by_id["file"].as_str().unwrap()).unwrap(),
            "hello"
        );
        let answer = face
            .failure(10002, "get_file", json!({ "file": "nothing.txt" }))
            .await;
        assert_eq!(answer["retcode"], retcodes(profile).1, "{answer}");

        // A voice is answered in its own format: lizi converts none.
        let amr = b"#!AMR\n\x3c\x48\x77\x54\x1e\x7d\x29\x83";
        let voice =
            json!([{ "type": "record", "data": { "file": format!("base64://{}", b64(amr)) } }]);
        face.ok(
            10001,
            "send_group_msg",
            json!({ "group_id": 30002, "message": voice }),
        )
        .await;
        let record = face
            .ok(
                10001,
                "get_record",
                json!({ "file": md5(amr), "out_format": "amr" }),
            )
            .await;
        assert_eq!(
            std::fs::read(record["file"].as_str().unwrap()).unwrap(),
            amr
        );
        let answer = face
            .failure(
                10001,
                "get_record",
                json!({ "file": md5(amr), "out_format": "mp3" }),
            )
            .await;
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("does not convert"),
            "{answer}"
        );
        let absent = face
            .call(10001, "get_record", json!({ "file": md5(amr) }))
            .await;
        if profile == Profile::NapCat {
            assert_eq!(
                absent["retcode"],
                retcodes(profile).2,
                "NapCat requires out_format: {absent}"
            );
        } else {
            assert_eq!(
                absent["retcode"],
                retcodes(profile).1,
                "LLOneBot's default mp3: {absent}"
            );
        }
    }
    // Without a media folder the path is the URL; with LLOneBot, base64 comes then.
    let face = Face::start_with(Profile::LLOneBot, |s| s.onebot.media_base64 = true).await;
    let kept = face.sim("store_media", json!({ "base64": b64(GIF) })).await;
    let image = face
        .ok(10001, "get_image", json!({ "file": kept["hash"] }))
        .await;
    assert_eq!(image["file"], image["url"], "{image}");
    assert_eq!(image["base64"], b64(GIF), "{image}");
    lagrange_lacks(
        &["get_image", "get_record", "get_file"],
        json!({ "file": "x" }),
    )
    .await;
}

#[tokio::test]
async fn download_file_saves_into_the_media_folder_under_the_fetch_rules() {
    let scratch = Scratch::new("download");
    let dir = scratch.path("media");
    std::fs::create_dir_all(&dir).expect("media dir");
    let web = serve_bytes(GIF.to_vec()).await;
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let media = dir.clone();
        let face = Face::start_with(profile, |s| s.api.media_dirs = vec![media]).await;
        let saved = face
            .ok(10001, "download_file", json!({ "base64": "aGVsbG8=" }))
            .await;
        let path = dir.join("5d41402abc4b2a76b9719d911017c592");
        assert_eq!(
            saved["file"],
            path.to_str().unwrap(),
            "named by its MD5: {saved}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        let named = json!({ "base64": "aGk=", "name": "../../hi.txt" });
        let saved = face.ok(10001, "download_file", named).await;
        assert_eq!(
            saved["file"],
            dir.join("hi.txt").to_str().unwrap(),
            "a name is only a name"
        );
        let answer = face
            .failure(10001, "download_file", json!({ "name": "x" }))
            .await;
        assert_eq!(answer["message"], "不存在任何文件, 无法下载");
        let private = json!({ "url": format!("http://{web}/cat.gif"), "name": "cat.gif" });
        let answer = face.failure(10001, "download_file", private.clone()).await;
        assert!(
            answer["message"]
                .as_str()
                .unwrap()
                .contains("fetch_allow_private"),
            "{answer}"
        );
        assert!(
            !dir.join("cat.gif").exists(),
            "a refused download leaves nothing"
        );

        // The saved file can be sent on by path.
        let upload = json!({ "group_id": 30002, "file": saved["file"], "name": "hi.txt" });
        face.ok(10001, "upload_group_file", upload).await;
    }
    let media = dir.clone();
    let open = Face::start_with(Profile::NapCat, |s| {
        s.api.media_dirs = vec![media];
        s.api.fetch_allow_private = true;
    })
    .await;
    let private =
        json!({ "url": format!("http://{web}/cat.gif"), "name": "cat.gif", "headers": ["A=b"] });
    let saved = open.ok(10001, "download_file", private).await;
    assert_eq!(std::fs::read(saved["file"].as_str().unwrap()).unwrap(), GIF);
    let closed = Face::start_with(Profile::NapCat, |_| {}).await;
    let answer = closed
        .failure(10001, "download_file", json!({ "base64": "aGk=" }))
        .await;
    assert!(
        answer["message"].as_str().unwrap().contains("--media-dir"),
        "{answer}"
    );
    lagrange_lacks(&["download_file"], json!({ "base64": "aGk=" })).await;
}

#[tokio::test]
async fn rkeys_come_in_each_implementations_shape() {
    let face = Face::start_with(Profile::NapCat, |_| {}).await;
    let keys = face.ok(10001, "get_rkey", json!({})).await;
    assert_eq!(
        (&keys[0]["type"], &keys[1]["type"]),
        (&json!("private"), &json!("group")),
        "{keys}"
    );
    assert!(
        keys[0]["rkey"].as_str().unwrap().starts_with("&rkey="),
        "{keys}"
    );
    assert_eq!(keys[0]["ttl"], 3600);
    assert_eq!(
        face.ok(10001, "get_rkey", json!({})).await,
        keys,
        "stable within its hour"
    );
    let nt = face.ok(10001, "nc_get_rkey", json!({})).await;
    assert_eq!(
        (&nt[0]["type"], &nt[0]["rkey"]),
        (&json!(10), &keys[0]["rkey"]),
        "{nt}"
    );
    let server = face.ok(10001, "get_rkey_server", json!({})).await;
    assert_eq!(
        (&server["group_rkey"], &server["name"]),
        (&keys[1]["rkey"], &json!("NapCat 4"))
    );

    let face = Face::start_with(Profile::LLOneBot, |_| {}).await;
    let pair = face.ok(10001, "get_rkey", json!({})).await;
    assert!(
        pair["private_key"].as_str().unwrap().starts_with("&rkey="),
        "{pair}"
    );
    assert_eq!(
        pair["updated_time"].as_str().unwrap().len(),
        19,
        "YYYY-MM-DD hh:mm:ss: {pair}"
    );
    assert!(pair["expired_time"].as_i64().unwrap() > 0);
    face.unknown(10001, "nc_get_rkey", json!({})).await;

    let face = Face::start_with(Profile::Lagrange, |_| {}).await;
    let keys = face.ok(10001, "get_rkey", json!({})).await;
    assert_eq!(keys["rkeys"][1]["type"], "group", "{keys}");
    face.unknown(10001, "get_rkey_server", json!({})).await;
}

#[tokio::test]
async fn videos_are_stored_and_delivered_like_pictures() {
    for profile in Profile::ALL {
        let face = Face::start_with(profile, |_| {}).await;
        let mut helper = face.events(10002).await;
        let video =
            json!([{ "type": "video", "data": { "file": format!("base64://{}", b64(MP4)) } }]);
        face.ok(
            10001,
            "send_group_msg",
            json!({ "group_id": 30001, "message": video }),
        )
        .await;
        let texts = group_texts(&face, 30001).await;
        assert!(
            texts[0].starts_with(&format!("[litleVideo,hash={}", md5(MP4))),
            "{texts:?}"
        );
        let event = next(&mut helper).await;
        let segment = &event["message"][0];
        assert_eq!(
            (&segment["type"], &segment["data"]["file"]),
            (&json!("video"), &json!(md5(MP4))),
            "{event}"
        );
        let url = segment["data"]["url"].as_str().expect("a URL");
        let response = face.server.client.get(url).send().await.unwrap();
        assert_eq!(response.headers()["content-type"], "video/mp4");
        assert_eq!(&response.bytes().await.unwrap()[..], MP4);

        let mut bot = face.events(10001).await;
        face.sim(
            "send_video",
            json!({ "from": 20001, "to": 10001, "base64": b64(MP4) }),
        )
        .await;
        let event = next(&mut bot).await;
        assert_eq!(event["message"][0]["type"], "video", "{event}");
        if profile != Profile::Lagrange {
            let file = face
                .ok(10001, "get_file", json!({ "file": md5(MP4) }))
                .await;
            assert_eq!(file["file_name"], format!("{}.mp4", md5(MP4)), "{file}");
        }
    }
}

#[tokio::test]
async fn what_cannot_be_simulated_fails_with_a_reason_where_it_is_registered() {
    let calls = [
        (
            "ocr_image",
            json!({ "image": "x.png" }),
            &[Profile::NapCat, Profile::LLOneBot, Profile::Lagrange][..],
        ),
        (
            ".ocr_image",
            json!({ "image": "x.png" }),
            &[Profile::NapCat, Profile::Lagrange][..],
        ),
        (
            "get_ai_record",
            json!({ "character": "c", "group_id": 30001, "text": "hi" }),
            &[Profile::NapCat, Profile::Lagrange][..],
        ),
        (
            "send_group_ai_record",
            json!({ "character": "c", "group_id": 30001, "text": "hi" }),
            &[Profile::NapCat, Profile::LLOneBot, Profile::Lagrange][..],
        ),
        (
            "get_ai_characters",
            json!({ "group_id": 30001 }),
            &[Profile::NapCat, Profile::LLOneBot, Profile::Lagrange][..],
        ),
    ];
    for profile in Profile::ALL {
        let face = Face::start_with(profile, |_| {}).await;
        let before = group_texts(&face, 30001).await;
        for (action, params, registered) in &calls {
            let answer = face.call(10001, action, params.clone()).await;
            if !registered.contains(&profile) {
                assert_eq!(
                    answer["retcode"],
                    retcodes(profile).0,
                    "{profile:?} {action}: {answer}"
                );
                continue;
            }
            assert_eq!(
                answer["retcode"],
                retcodes(profile).1,
                "{profile:?} {action}: {answer}"
            );
            if profile != Profile::Lagrange {
                let why = answer["message"].as_str().unwrap();
                assert!(why.contains("not simulated"), "{action}: {answer}");
            }
        }
        assert_eq!(group_texts(&face, 30001).await, before, "nothing was sent");
        if profile == Profile::NapCat {
            let answer = face.call(10001, "get_ai_characters", json!({})).await;
            assert_eq!(
                answer["retcode"],
                retcodes(profile).2,
                "NapCat requires group_id: {answer}"
            );
        }
    }
}
