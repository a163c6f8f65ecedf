//! The OneBot face's actions beyond messages, over the OneBot HTTP API: each action's real
//! effect checked in the simulated world (control API, XLZ API), each refusal's envelope.

mod common;

use std::net::SocketAddr;

use common::Server;
use lizi_onebot::Profile;
use lizi_onebot_face::flag::RequestFlag;
use serde_json::{json, Value};

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// A free loopback address for the OneBot listener.
fn free_address() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr")
}

/// lizi with the OneBot HTTP API on, and a caller of its actions.
struct Face {
    server: Server,
    base: String,
}

impl Face {
    async fn start(profile: Profile) -> Face {
        let address = free_address();
        let server = Server::start_with(|settings| {
            settings.onebot.listen = Some(address);
            settings.onebot.profile = profile;
        })
        .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while tokio::net::TcpStream::connect(address).await.is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the OneBot listener never came up"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Face {
            server,
            base: format!("http://{address}"),
        }
    }

    /// Calls `action` as account `me` with JSON `params`; the answer (HTTP 200 always).
    async fn call(&self, me: u64, action: &str, params: Value) -> Value {
        let response = self
            .server
            .client
            .post(format!("{}/{action}", self.base))
            .header("X-Self-ID", me.to_string())
            .json(&params)
            .send()
            .await
            .expect("call");
        assert_eq!(response.status().as_u16(), 200, "{action}");
        response.json().await.expect("json")
    }

    /// Calls `action` and asserts it was done; its data.
    async fn ok(&self, me: u64, action: &str, params: Value) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "ok", "{action}: {answer}");
        assert_eq!(answer["retcode"], 0, "{action}: {answer}");
        answer["data"].clone()
    }

    /// Calls `action` and asserts it failed (NapCat's 200 over HTTP) with a message
    /// containing `why`.
    async fn refused(&self, me: u64, action: &str, params: Value, why: &str) -> Value {
        let answer = self.call(me, action, params).await;
        assert_eq!(answer["status"], "failed", "{action}: {answer}");
        assert_eq!(answer["retcode"], 200, "{action}: {answer}");
        let message = answer["message"].as_str().expect("message");
        assert!(message.contains(why), "{action}: {message:?} lacks {why:?}");
        answer
    }

    async fn group(&self, gin: u64) -> Value {
        self.get(&format!("/sim/group?gin={gin}")).await
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .server
            .client
            .get(self.server.url(path))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.json().await.expect("json")
    }
}

fn member_uins(group: &Value) -> Vec<u64> {
    group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["uin"].as_u64().expect("uin"))
        .collect()
}

#[tokio::test]
async fn group_lists_and_information_come_from_the_world() {
    let face = Face::start(Profile::NapCat).await;
    let groups = face.ok(10001, "get_group_list", json!({})).await;
    // NapCat's group objects: `group_all_shut` -1 while the whole group is muted.
    assert_eq!(
        groups,
        json!([
            {"group_id": 30001, "group_name": "lizi test group", "member_count": 5, "max_member_count": 500, "group_all_shut": 0, "group_remark": ""},
            {"group_id": 30002, "group_name": "lizi dev group", "member_count": 2, "max_member_count": 500, "group_all_shut": 0, "group_remark": ""},
        ])
    );
    face.ok(
        10001,
        "set_group_whole_ban",
        json!({"group_id": 30002, "enable": true}),
    )
    .await;
    let shut = face
        .ok(10001, "get_group_info", json!({"group_id": 30002}))
        .await;
    assert_eq!(shut["group_all_shut"], -1, "{shut}");
    face.ok(
        10001,
        "set_group_whole_ban",
        json!({"group_id": 30002, "enable": false}),
    )
    .await;
    let info = face
        .ok(10002, "get_group_info", json!({"group_id": "30002"}))
        .await;
    assert_eq!(
        info["group_name"], "lizi dev group",
        "a group 10002 is not in"
    );
    assert_eq!(info["member_count"], 2);
    face.refused(10001, "get_group_info", json!({"group_id": 39999}), "39999")
        .await;

    face.ok(
        10001,
        "set_group_ban",
        json!({"group_id": 30001, "user_id": 20003, "duration": 600}),
    )
    .await;
    let members = face
        .ok(10001, "get_group_member_list", json!({"group_id": 30001}))
        .await;
    let role = |uin: u64| {
        members
            .as_array()
            .expect("list")
            .iter()
            .find(|m| m["user_id"] == uin)
            .map(|m| m["role"].clone())
    };
    assert_eq!(role(20001), Some(json!("owner")));
    assert_eq!(role(10001), Some(json!("admin")));
    assert_eq!(role(20002), Some(json!("member")));
    assert_eq!(members.as_array().expect("list").len(), 5);

    let carol = face
        .ok(
            10001,
            "get_group_member_info",
            json!({"group_id": 30001, "user_id": 20003}),
        )
        .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let muted_until = carol["shut_up_timestamp"].as_i64().expect("shut_up");
    assert!(
        (now + 500..=now + 700).contains(&muted_until),
        "{carol} (now {now})"
    );
    assert_eq!(carol["nickname"], "Carol");
    assert!(carol["join_time"].as_i64().expect("join_time") > 0);
    face.ok(
        10001,
        "set_group_card",
        json!({"group_id": 30001, "user_id": 20002, "card": "Bobby"}),
    )
    .await;
    let bob = face
        .ok(
            10002,
            "get_group_member_info",
            json!({"group_id": 30001, "user_id": 20002}),
        )
        .await;
    assert_eq!(bob["card"], "Bobby", "{bob}");
    assert_eq!(bob["role"], "member");
    face.refused(
        10001,
        "get_group_member_info",
        json!({"group_id": 30002, "user_id": 20003}),
        "not a member",
    )
    .await;
    face.refused(
        10002,
        "get_group_member_list",
        json!({"group_id": 30002}),
        "",
    )
    .await;
}

#[tokio::test]
async fn admin_actions_follow_the_role_rules() {
    let face = Face::start(Profile::NapCat).await;
    // A plain member cannot kick, grant admins or rename; nothing changes.
    face.refused(
        10002,
        "set_group_kick",
        json!({"group_id": 30001, "user_id": 20003}),
        "",
    )
    .await;
    face.refused(
        10001,
        "set_group_admin",
        json!({"group_id": 30001, "user_id": 20002}),
        "",
    )
    .await;
    face.refused(
        10002,
        "set_group_name",
        json!({"group_id": 30001, "group_name": "mine now"}),
        "",
    )
    .await;
    let group = face.group(30001).await;
    assert_eq!(group["name"], "lizi test group");
    assert_eq!(group["admins"], json!([10001]));
    assert!(member_uins(&group).contains(&20003));
    face.refused(
        10001,
        "set_group_name",
        json!({"group_id": 39999, "group_name": "x"}),
        "39999",
    )
    .await;

    // The owner grants an admin; an admin renames.
    face.ok(
        10001,
        "set_group_admin",
        json!({"group_id": 30002, "user_id": 20002, "enable": true}),
    )
    .await;
    assert_eq!(face.group(30002).await["admins"], json!([20002]));
    face.ok(
        10001,
        "set_group_name",
        json!({"group_id": 30001, "group_name": "renamed by the bot"}),
    )
    .await;
    assert_eq!(face.group(30001).await["name"], "renamed by the bot");

    // Anonymous chat is gone: no implementation registers it any more. Titles are the
    // owner's, and the network has none to set.
    for action in ["set_group_anonymous", "set_group_anonymous_ban"] {
        let unknown = json!({"group_id": 30001, "flag": "x"});
        face.refused(10001, action, unknown, "不支持的Api").await;
    }
    face.refused(
        10001,
        "set_group_special_title",
        json!({"group_id": 30001, "user_id": 20002, "special_title": "t"}),
        "only the owner",
    )
    .await;
    face.refused(
        10001,
        "set_group_special_title",
        json!({"group_id": 30002, "user_id": 20002, "special_title": "t"}),
        "cannot set special titles",
    )
    .await;
}

#[tokio::test]
async fn requests_are_answered_by_their_flag() {
    let face = Face::start(Profile::NapCat).await;
    let server = &face.server;
    // A friend request: its flag carries what the event in the log names.
    let session = server.session().await;
    let (status, asked) = server
        .sim(
            "friend_request",
            json!({"from": 20003, "to": 10001, "text": "hi"}),
        )
        .await;
    assert_eq!(status, 200, "{asked}");
    let events = server.events(session).await;
    let seq = events
        .iter()
        .find(|e| e["LogonQQ"] == 10001 && e["Type"] == "EventMsg")
        .and_then(|e| e["Msg"]["Seq"].as_i64())
        .unwrap_or_else(|| panic!("no request event in {events:?}"));
    assert_eq!(asked["seq"], seq);
    let flag = RequestFlag::Friend { user: 20003, seq }.encode();
    face.refused(
        10001,
        "set_group_add_request",
        json!({"flag": flag, "approve": true}),
        "set_friend_add_request",
    )
    .await;
    face.ok(
        10001,
        "set_friend_add_request",
        json!({"flag": flag, "approve": true}),
    )
    .await;
    let friendships = server.world().await["friendships"].clone();
    assert!(
        friendships
            .as_array()
            .expect("friendships")
            .contains(&json!([10001, 20003])),
        "{friendships}"
    );
    // Answered once: the same flag names no pending request any more.
    face.refused(10001, "set_friend_add_request", json!({"flag": flag}), "")
        .await;

    // A join request to the group 10001 owns, read from get_group_system_msg.
    let (status, _) = server
        .sim(
            "join_request",
            json!({"from": 20003, "group": 30002, "text": "let me in"}),
        )
        .await;
    assert_eq!(status, 200);
    let pending = face.ok(10001, "get_group_system_msg", json!({})).await;
    let joins = pending["join_requests"].as_array().expect("joins");
    assert_eq!(joins.len(), 1, "{pending}");
    assert_eq!(joins[0]["requester_uin"], 20003);
    assert_eq!(joins[0]["group_id"], 30002);
    assert_eq!(joins[0]["message"], "let me in");
    assert_eq!(pending["invited_requests"], json!([]));
    let nothing = face.ok(10002, "get_group_system_msg", json!({})).await;
    assert_eq!(nothing["join_requests"], json!([]), "10002 manages nothing");
    let flag = joins[0]["flag"].as_str().expect("flag").to_owned();
    // Only a manager of the group may answer it.
    face.refused(
        10002,
        "set_group_add_request",
        json!({"flag": flag, "approve": true}),
        "",
    )
    .await;
    assert!(!member_uins(&face.group(30002).await).contains(&20003));
    face.ok(
        10001,
        "set_group_add_request",
        json!({"flag": flag, "sub_type": "add", "approve": "true"}),
    )
    .await;
    assert!(member_uins(&face.group(30002).await).contains(&20003));
    let pending = face.ok(10001, "get_group_system_msg", json!({})).await;
    assert_eq!(pending["join_requests"], json!([]));

    // An invitation of the account, refused by its flag.
    let (status, invited) = server
        .sim(
            "invite",
            json!({"from": 20002, "to": 10002, "group": 30002}),
        )
        .await;
    assert_eq!(status, 200, "{invited}");
    let pending = face.ok(10002, "get_group_system_msg", json!({})).await;
    let invitations = pending["invited_requests"].as_array().expect("invited");
    assert_eq!(invitations.len(), 1, "{pending}");
    assert_eq!(invitations[0]["invitor_uin"], 20002);
    let flag = invitations[0]["flag"].as_str().expect("flag").to_owned();
    face.ok(
        10002,
        "set_group_add_request",
        json!({"flag": flag, "type": "invite", "approve": false, "reason": "no thanks"}),
    )
    .await;
    assert!(!member_uins(&face.group(30002).await).contains(&10002));
    let pending = face.ok(10002, "get_group_system_msg", json!({})).await;
    assert_eq!(pending["invited_requests"], json!([]));

    // Flags lizi never gave.
    for bad in ["nonsense", "1726890039", "group:1:2:3:2"] {
        face.refused(
            10001,
            "set_group_add_request",
            json!({"flag": bad, "approve": false}),
            "not a request flag",
        )
        .await;
    }
}

#[tokio::test]
async fn people_profile_status_and_keys() {
    let face = Face::start(Profile::NapCat).await;
    let alice = face
        .ok(10001, "get_stranger_info", json!({"user_id": 20001}))
        .await;
    assert_eq!(alice["user_id"], 20001);
    assert_eq!(alice["nickname"], "Alice");
    assert!(alice.get("long_nick").is_some(), "{alice}");

    face.ok(10001, "send_like", json!({"user_id": 20001, "times": 2}))
        .await;
    let answer = face
        .call(10001, "send_like", json!({"user_id": 20001, "times": 11}))
        .await;
    assert_eq!(answer["retcode"], 400, "{answer}");
    face.refused(10001, "send_like", json!({"user_id": 20003}), "")
        .await;

    face.ok(
        10001,
        "set_qq_profile",
        json!({"nickname": "renamed-bot", "personal_note": "a new note"}),
    )
    .await;
    let world = face.server.world().await;
    let me = world["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["uin"] == 10001)
        .expect("10001")
        .clone();
    assert_eq!(me["nickname"], "renamed-bot");
    assert_eq!(me["signature"], "a new note");
    // NapCat requires `nickname`, and its `sex` must be one the network knows: either
    // refusal changes nothing.
    for refused in [
        json!({"personal_note": "x"}),
        json!({"nickname": "again", "sex": 9}),
    ] {
        let answer = face.call(10001, "set_qq_profile", refused).await;
        assert_eq!(answer["retcode"], 400, "{answer}");
    }
    let login = face.ok(10001, "get_login_info", json!({})).await;
    assert_eq!(
        login["nickname"], "renamed-bot",
        "unchanged by the refusals"
    );
    let female = json!({"nickname": "renamed-bot", "sex": 2});
    face.ok(10001, "set_qq_profile", female).await;
    let world = face.server.world().await;
    let accounts = world["accounts"].as_array().expect("accounts");
    let me = accounts.iter().find(|a| a["uin"] == 10001).expect("10001");
    assert_eq!(me["sex"], 2, "{me}");

    let status = face.ok(10002, "get_status", json!({})).await;
    assert_eq!(
        (status["online"].clone(), status["good"].clone()),
        (json!(true), json!(true))
    );
    let clients = face.ok(10002, "get_online_clients", json!({})).await;
    assert_eq!(clients["clients"].as_array().expect("clients").len(), 1);
    let out = face.server.call("/logoutqq", "logonqq=10002").await;
    assert_eq!(out["ret"], "true", "{out}");
    let status = face.ok(10002, "get_status", json!({})).await;
    assert_eq!(status["online"], false, "{status}");
    let clients = face.ok(10002, "get_online_clients", json!({})).await;
    assert_eq!(clients["clients"], json!([]));
    face.refused(
        10002,
        "set_group_name",
        json!({"group_id": 30001, "group_name": "offline"}),
        "not logged in",
    )
    .await;

    let cookies = face
        .ok(10001, "get_cookies", json!({"domain": "qun.qq.com"}))
        .await;
    let cookies = cookies["cookies"].as_str().expect("cookies");
    assert!(
        cookies.contains("skey=@") && cookies.contains("p_skey="),
        "{cookies}"
    );
    let token = face.ok(10001, "get_csrf_token", json!({})).await;
    assert!(token["token"].as_i64().expect("token") > 0);
    // NapCat requires `domain`, and names the token `token`; get_cookies adds `bkn`.
    let answer = face.call(10001, "get_credentials", json!({})).await;
    assert_eq!(answer["retcode"], 400, "{answer}");
    let both = face
        .ok(10001, "get_credentials", json!({"domain": "qun.qq.com"}))
        .await;
    assert_eq!(both["token"], token["token"], "the same skey");
    assert!(both.get("csrf_token").is_none(), "{both}");
    let bkn = face
        .ok(10001, "get_cookies", json!({"domain": "qun.qq.com"}))
        .await["bkn"]
        .clone();
    assert_eq!(
        bkn,
        token["token"].to_string().as_str(),
        "bkn is the token as text"
    );

    face.ok(10001, "clean_cache", json!({})).await;
    face.refused(10001, "set_restart", json!({}), "restart the process")
        .await;
}

#[tokio::test]
async fn pictures_are_uploaded_then_sent_as_codes_whose_url_serves_them() {
    let face = Face::start(Profile::NapCat).await;
    let server = &face.server;
    let session = server.session().await;
    for action in ["can_send_image", "can_send_record"] {
        assert_eq!(face.ok(10001, action, json!({})).await["yes"], true);
    }
    face.ok(
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": [
            {"type": "text", "data": {"text": "look: "}},
            {"type": "image", "data": {"file": format!("base64://{PNG}")}},
        ]}),
    )
    .await;
    // The other account in the group receives it as a picture code with a URL.
    let events = server.events(session).await;
    let text = events
        .iter()
        .find(|e| e["LogonQQ"] == 10002 && e["Type"] == "GroupMsg")
        .map(|e| e["Msg"]["Text"].as_str().expect("text").to_owned())
        .unwrap_or_else(|| panic!("no group message for 10002 in {events:?}"));
    assert!(text.starts_with("look: [pic,hash="), "{text}");
    let hash = text
        .split("hash=")
        .nth(1)
        .and_then(|rest| rest.get(..32))
        .expect("hash")
        .to_owned();
    let url = text
        .split("url=")
        .nth(1)
        .and_then(|rest| rest.split([',', ']']).next())
        .expect("url")
        .to_owned();
    let png = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(PNG)
            .expect("png")
    };
    let served = server.client.get(&url).send().await.expect("media");
    assert_eq!(
        served.bytes().await.expect("bytes").as_ref(),
        png.as_slice()
    );

    // get_image by the file name received events carry; a send by that name.
    let image = face
        .ok(10001, "get_image", json!({"file": format!("{hash}.png")}))
        .await;
    assert_eq!(image["url"], url, "{image}");
    face.ok(
        10001,
        "send_private_msg",
        json!({"user_id": 20001, "message": format!("[CQ:image,file={}]", hash.to_lowercase())}),
    )
    .await;
    let history = face.get("/sim/history?a=10001&b=20001").await;
    let sent = history["messages"][0]["text"].as_str().expect("text");
    assert!(sent.starts_with(&format!("[pic,hash={hash}")), "{sent}");

    // A voice, to a friend: uploaded, then sent as its code.
    face.ok(
        10001,
        "send_msg",
        json!({"user_id": 20001, "message": {"type": "record", "data": {"file": "base64://IyFBTVIgdGlueQ=="}}}),
    )
    .await;
    let history = face.get("/sim/history?a=10001&b=20001").await;
    let voice = history["messages"][1]["text"].as_str().expect("text");
    assert!(voice.starts_with("[Audio,hash="), "{voice}");

    // Unknown pictures and unreadable sources are refused; nothing is sent.
    face.refused(
        10001,
        "send_group_msg",
        json!({"group_id": 30001, "message": "[CQ:image,file=0123456789ABCDEF0123456789ABCDEF]"}),
        "0123456789ABCDEF0123456789ABCDEF",
    )
    .await;
    let bad = face
        .call(
            10001,
            "send_group_msg",
            json!({"group_id": 30001, "message": "[CQ:image,file=picture.png]"}),
        )
        .await;
    assert_eq!(bad["retcode"], 400, "{bad}");
    face.refused(
        10001,
        "get_image",
        json!({"file": "picture.png"}),
        "names no picture",
    )
    .await;
    let group = face.get("/sim/history?group=30001").await;
    assert_eq!(group["messages"].as_array().expect("messages").len(), 1);
}

#[tokio::test]
async fn group_files_round_trip() {
    let face = Face::start(Profile::NapCat).await;
    let content = "hello, group";
    let base64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(content)
    };
    let folder = face
        .ok(
            10001,
            "create_group_file_folder",
            json!({"group_id": 30001, "name": "docs"}),
        )
        .await["groupItem"]["folderInfo"]["folderId"]
        .as_str()
        .expect("NapCat's folderId")
        .to_owned();
    assert!(folder.starts_with('/') && folder.len() > 1, "{folder}");
    face.refused(
        10002,
        "create_group_file_folder",
        json!({"group_id": 30001, "name": "mine"}),
        "only the owner or an admin",
    )
    .await;
    // No implementation reads a parent: a folder is made at the root whatever it says.
    let deep = json!({"group_id": 30001, "name": "deep", "parent_id": folder});
    let deep = face.ok(10001, "create_group_file_folder", deep).await["groupItem"]["folderInfo"]
        ["folderId"]
        .clone();
    let root = face
        .ok(10001, "get_group_root_files", json!({"group_id": 30001}))
        .await;
    let names = root["folders"].as_array().expect("folders");
    assert!(names.iter().any(|f| f["folder_name"] == "deep"), "{root}");
    let gone = json!({"group_id": 30001, "folder": deep});
    face.ok(10001, "delete_group_folder", gone).await;

    let at_root = face
        .ok(
            10001,
            "upload_group_file",
            json!({"group_id": 30001, "file": format!("base64://{base64}"), "name": "root.txt"}),
        )
        .await["file_id"]
        .as_str()
        .expect("file_id")
        .to_owned();
    face.ok(
        10001,
        "upload_group_file",
        json!({"group_id": 30001, "file": format!("base64://{base64}"), "name": "inner.txt", "folder": folder}),
    )
    .await;
    face.refused(
        10001,
        "upload_group_file",
        json!({"group_id": 30001, "file": "http://example.invalid/x", "name": "x"}),
        "does not download",
    )
    .await;

    let root = face
        .ok(10001, "get_group_root_files", json!({"group_id": 30001}))
        .await;
    assert_eq!(
        root["folders"].as_array().expect("folders").len(),
        1,
        "{root}"
    );
    assert_eq!(root["folders"][0]["folder_id"], folder.as_str());
    assert_eq!(root["folders"][0]["folder_name"], "docs");
    assert_eq!(root["folders"][0]["total_file_count"], 1);
    assert_eq!(root["files"].as_array().expect("files").len(), 1, "{root}");
    assert_eq!(root["files"][0]["file_name"], "root.txt");
    assert_eq!(root["files"][0]["file_size"], content.len());
    assert_eq!(root["files"][0]["uploader"], 10001);
    let inside = face
        .ok(
            10001,
            "get_group_files_by_folder",
            json!({"group_id": 30001, "folder_id": folder}),
        )
        .await;
    assert_eq!(inside["files"][0]["file_name"], "inner.txt", "{inside}");

    let url = face
        .ok(
            10001,
            "get_group_file_url",
            json!({"group_id": 30001, "file_id": at_root, "busid": 102}),
        )
        .await["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let served = face.server.client.get(&url).send().await.expect("file");
    assert_eq!(served.text().await.expect("text"), content);

    face.ok(
        10001,
        "delete_group_file",
        json!({"group_id": 30001, "file_id": at_root}),
    )
    .await;
    face.ok(
        10001,
        "delete_group_folder",
        json!({"group_id": 30001, "folder_id": folder}),
    )
    .await;
    let files = face.get("/sim/files?group=30001").await;
    assert_eq!(files["files"], json!([]), "{files}");
    face.refused(
        10001,
        "get_group_file_url",
        json!({"group_id": 30001, "file_id": at_root}),
        "no file",
    )
    .await;
}

#[tokio::test]
async fn suffixes_run_as_each_profile_does() {
    for profile in Profile::ALL {
        let face = Face::start(profile).await;
        let answer = face
            .call(
                10001,
                "send_group_msg_async",
                json!({"group_id": 30001, "message": "async"}),
            )
            .await;
        let limited = face
            .call(10001, "get_group_list_rate_limited", json!({}))
            .await;
        // The signature's field is the implementation's.
        let alice = face
            .ok(10001, "get_stranger_info", json!({"user_id": 20001}))
            .await;
        let field = match profile {
            Profile::Lagrange => "sign",
            _ => "long_nick",
        };
        assert!(alice[field].is_string(), "{profile:?}: {alice}");
        let sent = face.get("/sim/history?group=30001").await["messages"]
            .as_array()
            .expect("messages")
            .len();
        if profile == Profile::Lagrange {
            // Lagrange.OneBot knows no suffixes: unknown action, nothing done.
            assert_eq!(answer["retcode"], 404, "{answer}");
            assert_eq!(limited["retcode"], 404, "{limited}");
            assert_eq!(sent, 0);
        } else {
            // NapCat and LLOneBot run them as plain aliases.
            assert_eq!(answer["status"], "ok", "{profile:?}: {answer}");
            assert!(answer["data"]["message_id"].is_i64(), "{answer}");
            assert_eq!(limited["status"], "ok", "{profile:?}: {limited}");
            assert_eq!(limited["data"].as_array().expect("groups").len(), 2);
            assert_eq!(sent, 1);
        }
    }
}

#[tokio::test]
async fn error_texts_are_sentences_not_debug_output() {
    let face = Face::start(Profile::NapCat).await;
    let cases = [
        (
            "send_group_msg",
            json!({"group_id": 30001, "message": [{"type": "at", "data": {"qq": "abc"}}]}),
            "the `at` segment's `qq` is not a QQ or group number",
        ),
        (
            "send_group_msg",
            json!({"group_id": 30001, "message": [{"type": "json", "data": {}}]}),
            "the `json` segment's `data` is missing",
        ),
        (
            "set_online_status",
            json!({"status": 10, "ext_status": 12345, "battery_status": 0}),
            "has no XLZ counterpart",
        ),
    ];
    for (action, params, why) in cases {
        let answer = face.call(10001, action, params.clone()).await;
        assert_eq!(answer["status"], "failed", "{action} {params}: {answer}");
        let message = answer["message"].as_str().expect("a message");
        assert!(message.contains(why), "{action}: {message:?} lacks {why:?}");
        for debug in ["SegmentError", "{", "}", "[", "Some(", "None"] {
            assert!(
                !message.contains(debug),
                "{action}: {message:?} shows {debug:?}"
            );
        }
    }
}
