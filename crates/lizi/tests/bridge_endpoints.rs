//! The bridge's single-action endpoints end to end, in every OneBot profile: lizi A runs
//! `--backend onebot`, lizi B (the simulated network) dials it through its OneBot face as
//! NapCat, LLOneBot or Lagrange.OneBot. Reads through A answer what B's own XLZ API answers
//! for the same request; changes through A are checked in B's world; what the profile's
//! implementation cannot do fails before reaching it, naming it, and changes nothing; nor
//! does an anonymous send, refused with the reason.

mod common;

use common::bridge::{Pair, BOT, PROFILES};
use serde_json::{json, Value};

/// The name A gives the implementation of `profile` (`登录协议`, failures).
fn implementation(profile: &str) -> &'static str {
    match profile {
        "napcat" => "NapCat",
        "llonebot" => "LLOneBot",
        "lagrange" => "Lagrange.OneBot",
        other => panic!("unknown profile {other}"),
    }
}

/// The failure an answer carries in whichever XLZ template: `(retcode, retmsg)`.
fn failure(answer: &Value) -> Option<(i64, String)> {
    let text = |value: &Value| value["retmsg"].as_str().unwrap_or("").to_owned();
    if let Some(code) = answer["retcode"].as_i64().filter(|code| *code != 0) {
        return Some((code, text(answer)));
    }
    let inner: Value = serde_json::from_str(answer["ret"].as_str()?).ok()?;
    let code = inner["retcode"].as_i64().filter(|code| *code != 0)?;
    Some((code, text(&inner)))
}

/// Whether an answer is a success in its template (`true`, `OK`, retcode 0).
fn succeeded(answer: &Value) -> bool {
    failure(answer).is_none() && answer["ret"] != "false"
}

/// Everything B's world shows that the refused endpoints could change.
async fn world_state(pair: &Pair) -> Value {
    let network = &pair.network;
    json!({
        "world": network.get("/sim/world").await,
        "group": network.group(30001).await,
        "own_group": network.group(30002).await,
        "requests": network.get("/sim/requests").await,
    })
}

/// Calls `path` on A and checks it fails naming `named` and that reason.
async fn refused(pair: &Pair, path: &str, body: &str, named: &str, reason: &str) {
    let answer = pair.bridge.call(path, body).await;
    let (code, message) = failure(&answer).unwrap_or_else(|| panic!("{path}: {answer}"));
    assert_ne!(code, 0);
    assert!(
        message.contains(named) && message.contains(reason),
        "{path} on {named}: {message}"
    );
    if path != "/getgrouphb" {
        assert_ne!(answer["ret"], "true", "{path}: {answer}");
    }
}

/// The impossible endpoints, with a well-formed request each, and a word of the reason.
const IMPOSSIBLE: [(&str, &str, &str); 16] = [
    ("/loginqq", "logonqq=10001", "login"),
    ("/logoutqq", "logonqq=10001", "logout"),
    ("/callfriend", "logonqq=10001&toqq=20001", "voice-call"),
    (
        "/addfriend",
        "fromqq=10001&toqq=20003&text=hi",
        "friend request",
    ),
    (
        "/addgroup",
        "fromqq=10001&togroup=30009&text=hi",
        "join a group",
    ),
    (
        "/setfriendignmsg",
        "fromqq=10001&toqq=20001&ignore=true",
        "block",
    ),
    (
        "/setfriendcare",
        "fromqq=10001&toqq=20001&care=true",
        "特别关心",
    ),
    (
        "/setgrouppriv_uploadfile",
        "fromqq=10001&togroup=30002&allow=false",
        "upload",
    ),
    (
        "/setgrouppriv_tanbaishuo",
        "fromqq=10001&togroup=30002&allow=false",
        "坦白说",
    ),
    (
        "/setsharepos",
        "fromqq=10001&group=30001&posx=1.5&posy=2.5&enable=true",
        "position",
    ),
    (
        "/uploadpos",
        "fromqq=10001&group=30001&posx=1.5&posy=2.5",
        "position",
    ),
    (
        "/savefiletoweiyun",
        "fromqq=10001&group=30001&fileid=abc",
        "微云",
    ),
    (
        "/sendfreepackage",
        "fromqq=10001&group=30001&toqq=20001&pkgid=299",
        "gift",
    ),
    ("/getgrouphb", "logonqq=10001&group=30001", "red packets"),
    // Standard in name, but no implementation does them.
    ("/dispgroup", "fromqq=10001&group=30002", "is_dismiss"),
    (
        "/setgrouppriv_anonymous",
        "fromqq=10001&togroup=30002&allow=true",
        "anonymous",
    ),
];

/// The endpoints `profile`'s implementation lacks, with a well-formed request each and a
/// word of the reason.
fn absent(profile: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    let not_napcat = [
        (
            "/sendinputstatus",
            "logonqq=10001&toqq=20001&status=1",
            "set_input_status",
        ),
        (
            "/setgrouppriv_newgroup",
            "fromqq=10001&togroup=30002&allow=false",
            "set_group_member_permissions",
        ),
        (
            "/setgrouppriv_newtempsession",
            "fromqq=10001&togroup=30002&allow=false",
            "set_group_member_permissions",
        ),
        (
            "/setgrouppriv_uploadphotoalbum",
            "fromqq=10001&togroup=30002&allow=false",
            "set_group_member_permissions",
        ),
        (
            "/setgrouppriv_invitein",
            "fromqq=10001&togroup=30002&allow=false",
            "set_group_member_invite_policy",
        ),
        (
            "/setgrouppriv_inviteway",
            "fromqq=10001&togroup=30002&way=1",
            "set_group_member_invite_policy",
        ),
        (
            "/setgrouppriv_newmembercanviewhistorymsg",
            "fromqq=10001&togroup=30002&allow=false",
            "set_group_new_member_history_visibility",
        ),
        (
            "/getqqonlinestate",
            "logonqq=10001&qq=20001",
            "nc_get_user_status",
        ),
        ("/getclientkey", "logonqq=10001", "get_clientkey"),
    ];
    match profile {
        "napcat" => vec![
            (
                "/sendprivatexmlmsg",
                "fromqq=10001&toqq=20001&xml=%3Cmsg%2F%3E",
                "xml",
            ),
            (
                "/sendgroupxmlmsg",
                "fromqq=10001&togroup=30001&xml=%3Cmsg%2F%3E",
                "xml",
            ),
            (
                "/renamegroupfolder",
                "fromqq=10001&group=30001&folder=a&name=b",
                "rename_group_file_folder",
            ),
        ],
        "llonebot" => not_napcat.to_vec(),
        _ => {
            let mut lagrange = not_napcat.to_vec();
            lagrange.extend([
                (
                    "/setnickname",
                    "fromqq=10001&nickname=new",
                    "set_qq_profile",
                ),
                ("/setsignat", "fromqq=10001&signature=new", "set_qq_profile"),
                ("/updatedata", "logonqq=10001&nick=new", "set_qq_profile"),
                (
                    "/setonlinestate",
                    "fromqq=10001&state=50",
                    "set_online_status",
                ),
                (
                    "/getmutetime",
                    "fromqq=10001&group=30001",
                    "shut_up_timestamp",
                ),
                (
                    "/sendgrouptempmsg",
                    "fromqq=10001&togroup=30001&toqq=20003&text=hi",
                    "group_id",
                ),
            ]);
            lagrange
        }
    }
}

#[tokio::test]
async fn bridge_refuses_impossible_and_absent_endpoints_naming_the_implementation() {
    for profile in PROFILES {
        let pair = Pair::start_with("bridge-refusals", profile, &["--key-access"], &[]).await;
        let named = implementation(profile);
        let before = world_state(&pair).await;
        for (path, body, reason) in IMPOSSIBLE.iter().copied().chain(absent(profile)) {
            refused(&pair, path, body, named, reason).await;
        }
        // An anonymous send is refused with the reason, never sent under the bot's name.
        let secret = "fromqq=10001&togroup=30001&text=secret&anonymous=1";
        let answer = pair.bridge.call("/sendgroupmsg", secret).await;
        let (_, why) = failure(&answer).unwrap_or_else(|| panic!("{profile}: {answer}"));
        assert!(why.contains("anonymously"), "{profile}: {why}");
        let history = pair.network.history("group=30001").await;
        assert!(!history.iter().any(|m| m["text"] == "secret"), "{profile}");
        // Nothing reached the implementation: B's world is as it was.
        assert_eq!(world_state(&pair).await, before, "{profile}");
        // Where the table says the implementation can, the same kind of request is tried.
        let nickname = pair
            .bridge
            .call("/getnickname", "fromqq=10001&toqq=20001")
            .await;
        assert_eq!(nickname["ret"], "Alice", "{profile}: {nickname}");
    }
}

/// A's and B's answers to the same XLZ request.
async fn both(pair: &Pair, path: &str, body: &str) -> (Value, Value) {
    let ours = pair.bridge.call(path, body).await;
    let network = pair.network.call(path, body).await;
    (ours, network)
}

#[tokio::test]
async fn bridge_reads_profiles_groups_and_keys_as_the_network_answers_them() {
    for profile in PROFILES {
        let pair = Pair::start_with(
            "bridge-reads",
            profile,
            &["--key-access"],
            &["--key-access"],
        )
        .await;
        let (bridge, network) = (&pair.bridge, &pair.network);

        // 登录协议 names the implementation the account is driven by.
        let logon = bridge.call("/getlogonqq", "").await;
        let list: Value = serde_json::from_str(logon["ret"].as_str().expect("ret")).expect("json");
        assert_eq!(
            list["QQlist"][BOT.to_string()]["登录协议"],
            implementation(profile),
            "{logon}"
        );

        network
            .sim_ok(
                "set_signature",
                json!({"user": 20001, "signature": "a signature"}),
            )
            .await;
        network
            .sim_ok(
                "set_card",
                json!({"operator": 20001, "group": 30001, "member": 20002, "card": "Bobby"}),
            )
            .await;
        for (path, body) in [
            ("/getnickname", "fromqq=10001&toqq=20002"),
            ("/getsignat", "fromqq=10001&toqq=20001"),
            ("/getgroupnamefromcache", "group=30001"),
            ("/getgroupcard", "fromqq=10001&group=30001&toqq=20002"),
            ("/getgroupmgrlist", "fromqq=10001&group=30001"),
            ("/getskey", "logonqq=10001"),
            ("/getpskey", "logonqq=10001&domain=qzone.qq.com"),
        ] {
            let (ours, theirs) = both(&pair, path, body).await;
            assert_eq!(ours, theirs, "{profile} {path}");
            assert_ne!(ours["ret"], "", "{profile} {path}: {ours}");
        }
        let (ours, theirs) = both(&pair, "/getgroupmgrlist", "fromqq=10001&group=30001").await;
        assert_eq!(ours["ret"], "20001\r\n10001\r\n", "{theirs}");

        // Profiles and group information: what OneBot exposes of them.
        let (ours, theirs) = both(&pair, "/queryuserinfo", "logonqq=10001&qq=20001").await;
        assert_eq!(ours["ret"], "true", "{ours}");
        for field in ["UIN", "NickName", "Sign", "QQLevel", "Age"] {
            assert_eq!(
                ours["Info"][field], theirs["Info"][field],
                "{profile} {field}"
            );
        }
        let (ours, theirs) = both(&pair, "/querygroupinfo", "logonqq=10001&group=30001").await;
        assert_eq!(ours["ret"], "true", "{ours}");
        assert_eq!(ours["Info"]["Name"], theirs["Info"]["Name"], "{profile}");

        // A forwarded bundle reads as its messages.
        let bundle = network
            .sim_ok(
                "bundle",
                json!({"messages": [{"from": 20001, "group": 30001, "text": "one"},
                    {"from": 20002, "text": "two"}]}),
            )
            .await;
        let resid = bundle["resid"].as_str().expect("resid");
        let body = format!("logonqq=10001&resid={resid}");
        let (ours, theirs) = both(&pair, "/getforwardedmsg", &body).await;
        let summary = |answer: &Value| -> Vec<(Value, Value)> {
            answer["List"]
                .as_array()
                .unwrap_or_else(|| panic!("{answer}"))
                .iter()
                .map(|m| (m["FromQQ"]["UIN"].clone(), m["Msg"]["Text"].clone()))
                .collect()
        };
        assert_eq!(summary(&ours), summary(&theirs), "{profile}");
        assert_eq!(summary(&ours).len(), 2);

        // A like reaches the user's profile.
        let likes = |answer: Value| answer["Info"]["CLike"].as_i64().expect("likes");
        let before = likes(
            network
                .call("/queryuserinfo", "logonqq=10001&qq=20001")
                .await,
        );
        let liked = bridge.call("/sendlike", "fromqq=10001&toqq=20001").await;
        assert!(succeeded(&liked), "{profile}: {liked}");
        let after = likes(
            network
                .call("/queryuserinfo", "logonqq=10001&qq=20001")
                .await,
        );
        assert_eq!(after, before + 1, "{profile}");

        // fromcache answers from what lizi saw, without asking: a later rename on the
        // network shows only when asked again.
        let friends = bridge.call("/getfriendlist", "logonqq=10001").await;
        assert!(succeeded(&friends), "{friends}");
        network
            .sim_ok("set_nickname", json!({"user": 20001, "nickname": "Alicia"}))
            .await;
        let cached = bridge
            .call("/getnickname", "toqq=20001&fromcache=true")
            .await;
        assert_eq!(cached["ret"], "Alice", "{profile}");
        let asked = bridge.call("/getnickname", "fromqq=10001&toqq=20001").await;
        assert_eq!(asked["ret"], "Alicia", "{profile}");
    }
}

/// The account's entry in B's world.
async fn own_profile(pair: &Pair) -> Value {
    let world = pair.network.get("/sim/world").await;
    world["accounts"]
        .as_array()
        .and_then(|accounts| accounts.iter().find(|a| a["uin"] == BOT).cloned())
        .expect("the bot's entry")
}

#[tokio::test]
async fn bridge_sets_the_account_s_profile_where_the_implementation_can() {
    // NapCat's signature goes through set_self_longnick: see the extension test.
    for profile in ["napcat", "llonebot"] {
        let pair = Pair::start("bridge-profile", profile).await;
        let bridge = &pair.bridge;
        let set = bridge
            .call("/setnickname", "fromqq=10001&nickname=renamed")
            .await;
        assert_eq!(set["ret"], "true", "{profile}: {set}");
        assert_eq!(own_profile(&pair).await["nickname"], "renamed");

        let updated = bridge
            .call("/updatedata", "logonqq=10001&nick=again&desc=about%20me")
            .await;
        assert_eq!(updated["ret"], "true", "{profile}: {updated}");
        let own = own_profile(&pair).await;
        assert_eq!(
            (&own["nickname"], &own["signature"]),
            (&json!("again"), &json!("about me"))
        );
        // What OneBot cannot set fails as a whole: nothing changes.
        let partial = bridge
            .call("/updatedata", "logonqq=10001&nick=third&company=acme")
            .await;
        let (_, message) = failure(&partial).unwrap_or_else(|| panic!("{partial}"));
        assert!(message.contains("company"), "{message}");
        assert_eq!(own_profile(&pair).await["nickname"], "again");

        if profile == "llonebot" {
            let signed = bridge
                .call("/setsignat", "fromqq=10001&signature=signed")
                .await;
            assert_eq!(signed["ret"], "true", "{signed}");
            assert_eq!(own_profile(&pair).await["signature"], "signed");
        }
    }
}

/// Whether `profile` has the extension action an endpoint needs.
fn has(profile: &str, profiles: &[&str]) -> bool {
    profiles.contains(&profile)
}

/// The endpoints carried out by the implementations' extension actions (set_input_status,
/// delete_friend, set_self_longnick, set_group_member_permissions,
/// set_group_member_invite_policy, set_group_new_member_history_visibility,
/// set_online_status, nc_get_user_status, get_clientkey, shut_up_timestamp, json/xml/music
/// segments), where each implementation has them.
#[tokio::test]
async fn bridge_extension_endpoints_in_every_profile() {
    for profile in PROFILES {
        let pair = Pair::start_with(
            "bridge-extensions",
            profile,
            &["--key-access"],
            &["--key-access"],
        )
        .await;
        let (bridge, network) = (&pair.bridge, &pair.network);

        // Cards and music go out through the send path and land in B's world.
        let json_card = r#"{"app":"com.example","prompt":"card"}"#;
        let body = format!("fromqq=10001&togroup=30001&json={}", common::enc(json_card));
        let (answer, inner) = bridge.call_retcode("/sendgroupjsonmsg", &body).await;
        assert_eq!(inner["retcode"], 0, "{profile}: {answer}");
        let body = format!("fromqq=10001&toqq=20001&json={}", common::enc(json_card));
        let (answer, inner) = bridge.call_retcode("/sendprivatejsonmsg", &body).await;
        assert_eq!(inner["retcode"], 0, "{profile}: {answer}");
        assert!(answer["req"].as_i64().is_some(), "{answer}");
        let history = network.history("group=30001").await;
        let last = history.last().expect("a message");
        assert!(
            last["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[Json,")),
            "{profile}: {last}"
        );
        if profile != "napcat" {
            let (answer, inner) = bridge
                .call_retcode(
                    "/sendgroupxmlmsg",
                    "fromqq=10001&togroup=30001&xml=%3Cmsg%2F%3E",
                )
                .await;
            assert_eq!(inner["retcode"], 0, "{profile}: {answer}");
            let history = network.history("group=30001").await;
            let last = history.last().expect("a message");
            assert!(
                last["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("[Xml,")),
                "{profile}: {last}"
            );
        }
        let music = bridge
            .call(
                "/sharemusic",
                "logonqq=10001&totype=1&to=30001&musicname=Song&singername=Singer\
                 &jumpurl=http%3A%2F%2Fj&wrapperurl=http%3A%2F%2Fp&fileurl=http%3A%2F%2Fm",
            )
            .await;
        assert_eq!(music["ret"], "true", "{profile}: {music}");
        let history = network.history("group=30001").await;
        assert!(
            history
                .last()
                .and_then(|m| m["text"].as_str())
                .is_some_and(|t| t.contains("Song")),
            "{profile}: {history:?}"
        );

        // Deleting a friend ends the friendship in B's world.
        let deleted = bridge
            .call("/deletefriend", "fromqq=10001&toqq=20002")
            .await;
        assert!(succeeded(&deleted), "{profile}: {deleted}");
        let world = network.get("/sim/world").await;
        assert!(
            !world["friendships"]
                .as_array()
                .expect("friendships")
                .contains(&json!([10001, 20002])),
            "{profile}"
        );

        // Mute time, where the member information carries shut_up_timestamp.
        if has(profile, &["napcat", "llonebot"]) {
            network
                .sim_ok(
                    "mute",
                    json!({"operator": 20001, "group": 30001, "member": 10001, "seconds": 600}),
                )
                .await;
            let left = bridge
                .call("/getmutetime", "fromqq=10001&group=30001")
                .await;
            let left: i64 = left["ret"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("seconds");
            assert!((1..=600).contains(&left), "{profile}: {left}");

            let state = bridge
                .call("/setonlinestate", "fromqq=10001&state=50")
                .await;
            assert_eq!(state["ret"], "true", "{profile}: {state}");
            let seen = network
                .call("/getqqonlinestate", "logonqq=10001&qq=10001")
                .await;
            assert_eq!(seen["ret"], "忙碌", "{profile}");
        }

        if profile == "napcat" {
            let typing = bridge
                .call("/sendinputstatus", "logonqq=10001&toqq=20001&status=1")
                .await;
            assert_eq!(typing["ret"], "true", "{typing}");
            let signed = bridge
                .call("/setsignat", "fromqq=10001&signature=signed")
                .await;
            assert_eq!(signed["ret"], "true", "{signed}");
            assert_eq!(own_profile(&pair).await["signature"], "signed");
            let (ours, theirs) = both(&pair, "/getqqonlinestate", "logonqq=10001&qq=20001").await;
            assert_eq!(ours, theirs);
            let (ours, theirs) = both(&pair, "/getclientkey", "logonqq=10001").await;
            assert_eq!(ours, theirs);

            for (path, body) in [
                ("/setgrouppriv_newgroup", "allow=false"),
                ("/setgrouppriv_newtempsession", "allow=false"),
                ("/setgrouppriv_uploadphotoalbum", "allow=false"),
                ("/setgrouppriv_newmembercanviewhistorymsg", "allow=false"),
                ("/setgrouppriv_inviteway", "way=1"),
                ("/setgrouppriv_invitein", "allow=false"),
            ] {
                let answer = bridge
                    .call(path, &format!("fromqq=10001&togroup=30002&{body}"))
                    .await;
                assert_eq!(answer["ret"], "true", "{path}: {answer}");
            }
            let settings = network.group(30002).await["settings"].clone();
            for (key, value) in [
                ("new_group", json!(false)),
                ("temp_session", json!(false)),
                ("upload_album", json!(false)),
                ("new_member_history", json!(false)),
                ("invite_way", json!(1)),
                ("invite_in", json!(false)),
            ] {
                assert_eq!(settings[key], value, "{key}: {settings}");
            }
        }
    }
}
