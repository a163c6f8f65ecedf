//! `set_qq_avatar{file}` and `set_group_portrait{group_id,file}` (NapCat, LLOneBot,
//! Lagrange.OneBot; onebot.md §2.5 rows 26-27): `/uploadfacepic` and
//! `/uploadgroupfacepic`. `file` is read as in sends: `base64://…`, a URL, a path, or the
//! name of a picture lizi has.

use lizi_core::endpoint as xlz;
use lizi_core::param::MediaSource;
use lizi_core::{Gin, Request};

use super::call::{Answer, Call};
use super::media::{source_of, Source};

impl Call<'_> {
    /// Sets the account's avatar, or `group`'s.
    pub(crate) async fn set_avatar(&self, group: Option<Gin>, file: &str) -> Answer {
        let pic = match source_of(file).map_err(|e| self.bad(e.0))? {
            Source::Upload(source) => source,
            Source::Known(hash) => match self.backend.media(&hash).await {
                Some(media) => MediaSource::Inline(media.bytes),
                None => return Err(self.failed(format!("lizi has no picture named {hash}"))),
            },
        };
        let fromqq = self.me();
        let request = match group {
            Some(group) => {
                Request::UploadGroupFacePic(xlz::UploadGroupFacePic { fromqq, group, pic })
            }
            None => Request::UploadFacePic(xlz::UploadFacePic { fromqq, pic }),
        };
        self.done(request).await
    }
}
