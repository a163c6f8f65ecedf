//! The scenario file (TOML): its settings, its world and its steps, read with errors that
//! name the file, the step and the field.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::launcher::Launcher;
pub use lizi_scenario_file::steps::*;

/// Why a scenario file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// The reason.
        source: std::io::Error,
    },
    /// The file is not a valid scenario.
    #[error("{file}: {reason}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong, with the step and the field.
        reason: String,
    },
}

/// A scenario, read and checked; `W` is the world as the [`Launcher`] reads it.
#[derive(Debug, Clone)]
pub struct Scenario<W> {
    /// The file, as given.
    pub file: PathBuf,
    /// Its name (`name`, else the file's stem).
    pub name: String,
    /// The world at start.
    pub world: W,
    /// The framework account the bot drives (`account`, else the first online one).
    pub account: u64,
    /// The command that starts the bot (overrides `--bot`).
    pub bot: Option<String>,
    /// Where lizi listens (port 0 unless a bot already running needs a fixed one).
    pub listen: SocketAddr,
    /// Serve the OneBot face (HTTP and forward WebSocket).
    pub onebot: bool,
    /// The OneBot reverse WebSocket URL lizi dials, `{port}` standing for a free port.
    pub onebot_reverse_url: Option<String>,
    /// Password clients must send.
    pub password: Option<String>,
    /// Token clients must send.
    pub token: Option<String>,
    /// How long the bot has to become ready.
    pub ready_timeout_ms: u64,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The top level of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    account: Option<u64>,
    bot: Option<String>,
    world: Option<toml::Value>,
    listen: Option<SocketAddr>,
    #[serde(default)]
    onebot: bool,
    onebot_reverse_url: Option<String>,
    password: Option<String>,
    token: Option<String>,
    #[serde(default = "default_ready_timeout")]
    ready_timeout_ms: u64,
    #[serde(default)]
    step: Vec<toml::Value>,
}

fn default_ready_timeout() -> u64 {
    30_000
}

impl<W> Scenario<W> {
    /// Reads and checks a scenario file, its world read by `launcher`.
    pub fn load<L>(file: &Path, launcher: &L) -> Result<Scenario<W>, ScenarioError>
    where
        L: Launcher<World = W>,
    {
        let text = std::fs::read_to_string(file).map_err(|source| ScenarioError::Read {
            file: file.display().to_string(),
            source,
        })?;
        Scenario::parse(file, &text, launcher).map_err(|reason| ScenarioError::Invalid {
            file: file.display().to_string(),
            reason,
        })
    }

    /// Parses a scenario's text, its world read by `launcher`; `file` names it and
    /// anchors relative paths.
    pub fn parse<L>(file: &Path, text: &str, launcher: &L) -> Result<Scenario<W>, String>
    where
        L: Launcher<World = W>,
    {
        let raw: RawScenario = toml::from_str(text).map_err(|e| e.to_string())?;
        let folder = file.parent().unwrap_or(Path::new(""));
        let world = match raw.world {
            None => launcher.default_world(),
            Some(toml::Value::String(path)) => {
                let path = folder.join(path);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("`world`: {}: {e}", path.display()))?;
                launcher
                    .world_from_text(&text)
                    .map_err(|e| format!("`world`: {}: {e}", path.display()))?
            }
            Some(table @ toml::Value::Table(_)) => launcher
                .world_from_table(table)
                .map_err(|e| format!("`world`: {e}"))?,
            Some(_) => return Err("`world`: give a fixture file's path or a table".into()),
        };
        let accounts = launcher.accounts(&world);
        let account = match raw.account {
            Some(account) if accounts.iter().any(|a| a.uin == account) => account,
            Some(account) => {
                return Err(format!(
                    "`account`: {account} is not a framework account of the world"
                ))
            }
            None => accounts
                .iter()
                .find(|a| a.online)
                .map(|a| a.uin)
                .ok_or("`account`: the world has no online framework account")?,
        };
        let steps = raw
            .step
            .into_iter()
            .enumerate()
            .map(|(index, value)| Step::parse(index + 1, value, folder))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(url) = &raw.onebot_reverse_url {
            if !url.starts_with("ws://") {
                return Err(format!("`onebot_reverse_url`: `{url}` is not a ws:// URL"));
            }
        }
        let name = raw.name.unwrap_or_else(|| {
            file.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Ok(Scenario {
            file: file.to_path_buf(),
            name,
            world,
            account,
            bot: raw.bot,
            listen: raw.listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
            onebot: raw.onebot,
            onebot_reverse_url: raw.onebot_reverse_url,
            password: raw.password,
            token: raw.token,
            ready_timeout_ms: raw.ready_timeout_ms,
            steps,
        })
    }
}
