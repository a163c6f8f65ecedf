//! Request handles (onebot.md §2.2): XLZ answers a friend or group request by the `seq` of
//! its event, OneBot by the request's `flag`. The bridge gives each request a `seq` (one
//! more than the account's last) and keeps `seq ↔ flag` in lizi's store (kind
//! [`DOC_KIND`]), so a request can be answered after a restart.

use std::borrow::Cow;
use std::collections::HashMap;

use lizi_core::event::{kind, EventBody};
use lizi_core::{Event, Gin, Uin};
use lizi_onebot::event::{GroupRequestKind, RequestEvent};
use lizi_store::Op;

use crate::notices::event_msg;
use serde::{Deserialize, Serialize};

/// The store document kind of pending requests.
pub const DOC_KIND: &str = "bridge_request";

/// A request the account received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRequest {
    /// The account.
    pub account: Uin,
    /// The XLZ handle (`Msg.Seq`).
    pub seq: i64,
    /// The implementation's handle.
    pub flag: String,
    /// Who asked (or invited).
    pub user: Uin,
    /// The group of a join request or invitation, 0 for a friend request.
    pub group: Gin,
    /// Whether the account was invited into `group`.
    pub invite: bool,
}

/// The pending requests of every account.
#[derive(Debug, Default)]
pub struct RequestMap {
    by_seq: HashMap<(Uin, i64), PendingRequest>,
    by_flag: HashMap<(Uin, String), i64>,
    last_seq: HashMap<Uin, i64>,
}

impl RequestMap {
    /// The map of the requests among the store's documents.
    pub fn load(docs: &[(String, String, String)]) -> RequestMap {
        let mut map = RequestMap::default();
        for (_, _, body) in docs.iter().filter(|(kind, ..)| kind == DOC_KIND) {
            if let Ok(request) = serde_json::from_str::<PendingRequest>(body) {
                map.index(request);
            }
        }
        map
    }

    /// The request `seq` of `account`.
    pub fn get(&self, account: Uin, seq: i64) -> Option<&PendingRequest> {
        self.by_seq.get(&(account, seq))
    }

    /// The XLZ event of a OneBot request, recorded with a new handle, and the op that keeps
    /// it; `None` for a request already seen (same flag) or of an unknown type.
    pub fn receive(
        &mut self,
        account: Uin,
        time: i64,
        event: &RequestEvent,
    ) -> Option<(Op, Event)> {
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
            RequestEvent::Other(_) => return None,
        };
        if self.by_flag.contains_key(&(account, flag.clone())) {
            return None;
        }
        let seq = self.last_seq.get(&account).copied().unwrap_or(0) + 1;
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
        let op = Op::Doc {
            kind: Cow::Borrowed(DOC_KIND),
            key: format!("{account}:{seq}"),
            body: serde_json::to_string(&request).ok(),
        };
        self.index(request);
        Some((op, event))
    }

    fn index(&mut self, request: PendingRequest) {
        let last = self.last_seq.entry(request.account).or_insert(0);
        *last = (*last).max(request.seq);
        self.by_flag
            .insert((request.account, request.flag.clone()), request.seq);
        self.by_seq.insert((request.account, request.seq), request);
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
    fn requests_get_handles_that_survive_a_reload() {
        let mut map = RequestMap::default();
        let friend = request(
            json!({"post_type": "request", "request_type": "friend", "user_id": 5, "comment": "hi", "flag": "f1"}),
        );
        let (op, event) = map.receive(1, 100, &friend).expect("new");
        let Event::EventMsg(event) = event else {
            panic!("an EventMsg")
        };
        assert_eq!(
            (event.msg.kind, event.msg.seq, event.msg.text.as_str()),
            (105, 1, "hi")
        );
        assert!(
            map.receive(1, 100, &friend).is_none(),
            "the same flag again is dropped"
        );
        let invite = request(
            json!({"post_type": "request", "request_type": "group", "sub_type": "invite", "group_id": 9, "user_id": 6, "flag": "g1"}),
        );
        let (_, event) = map.receive(1, 100, &invite).expect("new");
        let Event::EventMsg(event) = event else {
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
        let Op::Doc { kind, key, body } = op else {
            panic!("a document")
        };
        let reloaded = RequestMap::load(&[(kind.into_owned(), key, body.expect("body"))]);
        assert_eq!(reloaded.get(1, 1).map(|r| r.flag.as_str()), Some("f1"));
        assert!(reloaded.get(1, 2).is_none());
    }
}
