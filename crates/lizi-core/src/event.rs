//! Event objects, shaped exactly as docs/xlz-api.md#event-objects gives them.

use serde::{Deserialize, Serialize};

use crate::{Gin, Uin};

/// An event as clients receive it; serialises with its `"Type"` tag first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Type")]
pub enum Event {
    /// A group message.
    GroupMsg(GroupMsg),
    /// A friend, temporary-session or friend-file message.
    PrivateMsg(PrivateMsg),
    /// Everything else: joins, leaves, mutes, recalls, requests, profile changes.
    EventMsg(EventMsg),
}

impl Event {
    /// The framework account this event was seen by.
    pub fn logon(&self) -> Uin {
        match self {
            Event::GroupMsg(e) => e.logon_qq,
            Event::PrivateMsg(e) => e.logon_qq,
            Event::EventMsg(e) => e.logon_qq,
        }
    }
}

/// `TimeStamp` of a message: when it was received and sent (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeStamp {
    /// Received.
    pub recv: i64,
    /// Sent.
    pub send: i64,
}

/// A position (`Pos`), in 1e-6 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pos {
    /// Longitude.
    pub lo: i64,
    /// Latitude.
    pub la: i64,
}

/// The `File` part of a message; all empty unless the message carries a file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileRef {
    /// File id.
    #[serde(rename = "ID")]
    pub id: String,
    /// MD5 of the content, upper-case hex.
    #[serde(rename = "MD5")]
    pub md5: String,
    /// File name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Size in bytes.
    #[serde(rename = "Size")]
    pub size: u64,
}

/// The sender of a group message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupSender {
    /// QQ number.
    #[serde(rename = "UIN")]
    pub uin: Uin,
    /// Group card (or nickname when the card is empty).
    #[serde(rename = "Card")]
    pub card: String,
    /// Special title.
    #[serde(rename = "SpecTitle")]
    pub spec_title: String,
    /// Shared position.
    #[serde(rename = "Pos")]
    pub pos: Pos,
}

/// `FromGroup` of a group message (note the lower-case `name`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupMsgGroup {
    /// Group number.
    #[serde(rename = "GIN")]
    pub gin: Gin,
    /// Group name.
    pub name: String,
}

/// `Msg` of a group message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupMsgBody {
    /// Group message sequence.
    pub req: i64,
    /// Random id of the message.
    pub random: i64,
    /// Message type: 134 ordinary, 78 red packet.
    pub sub_type: i64,
    /// App id of a card message, else 0.
    #[serde(rename = "AppID")]
    pub app_id: i64,
    /// The text, with text codes.
    pub text: String,
    /// The text of the message replied to.
    #[serde(rename = "Text_Reply")]
    pub text_reply: String,
    /// Bubble id.
    #[serde(rename = "BubbleID")]
    pub bubble_id: i64,
}

/// A group message event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupMsg {
    /// The sender.
    #[serde(rename = "FromQQ")]
    pub from_qq: GroupSender,
    /// The framework account that sees it.
    #[serde(rename = "LogonQQ")]
    pub logon_qq: Uin,
    /// Times.
    #[serde(rename = "TimeStamp")]
    pub time_stamp: TimeStamp,
    /// The group.
    #[serde(rename = "FromGroup")]
    pub from_group: GroupMsgGroup,
    /// The message.
    #[serde(rename = "Msg")]
    pub msg: GroupMsgBody,
    /// An attached file.
    #[serde(rename = "File")]
    pub file: FileRef,
}

/// A user with a nickname (`FromQQ` / `OperateQQ` of private and other events).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserRef {
    /// QQ number.
    #[serde(rename = "UIN")]
    pub uin: Uin,
    /// Nickname.
    #[serde(rename = "NickName")]
    pub nick_name: String,
}

/// `FromGroup` of a private message: the group of a temporary session, else 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupId {
    /// Group number.
    #[serde(rename = "GIN")]
    pub gin: Gin,
}

/// `Msg` of a private message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateMsgBody {
    /// Message request number.
    pub req: i64,
    /// Message sequence.
    pub seq: i64,
    /// 166 friend, 141 temporary session, 208 friend voice, 529 friend file.
    #[serde(rename = "Type")]
    pub kind: i64,
    /// Sub type.
    pub sub_type: i64,
    /// 0 group, 1 discussion (temporary sessions).
    pub sub_temp_type: i64,
    /// The text, with text codes.
    pub text: String,
    /// Bubble id.
    #[serde(rename = "BubbleID")]
    pub bubble_id: i64,
}

/// `Hb` (red packet) part of a private message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RedPacketKind {
    /// Red packet type, 0 when none.
    #[serde(rename = "Type")]
    pub kind: i64,
}

/// A private message event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrivateMsg {
    /// The sender.
    #[serde(rename = "FromQQ")]
    pub from_qq: UserRef,
    /// The framework account that sees it.
    #[serde(rename = "LogonQQ")]
    pub logon_qq: Uin,
    /// Times.
    #[serde(rename = "TimeStamp")]
    pub time_stamp: TimeStamp,
    /// Group of a temporary session.
    #[serde(rename = "FromGroup")]
    pub from_group: GroupId,
    /// The message.
    #[serde(rename = "Msg")]
    pub msg: PrivateMsgBody,
    /// Red packet.
    #[serde(rename = "Hb")]
    pub hb: RedPacketKind,
    /// An attached file.
    #[serde(rename = "File")]
    pub file: FileRef,
}

/// `FromGroup` of an event message (note the capitalised `Name`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventGroup {
    /// Group number.
    #[serde(rename = "GIN")]
    pub gin: Gin,
    /// Group name.
    #[serde(rename = "Name")]
    pub name: String,
}

/// `Msg` of an event message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventBody {
    /// Handle for `/setgroupaddrequest` and `/setfriendaddrequest`.
    pub seq: i64,
    /// When it happened (unix seconds).
    pub time_stamp: i64,
    /// Event type (docs/xlz-api.md#event-objects).
    #[serde(rename = "Type")]
    pub kind: i64,
    /// Sub type.
    pub sub_type: i64,
    /// Text (a request message, a new name, …).
    pub text: String,
}

/// Any other event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventMsg {
    /// The user the event is about.
    #[serde(rename = "FromQQ")]
    pub from_qq: UserRef,
    /// Who did it.
    #[serde(rename = "OperateQQ")]
    pub operate_qq: UserRef,
    /// The framework account that sees it.
    #[serde(rename = "LogonQQ")]
    pub logon_qq: Uin,
    /// The group, if any.
    #[serde(rename = "FromGroup")]
    pub from_group: EventGroup,
    /// The event.
    #[serde(rename = "Msg")]
    pub msg: EventBody,
}

/// Event types of [`EventMsg`] (docs/xlz-api.md#event-objects).
pub mod kind {
    /// I was invited to a group.
    pub const INVITED: i64 = 1;
    /// Someone joined a group.
    pub const MEMBER_JOINED: i64 = 2;
    /// Someone asks to join.
    pub const JOIN_REQUEST: i64 = 3;
    /// Group dissolved.
    pub const GROUP_DISSOLVED: i64 = 4;
    /// Someone left.
    pub const MEMBER_LEFT: i64 = 5;
    /// Someone was kicked.
    pub const MEMBER_KICKED: i64 = 6;
    /// Someone was muted.
    pub const MEMBER_MUTED: i64 = 7;
    /// A group message was recalled.
    pub const GROUP_RECALL: i64 = 8;
    /// Admin removed.
    pub const ADMIN_REMOVED: i64 = 9;
    /// Admin granted.
    pub const ADMIN_GRANTED: i64 = 10;
    /// Whole-group mute on.
    pub const WHOLE_MUTE_ON: i64 = 11;
    /// Whole-group mute off.
    pub const WHOLE_MUTE_OFF: i64 = 12;
    /// Someone was invited in.
    pub const MEMBER_INVITED: i64 = 25;
    /// Someone was unmuted.
    pub const MEMBER_UNMUTED: i64 = 28;
    /// I was kicked.
    pub const I_WAS_KICKED: i64 = 30;
    /// Framework: login succeeded.
    pub const LOGIN_OK: i64 = 31;
    /// Group renamed.
    pub const GROUP_RENAMED: i64 = 32;
    /// Card changed.
    pub const CARD_CHANGED: i64 = 36;
    /// My join request was refused.
    pub const JOIN_REFUSED: i64 = 42;
    /// A friend deleted me.
    pub const FRIEND_DELETED: i64 = 100;
    /// Signature changed.
    pub const SIGNATURE_CHANGED: i64 = 101;
    /// Nickname changed.
    pub const NICKNAME_CHANGED: i64 = 102;
    /// A friend recalled a message.
    pub const FRIEND_RECALL: i64 = 103;
    /// New friend.
    pub const NEW_FRIEND: i64 = 104;
    /// Friend request.
    pub const FRIEND_REQUEST: i64 = 105;
    /// My friend request was accepted.
    pub const FRIEND_ACCEPTED: i64 = 106;
    /// My friend request was refused.
    pub const FRIEND_REFUSED: i64 = 107;
    /// Profile liked.
    pub const LIKED: i64 = 108;
    /// Input status.
    pub const INPUT_STATUS: i64 = 119;
}

/// Private message types (`Msg.Type` of [`PrivateMsg`]).
pub mod private_kind {
    /// Friend message.
    pub const FRIEND: i64 = 166;
    /// Temporary (group) session message.
    pub const TEMPORARY: i64 = 141;
    /// Friend voice.
    pub const VOICE: i64 = 208;
    /// Friend file.
    pub const FILE: i64 = 529;
}

/// Group message sub types (`Msg.SubType` of [`GroupMsg`]).
pub mod group_kind {
    /// Ordinary group message.
    pub const ORDINARY: i64 = 134;
    /// Red packet.
    pub const RED_PACKET: i64 = 78;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_msg_shape() {
        let event = Event::GroupMsg(GroupMsg::default());
        let json = serde_json::to_string(&event).unwrap();
        assert!(json.starts_with(r#"{"Type":"GroupMsg","FromQQ":{"UIN":0,"Card":"","SpecTitle":"","Pos":{"Lo":0,"La":0}},"LogonQQ":0,"TimeStamp":{"Recv":0,"Send":0},"FromGroup":{"GIN":0,"name":""},"Msg":{"Req":0,"Random":0,"SubType":0,"AppID":0,"Text":"","Text_Reply":"","BubbleID":0},"File":{"ID":"","MD5":"","Name":"","Size":0}}"#), "{json}");
    }

    #[test]
    fn private_and_event_shapes() {
        let json = serde_json::to_string(&Event::PrivateMsg(PrivateMsg::default())).unwrap();
        assert_eq!(
            json,
            r#"{"Type":"PrivateMsg","FromQQ":{"UIN":0,"NickName":""},"LogonQQ":0,"TimeStamp":{"Recv":0,"Send":0},"FromGroup":{"GIN":0},"Msg":{"Req":0,"Seq":0,"Type":0,"SubType":0,"SubTempType":0,"Text":"","BubbleID":0},"Hb":{"Type":0},"File":{"ID":"","MD5":"","Name":"","Size":0}}"#
        );
        let json = serde_json::to_string(&Event::EventMsg(EventMsg::default())).unwrap();
        assert_eq!(
            json,
            r#"{"Type":"EventMsg","FromQQ":{"UIN":0,"NickName":""},"OperateQQ":{"UIN":0,"NickName":""},"LogonQQ":0,"FromGroup":{"GIN":0,"Name":""},"Msg":{"Seq":0,"TimeStamp":0,"Type":0,"SubType":0,"Text":""}}"#
        );
    }
}
