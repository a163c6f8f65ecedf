//! Card messages and forwarded bundles (docs/bridge.md#what-works-on-each-implementation): JSON and XML cards and shared
//! music go out as `json`, `xml` and `music` segments through the common send path;
//! `/getforwardedmsg` reads `get_forward_msg`'s nodes as XLZ group messages.

use lizi_core::event::{group_kind, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender, TimeStamp};
use lizi_core::textcode::{self, Segment as Piece};
use lizi_core::{Reply, Request, Uin};
use lizi_onebot::lenient::{as_i64, as_u64};
use lizi_onebot::message::to_cq_string;
use lizi_onebot::xlz::reported_text;
use lizi_onebot::Segment;
use serde_json::{json, Value};

use super::outcome::{
    call, invalid, text_field, Context, Plan, Planned, Read, Send, NO_ANONYMOUS_SEND,
};
use crate::state::identity::Conversation;

/// Which card a payload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Card {
    Json,
    Xml,
}

/// The card's segment and its XLZ text (`[Json,Data=…]`, `[Xml,Data=…]`, the payload
/// escaped as message text is), or why the payload is not such a card.
fn card(kind: Card, payload: &str) -> Result<(Segment, String), String> {
    let escaped = textcode::print(&[Piece::Text(payload.to_owned())]);
    match kind {
        Card::Json => match serde_json::from_str::<Value>(payload) {
            Ok(value) if value.is_object() => {
                Ok((Segment::json(payload), format!("[Json,Data={escaped}]")))
            }
            Ok(_) => Err("a JSON card must be a JSON object".into()),
            Err(error) => Err(format!("the card is not valid JSON: {error}")),
        },
        Card::Xml => {
            let trimmed = payload.trim();
            if trimmed.starts_with('<') && trimmed.ends_with('>') {
                Ok((Segment::xml(payload), format!("[Xml,Data={escaped}]")))
            } else {
                Err("the card is not XML (it must start with `<` and end with `>`)".into())
            }
        }
    }
}

/// A card send, or the failure of a bad card or of an anonymous one.
fn card_send(
    account: Uin,
    conversation: Conversation,
    kind: Card,
    payload: &str,
    anonymous: Option<bool>,
) -> Planned {
    if anonymous == Some(true) {
        return invalid(NO_ANONYMOUS_SEND);
    }
    match card(kind, payload) {
        Ok((segment, text)) => Some(Ok(Plan::Send(Send {
            account,
            conversation,
            message: vec![segment],
            text,
            done_only: false,
        }))),
        Err(why) => invalid(why),
    }
}

/// The plan of `request`, if it is one of these endpoints.
pub fn plan(request: &Request, _context: &Context<'_>) -> Planned {
    use Request as R;
    match request {
        R::SendPrivateJsonMsg(r) => card_send(
            r.fromqq,
            Conversation::Friend(r.toqq),
            Card::Json,
            &r.json,
            None,
        ),
        R::SendGroupJsonMsg(r) => card_send(
            r.fromqq,
            Conversation::Group(r.togroup),
            Card::Json,
            &r.json,
            r.anonymous,
        ),
        R::SendPrivateXmlMsg(r) => card_send(
            r.fromqq,
            Conversation::Friend(r.toqq),
            Card::Xml,
            &r.xml,
            None,
        ),
        R::SendGroupXmlMsg(r) => card_send(
            r.fromqq,
            Conversation::Group(r.togroup),
            Card::Xml,
            &r.xml,
            r.anonymous,
        ),
        R::ShareMusic(r) => {
            let conversation = if r.totype == Some(1) {
                Conversation::Group(r.to)
            } else {
                Conversation::Friend(r.to)
            };
            let music = Segment::new(
                "music",
                &[
                    ("type", "custom".into()),
                    ("url", r.jumpurl.clone()),
                    ("audio", r.fileurl.clone()),
                    ("title", r.musicname.clone()),
                    ("content", r.singername.clone().unwrap_or_default()),
                    ("image", r.wrapperurl.clone()),
                ],
            );
            let text = textcode::print(&[Piece::Text(to_cq_string(std::slice::from_ref(&music)))]);
            Some(Ok(Plan::Send(Send {
                account: r.logonqq,
                conversation,
                message: vec![music],
                text,
                done_only: true,
            })))
        }
        R::GetForwardedMsg(r) => call(
            r.logonqq,
            "get_forward_msg",
            json!({"id": r.resid}),
            Read::Forwarded(r.logonqq),
        ),
        _ => None,
    }
}

/// One forwarded node as an XLZ group message of `account`, numbered `req`: a message
/// event (NapCat, LLOneBot), or Lagrange.OneBot's `node` segment (its `data` holds
/// `user_id`, `nickname` and `content`).
fn node_message(account: Uin, node: &Value, req: i64) -> GroupMsg {
    let node = match node.get("type").and_then(Value::as_str) {
        Some("node") => node.get("data").unwrap_or(&Value::Null),
        _ => node,
    };
    let sender = node.get("sender").unwrap_or(node);
    let card = text_field(sender, &["card"])
        .filter(|card| !card.is_empty())
        .or_else(|| text_field(sender, &["nickname"]))
        .unwrap_or("")
        .to_owned();
    let content = node
        .get("message")
        .or_else(|| node.get("content"))
        .unwrap_or(&Value::Null);
    let segments = lizi_onebot::message::parse(content).unwrap_or_default();
    let (text, _) = reported_text(&segments, |_| None);
    let time = node.get("time").and_then(as_i64).unwrap_or(0);
    let uin = node
        .get("user_id")
        .or_else(|| sender.get("user_id"))
        .and_then(as_u64)
        .unwrap_or(0);
    GroupMsg {
        from_qq: GroupSender {
            uin,
            card,
            ..GroupSender::default()
        },
        logon_qq: account,
        time_stamp: TimeStamp {
            recv: time,
            send: time,
        },
        from_group: GroupMsgGroup {
            gin: node.get("group_id").and_then(as_u64).unwrap_or(0),
            name: String::new(),
        },
        msg: GroupMsgBody {
            req,
            sub_type: group_kind::ORDINARY,
            text,
            ..GroupMsgBody::default()
        },
        ..GroupMsg::default()
    }
}

/// The reply of a forwarded-bundle read; `None` when the data lists no messages.
pub fn read(read: Read, data: &Value) -> Option<Reply> {
    let Read::Forwarded(account) = read else {
        return None;
    };
    let nodes = data
        .get("messages")
        .or_else(|| data.get("message"))
        .or(Some(data))
        .and_then(Value::as_array)?;
    Some(Reply::Forwarded(
        nodes
            .iter()
            .zip(1..)
            .map(|(node, req)| node_message(account, node, req))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::implementation::Implementation;
    use crate::state::names::Names;
    use lizi_core::endpoint as xlz;
    use lizi_core::FailureKind;

    fn planned(request: Request) -> Planned {
        let names = Names::in_memory();
        let implementation = Implementation::Unknown;
        let context = Context {
            implementation: &implementation,
            names: &names,
            any_account: None,
            now: 0,
        };
        plan(&request, &context)
    }

    fn sent(request: Request) -> Send {
        match planned(request) {
            Some(Ok(Plan::Send(send))) => send,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cards_are_segments_sent_like_text() {
        let json_card = sent(Request::SendGroupJsonMsg(xlz::SendGroupJsonMsg {
            fromqq: 1,
            togroup: 3,
            json: r#"{"app":"a","x":[1]}"#.into(),
            anonymous: None,
        }));
        assert_eq!(json_card.conversation, Conversation::Group(3));
        assert_eq!(
            json_card.message,
            vec![Segment::json(r#"{"app":"a","x":[1]}"#)]
        );
        assert_eq!(
            json_card.text,
            r#"[Json,Data={"app":"a","x":\u005b1\u005d}]"#
        );
        assert!(!json_card.done_only);
        let xml_card = sent(Request::SendPrivateXmlMsg(xlz::SendPrivateXmlMsg {
            fromqq: 1,
            toqq: 2,
            xml: "<msg/>".into(),
        }));
        assert_eq!(
            (xml_card.conversation, xml_card.text.as_str()),
            (Conversation::Friend(2), "[Xml,Data=<msg/>]")
        );
        for bad in [
            Request::SendPrivateJsonMsg(xlz::SendPrivateJsonMsg {
                fromqq: 1,
                toqq: 2,
                json: "[1]".into(),
            }),
            Request::SendGroupXmlMsg(xlz::SendGroupXmlMsg {
                fromqq: 1,
                togroup: 3,
                xml: "hello".into(),
                anonymous: None,
            }),
            Request::SendGroupJsonMsg(xlz::SendGroupJsonMsg {
                fromqq: 1,
                togroup: 3,
                json: "{}".into(),
                anonymous: Some(true),
            }),
        ] {
            assert!(
                matches!(planned(bad.clone()), Some(Err(f)) if f.kind == FailureKind::Invalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn music_is_a_custom_music_segment() {
        let music = sent(Request::ShareMusic(xlz::ShareMusic {
            logonqq: 1,
            totype: Some(1),
            to: 3,
            musicname: "t".into(),
            singername: Some("s".into()),
            jumpurl: "http://j".into(),
            wrapperurl: "http://p".into(),
            fileurl: "http://m".into(),
            apptype: None,
        }));
        assert_eq!(music.conversation, Conversation::Group(3));
        assert!(music.done_only);
        let data = &music.message[0];
        assert_eq!(data.kind, "music");
        for (key, value) in [
            ("type", "custom"),
            ("url", "http://j"),
            ("audio", "http://m"),
            ("title", "t"),
            ("content", "s"),
            ("image", "http://p"),
        ] {
            assert_eq!(data.get_text(key).as_deref(), Some(value), "{key}");
        }
    }

    #[test]
    fn forwarded_nodes_become_group_messages() {
        let Some(Ok(Plan::Call(call))) = planned(Request::GetForwardedMsg(xlz::GetForwardedMsg {
            logonqq: 1,
            resid: "abc".into(),
        })) else {
            panic!("a call");
        };
        assert_eq!(
            (call.action, call.params),
            ("get_forward_msg", json!({"id": "abc"}))
        );
        let data = json!({"messages": [
            {"time": 9, "user_id": 2, "group_id": 3, "sender": {"user_id": 2, "nickname": "two"},
             "content": [{"type": "text", "data": {"text": "hi"}}]},
            {"time": 9, "sender": {"user_id": "4", "nickname": "n", "card": "four"},
             "message": [{"type": "text", "data": {"text": "yo"}}]},
        ]});
        let Some(Reply::Forwarded(messages)) = read(Read::Forwarded(1), &data) else {
            panic!("messages");
        };
        assert_eq!(messages.len(), 2);
        assert_eq!(
            (
                messages[0].from_qq.uin,
                messages[0].from_qq.card.as_str(),
                messages[0].msg.text.as_str(),
                messages[0].from_group.gin,
                messages[0].logon_qq
            ),
            (2, "two", "hi", 3, 1)
        );
        assert_eq!(
            (messages[1].from_qq.card.as_str(), messages[1].msg.req),
            ("four", 2)
        );
        assert_eq!(read(Read::Forwarded(1), &json!({"x": 1})), None);
        // Lagrange.OneBot lists node segments under `message`.
        let lagrange = json!({"message": [{"type": "node", "data": {
            "user_id": "5", "nickname": "five",
            "content": [{"type": "text", "data": {"text": "node"}}]}}]});
        let Some(Reply::Forwarded(messages)) = read(Read::Forwarded(1), &lagrange) else {
            panic!("messages");
        };
        assert_eq!(
            (
                messages[0].from_qq.uin,
                messages[0].from_qq.card.as_str(),
                messages[0].msg.text.as_str()
            ),
            (5, "five", "node")
        );
    }
}
