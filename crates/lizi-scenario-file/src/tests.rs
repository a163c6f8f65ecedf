//! A recording with every kind of step, turned into a file and read back.

use lizi_core::event::{
    kind, EventBody, EventGroup, EventMsg, GroupMsg, GroupMsgBody, GroupMsgGroup, GroupSender,
    PrivateMsg, PrivateMsgBody, UserRef,
};
use lizi_core::Event;

use crate::steps::{Action, ExpectKind, Step};
use crate::{scenario_file, GroupSeen, MemberSeen, Observed, RecordOptions, Recording, WorldSeen};

const BOT: u64 = 5550001;
const ALICE: u64 = 7770001;
const BOB: u64 = 7770002;
const CAROL: u64 = 7770003;
const GROUP: u64 = 8880001;

fn group_message(at_ms: u64, from: u64, text: &str) -> Observed {
    Observed {
        at_ms,
        event: Event::GroupMsg(GroupMsg {
            from_qq: GroupSender {
                uin: from,
                card: format!("card of {from}"),
                ..Default::default()
            },
            logon_qq: BOT,
            from_group: GroupMsgGroup {
                gin: GROUP,
                name: "真实的群".into(),
            },
            msg: GroupMsgBody {
                text: text.into(),
                ..Default::default()
            },
            ..Default::default()
        }),
        peer: None,
    }
}

fn private_message(at_ms: u64, from: u64, text: &str, peer: Option<u64>) -> Observed {
    Observed {
        at_ms,
        event: Event::PrivateMsg(PrivateMsg {
            from_qq: UserRef {
                uin: from,
                nick_name: "张伟".into(),
            },
            logon_qq: BOT,
            msg: PrivateMsgBody {
                text: text.into(),
                kind: 166,
                ..Default::default()
            },
            ..Default::default()
        }),
        peer,
    }
}

fn notice(at_ms: u64, event_kind: i64, user: u64, operator: u64, text: &str) -> Observed {
    Observed {
        at_ms,
        event: Event::EventMsg(EventMsg {
            from_qq: UserRef {
                uin: user,
                nick_name: "李娜".into(),
            },
            operate_qq: UserRef {
                uin: operator,
                nick_name: String::new(),
            },
            logon_qq: BOT,
            from_group: EventGroup {
                gin: GROUP,
                name: "真实的群".into(),
            },
            msg: EventBody {
                kind: event_kind,
                text: text.into(),
                ..Default::default()
            },
        }),
        peer: None,
    }
}

fn member(uin: u64, nickname: &str) -> MemberSeen {
    MemberSeen {
        uin,
        nickname: nickname.into(),
        card: String::new(),
    }
}

fn recording(anonymise: bool) -> Recording {
    Recording {
        account: BOT,
        observed: vec![
            group_message(1000, ALICE, "ping"),
            group_message(1040, BOT, "pong"),
            group_message(2000, BOB, "just chatting"),
            notice(3000, kind::JOIN_REQUEST, CAROL, CAROL, "let me in"),
            notice(3100, kind::MEMBER_JOINED, CAROL, BOT, ""),
            group_message(3150, BOT, &format!("welcome [@{CAROL}] at 12:30")),
            group_message(4000, ALICE, "oops 张伟"),
            notice(4200, kind::GROUP_RECALL, ALICE, ALICE, "oops 张伟"),
            private_message(5000, ALICE, "ping", None),
            private_message(5030, BOT, "pong", Some(ALICE)),
        ],
        stopped_ms: 6000,
        world: WorldSeen {
            account_nickname: "机器人".into(),
            groups: vec![GroupSeen {
                gin: GROUP,
                name: "真实的群".into(),
                owner: ALICE,
                admins: vec![BOT],
                members: vec![
                    member(BOT, "机器人"),
                    member(ALICE, "张伟"),
                    member(BOB, "王芳"),
                    member(CAROL, "李娜"),
                ],
            }],
            friends: vec![(ALICE, "张伟".into())],
        },
        options: RecordOptions {
            anonymise,
            keep_media: false,
        },
        real_accounts: true,
        bound: 1000,
        ..Default::default()
    }
}

/// The steps of a written file, read back as `lizi test` reads them.
fn steps_of(text: &str) -> Vec<Action> {
    let table: toml::Table = toml::from_str(text).expect("the file is TOML");
    table["step"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
        .map(|(i, step)| {
            Step::parse(i + 1, step.clone(), std::path::Path::new(""))
                .expect("a valid step")
                .action
        })
        .collect()
}

#[test]
fn every_kind_of_event_becomes_its_step() {
    let text = scenario_file(&recording(false), "recorded").expect("written");
    let steps = steps_of(&text);
    let keys: Vec<&str> = steps.iter().map(Action::key).collect();
    assert_eq!(
        keys,
        [
            "say",
            "expect",
            "say",
            "expect_silence",
            "join_request",
            "expect",
            "expect",
            "say",
            "expect_silence",
            "recall",
            "say",
            "expect"
        ],
        "{text}"
    );
    let Action::Expect(pong) = &steps[1] else {
        panic!()
    };
    assert_eq!((pong.text.as_deref(), pong.within_ms), (Some("pong"), 1000));
    let Action::Expect(accept) = &steps[5] else {
        panic!()
    };
    assert_eq!(
        (accept.expect, accept.user),
        (ExpectKind::Accept, Some(CAROL))
    );
    let Action::Expect(welcome) = &steps[6] else {
        panic!()
    };
    let pattern = welcome
        .pattern
        .as_deref()
        .expect("a time changes: a pattern");
    assert!(regex::Regex::new(pattern)
        .unwrap()
        .is_match(&format!("welcome [@{CAROL}] at 9:05")));
    let Action::Expect(private) = &steps[11] else {
        panic!()
    };
    assert_eq!(private.to, Some(ALICE));
    // The world: Carol joined, so she was not a member at the start; Alice is a friend.
    let table: toml::Table = toml::from_str(&text).unwrap();
    let group = &table["world"]["group"][0];
    assert_eq!(group["owner"].as_integer(), Some(ALICE as i64));
    assert_eq!(group["admins"].as_array().unwrap().len(), 1);
    let members: Vec<i64> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_integer().unwrap())
        .collect();
    assert_eq!(members, [BOT as i64, ALICE as i64, BOB as i64]);
    assert!(
        text.contains("WARNING: this file holds real QQ numbers"),
        "{text}"
    );
}

#[test]
fn an_anonymised_file_holds_no_real_number_or_name() {
    let text = scenario_file(&recording(true), "recorded").expect("written");
    for real in [
        BOT.to_string(),
        ALICE.to_string(),
        BOB.to_string(),
        CAROL.to_string(),
        GROUP.to_string(),
        "张伟".into(),
        "李娜".into(),
        "王芳".into(),
        "机器人".into(),
        "真实的群".into(),
    ] {
        assert!(!text.contains(&real), "{real} is in\n{text}");
    }
    let steps = steps_of(&text);
    let Action::Say(ping) = &steps[0] else {
        panic!()
    };
    assert_eq!((ping.from, ping.group), (20001, Some(30001)));
    let Action::Recall(recall) = &steps[9] else {
        panic!()
    };
    assert_eq!(recall.text.as_deref(), Some("oops Alice"));
    assert!(text.contains("account = 10001"), "{text}");
}
