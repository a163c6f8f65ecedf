//! Group files and folders, file forwarding and file events through the OneBot bridge, in
//! every profile: lizi A (`--backend onebot`) carries the XLZ file endpoints out on B's
//! simulated network through B's OneBot face, and B's file uploads reach A's sessions.

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use common::bridge::{dial, post_event, Bridge, Network, Pair, BOT, PROFILES};
use common::{enc, Scratch};
use md5::{Digest, Md5};
use serde_json::{json, Value};

/// Group 30001: owner 20001, admin [`BOT`].
const GROUP: u64 = 30001;
/// Group 30002: owner [`BOT`].
const OTHER_GROUP: u64 = 30002;
/// A friend of [`BOT`].
const FRIEND: u64 = 20001;
/// Another friend of [`BOT`].
const OTHER_FRIEND: u64 = 20002;

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Starts A (reading local files from the returned folder, fetching B's loopback URLs)
/// and B in `profile`.
async fn pair(tag: &str, profile: &str) -> (Pair, Scratch) {
    let media = Scratch::new(&format!("{tag}-{profile}-media"));
    let dir = media.0.to_str().expect("UTF-8 path").to_owned();
    let pair = Pair::start_with(
        tag,
        profile,
        &["--media-dir", &dir, "--fetch-allow-private"],
        &[],
    )
    .await;
    (pair, media)
}

/// The entries of a group in B's world.
async fn files(network: &Network, group: u64) -> Vec<Value> {
    let view = network.get(&format!("/sim/files?group={group}")).await;
    view["files"].as_array().cloned().unwrap_or_default()
}

/// The entry named `name` in B's world, waiting up to ten seconds for it.
async fn wait_file(network: &Network, group: u64, name: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let all = files(network, group).await;
        if let Some(found) = all.iter().find(|f| f["name"] == name) {
            return found.clone();
        }
        assert!(Instant::now() < deadline, "no {name} in {all:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The files `account` received from friends in B's world.
async fn friend_files(network: &Network, account: u64) -> Vec<Value> {
    let view = network
        .get(&format!("/sim/friend_files?account={account}"))
        .await;
    view["files"].as_array().cloned().unwrap_or_default()
}

/// Checks that `friend` received a file `name` holding `content` in B's world.
async fn assert_received(network: &Network, friend: u64, name: &str, content: &[u8]) {
    let received = friend_files(network, friend).await;
    assert!(
        received
            .iter()
            .any(|f| f["name"] == name && f["md5"] == md5_hex(content)),
        "{}: no {name} among {received:?}",
        network.profile
    );
}

/// Calls a boolean endpoint of A that must succeed.
async fn ok(bridge: &Bridge, path: &str, body: &str) {
    let answer = bridge.call(path, body).await;
    assert_eq!(answer["ret"], "true", "{path} {body}: {answer}");
}

#[tokio::test]
async fn group_files_and_folders_are_managed_through_the_bridge() {
    for profile in PROFILES {
        let (pair, media) = pair("bridge-files", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;
        let content = format!("notes of {profile}\n").into_bytes();
        let path = media.path("notes.txt");
        std::fs::write(&path, &content).expect("write");

        // /uploadfile answers OK at once; the file then appears in B's group, and A sees it
        // as its own group message with the file.
        let path = path.to_str().expect("UTF-8");
        let answer = bridge
            .call(
                "/uploadfile",
                &format!("fromqq={BOT}&group={GROUP}&path={}", enc(path)),
            )
            .await;
        assert_eq!(answer["ret"], "OK", "{profile}: {answer}");
        let uploaded = wait_file(network, GROUP, "notes.txt").await;
        assert_eq!(uploaded["md5"], md5_hex(&content), "{profile}");
        assert_eq!(uploaded["uploader"], BOT);
        let id = uploaded["id"].as_str().expect("id").to_owned();
        let event = bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["File"]["ID"] == id
            })
            .await;
        assert_eq!(event["File"]["Name"], "notes.txt", "{profile}");
        assert_eq!(event["File"]["Size"], content.len());

        // Folders by name: created, renamed where the implementation can, listed.
        ok(
            bridge,
            "/newgroupfolder",
            &format!("fromqq={BOT}&group={GROUP}&folder=docs"),
        )
        .await;
        let docs = wait_file(network, GROUP, "docs").await;
        assert_eq!(docs["is_folder"], true);
        let folder = if profile == "napcat" {
            let (answer, _) = bridge
                .call_retcode(
                    "/renamegroupfolder",
                    &format!("fromqq={BOT}&group={GROUP}&folder=docs&name=papers"),
                )
                .await;
            assert_eq!(answer["ret"], "false", "{answer}");
            let why = answer["retmsg"].as_str().unwrap_or_default();
            assert!(why.contains("NapCat") && why.contains("rename"), "{answer}");
            "docs"
        } else {
            ok(
                bridge,
                "/renamegroupfolder",
                &format!("fromqq={BOT}&group={GROUP}&folder=docs&name=papers"),
            )
            .await;
            "papers"
        };
        let named = wait_file(network, GROUP, folder).await;
        assert_eq!(named["id"], docs["id"], "{profile}: the same folder");

        // The file moves into the folder (by name) and is listed there.
        ok(
            bridge,
            "/movegroupfile",
            &format!(
                "fromqq={BOT}&group={GROUP}&fileid={}&fromfolder=&tofolder={folder}",
                enc(&id)
            ),
        )
        .await;
        let moved = wait_file(network, GROUP, "notes.txt").await;
        assert_eq!(moved["folder"], docs["id"], "{profile}");
        let listed = bridge
            .call(
                "/getgroupfilelist",
                &format!("fromqq={BOT}&group={GROUP}&folder={folder}"),
            )
            .await;
        let list = listed["List"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), 1, "{profile}: {listed}");
        assert_eq!(list[0]["FileID"], id);
        assert_eq!(list[0]["FileName"], "notes.txt");
        let root = bridge
            .call(
                "/getgroupfilelist",
                &format!("fromqq={BOT}&group={GROUP}&folder=/"),
            )
            .await;
        let root = root["List"].as_array().cloned().unwrap_or_default();
        assert!(
            root.iter()
                .any(|f| f["FileName"] == folder && f["IsFolder"] == true),
            "{profile}: {root:?}"
        );

        // The URL is A's own and serves the same bytes.
        let url = bridge
            .call(
                "/getgroupfileurl",
                &format!(
                    "fromqq={BOT}&group={GROUP}&fileid={}&filename=notes.txt",
                    enc(&id)
                ),
            )
            .await;
        let url = url["ret"].as_str().expect("a URL").to_owned();
        assert!(url.starts_with(&bridge.base), "{profile}: {url}");
        let (status, bytes) = bridge.get_bytes(&url).await;
        assert_eq!(
            (status, bytes.as_slice()),
            (200, content.as_slice()),
            "{profile}"
        );

        // Forwards: to another group, to a friend.
        ok(
            bridge,
            "/forwardgroupfiletogroup",
            &format!(
                "fromqq={BOT}&fromgroup={GROUP}&togroup={OTHER_GROUP}&fileid={}",
                enc(&id)
            ),
        )
        .await;
        let copy = wait_file(network, OTHER_GROUP, "notes.txt").await;
        assert_eq!(copy["md5"], md5_hex(&content), "{profile}");
        let (answer, retcode) = bridge
            .call_retcode(
                "/forwardgroupfiletofriend",
                &format!(
                    "fromqq={BOT}&fromgroup={GROUP}&toqq={FRIEND}&fileid={}&filename=notes.txt",
                    enc(&id)
                ),
            )
            .await;
        assert_eq!(retcode["retcode"], 0, "{profile}: {answer}");
        assert_received(network, FRIEND, "notes.txt", &content).await;

        // The file and the folder are removed.
        ok(
            bridge,
            "/removegroupfile",
            &format!("fromqq={BOT}&group={GROUP}&fileid={}", enc(&id)),
        )
        .await;
        ok(
            bridge,
            "/removegroupfolder",
            &format!("fromqq={BOT}&group={GROUP}&folder={folder}"),
        )
        .await;
        assert_eq!(
            files(network, GROUP).await,
            Vec::<Value>::new(),
            "{profile}"
        );

        // A kept the bytes: its URL serves them with B gone.
        network.child.signal("KILL");
        let (status, bytes) = bridge.get_bytes(&url).await;
        assert_eq!(
            (status, bytes.as_slice()),
            (200, content.as_slice()),
            "{profile}"
        );
    }
}

#[tokio::test]
async fn refused_file_requests_change_nothing() {
    for profile in PROFILES {
        let (pair, _media) = pair("bridge-files-refused", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        network
            .sim_ok(
                "upload_file",
                json!({"from": FRIEND, "group": GROUP, "name": "kept.txt", "base64": base64(b"kept")}),
            )
            .await;
        let before = files(network, GROUP).await;
        let id = before[0]["id"].as_str().expect("id").to_owned();
        for (path, body) in [
            (
                "/removegroupfolder",
                format!("fromqq={BOT}&group={GROUP}&folder=nosuch"),
            ),
            (
                "/renamegroupfolder",
                format!("fromqq={BOT}&group={GROUP}&folder=nosuch&name=x"),
            ),
            (
                "/movegroupfile",
                format!(
                    "fromqq={BOT}&group={GROUP}&fileid={}&tofolder=nosuch",
                    enc(&id)
                ),
            ),
            (
                "/getgroupfilelist",
                format!("fromqq={BOT}&group={GROUP}&folder=nosuch"),
            ),
            (
                "/newgroupfolder",
                format!("fromqq={BOT}&group={GROUP}&folder=a%2Fb"),
            ),
        ] {
            let answer = bridge.call(path, &body).await;
            let why = answer["retmsg"].as_str().unwrap_or_default();
            assert_ne!(answer["retcode"], 0, "{profile} {path}: {answer}");
            let named = why.contains("nosuch") || why.contains("NapCat") || why.contains("a/b");
            assert!(named, "{profile} {path}: {answer}");
        }
        assert_eq!(files(network, GROUP).await, before, "{profile}");
    }
}

#[tokio::test]
async fn files_from_the_network_reach_a_as_file_messages() {
    for profile in PROFILES {
        let (pair, _media) = pair("bridge-files-events", profile).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;

        // A simulated user's group upload is one GroupMsg with the file.
        let uploaded = network
            .sim_ok(
                "upload_file",
                json!({"from": FRIEND, "group": GROUP, "name": "report.pdf", "base64": base64(b"%PDF-1")}),
            )
            .await;
        let id = uploaded["id"].as_str().expect("id").to_owned();
        let event = bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["File"]["ID"] == id
            })
            .await;
        assert_eq!(event["FromQQ"]["UIN"], FRIEND, "{profile}");
        assert_eq!(event["FromGroup"]["GIN"], GROUP);
        assert_eq!(event["File"]["Name"], "report.pdf");
        assert_eq!(event["File"]["Size"], 6);

        // A friend's file is a PrivateMsg of type 529, which A can forward to a friend.
        let sent = network
            .sim_ok(
                "send_file",
                json!({"from": FRIEND, "to": BOT, "name": "photo.raw", "base64": base64(b"raw bytes")}),
            )
            .await;
        let file_id = sent["id"].as_str().expect("id").to_owned();
        let event = bridge
            .wait_event(session, |e| {
                e["Type"] == "PrivateMsg" && e["File"]["ID"] == file_id
            })
            .await;
        assert_eq!(event["Msg"]["Type"], 529, "{profile}: {event}");
        assert_eq!(event["FromQQ"]["UIN"], FRIEND);
        assert_eq!(event["File"]["Name"], "photo.raw");
        let (answer, retcode) = bridge
            .call_retcode(
                "/forwardfriendfiletofriend",
                &format!(
                    "logonqq={BOT}&fromqq={FRIEND}&toqq={OTHER_FRIEND}&fileid={}&filename=photo.raw",
                    enc(&file_id)
                ),
            )
            .await;
        assert_eq!(retcode["retcode"], 0, "{profile}: {answer}");
        assert_received(network, OTHER_FRIEND, "photo.raw", b"raw bytes").await;
    }
}

#[tokio::test]
async fn an_upload_napcat_reports_twice_is_one_event() {
    let pair = Pair::start("bridge-files-napcat-twice", "napcat").await;
    let bridge = &pair.bridge;
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "twice").await;
    bridge.wait_state(777, "在线").await;
    let session = bridge.session().await;
    let notice = json!({
        "time": 100, "self_id": 777, "post_type": "notice", "notice_type": "group_upload",
        "group_id": 555, "user_id": 42,
        "file": {"id": "/twice", "name": "t.txt", "size": 4, "busid": 102},
    });
    let message = json!({
        "time": 100, "self_id": 777, "post_type": "message", "message_type": "group",
        "sub_type": "normal", "message_id": 9, "group_id": 555, "user_id": 42,
        "message": [{"type": "file", "data": {"file": "t.txt", "file_id": "/twice", "file_size": "4"}}],
        "sender": {"user_id": 42, "nickname": "n"},
    });
    let after = json!({
        "time": 101, "self_id": 777, "post_type": "message", "message_type": "group",
        "sub_type": "normal", "message_id": 10, "group_id": 555, "user_id": 42,
        "message": [{"type": "text", "data": {"text": "after"}}],
        "sender": {"user_id": 42, "nickname": "n"},
    });
    for event in [notice, message, after] {
        post_event(&mut socket, event).await;
    }
    let mut files = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let answer = bridge
            .call("/geteventv2", &format!("sessid={session}"))
            .await;
        let events = answer["events"].as_array().cloned().unwrap_or_default();
        let events: Vec<Value> = events
            .into_iter()
            .map(|e| match e {
                Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
                other => other,
            })
            .filter(|e| e["LogonQQ"] == 777 && e["Type"] == "GroupMsg")
            .collect();
        files += events
            .iter()
            .filter(|e| e["File"]["ID"] == "/twice")
            .count();
        if events.iter().any(|e| e["Msg"]["Text"] == "after") {
            break;
        }
        assert!(Instant::now() < deadline, "the later message never came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(files, 1, "one XLZ event for the upload");
}
