//! Checking expectations: what the bot said, recalled and changed, seen in lizi's history
//! and world views (never asked of the bot), polled until the time allowed runs out.

use std::time::Duration;

use tokio::time::Instant;

use super::client::{Conv, Message};
use super::model::{Expect, ExpectKind, ExpectSilence, ExpectWorld, WorldState};
use super::runner::{Failure, Run};

/// How often lizi is looked at while waiting.
const POLL: Duration = Duration::from_millis(20);

/// What a message must be: the text, a pattern, a piece.
struct Matcher<'a> {
    text: Option<&'a str>,
    pattern: Option<regex::Regex>,
    contains: Option<&'a str>,
}

impl<'a> Matcher<'a> {
    fn of(expect: &'a Expect) -> Matcher<'a> {
        Matcher {
            text: expect.text.as_deref(),
            // Checked when the scenario was read.
            pattern: expect
                .pattern
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok()),
            contains: expect.contains.as_deref(),
        }
    }

    fn matches(&self, text: &str) -> bool {
        self.text.is_none_or(|t| t == text)
            && self.pattern.as_ref().is_none_or(|p| p.is_match(text))
            && self.contains.is_none_or(|c| text.contains(c))
    }

    /// `"pong"`, `something matching /p.ng/`, …
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(text) = self.text {
            parts.push(format!("{text:?}"));
        }
        if let Some(pattern) = &self.pattern {
            parts.push(format!("something matching /{pattern}/"));
        }
        if let Some(piece) = self.contains {
            parts.push(format!("something containing {piece:?}"));
        }
        if parts.is_empty() {
            return "something".into();
        }
        parts.join(" and ")
    }
}

impl Run {
    /// `expect`: the bot does it within its time.
    pub(crate) async fn expect(&mut self, label: &str, expect: &Expect) -> Result<(), Failure> {
        let deadline = Instant::now() + Duration::from_millis(expect.within_ms);
        let within = format!("within {} ms", expect.within_ms);
        let matcher = Matcher::of(expect);
        let conv = match (expect.group, expect.to) {
            (_, Some(peer)) if expect.expect == ExpectKind::Message => Conv::Private(peer),
            (_, Some(peer)) if expect.expect == ExpectKind::Recall => Conv::Private(peer),
            (Some(group), _) => Conv::Group(group),
            (None, _) => self.last_conv.unwrap_or(Conv::Private(0)),
        };
        let state = match expect.expect {
            ExpectKind::Message | ExpectKind::Recall => None,
            ExpectKind::Kick => Some(WorldState::NotMember),
            ExpectKind::Mute => Some(WorldState::Muted),
            ExpectKind::Unmute => Some(WorldState::NotMuted),
            ExpectKind::Accept if expect.group.is_some() => Some(WorldState::Member),
            ExpectKind::Accept => Some(WorldState::Friend),
        };
        let user = expect.user.unwrap_or(0);
        loop {
            let seen = match state {
                Some(state) => self.world_state(state, user, expect.group).await,
                None => self.messages_seen(expect.expect, conv, &matcher).await,
            };
            let seen = seen.map_err(|e| Failure::new(format!("{label}: {e}")))?;
            let Err(actual) = seen else {
                return Ok(());
            };
            if Instant::now() >= deadline {
                let wanted = match (expect.expect, expect.group) {
                    (ExpectKind::Message, _) => {
                        format!("the bot says {} in {conv} {within}", matcher.describe())
                    }
                    (ExpectKind::Recall, _) => {
                        let what = match matcher.describe().as_str() {
                            "something" => "a message".to_owned(),
                            described => format!("a message ({described})"),
                        };
                        format!("the bot recalls {what} in {conv} {within}")
                    }
                    (ExpectKind::Kick, Some(group)) => {
                        format!(
                            "the bot removes {} from group {group} {within}",
                            self.who(user)
                        )
                    }
                    (ExpectKind::Mute, Some(group)) => {
                        format!("the bot mutes {} in group {group} {within}", self.who(user))
                    }
                    (ExpectKind::Unmute, Some(group)) => {
                        format!(
                            "the bot unmutes {} in group {group} {within}",
                            self.who(user)
                        )
                    }
                    (ExpectKind::Accept, Some(group)) => {
                        format!(
                            "the bot lets {} into group {group} {within}",
                            self.who(user)
                        )
                    }
                    (_, _) => format!("the bot accepts {} as a friend {within}", self.who(user)),
                };
                let transcript_of = match state {
                    None => Some(conv),
                    Some(_) => self.last_conv.or(expect.group.map(Conv::Group)),
                };
                return Err(self.failed(label, wanted, actual, transcript_of).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether the bot's messages (or the recalls) of `conv` hold one that matches; when
    /// one does, it is used up. `Err` tells what was seen instead.
    async fn messages_seen(
        &mut self,
        kind: ExpectKind,
        conv: Conv,
        matcher: &Matcher<'_>,
    ) -> Result<Result<(), String>, String> {
        let messages = self.lizi.history(conv).await?;
        if kind == ExpectKind::Recall {
            let recalled = messages
                .iter()
                .filter(|m| m.recalled && !self.recalls_seen.contains(&m.seq))
                .find(|m| matcher.matches(&m.text));
            return Ok(match recalled {
                Some(message) => {
                    self.recalls_seen.insert(message.seq);
                    Ok(())
                }
                None => Err(format!("no message of {conv} was recalled")),
            });
        }
        let new = self.new_from_bot(conv, &messages);
        if let Some(found) = new.iter().find(|m| matcher.matches(&m.text)) {
            self.consumed.insert(conv, found.seq);
            return Ok(Ok(()));
        }
        Ok(Err(said(conv, &new)))
    }

    /// The bot's messages in `conv` after the last one an expectation used.
    fn new_from_bot<'m>(&self, conv: Conv, messages: &'m [Message]) -> Vec<&'m Message> {
        let after = self.consumed.get(&conv).copied().unwrap_or(0);
        messages
            .iter()
            .filter(|m| m.from == self.account && m.seq > after)
            .collect()
    }

    /// `expect_silence`: the bot says nothing new in the conversation for that long.
    pub(crate) async fn expect_silence(
        &mut self,
        label: &str,
        silence: &ExpectSilence,
    ) -> Result<(), Failure> {
        let conv = match (silence.group, silence.to) {
            (Some(group), _) => Some(Conv::Group(group)),
            (None, Some(peer)) => Some(Conv::Private(peer)),
            (None, None) => self.last_conv,
        };
        let Some(conv) = conv else {
            return Err(Failure::new(format!(
                "{label}: no conversation to watch: give `group` or `to` (no `say` came before)"
            )));
        };
        tokio::time::sleep(Duration::from_millis(silence.expect_silence)).await;
        let messages = self
            .lizi
            .history(conv)
            .await
            .map_err(|e| Failure::new(format!("{label}: {e}")))?;
        let new = self.new_from_bot(conv, &messages);
        if let Some(last) = new.last() {
            let seq = last.seq;
            let actual = said(conv, &new);
            self.consumed.insert(conv, seq);
            let wanted = format!(
                "the bot says nothing in {conv} for {} ms",
                silence.expect_silence
            );
            return Err(self.failed(label, wanted, actual, Some(conv)).await);
        }
        Ok(())
    }

    /// `expect_world`: the world is so now.
    pub(crate) async fn expect_world(
        &mut self,
        label: &str,
        world: &ExpectWorld,
    ) -> Result<(), Failure> {
        let seen = self
            .world_state(world.expect_world, world.user, world.group)
            .await
            .map_err(|e| Failure::new(format!("{label}: {e}")))?;
        match seen {
            Ok(()) => Ok(()),
            Err(actual) => {
                let wanted = self.describe_state(world.expect_world, world.user, world.group);
                let conv = self.last_conv;
                Err(self.failed(label, wanted, actual, conv).await)
            }
        }
    }

    /// Whether `state` holds for `user` (in `group`); `Err` tells how things are instead.
    async fn world_state(
        &self,
        state: WorldState,
        user: u64,
        group: Option<u64>,
    ) -> Result<Result<(), String>, String> {
        let who = self.who(user);
        if let WorldState::Friend | WorldState::NotFriend = state {
            let world = self.lizi.view("world").await?;
            let pair = [user.min(self.account), user.max(self.account)];
            let friends = world["friendships"]
                .as_array()
                .is_some_and(|all| all.iter().any(|f| *f == serde_json::json!(pair)));
            let bot = self.who(self.account);
            return Ok(match (state, friends) {
                (WorldState::Friend, false) => Err(format!("{who} is not a friend of {bot}")),
                (WorldState::NotFriend, true) => Err(format!("{who} is still a friend of {bot}")),
                _ => Ok(()),
            });
        }
        let group = group.unwrap_or(0);
        let view = self.lizi.view(&format!("group?gin={group}")).await?;
        let member = view["members"]
            .as_array()
            .and_then(|members| members.iter().find(|m| m["uin"] == user));
        let mute_left = member.and_then(|m| m["mute_left"].as_i64()).unwrap_or(0);
        let held = match state {
            WorldState::Member if member.is_none() => {
                Err(format!("{who} is not a member of group {group}"))
            }
            WorldState::NotMember if member.is_some() => {
                Err(format!("{who} is still a member of group {group}"))
            }
            WorldState::Muted if member.is_none() => {
                Err(format!("{who} is not a member of group {group}"))
            }
            WorldState::Muted if mute_left <= 0 => {
                Err(format!("{who} is not muted in group {group}"))
            }
            WorldState::NotMuted if mute_left > 0 => Err(format!(
                "{who} is muted in group {group} for another {mute_left} seconds"
            )),
            _ => Ok(()),
        };
        Ok(held)
    }

    fn describe_state(&self, state: WorldState, user: u64, group: Option<u64>) -> String {
        let who = self.who(user);
        let group = group.unwrap_or(0);
        let bot = self.who(self.account);
        match state {
            WorldState::Member => format!("{who} is a member of group {group}"),
            WorldState::NotMember => format!("{who} is not a member of group {group}"),
            WorldState::Muted => format!("{who} is muted in group {group}"),
            WorldState::NotMuted => format!("{who} is not muted in group {group}"),
            WorldState::Friend => format!("{who} is a friend of {bot}"),
            WorldState::NotFriend => format!("{who} is not a friend of {bot}"),
        }
    }

    /// A failed expectation, with the conversation's last messages.
    async fn failed(
        &self,
        label: &str,
        wanted: String,
        actual: String,
        conv: Option<Conv>,
    ) -> Failure {
        let mut failure = Failure::new(format!("{label}: expected: {wanted}"));
        failure.details.push(format!("what happened: {actual}"));
        if let Some(conv) = conv {
            if let Ok(messages) = self.lizi.history(conv).await {
                failure.transcript = Some((conv.to_string(), self.transcript(&messages)));
            }
        }
        failure
    }
}

/// What the bot said (`new`) in `conv`, for a report.
fn said(conv: Conv, new: &[&Message]) -> String {
    if new.is_empty() {
        return format!("the bot said nothing in {conv}");
    }
    let quoted: Vec<String> = new.iter().map(|m| format!("{:?}", m.text)).collect();
    format!("the bot said {} in {conv}", quoted.join(", then "))
}
