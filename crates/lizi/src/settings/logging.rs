//! Logging settings: what lizi writes to its standard error.

use clap::Args;
use serde::Deserialize;

/// The logging flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Logging")]
#[serde(default)]
pub struct LoggingFlags {
    /// Log filter, e.g. `info` or `lizi_api=debug,info` [default: info].
    #[arg(long, env = "LIZI_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

impl LoggingFlags {
    /// These flags over the config file's `file`: the log filter.
    pub fn resolve(self, file: LoggingFlags) -> String {
        self.log.or(file.log).unwrap_or_else(|| "info".into())
    }
}
