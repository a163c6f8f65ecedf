//! Pictures, voices and avatars through the OneBot bridge, in every profile: lizi A
//! (`--backend onebot`) keeps uploads by MD5 and sends them as `base64://` segments; B (the
//! simulated network behind its OneBot face) receives the same bytes; a simulated user's
//! picture reaches A's sessions as `[pic,hash=…]` and A keeps serving it after B is gone.
//! A runs with `--fetch-allow-private` because B's media URLs are on loopback.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine;
use common::bridge::{dial, post_event, Bridge, Network, Pair, BOT, PROFILES};
use common::{enc, temp_dir, Scratch};
use lizi_core::media::md5_hex;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A's arguments: B's media URLs are on loopback.
const ALLOW_LOOPBACK: &str = "--fetch-allow-private";

/// A PNG header of `width` × `height`, then `tag` and bytes that need escaping.
fn png(width: u32, height: u32, tag: &str) -> Vec<u8> {
    let mut bytes = lizi_core::media::sample_png(width, height);
    bytes.extend_from_slice(tag.as_bytes());
    bytes.extend_from_slice(&[0xfb, 0xff, 0xfe, 0x00, 0x3e, 0x3f]);
    bytes
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The text an upload answers (`ret`), failing on anything else.
async fn upload(bridge: &Bridge, path: &str, body: &str) -> String {
    let answer = bridge.call(path, body).await;
    let text = answer["ret"].as_str().unwrap_or_default().to_owned();
    assert!(text.starts_with('['), "{path}: {answer}");
    text
}

/// Sends `text` to group 30001 as [`BOT`] through A.
async fn send_group(bridge: &Bridge, text: &str) -> Value {
    let body = format!("fromqq={BOT}&togroup=30001&text={}", enc(text));
    bridge.call("/sendgroupmsg", &body).await
}

/// Uploads `picture` for group 30001 to A: the code it answers.
async fn upload_group_picture(bridge: &Bridge, picture: &[u8], flash: bool) -> String {
    let body = format!(
        "fromqq={BOT}&togroup=30001&flashpic={flash}&pic={}",
        enc(&b64(picture))
    );
    upload(bridge, "/sendgrouppic", &body).await
}

/// GETs `url`: status and bytes.
async fn get(url: &str) -> (u16, Vec<u8>) {
    let response = reqwest::get(url).await.expect("request");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("body").to_vec())
}

/// The bytes B serves for `hash`.
async fn served_by_b(network: &Network, hash: &str) -> (u16, Vec<u8>) {
    get(&network.url(&format!("/lizi/media/{hash}"))).await
}

/// The retcode inside a send's answer (0 on success).
fn retcode(answer: &Value) -> i64 {
    let inner: Value = answer["ret"]
        .as_str()
        .and_then(|ret| serde_json::from_str(ret).ok())
        .unwrap_or(Value::Null);
    inner["retcode"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn pictures_and_voices_from_a_reach_b_with_the_same_bytes() {
    let files = temp_dir("media-send-files");
    let on_disk = png(5, 5, "on disk");
    let path = files.join("on-disk.png");
    std::fs::write(&path, &on_disk).expect("write the picture");
    let (dir, path) = (
        files.to_str().expect("UTF-8"),
        path.to_str().expect("UTF-8"),
    );
    for profile in PROFILES {
        let a = [ALLOW_LOOPBACK, "--media-dir", dir];
        let pair = Pair::start_with("media-send", profile, &a, &[]).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let session = bridge.session().await;

        // A group picture: uploaded to A (nothing reaches B), then sent by its code.
        let picture = png(4, 3, profile);
        let hash = md5_hex(&picture);
        let code = upload_group_picture(bridge, &picture, false).await;
        assert_eq!(
            code,
            format!("[pic,hash={hash},wide=4,high=3]"),
            "{profile}"
        );
        assert_eq!(
            served_by_b(network, &hash).await.0,
            404,
            "{profile}: uploaded only"
        );
        let text = format!("look {code}");
        let sent = send_group(bridge, &text).await;
        assert_eq!(retcode(&sent), 0, "{profile}: {sent}");
        let history = network.history("group=30001").await;
        assert!(
            history.iter().any(|m| m["from"] == BOT
                && m["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("look [pic,hash=") && t.contains(&hash))),
            "{profile}: {history:#?}"
        );
        assert_eq!(served_by_b(network, &hash).await, (200, picture.clone()));
        // A's own message names the picture with A's URL.
        let own = bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == BOT
            })
            .await;
        let own_text = own["Msg"]["Text"].as_str().unwrap_or_default();
        assert!(
            own_text.contains(&format!("{}/lizi/media/{hash}", bridge.base)),
            "{profile}: {own}"
        );

        // A private voice.
        let voice = b"#!AMR voice of the bridge".repeat(10);
        let voice_hash = md5_hex(&voice);
        let code = upload(
            bridge,
            "/sendprivateaudio",
            &format!("fromqq={BOT}&toqq=20001&audio={}", enc(&b64(&voice))),
        )
        .await;
        assert_eq!(
            code,
            format!("[Audio,hash={voice_hash},time=1]"),
            "{profile}"
        );
        let sent = bridge
            .call(
                "/sendprivatemsg",
                &format!("fromqq={BOT}&toqq=20001&text={}", enc(&code)),
            )
            .await;
        assert!(sent["req"].as_i64().is_some(), "{profile}: {sent}");
        let history = network.history(&format!("a={BOT}&b=20001")).await;
        assert!(
            history.iter().any(|m| m["text"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("[Audio,hash={voice_hash}")))),
            "{profile}: {history:#?}"
        );
        assert_eq!(served_by_b(network, &voice_hash).await, (200, voice));

        // `[picFile,path=…]` inside the media folders: read, kept and sent.
        let text = format!("[picFile,path={path}]");
        let sent = send_group(bridge, &text).await;
        assert_eq!(retcode(&sent), 0, "{profile}: {sent}");
        let disk_hash = md5_hex(&on_disk);
        let history = network.history("group=30001").await;
        let last = history
            .last()
            .map(|m| m["text"].to_string())
            .unwrap_or_default();
        assert!(
            last.contains(&format!("[pic,hash={disk_hash}")),
            "{profile}: {last}"
        );
        assert_eq!(
            served_by_b(network, &disk_hash).await,
            (200, on_disk.clone())
        );

        // A hash A does not have fails, and nothing is sent.
        let before = network.history("group=30001").await.len();
        let unknown = "[pic,hash=0123456789ABCDEF0123456789ABCDEF]";
        let answer = send_group(bridge, unknown).await;
        assert_ne!(retcode(&answer), 0, "{profile}: {answer}");
        assert!(
            answer.to_string().contains("no picture or voice with hash"),
            "{profile}: {answer}"
        );
        let photo = bridge
            .call("/getphotourl", &format!("photo={}", enc(unknown)))
            .await;
        assert!(
            photo.to_string().contains("has no picture"),
            "{profile}: {photo}"
        );
        assert_eq!(
            network.history("group=30001").await.len(),
            before,
            "{profile}"
        );
    }
    let _ = std::fs::remove_dir_all(&files);
}

#[tokio::test]
async fn a_users_picture_and_voice_reach_a_and_stay_after_b_is_gone() {
    for profile in PROFILES {
        let mut pair = Pair::start_with("media-receive", profile, &[ALLOW_LOOPBACK], &[]).await;
        let session = pair.bridge.session().await;

        // A simulated user's group picture.
        let picture = png(2, 5, &format!("from a user {profile}"));
        let hash = md5_hex(&picture);
        let sent = pair
            .network
            .sim_ok(
                "send_picture",
                json!({"from": 20001, "group": 30001, "base64": b64(&picture)}),
            )
            .await;
        assert_eq!(sent["hash"], hash);
        let event = pair
            .bridge
            .wait_event(session, |e| {
                e["Type"] == "GroupMsg" && e["FromQQ"]["UIN"] == 20001
            })
            .await;
        let text = event["Msg"]["Text"].as_str().unwrap_or_default();
        assert!(
            text.starts_with(&format!("[pic,hash={hash}")),
            "{profile}: {event}"
        );
        assert!(
            text.contains(&format!("url={}/lizi/media/{hash}", pair.bridge.base)),
            "{profile}: {event}"
        );

        // A simulated user's voice, alone in a private message: PrivateMsg type 208.
        let voice = b"#!AMR a user speaks".repeat(8);
        let voice_hash = md5_hex(&voice);
        let on_b = pair
            .network
            .call(
                "/sendprivateaudio",
                &format!("fromqq={BOT}&toqq=20001&audio={}", enc(&b64(&voice))),
            )
            .await;
        let voice_code = on_b["ret"].as_str().unwrap_or_default().to_owned();
        assert!(voice_code.contains(&voice_hash), "{profile}: {on_b}");
        pair.network
            .sim_ok(
                "message",
                json!({"from": 20001, "to": BOT, "text": voice_code}),
            )
            .await;
        let event = pair
            .bridge
            .wait_event(session, |e| {
                e["Type"] == "PrivateMsg" && e["FromQQ"]["UIN"] == 20001
            })
            .await;
        assert_eq!(event["Msg"]["Type"], 208, "{profile}: {event}");
        let text = event["Msg"]["Text"].as_str().unwrap_or_default();
        assert!(
            text.starts_with(&format!("[Audio,hash={voice_hash}")),
            "{profile}: {event}"
        );

        // `/getphotourl` answers A's own URL, which serves the bytes even once B is gone.
        let answer = pair
            .bridge
            .call(
                "/getphotourl",
                &format!(
                    "fromqq={BOT}&group=30001&photo={}",
                    enc(&format!("[pic,hash={hash}]"))
                ),
            )
            .await;
        let url = answer["ret"].as_str().unwrap_or_default().to_owned();
        assert_eq!(
            url,
            format!("{}/lizi/media/{hash}", pair.bridge.base),
            "{profile}: {answer}"
        );
        pair.network.child.signal("KILL");
        let _ = pair
            .network
            .child
            .wait_exit(std::time::Duration::from_secs(10));
        assert_eq!(get(&url).await, (200, picture), "{profile}");
        let voice_url = format!("{}/lizi/media/{voice_hash}", pair.bridge.base);
        assert_eq!(get(&voice_url).await, (200, voice), "{profile}");
        // And after A restarts, from its store.
        pair.bridge = pair.bridge.restart(&pair.scratch);
        let url = format!("{}/lizi/media/{hash}", pair.bridge.base);
        assert_eq!(get(&url).await.0, 200, "{profile}: after a restart");
    }
}

/// A loopback HTTP server that answers 503 to its first `failures` requests, then `body`;
/// answers the address and the count of requests.
async fn flaky_server(body: Vec<u8>, failures: usize) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await;
                let (status, body) = if n < failures {
                    ("503 Service Unavailable", Vec::new())
                } else {
                    ("200 OK", body)
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (addr, count)
}

/// Posts a group message of user 31 holding `segment` as account 777's implementation
/// and answers the XLZ text A makes of it.
async fn receive(
    bridge: &Bridge,
    session: u64,
    socket: &mut common::bridge::Implementation,
    message_id: i64,
    segment: Value,
) -> String {
    post_event(
        socket,
        json!({"time": 1_700_000_000, "self_id": 777, "post_type": "message",
            "message_type": "group", "sub_type": "normal", "message_id": message_id,
            "group_id": 4242, "user_id": 31, "message": [segment],
            "sender": {"user_id": 31, "nickname": "Thirty-one"}}),
    )
    .await;
    let event = bridge
        .wait_event_of(777, session, |e| {
            e["Type"] == "GroupMsg" && e["Msg"]["Random"].as_i64().is_some() && {
                let text = e["Msg"]["Text"].as_str().unwrap_or_default();
                text.starts_with("[pic,hash=")
            }
        })
        .await;
    event["Msg"]["Text"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_picture_that_cannot_be_fetched_is_still_emitted_and_fetched_later() {
    let scratch = Scratch::new("media-flaky");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[ALLOW_LOOPBACK]);
    let session = bridge.session().await;
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    bridge.wait_state(777, "在线").await;
    let url = |hash: &str| format!("{}/lizi/media/{hash}", bridge.base);

    // NapCat names a picture by its MD5: when the fetch fails, that is its hash; A's URL
    // fetches it again when asked, once.
    let napcat = png(6, 6, "napcat");
    let (addr, requests) = flaky_server(napcat.clone(), 1).await;
    let segment = json!({"type": "image", "data": {
        "file": format!("{}.png", md5_hex(&napcat).to_lowercase()),
        "url": format!("http://{addr}/download?appid=1407&rkey=expires"),
        "sub_type": 0, "summary": "", "file_size": "40"}});
    let text = receive(&bridge, session, &mut socket, 901, segment).await;
    let hash = md5_hex(&napcat);
    assert!(
        text.starts_with(&format!("[pic,hash={hash},url={}", url(&hash))),
        "{text}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 1, "the failed fetch");
    let photo = bridge
        .call(
            "/getphotourl",
            &format!("photo={}", enc(&format!("[pic,hash={hash}]"))),
        )
        .await;
    assert_eq!(photo["ret"], url(&hash), "{photo}");
    assert_eq!(get(&url(&hash)).await, (200, napcat.clone()));
    assert_eq!(get(&url(&hash)).await, (200, napcat));
    assert_eq!(requests.load(Ordering::SeqCst), 2, "fetched again once");

    // Lagrange.OneBot gives only a URL: when the fetch fails, the URL's MD5 names it.
    let lagrange = png(7, 7, "lagrange");
    let (addr, requests) = flaky_server(lagrange.clone(), 1).await;
    let source = format!("http://{addr}/gchat/0");
    let segment =
        json!({"type": "image", "data": {"file": source, "filename": "x.png", "url": source}});
    let text = receive(&bridge, session, &mut socket, 902, segment).await;
    let hash = md5_hex(source.as_bytes());
    assert!(text.starts_with(&format!("[pic,hash={hash}")), "{text}");
    assert_eq!(get(&url(&hash)).await, (200, lagrange));
    assert_eq!(requests.load(Ordering::SeqCst), 2);

    // A fetch that works names the picture by the bytes' MD5, and a URL is fetched once.
    let fine = png(9, 9, "fine");
    let (addr, requests) = flaky_server(fine.clone(), 0).await;
    let source = format!("http://{addr}/gchat/1");
    for message_id in [903, 904] {
        let segment = json!({"type": "image", "data": {"file": source, "url": source}});
        let text = receive(&bridge, session, &mut socket, message_id, segment).await;
        assert!(
            text.starts_with(&format!("[pic,hash={}", md5_hex(&fine))),
            "{text}"
        );
    }
    assert_eq!(requests.load(Ordering::SeqCst), 1, "fetched once");
    assert_eq!(get(&url(&md5_hex(&fine))).await, (200, fine));
}

#[tokio::test]
async fn flash_pictures_per_profile() {
    for (profile, extra) in [
        ("llonebot", &[ALLOW_LOOPBACK][..]),
        ("napcat", &[ALLOW_LOOPBACK][..]),
        ("lagrange", &[ALLOW_LOOPBACK][..]),
        ("napcat", &[ALLOW_LOOPBACK, "--bridge-flash-as-picture"][..]),
    ] {
        let pair = Pair::start_with("media-flash", profile, extra, &[]).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let picture = png(3, 3, "flash");
        let hash = md5_hex(&picture);
        let code = upload_group_picture(bridge, &picture, true).await;
        assert_eq!(code, format!("[flashPic,hash={hash}]"));
        let before = network.history("group=30001").await.len();
        let answer = send_group(bridge, &code).await;
        let history = network.history("group=30001").await;
        let last = history
            .last()
            .map(|m| m["text"].clone())
            .unwrap_or_default();
        let as_picture = extra.contains(&"--bridge-flash-as-picture");
        match (profile, as_picture) {
            ("llonebot", _) => {
                assert_eq!(retcode(&answer), 0, "{answer}");
                assert!(
                    last.as_str()
                        .is_some_and(|t| t.starts_with(&format!("[flashPic,hash={hash}"))),
                    "{history:#?}"
                );
            }
            (_, true) => {
                assert_eq!(retcode(&answer), 0, "{answer}");
                assert!(
                    last.as_str()
                        .is_some_and(|t| t.starts_with(&format!("[pic,hash={hash}"))),
                    "{history:#?}"
                );
            }
            (_, false) => {
                assert_ne!(retcode(&answer), 0, "{profile}: {answer}");
                assert!(
                    answer
                        .to_string()
                        .contains(&format!("{profile} cannot send flash pictures")),
                    "{answer}"
                );
                assert_eq!(history.len(), before, "{profile}: nothing sent");
            }
        }
    }
}

#[tokio::test]
async fn avatars_change_in_bs_world() {
    for profile in PROFILES {
        let pair = Pair::start_with("media-avatar", profile, &[ALLOW_LOOPBACK], &[]).await;
        let (bridge, network) = (&pair.bridge, &pair.network);
        let b_session = network.call("/allocsession", "").await["session_id"]
            .as_u64()
            .expect("a session on B");

        let mine = png(8, 8, &format!("my face {profile}"));
        assert_eq!(served_by_b(network, &md5_hex(&mine)).await.0, 404);
        let (answer, inner) = bridge
            .call_retcode(
                "/uploadfacepic",
                &format!("fromqq={BOT}&pic={}", enc(&b64(&mine))),
            )
            .await;
        assert_eq!(inner["retcode"], 0, "{profile}: {answer}");
        assert_eq!(served_by_b(network, &md5_hex(&mine)).await, (200, mine));

        let group = png(8, 8, &format!("group face {profile}"));
        let answer = bridge
            .call(
                "/uploadgroupfacepic",
                &format!("fromqq={BOT}&group=30001&pic={}", enc(&b64(&group))),
            )
            .await;
        assert_eq!(answer["ret"], "true", "{profile}: {answer}");
        assert_eq!(served_by_b(network, &md5_hex(&group)).await, (200, group));
        // B's world says so: event 34, the group's avatar changed.
        let events = network
            .call("/geteventv2", &format!("sessid={b_session}"))
            .await;
        let changed = events["events"].as_array().is_some_and(|list| {
            list.iter().any(|event| {
                let event: Value = match event {
                    Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
                    other => other.clone(),
                };
                event["Msg"]["Type"] == 34 && event["FromGroup"]["GIN"] == 30001
            })
        });
        assert!(changed, "{profile}: {events}");

        // A group A's account does not manage: B refuses, A says why.
        let answer = bridge
            .call(
                "/uploadgroupfacepic",
                &format!("fromqq={BOT}&group=99999&pic={}", enc(&b64(b"x"))),
            )
            .await;
        assert_eq!(answer["ret"], "false", "{profile}: {answer}");
    }
}

#[tokio::test]
async fn a_received_picture_naming_a_local_file_keeps_no_such_url_and_is_counted() {
    let scratch = Scratch::new("media-local");
    let bridge = Bridge::start(&scratch, "127.0.0.1:0", &[ALLOW_LOOPBACK]);
    let session = bridge.session().await;
    let mut socket = dial(&bridge.accept, "NapCat.Onebot", "Seven").await;
    bridge.wait_state(777, "在线").await;
    let md5 = "0123456789abcdef0123456789abcdef";
    let segments = [
        json!({"type": "image", "data": {"file": format!("{md5}.jpg"),
            "url": "file:///etc/passwd"}}),
        json!({"type": "image", "data": {"file": "file:///root/.config/QQ/a.png", "url": ""}}),
        json!({"type": "image", "data": {"file": "b.png", "url": "/root/.config/QQ/b.png"}}),
    ];
    for (message_id, segment) in (911..).zip(segments) {
        let text = receive(&bridge, session, &mut socket, message_id, segment.clone()).await;
        assert!(
            !text.contains("file:") && !text.contains("/root") && !text.contains("/etc"),
            "{segment} became {text}"
        );
        if let Some((_, url)) = text.split_once("url=") {
            assert!(url.starts_with(&bridge.base), "{segment} became {text}");
        }
    }
    let metrics = format!("{}/metrics", bridge.base);
    let count = |kind: &'static str| {
        let name = format!("lizi_bridge_media_refused_total{{kind=\"{kind}\"}}");
        let (client, metrics) = (bridge.client.clone(), metrics.clone());
        async move { common::read_metric(&client, &metrics, &name).await }
    };
    assert_eq!(count("file").await, 2);
    assert_eq!(count("path").await, 1);
}
