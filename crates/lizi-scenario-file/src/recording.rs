//! What a recording holds when it stops: the events one framework account saw, each with
//! the moment it was seen, and the part of the world the conversation touched as it was
//! when the recording stopped. The server collects it; [`crate::scenario`] turns it into a
//! scenario file.

use std::collections::BTreeSet;

use lizi_core::event::kind;
use lizi_core::Event;

/// One event, as the recorded account saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// When it was seen, in milliseconds from the start of the recording.
    pub at_ms: u64,
    /// The event.
    pub event: Event,
    /// For the account's own private message: the person it went to (the event does not
    /// say), when the server knows it.
    pub peer: Option<u64>,
}

/// A member of a group as the world showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSeen {
    /// QQ number.
    pub uin: u64,
    /// Nickname.
    pub nickname: String,
    /// Group card (empty when none).
    pub card: String,
}

/// A group the conversation touched, as it was when the recording stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSeen {
    /// Group number.
    pub gin: u64,
    /// Name.
    pub name: String,
    /// Owner.
    pub owner: u64,
    /// Admins (not the owner).
    pub admins: Vec<u64>,
    /// Every member (the owner and admins too).
    pub members: Vec<MemberSeen>,
}

/// The part of the world a recording touched, as it was when it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorldSeen {
    /// The recorded account's nickname.
    pub account_nickname: String,
    /// The groups the conversation touched.
    pub groups: Vec<GroupSeen>,
    /// The account's friends among the people the conversation touched, with nicknames.
    pub friends: Vec<(u64, String)>,
}

/// How the bot under test reaches lizi, as far as lizi can tell: written into the file so
/// that `lizi test` serves the same faces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotFaces {
    /// The OneBot face's HTTP API and forward WebSocket were served.
    pub onebot: bool,
    /// The OneBot reverse WebSocket URL lizi dialled, if any.
    pub onebot_reverse_url: Option<String>,
}

/// What the person who recorded asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordOptions {
    /// Replace every real QQ number, group number, nickname and card by a fixture (the
    /// default for real accounts, on the bridge).
    pub anonymise: bool,
    /// Keep pictures and files, by hash only.
    pub keep_media: bool,
}

/// A stopped recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recording {
    /// The framework account whose view was recorded (the bot's).
    pub account: u64,
    /// What it saw, in order.
    pub observed: Vec<Observed>,
    /// When the recording stopped, in milliseconds from its start.
    pub stopped_ms: u64,
    /// How many of the oldest events were dropped to keep the recording within its bound.
    pub dropped: u64,
    /// The bound, in events.
    pub bound: usize,
    /// Events the recording lost because it fell behind the event log.
    pub lost: u64,
    /// The world the conversation touched.
    pub world: WorldSeen,
    /// How the bot reached lizi.
    pub faces: BotFaces,
    /// What was asked for.
    pub options: RecordOptions,
    /// The accounts were real (the bridge): ids were kept only because it was asked.
    pub real_accounts: bool,
}

/// The groups and people a recording touched: what the world in its file must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Groups.
    pub groups: BTreeSet<u64>,
    /// People other than the account.
    pub people: BTreeSet<u64>,
}

/// The groups and people `observed` touches, seen by `account`.
pub fn touched(account: u64, observed: &[Observed]) -> Touched {
    let (people, groups) = appearances(account, observed);
    Touched {
        groups: groups.into_iter().collect(),
        people: people.into_iter().collect(),
    }
}

/// The people (other than `account`) and the groups of the events that become steps,
/// each once, in the order they first appear.
pub(crate) fn appearances(account: u64, observed: &[Observed]) -> (Vec<u64>, Vec<u64>) {
    let mut people = Vec::new();
    let mut groups = Vec::new();
    for seen in observed {
        let (gin, who, text): (u64, Vec<u64>, Option<&str>) = match &seen.event {
            Event::GroupMsg(m) => (m.from_group.gin, vec![m.from_qq.uin], Some(&m.msg.text)),
            Event::PrivateMsg(m) => {
                let who = std::iter::once(m.from_qq.uin).chain(seen.peer).collect();
                (m.from_group.gin, who, Some(&m.msg.text))
            }
            Event::EventMsg(e) if is_replayed(e.msg.kind) => (
                e.from_group.gin,
                vec![e.from_qq.uin, e.operate_qq.uin],
                None,
            ),
            Event::EventMsg(_) => continue,
        };
        if gin != 0 && !groups.contains(&gin) {
            groups.push(gin);
        }
        for uin in who
            .into_iter()
            .chain(text.map(mentions).unwrap_or_default())
        {
            if uin != 0 && uin != account && !people.contains(&uin) {
                people.push(uin);
            }
        }
    }
    (people, groups)
}

/// Whether an event of this type becomes a step.
pub(crate) fn is_replayed(event_kind: i64) -> bool {
    matches!(
        event_kind,
        kind::INVITED
            | kind::MEMBER_JOINED
            | kind::JOIN_REQUEST
            | kind::MEMBER_LEFT
            | kind::MEMBER_KICKED
            | kind::MEMBER_MUTED
            | kind::MEMBER_UNMUTED
            | kind::GROUP_RECALL
            | kind::FRIEND_RECALL
            | kind::NEW_FRIEND
            | kind::FRIEND_REQUEST
    )
}

/// The QQ numbers `[@…]` mentions in a text.
pub(crate) fn mentions(text: &str) -> Vec<u64> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("[@") {
        rest = &rest[at + 2..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[digits.len()..].starts_with(']') {
            if let Ok(uin) = digits.parse() {
                found.push(uin);
            }
        }
    }
    found
}
