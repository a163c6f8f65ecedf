//! The steps of a scenario file: what people do, how the clock moves, what the bot is
//! expected to do. Read by `lizi test` (each step a `[[step]]` table named by its first
//! key, with errors naming the step and the field) and written by the recorder, from the
//! same types.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

fn default_within() -> u64 {
    1000
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One step of a scenario, with its number (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its place in the file, from 1.
    pub number: usize,
    /// What it does.
    pub action: Action,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A person says something.
    Say(Say),
    /// A person joins a group (asks, and an owner or admin lets them in).
    Join(Join),
    /// A person leaves a group.
    Leave(Leave),
    /// A person recalls one of their messages.
    Recall(Recall),
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

impl Action {
    /// The key that names the step in a file (`say`, `expect`, …).
    pub fn key(&self) -> &'static str {
        match self {
            Action::Say(_) => "say",
            Action::Join(_) => "join",
            Action::Leave(_) => "leave",
            Action::Recall(_) => "recall",
            Action::Kick(_) => "kick",
            Action::Mute(_) => "mute",
            Action::FriendRequest(_) => "friend_request",
            Action::JoinRequest(_) => "join_request",
            Action::Invite(_) => "invite",
            Action::Advance(_) => "advance",
            Action::Wait(_) => "wait",
            Action::Expect(_) => "expect",
            Action::ExpectSilence(_) => "expect_silence",
            Action::ExpectWorld(_) => "expect_world",
        }
    }
}

/// `say = "text"`: `from` says it in `group`, privately to the account (no `group`), or in
/// a temporary session through `group` (`temp = true`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Say {
    /// The text, text codes allowed.
    pub say: String,
    /// Who says it.
    pub from: u64,
    /// The group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
    /// A temporary session through `group`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub temp: bool,
    /// A picture file (relative to the scenario file) sent after the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<PathBuf>,
    /// The text replies to the bot's last message in the conversation.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reply: bool,
}

/// `join = USER`: `user` asks to join `group` and `by` (default: the owner) lets them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    /// Who joins.
    pub join: u64,
    /// The group.
    pub group: u64,
    /// The owner or admin who lets them in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<u64>,
}

/// `leave = USER`: `user` leaves `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// Who leaves.
    pub leave: u64,
    /// The group.
    pub group: u64,
}

/// `recall = USER`: `user` recalls their last message (with `text`, the last one with that
/// text) in `group`, or in their private chat with the account (no `group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    /// Who recalls.
    pub recall: u64,
    /// The group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
    /// The text of the message recalled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `kick = USER`: `by` (default: the owner) removes `user` from `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kick {
    /// Who is removed.
    pub kick: u64,
    /// The group.
    pub group: u64,
    /// The owner or admin who removes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<u64>,
}

/// `mute = USER`: `by` (default: the owner) mutes `user` in `group` for `seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<u64>,
}

fn default_mute_seconds() -> u32 {
    600
}

/// `friend_request = USER`: `user` asks the account to be friends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FriendRequest {
    /// Who asks.
    pub friend_request: u64,
    /// The request's message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// `join_request = USER`: `user` asks to join `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// Who asks.
    pub join_request: u64,
    /// The group.
    pub group: u64,
    /// The request's message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// `invite = USER`: `user` invites the account into `group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    /// Who invites.
    pub invite: u64,
    /// The group.
    pub group: u64,
}

/// `advance = SECONDS`: the simulated clock moves forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Seconds.
    pub advance: u32,
}

/// `wait = MS`: the runner waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// Milliseconds.
    pub wait: u64,
}

/// What the bot is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Unmute `user` in `group`.
    Unmute,
    /// Accept a request: `user` becomes a friend, or (with `group`) a member.
    Accept,
}

/// `expect = KIND`: the bot does it within `within_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// What the bot does.
    pub expect: ExpectKind,
    /// The group (a group conversation, or the group of `user`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
    /// The private conversation's peer, or the person acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
    /// The person acted on (kick, mute, unmute, accept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<u64>,
    /// The exact text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A regular expression the text matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A piece the text contains (a text code such as `[pic` or `[@20001]` too).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    /// How long the bot has.
    #[serde(default = "default_within")]
    pub within_ms: u64,
}

/// `expect_silence = MS`: the bot says nothing in the conversation (`group`, `to`, else the
/// one of the last `say`) for that long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectSilence {
    /// Milliseconds.
    pub expect_silence: u64,
    /// The group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
    /// The private conversation's peer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<u64>,
}

/// A state of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectWorld {
    /// The state.
    pub expect_world: WorldState,
    /// Who.
    pub user: u64,
    /// The group (member and mute states).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<u64>,
}

/// The key naming each kind of step, in the order they are looked for.
const STEP_KEYS: &[&str] = &[
    "say",
    "join",
    "leave",
    "recall",
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

impl Step {
    /// Reads step `number` from its table; a `picture` is found relative to `folder`.
    pub fn parse(number: usize, value: toml::Value, folder: &Path) -> Result<Step, String> {
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
            "recall" => Action::Recall(read(number, key, value)?),
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
        ExpectKind::Kick | ExpectKind::Mute | ExpectKind::Unmute => {
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
