//! OneBot membership notices as XLZ `EventMsg`s (docs/bridge.md#how-onebot-events-become-xlz-events): admins set and unset,
//! members joining and leaving, mutes, and new friends.

use lizi_core::event::{kind, EventBody};
use lizi_core::{Event, Uin};
use lizi_onebot::event::{
    AdminChange, BanKind, DecreaseKind, GroupAdmin, GroupBan, GroupDecrease, GroupIncrease,
    IncreaseKind, Notice,
};

use super::event_msg::event_msg;

/// The XLZ event of a membership notice seen by `account` at `time`; `None` for other
/// notices.
pub fn membership(account: Uin, time: i64, notice: &Notice) -> Option<Event> {
    let (group, user, operator, event_kind, text) = match notice {
        Notice::GroupAdmin(GroupAdmin {
            sub_type,
            group_id,
            user_id,
        }) => {
            let event_kind = match sub_type {
                AdminChange::Set => kind::ADMIN_GRANTED,
                _ => kind::ADMIN_REMOVED,
            };
            (*group_id, *user_id, 0, event_kind, String::new())
        }
        Notice::GroupDecrease(GroupDecrease {
            sub_type,
            group_id,
            operator_id,
            user_id,
        }) => {
            let event_kind = match sub_type {
                DecreaseKind::Kick => kind::MEMBER_KICKED,
                DecreaseKind::KickMe => kind::I_WAS_KICKED,
                DecreaseKind::Disband => kind::GROUP_DISSOLVED,
                _ => kind::MEMBER_LEFT,
            };
            (*group_id, *user_id, *operator_id, event_kind, String::new())
        }
        Notice::GroupIncrease(GroupIncrease {
            sub_type,
            group_id,
            operator_id,
            user_id,
        }) => {
            let event_kind = match sub_type {
                IncreaseKind::Invite => kind::MEMBER_INVITED,
                _ => kind::MEMBER_JOINED,
            };
            (*group_id, *user_id, *operator_id, event_kind, String::new())
        }
        Notice::GroupBan(GroupBan {
            sub_type,
            group_id,
            operator_id,
            user_id,
            duration,
        }) => {
            let lifted = matches!(sub_type, BanKind::LiftBan);
            let event_kind = match (*user_id == 0, lifted) {
                (true, false) => kind::WHOLE_MUTE_ON,
                (true, true) => kind::WHOLE_MUTE_OFF,
                (false, false) => kind::MEMBER_MUTED,
                (false, true) => kind::MEMBER_UNMUTED,
            };
            (
                *group_id,
                *user_id,
                *operator_id,
                event_kind,
                duration.to_string(),
            )
        }
        Notice::FriendAdd(added) => (
            0,
            added.user_id,
            added.user_id,
            kind::NEW_FRIEND,
            String::new(),
        ),
        _ => return None,
    };
    let body = EventBody {
        time_stamp: time,
        kind: event_kind,
        text,
        ..EventBody::default()
    };
    Some(event_msg(account, user, operator, group, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind_of(value: serde_json::Value) -> Option<(i64, u64, u64, String)> {
        let event = lizi_onebot::Event::parse(value).expect("an object");
        let lizi_onebot::Body::Notice(notice) = &event.body else {
            panic!("a notice");
        };
        match membership(1, 100, notice)? {
            Event::EventMsg(e) => Some((e.msg.kind, e.from_qq.uin, e.operate_qq.uin, e.msg.text)),
            _ => None,
        }
    }

    #[test]
    fn membership_notices_become_their_xlz_types() {
        let cases = [
            (
                json!({"notice_type": "group_admin", "sub_type": "set", "user_id": 5}),
                Some((10, 5, 0)),
            ),
            (
                json!({"notice_type": "group_admin", "sub_type": "unset", "user_id": 5}),
                Some((9, 5, 0)),
            ),
            (
                json!({"notice_type": "group_decrease", "sub_type": "kick", "user_id": 5, "operator_id": 6}),
                Some((6, 5, 6)),
            ),
            (
                json!({"notice_type": "group_decrease", "sub_type": "leave", "user_id": 5, "operator_id": 5}),
                Some((5, 5, 5)),
            ),
            (
                json!({"notice_type": "group_decrease", "sub_type": "kick_me", "user_id": 1, "operator_id": 6}),
                Some((30, 1, 6)),
            ),
            (
                json!({"notice_type": "group_increase", "sub_type": "invite", "user_id": 5, "operator_id": 6}),
                Some((25, 5, 6)),
            ),
            (
                json!({"notice_type": "group_increase", "sub_type": "approve", "user_id": 5, "operator_id": 6}),
                Some((2, 5, 6)),
            ),
            (
                json!({"notice_type": "group_ban", "sub_type": "ban", "user_id": 5, "operator_id": 6}),
                Some((7, 5, 6)),
            ),
            (
                json!({"notice_type": "group_ban", "sub_type": "lift_ban", "user_id": 5, "operator_id": 6}),
                Some((28, 5, 6)),
            ),
            (
                json!({"notice_type": "group_ban", "sub_type": "ban", "user_id": 0, "operator_id": 6}),
                Some((11, 0, 6)),
            ),
            (
                json!({"notice_type": "group_ban", "sub_type": "lift_ban", "user_id": 0, "operator_id": 6}),
                Some((12, 0, 6)),
            ),
            (
                json!({"notice_type": "friend_add", "user_id": 5}),
                Some((104, 5, 5)),
            ),
            (json!({"notice_type": "essence", "sub_type": "add"}), None),
        ];
        for (fields, expected) in cases {
            let mut value =
                json!({"time": 100, "self_id": 1, "post_type": "notice", "group_id": 9});
            value
                .as_object_mut()
                .expect("object")
                .extend(fields.as_object().expect("object").clone());
            let found = kind_of(value).map(|(kind, user, operator, _)| (kind, user, operator));
            assert_eq!(found, expected, "{fields}");
        }
    }

    #[test]
    fn a_mute_says_how_long() {
        let value = json!({"time": 100, "self_id": 1, "post_type": "notice", "notice_type": "group_ban",
            "sub_type": "ban", "group_id": 9, "user_id": 5, "operator_id": 6, "duration": 600});
        assert_eq!(
            kind_of(value).map(|(.., text)| text),
            Some("600".to_owned())
        );
    }
}
