//! Events read tolerantly and write exactly as NapCat does.

use lizi_onebot::event::*;
use lizi_onebot::{Body, Event, Segment};
use serde_json::{json, Value};

fn parse(value: Value) -> Event {
    Event::parse(value).expect("object")
}

#[test]
fn a_group_message_is_written_with_napcat_names_and_number_ids() {
    let event = Event {
        time: 1_700_000_000,
        self_id: 10001,
        body: Body::Message(MessageEvent::Group(GroupMessage {
            sub_type: GroupSubType::Normal,
            message_id: -5,
            group_id: 20002,
            user_id: 30003,
            anonymous: None,
            message: vec![Segment::text("hi "), Segment::at(10001)],
            raw_message: "hi [CQ:at,qq=10001]".into(),
            font: 14,
            sender: Sender {
                user_id: 30003,
                nickname: "A".into(),
                card: Some(String::new()),
                role: Some(Role::Member),
                ..Sender::default()
            },
            group_name: None,
            extras: MessageExtras {
                message_seq: Some(77),
                real_id: None,
                real_seq: Some("77".into()),
                message_format: Some("array".into()),
            },
            message_style: None,
        })),
    };
    let written = serde_json::to_string(&event).expect("json");
    assert_eq!(
        written,
        concat!(
            r#"{"time":1700000000,"self_id":10001,"post_type":"message","message_type":"group","#,
            r#""sub_type":"normal","message_id":-5,"group_id":20002,"user_id":30003,"anonymous":null,"#,
            r#""message":[{"type":"text","data":{"text":"hi "}},{"type":"at","data":{"qq":"10001"}}],"#,
            r#""raw_message":"hi [CQ:at,qq=10001]","font":14,"#,
            r#""sender":{"user_id":30003,"nickname":"A","card":"","role":"member"},"#,
            r#""message_seq":77,"real_seq":"77","message_format":"array"}"#
        )
    );
    assert_eq!(parse(serde_json::from_str(&written).expect("json")), event);
}

#[test]
fn ids_given_as_strings_are_written_back_as_numbers() {
    let event = parse(json!({
        "time": "1700000000", "self_id": "10001", "post_type": "notice",
        "notice_type": "group_ban", "sub_type": "ban", "group_id": "20002",
        "operator_id": "30003", "user_id": "40004", "duration": "600"
    }));
    assert_eq!(
        event.to_value(),
        json!({
            "time": 1700000000, "self_id": 10001, "post_type": "notice",
            "notice_type": "group_ban", "sub_type": "ban", "group_id": 20002,
            "operator_id": 30003, "user_id": 40004, "duration": 600
        })
    );
}

#[test]
fn a_private_message_as_a_cq_string_reads_as_segments() {
    let event = parse(json!({
        "time": 1, "self_id": 1, "post_type": "message", "message_type": "private",
        "sub_type": "friend", "message_id": 9, "user_id": 2,
        "message": "&#91;hi&#93;[CQ:face,id=14]", "raw_message": "", "font": 0,
        "sender": {"user_id": 2, "nickname": "B", "sex": "male", "age": "18"}
    }));
    let Body::Message(MessageEvent::Private(message)) = event.body else {
        panic!("not private")
    };
    assert_eq!(
        message.message,
        vec![Segment::text("[hi]"), Segment::face(14)]
    );
    assert_eq!(
        (message.sender.sex, message.sender.age),
        (Some(Sex::Male), Some(18))
    );
}

#[test]
fn unknown_types_keep_the_raw_event_and_write_it_back() {
    let raw = json!({
        "time": 1, "self_id": 1, "post_type": "notice", "notice_type": "group_msg_emoji_like",
        "group_id": 5, "likes": [{"emoji_id": "76", "count": 1}]
    });
    let event = parse(raw.clone());
    assert!(matches!(event.body, Body::Notice(Notice::Other(_))));
    assert_eq!(event.to_value(), raw);
    let notify = json!({"time": 1, "self_id": 1, "post_type": "notice", "notice_type": "notify",
        "sub_type": "input_status", "status_text": "typing"});
    let event = parse(notify.clone());
    assert!(matches!(
        event.body,
        Body::Notice(Notice::Notify(Notify::Other(_)))
    ));
    assert_eq!(event.to_value(), notify);
    let odd = json!({"time": 1, "self_id": 1, "post_type": "message_reaction", "x": 1});
    assert!(matches!(parse(odd.clone()).body, Body::Unknown(_)));
    assert_eq!(parse(odd.clone()).to_value(), odd);
    assert!(Event::parse(json!([1])).is_err());
}

#[test]
fn a_body_of_the_wrong_shape_falls_back_to_raw_instead_of_failing() {
    let raw = json!({"time": 1, "self_id": 1, "post_type": "request", "request_type": "friend",
        "user_id": {"not": "an id"}, "flag": "f"});
    assert!(matches!(
        parse(raw).body,
        Body::Request(RequestEvent::Other(_))
    ));
}

#[test]
fn every_standard_notice_request_and_meta_event_is_typed() {
    let cases = [
        json!({"notice_type": "group_upload", "group_id": 1, "user_id": 2,
            "file": {"id": "/f", "name": "a.txt", "size": 3, "busid": 102}}),
        json!({"notice_type": "group_admin", "sub_type": "set", "group_id": 1, "user_id": 2}),
        json!({"notice_type": "group_decrease", "sub_type": "kick_me", "group_id": 1,
            "operator_id": 3, "user_id": 2}),
        json!({"notice_type": "friend_add", "user_id": 2}),
        json!({"notice_type": "group_recall", "group_id": 1, "user_id": 2, "operator_id": 2,
            "message_id": -3}),
        json!({"notice_type": "friend_recall", "user_id": 2, "message_id": 3}),
        json!({"notice_type": "notify", "sub_type": "lucky_king", "group_id": 1, "user_id": 2,
            "target_id": 3}),
        json!({"notice_type": "notify", "sub_type": "honor", "group_id": 1,
            "honor_type": "talkative", "user_id": 2}),
        json!({"notice_type": "group_card", "group_id": 1, "user_id": 2, "card_new": "n",
            "card_old": "o"}),
        json!({"notice_type": "essence", "sub_type": "add", "group_id": 1, "sender_id": 2,
            "operator_id": 3, "message_id": 4}),
        json!({"notice_type": "bot_offline", "user_id": 1, "tag": "kicked", "message": "m"}),
    ];
    for case in cases {
        let mut raw = json!({"time": 1, "self_id": 9, "post_type": "notice"});
        if let (Some(target), Some(fields)) = (raw.as_object_mut(), case.as_object()) {
            target.extend(fields.clone());
        }
        let event = parse(raw.clone());
        let Body::Notice(notice) = &event.body else {
            panic!("{case}")
        };
        assert!(
            !matches!(notice, Notice::Other(_) | Notice::Notify(Notify::Other(_))),
            "{case}"
        );
        assert_eq!(event.to_value(), raw, "written back exactly");
    }
    let group_request = json!({"time": 1, "self_id": 9, "post_type": "request",
        "request_type": "group", "sub_type": "add", "group_id": 1, "user_id": 2,
        "comment": "c", "flag": "f", "invitor_id": 3});
    assert_eq!(parse(group_request.clone()).to_value(), group_request);
    let lifecycle = json!({"time": 1, "self_id": 9, "post_type": "meta_event",
        "meta_event_type": "lifecycle", "sub_type": "connect"});
    let event = parse(lifecycle.clone());
    assert!(matches!(
        event.body,
        Body::Meta(MetaEvent::Lifecycle(Lifecycle {
            sub_type: LifecycleKind::Connect
        }))
    ));
    assert_eq!(event.to_value(), lifecycle);
}

#[test]
fn message_sent_and_anonymous_group_messages() {
    let sent = parse(json!({"time": 1, "self_id": 9, "post_type": "message_sent",
        "message_type": "group", "sub_type": "anonymous", "message_id": 1, "group_id": 2,
        "user_id": 80000000, "anonymous": {"id": 5, "name": "匿名", "flag": "f|5"},
        "message": [], "raw_message": "", "font": 0, "sender": {"user_id": 80000000}}));
    let Body::MessageSent(MessageEvent::Group(message)) = sent.body else {
        panic!("not sent")
    };
    assert_eq!(message.sub_type, GroupSubType::Anonymous);
    assert_eq!(message.anonymous.map(|a| a.flag), Some("f|5".to_owned()));
}

#[test]
fn an_event_whose_fields_do_not_fit_says_why_and_an_unknown_kind_does_not() {
    let bad_id = parse(json!({"post_type": "message", "message_type": "group",
        "message_id": "abc", "group_id": 1, "user_id": 2, "message": "x"}));
    assert!(
        bad_id.misfit().is_some_and(|why| why.contains("integer")),
        "{:?}",
        bad_id.misfit()
    );
    assert_eq!(bad_id.kind(), "message/group");
    let bad_group = parse(json!({"post_type": "notice", "notice_type": "group_recall",
        "group_id": "abc", "user_id": 2, "operator_id": 2, "message_id": 5}));
    assert!(bad_group.misfit().is_some());
    assert_eq!(bad_group.kind(), "notice/group_recall");
    let bad_poke = parse(json!({"post_type": "notice", "notice_type": "notify",
        "sub_type": "poke", "user_id": [1]}));
    assert!(bad_poke.misfit().is_some());
    assert_eq!(bad_poke.kind(), "notice/notify/poke");
    let unknown = parse(json!({"post_type": "message", "message_type": "guild", "x": "y"}));
    assert_eq!(
        (unknown.misfit(), unknown.kind()),
        (None, "message/guild".into())
    );
    let fine = parse(json!({"post_type": "message", "message_type": "private",
        "message_id": 1, "user_id": 2, "message": "x"}));
    assert_eq!(fine.misfit(), None);
    assert_eq!(parse(json!({"x": 1})).kind(), "unknown");
}
