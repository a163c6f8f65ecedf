//! The gray tips carried as system notices ([`GrayTip`]) as each implementation reports
//! them:
//!
//! - a poke: `notify`/`poke` with `user_id` the poker and `target_id` the poked, plus
//!   NapCat's and LLOneBot's `raw_info` (the gray tip's items), Lagrange.OneBot's
//!   `action`, `suffix` and `action_img_url`; in a friend chat NapCat's `user_id` is the
//!   friend and its `sender_id` the poker, Lagrange.OneBot adds `sender_id` too;
//! - an essence mark: `essence` with `message_id`, `sender_id` and `operator_id`
//!   (NapCat and LLOneBot add `user_id`, and report marks only, always as `add`);
//! - a reaction: NapCat's and LLOneBot's `group_msg_emoji_like` (`likes` of one face,
//!   count 1, and `is_add`), Lagrange.OneBot's `reaction` (`add`/`remove`, with the
//!   face's count after it).
//!
//! An essence mark or a reaction is about a message; when the face cannot name that
//! message, NapCat, LLOneBot and Lagrange.OneBot's reaction report nothing, as they do.

use lizi_core::event::EventMsg;
use lizi_core::gray_tip::GrayTip;
use lizi_core::Uin;
use lizi_onebot::Profile;
use serde_json::{json, Value};

use super::fields::{envelope, extend, Lens};
use crate::ids::group_conv;

/// The OneBot notice of a system notice carrying a gray tip; `None` for any other event.
pub(super) fn notice(event: &EventMsg, lens: &Lens<'_>) -> Option<Value> {
    let tip = GrayTip::read(event)?;
    let profile = lens.config.profile;
    let group = event.from_group.gin;
    let message_id = || lens.ids.of_message(group_conv(group), event.msg.seq);
    let fields = match tip {
        GrayTip::Poke { operator, target } => poke(profile, lens.self_id, group, operator, target),
        GrayTip::Essence {
            operator,
            sender,
            added,
        } => {
            let mut fields = json!({
                "notice_type": "essence",
                "sub_type": if added { "add" } else { "delete" },
                "group_id": group,
                "sender_id": sender,
                "operator_id": operator,
            });
            if profile == Profile::Lagrange {
                fields["message_id"] = json!(message_id());
            } else {
                if !added {
                    return None;
                }
                fields["message_id"] = json!(message_id()?);
                fields["user_id"] = json!(sender);
            }
            fields
        }
        GrayTip::Reaction {
            operator,
            code,
            added,
        } => match profile {
            Profile::Lagrange => json!({
                "notice_type": "reaction",
                "sub_type": if added { "add" } else { "remove" },
                "group_id": group,
                "message_id": message_id()?,
                "operator_id": operator,
                "code": code,
                "count": event.msg.sub_type,
            }),
            _ => json!({
                "notice_type": "group_msg_emoji_like",
                "group_id": group,
                "user_id": operator,
                "message_id": message_id()?,
                "likes": [{"emoji_id": code, "count": 1}],
                "is_add": added,
            }),
        },
    };
    let mut out = envelope(event.msg.time_stamp, event.logon_qq, "notice");
    extend(&mut out, fields);
    Some(out)
}

/// A poke's notice fields, as `profile`'s implementation reports it to `self_id`.
fn poke(profile: Profile, self_id: Uin, group: u64, operator: Uin, target: Uin) -> Value {
    let mut fields = json!({
        "notice_type": "notify",
        "sub_type": "poke",
        "user_id": operator,
        "target_id": target,
    });
    if group != 0 {
        fields["group_id"] = json!(group);
    }
    match profile {
        Profile::Lagrange => {
            if group == 0 {
                fields["sender_id"] = json!(operator);
            }
            fields["action"] = json!("戳了戳");
            fields["suffix"] = json!("");
            fields["action_img_url"] = json!("");
        }
        _ => {
            if group == 0 && profile == Profile::NapCat {
                // NapCat names the friend of the chat, and the poker apart.
                let friend = if operator == self_id {
                    target
                } else {
                    operator
                };
                fields["user_id"] = json!(friend);
                fields["sender_id"] = json!(operator);
            }
            fields["raw_info"] = raw_info(operator, target);
        }
    }
    fields
}

/// The items of a poke's gray tip, as NT gives them (`uid`s are NT's user ids).
fn raw_info(operator: Uin, target: Uin) -> Value {
    json!([
        {"col": "1", "nm": "", "type": "qq", "uid": format!("u_{operator}")},
        {
            "jp": "https://zb.vip.qq.com/v2/pages/nudgeMall?_wv=2&actionId=0",
            "src": "http://tianquan.gtimg.cn/nudgeaction/item/0/expression.jpg",
            "type": "img"
        },
        {"txt": "戳了戳", "type": "nor"},
        {"col": "1", "nm": "", "tp": "0", "type": "qq", "uid": format!("u_{target}")},
        {"txt": "", "type": "nor"},
    ])
}
