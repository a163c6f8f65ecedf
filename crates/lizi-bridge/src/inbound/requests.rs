//! OneBot friend and group requests as XLZ `EventMsg`s (docs/onebot-implementations.md#request-handles, docs/bridge.md#how-onebot-events-become-xlz-events): a friend
//! request (105), a join request (3) or an invitation (1), each under a new handle kept in
//! the [`RequestMap`] (its `Msg.Seq`, what XLZ answers the request by). A request seen
//! before (the same `flag`) makes nothing.

use lizi_core::event::{kind, EventBody};
use lizi_core::{Event, Uin};
use lizi_onebot::event::{GroupRequestKind, RequestEvent};
use lizi_store::{Op, StoreError};

use super::event_msg::event_msg;
use crate::state::requests::{PendingRequest, RequestMap};

impl RequestMap {
    /// The XLZ event of a OneBot request, recorded with a new handle, and the ops that
    /// keep it; `None` for a request already seen (same flag) or of an unknown type.
    pub fn receive(
        &mut self,
        account: Uin,
        time: i64,
        event: &RequestEvent,
    ) -> Result<Option<(Vec<Op>, Event)>, StoreError> {
        let (user, group, invite, flag, comment, operator) = match event {
            RequestEvent::Friend(r) => (r.user_id, 0, false, &r.flag, &r.comment, r.user_id),
            RequestEvent::Group(r) => {
                let invite = matches!(r.sub_type, GroupRequestKind::Invite);
                let operator = if invite {
                    r.user_id
                } else {
                    r.invitor_id.unwrap_or(0)
                };
                (r.user_id, r.group_id, invite, &r.flag, &r.comment, operator)
            }
            RequestEvent::Other(_) => return Ok(None),
        };
        if self.knows(account, flag)? {
            return Ok(None);
        }
        let seq = self.next_seq(account);
        let request = PendingRequest {
            account,
            seq,
            flag: flag.clone(),
            user,
            group,
            invite,
        };
        let event_kind = match (group, invite) {
            (0, _) => kind::FRIEND_REQUEST,
            (_, true) => kind::INVITED,
            (_, false) => kind::JOIN_REQUEST,
        };
        let body = EventBody {
            seq,
            time_stamp: time,
            kind: event_kind,
            text: comment.clone(),
            ..EventBody::default()
        };
        let event = event_msg(account, user, operator, group, body);
        Ok(Some((self.insert(request), event)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: serde_json::Value) -> RequestEvent {
        match lizi_onebot::Event::parse(value).expect("object").body {
            lizi_onebot::Body::Request(request) => request,
            other => panic!("not a request: {other:?}"),
        }
    }

    #[test]
    fn requests_get_handles_that_survive_a_reopen() {
        let store = lizi_store::Store::open(lizi_store::StoreConfig::memory()).expect("a store");
        let mut map = RequestMap::open(store.clone()).expect("opened");
        let receive = |map: &mut RequestMap, event: &RequestEvent| {
            let received = map.receive(1, 100, event).expect("read");
            received.map(|(ops, event)| {
                drop(store.write(ops));
                event
            })
        };
        let friend = request(
            json!({"post_type": "request", "request_type": "friend", "user_id": 5, "comment": "hi", "flag": "f1"}),
        );
        let Some(Event::EventMsg(event)) = receive(&mut map, &friend) else {
            panic!("an EventMsg")
        };
        assert_eq!(
            (event.msg.kind, event.msg.seq, event.msg.text.as_str()),
            (105, 1, "hi")
        );
        assert!(
            receive(&mut map, &friend).is_none(),
            "the same flag again is dropped"
        );
        let invite = request(
            json!({"post_type": "request", "request_type": "group", "sub_type": "invite", "group_id": 9, "user_id": 6, "flag": "g1"}),
        );
        let Some(Event::EventMsg(event)) = receive(&mut map, &invite) else {
            panic!("an EventMsg")
        };
        assert_eq!(
            (
                event.msg.kind,
                event.msg.seq,
                event.operate_qq.uin,
                event.from_group.gin
            ),
            (1, 2, 6, 9)
        );
        let reopened = RequestMap::open(store.clone()).expect("reopened");
        let first = reopened.get(1, 1).expect("read");
        assert_eq!(first.map(|r| r.flag), Some("f1".to_owned()));
        assert!(reopened.get(1, 3).expect("read").is_none());
        assert_eq!(reopened.next_seq(1), 3);
    }
}
