//! Pictures, voices, videos, avatars, favourite stickers and group files on the simulated
//! network.
//!
//! Uploaded bytes are stored once, as store blobs under their MD5 (upper-case hex); the
//! world's `media` table describes them, `files` holds group files and folders (and the
//! files accounts received from friends), `avatars` the avatars set, `stickers` the
//! accounts' favourite stickers. Paths and URLs are
//! read through the [`MediaFetcher`](lizi_core::media::MediaFetcher) the server gives
//! the backend with [`SimBackend::set_media`]; this crate knows no HTTP.

mod codes;
mod files;
mod friend_files;
mod group;
mod lookup;
mod model;
mod pictures;
mod state;
pub(crate) mod stickers;
#[cfg(test)]
pub(crate) mod tests;

use lizi_core::{Reply, Request};

pub use lizi_core::media::MediaInfo;
pub use model::{AvatarOf, FileEntry, FileKey};
pub(crate) use state::MediaState;
pub use stickers::Sticker;

use crate::backend::{Handled, SimBackend};
use crate::control::MediaControl;
use pictures::{Chat, Upload};

impl SimBackend {
    /// Handles the requests of this area; hands any other back.
    pub(crate) async fn handle_media(&self, request: Request) -> Result<Handled, Request> {
        use Request as R;
        let picture = |flash: Option<bool>| Upload::Picture {
            flash: flash == Some(true),
        };
        Ok(match request {
            R::SendPrivatePic(r) => {
                let chat = Chat::Friend(r.toqq);
                self.upload_media(r.fromqq, chat, &r.pic, picture(r.flashpic))
                    .await
            }
            R::SendGroupPic(r) => {
                let chat = Chat::Group(r.togroup);
                self.upload_media(r.fromqq, chat, &r.pic, picture(r.flashpic))
                    .await
            }
            R::SendPrivateAudio(r) => {
                self.upload_media(r.fromqq, Chat::Friend(r.toqq), &r.audio, Upload::Voice)
                    .await
            }
            R::SendGroupAudio(r) => {
                self.upload_media(r.fromqq, Chat::Group(r.togroup), &r.audio, Upload::Voice)
                    .await
            }
            R::UploadFacePic(r) => self.upload_avatar(r.fromqq, None, &r.pic).await,
            R::UploadGroupFacePic(r) => self.upload_avatar(r.fromqq, Some(r.group), &r.pic).await,
            R::GetPhotoUrl(r) => self.photo_url(&r.photo, r.fromqq, r.group),
            R::UploadFile(r) => self.upload_file(r),
            R::NewGroupFolder(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                w.new_folder(r.fromqq, r.group, &r.folder, self.now())?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::RenameGroupFolder(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                w.rename_folder(r.fromqq, r.group, &r.folder, &r.name)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::RemoveGroupFolder(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                w.remove_folder(r.fromqq, r.group, &r.folder)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::RemoveGroupFile(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                w.remove_file(r.fromqq, r.group, &r.fileid)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::MoveGroupFile(r) => self.change(|w| {
                w.online_account(r.fromqq)?;
                let to = r.tofolder.as_deref().unwrap_or(model::ROOT);
                w.move_file(r.fromqq, r.group, &r.fileid, r.fromfolder.as_deref(), to)?;
                Ok((Reply::Done, Vec::new()))
            }),
            R::GetGroupFileList(r) => self.read(|w| {
                let list = w.file_list(r.fromqq, r.group, &r.folder)?;
                Ok(Reply::Files(list.iter().map(FileEntry::item).collect()))
            }),
            R::GetGroupFileUrl(r) => self.group_file_url(r.fromqq, r.group, &r.fileid),
            R::SaveFileToWeiyun(r) => self.read(|w| {
                w.online_account(r.fromqq)?;
                w.group(r.group)?.member(r.fromqq)?;
                w.group_file(r.group, &r.fileid)?;
                Ok(Reply::Done)
            }),
            R::ForwardGroupFileToGroup(r) => self.change(|w| {
                let events =
                    w.forward_to_group(r.fromqq, r.fromgroup, r.togroup, &r.fileid, self.now())?;
                Ok((Reply::Done, events))
            }),
            R::ForwardGroupFileToFriend(r) => self.change(|w| {
                let (receipt, events) = w.forward_group_file_to_friend(
                    r.fromqq,
                    r.fromgroup,
                    r.toqq,
                    &r.fileid,
                    self.now(),
                )?;
                Ok((Reply::Sent(receipt), events))
            }),
            R::ForwardFriendFileToFriend(r) => self.change(|w| {
                let (receipt, events) =
                    w.forward_friend_file(r.logonqq, r.fromqq, r.toqq, &r.fileid, self.now())?;
                Ok((Reply::Sent(receipt), events))
            }),
            other => return Err(other),
        })
    }

    /// Carries out a control action of this area.
    pub(crate) async fn control_media(&self, action: MediaControl) -> Handled {
        match action {
            MediaControl::SendPicture(picture) => self.control_send_picture(picture),
            MediaControl::UploadPicture(upload) => self.control_upload_picture(upload).await,
            MediaControl::UploadFile(upload) => self.control_upload_file(upload).await,
            MediaControl::Files(files) => self.control_files(files),
            MediaControl::RenameFile(rename) => self.change(|w| {
                let folder = rename.folder.as_deref().unwrap_or(model::ROOT);
                w.active_person(rename.operator)?;
                w.rename_file(
                    rename.operator,
                    rename.group,
                    &rename.file,
                    folder,
                    &rename.name,
                )?;
                Ok((Reply::Json(serde_json::json!({"ret": "ok"})), Vec::new()))
            }),
            MediaControl::SendFile(file) => self.control_send_file(file).await,
            MediaControl::FriendFiles(files) => self.control_friend_files(files),
            MediaControl::SendVideo(video) => self.control_send_video(video),
            MediaControl::StoreMedia(store) => self.control_store_media(store).await,
            MediaControl::MediaFile(lookup) => self.control_media_file(lookup),
        }
    }
}
