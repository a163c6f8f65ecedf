//! Events that cannot be read: a frame that is not a JSON object, or whose fields are
//! missing or of the wrong type (`message_id: "abc"`, `group_id: "abc"`, a group message
//! naming no group or no sender). Such an event is never dropped silently: it is counted
//! in `/metrics` by its kind (`lizi_bridge_unreadable_events_total{kind="message/group"}`),
//! logged sparingly with its kind, and reported to the account's XLZ bots as one `EventMsg`
//! of the lizi-specific type [`UNREADABLE`] saying that one event could not be read, as
//! the gap event ([`super::refill::GAP`]) says what may be missing.

use std::fmt::Display;

use lizi_core::event::EventBody;
use lizi_core::{Event, Gin, Uin};

use super::event_msg::event_msg;
use crate::backend::{BridgeBackend, State};
use crate::clock::now;

/// The lizi-specific `EventMsg` type saying one event from the implementation could not
/// be read. XLZ uses no such type.
pub const UNREADABLE: i64 = 901;

/// The event telling `account`'s sessions that one event of `kind` from `implementation`
/// could not be read, and why.
pub fn unreadable_event(
    account: Uin,
    implementation: &str,
    kind: &str,
    why: &str,
    group: Gin,
) -> Event {
    let body = EventBody {
        time_stamp: now(),
        kind: UNREADABLE,
        text: format!(
            "one event from {implementation} could not be read and is not shown: a `{kind}` \
             event, {why}"
        ),
        ..EventBody::default()
    };
    event_msg(account, account, account, group, body)
}

impl BridgeBackend {
    /// Counts and logs an event of `account` that could not be read, and answers the XLZ
    /// event that says so (`state` is the locked state, for the implementation's name).
    pub(crate) fn unreadable_event(
        &self,
        state: &State,
        account: Uin,
        kind: &str,
        why: &dyn Display,
        group: Gin,
    ) -> Event {
        let why = why.to_string();
        self.unreadable.count(
            kind,
            format_args!("account {account}: a `{kind}` event, {why}"),
        );
        let implementation = state
            .accounts
            .get(&account)
            .map(|entry| entry.seen.implementation.short_name())
            .unwrap_or_default();
        unreadable_event(account, &implementation, kind, &why, group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_says_what_could_not_be_read() {
        let Event::EventMsg(event) =
            unreadable_event(7, "napcat", "message/group", "it names no group", 0)
        else {
            panic!("an EventMsg");
        };
        assert_eq!((event.msg.kind, event.logon_qq), (UNREADABLE, 7));
        assert_eq!(
            event.msg.text,
            "one event from napcat could not be read and is not shown: a `message/group` \
             event, it names no group"
        );
    }
}
