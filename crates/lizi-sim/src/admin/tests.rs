//! The group-administration and recall rules, on the default world, at chosen times.

use lizi_core::{Event, Uin};

use super::rules::{ANONYMOUS_CARD, ANONYMOUS_UIN};
use super::Privilege;
use crate::error::SimError;
use crate::messages::Target;
use crate::world::{ConvKey, Group, MemberState, Role, StoredMessage, World};
use crate::WorldFixture;

const T: i64 = 1_000;
const G: u64 = 30001;

fn world() -> World {
    let mut world = World::from_fixture(&WorldFixture::default_world(), 0);
    world.take_changes();
    world
}

/// `(logon, type, about, operator)` of each EventMsg.
fn notices(events: &[Event]) -> Vec<(Uin, i64, Uin, Uin)> {
    events
        .iter()
        .map(|e| match e {
            Event::EventMsg(m) => (m.logon_qq, m.msg.kind, m.from_qq.uin, m.operate_qq.uin),
            other => panic!("not an EventMsg: {other:?}"),
        })
        .collect()
}

fn text_of(event: &Event) -> String {
    match event {
        Event::EventMsg(m) => m.msg.text.clone(),
        other => panic!("not an EventMsg: {other:?}"),
    }
}

fn group_send(world: &mut World, from: Uin, text: &str, time: i64) -> Result<i64, SimError> {
    world
        .send(from, Target::Group(G), text, time, 7)
        .map(|(receipt, _)| receipt.req)
}

fn no_permission(error: SimError) -> String {
    match error {
        SimError::NoPermission(reason) => reason,
        other => panic!("not NoPermission: {other:?}"),
    }
}

#[test]
fn kick_follows_roles_and_tells_who_sees_it() {
    let mut w = world();
    let reason = no_permission(w.kick(10002, G, 20003, false, T).unwrap_err());
    assert_eq!(
        reason,
        "10002 is only a member of group 30001; only the owner or an admin may kick members"
    );
    let reason = no_permission(w.kick(10001, G, 20001, false, T).unwrap_err());
    assert!(
        reason.contains("10001 (admin) may not kick 20001 (owner)"),
        "{reason}"
    );
    assert!(matches!(
        w.kick(10001, G, 10001, false, T),
        Err(SimError::Invalid(_))
    ));
    assert!(!w.has_changes());

    let events = w.kick(10001, G, 20003, true, T).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 6, 20003, 10001), (10002, 6, 20003, 10001)]
    );
    let group = w.group(G).unwrap();
    assert!(!group.members.contains_key(&20003));
    assert!(group.blocked.contains(&20003));

    // The owner kicks a framework account: it learns it was kicked (30), not 6.
    let events = w.kick(20001, G, 10002, false, T).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 6, 10002, 20001), (10002, 30, 10002, 20001)]
    );
    assert!(!w.group(G).unwrap().blocked.contains(&10002));
    assert!(matches!(
        w.kick(20001, G, 10002, false, T),
        Err(SimError::NotMember { .. })
    ));
}

#[test]
fn mute_blocks_sending_and_counts_down() {
    let mut w = world();
    assert!(matches!(
        w.mute(10002, G, 20003, 60, T),
        Err(SimError::NoPermission(_))
    ));
    assert!(matches!(
        w.mute(10001, G, 20003, 30 * 24 * 3600 + 1, T),
        Err(SimError::Invalid(_))
    ));
    let events = w.mute(10001, G, 10002, 600, T).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 7, 10002, 10001), (10002, 7, 10002, 10001)]
    );
    assert_eq!(text_of(&events[0]), "600");
    assert_eq!(w.mute_left(10002, G, T + 100).unwrap(), 500);
    assert_eq!(w.mute_left(10001, G, T).unwrap(), 0);
    match group_send(&mut w, 10002, "hi", T + 100) {
        Err(SimError::Muted(reason)) => {
            assert_eq!(
                reason,
                "10002 is muted in group 30001 for another 500 seconds"
            )
        }
        other => panic!("{other:?}"),
    }
    // Private messages are not affected, and the mute ends by itself.
    assert!(w
        .send(10002, Target::Private(20001), "hi", T + 100, 1)
        .is_ok());
    assert!(group_send(&mut w, 10002, "later", T + 600).is_ok());

    w.mute(10001, G, 10002, 600, T).unwrap();
    let events = w.mute(10001, G, 10002, 0, T + 1).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 28, 10002, 10001), (10002, 28, 10002, 10001)]
    );
    assert_eq!(w.mute_left(10002, G, T + 1).unwrap(), 0);
    assert!(w.mute(10001, G, 10002, 0, T + 1).unwrap().is_empty());
    // The owner may mute an admin.
    assert_eq!(w.mute(20001, G, 10001, 60, T).unwrap().len(), 2);
}

#[test]
fn whole_mute_spares_owner_and_admins() {
    let mut w = world();
    assert!(matches!(
        w.set_whole_mute(10002, G, true, T),
        Err(SimError::NoPermission(_))
    ));
    let events = w.set_whole_mute(10001, G, true, T).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 11, 10001, 10001), (10002, 11, 10001, 10001)]
    );
    assert!(w.set_whole_mute(10001, G, true, T).unwrap().is_empty());
    assert!(matches!(
        group_send(&mut w, 20003, "x", T),
        Err(SimError::Muted(_))
    ));
    assert!(group_send(&mut w, 10001, "admin", T).is_ok());
    assert!(group_send(&mut w, 20001, "owner", T).is_ok());
    let events = w.set_whole_mute(20001, G, false, T).unwrap();
    assert_eq!(notices(&events)[0], (10001, 12, 20001, 20001));
    assert!(group_send(&mut w, 20003, "x", T).is_ok());
}

#[test]
fn admins_cards_and_names() {
    let mut w = world();
    let reason = no_permission(w.set_admin(10001, G, 10002, true, T).unwrap_err());
    assert_eq!(
        reason,
        "10001 is an admin of group 30001; only the owner may grant or remove admins"
    );
    let events = w.set_admin(20001, G, 10002, true, T).unwrap();
    assert_eq!(notices(&events)[1], (10002, 10, 10002, 20001));
    assert_eq!(w.group(G).unwrap().role(10002), Role::Admin);
    assert!(w.set_admin(20001, G, 10002, true, T).unwrap().is_empty());
    let events = w.set_admin(20001, G, 10002, false, T).unwrap();
    assert_eq!(notices(&events)[0], (10001, 9, 10002, 20001));

    let events = w.set_card(10002, G, 10002, "helper", T).unwrap();
    assert_eq!(notices(&events)[0], (10001, 36, 10002, 10002));
    assert_eq!(text_of(&events[0]), "helper");
    assert!(matches!(
        w.set_card(10002, G, 20003, "x", T),
        Err(SimError::NoPermission(_))
    ));
    assert!(matches!(
        w.set_card(10001, G, 20001, "x", T),
        Err(SimError::NoPermission(_))
    ));
    assert!(w.set_card(10001, G, 20003, "carol", T).is_ok());
    assert!(matches!(
        w.set_card(10001, G, 20003, &"x".repeat(61), T),
        Err(SimError::Invalid(_))
    ));
    assert_eq!(w.group(G).unwrap().member(20003).unwrap().card, "carol");

    assert!(matches!(
        w.rename_group(20003, G, "mine", T),
        Err(SimError::NoPermission(_))
    ));
    let events = w.rename_group(10001, G, "renamed", T).unwrap();
    assert_eq!(notices(&events)[0], (10001, 32, 10001, 10001));
    assert_eq!(text_of(&events[0]), "renamed");
    assert_eq!(w.group(G).unwrap().name, "renamed");
}

#[test]
fn leaving_and_dissolving() {
    let mut w = world();
    assert!(matches!(w.leave(20001, G, T), Err(SimError::Refused(_))));
    let events = w.leave(10001, G, T).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 5, 10001, 10001), (10002, 5, 10001, 10001)]
    );
    let group = w.group(G).unwrap();
    assert!(!group.admins.contains(&10001) && !group.members.contains_key(&10001));

    assert!(matches!(
        w.dissolve(10002, G, T),
        Err(SimError::NoPermission(_))
    ));
    let events = w.dissolve(10001, 30002, T).unwrap();
    assert_eq!(notices(&events), [(10001, 4, 10001, 10001)]);
    assert!(w.group(30002).is_err());
}

#[test]
fn privileges_anonymous_and_temp_sessions() {
    let mut w = world();
    assert!(matches!(
        w.send_anonymous(10002, G, "who", T, 1),
        Err(SimError::Refused(_))
    ));
    assert!(matches!(
        w.set_privilege(10002, G, Privilege::Anonymous, true, T),
        Err(SimError::NoPermission(_))
    ));
    let events = w
        .set_privilege(10001, G, Privilege::Anonymous, true, T)
        .unwrap();
    assert_eq!(notices(&events)[0], (10001, 13, 10001, 10001));
    let (_, events) = w.send_anonymous(10002, G, "who", T, 1).unwrap();
    assert_eq!(events.len(), 2);
    for event in &events {
        let Event::GroupMsg(m) = event else {
            panic!("{event:?}")
        };
        assert_eq!(
            (m.from_qq.uin, m.from_qq.card.as_str()),
            (ANONYMOUS_UIN, ANONYMOUS_CARD)
        );
    }
    let last = w.messages_page(ConvKey::Group(G), None, 1).unwrap();
    assert_eq!(last[0].from, 10002);

    let events = w
        .set_privilege(10001, G, Privilege::TempSession, false, T)
        .unwrap();
    assert_eq!(notices(&events)[0].1, 18);
    let temp = |to| Target::Temp { gin: G, to };
    assert!(matches!(
        w.send(10002, temp(20003), "psst", T, 1),
        Err(SimError::Refused(_))
    ));
    assert!(w.send(10002, temp(10001), "to the admin", T, 1).is_ok());
    assert!(w.send(10001, temp(20003), "from the admin", T, 1).is_ok());

    for (privilege, on, off) in [
        (Privilege::TanBaiShuo, 15, 16),
        (Privilege::NewGroup, 19, 20),
        (Privilege::UploadFile, 21, 22),
        (Privilege::UploadAlbum, 23, 24),
    ] {
        let events = w.set_privilege(20001, G, privilege, false, T).unwrap();
        assert_eq!(notices(&events)[0].1, off);
        let events = w.set_privilege(20001, G, privilege, true, T).unwrap();
        assert_eq!(notices(&events)[0].1, on);
    }
    assert!(w
        .set_privilege(20001, G, Privilege::InviteIn, false, T)
        .unwrap()
        .is_empty());
    assert!(!w.group(G).unwrap().settings.invite_in);
    w.set_invite_way(10001, G, 2).unwrap();
    assert_eq!(w.group(G).unwrap().settings.invite_way, 2);
    assert!(matches!(
        w.set_invite_way(10001, G, 4),
        Err(SimError::Invalid(_))
    ));
}

#[test]
fn shared_positions_show_in_group_messages() {
    let mut w = world();
    w.set_position(10002, G, 116.397_128, 39.916_527, Some(true))
        .unwrap();
    let (_, events) = w.send(10002, Target::Group(G), "here", T, 1).unwrap();
    let Event::GroupMsg(m) = &events[0] else {
        panic!()
    };
    assert_eq!(
        (m.from_qq.pos.lo, m.from_qq.pos.la),
        (116_397_128, 39_916_527)
    );
    w.set_position(10002, G, 1.0, 2.0, Some(false)).unwrap();
    w.set_position(10002, G, 3.0, 4.0, None).unwrap();
    let state = w.group(G).unwrap().member(10002).unwrap();
    assert_eq!(
        (state.pos.lo, state.pos.la, state.sharing_pos),
        (3_000_000, 4_000_000, false)
    );
    let (_, events) = w.send(10002, Target::Group(G), "hidden", T, 1).unwrap();
    let Event::GroupMsg(m) = &events[0] else {
        panic!()
    };
    assert_eq!((m.from_qq.pos.lo, m.from_qq.pos.la), (0, 0));
    assert!(matches!(
        w.set_position(10002, G, 181.0, 0.0, None),
        Err(SimError::Invalid(_))
    ));
    assert!(matches!(
        w.set_position(20001, 30002, 1.0, 1.0, None),
        Err(SimError::NotMember { .. })
    ));
}

#[test]
fn group_recall_rules() {
    let mut w = world();
    let member_msg = group_send(&mut w, 10002, "oops", T).unwrap();
    let owner_msg = group_send(&mut w, 20001, "boss", T).unwrap();
    assert!(matches!(
        w.recall_group(20003, G, member_msg, 7, T),
        Err(SimError::NoPermission(_))
    ));
    let reason = no_permission(w.recall_group(10001, G, owner_msg, 7, T).unwrap_err());
    assert!(reason.contains("10001 (admin) may not recall a message of 20001 (owner)"));
    assert!(matches!(
        w.recall_group(10002, G, member_msg, 8, T),
        Err(SimError::NotFound(_))
    ));
    assert!(matches!(
        w.recall_group(10002, G, member_msg, 7, T + 121),
        Err(SimError::Refused(_))
    ));
    let events = w.recall_group(10002, G, member_msg, 7, T + 60).unwrap();
    assert_eq!(
        notices(&events),
        [(10001, 8, 10002, 10002), (10002, 8, 10002, 10002)]
    );
    assert_eq!(text_of(&events[0]), "oops");
    let Event::EventMsg(m) = &events[0] else {
        panic!()
    };
    assert_eq!(m.msg.seq, member_msg);
    assert!(matches!(
        w.recall_group(10002, G, member_msg, 7, T + 60),
        Err(SimError::Invalid(_))
    ));
    // The owner recalls anyone's, at any time.
    let late = group_send(&mut w, 10001, "admin says", T).unwrap();
    assert!(w.recall_group(20001, G, late, 7, T + 10_000).is_ok());

    // A recalled message cannot be replied to; other messages can.
    let reply =
        format!("[Reply,Content=oops,SendQQID=10002,Req={member_msg},Random=7,SendTime={T}]re");
    match group_send(&mut w, 20003, &reply, T + 70) {
        Err(SimError::Refused(reason)) => assert_eq!(
            reason,
            format!(
                "message Req={member_msg} in group 30001 was recalled; it cannot be replied to"
            )
        ),
        other => panic!("{other:?}"),
    }
    let fine = format!("[Reply,Req={owner_msg},Random=7]re");
    assert!(group_send(&mut w, 20003, &fine, T + 70).is_ok());
}

#[test]
fn private_recall_rules() {
    let mut w = world();
    let (mine, _) = w
        .send(10001, Target::Private(20001), "to alice", T, 5)
        .unwrap();
    let (hers, _) = w
        .send(20001, Target::Private(10001), "to bot", T, 6)
        .unwrap();
    assert!(matches!(
        w.recall_private(20001, 10001, mine.req, 5, None, T),
        Err(SimError::NoPermission(_))
    ));
    assert!(matches!(
        w.recall_private(10001, 20001, mine.req, 5, Some(T + 1), T),
        Err(SimError::NotFound(_))
    ));
    // Alice is not a framework account: nobody sees the bot's recall.
    assert!(w
        .recall_private(10001, 20001, mine.req, 5, Some(T), T + 1)
        .unwrap()
        .is_empty());
    let events = w
        .recall_private(20001, 10001, hers.req, 6, None, T + 2)
        .unwrap();
    assert_eq!(notices(&events), [(10001, 103, 20001, 20001)]);
    assert!(matches!(
        w.recall_private(20001, 10001, hers.req, 6, None, T + 2),
        Err(SimError::Invalid(_))
    ));
    let reply = format!("[Reply,Req={},Random=6]no", hers.req);
    assert!(matches!(
        w.send(10001, Target::Private(20001), &reply, T + 3, 1),
        Err(SimError::Refused(_))
    ));
}

#[test]
fn views_and_old_documents() {
    let mut w = world();
    w.mute(10001, G, 20003, 60, T).unwrap();
    let view = w.group_view(G, T + 10).unwrap();
    let carol = &view["members"].as_array().unwrap()[4];
    assert_eq!(carol["uin"], 20003);
    assert_eq!(carol["mute_left"], 50);
    assert_eq!(view["settings"]["invite_way"], 3);
    assert!(w.group_view(1, T).is_err());
    let info = w.group_info(10001, G).unwrap();
    assert_eq!(info.name, "lizi test group");

    // Documents saved before these fields existed still load.
    let group: Group = serde_json::from_str(
        r#"{"gin":1,"name":"n","memo":"","owner":2,"admins":[],
            "members":{"2":{"card":"","spec_title":"","joined":0,"last_msg":0}}}"#,
    )
    .unwrap();
    assert!(group.blocked.is_empty());
    assert!(group.settings.temp_session && !group.settings.anonymous);
    assert_eq!(group.members[&2], MemberState::default());
    let message: StoredMessage = serde_json::from_str(
        r#"{"req":1,"random":2,"seq":3,"time":4,"from":5,"to":null,"group":1,"text":"t"}"#,
    )
    .unwrap();
    assert!(!message.recalled);
}
