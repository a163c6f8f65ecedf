//! Logging settings: what lizi writes to its standard error, and in which form.

use clap::Args;
use serde::Deserialize;

use super::config_file::parse_text;

/// The logging flags; each is also an environment variable and a config-file key.
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[command(next_help_heading = "Logging")]
#[serde(default)]
pub struct LoggingFlags {
    /// Log filter, e.g. `info` or `lizi_http=debug,info` (one line per HTTP request)
    /// [default: info].
    #[arg(long, env = "LIZI_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Form of the log lines: `text` (for people) or `json` (one JSON object a line, for
    /// log collectors) [default: text].
    #[arg(long, env = "LIZI_LOG_FORMAT", value_name = "FORMAT")]
    #[serde(deserialize_with = "parse_text")]
    pub log_format: Option<LogFormat>,
}

/// The form of the log lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Plain text, coloured on a terminal.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `fields`.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!(
                "unknown log format `{other}` (expected text or json)"
            )),
        }
    }
}

/// The logging settings.
#[derive(Debug, Clone)]
pub struct Logging {
    /// The log filter.
    pub filter: String,
    /// The form of the lines.
    pub format: LogFormat,
}

impl LoggingFlags {
    /// These flags over the config file's `file`.
    pub fn resolve(self, file: LoggingFlags) -> Logging {
        Logging {
            filter: self.log.or(file.log).unwrap_or_else(|| "info".into()),
            format: self.log_format.or(file.log_format).unwrap_or_default(),
        }
    }
}
