//! The rules of pokes, reactions, essence, announcements, sign-ins, forwards and honours,
//! on a [`World`] directly.

use lizi_core::gray_tip::{GrayTip, SYSTEM_NOTICE};
use lizi_core::{Event, Uin};

use super::day_of;
use crate::control::chat::SimAnnounce;
use crate::control::social::BundleMessage;
use crate::fixture::WorldFixture;
use crate::messages::Target;
use crate::world::World;

/// 2023-11-14 22:13:20 UTC, 2023-11-15 06:13:20 in China.
const T: i64 = 1_700_000_000;
const DAY: i64 = 86_400;

fn world() -> World {
    let mut world = World::from_fixture(&WorldFixture::default_world(), 100);
    world.take_changes();
    world
}

/// `(LogonQQ, FromQQ, OperateQQ, group, Seq, SubType, tip)` of each system notice.
fn tips(events: &[Event]) -> Vec<(Uin, Uin, Uin, u64, i64, i64, GrayTip)> {
    events
        .iter()
        .map(|e| match e {
            Event::EventMsg(m) => {
                assert_eq!(m.msg.kind, SYSTEM_NOTICE);
                let tip = GrayTip::read(m).expect("a gray tip");
                (
                    m.logon_qq,
                    m.from_qq.uin,
                    m.operate_qq.uin,
                    m.from_group.gin,
                    m.msg.seq,
                    m.msg.sub_type,
                    tip,
                )
            }
            other => panic!("not an EventMsg: {other:?}"),
        })
        .collect()
}

fn say(w: &mut World, from: Uin, text: &str, time: i64) -> i64 {
    w.send(from, Target::Group(30001), text, time, 7)
        .expect("sent")
        .0
        .req
}

#[test]
fn pokes_reach_who_sees_them_and_change_nothing() {
    let mut w = world();
    let poke = |operator, target| GrayTip::Poke { operator, target };
    let events = w.poke(20001, 10001, Some(30001), T).unwrap();
    assert_eq!(
        tips(&events),
        [
            (10001, 10001, 20001, 30001, 0, 0, poke(20001, 10001)),
            (10002, 10001, 20001, 30001, 0, 0, poke(20001, 10001)),
        ],
        "the group's two framework accounts see it"
    );
    let events = w.poke(10001, 20001, None, T).unwrap();
    assert_eq!(
        tips(&events),
        [(10001, 20001, 10001, 0, 0, 0, poke(10001, 20001))]
    );
    assert_eq!(w.poke(10001, 10001, None, T).unwrap().len(), 1, "oneself");
    assert!(!w.has_changes());
    // Strangers, outsiders and the muted cannot.
    assert!(w.poke(10001, 20003, None, T).is_err(), "not friends");
    assert!(
        w.poke(20001, 20002, Some(30002), T).is_err(),
        "not a member"
    );
    w.member_mut(30001, 20003).unwrap().mute_until = T + 60;
    assert!(w.poke(20003, 10001, Some(30001), T).is_err(), "muted");
}

#[test]
fn reactions_are_counted_per_face_and_taken_back() {
    let mut w = world();
    let req = say(&mut w, 20001, "hi", T);
    w.take_changes();
    let (count, events) = w.react(20002, 30001, req, "76", true, T).unwrap();
    assert_eq!(count, 1);
    let tip = GrayTip::Reaction {
        operator: 20002,
        code: "76".into(),
        added: true,
    };
    assert_eq!(tips(&events)[0], (10001, 20002, 20002, 30001, req, 1, tip));
    assert_eq!(w.react(10001, 30001, req, "76", true, T).unwrap().0, 2);
    assert!(w.react(10001, 30001, req, "76", true, T).is_err(), "twice");
    assert!(
        w.react(20003, 30001, req, "76", false, T).is_err(),
        "never reacted"
    );
    assert!(
        w.react(20003, 30001, req + 1, "76", true, T).is_err(),
        "no such message"
    );
    assert!(
        w.react(20001, 30002, 1, "76", true, T).is_err(),
        "not a member"
    );
    let view = w.reactions_view(30001, req, Some(20003)).unwrap();
    assert_eq!(view["reactions"][0]["count"], 2);
    assert_eq!(view["reactions"][0]["users"][1]["uin"], 10001);
    let (count, events) = w.react(20002, 30001, req, "76", false, T).unwrap();
    assert_eq!((count, tips(&events)[0].5), (1, 1));
    w.react(10001, 30001, req, "76", false, T).unwrap();
    assert!(w.reactions.is_empty(), "no reaction left, no row left");
}

#[test]
fn only_managers_mark_essence_once() {
    let mut w = world();
    let req = say(&mut w, 20002, "worth keeping", T);
    assert!(
        w.set_essence(20003, 30001, req, true, T).is_err(),
        "a member"
    );
    let events = w.set_essence(10001, 30001, req, true, T + 5).unwrap();
    let tip = GrayTip::Essence {
        operator: 10001,
        sender: 20002,
        added: true,
    };
    assert_eq!(tips(&events)[0], (10001, 20002, 10001, 30001, req, 0, tip));
    assert!(
        w.set_essence(20001, 30001, req, true, T).is_err(),
        "already"
    );
    let view = w.essence_view(30001, Some(20003)).unwrap();
    assert_eq!(view["essence"][0]["text"], "worth keeping");
    assert_eq!(view["essence"][0]["operator_time"], T + 5);
    assert!(w.essence_view(30001, Some(20009)).is_err(), "not a member");
    let events = w.set_essence(20001, 30001, req, false, T).unwrap();
    assert!(matches!(
        tips(&events)[0].6,
        GrayTip::Essence { added: false, .. }
    ));
    assert!(
        w.set_essence(20001, 30001, req, false, T).is_err(),
        "not marked"
    );
    assert!(w.essence.is_empty());
}

#[test]
fn announcements_are_posted_listed_and_deleted_by_managers() {
    let mut w = world();
    let post = |operator, text: &str| SimAnnounce {
        operator,
        group: 30001,
        text: text.into(),
        image: None,
        pinned: false,
        confirm_required: true,
    };
    assert!(w.announce(&post(20003, "x"), T).is_err(), "a member");
    let first = w.announce(&post(10001, "first"), T).unwrap();
    let second = w.announce(&post(20001, "second"), T + 1).unwrap();
    assert_eq!(first.len(), 32);
    let with_picture = SimAnnounce {
        image: Some("0123456789ABCDEF0123456789ABCDEF".into()),
        ..post(20001, "x")
    };
    assert!(w.announce(&with_picture, T).is_err(), "an unknown picture");
    assert!(w.announce(&post(20001, &"长".repeat(1001)), T).is_err());
    let view = w.announcements_view(30001, None).unwrap();
    assert_eq!(view["announcements"][0]["notice_id"], second.as_str());
    assert_eq!(view["announcements"][1]["text"], "first");
    assert!(w.delete_announcement(20003, 30001, &first).is_err());
    w.delete_announcement(20001, 30001, &first).unwrap();
    assert!(w.delete_announcement(20001, 30001, &first).is_err(), "gone");
    assert_eq!(w.announcements.len(), 1);
}

#[test]
fn sign_ins_count_once_a_day() {
    let mut w = world();
    assert_eq!(w.sign_in(20002, 30001, T).unwrap().rank, 1);
    w.take_changes();
    assert_eq!(w.sign_in(20002, 30001, T + 60).unwrap().time, T, "again");
    assert!(
        !w.has_changes(),
        "a second sign-in the same day changes nothing"
    );
    assert_eq!(w.sign_in(10001, 30001, T + 60).unwrap().rank, 2);
    assert_eq!(
        w.sign_in(10001, 30001, T + DAY).unwrap().rank,
        1,
        "a new day"
    );
    assert!(w.sign_in(20003, 30002, T).is_err(), "not a member");
    let view = w.sign_ins_view(30001, day_of(T), None).unwrap();
    assert_eq!(view["sign_ins"][1]["uin"], 10001);
}

#[test]
fn a_forward_keeps_its_bundle_and_sends_its_card() {
    let mut w = world();
    let messages = [
        BundleMessage {
            from: 20002,
            group: Some(30001),
            text: "one".into(),
            name: None,
            time: Some(T - 60),
        },
        BundleMessage {
            from: 88888,
            group: None,
            text: "made up".into(),
            name: Some("someone".into()),
            time: None,
        },
    ];
    let (resid, receipt, events) = w
        .send_forward(10001, Target::Group(30001), &messages, T, 9)
        .unwrap();
    assert_eq!(events.len(), 2, "both framework accounts of the group");
    let Event::GroupMsg(card) = &events[0] else {
        panic!("a group message")
    };
    assert!(
        card.msg.text.starts_with("[Xml,Data=<?xml"),
        "{}",
        card.msg.text
    );
    assert!(card.msg.text.contains(&format!("m_resid=\"{resid}\"")));
    let read = w.bundle_messages(10002, &resid).unwrap();
    assert_eq!(read[0].time_stamp.send, T - 60);
    assert_eq!(
        (read[1].from_qq.uin, read[1].from_qq.card.as_str()),
        (88888, "someone")
    );
    assert_eq!(receipt.req, 1);
    // A refused send keeps no bundle.
    w.take_changes();
    let refused = w.send_forward(10001, Target::Private(20003), &messages, T, 9);
    assert!(refused.is_err(), "not friends");
    assert!(!w.has_changes());
    let nameless = [BundleMessage {
        name: None,
        ..messages[1].clone()
    }];
    assert!(w
        .send_forward(10001, Target::Group(30001), &nameless, T, 9)
        .is_err());
    assert!(w
        .send_forward(10001, Target::Group(30001), &[], T, 9)
        .is_err());
}

#[test]
fn the_talkative_honour_follows_yesterdays_messages() {
    let fixture = WorldFixture::from_toml(&include_str!("../../worlds/default.toml").replace(
        "name = \"lizi test group\"",
        "name = \"lizi test group\"\nhonours = { performer = [20002], emotion = [20001] }",
    ))
    .unwrap();
    let mut w = World::from_fixture(&fixture, 100);
    let today = T;
    for (from, days_ago) in [(20002, 2), (20002, 1), (20001, 1), (20001, 1), (20003, 0)] {
        say(&mut w, from, "x", today - days_ago * DAY);
    }
    let view = w.honours_view(30001, Some(10001), today).unwrap();
    assert_eq!(view["current_talkative"]["uin"], 20001);
    assert_eq!(view["current_talkative"]["day_count"], 1);
    assert_eq!(view["talkative"][0]["uin"], 20001);
    assert_eq!(view["talkative"][1]["uin"], 20002);
    assert_eq!(view["performer"][0]["uin"], 20002);
    assert_eq!(view["emotion"][0]["nickname"], "Alice");
    assert_eq!(view["legend"], serde_json::json!([]));
    // A day later, nobody spoke yesterday: no current holder.
    let later = w.honours_view(30001, None, today + 2 * DAY).unwrap();
    assert!(later["current_talkative"].is_null());
    assert!(
        w.honours_view(30002, Some(20001), today).is_err(),
        "not a member"
    );
}

/// Adds a row to each table of this area, for the persistence tests (about the newest
/// message of group 30001, sent here only when there is none).
pub(crate) fn add_chat_rows(w: &mut World) {
    let newest = w.messages_page(crate::world::ConvKey::Group(30001), None, 1);
    let req = match newest.unwrap().first() {
        Some(message) => message.req,
        None => say(w, 20001, "kept", T),
    };
    w.set_essence(10001, 30001, req, true, T).unwrap();
    w.react(20002, 30001, req, "76", true, T).unwrap();
    let post = SimAnnounce {
        operator: 10001,
        group: 30001,
        text: "notice".into(),
        image: None,
        pinned: true,
        confirm_required: false,
    };
    w.announce(&post, T).unwrap();
    w.sign_in(20002, 30001, T).unwrap();
    w.honours.insert(30001, crate::fixture::Honours::default());
}
