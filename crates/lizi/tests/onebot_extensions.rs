//! The OneBot face's extension actions and per-profile availability, over the OneBot HTTP
//! API: each extension's effect checked in the simulated world (control API, XLZ API) in
//! every profile whose implementation has it, and every action a profile's implementation
//! lacks answered as that implementation answers an unknown action, with nothing done.

mod common;

use common::onebot::{retcodes, Face};
use lizi_onebot::registry::Registry;
use lizi_onebot::{Profile, ACTIONS};
use serde_json::{json, Value};

fn friends_of(world: &Value, uin: u64) -> Vec<u64> {
    let pairs = world["friendships"].as_array().expect("friendships");
    let pair = |f: &Value| (f[0].as_u64().expect("a"), f[1].as_u64().expect("b"));
    let other = |(a, b): (u64, u64)| [(a == uin).then_some(b), (b == uin).then_some(a)];
    pairs.iter().map(pair).flat_map(other).flatten().collect()
}

#[tokio::test]
async fn an_action_the_implementation_lacks_is_unknown_and_does_nothing() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (unknown, _, _) = retcodes(profile);
        for spec in ACTIONS.iter().filter(|spec| !spec.available_in(profile)) {
            let answer = face.call(10001, spec.name, json!({})).await;
            assert_eq!(
                answer["retcode"], unknown,
                "{profile:?} {}: {answer}",
                spec.name
            );
            assert_eq!(answer["data"], Value::Null, "{answer}");
        }
        // With good parameters too: nothing changes.
        let before = face.settings(30001).await;
        let permissions = json!({"group_id": 30001, "allow_member_create_group": false});
        let answer = face
            .call(10001, "set_group_member_permissions", permissions)
            .await;
        if profile == Profile::NapCat {
            assert_eq!(answer["status"], "ok", "{answer}");
            assert_ne!(face.settings(30001).await, before);
        } else {
            assert_eq!(answer["retcode"], unknown, "{profile:?}: {answer}");
            assert_eq!(face.settings(30001).await, before, "{profile:?}");
        }
        let note = json!({"nickname": "renamed", "personal_note": "x"});
        let answer = face.call(10001, "set_qq_profile", note).await;
        let nickname = face.ok(10001, "get_login_info", json!({})).await["nickname"].clone();
        if profile == Profile::Lagrange {
            assert_eq!(
                answer["retcode"], 404,
                "Lagrange.OneBot has no set_qq_profile"
            );
            assert_eq!(nickname, "lizi-bot");
        } else {
            assert_eq!(answer["status"], "ok", "{profile:?}: {answer}");
            assert_eq!(nickname, "renamed");
        }
    }
}

#[tokio::test]
async fn friends_signature_input_status_and_clientkey() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (unknown, failure, _) = retcodes(profile);
        // delete_friend is everywhere; NapCat reads `friend_id` as well, the others do
        // not (LLOneBot refuses the call, Lagrange.OneBot's handler finds no user).
        face.ok(10001, "delete_friend", json!({"user_id": 20002}))
            .await;
        if profile != Profile::NapCat {
            let (_, _, bad) = retcodes(profile);
            let refused = face
                .failed(10002, "delete_friend", json!({"friend_id": "20001"}))
                .await;
            let expected = if profile == Profile::Lagrange {
                failure
            } else {
                bad
            };
            assert_eq!(refused, expected, "{profile:?}");
            assert!(friends_of(&face.server.world().await, 10002).contains(&20001));
        }
        let friend = match profile {
            Profile::NapCat => json!({"friend_id": "20001"}),
            _ => json!({"user_id": "20001"}),
        };
        face.ok(10002, "delete_friend", friend).await;
        let world = face.server.world().await;
        assert!(!friends_of(&world, 10001).contains(&20002), "{profile:?}");
        assert!(!friends_of(&world, 10002).contains(&20001), "{profile:?}");
        assert!(friends_of(&world, 10001).contains(&20001), "{profile:?}");
        let again = face
            .failed(10001, "delete_friend", json!({"user_id": 20002}))
            .await;
        assert_eq!(again, failure, "no longer a friend");

        let longnick = json!({"longNick": "a long nick"});
        let typing = json!({"user_id": 10002, "event_type": 1});
        let session = face.server.session().await;
        if profile != Profile::NapCat {
            assert_eq!(
                face.failed(10001, "set_self_longnick", longnick).await,
                unknown
            );
            assert_eq!(
                face.failed(10001, "set_input_status", typing).await,
                unknown
            );
            assert_eq!(
                face.failed(10001, "get_clientkey", json!({})).await,
                unknown
            );
            let world = face.server.world().await;
            assert_ne!(world["accounts"][0]["signature"], "a long nick");
            assert!(face.server.events(session).await.is_empty());
            continue;
        }
        face.ok(10001, "set_self_longnick", longnick).await;
        let signature = face
            .server
            .call("/getsignat", "fromqq=10002&toqq=10001")
            .await;
        assert_eq!(signature["ret"], "a long nick", "{signature}");

        // Typing (1) and speaking (0) are XLZ's input statuses 1 and 3, for the friend.
        face.ok(10001, "set_input_status", typing).await;
        let speaking = json!({"user_id": 10002, "event_type": 0});
        face.ok(10001, "set_input_status", speaking).await;
        let bad = json!({"user_id": 10002, "event_type": 7});
        assert_eq!(face.failed(10001, "set_input_status", bad).await, 400);
        let events = face.server.events(session).await;
        let statuses: Vec<&Value> = events
            .iter()
            .filter(|e| e["Msg"]["Type"] == 119)
            .map(|e| &e["Msg"]["SubType"])
            .collect();
        assert_eq!(statuses, [&json!(1), &json!(3)], "{events:?}");

        let key = face.ok(10001, "get_clientkey", json!({})).await;
        let xlz = face.server.call("/getclientkey", "logonqq=10001").await;
        assert_eq!(key, json!({"clientkey": xlz["ret"]}), "{xlz}");
        assert!(!xlz["ret"].as_str().expect("key").is_empty());
    }
}

#[tokio::test]
async fn group_privileges_and_invite_policy() {
    let face = Face::start(Profile::NapCat, None).await;
    let before = face.settings(30001).await;
    let all = json!({
        "group_id": 30001,
        "allow_member_create_group": !before["new_group"].as_bool().expect("new_group"),
        "allow_member_temporary_session": !before["temp_session"].as_bool().expect("temp"),
        "allow_member_upload_album": !before["upload_album"].as_bool().expect("album"),
    });
    // A plain member may not; nothing changes.
    assert_eq!(
        face.failed(10002, "set_group_member_permissions", all.clone())
            .await,
        200
    );
    assert_eq!(face.settings(30001).await, before);
    face.ok(10001, "set_group_member_permissions", all).await;
    let after = face.settings(30001).await;
    for field in ["new_group", "temp_session", "upload_album"] {
        assert_ne!(after[field], before[field], "{field}: {after}");
    }
    assert_eq!(after["upload_file"], before["upload_file"]);
    let nothing = json!({"group_id": 30001});
    assert_eq!(
        face.failed(10001, "set_group_member_permissions", nothing)
            .await,
        400
    );

    let policy = |policy: &str| json!({"group_id": 30001, "policy": policy});
    face.ok(10001, "set_group_member_invite_policy", policy("disabled"))
        .await;
    assert_eq!(face.settings(30001).await["invite_in"], false);
    for (name, way) in [
        ("require_approval", 2),
        ("no_approval_under_100", 3),
        ("no_approval", 1),
    ] {
        face.ok(10001, "set_group_member_invite_policy", policy(name))
            .await;
        let settings = face.settings(30001).await;
        assert_eq!(
            (&settings["invite_in"], &settings["invite_way"]),
            (&json!(true), &json!(way)),
            "{name}"
        );
    }
    let unchanged = face.settings(30001).await;
    let bad = face
        .failed(10001, "set_group_member_invite_policy", policy("anyone"))
        .await;
    assert_eq!(bad, 400);
    assert_eq!(face.settings(30001).await, unchanged);

    let visible = |on: bool| json!({"group_id": 30001, "visible": on});
    for on in [true, false] {
        face.ok(
            10001,
            "set_group_new_member_history_visibility",
            visible(on),
        )
        .await;
        assert_eq!(face.settings(30001).await["new_member_history"], on);
    }
}

#[tokio::test]
async fn online_status_is_set_and_read_as_nt_codes() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (unknown, failure, bad) = retcodes(profile);
        let state = || {
            face.server
                .call("/getqqonlinestate", "logonqq=10002&qq=10001")
        };
        let busy = json!({"status": 50, "ext_status": 0, "battery_status": 0});
        if profile == Profile::Lagrange {
            assert_eq!(face.failed(10001, "set_online_status", busy).await, unknown);
            assert_eq!(state().await["ret"], "在线");
            continue;
        }
        face.ok(10001, "set_online_status", busy).await;
        assert_eq!(state().await["ret"], "忙碌", "{profile:?}");
        // An extended status XLZ cannot express fails; nothing changes.
        let listening = json!({"status": 10, "ext_status": 1028, "battery_status": 0});
        let answer = face.failed(10001, "set_online_status", listening).await;
        assert_eq!(answer, failure);
        let odd = json!({"status": 11, "ext_status": 0, "battery_status": 0});
        assert_eq!(face.failed(10001, "set_online_status", odd).await, bad);
        assert_eq!(state().await["ret"], "忙碌");
        let sleeping = json!({"status": 10, "ext_status": 1016, "battery_status": 80});
        face.ok(10001, "set_online_status", sleeping).await;
        assert_eq!(state().await["ret"], "在线");

        let asked = json!({"user_id": 10001});
        if profile != Profile::NapCat {
            assert_eq!(
                face.failed(10002, "nc_get_user_status", asked).await,
                unknown
            );
            continue;
        }
        let status = face.ok(10002, "nc_get_user_status", asked.clone()).await;
        assert_eq!(status, json!({"status": 10, "ext_status": 0}));
        let away = json!({"status": 30, "ext_status": 0, "battery_status": 0});
        face.ok(10001, "set_online_status", away).await;
        let status = face.ok(10002, "nc_get_user_status", asked.clone()).await;
        assert_eq!(status["status"], 30);
        face.server.call("/logoutqq", "logonqq=10001").await;
        let status = face.ok(10002, "nc_get_user_status", asked).await;
        assert_eq!(status["status"], 0, "offline");
    }
}

#[tokio::test]
async fn profile_likes_are_the_users_like_counts() {
    let face = Face::start(Profile::NapCat, None).await;
    let likes = |user: u64| face.ok(10001, "get_profile_like", json!({"user_id": user}));
    let before = likes(20001).await;
    face.ok(10001, "send_like", json!({"user_id": 20001, "times": 3}))
        .await;
    let after = likes(20001).await;
    let received = |v: &Value, key: &str| v["voteInfo"][key].as_i64().expect("count");
    assert_eq!(
        received(&after, "total_count"),
        received(&before, "total_count") + 3
    );
    assert_eq!(received(&after, "new_count"), 3, "{after}");
    assert_eq!(after["uid"], "20001");
    let xlz = face
        .server
        .call("/queryuserinfo", "logonqq=10001&qq=20001")
        .await;
    let info = &xlz["Info"];
    assert_eq!(
        json!(received(&after, "total_count")),
        info["CLike"],
        "{xlz}"
    );
    let mine = face.ok(10001, "get_profile_like", json!({})).await;
    assert_eq!(mine["uid"], "10001");
}

#[tokio::test]
async fn group_details_carry_the_memo() {
    let scratch = common::Scratch::new("ob-memo");
    let world = include_str!("../../lizi-sim/worlds/default.toml").replace(
        "name = \"lizi test group\"",
        "name = \"lizi test group\"\nmemo = \"read the rules\"",
    );
    let world = scratch.write("world.toml", &world);
    let face = Face::start(Profile::NapCat, Some(world)).await;
    let detail = face
        .ok(10001, "get_group_detail_info", json!({"group_id": 30001}))
        .await;
    assert_eq!(detail["group_name"], "lizi test group", "{detail}");
    assert_eq!(detail["member_count"], 5);
    assert_eq!(detail["groupMemo"], "read the rules", "{detail}");
    let missing = json!({"group_id": 39999});
    assert_eq!(
        face.failed(10001, "get_group_detail_info", missing).await,
        200
    );
}

#[tokio::test]
async fn stranger_and_member_fields_are_each_implementations() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let place = format!(
            "logonqq=10002&location={}",
            common::enc("49|13110|56|NK|51")
        );
        assert_eq!(face.server.call("/updatedata", &place).await["ret"], "true");
        let helper = face
            .ok(10001, "get_stranger_info", json!({"user_id": 10002}))
            .await;
        let mut keys: Vec<&str> = helper
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        // Exactly the keys the implementation always writes (its registry's).
        let registered = Registry::of(profile).action("get_stranger_info");
        let mut expected: Vec<&str> = registered
            .expect("registered")
            .fields
            .iter()
            .filter(|(key, kind)| !key.contains(['.', '[']) && !kind.ends_with('?'))
            .map(|(key, _)| key.as_str())
            .collect();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{profile:?}");
        // With the values lizi knows in each implementation's names.
        match profile {
            Profile::NapCat => assert!(helper["long_nick"].is_string() && helper["qqLevel"] == 1),
            Profile::Lagrange => assert!(helper["sign"].is_string() && helper["level"] == 1),
            Profile::LLOneBot => {
                assert_eq!(
                    (&helper["country"], &helper["city"]),
                    (&json!("49"), &json!("56"))
                );
            }
        }
        let alice = face
            .ok(10001, "get_stranger_info", json!({"user_id": 20001}))
            .await;
        let nowhere = alice.get("country").is_none_or(|country| country == "");
        assert!(nowhere, "no place known: {alice}");
        let carol = json!({"group_id": 30001, "user_id": 20003});
        let member = face.ok(10001, "get_group_member_info", carol).await;
        let list = face
            .ok(10001, "get_group_member_list", json!({"group_id": 30001}))
            .await;
        let with_mute = profile != Profile::Lagrange;
        assert_eq!(member.get("shut_up_timestamp").is_some(), with_mute);
        let listed = list.as_array().expect("list");
        assert!(listed
            .iter()
            .all(|m| m.get("shut_up_timestamp").is_some() == with_mute));
    }
}

#[tokio::test]
async fn set_group_leave_just_leaves_whatever_is_dismiss_says() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (_, failure, _) = retcodes(profile);
        // 10001 owns 30002: the owner cannot leave, and nobody dissolves the group.
        let dismiss = json!({"group_id": 30002, "is_dismiss": true});
        assert_eq!(
            face.failed(10001, "set_group_leave", dismiss).await,
            failure
        );
        assert_eq!(face.view("/sim/group?gin=30002").await["gin"], 30002);
        // 10002 just leaves 30001, which stays.
        let leave = json!({"group_id": 30001, "is_dismiss": true});
        face.ok(10002, "set_group_leave", leave).await;
        let group = face.view("/sim/group?gin=30001").await;
        let members = group["members"].as_array().expect("members");
        assert!(members.iter().all(|m| m["uin"] != 10002), "{group}");
        assert_eq!(members.len(), 4);
    }
}

#[tokio::test]
async fn cards_go_through_the_xlz_card_sends() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (_, failure, bad) = retcodes(profile);
        let send = |message: Value| json!({"group_id": 30001, "message": message});
        let card = json!({"app": "com.tencent.miniapp", "prompt": "hi"});
        let json_segment = json!([{"type": "json", "data": {"data": card.to_string()}}]);
        let sent = face.ok(10001, "send_group_msg", send(json_segment)).await;
        assert!(sent["message_id"].is_i64(), "{sent}");
        let texts = face.group_texts(30001).await;
        assert_eq!(texts.len(), 1);
        assert!(texts[0].starts_with("[Json,Data="), "{texts:?}");
        assert!(texts[0].contains("com.tencent.miniapp"), "{texts:?}");
        let got = face
            .ok(10001, "get_msg", json!({"message_id": sent["message_id"]}))
            .await;
        assert_eq!(got["message"][0]["type"], "json", "{got}");

        // A private JSON card, to a friend.
        let private =
            json!({"user_id": 20001, "message": [{"type": "json", "data": {"data": card}}]});
        face.ok(10001, "send_private_msg", private).await;

        let xml = json!([{"type": "xml", "data": {"data": "<msg serviceID=\"1\"/>"}}]);
        if profile == Profile::NapCat {
            // NapCat drops xml segments: nothing is left to send.
            assert_eq!(
                face.failed(10001, "send_group_msg", send(xml)).await,
                failure
            );
            let with_text = json!([{"type": "text", "data": {"text": "only this"}},
                                   {"type": "xml", "data": {"data": "<msg/>"}}]);
            face.ok(10001, "send_group_msg", send(with_text)).await;
            assert_eq!(
                face.group_texts(30001).await.last().expect("sent"),
                "only this"
            );
        } else {
            face.ok(10001, "send_group_msg", send(xml)).await;
            let texts = face.group_texts(30001).await;
            assert!(
                texts.last().expect("sent").starts_with("[Xml,Data=<msg"),
                "{texts:?}"
            );
        }

        let count = face.group_texts(30001).await.len();
        let music = json!([{"type": "music", "data": {
            "type": "custom", "url": "https://example.com/song", "audio": "https://example.com/a.mp3",
            "title": "A Song", "content": "A Singer", "image": "https://example.com/c.jpg"}}]);
        let shared = face.ok(10001, "send_group_msg", send(music)).await;
        let texts = face.group_texts(30001).await;
        assert_eq!(texts.len(), count + 1);
        assert!(
            texts[count].contains("A Song") && texts[count].contains("A Singer"),
            "{texts:?}"
        );
        let got = face
            .ok(
                10001,
                "get_msg",
                json!({"message_id": shared["message_id"]}),
            )
            .await;
        assert!(
            got["message"][0]["data"]["data"]
                .to_string()
                .contains("A Song"),
            "{got}"
        );

        // Refused before anything is sent: a card with text, a platform track, no title.
        let mixed = json!([{"type": "text", "data": {"text": "look"}},
                           {"type": "json", "data": {"data": card.to_string()}}]);
        assert_eq!(face.failed(10001, "send_group_msg", send(mixed)).await, bad);
        let track = json!([{"type": "music", "data": {"type": "qq", "id": "123"}}]);
        assert_eq!(
            face.failed(10001, "send_group_msg", send(track)).await,
            failure
        );
        let untitled =
            json!([{"type": "music", "data": {"type": "custom", "url": "u", "audio": "a"}}]);
        assert_eq!(
            face.failed(10001, "send_group_msg", send(untitled)).await,
            bad
        );
        assert_eq!(
            face.group_texts(30001).await.len(),
            count + 1,
            "{profile:?}"
        );
    }
}
