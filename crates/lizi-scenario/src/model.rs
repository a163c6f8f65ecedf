//! The scenario file (TOML): its settings, its world and its steps, read with errors that
//! name the file, the step and the field.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::launcher::Launcher;

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

fn default_within() -> u64 {
    1000
}

/// One step of a scenario, with its number (from 1).
#[derive(Debug, Clone)]
pub struct Step {
    /// Its place in the file, from 1.
    pub number: usize,
    /// What it does.
    pub action: Action,
}

/// What a step does.
#[derive(Debug, Clone)]
pub enum Action {
    /// A person says something.
    Say(Say),
    /// A person joins a group (asks, and an owner or admin lets them in).
    Join(Join),
    /// A person leaves a group.
    Leave(Leave),
    /// An owner or admin removes a member.
    Kick(Kick),
    /// An owner or admin mutes a member.
    Mute(Mute),
    /// A person asks the account to be friends.
    FriendRequest(FriendRequest),
    /// A person asks to join a group.
    JoinRequest(JoinRequest),
    /// A person invites the account into a group.
    Invite(Invite),
    /// The simulated clock moves forward.
    Advance(Advance),
    /// The runner waits.
    Wait(Wait),
    /// The bot does something within a time.
    Expect(Expect),
    /// The bot says nothing for a while.
    ExpectSilence(ExpectSilence),
    /// The world is in a given state now.
    ExpectWorld(ExpectWorld),
}

/// `say = "text"`: `from` says it in `group`, privately to the account (no `group`), or in
/// a temporary session through `group` (`temp = true`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Say {
    /// The text, text codes allowed.
    pub say: String,
    /// Who says it.
    pub from: u64,
    /// The group.
    pub group: Option<u64>,
    /// A temporary session through `group`.
    #[serde(default)]
    pub temp: bool,
    /// A picture file (relative to the scenario file) sent after the text.
    pub picture: Option<PathBuf>,
    /// The text replies to the bot's last message in the conversation.
    #[serde(default)]
    pub reply: bool,
}

/// `join = USER`: `user` asks to join `group` and `by` (default: the owner) lets them in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// Who joins.
    pub join: u64,
    /// The group.
    pub group: u64,
    /// The owner or admin who lets them in.
    pub by: Option<u64>,
}

/// `leave = USER`: `user` leaves `group`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// Who leaves.
    pub leave: u64,
    /// The group.
    pub group: u64,
}

/// `kick = USER`: `by` (default: the owner) removes `user` from `group`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kick {
    /// Who is removed.
    pub kick: u64,
    /// The group.
    pub group: u64,
    /// The owner or admin who removes them.
    pub by: Option<u64>,
}

/// `mute = USER`: `by` (default: the owner) mutes `user` in `group` for `seconds`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mute {
    /// Who is muted.
    pub mute: u64,
    /// The group.
    pub group: u64,
    /// How long (0 unmutes).
    #[serde(default = "default_mute_seconds")]
    pub seconds: u32,
    /// The owner or admin who mutes.
    pub by: Option<u64>,
}

fn default_mute_seconds() -> u32 {
    600
}

/// `friend_request = USER`: `user` asks the account to be friends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FriendRequest {
    /// Who asks.
    pub friend_request: u64,
    /// The request's message.
    #[serde(default)]
    pub text: String,
}

/// `join_request = USER`: `user` asks to join `group`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// Who asks.
    pub join_request: u64,
    /// The group.
    pub group: u64,
    /// The request's message.
    #[serde(default)]
    pub text: String,
}

/// `invite = USER`: `user` invites the account into `group`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// Who invites.
    pub invite: u64,
    /// The group.
    pub group: u64,
}

/// `advance = SECONDS`: the simulated clock moves forward.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Seconds.
    pub advance: u32,
}

/// `wait = MS`: the runner waits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// Milliseconds.
    pub wait: u64,
}

/// What the bot is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectKind {
    /// Say something in a conversation.
    Message,
    /// Recall a message in a conversation.
    Recall,
    /// Remove `user` from `group`.
    Kick,
    /// Mute `user` in `group`.
    Mute,
    /// Accept a request: `user` becomes a friend, or (with `group`) a member.
    Accept,
}

/// `expect = KIND`: the bot does it within `within_ms`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// What the bot does.
    pub expect: ExpectKind,
    /// The group (a group conversation, or the group of `user`).
    pub group: Option<u64>,
    /// The private conversation's peer, or the person acted on.
    pub to: Option<u64>,
    /// The person acted on (kick, mute, accept).
    pub user: Option<u64>,
    /// The exact text.
    pub text: Option<String>,
    /// A regular expression the text matches.
    pub pattern: Option<String>,
    /// A piece the text contains (a text code such as `[pic` or `[@20001]` too).
    pub contains: Option<String>,
    /// How long the bot has.
    #[serde(default = "default_within")]
    pub within_ms: u64,
}

/// `expect_silence = MS`: the bot says nothing in the conversation (`group`, `to`, else the
/// one of the last `say`) for that long.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSilence {
    /// Milliseconds.
    pub expect_silence: u64,
    /// The group.
    pub group: Option<u64>,
    /// The private conversation's peer.
    pub to: Option<u64>,
}

/// A state of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorldState {
    /// `user` is a member of `group`.
    Member,
    /// `user` is not a member of `group`.
    NotMember,
    /// `user` is muted in `group`.
    Muted,
    /// `user` is not muted in `group`.
    NotMuted,
    /// `user` is a friend of the account.
    Friend,
    /// `user` is not a friend of the account.
    NotFriend,
}

/// `expect_world = STATE`: the world is so now.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectWorld {
    /// The state.
    pub expect_world: WorldState,
    /// Who.
    pub user: u64,
    /// The group (member and mute states).
    pub group: Option<u64>,
}

/// The key naming each kind of step, in the order they are looked for.
const STEP_KEYS: &[&str] = &[
    "say",
    "join",
    "leave",
    "kick",
    "mute",
    "friend_request",
    "join_request",
    "invite",
    "advance",
    "wait",
    "expect",
    "expect_silence",
    "expect_world",
];

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

impl Step {
    /// Reads step `number` from its table.
    fn parse(number: usize, value: toml::Value, folder: &Path) -> Result<Step, String> {
        let toml::Value::Table(table) = &value else {
            return Err(format!("step {number}: a step is a table (`[[step]]`)"));
        };
        let keys: Vec<&str> = STEP_KEYS
            .iter()
            .copied()
            .filter(|key| table.contains_key(*key))
            .collect();
        let key = match keys.as_slice() {
            [key] => *key,
            [] => {
                return Err(format!(
                    "step {number}: no action; give one of {}",
                    STEP_KEYS.join(", ")
                ))
            }
            many => {
                return Err(format!(
                    "step {number}: give one action per step, not {}",
                    many.join(" and ")
                ))
            }
        };
        fn read<T: DeserializeOwned>(
            number: usize,
            key: &str,
            value: toml::Value,
        ) -> Result<T, String> {
            value
                .try_into()
                .map_err(|e: toml::de::Error| format!("step {number} (`{key}`): {}", e.message()))
        }
        let action = match key {
            "say" => {
                let mut say: Say = read(number, key, value)?;
                say.picture = say.picture.map(|path| folder.join(path));
                if say.temp && say.group.is_none() {
                    return Err(format!(
                        "step {number} (`say`): `temp` needs the `group` of the session"
                    ));
                }
                Action::Say(say)
            }
            "join" => Action::Join(read(number, key, value)?),
            "leave" => Action::Leave(read(number, key, value)?),
            "kick" => Action::Kick(read(number, key, value)?),
            "mute" => Action::Mute(read(number, key, value)?),
            "friend_request" => Action::FriendRequest(read(number, key, value)?),
            "join_request" => Action::JoinRequest(read(number, key, value)?),
            "invite" => Action::Invite(read(number, key, value)?),
            "advance" => Action::Advance(read(number, key, value)?),
            "wait" => Action::Wait(read(number, key, value)?),
            "expect" => Action::Expect(check_expect(number, read(number, key, value)?)?),
            "expect_silence" => Action::ExpectSilence(read(number, key, value)?),
            _ => {
                let world: ExpectWorld = read(number, key, value)?;
                let needs_group = !matches!(
                    world.expect_world,
                    WorldState::Friend | WorldState::NotFriend
                );
                if needs_group && world.group.is_none() {
                    return Err(format!(
                        "step {number} (`expect_world`): missing field `group`"
                    ));
                }
                Action::ExpectWorld(world)
            }
        };
        Ok(Step { number, action })
    }
}

/// Checks that an expectation names what it needs.
fn check_expect(number: usize, expect: Expect) -> Result<Expect, String> {
    let fail = |what: &str| Err(format!("step {number} (`expect`): {what}"));
    if let Some(pattern) = &expect.pattern {
        if let Err(error) = regex::Regex::new(pattern) {
            return fail(&format!("`pattern`: {error}"));
        }
    }
    match expect.expect {
        ExpectKind::Message | ExpectKind::Recall => {
            if expect.group.is_none() == expect.to.is_none() {
                return fail("give the conversation: `group` or `to`");
            }
        }
        ExpectKind::Kick | ExpectKind::Mute => {
            if expect.user.is_none() || expect.group.is_none() {
                return fail("give `user` and `group`");
            }
        }
        ExpectKind::Accept => {
            if expect.user.is_none() {
                return fail("missing field `user`");
            }
        }
    }
    Ok(expect)
}
