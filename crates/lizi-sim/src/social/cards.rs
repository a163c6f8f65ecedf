//! Card messages (JSON, XML, music), gifts, red packets and forwarded bundles.
//!
//! A card travels as an ordinary message whose text is one code: `[Json,Data=<payload>]`
//! or `[Xml,Data=<payload>]`, the payload with `[`, `]` and `\` written as `\u005b`,
//! `\u005d` and `\u005c` (docs/xlz-api.md#text-codes), so the code's end is unambiguous and a client gets
//! the payload back by stripping the prefix and the final `]` and undoing those three
//! escapes. (The payload keeps its commas, so the generic code parser reads the whole code
//! as text; clients recognise cards by the `[Json,Data=`/`[Xml,Data=` prefix.) A group
//! card's `Msg.AppID` is the JSON's numeric `appid` (top level, or in `extra`/`config`)
//! when it has one, else 0; `SubType` stays 134, as for any chat message.

use lizi_core::event::{group_kind, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender, TimeStamp};
use lizi_core::model::RedPacket;
use lizi_core::{Event, Gin, Receipt, Uin};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::control::social::BundleMessage;
use crate::error::SimError;
use crate::messages::Target;
use crate::world::World;

/// The kind of a card message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    /// A JSON (ark) card.
    Json,
    /// An XML (struct message) card.
    Xml,
}

/// A red packet sent through the control API (a row of [`World::red_packets`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRedPacket {
    /// The packet's id (`ListID`).
    pub id: String,
    /// The group.
    pub gin: Gin,
    /// The sender.
    pub from: Uin,
    /// The greeting.
    pub title: String,
    /// Total amount in cents.
    pub amount: i64,
    /// Packets in all.
    pub count: i64,
    /// Packets not yet claimed.
    pub left: i64,
    /// When it was sent (unix seconds).
    pub time: i64,
}

/// A forwarded-messages bundle (a row of [`World::bundles`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBundle {
    /// The bundle's `resid`.
    pub resid: String,
    /// When it was made (unix seconds).
    pub time: i64,
    /// The messages, in order.
    pub messages: Vec<BundledMessage>,
}

/// One message of a [`StoredBundle`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundledMessage {
    /// The sender.
    pub from: Uin,
    /// The group it was said in, 0 for none.
    pub group: Gin,
    /// The sender's name as shown (group card or nickname).
    pub name: String,
    /// The text.
    pub text: String,
    /// When it was said (unix seconds); 0: when the bundle was made.
    #[serde(default)]
    pub time: i64,
}

/// The text of a card message carrying `payload`.
pub fn card_text(kind: CardKind, payload: &str) -> String {
    let name = match kind {
        CardKind::Json => "Json",
        CardKind::Xml => "Xml",
    };
    let mut out = format!("[{name},Data=");
    for c in payload.chars() {
        match c {
            '[' => out.push_str("\\u005b"),
            ']' => out.push_str("\\u005d"),
            '\\' => out.push_str("\\u005c"),
            c => out.push(c),
        }
    }
    out.push(']');
    out
}

/// Checks a card payload; answers the group `AppID` it carries.
pub fn check_card(kind: CardKind, payload: &str) -> Result<i64, SimError> {
    match kind {
        CardKind::Json => {
            let value: Value = serde_json::from_str(payload)
                .map_err(|e| SimError::Invalid(format!("the card is not valid JSON: {e}")))?;
            if !value.is_object() {
                return Err(SimError::Invalid(
                    "a JSON card must be a JSON object".into(),
                ));
            }
            let appid = ["/appid", "/extra/appid", "/config/appid"]
                .iter()
                .find_map(|p| value.pointer(p).and_then(Value::as_i64));
            Ok(appid.unwrap_or(0))
        }
        CardKind::Xml => {
            let trimmed = payload.trim();
            if trimmed.starts_with('<') && trimmed.ends_with('>') {
                Ok(0)
            } else {
                Err(SimError::Invalid(
                    "the card is not XML (it must start with `<` and end with `>`)".into(),
                ))
            }
        }
    }
}

/// The music apps of `/sharemusic`'s `apptype`: name and app id.
fn music_app(apptype: i64) -> (&'static str, i64) {
    match apptype {
        1 => ("虎牙音乐", 100_495_085),
        2 => ("酷我音乐", 100_243_533),
        3 => ("酷狗音乐", 205_141),
        4 => ("网易云音乐", 100_495_085),
        _ => ("QQ音乐", 100_497_308),
    }
}

/// The JSON card `/sharemusic` sends.
pub fn music_card(
    apptype: i64,
    title: &str,
    singer: &str,
    jump_url: &str,
    picture_url: &str,
    music_url: &str,
) -> String {
    let (tag, appid) = music_app(apptype);
    json!({
        "app": "com.tencent.structmsg",
        "view": "music",
        "ver": "0.0.0.1",
        "prompt": format!("[分享]{title}"),
        "meta": {"music": {
            "title": title,
            "desc": singer,
            "jumpUrl": jump_url,
            "preview": picture_url,
            "musicUrl": music_url,
            "tag": tag,
            "appid": appid,
        }},
        "extra": {"appid": appid},
    })
    .to_string()
}

impl World {
    /// `from` sends a card to `target`: checked, stored and delivered like any message,
    /// with the card's `AppID` on group events.
    pub fn send_card(
        &mut self,
        from: Uin,
        target: Target,
        kind: CardKind,
        payload: &str,
        time: i64,
        random: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        let app_id = check_card(kind, payload)?;
        let (receipt, mut events) =
            self.send(from, target, &card_text(kind, payload), time, random)?;
        for event in &mut events {
            if let Event::GroupMsg(message) = event {
                message.msg.app_id = app_id;
            }
        }
        Ok((receipt, events))
    }

    /// `/sendfreepackage`: `from` gives gift `pkgid` to `to` in group `gin`: a group
    /// message `[Gift,ID=<pkgid>,ToQQ=<to>]` from `from`.
    pub fn send_gift(
        &mut self,
        from: Uin,
        gin: Gin,
        to: Uin,
        pkgid: i64,
        time: i64,
        random: i64,
    ) -> Result<(Receipt, Vec<Event>), SimError> {
        self.online_account(from)?;
        self.person(to)?;
        let group = self.group(gin)?;
        group.member(from)?;
        group.member(to)?;
        if from == to {
            return Err(SimError::Invalid(format!(
                "{from} cannot give a gift to itself"
            )));
        }
        let text = format!("[Gift,ID={pkgid},ToQQ={to}]");
        self.send(from, Target::Group(gin), &text, time, random)
    }

    /// The control API's `red_packet`: `from` sends a red packet to `gin`, shown as a group
    /// message of sub type 78 whose text is the greeting. Answers the packet's id.
    pub fn send_red_packet(
        &mut self,
        packet: &crate::control::social::RedPacket,
        time: i64,
        random: i64,
    ) -> Result<(String, Vec<Event>), SimError> {
        let (from, gin, amount, count) = (packet.from, packet.group, packet.amount, packet.count);
        if count < 1 || amount < count {
            return Err(SimError::Invalid(format!(
                "a red packet of {amount} cents cannot be split into {count} packets"
            )));
        }
        let title = packet.title.as_str();
        let title = if title.trim().is_empty() {
            "恭喜发财"
        } else {
            title
        };
        let text = lizi_core::textcode::print(&[lizi_core::textcode::Segment::Text(title.into())]);
        let (receipt, mut events) = self.send(from, Target::Group(gin), &text, time, random)?;
        for event in &mut events {
            if let Event::GroupMsg(message) = event {
                message.msg.sub_type = group_kind::RED_PACKET;
            }
        }
        let id = format!("{}{:010}", time, self.next_event_seq());
        self.red_packets.insert(
            id.clone(),
            StoredRedPacket {
                id: id.clone(),
                gin,
                from,
                title: title.to_owned(),
                amount,
                count,
                left: count,
                time: receipt.time,
            },
        );
        Ok((id, events))
    }

    /// `/getgrouphb`: the unclaimed red packets of `gin`, or of every group `logon` is in.
    pub fn red_packets_of(&self, logon: Uin, gin: Option<Gin>) -> Result<Vec<RedPacket>, SimError> {
        self.online_account(logon)?;
        if let Some(gin) = gin {
            self.group(gin)?.member(logon)?;
        }
        Ok(self
            .red_packets
            .values()
            .filter(|p| p.left > 0)
            .filter(|p| match gin {
                Some(gin) => p.gin == gin,
                None => self
                    .groups
                    .get(&p.gin)
                    .is_some_and(|g| g.members.contains_key(&logon)),
            })
            .map(|p| RedPacket {
                list_id: p.id.clone(),
                gin: p.gin,
                sender_uin: p.from,
                title: p.title.clone(),
                amount: p.amount,
                count_left: p.left,
                send_time: p.time,
            })
            .collect())
    }

    /// The control API's `bundle`: stores a forwarded bundle; answers its `resid`.
    pub fn make_bundle(
        &mut self,
        messages: &[BundleMessage],
        time: i64,
    ) -> Result<String, SimError> {
        let bundle = self.bundle_of(messages, time)?;
        let resid = bundle.resid.clone();
        self.bundles.insert(resid.clone(), bundle);
        Ok(resid)
    }

    /// The bundle of `messages` made at `time`, under a `resid` no other bundle has, not
    /// yet stored: every message checked (its length; a sender named by `name`, else a
    /// person on the network, and the group it was said in).
    pub(crate) fn bundle_of(
        &self,
        messages: &[BundleMessage],
        time: i64,
    ) -> Result<StoredBundle, SimError> {
        if messages.is_empty() {
            return Err(SimError::Invalid(
                "a forwarded bundle needs at least one message".into(),
            ));
        }
        let mut bundled = Vec::with_capacity(messages.len());
        for message in messages {
            self.limits.check(&message.text)?;
            if let Some(gin) = message.group {
                self.group(gin)?;
            }
            let name = match (&message.name, message.group) {
                (Some(name), _) => name.clone(),
                (None, group) => {
                    self.person(message.from)?;
                    match group {
                        Some(gin) => self.shown_name(gin, message.from),
                        None => self.nickname(message.from),
                    }
                }
            };
            bundled.push(BundledMessage {
                from: message.from,
                group: message.group.unwrap_or(0),
                name,
                text: lizi_core::textcode::canonical(&message.text).into_owned(),
                time: message.time.unwrap_or(0),
            });
        }
        let resid = loop {
            let id: String = (0..64).map(|_| fastrand::alphanumeric()).collect();
            if !self.bundles.contains_key(&id) {
                break id;
            }
        };
        Ok(StoredBundle {
            resid,
            time,
            messages: bundled,
        })
    }

    /// `/getforwardedmsg`: the messages of bundle `resid`, as `logon` sees them.
    pub fn bundle_messages(&self, logon: Uin, resid: &str) -> Result<Vec<GroupMsg>, SimError> {
        self.online_account(logon)?;
        let bundle = self
            .bundles
            .get(&resid.to_owned())
            .ok_or_else(|| SimError::NotFound(format!("there is no forwarded bundle {resid}")))?;
        Ok(bundle
            .messages
            .iter()
            .zip(1..)
            .map(|(m, req)| GroupMsg {
                from_qq: GroupSender {
                    uin: m.from,
                    card: m.name.clone(),
                    ..GroupSender::default()
                },
                logon_qq: logon,
                time_stamp: {
                    let time = if m.time == 0 { bundle.time } else { m.time };
                    TimeStamp {
                        recv: time,
                        send: time,
                    }
                },
                from_group: GroupMsgGroup {
                    gin: m.group,
                    name: self
                        .groups
                        .get(&m.group)
                        .map(|g| g.name.clone())
                        .unwrap_or_default(),
                },
                msg: GroupMsgBody {
                    req,
                    sub_type: group_kind::ORDINARY,
                    text: m.text.clone(),
                    ..GroupMsgBody::default()
                },
                ..GroupMsg::default()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_texts() {
        assert_eq!(
            card_text(CardKind::Json, r#"{"a":[1,"\n"]}"#),
            r#"[Json,Data={"a":\u005b1,"\u005cn"\u005d}]"#
        );
        assert_eq!(card_text(CardKind::Xml, "<msg/>"), "[Xml,Data=<msg/>]");
        assert_eq!(
            check_card(CardKind::Json, r#"{"extra":{"appid":5}}"#),
            Ok(5)
        );
        assert_eq!(check_card(CardKind::Json, r#"{"app":"x"}"#), Ok(0));
        assert!(check_card(CardKind::Json, "[1]").is_err());
        assert!(check_card(CardKind::Json, "{").is_err());
        assert!(check_card(CardKind::Xml, "hello").is_err());
        let music: Value = serde_json::from_str(&music_card(0, "t", "s", "j", "p", "m")).unwrap();
        assert_eq!(music["meta"]["music"]["title"], "t");
        assert_eq!(
            check_card(CardKind::Json, &music.to_string()),
            Ok(100_497_308)
        );
    }
}
