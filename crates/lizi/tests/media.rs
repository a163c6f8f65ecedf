//! Pictures, voices, avatars and group files over HTTP: uploads from the three sources,
//! the codes and their URLs, the guards on paths and URLs, and group files.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use common::{enc, serve_bytes, temp_dir, Server};
use serde_json::{json, Value};

/// A PNG header of `width` × `height` followed by some bytes.
fn png(width: u32, height: u32, tag: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(b"\x08\x06\0\0\0");
    bytes.extend_from_slice(tag.as_bytes());
    // Bytes that need escaping in a form and in base64 (`+`, `/`).
    bytes.extend_from_slice(&[0xfb, 0xff, 0xfe, 0x00, 0x3e, 0x3f]);
    bytes
}

fn md5_upper(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A server whose media folder is `dir`, fetching from loopback allowed.
async fn media_server(dir: &Path, max_bytes: Option<u64>) -> Server {
    let dir = dir.to_path_buf();
    Server::start_with(move |s| {
        s.api.media_dirs = vec![dir];
        s.api.fetch_allow_private = true;
        if let Some(max) = max_bytes {
            s.api.fetch_max_bytes = max;
        }
    })
    .await
}

/// GETs a URL: status, Content-Type and bytes.
async fn download(server: &Server, url: &str) -> (u16, String, Vec<u8>) {
    let response = server.client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// Waits for at least `n` events on `session`.
async fn wait_events(server: &Server, session: u64, n: usize) -> Vec<Value> {
    let mut events = Vec::new();
    for _ in 0..200 {
        events.extend(server.events(session).await);
        if events.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    events
}

fn logons(events: &[Value]) -> Vec<u64> {
    let mut logons: Vec<u64> = events
        .iter()
        .map(|e| e["LogonQQ"].as_u64().unwrap())
        .collect();
    logons.sort_unstable();
    logons
}

#[tokio::test]
async fn pictures_from_every_source_reach_the_other_account_with_a_working_url() {
    let dir = temp_dir("media-src");
    let from_path = png(30, 20, "path");
    std::fs::write(dir.join("p.png"), &from_path).unwrap();
    let from_url = png(40, 10, "url");
    let web = serve_bytes(from_url.clone()).await;
    let server = media_server(&dir, None).await;
    let session = server.session().await;
    let inline = png(64, 48, "inline");

    let sources = [
        (
            format!("pic={}", enc(&b64(&inline))),
            inline.clone(),
            (64, 48),
        ),
        (
            format!(
                "fromtype=1&path={}",
                enc(&dir.join("p.png").to_string_lossy())
            ),
            from_path.clone(),
            (30, 20),
        ),
        (
            format!("fromtype=2&url={}", enc(&format!("http://{web}/x.png"))),
            from_url.clone(),
            (40, 10),
        ),
    ];
    for (source, bytes, (wide, high)) in sources {
        let hash = md5_upper(&bytes);
        let answer = server
            .call(
                "/sendprivatepic",
                &format!("fromqq=10001&toqq=10002&{source}"),
            )
            .await;
        let code = format!("[pic,hash={hash},wide={wide},high={high}]");
        assert_eq!(answer, json!({ "ret": code }), "{source}");
        assert!(
            server.events(session).await.is_empty(),
            "an upload sends nothing"
        );

        // The code works back inside a message; both accounts see the URL.
        let (_, inner) = server
            .call_retcode(
                "/sendprivatemsg",
                &format!(
                    "fromqq=10001&toqq=10002&text={}",
                    enc(&format!("pic {code}"))
                ),
            )
            .await;
        assert_eq!(inner["retcode"], 0, "{inner}");
        let url = format!("{}/lizi/media/{hash}", server.base);
        let events = server.events(session).await;
        assert_eq!(logons(&events), [10001, 10002], "{events:?}");
        for event in &events {
            assert_eq!(event["Type"], "PrivateMsg");
            assert_eq!(
                event["Msg"]["Text"],
                format!("pic [pic,hash={hash},wide={wide},high={high},url={url}]")
            );
        }
        let (status, content_type, served) = download(&server, &url).await;
        assert_eq!((status, content_type.as_str()), (200, "image/png"));
        assert_eq!(served, bytes, "the URL serves exactly the uploaded bytes");

        let answer = server
            .call("/getphotourl", &format!("photo={}", enc(&code)))
            .await;
        assert_eq!(answer, json!({ "ret": url }));
    }
    // Lower-case hashes are the same picture; unknown ones are 404.
    let hash = md5_upper(&inline).to_lowercase();
    let (status, _, served) =
        download(&server, &format!("{}/lizi/media/{hash}", server.base)).await;
    assert_eq!((status, served), (200, inline));
    let unknown = md5_upper(b"never uploaded");
    let (status, _, _) = download(&server, &format!("{}/lizi/media/{unknown}", server.base)).await;
    assert_eq!(status, 404);
    let (status, _, _) = download(
        &server,
        &format!("{}/lizi/media/..%2f..%2fetc", server.base),
    )
    .await;
    assert_eq!(status, 404);
    let answer = server
        .call(
            "/getphotourl",
            &format!("photo={}", enc(&format!("[pic,hash={unknown}]"))),
        )
        .await;
    assert_eq!(answer["ret"], "");
    assert_eq!(answer["retcode"], 9, "{answer}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn flash_pictures_voices_and_file_codes_in_text() {
    let dir = temp_dir("media-codes");
    let picture = png(8, 8, "picfile");
    std::fs::write(dir.join("a.png"), &picture).unwrap();
    let server = media_server(&dir, None).await;
    let session = server.session().await;

    let flash = png(1, 1, "flash");
    let answer = server
        .call(
            "/sendgrouppic",
            &format!(
                "fromqq=10001&togroup=30001&flashpic=true&pic={}",
                enc(&b64(&flash))
            ),
        )
        .await;
    assert_eq!(
        answer["ret"],
        format!("[flashPic,hash={}]", md5_upper(&flash))
    );

    let voice = vec![9u8; 4000];
    let answer = server
        .call(
            "/sendgroupaudio",
            &format!("fromqq=10001&togroup=30001&audio={}", enc(&b64(&voice))),
        )
        .await;
    assert_eq!(
        answer["ret"],
        format!("[Audio,hash={},time=2]", md5_upper(&voice))
    );

    // A friend message carrying a voice is a voice message (type 208).
    let voice_code = answer["ret"].as_str().unwrap().to_owned();
    let (_, inner) = server
        .call_retcode(
            "/sendprivatemsg",
            &format!("fromqq=10001&toqq=10002&text={}", enc(&voice_code)),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    let events = server.events(session).await;
    let voices: Vec<&Value> = events
        .iter()
        .filter(|e| e["Type"] == "PrivateMsg")
        .collect();
    assert_eq!(voices.len(), 2, "{events:?}");
    assert!(voices.iter().all(|e| e["Msg"]["Type"] == 208), "{voices:?}");

    // [picFile] uploads a file of the media folder; the group sees a [pic] with a URL.
    let text = format!("[picFile,path={}] hi [@20001]", dir.join("a.png").display());
    let (_, inner) = server
        .call_retcode(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup=30001&text={}", enc(&text)),
        )
        .await;
    assert_eq!(inner["retcode"], 0, "{inner}");
    let hash = md5_upper(&picture);
    let url = format!("{}/lizi/media/{hash}", server.base);
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10001, 10002]);
    for event in &events {
        assert_eq!(
            event["Msg"]["Text"],
            format!("[pic,hash={hash},wide=8,high=8,url={url}] hi [@20001]")
        );
    }
    assert_eq!(download(&server, &url).await.2, picture);

    // A simulated user sends a picture through the control API.
    let sent = png(5, 6, "alice");
    let (status, answer) = server
        .sim(
            "send_picture",
            json!({ "from": 20001, "group": 30001, "base64": b64(&sent) }),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10001, 10002]);
    let text = events[0]["Msg"]["Text"].as_str().unwrap();
    assert_eq!(text, answer["text"].as_str().unwrap());
    let url = text.split("url=").nth(1).unwrap().trim_end_matches(']');
    assert_eq!(download(&server, url).await.2, sent);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A failed upload: the `ret` is empty and `retmsg` says why.
async fn refused(server: &Server, body: &str, needle: &str) {
    let answer = server
        .call(
            "/sendgrouppic",
            &format!("fromqq=10001&togroup=30001&{body}"),
        )
        .await;
    assert_eq!(answer["ret"], "", "{body}: {answer}");
    let message = answer["retmsg"].as_str().unwrap();
    assert!(message.contains(needle), "{body}: {message}");
}

#[tokio::test]
async fn paths_and_urls_are_guarded() {
    // Defaults: no media folders, no private addresses.
    let web = serve_bytes(png(2, 2, "private")).await;
    let closed = Server::start().await;
    let session = closed.session().await;
    refused(&closed, "fromtype=1&path=/etc/hostname", "media_dirs").await;
    let url = enc(&format!("http://{web}/a.png"));
    refused(
        &closed,
        &format!("fromtype=2&url={url}"),
        "fetch_allow_private",
    )
    .await;
    refused(
        &closed,
        "fromtype=2&url=http%3A%2F%2Flocalhost%3A9%2Fa",
        "fetch_allow_private",
    )
    .await;
    refused(
        &closed,
        "fromtype=2&url=https%3A%2F%2Fexample.com%2Fa.png",
        "https",
    )
    .await;
    assert!(closed.events(session).await.is_empty());
    let hash = md5_upper(&png(2, 2, "private"));
    let (status, _, _) = download(&closed, &format!("{}/lizi/media/{hash}", closed.base)).await;
    assert_eq!(status, 404, "nothing was stored");

    // With a folder: `..` and symlinks out of it are refused; so is a download too big.
    let root = temp_dir("media-guard");
    let inside = root.join("inside");
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::write(root.join("secret.png"), png(1, 1, "secret")).unwrap();
    std::os::unix::fs::symlink(root.join("secret.png"), inside.join("link.png")).unwrap();
    std::fs::write(inside.join("ok.png"), png(1, 1, "ok")).unwrap();
    let big = serve_bytes(vec![7u8; 5000]).await;
    let open = media_server(&inside, Some(1000)).await;
    let path = |p: PathBuf| format!("fromtype=1&path={}", enc(&p.to_string_lossy()));
    refused(&open, &path(inside.join("../secret.png")), "outside").await;
    refused(&open, &path(inside.join("link.png")), "outside").await;
    refused(&open, &path(root.join("secret.png")), "outside").await;
    refused(&open, &path(inside.join("missing.png")), "cannot open").await;
    let url = enc(&format!("http://{big}/big"));
    refused(&open, &format!("fromtype=2&url={url}"), "fetch_max_bytes").await;
    let ok = open
        .call(
            "/sendgrouppic",
            &format!("fromqq=10001&togroup=30001&{}", path(inside.join("ok.png"))),
        )
        .await;
    assert!(
        ok["ret"].as_str().unwrap().starts_with("[pic,hash="),
        "{ok}"
    );
    let secret = md5_upper(&png(1, 1, "secret"));
    let (status, _, _) = download(&open, &format!("{}/lizi/media/{secret}", open.base)).await;
    assert_eq!(status, 404);

    // Bad base64 is a 400 naming the parameter.
    let (status, body) = open
        .post("/sendgrouppic", "fromqq=10001&togroup=30001&pic=%%%")
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("pic"), "{body}");
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn avatars() {
    let server = Server::start().await;
    let session = server.session().await;
    let pic = enc(&b64(&png(3, 3, "avatar")));
    let answer = server
        .call(
            "/uploadgroupfacepic",
            &format!("fromqq=10002&group=30001&pic={pic}"),
        )
        .await;
    assert_eq!(answer["ret"], "false");
    assert!(answer["retmsg"]
        .as_str()
        .unwrap()
        .contains("10002 is only a member of group 30001"));
    let answer = server
        .call(
            "/uploadgroupfacepic",
            &format!("fromqq=10001&group=30001&pic={pic}"),
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10001, 10002]);
    for event in &events {
        assert_eq!(event["Type"], "EventMsg");
        assert_eq!(event["Msg"]["Type"], 34);
        assert_eq!(event["FromGroup"]["GIN"], 30001);
    }
    let (_, inner) = server
        .call_retcode("/uploadfacepic", &format!("fromqq=10002&pic={pic}"))
        .await;
    assert_eq!(inner["retcode"], 0);
    assert!(server.events(session).await.is_empty());
}

#[tokio::test]
async fn group_files_end_to_end() {
    let dir = temp_dir("media-files");
    let content = b"the minutes of the meeting".to_vec();
    std::fs::write(dir.join("minutes.txt"), &content).unwrap();
    let server = media_server(&dir, None).await;
    let session = server.session().await;

    // Folders: managers only.
    let answer = server
        .call("/newgroupfolder", "fromqq=10002&group=30001&folder=docs")
        .await;
    assert_eq!(answer["ret"], "false");
    assert_eq!(answer["retcode"], 7);
    let answer = server
        .call("/newgroupfolder", "fromqq=10001&group=30001&folder=docs")
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let answer = server
        .call(
            "/renamegroupfolder",
            "fromqq=10001&group=30001&folder=docs&name=papers",
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));

    // /uploadfile answers at once; the group message with the file follows.
    let path = enc(&dir.join("minutes.txt").to_string_lossy());
    let answer = server
        .call(
            "/uploadfile",
            &format!("fromqq=10002&group=30001&path={path}"),
        )
        .await;
    assert_eq!(answer, json!({ "ret": "OK" }));
    let events = wait_events(&server, session, 2).await;
    assert_eq!(logons(&events), [10001, 10002], "{events:?}");
    let file = events[0]["File"].clone();
    for event in &events {
        assert_eq!(event["Type"], "GroupMsg");
        assert_eq!(event["FromQQ"]["UIN"], 10002);
        assert_eq!(event["File"], file);
    }
    assert_eq!(file["Name"], "minutes.txt");
    assert_eq!(file["MD5"], md5_upper(&content));
    assert_eq!(file["Size"], content.len());
    let id = file["ID"].as_str().unwrap().to_owned();

    let list = server
        .call("/getgroupfilelist", "fromqq=10001&group=30001&folder=%2F")
        .await;
    assert_eq!(list["ret"], "2", "{list}");
    assert_eq!(list["List"][0]["FileName"], "papers");
    assert_eq!(list["List"][0]["IsFolder"], true);
    assert_eq!(list["List"][1]["FileID"], id.as_str());
    assert_eq!(list["List"][1]["FileSize"], content.len());
    assert_eq!(list["List"][1]["UploaderUin"], 10002);

    let url = server
        .call(
            "/getgroupfileurl",
            &format!(
                "fromqq=10001&group=30001&fileid={}&filename=minutes.txt",
                enc(&id)
            ),
        )
        .await["ret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(download(&server, &url).await.2, content);

    let answer = server
        .call(
            "/movegroupfile",
            &format!(
                "fromqq=10001&group=30001&fileid={}&fromfolder=%2F&tofolder=papers",
                enc(&id)
            ),
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let response = server
        .client
        .get(server.url("/sim/files?group=30001"))
        .send()
        .await
        .unwrap();
    let view: Value = response.json().await.unwrap();
    let moved = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id.as_str())
        .unwrap()
        .clone();
    let folder = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["is_folder"] == true)
        .unwrap()["id"]
        .clone();
    assert_eq!(moved["folder"], folder);
    let answer = server
        .call(
            "/savefiletoweiyun",
            &format!("fromqq=10001&group=30001&fileid={}", enc(&id)),
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    assert!(server.events(session).await.is_empty());

    // Forward to a friend (a framework account): a 529 message with the file.
    let answer = server
        .call(
            "/forwardgroupfiletofriend",
            &format!(
                "fromqq=10001&fromgroup=30001&togroup=10002&fileid={}&filename=minutes.txt&filesize={}",
                enc(&id),
                content.len()
            ),
        )
        .await;
    let inner: Value = serde_json::from_str(answer["ret"].as_str().unwrap()).unwrap();
    assert_eq!(inner["retcode"], 0, "{answer}");
    assert!(answer["Req"].as_i64().unwrap() > 0);
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10001, 10002]);
    let received = events.iter().find(|e| e["LogonQQ"] == 10002).unwrap();
    assert_eq!(received["Type"], "PrivateMsg");
    assert_eq!(received["Msg"]["Type"], 529);
    assert_eq!(received["File"]["Name"], "minutes.txt");
    assert_eq!(received["File"]["MD5"], md5_upper(&content));
    let friend_file = received["File"]["ID"].as_str().unwrap().to_owned();

    // 10002 passes it on to Alice (no account: 10002 alone sees its own message).
    let answer = server
        .call(
            "/forwardfriendfiletofriend",
            &format!(
                "logonqq=10002&fromqq=10001&toqq=20001&fileid={}&filename=minutes.txt",
                enc(&friend_file)
            ),
        )
        .await;
    assert!(answer["Req"].as_i64().unwrap() > 0, "{answer}");
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10002]);
    assert_eq!(events[0]["Msg"]["Type"], 529);

    // Forward to the other group (10001 owns 30002): its accounts see it.
    let answer = server
        .call(
            "/forwardgroupfiletogroup",
            &format!(
                "fromqq=10001&fromgroup=30001&togroup=30002&fileid={}",
                enc(&id)
            ),
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let events = server.events(session).await;
    assert_eq!(logons(&events), [10001]);
    assert_eq!(events[0]["FromGroup"]["GIN"], 30002);
    assert_eq!(events[0]["File"]["MD5"], md5_upper(&content));

    // Members' upload turned off in 30002: Bob (a member) is refused, the owner is not.
    let answer = server
        .call(
            "/setgrouppriv_uploadfile",
            "fromqq=10001&togroup=30002&allow=false",
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    server.events(session).await;
    let upload =
        |from: u64| json!({ "from": from, "group": 30002, "name": "x.bin", "base64": b64(b"xyz") });
    let (status, answer) = server.sim("upload_file", upload(20002)).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["kind"], "no_permission");
    assert!(server.events(session).await.is_empty());
    let (status, answer) = server.sim("upload_file", upload(10001)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(logons(&server.events(session).await), [10001]);

    // Removing: a member may not remove others' files; the folder goes with its files.
    let (status, carol) = server
        .sim(
            "upload_file",
            json!({ "from": 20003, "group": 30001, "name": "c.bin", "base64": b64(b"c") }),
        )
        .await;
    assert_eq!(status, 200, "{carol}");
    assert_eq!(logons(&server.events(session).await), [10001, 10002]);
    let remove = |fromqq: u64| {
        format!(
            "fromqq={fromqq}&group=30001&fileid={}",
            enc(carol["id"].as_str().unwrap())
        )
    };
    let answer = server.call("/removegroupfile", &remove(10002)).await;
    assert_eq!(
        (&answer["ret"], &answer["retcode"]),
        (&json!("false"), &json!(7))
    );
    let answer = server.call("/removegroupfile", &remove(10001)).await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let answer = server
        .call(
            "/removegroupfolder",
            "fromqq=10001&group=30001&folder=papers",
        )
        .await;
    assert_eq!(answer, json!({ "ret": "true" }));
    let list = server
        .call("/getgroupfilelist", "fromqq=10001&group=30001&folder=")
        .await;
    assert_eq!(list, json!({ "ret": "0", "List": [] }));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn media_settings_from_the_config_file_and_the_public_url() {
    let dir = temp_dir("media-settings");
    let config = dir.join("lizi.toml");
    std::fs::write(
        &config,
        "media_dirs = [\"pics\"]\nfetch_max_bytes = 1234\nfetch_timeout_ms = 50\n\
         fetch_allow_private = true\npublic_url = \"http://pics.example:8080/\"\n",
    )
    .unwrap();
    let settings = lizi::Settings::resolve(lizi::ServeArgs {
        config: Some(config),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(settings.api.media_dirs, [dir.join("pics")]);
    assert_eq!(settings.api.fetch_max_bytes, 1234);
    assert_eq!(settings.api.fetch_timeout_ms, 50);
    assert!(settings.api.fetch_allow_private);
    assert_eq!(
        settings.api.public_url.as_deref(),
        Some("http://pics.example:8080")
    );
    let defaults = lizi::Settings::resolve(lizi::ServeArgs::default()).unwrap();
    assert!(defaults.api.media_dirs.is_empty());
    assert!(!defaults.api.fetch_allow_private);
    assert_eq!(defaults.api.fetch_max_bytes, 20 * 1024 * 1024);

    // The URLs handed out use the public URL.
    let server =
        Server::start_with(|s| s.api.public_url = Some("http://pics.example:8080".into())).await;
    let code = server
        .call(
            "/sendgrouppic",
            &format!("fromqq=10001&togroup=30001&pic={}", enc(&b64(b"p"))),
        )
        .await;
    let answer = server
        .call(
            "/getphotourl",
            &format!("photo={}", enc(code["ret"].as_str().unwrap())),
        )
        .await;
    assert_eq!(
        answer["ret"],
        format!("http://pics.example:8080/lizi/media/{}", md5_upper(b"p"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}
