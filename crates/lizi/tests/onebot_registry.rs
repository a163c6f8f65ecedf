//! Each profile answers the actions its implementation registers (NapCat v4.18.19, LLOneBot
//! v7.0.1, Lagrange.OneBot nightly), over the OneBot HTTP API and its event stream: what
//! the simulated network cannot do fails saying why and changes nothing, what another
//! implementation has is unknown, the parameters are read as the implementation reads
//! them, and the actions lizi carries out change the world (checked through `/sim/…`) and
//! reach bots as events.

mod common;

use std::time::Duration;

use common::onebot::{retcodes, Face};
use lizi_onebot::registry::Registry;
use lizi_onebot::Profile;
use lizi_onebot_face::actions::{action_names, handling, Handling};
use serde_json::{json, Value};

/// A value of the registry's declared `kind`, for a parameter the action cannot do
/// without.
fn sample(kind: &str) -> Value {
    if kind.starts_with("array") {
        json!(["20003"])
    } else if kind == "object" || kind == "any" {
        json!({})
    } else if kind.contains("number") {
        json!(30001)
    } else if kind.contains("boolean") {
        json!(true)
    } else {
        json!("30001")
    }
}

/// What every refused action could change: the world and what XLZ bots receive.
async fn everything(face: &Face, session: u64) -> (Value, Vec<Value>, Vec<String>) {
    let world = face.server.world().await;
    (
        world,
        face.server.events(session).await,
        face.group_texts(30001).await,
    )
}

#[tokio::test]
async fn what_the_network_cannot_do_fails_saying_why_and_changes_nothing() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (_, failure, bad) = retcodes(profile);
        let session = face.server.session().await;
        let before = everything(&face, session).await;
        let mut refused = 0;
        for registered in &Registry::of(profile).actions {
            let Handling::Refused(why) = handling(profile, &registered.name) else {
                continue;
            };
            refused += 1;
            let params: serde_json::Map<String, Value> = registered
                .params
                .iter()
                .filter(|param| !param.optional)
                .map(|param| (param.name.clone(), sample(&param.kind)))
                .collect();
            let answer = face
                .call(10001, &registered.name, Value::Object(params))
                .await;
            let name = &registered.name;
            assert_eq!(answer["status"], "failed", "{profile:?} {name}: {answer}");
            assert_eq!(answer["retcode"], failure, "{profile:?} {name}: {answer}");
            assert_eq!(answer["data"], Value::Null, "{profile:?} {name}");
            if profile != Profile::Lagrange {
                assert_eq!(answer["message"], why, "{profile:?} {name}");
            }
        }
        assert!(refused > 0, "{profile:?}");
        assert_eq!(everything(&face, session).await, before, "{profile:?}");
        // Its parameters are checked first, as the implementation checks them (Lagrange.OneBot
        // checks none).
        let bare = match profile {
            Profile::NapCat => "ArkShareGroup",
            Profile::LLOneBot => "send_pb",
            Profile::Lagrange => ".send_packet",
        };
        let answer = face.call(10001, bare, json!({})).await;
        let expected = if profile == Profile::Lagrange {
            failure
        } else {
            bad
        };
        assert_eq!(answer["retcode"], expected, "{profile:?} {bare}: {answer}");
    }
}

#[tokio::test]
async fn an_action_of_another_implementation_is_unknown_in_its_own_words() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (unknown, _, _) = retcodes(profile);
        for name in action_names() {
            if handling(profile, name) != Handling::Unregistered {
                continue;
            }
            let url = format!("{}/{name}", face.base);
            let response = face.server.client.post(url).json(&json!({})).send().await;
            let response = response.expect("call");
            let status = response.status().as_u16();
            let answer: Value = response.json().await.expect("json");
            assert_eq!(answer["retcode"], unknown, "{profile:?} {name}: {answer}");
            match profile {
                Profile::NapCat => {
                    assert_eq!(status, 200);
                    assert_eq!(answer["message"], format!("不支持的Api {name}"));
                }
                Profile::LLOneBot => {
                    assert_eq!(status, 404, "{name}");
                    assert_eq!(answer["message"], format!("{name} API 不存在"));
                }
                Profile::Lagrange => assert!(answer.get("message").is_none(), "{answer}"),
            }
        }
    }
}

#[tokio::test]
async fn parameters_defaults_and_strictness_are_each_implementations() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let (_, _, bad) = retcodes(profile);
        // set_group_ban's duration: LLOneBot keeps the standard 1800 s, NapCat and
        // Lagrange.OneBot lift the mute when it is absent.
        let mute = json!({"group_id": 30001, "user_id": 20003, "duration": 600});
        face.ok(10001, "set_group_ban", mute).await;
        face.ok(
            10001,
            "set_group_ban",
            json!({"group_id": 30001, "user_id": 20003}),
        )
        .await;
        let group = face.view("/sim/group?gin=30001").await;
        let carol = group["members"].as_array().expect("members");
        let carol = carol.iter().find(|m| m["uin"] == 20003).expect("Carol");
        let muted = carol["mute_left"].as_i64().unwrap_or(0) > 0;
        assert_eq!(muted, profile == Profile::LLOneBot, "{profile:?}: {carol}");
        // LLOneBot and Lagrange.OneBot refuse a number where they declare a string.
        let flag = json!({"flag": 12345, "approve": true});
        let answer = face.call(10001, "set_friend_add_request", flag).await;
        let refused = answer["retcode"] == bad && answer["status"] == "failed";
        let expected_message = answer["message"].as_str().unwrap_or("").contains("string");
        assert_eq!(refused, profile != Profile::NapCat, "{profile:?}: {answer}");
        if profile == Profile::LLOneBot {
            assert!(expected_message, "{answer}");
        }
    }
}

#[tokio::test]
async fn temporary_messages_go_as_each_implementation_sends_them() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let carol = "a=10001&b=20003";
        let to_carol = json!({"user_id": 20003, "group_id": 30001, "message": "psst"});
        let answer = face.call(10001, "send_private_msg", to_carol.clone()).await;
        let history = |query: &str| {
            let query = query.to_owned();
            let face = &face;
            async move {
                let page = face.view(&format!("/sim/history?{query}")).await;
                page["messages"].as_array().cloned().unwrap_or_default()
            }
        };
        match profile {
            // NapCat opens a temporary session through the group given.
            Profile::NapCat => {
                assert_eq!(answer["status"], "ok", "{answer}");
                let sent = history(carol).await;
                assert_eq!(sent.len(), 1, "{sent:?}");
                assert_eq!(sent[0]["group"], 30001);
            }
            // LLOneBot ignores group_id until a temporary session exists; Lagrange.OneBot
            // never reads it. Carol is no friend: nothing goes out.
            _ => {
                assert_eq!(answer["status"], "failed", "{profile:?}: {answer}");
                assert!(history(carol).await.is_empty(), "{profile:?}");
            }
        }
        // A friend gets a friend message even when a group is given.
        let to_alice = json!({"user_id": 20001, "group_id": 30001, "message": "hi Alice"});
        face.ok(10001, "send_private_msg", to_alice).await;
        let alice = history("a=10001&b=20001").await;
        assert_eq!(
            alice.last().expect("sent")["group"],
            Value::Null,
            "{profile:?}"
        );
        // Once Carol has written through the group, LLOneBot answers through that session.
        let (status, _) = face
            .server
            .sim(
                "message",
                json!({"from": 20003, "to": 10001, "group": 30001, "text": "hey"}),
            )
            .await;
        assert_eq!(status, 200);
        let again = json!({"user_id": 20003, "message": "back to you"});
        let answer = face.call(10001, "send_private_msg", again).await;
        let last = history(carol).await.last().cloned().expect("Carol wrote");
        match profile {
            Profile::LLOneBot => {
                assert_eq!(answer["status"], "ok", "{answer}");
                assert_eq!(
                    (&last["text"], &last["group"]),
                    (&json!("back to you"), &json!(30001))
                );
            }
            _ => {
                assert_eq!(answer["status"], "failed", "{profile:?}: {answer}");
                assert_eq!(last["text"], "hey", "{profile:?}");
            }
        }
    }
}

#[tokio::test]
async fn group_requests_are_listed_as_each_implementation_lists_them() {
    for profile in Profile::ALL {
        let face = Face::start(profile, None).await;
        let ask = json!({"from": 20003, "group": 30002, "text": "let me in"});
        assert_eq!(face.server.sim("join_request", ask).await.0, 200);
        let invite = json!({"from": 20002, "to": 10001, "group": 30003});
        let _ = face.server.sim("invite", invite).await;
        let flag = match profile {
            Profile::Lagrange => {
                let requests = face.ok(10001, "get_group_requests", json!({})).await;
                let requests = requests.as_array().expect("a list").clone();
                let join = requests
                    .iter()
                    .find(|r| r["sub_type"] == "add")
                    .expect("join");
                assert_eq!(join["post_type"], "request", "{join}");
                assert_eq!(
                    (&join["user_id"], &join["group_id"]),
                    (&json!(20003), &json!(30002))
                );
                assert_eq!(
                    (&join["comment"], &join["invitor_id"]),
                    (&json!("let me in"), &json!(0))
                );
                join["flag"].clone()
            }
            _ => {
                let system = face.ok(10001, "get_group_system_msg", json!({})).await;
                let join = system["join_requests"][0].clone();
                assert_eq!(join["requester_uin"], 20003, "{system}");
                let none = face
                    .ok(10001, "get_group_system_msg", json!({"count": 0}))
                    .await;
                if profile == Profile::NapCat {
                    assert_eq!(
                        none["join_requests"],
                        json!([]),
                        "count bounds what is read"
                    );
                    let ignored = face
                        .ok(10001, "get_group_ignored_notifies", json!({}))
                        .await;
                    assert_eq!(ignored["join_requests"], json!([]), "{ignored}");
                }
                join["flag"].clone()
            }
        };
        let approve = json!({"flag": flag, "approve": true});
        face.ok(10001, "set_group_add_request", approve).await;
        let group = face.view("/sim/group?gin=30002").await;
        let members = group["members"].as_array().expect("members");
        assert!(
            members.iter().any(|m| m["uin"] == 20003),
            "{profile:?}: {group}"
        );
    }
}

#[tokio::test]
async fn kicking_several_members_is_all_or_none() {
    for (profile, action, key) in [
        (Profile::NapCat, "set_group_kick_members", "user_id"),
        (Profile::LLOneBot, "batch_delete_group_member", "user_ids"),
    ] {
        let face = Face::start(profile, None).await;
        let session = face.server.session().await;
        let members = |group: Value| -> Vec<u64> {
            let list = group["members"].as_array().cloned().unwrap_or_default();
            list.iter().filter_map(|m| m["uin"].as_u64()).collect()
        };
        // The owner cannot be removed by an admin: nobody goes.
        let with_owner = json!({"group_id": 30001, key: [20002, "20001"]});
        face.failed(10001, action, with_owner).await;
        let before = members(face.view("/sim/group?gin=30001").await);
        assert!(
            before.contains(&20002) && before.contains(&20001),
            "{profile:?}"
        );
        let two = json!({"group_id": 30001, key: [20002, "20003"]});
        face.ok(10001, action, two).await;
        let after = members(face.view("/sim/group?gin=30001").await);
        assert!(
            !after.contains(&20002) && !after.contains(&20003),
            "{after:?}"
        );
        // The framework accounts were told, one event each.
        let events = face.server.events(session).await;
        let left = events
            .iter()
            .filter(|e| e.to_string().contains("20003"))
            .count();
        assert!(left >= 1, "{events:?}");
    }
    let lagrange = Face::start(Profile::Lagrange, None).await;
    let kick = json!({"group_id": 30001, "user_id": [20002]});
    assert_eq!(
        lagrange.failed(10001, "set_group_kick_members", kick).await,
        404
    );
}

#[tokio::test]
async fn small_answers_are_the_implementations() {
    let napcat = Face::start(Profile::NapCat, None).await;
    let world = napcat.server.world().await;
    let model = napcat
        .ok(10001, "_get_model_show", json!({"model": "iPhone"}))
        .await;
    assert_eq!(
        model,
        json!([{"variants": {"model_show": "iPhone", "need_pay": false}}])
    );
    assert_eq!(
        napcat.ok(10001, "_set_model_show", json!({})).await,
        Value::Null
    );
    let safe = json!({"url": "https://example.com"});
    assert_eq!(
        napcat.ok(10001, "check_url_safely", safe).await,
        json!({"level": 1})
    );
    assert_eq!(
        napcat
            .ok(10001, "get_guild_service_profile", json!({}))
            .await,
        Value::Null
    );
    let one_way = napcat
        .ok(10001, "get_unidirectional_friend_list", json!({}))
        .await;
    assert_eq!(one_way, json!([]));
    for action in [
        "mark_group_msg_as_read",
        "mark_private_msg_as_read",
        "_mark_all_as_read",
    ] {
        let read = json!({"group_id": 30001, "user_id": 20001});
        assert_eq!(
            napcat.ok(10001, action, read).await,
            Value::Null,
            "{action}"
        );
    }
    assert_eq!(napcat.server.world().await, world, "nothing to change");

    let llonebot = Face::start(Profile::LLOneBot, None).await;
    for action in ["get_profile_like", "get_profile_like_me"] {
        let likes = llonebot
            .ok(10001, action, json!({"start": 0, "count": 5}))
            .await;
        assert_eq!(likes, json!({"users": [], "nextStart": 0}), "{action}");
    }
    let avatar = llonebot
        .ok(10001, "get_qq_avatar", json!({"user_id": 20001}))
        .await;
    assert_eq!(
        avatar["url"],
        "https://thirdqq.qlogo.cn/g?b=qq&nk=20001&s=640"
    );
    let group = llonebot
        .ok(10001, "get_qq_avatar", json!({"group_id": 30001}))
        .await;
    assert_eq!(group["url"], "https://p.qlogo.cn/gh/30001/30001/0");
    assert_eq!(
        llonebot.failed(10001, "get_qq_avatar", json!({})).await,
        200
    );
    let pay = json!({"domain": "pay.qq.com"});
    assert_eq!(llonebot.failed(10001, "get_cookies", pay).await, 200);
}

#[tokio::test]
async fn a_quick_operation_is_carried_out_as_an_action() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start(profile, None).await;
        let context = json!({"time": 1, "self_id": 10001, "post_type": "message",
            "message_type": "group", "group_id": 30001, "user_id": 20001, "message_id": 1});
        let quick = json!({"context": context, "operation": {"reply": "quick hi"}});
        face.ok(10001, ".handle_quick_operation", quick).await;
        assert_eq!(face.group_texts(30001).await, ["quick hi"], "{profile:?}");
        let bad = face.call(10001, ".handle_quick_operation", json!({})).await;
        assert_eq!(bad["retcode"], 400, "context and operation are required");
    }
}

/// A 1×1 GIF.
const GIF: &str = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";

#[tokio::test]
async fn upload_image_answers_the_url_serving_the_picture() {
    let face = Face::start(Profile::Lagrange, None).await;
    let url = face
        .ok(
            10001,
            "upload_image",
            json!({"file": format!("base64://{GIF}")}),
        )
        .await;
    let url = url.as_str().expect("a URL");
    let bytes = face.server.client.get(url).send().await.expect("get");
    let bytes = bytes.bytes().await.expect("bytes");
    use base64::Engine;
    let gif = base64::engine::general_purpose::STANDARD
        .decode(GIF)
        .expect("gif");
    assert_eq!(bytes.as_ref(), gif.as_slice());
    // Nothing was sent.
    assert!(face.group_texts(30001).await.is_empty());
    let bad = json!({"file": "nowhere.png"});
    assert_eq!(face.failed(10001, "upload_image", bad).await, 200);
}

#[tokio::test]
async fn get_event_polls_a_queue_of_its_own_per_key() {
    let face = Face::start(Profile::LLOneBot, None).await;
    let poll = |key: &str, timeout: u64| {
        let params = json!({"key": key, "timeout": timeout});
        let face = &face;
        async move { face.ok(10001, "get_event", params).await }
    };
    // A queue starts at its first call.
    assert_eq!(poll("a", 0).await, json!([]));
    face.server
        .sim(
            "message",
            json!({"from": 20001, "group": 30001, "text": "one"}),
        )
        .await;
    let events = poll("a", 0).await;
    let events = events.as_array().expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["raw_message"], "one");
    assert_eq!(poll("a", 0).await, json!([]), "given once");
    assert_eq!(poll("b", 0).await, json!([]), "another key starts now");
    // A call waits for the next event, up to its timeout.
    let server = &face.server;
    let later = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        server
            .sim(
                "message",
                json!({"from": 20001, "group": 30001, "text": "two"}),
            )
            .await;
    };
    let (events, _) = tokio::join!(poll("a", 5000), later);
    assert_eq!(events[0]["raw_message"], "two", "{events}");
    let numeric = face.call(10001, "get_event", json!({"key": 7})).await;
    assert_eq!(
        numeric["retcode"], 400,
        "LLOneBot declares key a string: {numeric}"
    );
}

#[tokio::test]
async fn rename_group_file_renames_it_for_good() {
    let face = Face::start(Profile::NapCat, None).await;
    let upload = json!({"group_id": 30001, "file": "base64://aGVsbG8=", "name": "old.txt"});
    let id = face.ok(10001, "upload_group_file", upload).await["file_id"].clone();
    let rename = json!({"group_id": 30001, "file_id": id, "current_parent_directory": "/",
        "new_name": "new.txt"});
    assert_eq!(
        face.ok(10001, "rename_group_file", rename.clone()).await,
        json!({"ok": true})
    );
    let elsewhere = json!({"group_id": 30001, "file_id": id, "current_parent_directory": "/x",
        "new_name": "other.txt"});
    face.failed(10001, "rename_group_file", elsewhere).await;
    let names = |files: Value| -> Vec<String> {
        let list = files["files"].as_array().cloned().unwrap_or_default();
        list.iter()
            .filter_map(|f| f["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        names(face.view("/sim/files?group=30001").await),
        ["new.txt"]
    );
    let server = face.server.restart(|_| {}).await;
    let files = server
        .client
        .get(server.url("/sim/files?group=30001"))
        .send()
        .await;
    let files: Value = files.expect("files").json().await.expect("json");
    assert_eq!(names(files), ["new.txt"], "after a restart");
}

#[tokio::test]
async fn upload_private_file_takes_the_sources_upload_group_file_takes() {
    let scratch = common::Scratch::new("private-file");
    let path = scratch.write("notes.txt", "from disk");
    let dir = scratch.0.clone();
    for profile in Profile::ALL {
        let dir = dir.clone();
        let face = Face::start_with(profile, move |s| s.api.media_dirs = vec![dir]).await;
        for file in [path.clone(), format!("file://{path}")] {
            let mut upload = json!({"user_id": 10002, "file": file});
            // NapCat requires a name; the others take the file's own.
            if profile == Profile::NapCat {
                upload["name"] = json!("notes.txt");
                let nameless = json!({"user_id": 10002, "file": file});
                assert_eq!(
                    face.failed(10001, "upload_private_file", nameless).await,
                    400
                );
            }
            let data = face.ok(10001, "upload_private_file", upload).await;
            // Lagrange.OneBot answers no data; the others the file's id.
            match profile {
                Profile::Lagrange => assert_eq!(data, Value::Null),
                _ => assert!(data["file_id"].is_string(), "{profile:?}: {data}"),
            }
        }
        let named = json!({"user_id": 10002, "file": path, "name": "renamed.txt"});
        face.ok(10001, "upload_private_file", named).await;
        let received = face.view("/sim/friend_files?account=10002").await;
        let files = received["files"].as_array().expect("files");
        let names: Vec<&str> = files.iter().filter_map(|f| f["name"].as_str()).collect();
        assert_eq!(
            names.iter().filter(|n| **n == "notes.txt").count(),
            2,
            "{received}"
        );
        assert!(names.contains(&"renamed.txt"), "{received}");
        let url = files[0]["url"].as_str().expect("url");
        let bytes = face.server.client.get(url).send().await.expect("get");
        assert_eq!(bytes.text().await.expect("text"), "from disk");
        // Outside the media folders a path is refused, as for group files.
        let outside = json!({"user_id": 10002, "file": "/etc/hostname"});
        face.failed(10001, "upload_private_file", outside).await;
    }
}

#[tokio::test]
async fn upload_group_file_takes_a_local_file_into_a_folder() {
    let scratch = common::Scratch::new("group-file-path");
    let path = scratch.write("report.txt", "from disk");
    let dir = scratch.0.clone();
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let dir = dir.clone();
        let face = Face::start_with(profile, move |s| s.api.media_dirs = vec![dir]).await;
        let made = face
            .ok(
                10001,
                "create_group_file_folder",
                json!({"group_id": 30001, "name": "reports"}),
            )
            .await;
        let folder = match profile {
            Profile::NapCat => made["groupItem"]["folderInfo"]["folderId"].clone(),
            _ => made["folder_id"].clone(),
        };
        let folder = folder.as_str().expect("the folder's id").to_owned();
        // As LLOneBot's own suite sends it: a file:// URL and `folder_id`, no name (NapCat
        // requires one).
        let mut upload =
            json!({"group_id": 30001, "file": format!("file://{path}"), "folder_id": folder});
        if profile == Profile::NapCat {
            upload["name"] = json!("report.txt");
        }
        let data = face.ok(10001, "upload_group_file", upload).await;
        let id = data["file_id"].as_str().expect("file_id").to_owned();
        let files = face.view("/sim/files?group=30001").await;
        let entry = files["files"]
            .as_array()
            .expect("files")
            .iter()
            .find(|f| f["id"] == id.as_str())
            .cloned()
            .expect("the uploaded file");
        assert_eq!(entry["name"], "report.txt", "{profile:?}: {entry}");
        assert_eq!(entry["folder"], folder.as_str(), "{profile:?}: {entry}");
        assert_eq!(entry["size"], 9, "{profile:?}: {entry}");
        // Outside the media folders a path is refused, and nothing is added.
        let outside =
            json!({"group_id": 30001, "file": "/etc/hostname", "name": "x", "folder_id": folder});
        face.failed(10001, "upload_group_file", outside).await;
        let after = face.view("/sim/files?group=30001").await;
        assert_eq!(after["files"], files["files"], "{profile:?}");
    }
}

/// The next `data:` event of an SSE response, as JSON.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) {
                return serde_json::from_str(data.trim()).expect("an event");
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk()).await;
        let chunk = chunk
            .expect("an event in time")
            .expect("read")
            .expect("open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn events_stream_over_http_and_catch_up_after_a_disconnection() {
    for profile in [Profile::NapCat, Profile::LLOneBot] {
        let face = Face::start_with(profile, |s| s.onebot.token = Some("secret".into())).await;
        let url = format!("{}/_events?client=sse&access_token=secret", face.base);
        let open = || {
            let client = face.server.client.clone();
            let url = url.clone();
            async move {
                let request = client.get(url).header("X-Self-ID", 10001);
                let response = request.send().await.expect("open");
                assert_eq!(response.status().as_u16(), 200);
                let kind = response.headers()["content-type"]
                    .to_str()
                    .unwrap_or("")
                    .to_owned();
                assert!(kind.starts_with("text/event-stream"), "{kind}");
                response
            }
        };
        let unauthorized = face
            .server
            .client
            .get(format!("{}/_events", face.base))
            .send();
        assert_eq!(unauthorized.await.expect("get").status().as_u16(), 401);
        let mut stream = open().await;
        let mut buffer = String::new();
        let say = |text: &str| json!({"from": 20001, "group": 30001, "text": text});
        face.server.sim("message", say("first")).await;
        let event = next_event(&mut stream, &mut buffer).await;
        assert_eq!(event["raw_message"], "first", "{profile:?}: {event}");
        assert_eq!(event["self_id"], 10001);
        drop(stream);
        tokio::time::sleep(Duration::from_millis(200)).await;
        face.server.sim("message", say("while away")).await;
        let mut stream = open().await;
        let mut buffer = String::new();
        let event = next_event(&mut stream, &mut buffer).await;
        assert_eq!(event["raw_message"], "while away", "{profile:?}: caught up");
    }
    let lagrange = Face::start(Profile::Lagrange, None).await;
    let answer = lagrange.call(10001, "_events", json!({})).await;
    assert_eq!(
        answer["retcode"], 404,
        "Lagrange.OneBot has no event stream: {answer}"
    );
}

#[tokio::test]
async fn sent_segments_arrive_with_every_data_key() {
    let face = Face::start(Profile::LLOneBot, None).await;
    let receive = |key: &'static str| {
        let face = &face;
        async move {
            face.ok(10002, "get_event", json!({"key": key, "timeout": 3000}))
                .await
        }
    };
    receive("segments").await;
    let first = face
        .ok(
            10001,
            "send_group_msg",
            json!({"group_id": 30001, "message": "quoted"}),
        )
        .await["message_id"]
        .clone();
    receive("segments").await;
    let image = json!({"type": "image", "data": {"file": format!("base64://{GIF}"),
        "summary": "动画表情", "sub_type": "1"}});
    let cases = [
        json!({"type": "text", "data": {"text": "plain [text]"}}),
        json!({"type": "at", "data": {"qq": "20001"}}),
        json!({"type": "face", "data": {"id": "178", "sub_type": "1"}}),
        json!({"type": "face", "data": {"id": "14", "raw": "x", "resultId": "7"}}),
        json!({"type": "reply", "data": {"id": first.to_string()}}),
        image,
        json!({"type": "record", "data": {"file": "base64://IyFBTVIKPEh3VB59KYM=", "magic": "0"}}),
        json!({"type": "video", "data": {"file": "base64://AAAAGGZ0eXBtcDQyAAAAAG1wNDJpc29t",
            "name": "clip.mp4"}}),
        json!({"type": "json", "data": {"data": "{\"app\":\"com.tencent.test\"}"}}),
    ];
    for sent in cases {
        let message = match sent["type"].as_str() {
            Some("text") => json!([sent.clone()]),
            _ => json!([sent.clone(), {"type": "text", "data": {"text": "!"}}]),
        };
        let params = json!({"group_id": 30001, "message": message});
        let answer = face.call(10001, "send_group_msg", params).await;
        if sent["type"] == "json" {
            // A card is a message of its own.
            assert_eq!(answer["status"], "failed", "{answer}");
            let alone = json!({"group_id": 30001, "message": [sent.clone()]});
            face.ok(10001, "send_group_msg", alone).await;
        }
        let events = receive("segments").await;
        let event = events
            .as_array()
            .and_then(|e| e.last())
            .expect("an event")
            .clone();
        let got = event["message"][0].clone();
        assert_eq!(got["type"], sent["type"], "{event}");
        for (key, value) in sent["data"].as_object().expect("data") {
            if key == "file"
                && ["image", "record", "video"].contains(&sent["type"].as_str().unwrap_or_default())
            {
                continue;
            }
            assert_eq!(&got["data"][key], value, "{key} of {sent}: {got}");
        }
    }
    // And in the CQ string, both ways.
    let cq = json!({"group_id": 30001, "message": "[CQ:face,id=178,sub_type=1]"});
    face.ok(10001, "send_group_msg", cq).await;
    let events = receive("segments").await;
    let raw = events[0]["raw_message"].as_str().expect("raw_message");
    assert!(raw.contains("sub_type=1"), "{raw}");
}
