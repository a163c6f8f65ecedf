//! The log subscriber: lines on standard error, filtered by `--log`, as text for people or
//! as one JSON object a line for log collectors (`--log-format json`).

use anyhow::Context;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::settings::{LogFormat, Logging};

/// Installs the subscriber `logging` describes as the process's default.
pub fn install(logging: &Logging) -> anyhow::Result<()> {
    let filter: Targets = logging
        .filter
        .parse()
        .with_context(|| format!("log filter `{}`", logging.filter))?;
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let lines = match logging.format {
        LogFormat::Text => lines
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .boxed(),
        // `{"timestamp":…,"level":"INFO","message":…,"target":…}` plus the event's own
        // fields beside `message`.
        LogFormat::Json => lines.json().flatten_event(true).boxed(),
    };
    tracing_subscriber::registry()
        .with(lines)
        .with(filter)
        .try_init()
        .context("installing the log subscriber")
}
