//! Sending messages: the network's rules, the stored history and the events.
//!
//! Every event goes once to each **online** framework account that sees the message, with
//! `LogonQQ` = that account — the sender included when it is a framework account (bots see
//! their own messages, docs/xlz-api.md#sessions-and-the-event-buffer).
//!
//! `Req` counts per conversation: per group for group messages, per unordered pair of QQ
//! numbers for private messages. Temporary-session messages share the pair's conversation
//! with friend messages (as QQ's C2C sequence does), so `/deleteprivatemsg`, which names
//! no group, can find them. `Seq` counts over all messages of the network.

use lizi_core::event::{
    group_kind, private_kind, GroupId, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender,
    PrivateMsg, PrivateMsgBody, TimeStamp, UserRef,
};
use lizi_core::{Event, Gin, Receipt, Uin};

use crate::error::SimError;
use crate::world::{ConvKey, Conversation, MessageCounts, StoredMessage, World};

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A friend.
    Private(Uin),
    /// A group.
    Group(Gin),
    /// A member of a group, through that group (temporary session).
    Temp {
        /// The group.
        gin: Gin,
        /// The receiver.
        to: Uin,
    },
}

impl Target {
    /// The target a control action names: `to` (private), `group`, or `to` through `group`
    /// (temporary session); `None` when it names neither.
    pub fn of(to: Option<Uin>, group: Option<Gin>) -> Option<Target> {
        match (to, group) {
            (Some(to), None) => Some(Target::Private(to)),
            (None, Some(gin)) => Some(Target::Group(gin)),
            (Some(to), Some(gin)) => Some(Target::Temp { gin, to }),
            (None, None) => None,
        }
    }

    /// The conversation a message from `from` to this target belongs to.
    pub fn conversation(self, from: Uin) -> ConvKey {
        match self {
            Target::Group(gin) => ConvKey::Group(gin),
            Target::Private(to) | Target::Temp { to, .. } => ConvKey::private(from, to),
        }
    }
}

/// Whether a friend message is a voice message (it carries an `[Audio,…]` code).
fn is_voice(text: &str) -> bool {
    lizi_core::textcode::parse(text)
        .iter()
        .any(|s| matches!(s, lizi_core::textcode::Segment::Code(code) if code.is("Audio")))
}

/// A random positive 31-bit number (a message's `Random`).
pub fn random_id() -> i64 {
    fastrand::i64(1..=0x7FFF_FFFF)
}

impl World {
    /// `from` sends `text` to `target` at `time`. Checks every rule before it changes
    /// anything: on error the world is as it was and there are no events.
    ///
    /// `from` must be a user or an online framework account; whether `from` may be a plain
    /// user (the control API) or must be a framework account (the HTTP API) is the
    /// caller's check.
    ///
    /// The text is stored, and shown in events, in its canonical form (docs/xlz-api.md#text-codes): a
    /// literal `\`, `[` or `]`, raw or escaped, becomes `\u005c`, `\u005b`, `\u005d`.
    pub fn send(
        &mut self,
        from: Uin,
        target: Target,
        text: &str,
        time: i64,
        random: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        self.limits.check(text)?;
        let text = &*lizi_core::textcode::canonical(text);
        self.active_person(from)?;
        match target {
            Target::Private(to) => {
                self.person(to)?;
                self.ensure_friends(from, to)?;
            }
            Target::Group(gin) => {
                self.group(gin)?.member(from)?;
            }
            Target::Temp { gin, to } => {
                let group = self.group(gin)?;
                group.member(from)?;
                self.person(to)?;
                group.member(to)?;
            }
        }
        self.check_group_rules(from, target, text, time)?;

        let seq = {
            let counters = self.counters_mut();
            counters.last_seq += 1;
            counters.last_seq
        };
        let (group, to) = match target {
            Target::Private(to) => (None, Some(to)),
            Target::Group(gin) => (Some(gin), None),
            Target::Temp { gin, to } => (Some(gin), Some(to)),
        };
        let conv = target.conversation(from);
        let req = {
            let chat = self
                .conversations
                .get_or_insert_with(conv, Conversation::default);
            chat.last_req += 1;
            chat.last_req
        };
        self.put_message(
            conv,
            StoredMessage {
                req,
                random,
                seq,
                time,
                from,
                to,
                group,
                text: text.to_owned(),
                recalled: false,
            },
        );
        let receipt = Receipt { req, random, time };

        let events = match target {
            Target::Group(gin) => self.group_events(from, gin, receipt, text)?,
            Target::Private(to) => self.private_events(from, to, 0, receipt, seq, text),
            Target::Temp { gin, to } => self.private_events(from, to, gin, receipt, seq, text),
        };
        self.count(from, &events);
        Ok((receipt, events))
    }

    /// One `GroupMsg` per online framework account in the group; notes when `from` spoke.
    fn group_events(
        &mut self,
        from: Uin,
        gin: Gin,
        receipt: Receipt,
        text: &str,
    ) -> Result<Vec<Event>, SimError> {
        let nickname = self.nickname(from);
        let online = self.online_members(gin);
        let group = self.group(gin)?;
        let member = group.member(from)?;
        let sender = GroupSender {
            uin: from,
            card: if member.card.is_empty() {
                nickname
            } else {
                member.card.clone()
            },
            spec_title: member.spec_title.clone(),
            pos: member.shown_pos(),
        };
        let message = GroupMsg {
            from_qq: sender,
            logon_qq: 0,
            time_stamp: TimeStamp {
                recv: receipt.time,
                send: receipt.time,
            },
            from_group: GroupMsgGroup {
                gin,
                name: group.name.clone(),
            },
            msg: GroupMsgBody {
                req: receipt.req,
                random: receipt.random,
                sub_type: group_kind::ORDINARY,
                text: text.to_owned(),
                ..GroupMsgBody::default()
            },
            ..GroupMsg::default()
        };
        self.last_spoke.insert((gin, from), receipt.time);
        self.count_at_all(from, gin, text, receipt.time);
        Ok(online
            .into_iter()
            .map(|logon_qq| {
                Event::GroupMsg(GroupMsg {
                    logon_qq,
                    ..message.clone()
                })
            })
            .collect())
    }

    /// A `PrivateMsg` for the receiver and for the sender, each when it is an online
    /// framework account. `gin` 0 is a friend message, else a temporary session.
    fn private_events(
        &self,
        from: Uin,
        to: Uin,
        gin: Gin,
        receipt: Receipt,
        seq: i64,
        text: &str,
    ) -> Vec<Event> {
        let message = PrivateMsg {
            from_qq: UserRef {
                uin: from,
                nick_name: self.nickname(from),
            },
            logon_qq: 0,
            time_stamp: TimeStamp {
                recv: receipt.time,
                send: receipt.time,
            },
            from_group: GroupId { gin },
            msg: PrivateMsgBody {
                req: receipt.req,
                seq,
                kind: if gin != 0 {
                    private_kind::TEMPORARY
                } else if is_voice(text) {
                    private_kind::VOICE
                } else {
                    private_kind::FRIEND
                },
                text: text.to_owned(),
                ..PrivateMsgBody::default()
            },
            ..PrivateMsg::default()
        };
        // A receiver that ignores the sender (`/setfriendignmsg`) is not told.
        [to, from]
            .into_iter()
            .filter(|&uin| self.is_online_account(uin))
            .filter(|&uin| uin != to || !self.ignores(to, from))
            .map(|logon_qq| {
                Event::PrivateMsg(PrivateMsg {
                    logon_qq,
                    ..message.clone()
                })
            })
            .collect()
    }

    /// Counts a sent message for its sender and a received one for every other account
    /// that saw it.
    fn count(&mut self, from: Uin, events: &[Event]) {
        if self.account(from).is_ok() {
            self.message_counts
                .get_or_insert_with(from, MessageCounts::default)
                .sent += 1;
        }
        for event in events {
            let logon = event.logon();
            if logon != from && self.account(logon).is_ok() {
                self.message_counts
                    .get_or_insert_with(logon, MessageCounts::default)
                    .received += 1;
            }
        }
    }
}
