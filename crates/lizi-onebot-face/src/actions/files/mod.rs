//! Actions on files: [`group`] (a group's files and folders), [`friends`] (files sent
//! to and received from friends). Both take an upload's bytes from the same sources
//! ([`Source`]).

pub(crate) mod friends;
pub(crate) mod group;

use lizi_onebot::action::UploadedFile;
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};

/// Where an upload's bytes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source<'a> {
    /// `base64://…` content.
    Base64(&'a str),
    /// A local path (plain, or a `file://` URL), read under the media rules.
    Path(&'a str),
}

impl<'a> Source<'a> {
    /// The source `file` names; other URLs are refused, as lizi does not download them.
    pub(crate) fn of(file: &'a str) -> Result<Source<'a>, String> {
        let file = file.trim();
        if let Some(base64) = file.strip_prefix("base64://") {
            return Ok(Source::Base64(base64));
        }
        let path = file.strip_prefix("file://").unwrap_or(file);
        if path.starts_with('/') {
            Ok(Source::Path(path))
        } else {
            Err(format!(
                "`file` must be base64://… or an absolute local path; lizi does not download `{file}`"
            ))
        }
    }

    /// The name a file gets when the call gives none: a path's own file name.
    pub(crate) fn own_name(self) -> Option<&'a str> {
        match self {
            Source::Path(path) => path.rsplit('/').next().filter(|name| !name.is_empty()),
            Source::Base64(_) => None,
        }
    }
}

impl Call<'_> {
    /// An upload through the control action `action` (`upload_file` into a group,
    /// `send_file` to a friend): `body` names where it goes; the bytes come from `file`
    /// ([`Source`]), under `name` or else a path's own file name. Answers the new file's id.
    pub(crate) async fn upload_file_from(
        &self,
        action: &str,
        file: &str,
        name: Option<&str>,
        mut body: Value,
    ) -> Answer {
        self.ensure_online()?;
        let source = Source::of(file).map_err(|why| self.failed(why))?;
        let name = name
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .or(source.own_name())
            .ok_or_else(|| self.bad("parameter `name`: must not be empty"))?;
        body["name"] = json!(name);
        match source {
            Source::Base64(base64) => body["base64"] = json!(base64),
            Source::Path(path) => body["path"] = json!(path),
        }
        let entry = self.control_json(action, body).await?;
        let file_id = entry["id"].as_str().map(str::to_owned);
        data(UploadedFile { file_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_take_base64_or_local_paths() {
        assert_eq!(Source::of("base64://aGk="), Ok(Source::Base64("aGk=")));
        let path = Source::of("file:///srv/media/a.txt").expect("a path");
        assert_eq!(path, Source::Path("/srv/media/a.txt"));
        assert_eq!(path.own_name(), Some("a.txt"));
        assert_eq!(Source::of("/srv/media/").expect("a path").own_name(), None);
        assert!(Source::of("https://example.com/a.txt").is_err());
        assert!(Source::of("relative/a.txt").is_err());
    }
}
