//! Request events (docs/onebot-implementations.md#events): `friend`, and `group` `add` (someone asks to join a
//! group the account manages) or `invite` (someone invites the account), each with the
//! `flag` that answers it ([`RequestFlag`]) and the asker's `comment`.

use lizi_core::event::{kind, EventMsg};
use serde_json::{json, Value};

use super::fields::{envelope, extend};
use crate::flag::RequestFlag;

/// The request for `event`, if it is one.
pub(super) fn request(event: &EventMsg) -> Option<Value> {
    let user = event.from_qq.uin;
    let group = event.from_group.gin;
    let seq = event.msg.seq;
    let fields = match event.msg.kind {
        kind::FRIEND_REQUEST => json!({
            "request_type": "friend",
            "user_id": user,
            "comment": event.msg.text,
            "flag": RequestFlag::Friend { user, seq }.encode(),
        }),
        kind::JOIN_REQUEST | kind::INVITED => {
            let invite = event.msg.kind == kind::INVITED;
            let mut fields = json!({
                "request_type": "group",
                "sub_type": if invite { "invite" } else { "add" },
                "group_id": group,
                "user_id": user,
                "comment": event.msg.text,
                "flag": RequestFlag::Group { group, user, seq, invite }.encode(),
            });
            let invitor = event.operate_qq.uin;
            if !invite && invitor != 0 && invitor != user {
                fields["invitor_id"] = json!(invitor);
            }
            fields
        }
        _ => return None,
    };
    let mut out = envelope(event.msg.time_stamp, event.logon_qq, "request");
    extend(&mut out, fields);
    Some(out)
}
