//! Pictures, voices and avatars: `/sendprivatepic`, `/sendgrouppic`, `/sendprivateaudio`,
//! `/sendgroupaudio`, `/uploadfacepic`, `/uploadgroupfacepic`, `/getphotourl`, and the
//! control API's `send_picture` and `upload_picture`.
//!
//! Uploading answers a text code (no message is sent); the code works back inside `text`.

use lizi_core::media::{photo_hash, picture_code, voice_code, with_url};
use lizi_core::param::{decode_base64, MediaSource};
use lizi_core::textcode::{self, Code, Segment};
use lizi_core::{Failure, FailureKind, Gin, Reply, Uin};
use serde_json::json;

use super::model::AvatarOf;
use super::state::NewBlob;
use crate::backend::{Handled, SimBackend};
use crate::control::media::{SimPicture, SimUploadPicture};
use crate::error::SimError;
use crate::messages::{random_id, Target};
use crate::notify::Notice;
use crate::world::World;

/// Event type: a group's avatar changed (docs/xlz-api.md#event-objects).
const GROUP_AVATAR_CHANGED: i64 = 34;

/// Where an upload is for: a friend chat or a group chat.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chat {
    /// A private chat: a friend of the account, or a member of one of its groups (a
    /// temporary session; whether the send is allowed is the send's check).
    Friend(Uin),
    /// A group the account is in.
    Group(Gin),
}

/// What is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upload {
    /// A picture (flash or not).
    Picture {
        /// A flash picture.
        flash: bool,
    },
    /// A voice.
    Voice,
}

impl World {
    /// Fails unless online account `uin` may upload media for `chat`.
    fn ensure_chat(&self, uin: Uin, chat: Chat) -> Result<(), SimError> {
        self.online_account(uin)?;
        match chat {
            Chat::Friend(to) => {
                self.person(to)?;
                let in_a_group_together = self.groups.values().any(|group| {
                    group.members.contains_key(&uin) && group.members.contains_key(&to)
                });
                if in_a_group_together {
                    Ok(())
                } else {
                    self.ensure_friends(uin, to)
                }
            }
            Chat::Group(gin) => self.group(gin)?.member(uin).map(drop),
        }
    }
}

/// The failure of bytes that cannot be a picture or voice.
fn empty_upload() -> Failure {
    Failure::new(FailureKind::Invalid, "the upload is empty")
}

impl SimBackend {
    /// Uploads media for a chat and answers its text code.
    pub(crate) async fn upload_media(
        &self,
        uin: Uin,
        chat: Chat,
        source: &MediaSource,
        what: Upload,
    ) -> Handled {
        self.read(|w| w.ensure_chat(uin, chat).map(|()| Reply::Done))?;
        let bytes = self.fetch(source).await?;
        if bytes.is_empty() {
            return Err(empty_upload());
        }
        let blob = NewBlob::new(bytes);
        let ((), ticket) = self.act_blob(&blob, |w| {
            w.ensure_chat(uin, chat)?;
            Ok(((), Vec::new()))
        })?;
        let code = match what {
            Upload::Picture { flash } => picture_code(&blob.hash, &blob.info, flash),
            Upload::Voice => voice_code(&blob.hash, &blob.info),
        };
        tracing::debug!(uin, hash = blob.hash, "sim: media uploaded");
        let text = textcode::print(&[Segment::Code(code)]);
        Ok((Reply::Text(text), Some(ticket)))
    }

    /// `/uploadfacepic` and `/uploadgroupfacepic` (owner or admin; event 34 to the
    /// group's online framework accounts).
    pub(crate) async fn upload_avatar(
        &self,
        uin: Uin,
        group: Option<Gin>,
        source: &MediaSource,
    ) -> Handled {
        let check = |w: &World| -> Result<(), SimError> {
            w.online_account(uin)?;
            match group {
                Some(gin) => w.ensure_manager(uin, gin, "change the group avatar"),
                None => Ok(()),
            }
        };
        self.read(|w| check(w).map(|()| Reply::Done))?;
        let bytes = self.fetch(source).await?;
        if bytes.is_empty() {
            return Err(empty_upload());
        }
        let blob = NewBlob::new(bytes);
        let ((), ticket) = self.act_blob(&blob, |w| {
            check(w)?;
            let owner = group.map_or(AvatarOf::User(uin), AvatarOf::Group);
            w.avatars.insert(owner, blob.hash.clone());
            let events = match group {
                Some(gin) => {
                    let notice =
                        Notice::new(GROUP_AVATAR_CHANGED, uin, uin, self.now()).in_group(gin);
                    w.notify_group(gin, &notice, &[])
                }
                None => Vec::new(),
            };
            Ok(((), events))
        })?;
        Ok((Reply::Done, Some(ticket)))
    }

    /// `/getphotourl`: the URL serving the picture a `[pic,hash=…]` code names.
    pub(crate) fn photo_url(&self, photo: &str, uin: Option<Uin>, group: Option<Gin>) -> Handled {
        let hash = photo_hash(photo)?;
        self.read(|w| {
            if let Some(uin) = uin {
                w.account(uin)?;
            }
            if let Some(gin) = group {
                w.group(gin)?;
            }
            if !w.media.contains_key(&hash) {
                return Err(SimError::NotFound(format!(
                    "no picture with hash {hash} was uploaded or sent"
                )));
            }
            Ok(Reply::Text(self.media_url(&hash)))
        })
    }

    /// The control API's `upload_picture`: an online account uploads a picture without
    /// sending it; answers its hash and the URL serving it.
    pub(crate) async fn control_upload_picture(&self, upload: SimUploadPicture) -> Handled {
        let account = upload.account;
        self.read(|w| w.online_account(account).map(|_| Reply::Done))?;
        let source = upload.source().ok_or_else(|| {
            Failure::new(
                FailureKind::Invalid,
                "give one of `base64`, `path` or `url`",
            )
        })?;
        let bytes = self.fetch(&source).await?;
        if bytes.is_empty() {
            return Err(empty_upload());
        }
        let blob = NewBlob::new(bytes);
        let ((), ticket) = self.act_blob(&blob, |w| {
            w.online_account(account)?;
            Ok(((), Vec::new()))
        })?;
        let url = self.media_url(&blob.hash);
        Ok((
            Reply::Json(json!({"hash": blob.hash, "url": url})),
            Some(ticket),
        ))
    }

    /// The control API's `send_picture`: a user uploads a picture and sends it.
    pub(crate) fn control_send_picture(&self, picture: SimPicture) -> Handled {
        let flash = picture.flash == Some(true);
        let chat = (picture.from, picture.to, picture.group);
        self.send_uploaded(chat, &picture.base64, "a picture", |blob| {
            picture_code(&blob.hash, &blob.info, flash)
        })
    }

    /// A person (`from`, to `to`, `group` or both) sends the bytes `base64` as the code
    /// `code` makes of them (`what` names it in a refusal); answers the message's `req`,
    /// `random`, `time`, the content's `hash` and the `text` sent.
    pub(crate) fn send_uploaded(
        &self,
        (from, to, group): (Uin, Option<Uin>, Option<Gin>),
        base64: &str,
        what: &str,
        code: impl FnOnce(&NewBlob) -> Code,
    ) -> Handled {
        let target = Target::of(to, group).ok_or_else(|| {
            Failure::new(
                FailureKind::Invalid,
                format!("{what} needs `to`, `group`, or both"),
            )
        })?;
        let bytes = decode_base64(base64)
            .map_err(|p| Failure::new(FailureKind::Invalid, format!("`base64` {p}")))?;
        let blob = NewBlob::new(bytes);
        let code = with_url(code(&blob), self.media_url(&blob.hash));
        let text = textcode::print(&[Segment::Code(code)]);
        let (receipt, ticket) = self.act_blob(&blob, |w| {
            w.send(from, target, &text, self.now(), random_id())
        })?;
        let reply = Reply::Json(json!({
            "req": receipt.req,
            "random": receipt.random,
            "time": receipt.time,
            "hash": blob.hash,
            "text": text,
        }));
        Ok((reply, Some(ticket)))
    }
}
