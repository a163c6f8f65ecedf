//! Unit tests of pictures, voices, avatars and group files.

use std::sync::Arc;

use base64::Engine;
use lizi_core::endpoint::*;
use lizi_core::event::private_kind;
use lizi_core::media::MediaFetcher;
use lizi_core::param::MediaSource;
use lizi_core::{Backend, BoxFuture, Event, Failure, FailureKind, Reply};
use lizi_store::{ReaderId, Store, StoreConfig};

use super::model::{AvatarOf, FileEntry, FileScope, ROOT};
use crate::control::admin::{AdminControl, SimLeave};
use crate::control::media::{MediaControl, SimFiles, SimPicture, SimUpload};
use crate::control::SimControl;
use crate::world::World;
use crate::{SimBackend, WorldFixture};
use lizi_core::media::{md5_hex, sample_png as png, MediaInfo};

/// Puts one row in each media table (for the persistence round trip).
pub(crate) fn add_media_rows(world: &mut World) {
    world.media.insert(md5_hex(b"x"), MediaInfo::of(b"x", 1));
    let entry = FileEntry {
        id: "/f".into(),
        name: "a.txt".into(),
        folder: ROOT.into(),
        is_folder: false,
        size: 1,
        md5: md5_hex(b"x"),
        uploader: 10001,
        time: 1,
    };
    world
        .files
        .insert((FileScope::Group(30001), "/f".into()), entry);
    world.avatars.insert(AvatarOf::User(10001), md5_hex(b"x"));
}

/// Serves `/ok/<name>` paths with `name`'s bytes; everything else is refused.
struct FakeFetcher;

impl MediaFetcher for FakeFetcher {
    fn fetch<'a>(&'a self, source: &'a MediaSource) -> BoxFuture<'a, Result<Vec<u8>, Failure>> {
        Box::pin(async move {
            match source {
                MediaSource::Inline(bytes) => Ok(bytes.clone()),
                MediaSource::Path(path) => match path.strip_prefix("/ok/") {
                    Some(name) => Ok(name.as_bytes().to_vec()),
                    None => Err(Failure::new(FailureKind::Refused, "outside media_dirs")),
                },
                MediaSource::Url(_) => Err(Failure::new(FailureKind::Refused, "no URLs")),
            }
        })
    }
}

struct Sim {
    backend: Arc<SimBackend>,
    log: Arc<Store>,
    cursor: ReaderId,
}

impl Sim {
    fn new() -> Sim {
        let log = Store::open(StoreConfig::memory()).unwrap();
        let cursor = log.open_reader(None).unwrap();
        let backend = Arc::new(SimBackend::new(WorldFixture::default_world(), log.clone()));
        backend.set_media(Arc::new(FakeFetcher), "http://lizi.test/");
        Sim {
            backend,
            log,
            cursor,
        }
    }

    async fn call(&self, request: Request) -> Result<Reply, Failure> {
        self.backend.call(request).await
    }

    async fn text(&self, request: Request) -> String {
        match self.call(request).await {
            Ok(Reply::Text(text)) => text,
            other => panic!("not text: {other:?}"),
        }
    }

    async fn control(&self, control: SimControl) -> Result<Reply, Failure> {
        self.backend.carry_out(control).await
    }

    fn events(&self) -> Vec<Event> {
        crate::tests::drain(&self.log, self.cursor)
    }

    fn world(&self) -> World {
        self.backend.lock().clone()
    }
}

fn group_pic(fromqq: u64, togroup: u64, pic: MediaSource) -> Request {
    Request::SendGroupPic(SendGroupPic {
        fromqq,
        togroup,
        pic,
        flashpic: None,
    })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn a_group_picture_upload_answers_its_code_and_sends_nothing() {
    let sim = Sim::new();
    let picture = png(64, 32);
    let hash = md5_hex(&picture);
    let code = sim
        .text(group_pic(
            10001,
            30001,
            MediaSource::Inline(picture.clone()),
        ))
        .await;
    assert_eq!(code, format!("[pic,hash={hash},wide=64,high=32]"));
    assert!(sim.events().is_empty());
    let media = sim.backend.media(&hash.to_lowercase()).await.unwrap();
    assert_eq!(
        (media.content_type.as_str(), media.bytes),
        ("image/png", picture)
    );

    // The code sent back gets the URL; the event carries it.
    let text = format!("look {code} [@20001]");
    sim.call(Request::SendGroupMsg(SendGroupMsg {
        fromqq: 10001,
        togroup: 30001,
        text,
        anonymous: None,
    }))
    .await
    .unwrap();
    let events = sim.events();
    assert_eq!(events.len(), 2, "10001 and 10002 are online members");
    for event in events {
        let Event::GroupMsg(message) = event else {
            panic!("not a group message")
        };
        assert_eq!(
            message.msg.text,
            format!(
                "look [pic,hash={hash},wide=64,high=32,url=http://lizi.test/lizi/media/{hash}] [@20001]"
            )
        );
    }
}

#[tokio::test]
async fn uploads_check_the_chat_first() {
    let sim = Sim::new();
    // Carol is no friend of 10001; once she shares no group with it either, a private
    // upload for her is refused (a co-member's is allowed, for a temporary session).
    sim.control(SimControl::Admin(AdminControl::Leave(SimLeave {
        user: 20003,
        group: 30001,
    })))
    .await
    .unwrap();
    sim.events();
    let refused = sim
        .call(Request::SendPrivatePic(SendPrivatePic {
            fromqq: 10001,
            toqq: 20003,
            pic: MediaSource::Inline(b"x".to_vec()),
            flashpic: Some(true),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::NotFriend);
    let refused = sim
        .call(group_pic(10002, 30002, MediaSource::Inline(b"x".to_vec())))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::NotMember);
    let refused = sim
        .call(group_pic(
            10001,
            30001,
            MediaSource::Path("/etc/passwd".into()),
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::Refused);
    assert!(sim.world().media.is_empty(), "nothing stored");
    let flash = sim
        .text(Request::SendPrivatePic(SendPrivatePic {
            fromqq: 10001,
            toqq: 20001,
            pic: MediaSource::Path("/ok/abc".into()),
            flashpic: Some(true),
        }))
        .await;
    assert_eq!(flash, format!("[flashPic,hash={}]", md5_hex(b"abc")));
}

#[tokio::test]
async fn voices_and_file_codes_in_text() {
    let sim = Sim::new();
    let voice = sim
        .text(Request::SendPrivateAudio(SendPrivateAudio {
            fromqq: 10001,
            toqq: 20001,
            voice_type: None,
            text: None,
            audio: MediaSource::Inline(vec![7; 6000]),
        }))
        .await;
    assert_eq!(
        voice,
        format!("[Audio,hash={},time=3]", md5_hex(&[7; 6000]))
    );
    // [picFile] uploads the file; the friend (a framework account) sees the picture.
    sim.call(Request::SendPrivateMsg(SendPrivateMsg {
        fromqq: 10001,
        toqq: 10002,
        text: "[picFile,path=/ok/xyz]\\u005b".into(),
    }))
    .await
    .unwrap();
    let hash = md5_hex(b"xyz");
    let events = sim.events();
    assert_eq!(events.len(), 2);
    let Event::PrivateMsg(message) = &events[0] else {
        panic!("not private")
    };
    assert_eq!(
        message.msg.text,
        format!("[pic,hash={hash},wide=0,high=0,url=http://lizi.test/lizi/media/{hash}]\\u005b")
    );
    // A path outside the folders fails the whole message.
    let refused = sim
        .call(Request::SendPrivateMsg(SendPrivateMsg {
            fromqq: 10001,
            toqq: 10002,
            text: "[AudioFile,path=/etc/shadow]".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::Refused);
    assert!(sim.events().is_empty());
}

#[tokio::test]
async fn photo_urls_need_a_known_hash() {
    let sim = Sim::new();
    let code = sim
        .text(group_pic(
            10001,
            30001,
            MediaSource::Inline(b"pic".to_vec()),
        ))
        .await;
    let url = sim
        .text(Request::GetPhotoUrl(GetPhotoUrl {
            photo: code,
            fromqq: Some(10001),
            group: Some(30001),
        }))
        .await;
    assert_eq!(
        url,
        format!("http://lizi.test/lizi/media/{}", md5_hex(b"pic"))
    );
    let unknown = sim
        .call(Request::GetPhotoUrl(GetPhotoUrl {
            photo: format!("[pic,hash={}]", md5_hex(b"other")),
            fromqq: None,
            group: None,
        }))
        .await
        .unwrap_err();
    assert_eq!(unknown.kind, FailureKind::NotFound);
    assert!(sim.backend.media(&md5_hex(b"other")).await.is_none());
}

#[tokio::test]
async fn group_avatars_need_a_manager_and_tell_the_group() {
    let sim = Sim::new();
    let refused = sim
        .call(Request::UploadGroupFacePic(UploadGroupFacePic {
            fromqq: 10002,
            group: 30001,
            pic: MediaSource::Inline(b"a".to_vec()),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::NoPermission);
    assert!(refused
        .message
        .contains("10002 is only a member of group 30001"));
    sim.call(Request::UploadGroupFacePic(UploadGroupFacePic {
        fromqq: 10001,
        group: 30001,
        pic: MediaSource::Inline(b"a".to_vec()),
    }))
    .await
    .unwrap();
    let events = sim.events();
    let logons: Vec<u64> = events.iter().map(Event::logon).collect();
    assert_eq!(logons, [10001, 10002]);
    assert_eq!(
        sim.world().avatars.get(&AvatarOf::Group(30001)),
        Some(&md5_hex(b"a"))
    );
    sim.call(Request::UploadFacePic(UploadFacePic {
        fromqq: 10002,
        pic: MediaSource::Inline(b"b".to_vec()),
    }))
    .await
    .unwrap();
    assert!(sim.events().is_empty());
}

#[tokio::test]
async fn group_files_folders_and_forwarding() {
    let sim = Sim::new();
    let upload = |from, name: &str, folder: Option<&str>| {
        SimControl::Media(MediaControl::UploadFile(SimUpload {
            from,
            group: 30001,
            name: name.into(),
            base64: Some(b64(b"file bytes")),
            path: None,
            folder: folder.map(Into::into),
        }))
    };
    // Only managers create folders.
    let folder = |fromqq, name: &str| {
        Request::NewGroupFolder(NewGroupFolder {
            fromqq,
            group: 30001,
            folder: name.into(),
        })
    };
    let refused = sim.call(folder(10002, "docs")).await.unwrap_err();
    assert_eq!(refused.kind, FailureKind::NoPermission);
    sim.call(folder(10001, "docs")).await.unwrap();
    assert_eq!(
        sim.call(folder(10001, "docs")).await.unwrap_err().kind,
        FailureKind::Invalid
    );

    let Reply::Json(file) = sim
        .control(upload(20003, "a.txt", Some("docs")))
        .await
        .unwrap()
    else {
        panic!()
    };
    let id = file["id"].as_str().unwrap().to_owned();
    let events = sim.events();
    assert_eq!(events.len(), 2);
    for event in &events {
        let Event::GroupMsg(message) = event else {
            panic!("not a group message")
        };
        assert_eq!(message.file.id, id);
        assert_eq!(message.file.name, "a.txt");
        assert_eq!(message.file.md5, md5_hex(b"file bytes"));
        assert_eq!(message.file.size, 10);
    }

    let list = |folder: &str| {
        Request::GetGroupFileList(GetGroupFileList {
            fromqq: 10002,
            group: 30001,
            folder: folder.into(),
        })
    };
    let Ok(Reply::Files(root)) = sim.call(list("/")).await else {
        panic!()
    };
    assert_eq!(root.len(), 1);
    assert!(root[0].is_folder);
    let Ok(Reply::Files(docs)) = sim.call(list("docs")).await else {
        panic!()
    };
    assert_eq!(docs[0].file_id, id);

    // A member may not move others' files; an admin may.
    let moving = |fromqq| {
        Request::MoveGroupFile(MoveGroupFile {
            fromqq,
            group: 30001,
            fileid: id.clone(),
            fromfolder: Some("docs".into()),
            tofolder: Some("/".into()),
        })
    };
    assert_eq!(
        sim.call(moving(10002)).await.unwrap_err().kind,
        FailureKind::NoPermission
    );
    sim.call(moving(10001)).await.unwrap();
    let Ok(Reply::Files(root)) = sim.call(list("")).await else {
        panic!()
    };
    assert_eq!(root.len(), 2);

    // Forward to a friend: a 529 message with the file, then on to another friend.
    let Ok(Reply::Sent(_)) = sim
        .call(Request::ForwardGroupFileToFriend(
            ForwardGroupFileToFriend {
                fromqq: 10001,
                fromgroup: 30001,
                toqq: 10002,
                fileid: id.clone(),
                filename: "a.txt".into(),
                filesize: Some(10),
            },
        ))
        .await
    else {
        panic!()
    };
    let events = sim.events();
    assert_eq!(events.len(), 2, "receiver and sender");
    let Event::PrivateMsg(message) = &events[0] else {
        panic!()
    };
    assert_eq!(
        (message.logon_qq, message.msg.kind),
        (10002, private_kind::FILE)
    );
    let friend_file = message.file.id.clone();
    sim.call(Request::ForwardFriendFileToFriend(
        ForwardFriendFileToFriend {
            logonqq: 10002,
            fromqq: 10001,
            toqq: 20001,
            fileid: friend_file,
            filename: "a.txt".into(),
        },
    ))
    .await
    .unwrap();
    assert_eq!(sim.events().len(), 1, "only 10002 is an account");

    // Upload privilege off: members are refused.
    sim.backend
        .lock()
        .groups
        .get_mut(&30001)
        .unwrap()
        .settings
        .upload_file = false;
    let refused = sim.control(upload(20003, "b.txt", None)).await.unwrap_err();
    assert_eq!(refused.kind, FailureKind::NoPermission);
    sim.control(upload(20001, "b.txt", None)).await.unwrap();

    // Removing the folder, a file; the view.
    sim.call(Request::RemoveGroupFile(RemoveGroupFile {
        fromqq: 10001,
        group: 30001,
        fileid: id.clone(),
        filename: None,
    }))
    .await
    .unwrap();
    sim.call(Request::RemoveGroupFolder(RemoveGroupFolder {
        fromqq: 10001,
        group: 30001,
        folder: "docs".into(),
    }))
    .await
    .unwrap();
    let Reply::Json(view) = sim
        .control(SimControl::Media(MediaControl::Files(SimFiles {
            group: 30001,
        })))
        .await
        .unwrap()
    else {
        panic!()
    };
    let names: Vec<&str> = view["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b.txt"]);
}

#[tokio::test]
async fn upload_file_answers_first_and_announces_later() {
    let sim = Sim::new();
    let answer = sim
        .call(Request::UploadFile(UploadFile {
            fromqq: 10001,
            group: 30001,
            path: "/ok/report.txt".into(),
        }))
        .await
        .unwrap();
    assert_eq!(answer, Reply::Done);
    let mut events = Vec::new();
    for _ in 0..100 {
        events = sim.events();
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let Event::GroupMsg(message) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(message.file.name, "report.txt");
    // Not a member: refused before answering.
    let refused = sim
        .call(Request::UploadFile(UploadFile {
            fromqq: 10002,
            group: 30002,
            path: "/ok/x".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::NotMember);
}

#[tokio::test]
async fn control_send_picture_sends_the_code_with_its_url() {
    let sim = Sim::new();
    let Reply::Json(answer) = sim
        .control(SimControl::Media(MediaControl::SendPicture(SimPicture {
            from: 20001,
            to: Some(10001),
            group: None,
            base64: b64(&png(2, 3)),
            flash: None,
        })))
        .await
        .unwrap()
    else {
        panic!()
    };
    let hash = md5_hex(&png(2, 3));
    let events = sim.events();
    assert_eq!(events.len(), 1);
    let Event::PrivateMsg(message) = &events[0] else {
        panic!()
    };
    assert_eq!(
        message.msg.text,
        format!("[pic,hash={hash},wide=2,high=3,url=http://lizi.test/lizi/media/{hash}]")
    );
    assert_eq!(answer["text"], message.msg.text.as_str());
    // Not friends: nothing stored.
    let refused = sim
        .control(SimControl::Media(MediaControl::SendPicture(SimPicture {
            from: 20003,
            to: Some(10001),
            group: None,
            base64: b64(b"zzz"),
            flash: None,
        })))
        .await
        .unwrap_err();
    assert_eq!(refused.kind, FailureKind::NotFriend);
    assert!(!sim.world().media.contains_key(&md5_hex(b"zzz")));
}
