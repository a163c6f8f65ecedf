//! Media settings: which local files and which downloads pictures and files may come
//! from, and the base of the URLs lizi hands out for them.

use std::path::PathBuf;

use clap::Args;
use lizi_api::ApiConfig;
use serde::Deserialize;

use super::config_file::{flags_or_file, ConfigFile};

/// The media flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Media")]
#[serde(default)]
pub struct MediaFlags {
    /// Folder whose files `fromtype=1` and `[picFile,path=…]` may read (repeatable;
    /// comma-separated in the environment) [default: none, local paths refused].
    #[arg(
        long = "media-dir",
        env = "LIZI_MEDIA_DIRS",
        value_delimiter = ',',
        value_name = "DIR"
    )]
    pub media_dirs: Vec<PathBuf>,
    /// Largest media file or download in bytes [default: 20971520].
    #[arg(long, env = "LIZI_FETCH_MAX_BYTES", value_name = "BYTES")]
    pub fetch_max_bytes: Option<u64>,
    /// Timeout of one media download in milliseconds [default: 15000].
    #[arg(long, env = "LIZI_FETCH_TIMEOUT_MS", value_name = "MS")]
    pub fetch_timeout_ms: Option<u64>,
    /// Let media URLs point at loopback, private or reserved addresses [default: false].
    #[arg(long, env = "LIZI_FETCH_ALLOW_PRIVATE", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub fetch_allow_private: Option<bool>,
    /// Base URL of the picture and file URLs lizi hands out [default: http://<listen address>].
    #[arg(long, env = "LIZI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

impl MediaFlags {
    /// These flags over the config file's `file`, into `api`.
    pub fn resolve(
        self,
        file: MediaFlags,
        config: &ConfigFile,
        api: &mut ApiConfig,
    ) -> anyhow::Result<()> {
        let file_dirs = file.media_dirs.into_iter().map(|dir| config.path(dir));
        let public_url = self
            .public_url
            .or(file.public_url)
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty());
        if let Some(url) = &public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "public_url `{url}` must start with http:// or https://"
            );
        }
        api.public_url = public_url;
        api.media_dirs = flags_or_file(self.media_dirs, file_dirs.collect());
        api.fetch_max_bytes = self
            .fetch_max_bytes
            .or(file.fetch_max_bytes)
            .unwrap_or(api.fetch_max_bytes);
        api.fetch_timeout_ms = self
            .fetch_timeout_ms
            .or(file.fetch_timeout_ms)
            .unwrap_or(api.fetch_timeout_ms);
        api.fetch_allow_private = self
            .fetch_allow_private
            .or(file.fetch_allow_private)
            .unwrap_or(false);
        Ok(())
    }
}
