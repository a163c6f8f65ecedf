//! The account's own presence: as the implementation reports it while the connection stays
//! open (docs/bridge.md#how-onebot-events-become-xlz-events: `bot_offline`, `bot_online`, and heartbeats with `status.online`),
//! and as its connection comes and goes. A change shows in `/getlogonqq` and as an XLZ
//! event about the account ([`account_event`]: 31 online, [`LOGGED_OFF`]).

use lizi_core::event::{EventBody, UserRef};
use lizi_core::{Event, Uin};
use lizi_onebot::event::{Body, MetaEvent, Notice};
use serde_json::Value;

use super::event_msg::event_msg;
use crate::clock::now;

/// XLZ `EventMsg` type of the account going offline (38, login failed / offline).
pub const LOGGED_OFF: i64 = 38;

/// Whether the event reports the account offline (`Some(false)`: `bot_offline`, a
/// heartbeat with `status.online: false`) or online (`Some(true)`: `bot_online`, a
/// heartbeat with `online: true`); `None` for other events.
pub fn presence(body: &Body) -> Option<bool> {
    match body {
        Body::Notice(Notice::BotOffline(_)) => Some(false),
        Body::Notice(Notice::Other(raw))
            if raw.get("notice_type").and_then(Value::as_str) == Some("bot_online") =>
        {
            Some(true)
        }
        Body::Meta(MetaEvent::Heartbeat(beat)) => beat.status.online,
        _ => None,
    }
}

/// An event about the account itself (online, offline), naming it with its nickname.
pub fn account_event(account: Uin, me: UserRef, event_kind: i64) -> Event {
    let body = EventBody {
        time_stamp: now(),
        kind: event_kind,
        ..EventBody::default()
    };
    let mut event = event_msg(account, me.uin, me.uin, 0, body);
    if let Event::EventMsg(event) = &mut event {
        event.from_qq.nick_name = me.nick_name.clone();
        event.operate_qq.nick_name = me.nick_name;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound::notices::tests::parse;
    use serde_json::json;

    #[test]
    fn presence_comes_from_bot_offline_bot_online_and_heartbeats() {
        let meta = |online: Value| {
            lizi_onebot::Event::parse(json!({"time": 1, "self_id": 1, "post_type": "meta_event",
                "meta_event_type": "heartbeat", "interval": 5000,
                "status": {"online": online, "good": true}}))
            .expect("an object")
        };
        let offline =
            parse(json!({"notice_type": "bot_offline", "user_id": 1, "tag": "t", "message": "m"}));
        let online = parse(json!({"notice_type": "bot_online", "reason": "r"}));
        assert_eq!(presence(&offline.body), Some(false));
        assert_eq!(presence(&online.body), Some(true));
        assert_eq!(presence(&meta(json!(false)).body), Some(false));
        assert_eq!(presence(&meta(json!(true)).body), Some(true));
        assert_eq!(presence(&meta(Value::Null).body), None);
        let card = parse(json!({"notice_type": "group_card", "group_id": 9}));
        assert_eq!(presence(&card.body), None);
    }
}
