//! The rules of the social area, on a [`World`] directly.

use lizi_core::event::kind;
use lizi_core::{Event, Uin};

use super::requests::{RequestKind, Verdict};
use crate::fixture::WorldFixture;
use crate::messages::Target;
use crate::world::{pair, World};

const T: i64 = 1_700_000_000;

fn world() -> World {
    let mut world = World::from_fixture(&WorldFixture::default_world(), 100);
    world.take_changes();
    world
}

/// `(LogonQQ, Type, FromQQ, Seq, Text)` of each event.
fn seen(events: &[Event]) -> Vec<(Uin, i64, Uin, i64, String)> {
    events
        .iter()
        .map(|e| match e {
            Event::EventMsg(m) => (
                m.logon_qq,
                m.msg.kind,
                m.from_qq.uin,
                m.msg.seq,
                m.msg.text.clone(),
            ),
            other => panic!("not an EventMsg: {other:?}"),
        })
        .collect()
}

#[test]
fn a_users_friend_request_is_accepted_by_the_account() {
    let mut w = world();
    let (seq, events) = w.ask_friend(20003, 10001, "hi", "", T).unwrap();
    assert_eq!(
        seen(&events),
        [(10001, kind::FRIEND_REQUEST, 20003, seq, "hi".into())]
    );
    assert_eq!(w.requests.get(&seq).unwrap().kind, RequestKind::Friend);
    w.take_changes();

    // Wrong asker, wrong account, unknown handle: nothing changes.
    assert!(w
        .answer_friend_as_account(10001, 20002, seq, true, T)
        .is_err());
    assert!(w
        .answer_friend_as_account(10002, 20003, seq, true, T)
        .is_err());
    assert!(w
        .answer_friend_as_account(10001, 20003, seq + 9, true, T)
        .is_err());
    assert!(
        w.ask_friend(20003, 10001, "again", "", T).is_err(),
        "pending"
    );
    assert!(
        w.ask_friend(20001, 10001, "", "", T).is_err(),
        "already friends"
    );
    assert!(w.ask_friend(20003, 20003, "", "", T).is_err(), "self");
    assert!(!w.has_changes());

    let events = w
        .answer_friend_as_account(10001, 20003, seq, true, T)
        .unwrap();
    assert_eq!(
        seen(&events),
        [(10001, kind::NEW_FRIEND, 20003, 0, String::new())]
    );
    assert!(w.friendships.contains_key(&pair(10001, 20003)));
    assert!(w.requests.is_empty());
    assert!(
        w.answer_friend_as_account(10001, 20003, seq, true, T)
            .is_err(),
        "answered"
    );
}

#[test]
fn an_accounts_friend_request_is_answered_by_the_user() {
    let mut w = world();
    let (seq, events) = w.ask_friend(10002, 20002, "hello", "Bobby", T).unwrap();
    assert!(events.is_empty(), "Bob is no framework account");
    assert!(
        w.answer_as_user(20001, seq, true, "", T).is_err(),
        "not Alice's"
    );
    assert!(
        w.answer_as_user(10001, seq, true, "", T).is_err(),
        "an account"
    );
    let events = w.answer_as_user(20002, seq, true, "", T).unwrap();
    assert_eq!(
        seen(&events),
        [
            (10002, kind::FRIEND_ACCEPTED, 20002, 0, String::new()),
            (10002, kind::NEW_FRIEND, 20002, 0, String::new()),
        ]
    );
    assert_eq!(w.remark_of(10002, 20002), "Bobby");
    assert_eq!(w.remark_of(20002, 10002), "", "the remark is one side's");

    let (seq, _) = w.ask_friend(10002, 20003, "", "", T).unwrap();
    let events = w.answer_as_user(20003, seq, false, "", T).unwrap();
    assert_eq!(
        seen(&events),
        [(10002, kind::FRIEND_REFUSED, 20003, 0, String::new())]
    );
    assert!(!w.friendships.contains_key(&pair(10002, 20003)));
}

#[test]
fn join_requests_reach_the_managers_and_are_answered() {
    let mut w = world();
    let (seq, events) = w.ask_join(20001, 30002, "let me in", T).unwrap();
    assert_eq!(
        seen(&events),
        [(10001, kind::JOIN_REQUEST, 20001, seq, "let me in".into())],
        "only the owner 10001 manages 30002"
    );
    let answer = |w: &mut World, account, verdict| {
        w.answer_group_as_account(account, 30002, 20001, seq, verdict, false, "", T)
    };
    assert!(
        answer(&mut w, 10002, Verdict::Accept).is_err(),
        "not a member"
    );
    let events = answer(&mut w, 10001, Verdict::Accept).unwrap();
    assert_eq!(
        seen(&events),
        [(10001, kind::MEMBER_JOINED, 20001, 0, String::new())]
    );
    assert!(w.group(30002).unwrap().members.contains_key(&20001));
    assert!(w.ask_join(20001, 30002, "", T).is_err(), "already a member");

    // An account's request, refused with a reason; then one from someone blocked.
    let (seq, _) = w.ask_join(10002, 30002, "", T).unwrap();
    assert!(
        w.answer_as_user(20002, seq, false, "", T).is_err(),
        "Bob is a member"
    );
    let events = w
        .answer_group_as_account(10001, 30002, 10002, seq, Verdict::Refuse, false, "no", T)
        .unwrap();
    assert_eq!(
        seen(&events),
        [(10002, kind::JOIN_REFUSED, 10002, 0, "no".into())]
    );
    w.groups.get_mut(&30002).unwrap().blocked.insert(20003);
    assert!(w.ask_join(20003, 30002, "", T).is_err());
    assert!(w.requests.is_empty());
}

#[test]
fn invitations_honour_the_invite_mode() {
    let mut w = world();
    let (seq, events) = w.invite(20002, 10002, 30002, T).unwrap();
    assert_eq!(
        seen(&events),
        [(10002, kind::INVITED, 20002, seq, String::new())]
    );
    assert!(
        w.invite(20002, 20003, 30002, T).is_err(),
        "only accounts are invited"
    );
    assert!(
        w.invite(20003, 10002, 30002, T).is_err(),
        "Carol is no member"
    );

    w.groups.get_mut(&30002).unwrap().settings.invite_way = 2;
    let events = w
        .answer_group_as_account(10002, 30002, 20002, seq, Verdict::Accept, true, "", T)
        .unwrap();
    let join = *w.requests.keys().next().unwrap();
    assert_eq!(
        seen(&events),
        [(
            10001,
            kind::JOIN_REQUEST,
            10002,
            join,
            "invited by 20002".into()
        )],
        "an admin must approve what a member invites"
    );
    let events = w
        .answer_group_as_account(10001, 30002, 10002, join, Verdict::Accept, false, "", T)
        .unwrap();
    assert_eq!(
        seen(&events),
        [
            (10001, kind::MEMBER_JOINED, 10002, 0, String::new()),
            (10002, kind::MEMBER_JOINED, 10002, 0, String::new()),
        ]
    );

    w.groups.get_mut(&30002).unwrap().settings.invite_in = false;
    assert!(
        w.invite(20002, 10002, 30002, T).is_err(),
        "members may not invite"
    );
}

#[test]
fn ignored_friends_are_not_delivered() {
    let mut w = world();
    w.set_friend_flag(10001, 20001, |s| s.ignore = true)
        .unwrap();
    assert!(w.ignores(10001, 20001) && !w.ignores(20001, 10001));
    let (_, events) = w.send(20001, Target::Private(10001), "x", T, 1).unwrap();
    assert!(events.is_empty());
    let (_, events) = w.send(10001, Target::Private(20001), "y", T, 2).unwrap();
    assert_eq!(events.len(), 1, "the account still sees its own");
    assert!(w.set_friend_flag(10001, 20003, |s| s.care = true).is_err());
}

#[test]
fn likes_are_limited_per_day() {
    let mut w = world();
    for n in 1..=10 {
        let events = w.like(10002, 10001, T).unwrap();
        assert_eq!(
            seen(&events),
            [(10001, kind::LIKED, 10002, 0, n.to_string())]
        );
    }
    assert!(w.like(10002, 10001, T).is_err());
    assert!(w.like(10001, 20003, T).is_err(), "friends only");
    let info = w.user_info(10002, 10001, T).unwrap();
    assert_eq!(
        (info.c_like, info.today_c_like, info.today_liked),
        (10, 10, 10)
    );
    assert_eq!(w.user_info(10001, 10002, T).unwrap().today_liked, 0);
    assert_eq!(
        w.people.get(&10002).unwrap().profile.liked.get(&10001),
        Some(&10)
    );
    w.like(10002, 10001, T + 86_400).unwrap();
    let info = w.user_info(10002, 10001, T + 86_400).unwrap();
    assert_eq!((info.c_like, info.today_c_like), (11, 1));
}

#[test]
fn profile_changes_reach_framework_friends() {
    let mut w = world();
    let events = w.set_nickname(20001, "Alicia", T).unwrap();
    assert_eq!(
        seen(&events),
        [
            (10001, kind::NICKNAME_CHANGED, 20001, 0, "Alicia".into()),
            (10002, kind::NICKNAME_CHANGED, 20001, 0, "Alicia".into()),
        ]
    );
    let events = w.set_signature(20002, "sig", T).unwrap();
    assert_eq!(
        seen(&events),
        [(10001, kind::SIGNATURE_CHANGED, 20002, 0, "sig".into())]
    );
    w.set_online_state(10001, 41, None, Some(50)).unwrap();
    assert_eq!(w.online_state(10002, 10001).unwrap(), "离线");
    assert_eq!(w.online_state(10001, 10001).unwrap(), "隐身");
    assert_eq!(w.online_state(10001, 20001).unwrap(), "在线");
}

#[test]
fn session_keys_are_stable() {
    let mut w = world();
    let skey = w.session_key(10001, "skey", "").unwrap();
    assert!(skey.starts_with('@') && skey.len() == 10, "{skey}");
    assert_eq!(w.session_key(10001, "skey", "").unwrap(), skey);
    assert_ne!(w.session_key(10002, "skey", "").unwrap(), skey);
    let a = w.session_key(10001, "pskey", "qun.qq.com").unwrap();
    assert!(a.ends_with('_') && a.len() == 44);
    assert_ne!(a, w.session_key(10001, "pskey", "qzone.qq.com").unwrap());
    assert_eq!(w.session_key(10001, "clientkey", "").unwrap().len(), 64);
    assert!(w.session_key(20001, "skey", "").is_err());
}

#[test]
fn requests_packets_and_bundles_are_saved() {
    let mut w = world();
    w.ask_friend(20003, 10001, "hi", "", T).unwrap();
    let packet = crate::control::social::RedPacket {
        from: 20001,
        group: 30001,
        title: "恭喜".into(),
        amount: 100,
        count: 2,
    };
    let (id, events) = w.send_red_packet(&packet, T, 5).unwrap();
    assert_eq!(events.len(), 2);
    let bundle = [crate::control::social::BundleMessage {
        from: 20001,
        group: Some(30001),
        text: "a".into(),
        name: None,
        time: None,
    }];
    let resid = w.make_bundle(&bundle, T).unwrap();
    let docs = w.all_docs();
    let mut back = World::from_docs(
        docs.iter()
            .map(|d| (d.kind, d.key.as_str(), d.body.as_deref().unwrap_or(""))),
    )
    .unwrap();
    back.history = w.history.clone(); // the store keeps it, not the documents
    assert_eq!(back, w);
    assert!(back.red_packets.contains_key(&id) && back.bundles.contains_key(&resid));
    assert_eq!(back.requests.len(), 1);
}

/// Adds a row to each table of this area (a request, a red packet, a bundle), for the
/// persistence tests.
pub(crate) fn add_social_rows(w: &mut World) {
    w.ask_friend(20003, 10001, "hi", "", T).unwrap();
    let packet = super::cards::StoredRedPacket {
        id: "1".into(),
        gin: 30001,
        from: 20001,
        title: "t".into(),
        amount: 2,
        count: 2,
        left: 2,
        time: T,
    };
    w.red_packets.insert(packet.id.clone(), packet);
    let bundle = [crate::control::social::BundleMessage {
        from: 20001,
        group: None,
        text: "a".into(),
        name: None,
        time: None,
    }];
    w.make_bundle(&bundle, T).unwrap();
}
