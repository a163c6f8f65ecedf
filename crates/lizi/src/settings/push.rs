//! Push settings: where lizi POSTs every event.

use clap::Args;
use lizi_api::ApiConfig;
use serde::Deserialize;

use super::config_file::urls;

/// The push flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Push")]
#[serde(default)]
pub struct PushFlags {
    /// URL every event is POSTed to (repeatable; comma-separated in the environment)
    /// [default: none].
    #[arg(
        long = "report-url",
        env = "LIZI_REPORT_URLS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub report_urls: Vec<String>,
}

impl PushFlags {
    /// These flags over the config file's `file`, into `api`.
    pub fn resolve(self, file: PushFlags, api: &mut ApiConfig) -> anyhow::Result<()> {
        api.report_urls = urls(
            self.report_urls,
            file.report_urls,
            &["http://", "https://"],
            |url| format!("report URL `{url}` must start with http:// or https://"),
        )?;
        Ok(())
    }
}
