//! A recording turned into a scenario: people's messages become `say`, the bot's become
//! `expect = "message"` (see [`crate::text_match`] for exact text or not), a message the
//! bot left unanswered becomes `expect_silence`, joins, leaves, requests, mutes, kicks
//! and recalls become the steps `lizi test` has for them (`expect` ones when the bot did
//! them), and the world the conversation touched is written as it was when the
//! recording started.

use std::collections::{BTreeMap, BTreeSet};

use lizi_core::event::{kind, EventMsg};
use lizi_core::textcode::{self, Segment};
use lizi_core::Event;

use crate::recording::{touched, Observed, Recording};
use crate::steps::{
    Action, Expect, ExpectKind, ExpectSilence, FriendRequest, Invite, Join, JoinRequest, Kick,
    Leave, Mute, Recall, Say,
};
use crate::text_match::{text_match, TextMatch};
use crate::world::{self, WorldTable};

/// The least time `lizi test` gives the bot for one answer, in milliseconds.
pub const MIN_WITHIN_MS: u64 = 1000;
/// The longest silence a recording expects after an unanswered message, in milliseconds.
pub const MAX_SILENCE_MS: u64 = 1000;
/// A silence shorter than this before the next step is not expected (it means nothing).
const MIN_SILENCE_MS: u64 = 100;

/// One step of the scenario, with a comment saying what was seen.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenStep {
    /// The step.
    pub action: Action,
    /// When it happened in the recording, in milliseconds from its start.
    pub at_ms: u64,
    /// What the file says about it (`the bot answered after 45 ms`).
    pub comment: Option<String>,
}

/// A scenario made from a recording, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedScenario {
    /// Lines of the file's head comment.
    pub notes: Vec<String>,
    /// The scenario's name.
    pub name: String,
    /// The bot's account.
    pub account: u64,
    /// Serve the OneBot face.
    pub onebot: bool,
    /// The OneBot reverse WebSocket URL, `{port}` for the bot's port.
    pub onebot_reverse_url: Option<String>,
    /// The world at start.
    pub world: WorldTable,
    /// The steps.
    pub steps: Vec<WrittenStep>,
}

/// A conversation the bot takes part in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Conv {
    Group(u64),
    Private(u64),
}

/// The scenario of `recording` (already anonymised if it had to be), named `name`.
pub fn scenario(recording: &Recording, name: &str) -> RecordedScenario {
    let mut builder = Builder::new(recording);
    for (index, seen) in recording.observed.iter().enumerate() {
        if seen.event.logon() == recording.account {
            builder.step(index, seen);
        }
    }
    builder.finish(recording.stopped_ms);
    let mut notes = builder.notes;
    let world = world::at_start(recording, &builder.people_joined);
    let onebot_reverse_url = recording
        .faces
        .onebot_reverse_url
        .as_deref()
        .map(world::with_port_placeholder);
    let mut left_out: Vec<String> = builder
        .left_out
        .iter()
        .map(|(what, count)| match count {
            1 => what.clone(),
            n => format!("{what} ×{n}"),
        })
        .collect();
    left_out.sort();
    if !left_out.is_empty() {
        notes.push(format!(
            "Left out (lizi test has no step for them): {}.",
            left_out.join(", ")
        ));
    }
    RecordedScenario {
        notes,
        name: name.to_owned(),
        account: recording.account,
        onebot: recording.faces.onebot,
        onebot_reverse_url,
        world,
        steps: builder.steps,
    }
}

/// Builds the steps, event after event.
struct Builder<'r> {
    recording: &'r Recording,
    account: u64,
    /// QQ and group numbers of the recording: never taken for changing numbers.
    known: BTreeSet<u64>,
    steps: Vec<WrittenStep>,
    /// When the last step that was not an expectation happened.
    last_action_ms: Option<u64>,
    /// Conversations whose last message from a person the bot has not answered yet, with
    /// when it was said.
    unanswered: BTreeMap<Conv, u64>,
    /// Events already turned into a step with an earlier one.
    consumed: BTreeSet<usize>,
    /// Requests the bot accepted: (user, group or 0).
    accepted_by_bot: BTreeSet<(u64, u64)>,
    /// People who joined a group while recording: (user, group).
    people_joined: BTreeSet<(u64, u64)>,
    /// What was left out, by kind, with a count.
    left_out: BTreeMap<String, usize>,
    notes: Vec<String>,
    media_left_out: bool,
}

impl<'r> Builder<'r> {
    fn new(recording: &'r Recording) -> Builder<'r> {
        let touched = touched(recording.account, &recording.observed);
        let mut known: BTreeSet<u64> = touched.people.union(&touched.groups).copied().collect();
        known.insert(recording.account);
        Builder {
            recording,
            account: recording.account,
            known,
            steps: Vec::new(),
            last_action_ms: None,
            unanswered: BTreeMap::new(),
            consumed: BTreeSet::new(),
            accepted_by_bot: BTreeSet::new(),
            people_joined: BTreeSet::new(),
            left_out: BTreeMap::new(),
            notes: Vec::new(),
            media_left_out: false,
        }
    }

    fn leave_out(&mut self, what: impl Into<String>) {
        *self.left_out.entry(what.into()).or_default() += 1;
    }

    /// A step a person (or the clock) takes: first the silences it ends.
    fn act(&mut self, at_ms: u64, action: Action, comment: Option<String>) {
        self.silences_until(at_ms);
        self.last_action_ms = Some(at_ms);
        self.steps.push(WrittenStep {
            action,
            at_ms,
            comment,
        });
    }

    /// The bot is expected to do something it did at `at_ms`.
    fn expect(&mut self, at_ms: u64, mut expect: Expect, what: &str) {
        let latency = self.last_action_ms.map(|last| at_ms.saturating_sub(last));
        expect.within_ms = within_ms(latency);
        let comment = latency.map(|ms| format!("the bot {what} after {ms} ms"));
        self.steps.push(WrittenStep {
            action: Action::Expect(expect),
            at_ms,
            comment,
        });
    }

    /// Every conversation still unanswered becomes `expect_silence` for as long as it
    /// stayed silent before `until_ms` (at most [`MAX_SILENCE_MS`]).
    fn silences_until(&mut self, until_ms: u64) {
        for (conv, said_at) in std::mem::take(&mut self.unanswered) {
            let silent = until_ms.saturating_sub(said_at);
            if silent < MIN_SILENCE_MS {
                continue;
            }
            let (group, to) = match conv {
                Conv::Group(group) => (Some(group), None),
                Conv::Private(peer) => (None, Some(peer)),
            };
            self.steps.push(WrittenStep {
                action: Action::ExpectSilence(ExpectSilence {
                    // Whole tenths of a second: the file reads better, and nothing is lost.
                    expect_silence: (silent.min(MAX_SILENCE_MS) / 100) * 100,
                    group,
                    to,
                }),
                at_ms: until_ms,
                comment: Some(format!("the bot said nothing there for {silent} ms")),
            });
        }
    }

    fn finish(&mut self, stopped_ms: u64) {
        self.silences_until(stopped_ms.max(self.last_action_ms.unwrap_or(0)));
        if self.media_left_out {
            self.notes.push(
                "Pictures, voices and files people sent were left out of their messages \
                 (record with keep_media to keep them, by hash only)."
                    .into(),
            );
        }
    }

    fn step(&mut self, index: usize, seen: &Observed) {
        if self.consumed.contains(&index) {
            return;
        }
        let at = seen.at_ms;
        match &seen.event {
            Event::GroupMsg(message) => {
                let conv = Conv::Group(message.from_group.gin);
                if message.from_qq.uin == self.account {
                    self.bot_said(at, conv, &message.msg.text);
                } else {
                    let say = Say {
                        group: Some(message.from_group.gin),
                        ..self.say(message.from_qq.uin, &message.msg.text)
                    };
                    self.person_said(at, conv, say);
                }
            }
            Event::PrivateMsg(message) => {
                let from = message.from_qq.uin;
                if from == self.account {
                    match seen.peer {
                        Some(peer) => self.bot_said(at, Conv::Private(peer), &message.msg.text),
                        None => self.leave_out(
                            "a private message of the bot whose receiver lizi could not tell",
                        ),
                    }
                    return;
                }
                let temp = message.from_group.gin != 0;
                let say = Say {
                    group: temp.then_some(message.from_group.gin),
                    temp,
                    ..self.say(from, &message.msg.text)
                };
                self.person_said(at, Conv::Private(from), say);
            }
            Event::EventMsg(event) => self.notice(index, at, event),
        }
    }

    /// A `say` of `from`: the text, a leading reply to the bot as `reply = true`, media
    /// kept only by hash.
    fn say(&mut self, from: u64, text: &str) -> Say {
        let mut reply = false;
        let mut segments = textcode::parse(text);
        if let Some(Segment::Code(code)) = segments.first() {
            if code.is("Reply") {
                reply = code
                    .get("SendQQID")
                    .and_then(|q| q.parse::<u64>().ok())
                    .is_some_and(|q| q == self.account);
                segments.remove(0);
            }
        }
        let before = segments.len();
        segments.retain(|segment| match segment {
            Segment::Code(code) if code.is("Reply") => false,
            Segment::Code(code) if is_media(&code.name) => code.get("hash").is_some(),
            _ => true,
        });
        if segments.len() != before {
            self.media_left_out = true;
        }
        Say {
            say: textcode::print(&segments),
            from,
            group: None,
            temp: false,
            picture: None,
            reply,
        }
    }

    fn person_said(&mut self, at: u64, conv: Conv, say: Say) {
        if say.say.is_empty() {
            self.leave_out("a message of only pictures or files");
            return;
        }
        self.act(at, Action::Say(say), None);
        self.unanswered.insert(conv, at);
    }

    fn bot_said(&mut self, at: u64, conv: Conv, text: &str) {
        self.unanswered.remove(&conv);
        let (group, to) = match conv {
            Conv::Group(group) => (Some(group), None),
            Conv::Private(peer) => (None, Some(peer)),
        };
        let mut expect = expectation(ExpectKind::Message, group, to, None);
        match text_match(text, &self.known) {
            TextMatch::Exact(text) => expect.text = Some(text),
            TextMatch::Contains(piece) => expect.contains = Some(piece),
            TextMatch::Pattern(pattern) => expect.pattern = Some(pattern),
        }
        self.expect(at, expect, "answered");
    }

    /// A notice: joins, leaves, requests, mutes, kicks and recalls.
    fn notice(&mut self, index: usize, at: u64, event: &EventMsg) {
        let user = event.from_qq.uin;
        let operator = event.operate_qq.uin;
        let group = event.from_group.gin;
        let by_bot = operator == self.account && user != self.account;
        let by = (operator != 0 && operator != user).then_some(operator);
        match event.msg.kind {
            kind::GROUP_RECALL if operator == self.account => {
                let mut expect = expectation(ExpectKind::Recall, Some(group), None, None);
                match text_match(&event.msg.text, &self.known) {
                    TextMatch::Exact(text) => expect.text = Some(text),
                    TextMatch::Contains(piece) => expect.contains = Some(piece),
                    TextMatch::Pattern(pattern) => expect.pattern = Some(pattern),
                }
                self.expect(at, expect, "recalled it");
            }
            kind::GROUP_RECALL if operator == user || operator == 0 => {
                let recall = Recall {
                    recall: user,
                    group: Some(group),
                    text: Some(event.msg.text.clone()).filter(|t| !t.is_empty()),
                };
                self.act(at, Action::Recall(recall), None);
            }
            kind::GROUP_RECALL => self.leave_out("a recall of another member's message"),
            kind::FRIEND_RECALL => {
                let recall = Recall {
                    recall: user,
                    group: None,
                    text: Some(event.msg.text.clone()).filter(|t| !t.is_empty()),
                };
                self.act(at, Action::Recall(recall), None);
            }
            kind::JOIN_REQUEST => self.join_request(index, at, event),
            kind::MEMBER_JOINED => {
                self.people_joined.insert((user, group));
                if self.accepted_by_bot.remove(&(user, group)) || by_bot {
                    let expect = expectation(ExpectKind::Accept, Some(group), None, Some(user));
                    self.expect(at, expect, "let them in");
                } else {
                    let join = Join {
                        join: user,
                        group,
                        by,
                    };
                    self.act(at, Action::Join(join), None);
                }
            }
            kind::MEMBER_LEFT => {
                let leave = Leave { leave: user, group };
                self.act(at, Action::Leave(leave), None);
            }
            kind::MEMBER_KICKED if by_bot => {
                let expect = expectation(ExpectKind::Kick, Some(group), None, Some(user));
                self.expect(at, expect, "removed them");
            }
            kind::MEMBER_KICKED => {
                let kick = Kick {
                    kick: user,
                    group,
                    by,
                };
                self.act(at, Action::Kick(kick), None);
            }
            kind::MEMBER_MUTED | kind::MEMBER_UNMUTED => {
                let seconds = match event.msg.kind {
                    kind::MEMBER_UNMUTED => 0,
                    _ => event.msg.text.trim().parse().unwrap_or(600),
                };
                if by_bot {
                    let (expected, what) = match seconds {
                        0 => (ExpectKind::Unmute, "unmuted them"),
                        _ => (ExpectKind::Mute, "muted them"),
                    };
                    let expect = expectation(expected, Some(group), None, Some(user));
                    self.expect(at, expect, what);
                } else {
                    let mute = Mute {
                        mute: user,
                        group,
                        seconds,
                        by,
                    };
                    self.act(at, Action::Mute(mute), None);
                }
            }
            kind::FRIEND_REQUEST => {
                let asked = FriendRequest {
                    friend_request: user,
                    text: event.msg.text.clone(),
                };
                self.act(at, Action::FriendRequest(asked), None);
                self.accepted_by_bot.insert((user, 0));
            }
            kind::NEW_FRIEND if self.accepted_by_bot.remove(&(user, 0)) => {
                let expect = expectation(ExpectKind::Accept, None, None, Some(user));
                self.expect(at, expect, "accepted them");
            }
            kind::INVITED => {
                let invite = Invite {
                    invite: operator.max(user),
                    group,
                };
                self.act(at, Action::Invite(invite), None);
                self.accepted_by_bot.insert((self.account, group));
            }
            other => self.leave_out(event_name(other)),
        }
    }

    /// A join request: `join_request` when the bot answered it (or nobody did), `join` by
    /// the person who let them in otherwise.
    fn join_request(&mut self, index: usize, at: u64, event: &EventMsg) {
        let user = event.from_qq.uin;
        let group = event.from_group.gin;
        let joined = self.recording.observed[index + 1..]
            .iter()
            .enumerate()
            .filter(|(_, seen)| seen.event.logon() == self.account)
            .find_map(|(offset, seen)| match &seen.event {
                Event::EventMsg(e)
                    if e.msg.kind == kind::MEMBER_JOINED
                        && e.from_qq.uin == user
                        && e.from_group.gin == group =>
                {
                    Some((index + 1 + offset, e.operate_qq.uin))
                }
                _ => None,
            });
        match joined {
            Some((join_index, operator)) if operator != self.account && operator != 0 => {
                self.consumed.insert(join_index);
                self.people_joined.insert((user, group));
                let join = Join {
                    join: user,
                    group,
                    by: Some(operator),
                };
                self.act(at, Action::Join(join), None);
            }
            joined => {
                if joined.is_some() {
                    self.accepted_by_bot.insert((user, group));
                }
                let asked = JoinRequest {
                    join_request: user,
                    group,
                    text: event.msg.text.clone(),
                };
                self.act(at, Action::JoinRequest(asked), None);
            }
        }
    }
}

/// An expectation of `kind` with nothing else said yet.
fn expectation(kind: ExpectKind, group: Option<u64>, to: Option<u64>, user: Option<u64>) -> Expect {
    Expect {
        expect: kind,
        group,
        to,
        user,
        text: None,
        pattern: None,
        contains: None,
        within_ms: MIN_WITHIN_MS,
    }
}

/// The time `lizi test` gives the bot: three times the latency seen, plus half a second,
/// rounded up to a tenth of a second, and at least [`MIN_WITHIN_MS`].
pub fn within_ms(latency: Option<u64>) -> u64 {
    let Some(latency) = latency else {
        return MIN_WITHIN_MS;
    };
    let margin = latency.saturating_mul(3).saturating_add(500);
    margin.div_ceil(100).saturating_mul(100).max(MIN_WITHIN_MS)
}

/// What a notice left out is called in the file.
fn event_name(event_kind: i64) -> String {
    let what = match event_kind {
        kind::GROUP_DISSOLVED => "a group dissolved",
        kind::ADMIN_REMOVED | kind::ADMIN_GRANTED => "an admin change",
        kind::WHOLE_MUTE_ON | kind::WHOLE_MUTE_OFF => "a whole-group mute",
        kind::MEMBER_INVITED => "a member invited in",
        kind::I_WAS_KICKED => "the bot removed from a group",
        kind::GROUP_RENAMED => "a group renamed",
        kind::CARD_CHANGED => "a card changed",
        kind::FRIEND_DELETED => "a friend deleted",
        kind::SIGNATURE_CHANGED => "a signature changed",
        kind::NICKNAME_CHANGED => "a nickname changed",
        kind::NEW_FRIEND => "a new friend without a request",
        kind::LIKED => "a profile liked",
        kind::INPUT_STATUS => "an input status",
        kind::LOGIN_OK => "a login",
        _ => return format!("event {event_kind}"),
    };
    format!("{what} (event {event_kind})")
}

/// Whether a text code carries media (pictures, voices, files, cards).
fn is_media(name: &str) -> bool {
    !["Face", "bigFace", "smallFace", "Shake", "Reply"]
        .iter()
        .any(|plain| plain.eq_ignore_ascii_case(name))
}
